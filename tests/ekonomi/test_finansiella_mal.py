"""The key figures of god ekonomisk hushållning and the goals' assessment
(analysis.ekonomi.finansiella_mal), by hand on tiny frames."""

from __future__ import annotations

import doctest
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.core.period import Period
from analysis.ekonomi import finansiella_mal as fm

APRIL = Period.parse("2023-04")
DECEMBER = Period.parse("2023-12")


def rr_frame(utfall: dict[str, float], prognos: dict[str, float], har_prognos: bool = True):
    ids = [
        "intakter",
        "kostnader",
        "avskrivningar",
        "vnk",
        "skatt",
        "statsbidrag",
        "fin_intakter",
        "fin_kostnader",
        "extraordinara",
        "arets_resultat",
    ]
    rr = pd.DataFrame(
        {
            "id": ids,
            "rad": ids,
            "utfall_period": [utfall.get(i, 0.0) for i in ids],
            "prognos_helar": [prognos.get(i, 0.0) for i in ids],
        }
    )
    rr.attrs["har_prognos"] = har_prognos
    return rr


def inv_frame(utfall: float, prognos: float | None):
    return pd.DataFrame(
        {
            "namnd": ["bun", "Totalt"],
            "utfall_period": [utfall, utfall],
            "prognos_helar": [np.nan if prognos is None else prognos, prognos or np.nan],
        }
    )


BALANS = pd.DataFrame(
    {
        "rad": [fm.BR_TILLGANGAR, fm.BR_EGET_KAPITAL, fm.BR_LANGFRISTIGA, fm.BR_PENSIONER],
        "niva": ["summa", "summa", "rad", "rad"],
        "period": [1000.0, 300.0, 4000.0, 50.0],
    }
)

# the period: result 20 = −980 net cost (vnk −970, finansnetto −10) + 1000 taxes
RR_UTFALL = {
    "avskrivningar": -30.0,
    "vnk": -970.0,
    "skatt": 800.0,
    "statsbidrag": 200.0,
    "fin_intakter": 5.0,
    "fin_kostnader": -15.0,
    "arets_resultat": 20.0,
}
# the year: result 45 over 3 200 taxes, depreciation 90
RR_PROGNOS = {
    "avskrivningar": -90.0,
    "vnk": -3125.0,
    "skatt": 2600.0,
    "statsbidrag": 600.0,
    "fin_intakter": 10.0,
    "fin_kostnader": -40.0,
    "arets_resultat": 45.0,
}


def values(frame: pd.DataFrame, column: str) -> dict[str, float]:
    return frame.set_index("nyckeltal")[column].to_dict()


def test_every_key_figure_by_hand():
    u = fm.underlag(
        rr_frame(RR_UTFALL, RR_PROGNOS),
        inv_frame(-100.0, -300.0),
        BALANS,
        ansvarsforbindelse_tkr=200.0,
        folkmangd=100.0,
        period=APRIL,
    )
    t = fm.nyckeltal(u)
    out = values(t, "utfall")
    assert out["resultatandel"] == pytest.approx(2.0)  # 20 / (800 + 200)
    assert out["sjalvfinansieringsgrad"] == pytest.approx(50.0)  # (20 + 30) / 100
    assert out["nettokostnadsandel"] == pytest.approx(98.0)  # (970 + 10) / 1000
    assert out["soliditet"] == pytest.approx(30.0)  # 300 / 1000
    assert out["soliditet_inkl_pension"] == pytest.approx(10.0)  # (300 − 200) / 1000
    assert out["laneskuld_per_invanare"] == pytest.approx(40000.0)  # 4 000 tkr / 100
    prog = values(t, "prognos")
    assert prog["resultatandel"] == pytest.approx(45 / 3200 * 100)
    assert prog["sjalvfinansieringsgrad"] == pytest.approx((45 + 90) / 300 * 100)
    assert prog["nettokostnadsandel"] == pytest.approx((3125 + 30) / 3200 * 100)
    for balance in ("soliditet", "soliditet_inkl_pension", "laneskuld_per_invanare"):
        assert math.isnan(prog[balance])  # the balance sheet is not forecast
        assert values(t, "prognos_saknas")[balance] == fm.INGEN_PROGNOS
    assert (t.loc[t["utfall"].notna(), "saknas"] == "").all()


