"""The sick-leave report's sentences, from hand-made and sample numbers."""

from __future__ import annotations

import pytest

from analysis.personal import serier
from analysis.personal import text as ptext
from tests.personal.personaldata import frame, staff

# --- commentary ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "diff, expected",
    [
        (-2.14, "7,1 procent, 2,1 procentenheter lägre än samma period 2022."),
        (0.86, "7,1 procent, 0,9 procentenheter högre än samma period 2022."),
        (0.02, "7,1 procent, oförändrat jämfört med samma period 2022."),
    ],
)
def test_commentary_wording(diff, expected):
    text = ptext.jamforelse_text(7.14, diff, [202301, 202302, 202303], 2022)
    assert text == "Sjukfrånvaron för januari–mars är " + expected
    assert ptext.jamforelse_text(5.0, 1.0, [202301], 2022).startswith(
        "Sjukfrånvaron för januari är 5,0 procent"
    )


def test_commentary_names_largest_changes_and_never_a_suppressed_group():
    rows = []
    for year, rates in [
        (2022, {"Alfa": 5, "Beta": 5, "Gamma": 5, "Liten": 5}),
        (2023, {"Alfa": 7, "Beta": 4, "Gamma": 5, "Liten": 20}),
    ]:
        for i, (forv, r) in enumerate(rates.items()):
            # Gamma, the smallest other, is hidden with Liten (else kommun − shown = Liten)
            n = {"Liten": 5, "Gamma": 11}.get(forv, 12)
            rows += staff(n, year * 100 + 1, forv=forv, sjuk=r, start=100 * i)
    df = frame(rows)
    text = ptext.kommentar(df, "2023-01", None, ["Alfa", "Beta", "Gamma", "Liten"])
    assert "Störst ökning har Alfa (+2,0 procentenheter)" in text
    assert "störst minskning Beta (−1,0 procentenheter)" in text
    assert "Liten" not in text and "Gamma" not in text and "E0" not in text
    small = ptext.kommentar(df, "2023-01", "Liten")
    assert "redovisas inte" in small and "procent " not in small.replace("procentenheter", "")


def test_trend_text_wording():
    res = {
        "forandring": -0.53,
        "ci_lag": -0.9,
        "ci_hog": -0.16,
        "p_varde": 0.012,
        "signifikant": True,
        "manader": 12,
    }
    text = ptext.trend_text(res)
    assert "0,5 procentenheter lägre" in text and "statistiskt säkerställd" in text
    assert "−0,9 till −0,2" in text


# --- the sample kommun ----------------------------------------------------------------


def test_sample_kommun_jan_mar_2023_commentary(sample_data):
    p = sample_data.sjukfranvaro
    h = serier.hittills_i_ar(p, "2023-03")
    assert round(h["procent"], 2) == 7.14
    forv = [str(f) for f in p["forvaltning"].cat.categories]
    text = ptext.kommentar(p, "2023-03", None, forv)
    assert text.startswith("Sjukfrånvaron för januari–mars är 7,1 procent, ")
    assert "samma period 2022" in text
    assert "A0" not in text  # no employee id
