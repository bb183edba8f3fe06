"""The checks of the labour-market section (analysis.kontroller.arbetsmarknad): all pass
on consistent figures, and each fails when one of its two paths is broken (mutation
tests)."""

from __future__ import annotations

import dataclasses

import pytest

from analysis.befolkning.arbetsmarknad import arbetsloshet, arbetsloshet_text
from analysis.core.period import Period
from analysis.kontroller.arbetsmarknad import (
    GRUPP_RIMLIG,
    GRUPP_TABELL,
    GRUPP_TEXT,
    kontrollera_arbetsmarknad,
)
from analysis.kontroller.bas import Kontroller
from analysis.rapport.arbetsmarknad import andelstabell, antalstabell
from tests.befolkning.test_arbetsmarknad import frame

RAW = frame(
    [
        (202104, "Ort", "kommun", "16-64", 7.3, 2751, 37600),
        (202204, "Ort", "kommun", "16-64", 5.5, 2076, 37744),
        (202304, "Ort", "kommun", "16-64", 4.9, 1861, 38000),
        (202305, "Ort", "kommun", "16-64", 4.0, 1520, 38000),
        (202304, "Länet län", "lan", "16-64", 4.4, 5502, 125054),
        (202304, "Riket", "riket", "16-64", 6.2, 328000, 5290000),
        (202204, "Ort", "kommun", "18-24", 6.5, 221, 3400),
        (202304, "Ort", "kommun", "18-24", 5.0, 171, 3420),
        (202304, "Ort", "kommun", "utrikes_fodda", 12.4, 707, 5700),
        (202304, "Länet län", "lan", "utrikes_fodda", 11.6, 2176, 18758),
    ]
)


def _run(raw=RAW, a=None, text=None, andelar=None, antal=None) -> Kontroller:
    a = a if a is not None else arbetsloshet(RAW, "2023-04")
    k = Kontroller()
    kontrollera_arbetsmarknad(
        k,
        raw,
        a,
        text if text is not None else arbetsloshet_text(a),
        andelar if andelar is not None else andelstabell(a),
        antal if antal is not None else antalstabell(a),
    )
    return k


def _failed(k: Kontroller, grupp: str) -> list[str]:
    return [r.kontroll for r in k.fel if r.grupp == grupp]


def test_consistent_figures_pass_every_check():
    k = _run()
    assert len(k) > 40 and not k.fel, k.tabell()[k.tabell()["Resultat"] != "Stämmer"]
    assert {r.grupp for r in k.rader} == {GRUPP_TABELL, GRUPP_TEXT, GRUPP_RIMLIG}


def test_the_sample_passes_every_check(sample_data):
    raw = sample_data.as_of("2023-04").arbetsloshet
    a = arbetsloshet(raw, "2023-04", "Exempelkommunen")
    k = _run(raw, a, arbetsloshet_text(a), andelstabell(a), antalstabell(a))
    assert len(k) > 100 and not k.fel


# --- mutations: break one path, the check must fail ----------------------------------------
def test_a_wrong_table_cell_fails():
    andelar = andelstabell(arbetsloshet(RAW, "2023-04"))
    andelar.iloc[0, 3] = 5.4  # the kommun a year earlier
    # the change (−0,6) still agrees with the file: only the broken cell fails
    assert _failed(_run(andelar=andelar), GRUPP_TABELL) == ["andel 16–64 år Ort April 2022"]


def test_a_wrong_count_change_fails():
    antal = antalstabell(arbetsloshet(RAW, "2023-04"))
    antal.loc[0, "Förändring på två år"] = -889
    assert _failed(_run(antal=antal), GRUPP_TABELL) == ["Förändring på två år 16–64 år Ort"]


def test_a_table_of_a_later_month_fails():
    """A table built from May (after the report month) differs from the file's April."""
    a_maj = arbetsloshet(RAW, "2023-05")
    assert _failed(
        _run(andelar=andelstabell(a_maj).rename(columns=lambda c: c.replace("Maj", "April"))),
        GRUPP_TABELL,
    )