def test_missing_inputs_give_reasons_never_zeros():
    u = fm.underlag(
        rr_frame(RR_UTFALL, RR_PROGNOS, har_prognos=False),
        inv_frame(0.0, None),
        None,
        ansvarsforbindelse_tkr=math.nan,
        folkmangd=math.nan,
        period=APRIL,
    )
    t = fm.nyckeltal(u)
    out, why = values(t, "utfall"), values(t, "saknas")
    assert math.isnan(out["sjalvfinansieringsgrad"])  # nothing invested: no ratio
    assert why["sjalvfinansieringsgrad"] == "inga nettoinvesteringar under perioden"
    for balance in ("soliditet", "soliditet_inkl_pension", "laneskuld_per_invanare"):
        assert math.isnan(out[balance])
        assert why[balance] == "balansräkning saknas"
    # no unit has forecast: the budget is not shown as a forecast
    assert math.isnan(values(t, "prognos")["resultatandel"])
    assert values(t, "prognos_saknas")["resultatandel"] == "ingen nämnd har lämnat prognos"


def test_pension_and_population_missing_with_a_balance_sheet():
    u = fm.underlag(None, None, BALANS, math.nan, math.nan, APRIL)
    t = fm.nyckeltal(u)
    why = values(t, "saknas")
    assert values(t, "utfall")["soliditet"] == pytest.approx(30.0)
    assert why["soliditet_inkl_pension"] == "pensionsberäkning saknas"
    assert why["laneskuld_per_invanare"] == "folkmängd saknas"


def test_at_year_end_the_outcome_is_the_year_and_nothing_is_forecast():
    u = fm.underlag(
        rr_frame(RR_UTFALL, RR_PROGNOS), inv_frame(-100.0, -300.0), BALANS, 200.0, 100.0, DECEMBER
    )
    t = fm.nyckeltal(u)
    assert t["prognos"].isna().all()
    assert values(t, "prognos_saknas")["resultatandel"] == "året är slut; utfallet är årets"


def test_population_is_the_latest_month_known():
    f = pd.DataFrame(
        {
            "ar": [2022, 2022, 2023, 2023, 2023],
            "manad": [12, 12, 3, 3, 6],
            "kon": ["K", "M", "K", "M", "K"],
            "alder": [0, 0, 0, 0, 0],
            "antal": [10.0, 11.0, 12.0, 13.0, 99.0],
        }
    )
    assert fm.folkmangd_vid(f, APRIL) == (25.0, 202303)  # March; June is later
    assert fm.folkmangd_vid(f, Period.parse("2023-01")) == (21.0, 202212)
    n, when = fm.folkmangd_vid(f, Period.parse("2021-12"))
    assert math.isnan(n) and when is None


@settings(max_examples=60, deadline=None)
@given(
    resultat=st.floats(-500, 500),
    skatt=st.floats(100, 10000),
    fin=st.floats(-50, 50),
)
def test_resultatandel_and_nettokostnadsandel_add_up_to_100(resultat, skatt, fin):
    # without extraordinary items: result = −net cost + taxes
    vnk = resultat - skatt - fin
    rr = rr_frame({"vnk": vnk, "skatt": skatt, "fin_intakter": fin, "arets_resultat": resultat}, {})
    t = values(fm.nyckeltal(fm.underlag(rr, None, None, math.nan, math.nan, DECEMBER)), "utfall")
    assert t["resultatandel"] + t["nettokostnadsandel"] == pytest.approx(100.0)


GOALS = pd.DataFrame(
    {
        "ar": [2023, 2023, 2023, 2023, 2022],
        "mal": ["Resultat", "Självfinansiering", "Soliditet", "Låneskuld", "Förra året"],
        "nyckeltal": [
            "resultatandel",
            "sjalvfinansieringsgrad",
            "soliditet_inkl_pension",
            "laneskuld_per_invanare",
            "resultatandel",
        ],
        "jamforelse": [">=", ">=", ">=", "<=", ">="],
        "malvarde": [2.0, 60.0, 10.0, 38000.0, 1.0],
        "enhet": ["procent", "procent", "procent", "kr", "procent"],
        "kommentar": ["", "", "", "", ""],
    }
)


