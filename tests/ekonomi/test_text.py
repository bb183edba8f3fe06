"""The generated commentary of a nämnd (hand-made numbers) and the ekonom's own text."""

from __future__ import annotations

import math

import pandas as pd

from analysis.core.period import Period
from analysis.ekonomi import text as C
from analysis.io.dataset import load_data

from .test_avvikelse import HAND, _write


# --- commentary -----------------------------------------------------------------------
def _underlag(**kw) -> C.Underlag:
    base = dict(
        namn="Alfanämnden",
        period=Period(2023, 4),
        utfall_period=-160.0,
        budget_period=-2460.0,
        prognos_helar=-12345.0,
        budget_helar=-10000.0,
        prognos_foregaende=-10045.0,
        foregaende_manad=3,
        bidrag_kontogrupp=pd.Series(
            {
                "Personalkostnader": -1234.0,
                "Verksamhetens intäkter": 3534.0,
                "Övriga kostnader": 10.0,
            }
        ),
        bidrag_verksamhet=pd.Series({"Skola": 2300.0}),
    )
    base.update(kw)
    return C.Underlag(**base)


def test_commentary_wording_better_and_worse():
    text = C.skriv_kommentar(_underlag())
    assert "januari–april 2023" in text
    assert "vilket är 2,3 mkr bättre än periodiserad budget (−2,5 mkr)" in text
    assert "personalkostnader (−1,2 mkr)" in text and "verksamhetens intäkter (+3,5 mkr)" in text
    assert "övriga kostnader" not in text  # below 0,05 mkr
    assert "ett underskott med −2,3 mkr jämfört med budget" in text
    assert "Prognosen är 2,3 mkr sämre än prognosen i mars (−10,0 mkr)." in text
    worse = C.skriv_kommentar(
        _underlag(
            utfall_period=-5000.0,
            prognos_helar=-9000.0,
            prognos_foregaende=-9500.0,
            foregaende_manad=2,
        )
    )
    assert "2,5 mkr sämre än periodiserad budget" in worse
    assert "ett överskott med +1,0 mkr" in worse
    assert "Prognosen är 0,5 mkr bättre än prognosen i februari" in worse
    none = C.skriv_kommentar(_underlag(prognos_helar=math.nan))
    assert "Någon helårsprognos har inte lämnats" in none


def test_the_ekonoms_comment_comes_first(tmp_path):
    files = dict(HAND)
    files["kommentarer/2023-04/a.md"] = "Vi har **ökade** kostnader.\n<script>x</script>\x00\n"
    data = load_data(_write(tmp_path, files))
    text = C.kommentar(data, "a", "2023-04")
    own = text.index("Vi har **ökade** kostnader.")
    gen = text.index(C.GENERERAD_RUBRIK)
    assert own < gen
    assert "\x00" not in text
    assert "<script>x</script>" in text  # returned as markdown text, for the sanitiser
    assert "Alfanämnden redovisar" in text[gen:]
    other = C.kommentar(data, "r", "2023-04")
    assert other.startswith(f"#### {C.GENERERAD_RUBRIK}")


def test_namn_i_text_and_jamfort():
    assert C.namn_i_text("Personalkostnader") == "personalkostnader"
    assert C.namn_i_text("SFI") == "SFI" and C.namn_i_text("Å") == "Å"
    assert C.jamfort(50.0) == "bättre än" and C.jamfort(-50.0) == "sämre än"
    assert C.jamfort(49.9) == "i nivå med" and C.jamfort(-49.9) == "i nivå med"


def test_negative_amounts_carry_the_minus_sign_u2212():
    text = C.skriv_kommentar(_underlag(utfall_period=-1_234_567.0))
    assert "på −1\u00a0234,6 mkr" in text
    assert "-1" not in text and "-2" not in text
