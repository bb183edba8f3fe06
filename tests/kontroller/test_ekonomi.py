"""The checks of the economic tables (analysis.kontroller.ekonomi) on the shipped sample
(all hold) and on deliberately broken frames (exactly the expected checks fail; half a
krona is the tolerance)."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.ekonomi import block
from analysis.ekonomi.drift import compute_driftsredovisning
from analysis.ekonomi.resultat import compute_resultatrakning
from analysis.kontroller.bas import Kontroller
from analysis.kontroller.ekonomi import (
    DRIFT_COLUMNS,
    kontrollera_avvikelser,
    kontrollera_block,
    kontrollera_drift,
    kontrollera_rr,
    kontrollera_totalrad,
)

PERIODS = ["2023-04", "2023-12"]


def failed(k: Kontroller) -> set[tuple[str, str]]:
    return {(f.grupp, f.kontroll) for f in k.fel}


@pytest.fixture(scope="module")
def frames(sample_data):
    out = {}
    for p in PERIODS:
        out[p] = {
            "drift": compute_driftsredovisning(sample_data, p),
            "rr": compute_resultatrakning(sample_data, p),
            "block": block.drift_block(sample_data, p),
        }
    return out


def run(builder: str, f: dict) -> Kontroller:
    k = Kontroller()
    if builder == "drift":
        kontrollera_drift(k, f["drift"])
    elif builder == "rr":
        kontrollera_rr(k, f["rr"], f["drift"])
    elif builder == "block":
        kontrollera_block(k, f["block"], f["drift"], f["rr"])
    return k


@pytest.mark.parametrize("period", PERIODS)
@pytest.mark.parametrize("builder,minimum", [("drift", 70), ("rr", 14), ("block", 5)])
def test_every_check_holds_on_the_sample(frames, period, builder, minimum):
    k = run(builder, frames[period])
    assert len(k) >= minimum  # the checks really ran
    assert k.fel == [], k.tabell()[k.tabell()["Resultat"] == "Avviker"]
    assert k.payload()["avvikande"] == 0


def test_drift_check_count_is_what_the_table_implies(frames):
    drift = frames["2023-04"]["drift"]
    n = len(drift)
    body = drift[drift["namnd"] != "Totalt"]
    expected = (
        4  # total row, four columns
        + n  # avvikelse perioden, every row
        + int(drift["prognos_helar"].notna().sum())
        + int(body["prognos_foregaende"].notna().sum())
    )
    assert len(run("drift", frames["2023-04"])) == expected


def changed(frame: pd.DataFrame, key_col: str, key: str, col: str, delta: float) -> pd.DataFrame:
    out = frame.copy()
    (i,) = out.index[out[key_col] == key]
    out.loc[i, col] = out.loc[i, col] + delta
    return out


DRIFT_GRUPP = "Driftsredovisning: delarna summerar till totalen"
DRIFT_AVV = "Driftsredovisning: avvikelse = utfall − budget"
RR_SUB = "Resultaträkning: delsummor"
RR_AVV = "Resultaträkning: avvikelse = utfall − budget"
RR_DR = "Resultaträkning = driftsredovisning"
BLOCK_SUM = "Driftsredovisning i block: summor"
BLOCK_DR = "Driftsredovisning i block = driftsredovisning"
BLOCK_AVV = "Driftsredovisning i block: avvikelse = utfall − budget"
SAME = "Samma tal i två tabeller"

BROKEN = [
    # (builder, frame, key column, key, column, expected failures)
    (
        "drift",
        "drift",
        "namnd",
        "bun",
        "utfall_period",
        {(DRIFT_GRUPP, "utfall perioden"), (DRIFT_AVV, "bun, perioden")},
    ),
    ("drift", "drift", "namnd", "bun", "avvikelse_period", {(DRIFT_AVV, "bun, perioden")}),
    (
        "drift",
        "drift",
        "namnd",
        "sn",
        "prognos_helar",
        {
            (DRIFT_GRUPP, "prognos helår"),
            (DRIFT_AVV, "sn, helår"),
            (DRIFT_AVV, "sn, förändring mot föregående prognos"),
        },
    ),
    (
        "drift",
        "drift",
        "namnd",
        "Totalt",
        "budget_helar",
        {(DRIFT_GRUPP, "budget helår"), (DRIFT_AVV, "Totalt, helår")},
    ),
    (
        "drift",
        "drift",
        "namnd",
        "sbn",
        "prognos_forandring",
        {(DRIFT_AVV, "sbn, förändring mot föregående prognos")},
    ),
    # the resultaträkning is compared with the driftsredovisning (another path): a wrong
    # result on either side fails; its subtotals are sums by construction, not checked
    (
        "rr",
        "rr",
        "id",
        "arets_resultat",
        "utfall_period",
        {(RR_DR, "Årets resultat, utfall perioden")},
    ),
    ("rr", "drift", "namnd", "Totalt", "prognos_helar", {(RR_DR, "Årets resultat, prognos helår")}),
    (
        "rr",
        "drift",
        "namnd",
        "Totalt",
        "budget_period",
        {(RR_DR, "Årets resultat, budget perioden")},
    ),
    (
        "block",
        "block",
        "id",
        "vnk",
        "budget_period",
        {
            (
                SAME,
                "verksamhetens nettokostnad i resultaträkning och driftsredovisning "
                "(budget perioden)",
            )
        },
    ),
]


@pytest.mark.parametrize("period", PERIODS)
@pytest.mark.parametrize(
    "builder,frame,key_col,key,col,expected",
    BROKEN,
    ids=[f"{b[0]}-{b[1]}-{b[3]}-{b[4]}" for b in BROKEN],
)
def test_one_tkr_off_fails_exactly_the_expected_checks(
    frames, period, builder, frame, key_col, key, col, expected
):
    f = dict(frames[period])
    f[frame] = changed(f[frame], key_col, key, col, 1.0)
    assert failed(run(builder, f)) == expected
    f[frame] = changed(frames[period][frame], key_col, key, col, -1.0)
    assert failed(run(builder, f)) == expected


@pytest.mark.parametrize(
    "builder,frame,key_col,key,col,expected",
    BROKEN,
    ids=[f"{b[0]}-{b[1]}-{b[3]}-{b[4]}" for b in BROKEN],
)
def test_a_tenth_of_a_krona_passes_a_krona_fails(
    frames, builder, frame, key_col, key, col, expected
):
    f = dict(frames["2023-04"])
    f[frame] = changed(f[frame], key_col, key, col, 0.0001)  # 10 öre
    assert run(builder, f).fel == []
    f[frame] = changed(frames["2023-04"][frame], key_col, key, col, 0.001)  # 1 krona
    assert failed(run(builder, f)) == expected


def test_rr_signs_and_internal_items(frames):
    f = dict(frames["2023-04"])
    rr = f["rr"].copy()
    (i,) = rr.index[rr["id"] == "intakter"]
    rr.loc[i, ["utfall_period", "budget_period", "avvikelse_period"]] *= -1  # revenue < 0
    f["rr"] = rr
    fel = failed(run("rr", f))
    assert ("Resultaträkning: tecken", "Verksamhetens intäkter (utfall perioden) ≥ 0") in fel
    # the internal-items checks of compute_resultatrakning are carried over
    f = dict(frames["2023-04"])
    rr = f["rr"].copy()
    checks = rr.attrs["kontroller"].copy()
    checks.loc[0, "ok"] = False
    rr.attrs["kontroller"] = checks
    f["rr"] = rr
    (only,) = run("rr", f).fel
    assert only.grupp == "Resultaträkning: interna poster"
    assert only.kontroll == checks.loc[0, "kontroll"]


def test_block_without_resultatrakning(frames):
    f = frames["2023-04"]
    k = Kontroller()
    kontrollera_block(k, f["block"], f["drift"])
    assert k.fel == []
    groups = [c.grupp for c in k.rader]
    # every unit in one block; nothing compared with a resultaträkning
    assert groups.count(BLOCK_DR) == 1 and SAME not in groups


def test_block_misses_a_unit(frames):
    f = frames["2023-04"]
    block = f["block"][f["block"]["id"] != "valn"]
    k = Kontroller()
    kontrollera_block(k, block, f["drift"])
    assert any("precis ett block" in c.kontroll for c in k.fel)


def test_totalrad_and_avvikelser_on_a_table_by_hand():
    # bun has a forecast, sn none: the total's forecast counts sn at its budget,
    # −1 170 + (−900) = −2 070
    table = pd.DataFrame(
        {
            "namnd": ["bun", "sn", "Totalt"],
            "utfall_period": [-330.0, -300.0, -630.0],
            "budget_period": [-380.0, -360.0, -740.0],
            "avvikelse_period": [50.0, 60.0, 110.0],
            "prognos_helar": [-1170.0, float("nan"), -2070.0],
            "budget_helar": [-1140.0, -900.0, -2040.0],
            "avvikelse_helar": [-30.0, float("nan"), -30.0],
        }
    )
    k = Kontroller()
    kontrollera_totalrad(k, "T", table)
    assert [c.kontroll for c in k.rader] == [
        "utfall perioden",
        "budget perioden",
        "prognos helår",
        "budget helår",
    ]
    assert k.fel == [] and len(DRIFT_COLUMNS) == 4
    kontrollera_avvikelser(k, "T", table)
    assert len(k) == 4 + 3 + 2 and k.fel == []  # sn has no forecast: no helår check
    wrong = table.copy()
    wrong.loc[2, "prognos_helar"] = -1170.0  # sn's budget left out of the total
    k = Kontroller()
    kontrollera_totalrad(k, "T", wrong)
    assert failed(k) == {("T: delarna summerar till totalen", "prognos helår")}
    assert k.fel[0].differens == pytest.approx(900.0)