def test_goals_status_and_forecast_assessment():
    u = fm.underlag(
        rr_frame(RR_UTFALL, RR_PROGNOS), inv_frame(-100.0, -300.0), BALANS, 200.0, 100.0, APRIL
    )
    b = fm.bedomning(GOALS, fm.nyckeltal(u), APRIL)
    assert b["mal"].tolist() == ["Resultat", "Självfinansiering", "Soliditet", "Låneskuld"]
    # 2,0 % ≥ 2 %; 50 % < 60 %; 10,0 % ≥ 10 %; 40 000 kr > 38 000 kr
    assert b["status"].tolist() == ["uppfyllt", "ej uppfyllt", "uppfyllt", "ej uppfyllt"]
    # forecasts 1,4 % < 2 %; 45 % < 60 %; balance figures are not forecast
    assert b["prognos_status"].tolist() == [
        "bedöms inte uppfyllas",
        "bedöms inte uppfyllas",
        "ingen prognos",
        "ingen prognos",
    ]
    first, _, third, fourth = b["mening"]
    assert first.startswith(
        "Resultat i procent av skatteintäkter och generella statsbidrag för januari–april 2023 "
        "är 2,0\u00a0% (mål: minst 2,0\u00a0%); målet är uppfyllt för perioden."
    )
    assert "Enligt prognosen blir det 1,4\u00a0% för helåret, och målet bedöms inte uppfyllas." in (
        first
    )
    assert "den 30 april 2023 är 10,0\u00a0%" in third
    assert "40\u00a0000\u00a0kr (mål: högst 38\u00a0000\u00a0kr); målet är inte uppfyllt" in fourth
    assert "Någon prognos för balansräkningen görs inte" in fourth


def test_a_goal_without_its_figure_says_uppgift_saknas():
    u = fm.underlag(rr_frame(RR_UTFALL, RR_PROGNOS), None, None, math.nan, math.nan, DECEMBER)
    b = fm.bedomning(GOALS, fm.nyckeltal(u), DECEMBER)
    assert b["status"].tolist()[2:] == ["uppgift saknas", "uppgift saknas"]
    assert "kan inte beräknas (balansräkning saknas" in b["mening"].iloc[2]
    assert (b["prognos_status"] == "").all()  # the year is over


def test_no_goals_for_the_year_is_none():
    tal = fm.nyckeltal(fm.Underlag())
    assert fm.bedomning(None, tal, APRIL) is None
    assert fm.bedomning(GOALS[GOALS["ar"] == 2022], tal, APRIL) is None


def test_status_uses_the_printed_rounding():
    assert fm.uppfyllt(1.96, ">=", 2.0, "procent") is True  # printed 2,0 %
    assert fm.uppfyllt(1.94, ">=", 2.0, "procent") is False  # printed 1,9 %
    assert fm.uppfyllt(40000.6, "<=", 40000.0, "kr") is False  # printed 40 001 kr
    assert fm.visat(float("nan"), "kr") == "–"


def _printed(text: str) -> float:
    number = text.replace("\u00a0%", "").replace("\u00a0kr", "").replace("\u00a0", "")
    return float(number.replace("\u2212", "-").replace(",", "."))


@settings(max_examples=200, deadline=None)
@given(
    value=st.floats(-100, 100_000, allow_nan=False),
    target=st.floats(-100, 100_000, allow_nan=False),
    enhet=st.sampled_from(["procent", "kr"]),
    jamforelse=st.sampled_from([">=", "<="]),
)
def test_status_agrees_with_the_printed_figure(value, target, enhet, jamforelse):
    shown = _printed(fm.visat(value, enhet))
    expected = shown >= target if jamforelse == ">=" else shown <= target
    assert fm.uppfyllt(value, jamforelse, target, enhet) is expected


def test_doctests():
    failures, tried = doctest.testmod(fm)
    assert tried > 0 and failures == 0
