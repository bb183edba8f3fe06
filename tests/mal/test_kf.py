"""Follow-up per KF-mål (analysis.mal.kf and its section in analysis.rapport.mal): the
counts against a hand-built goal file, the link as known at the period's end, several
KF-mål per mätetal, the kommun without links, the sample, and the check's mutation test."""

from __future__ import annotations

import pytest

from analysis.io.dataset import load_data
from analysis.kontroller.bas import Kontroller
from analysis.mal import kf
from analysis.mal import matetal as mal
from analysis.rapport import mal as malrapport
from tests.conftest import write_tiny

HEADER = "ar;period;namnd;mal;KF-mål;matetal;enhet;riktning;malvarde;utfall;status\n"
ROWS = (
    # computed grön (15 ≤ 16), gul (76 within 10 % of 80), röd (2,0 against 1,5)
    "2023;2023-04;bun;Jämlik utbildning;Hälsa;Barngrupper;antal;lagre;16;15;\n"
    "2023;2023-04;bun;Jämlik utbildning;Hälsa;Behöriga lärare;%;hogre;80;76;\n"
    "2023;2023-04;bun;Klimatsmart skolmat;Klimat | Hälsa;CO2e per kg;kg;lagre;1,5;2,0;\n"
    # the nämnd's own gul; relinked to Klimat in August
    "2023;2023-04;sn;Egen försörjning;Arbete;Familjer;antal;lagre;300;224;gul\n"
    "2023;2023-08;sn;Egen försörjning;Klimat;Familjer;antal;lagre;300;230;gul\n"
    # not linked, not judged (text)
    "2023;2023-04;sn;God service;;Uppäten mat;%;hogre;75;Nytt mätetal;\n"
)


def dataset(tmp_path, text: str):
    raw = write_tiny(tmp_path / "data" / "raw")
    (raw / "mal").mkdir()
    (raw / "mal" / "matetal.csv").write_text(text, encoding="utf-8")
    return load_data(tmp_path / "data")


@pytest.fixture(scope="module")
def goals(tmp_path_factory):
    return dataset(tmp_path_factory.mktemp("kf"), HEADER + ROWS)


def follow_up(data, period):
    mt = mal.matetal(data, period)
    return mt, kf.kf_uppfoljning(kf.med_kf_mal(mt, data, period), data)


def test_counts_per_kf_mal_in_april(goals):
    _, t = follow_up(goals, "2023-04")
    t = t.set_index("kf_mal")
    assert list(t.index) == ["Hälsa", "Klimat", "Arbete", kf.EJ_KOPPLAD]
    cols = ["mal", "matetal", "Grön", "Gul", "Röd", "Ej bedömd"]
    assert t.loc["Hälsa", cols].tolist() == [2, 3, 1, 1, 1, 0]
    assert t.loc["Klimat", cols].tolist() == [1, 1, 0, 0, 1, 0]
    assert t.loc["Arbete", cols].tolist() == [1, 1, 0, 1, 0, 0]
    assert t.loc[kf.EJ_KOPPLAD, cols].tolist() == [1, 1, 0, 0, 0, 1]
    assert t.loc["Hälsa", "namnder"] == ["Barn- och utbildningsnämnden"]
    assert t.loc["Arbete", "namnder"] == ["Socialnämnden"]


def test_the_link_is_the_one_known_at_the_period_end(goals):
    _, t = follow_up(goals, "2023-08")
    t = t.set_index("kf_mal")
    assert "Arbete" not in t.index  # relinked in August
    assert t.loc["Klimat", "matetal"] == 2
    assert t.loc["Klimat", "namnder"] == ["Barn- och utbildningsnämnden", "Socialnämnden"]


def test_example_is_the_goal_with_most_mätetal(goals):
    mt, _ = follow_up(goals, "2023-04")
    ex = kf.exempel(kf.med_kf_mal(mt, goals, "2023-04"), "Hälsa")
    assert ex["mal"].unique().tolist() == ["Jämlik utbildning"]
    assert ex["matetal"].tolist() == ["Barngrupper", "Behöriga lärare"]