def test_the_wrong_month_fails():
    a = arbetsloshet(RAW, "2023-04")
    earlier = dataclasses.replace(a, manad=Period(2022, 4))
    failed = _failed(_run(a=earlier, andelar=andelstabell(a), antal=antalstabell(a)), GRUPP_TABELL)
    assert "månaden som visas är den senaste med uppgift för kommunen" in failed


@pytest.mark.parametrize(
    ("old", "new", "what"),
    [
        ("var 4,9 procent", "var 4,8 procent", "Arbetslösheten i kommunen i texten = tabellen"),
        (
            "med 5,5 procent",
            "med 5,4 procent",
            "Arbetslösheten ett år tidigare i texten = tabellen",
        ),
        ("var den 4,4", "var den 4,6", "Arbetslösheten i länet i texten = tabellen"),
        ("riket 6,2", "riket 6,0", "Arbetslösheten i riket i texten = tabellen"),
        (
            "(6,5 procent",
            "(6,8 procent",
            "Arbetslösheten bland ungdomar ett år tidigare i texten = tabellen",
        ),
        ("födda 12,4", "födda 21,4", "Arbetslösheten bland utrikes födda i texten = tabellen"),
        ("1\u00a0861", "1\u00a0816", "Antalet inskrivna arbetslösa i texten = tabellen"),
        ("890 färre", "980 färre", "Förändringen av antalet på två år i texten = tabellen"),
        ("215 färre", "215 fler", "texten säger 'färre' om förändringen ett år tidigare"),
        (
            " och bland utrikes födda 12,4 procent (11,6 procent i Länet län)",
            "",
            "Arbetslösheten bland utrikes födda: texten nämner talet|"
            "Arbetslösheten bland utrikes födda i länet: texten nämner talet",
        ),
    ],
)
def test_a_wrong_figure_in_the_text_fails(old, new, what):
    a = arbetsloshet(RAW, "2023-04")
    text = arbetsloshet_text(a)
    assert old in text
    assert _failed(_run(a=a, text=text.replace(old, new)), GRUPP_TEXT) == what.split("|")


def test_a_comparison_the_file_does_not_give_must_not_be_printed():
    raw = RAW[~((RAW["grupp"] == "18-24") & (RAW["period"] == 202204))]
    a = arbetsloshet(raw, "2023-04")
    text = arbetsloshet_text(a)
    assert "året innan" not in text
    invented = text.replace("5,0 procent", "5,0 procent (0,0 procent året innan)")
    assert _failed(_run(raw, a, invented), GRUPP_TEXT) == [
        "Arbetslösheten bland ungdomar ett år tidigare: saknas i filen och nämns inte"
    ]


def test_share_times_arbetskraft_must_give_the_count():
    raw = RAW.copy()
    raw.loc[2, "antal"] = 2100  # 4,9 % of 38 000 is 1 862 ± 19
    failed = _failed(_run(raw), GRUPP_RIMLIG)
    assert failed == ["andel × arbetskraft = antal, 16-64 Ort 202304"]


def test_the_kommun_cannot_have_more_unemployed_than_its_lan():
    raw = RAW.copy()
    raw.loc[4, ["antal", "arbetskraft"]] = [1500, 34000]  # the län: 1 500 < the kommun's 1 861
    assert "antal 16-64: Ort högst Länet län" in _failed(_run(raw), GRUPP_RIMLIG)


def test_a_group_cannot_exceed_16_64():
    raw = RAW.copy()
    raw.loc[8, ["antal", "andel", "arbetskraft"]] = [1900, 12.4, 15323]
    assert _failed(_run(raw), GRUPP_RIMLIG) == ["antal utrikes_fodda högst antal 16–64 år, Ort"]


def test_a_share_above_100_fails():
    raw = RAW.copy()
    raw["arbetskraft"] = float("nan")
    raw.loc[6, "andel"] = 106.5  # the young a year earlier (not printed, still checked)
    assert _failed(_run(raw), GRUPP_RIMLIG) == ["andel 18-24 Ort 202204 mellan 0 och 100 %"]


def test_the_checks_use_only_what_was_known():
    """May's row is after the report: it may not make the April month look stale."""
    assert (RAW["period"] > 202304).any()
    [m] = [r for r in _run().rader if r.kontroll.startswith("månaden som visas")]
    assert m.ok and m.varde == m.forvantat == 202304
