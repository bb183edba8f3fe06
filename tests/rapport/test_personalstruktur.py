"""The personnel-structure section: forbered, the display, the checks and the export."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.io.dataset import load_data
from analysis.kontroller.bas import Kontroller
from analysis.personal.sekretess import MIN_GROUP
from analysis.personal.struktur import TOTALT
from analysis.rapport import personalstruktur as ps


@pytest.fixture(scope="module")
def avsnitt(sample_data):
    return ps.forbered(sample_data, "2023-04")


def test_the_checks_pass_on_the_sample(avsnitt):
    k = Kontroller()
    ps.kontrollera(k, avsnitt)
    assert len(k) > 90
    assert not k.fel, [(f.kontroll, f.varde, f.forvantat) for f in k.fel]


def test_a_broken_table_fails_the_checks(avsnitt):
    u = ps.Personalstruktur(**{**avsnitt.__dict__})
    u.anstallda = avsnitt.anstallda.copy()
    u.anstallda.at["Socialförvaltningen", "visstid"] += 1
    k = Kontroller()
    ps.kontrollera(k, u)
    assert any("visstid: kommunen = summan" in f.kontroll for f in k.fel)


def test_export_sheet_never_shows_a_small_group(sample_data, avsnitt):
    sheet = ps.exportblad(sample_data, "2023-04")[ps.BLAD]
    assert list(sheet.columns) == ["forvaltning", "manad", *ps.FORMAT]
    assert set(ps.FORMAT.values()) <= {"antal", "procent"}
    counts = avsnitt.anstallda.drop(columns=["andel_kvinnor", "timavlonade"])
    shown = sheet.set_index("forvaltning")
    small = (counts > 0) & (counts <= MIN_GROUP)
    assert small.to_numpy().any()  # the sample has small groups to hide
    for col in counts.columns:
        for rad in counts.index[small[col]]:
            assert pd.isna(shown.at[rad, col]), (rad, col)
    # shown cells are the unsuppressed figures
    visible = shown.loc[TOTALT, "manadsanstallda"]
    assert visible == avsnitt.anstallda.at[TOTALT, "manadsanstallda"]


def test_display_shows_the_tables(monkeypatch, avsnitt):
    shown = []
    monkeypatch.setattr(ps, "show_table", lambda df, title, **kw: shown.append((title, kw)))
    monkeypatch.setattr(ps, "display", lambda obj: shown.append(obj))
    ps.visa_personalstruktur(avsnitt)
    titles = [t[0] for t in shown if isinstance(t, tuple)]
    assert titles[0] == "Månadsanställda per förvaltning i april 2023, antal"
    assert any("Personalomsättning" in t for t in titles)
    notes = " ".join(kw.get("note", "") for _, kw in (t for t in shown if isinstance(t, tuple)))
    assert "10 eller färre" in notes and "december föregående år" in notes


def test_without_the_new_columns_the_section_says_what_is_missing(tiny, monkeypatch):
    data = load_data(tiny)
    u = ps.forbered(data, "2023-02")
    assert u.saknas == ["Uppgift om anställningsform saknas i personalfilen"]
    out = []
    monkeypatch.setattr(ps, "display", lambda obj: out.append(obj.data))
    ps.visa_personalstruktur(u)
    assert out == [
        "Uppgift om anställningsform saknas i personalfilen. Personalstrukturen redovisas inte."
    ]
    sheet = ps.exportblad(data, "2023-02")[ps.BLAD]
    assert sheet.empty and list(sheet.columns) == ["forvaltning", "manad", *ps.FORMAT]
    k = Kontroller()
    ps.kontrollera(k, u)
    assert len(k) == 0


def test_only_anstallningsform_gives_the_counts_and_names_the_rest(tiny, monkeypatch):
    path = tiny / "raw" / "personal" / "sjukfranvaro.csv"
    rows = [
        f"2023-02;A{i:06d};Socialförvaltningen;{'K' if i % 4 else 'M'};1980;160;0;0;0;"
        f"{'visstid' if i % 5 == 0 else 'tillsvidare'}\n"
        for i in range(1, 31)
    ]
    path.write_text(
        "period;anstalld;forvaltning;kon;fodelsear;ordinarie_tid_h;sjuk_h;sjuk_h_langtid;"
        "sjukdagar;anstallningsform\n" + "".join(rows),
        encoding="utf-8",
    )
    data = load_data(tiny)
    u = ps.forbered(data, "2023-02")
    assert u.saknas == []
    assert u.anstallda is not None
    assert u.anstallda.at[TOTALT, "tillsvidare"] == 24  # 30 minus i = 5, 10, …, 30
    assert u.chefer is None
    assert u.anmarkningar == [
        "Personalomsättningen kan inte beräknas: personalfilen saknar december 2022.",
        "Uppgift om chef saknas i personalfilen",
        "Uppgift om chef_id (anställdas chef) saknas i personalfilen",
        "Uppgift om sysselsättningsgrad saknas i personalfilen",
    ]
    out = []
    monkeypatch.setattr(ps, "show_table", lambda df, title, **kw: out.append(title))
    monkeypatch.setattr(ps, "display", lambda obj: out.append(obj.data))
    ps.visa_personalstruktur(u)
    assert out[-1].startswith("Personalomsättningen kan inte beräknas")
    assert out[-1].endswith("Uppgift om sysselsättningsgrad saknas i personalfilen.")
    assert not any("Personalomsättning december" in t for t in out)
    sheet = ps.exportblad(data, "2023-02")[ps.BLAD].set_index("forvaltning")
    # 6 on visstid: hidden, and so is tillsvidare (månadsanställda − tillsvidare = visstid),
    # also for the kommun, which here is the one förvaltning
    assert sheet.at[TOTALT, "manadsanstallda"] == 30
    assert pd.isna(sheet.at[TOTALT, "visstid"]) and pd.isna(sheet.at[TOTALT, "tillsvidare"])
    assert pd.isna(sheet.at[TOTALT, "chefer"]) and pd.isna(sheet.at[TOTALT, "arsarbetare"])