def test_text_names_the_nämnder_and_counts(goals):
    mt, _ = follow_up(goals, "2023-04")
    mt_kf = kf.med_kf_mal(mt, goals, "2023-04")
    text = malrapport.kf_text(mt_kf, "Hälsa", goals)
    assert text == (
        "Det är Barn- och utbildningsnämnden som bidrar till måluppfyllelsen med sina mål. "
        "Av 3 mätetal är 1 grönt, 1 gult och 1 rött."
    )


def test_without_the_column_nothing_is_linked(tmp_path, monkeypatch):
    data = dataset(
        tmp_path,
        HEADER.replace("KF-mål;", "")
        + ROWS.replace("Klimat | Hälsa;", "")
        .replace(";Hälsa;", ";")
        .replace(";Arbete;", ";")
        .replace(";Klimat;", ";")
        .replace("God service;;", "God service;"),
    )
    assert "kf_mal" not in data.frames["matetal"]
    assert not kf.kf_kopplade(data)
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda m: shown.append(m.data))
    malrapport.visa_kf_mal(mal.matetal(data, "2023-04"), data, "2023-04")
    assert shown == [malrapport.EJ_KF_TEXT]
    assert "inte kopplade till kommunfullmäktiges mål" in shown[0]
    k = Kontroller()
    malrapport.kontrollera_kf(k, mal.matetal(data, "2023-04"), data, "2023-04")
    assert len(k) == 0


def test_an_empty_column_is_no_link(tmp_path):
    text = HEADER + "2023;2023-04;bun;Mål;;Mätetal;antal;hogre;1;1;\n"
    assert not kf.kf_kopplade(dataset(tmp_path, text))


def test_visa_kf_mal_shows_table_and_sections(goals, monkeypatch):
    shown, tables = [], []
    monkeypatch.setattr("IPython.display.display", lambda m: shown.append(m.data))
    monkeypatch.setattr(malrapport, "show_table", lambda t, title, **kw: tables.append((title, t)))
    malrapport.visa_kf_mal(mal.matetal(goals, "2023-04"), goals, "2023-04")
    overview = tables[0][1]
    assert overview["KF-mål"].tolist() == ["Hälsa", "Klimat", "Arbete", kf.EJ_KOPPLAD]
    assert overview["Mätetal"].tolist() == [3, 1, 1, 1]
    assert shown[0].startswith("### Hälsa\n\n")
    assert any(title.startswith("Exempel på nämndsmål: Jämlik utbildning") for title, _ in tables)
    assert any("God service (Socialnämnden)" in s for s in shown)


def test_check_passes_and_its_mutation_fails(goals):
    mt = mal.matetal(goals, "2023-04")
    k = Kontroller()
    malrapport.kontrollera_kf(k, mt, goals, "2023-04")
    assert len(k) > 0 and not k.fel
    # break one path: the follow-up loses a mätetal the goal file links
    broken = Kontroller()
    malrapport.kontrollera_kf(broken, mt.iloc[1:], goals, "2023-04")
    assert [f.kontroll for f in broken.fel] == ["Antal mätetal: Hälsa"]


def test_the_sample_links_its_goals(sample_data):
    mt, t = follow_up(sample_data, "2023-04")
    assert kf.kf_kopplade(sample_data)
    assert 5 <= len(t) - 1 <= 9  # a handful of KF-mål, then the unlinked ones
    assert t["kf_mal"].iloc[-1] == kf.EJ_KOPPLAD
    linked = kf.med_kf_mal(mt, sample_data, "2023-04")
    n_links = int(linked["kf_mal"].map(len).sum())
    n_none = int((linked["kf_mal"].map(len) == 0).sum())
    assert int(t["matetal"].sum()) == n_links + n_none
    k = Kontroller()
    malrapport.kontrollera_kf(k, mt, sample_data, "2023-04")
    assert not k.fel


def test_status_columns_sum_to_matetal(goals):
    _, t = follow_up(goals, "2023-04")
    assert (t[["Grön", "Gul", "Röd", "Ej bedömd"]].sum(axis=1) == t["matetal"]).all()
