"""Tests of the cohort-component engine :func:`analysis.befolkning.motor.project_cohort_component`.

The expected numbers are computed by hand in the tests (explicit arithmetic), following
Preston, Heuveline and Guillot (2001), ch. 6.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis.befolkning.motor import project_cohort_component
from analysis.core.errors import ArgumentError

RADIX = 100_000


def frame(kon: str, ages, values, column: str = "antal") -> pd.DataFrame:
    return pd.DataFrame({"kon": kon, "alder": list(ages), column: list(map(float, values))})


def values(result: pd.DataFrame, kon: str = "K", steg: int = 1) -> list[float]:
    sel = result[(result["kon"] == kon) & (result["steg"] == steg)].sort_values("alder")
    return sel["antal"].tolist()


# --------------------------------------------------------------------------------------
# Hand-computed cases, width 5: ages 0, 5, 10+ (open)
#   women: nL0 = 480 000, nL5 = 432 000, T10 = 1 728 000
#     S(0) = 432 000 / 480 000 = 0.9;   open: 1 728 000 / (432 000 + 1 728 000) = 0.8
#     nL0 / (5 · 100 000) = 0.96
#   men:   nL0 = 475 000, nL5 = 427 500, T10 = 1 282 500
#     S(0) = 0.9;  open: 1 282 500 / 1 710 000 = 0.75;  nL0 / 500 000 = 0.95
# --------------------------------------------------------------------------------------
AGES5 = [0, 5, 10]
LT_K5 = frame("K", AGES5, [480_000, 432_000, 1_728_000], "nLx")
LT_M5 = frame("M", AGES5, [475_000, 427_500, 1_282_500], "nLx")
ASFR5 = pd.DataFrame({"alder": [0, 5, 10], "asfr": [0.0, 0.1, 0.05]})
POP_K5 = frame("K", AGES5, [1000, 800, 600])


def test_hand_computed_female_dominant_width5():
    res = project_cohort_component(POP_K5, LT_K5, ASFR5, width=5, srb=1.0)
    assert set(res["kon"]) == {"K"} and len(res) == 3
    # survivors
    q5 = 1000 * 0.9  # 900
    q10 = (800 + 600) * 0.8  # 1120
    # births by mother's age: 5 · asfr · (start + end) / 2
    b5 = 5 * 0.1 * (800 + q5) / 2  # 425
    b10 = 5 * 0.05 * (600 + q10) / 2  # 215
    girls = (b5 + b10) * 1 / (1 + 1.0)  # 320
    q0 = girls * 0.96  # 307.2
    assert values(res) == pytest.approx([q0, q5, q10], rel=1e-12)
    fodda = res.attrs["fodda"]
    assert fodda["alder"].tolist() == [0, 5, 10]
    assert fodda["antal"].tolist() == pytest.approx([0.0, b5, b10], rel=1e-12)
    assert values(res) == pytest.approx([307.2, 900.0, 1120.0])


def test_hand_computed_female_dominant_width5_with_migrants():
    mig = frame("K", AGES5, [20, -10, 40])
    res = project_cohort_component(POP_K5, LT_K5, ASFR5, mig, width=5, srb=1.0)
    # half of the migrants at the start, survived with the population
    start = [1000 + 10, 800 - 5, 600 + 20]  # 1010, 795, 620
    q5 = start[0] * 0.9 + (-10) / 2  # 909 - 5 = 904
    q10 = (start[1] + start[2]) * 0.8 + 40 / 2  # 1132 + 20 = 1152
    # "even" timing: the women at the start include the start half of the migrants,
    # the women at the end include both halves
    b5 = 5 * 0.1 * (795 + q5) / 2  # 424.75
    b10 = 5 * 0.05 * (620 + q10) / 2  # 221.5
    q0 = (b5 + b10) / 2 * 0.96 + 20 / 2  # 310.2 + 10 = 320.2
    assert values(res) == pytest.approx([q0, q5, q10], rel=1e-12)
    assert values(res) == pytest.approx([320.2, 904.0, 1152.0])
    assert res.attrs["fodda"]["antal"].tolist() == pytest.approx([0.0, 424.75, 221.5])


def test_hand_computed_two_sexes_width5_srb():
    pop = pd.concat([POP_K5, frame("M", AGES5, [1050, 820, 500])], ignore_index=True)
    lt = pd.concat([LT_K5, LT_M5], ignore_index=True)
    res = project_cohort_component(pop, lt, ASFR5, width=5, srb=1.05)
    births = 5 * 0.1 * (800 + 900) / 2 + 5 * 0.05 * (600 + 1120) / 2  # 640, as above
    girls = births / 2.05
    boys = births * 1.05 / 2.05
    assert values(res, "K") == pytest.approx([girls * 0.96, 900.0, 1120.0], rel=1e-12)
    assert values(res, "M") == pytest.approx(
        [boys * 0.95, 1050 * 0.9, (820 + 500) * 0.75], rel=1e-12
    )
    assert res.attrs["fodda"]["antal"].sum() == pytest.approx(640.0)


def test_hand_computed_width1_two_sexes_with_migrants():
    ages = [0, 1, 2]
    # nL0 = 96 000, nL1 = 86 400 (S = 0.9), T2 = 345 600 (open: 345 600/432 000 = 0.8)
    lt = pd.concat(
        [
            frame("K", ages, [96_000, 86_400, 345_600], "nLx"),
            frame("M", ages, [96_000, 86_400, 345_600], "nLx"),
        ],
        ignore_index=True,
    )
    pop = pd.concat(
        [frame("K", ages, [100, 200, 300]), frame("M", ages, [110, 190, 280])], ignore_index=True
    )
    mig = pd.concat([frame("K", ages, [4, 6, -2]), frame("M", ages, [2, 0, 8])], ignore_index=True)
    asfr = pd.DataFrame({"alder": [1, 2], "asfr": [0.2, 0.1]})
    res = project_cohort_component(pop, lt, asfr, mig, width=1, steps=1, srb=1.05)
    k1 = (100 + 2) * 0.9 + 3  # 94.8
    k2 = (200 + 3 + 300 - 1) * 0.8 - 1  # 400.6
    m1 = (110 + 1) * 0.9 + 0  # 99.9
    m2 = (190 + 0 + 280 + 4) * 0.8 + 4  # 383.2
    # women at the start incl. the start half of the migrants: 200 + 3, 300 − 1
    births = 1 * 0.2 * (203 + k1) / 2 + 1 * 0.1 * (299 + k2) / 2  # 29.78 + 34.98
    k0 = births / 2.05 * 96_000 / (1 * RADIX) + 2
    m0 = births * 1.05 / 2.05 * 0.96 + 1
    assert values(res, "K") == pytest.approx([k0, k1, k2], rel=1e-12)
    assert values(res, "M") == pytest.approx([m0, m1, m2], rel=1e-12)
    assert births == pytest.approx(64.76)
    assert res.attrs["fodda"]["antal"].tolist() == pytest.approx([29.78, 34.98])


def test_open_age_group_only():
    # everyone in the open group, no fertility: P · 0.8^k after k steps
    pop = frame("K", AGES5, [0, 0, 1000])
    res = project_cohort_component(pop, LT_K5, ASFR5.assign(asfr=0.0), width=5, steps=3)
    assert values(res, steg=3) == pytest.approx([0.0, 0.0, 1000 * 0.8**3])
    assert res["steg"].unique().tolist() == [1, 2, 3]


# --------------------------------------------------------------------------------------
# The published case with net migrants: Sweden 1993 -> 1998 (PHG 2001, Box 6.2), as
# stored in the UN Population Division's ccmppWPP test data ``sweden_1993`` ("even"
# migration timing). Provenance and licence: tests/data/population/sweden_1993/README.txt
# --------------------------------------------------------------------------------------
SWEDEN = Path(__file__).parents[1] / "data" / "population" / "sweden_1993"
_KON = {"female": "K", "male": "M"}


def _sweden(name: str, column: str, out: str = "antal") -> pd.DataFrame:
    df = pd.read_csv(SWEDEN / name)
    df = df.rename(columns={"age_start": "alder", column: out})
    if "sex" in df.columns:
        df["kon"] = df["sex"].map(_KON)
    return df


def _sweden_projection() -> pd.DataFrame:
    scalars = pd.read_csv(SWEDEN / "input_scalars.csv").set_index("name")["value"]
    assert scalars["mig_assumption"] == "even"
    return project_cohort_component(
        _sweden("input_population_1993.csv", "population")[["kon", "alder", "antal"]],
        _sweden("input_nLx_1993_1998.csv", "nLx", "nLx")[["kon", "alder", "nLx"]],
        _sweden("input_asfr_1993_1998.csv", "asfr", "asfr")[["alder", "asfr"]],
        _sweden("input_net_migrants_1993_1998.csv", "net_migrants")[["kon", "alder", "antal"]],
        width=int(scalars["age_width_and_step_years"]),
        steps=1,
        srb=float(scalars["srb"]),
        radix=float(scalars["life_table_radix_l0_implied"]),
    )


def test_sweden_1993_published_end_population_with_migrants():
    res = _sweden_projection()
    expected = _sweden("expected_population_1998.csv", "population")
    got = res.merge(
        expected, on=["kon", "alder"], suffixes=("", "_publicerad"), validate="one_to_one"
    )
    assert len(got) == 36
    # every published figure (whole persons) within one person
    diff = (got["antal"] - got["antal_publicerad"]).abs()
    assert diff.max() <= 1.0, got.loc[diff > 1.0]
    # and the rounding agrees exactly, as in the package's own test
    assert (got["antal"].round() == got["antal_publicerad"]).all()
    # the 0-4 group, where the old convention (start women without migrants) was short
    girls = got[(got["kon"] == "K") & (got["alder"] == 0)].iloc[0]
    boys = got[(got["kon"] == "M") & (got["alder"] == 0)].iloc[0]
    assert girls["antal"] + boys["antal"] == pytest.approx(302_392 + 317_340, abs=1.0)


def test_sweden_1993_published_births_by_mothers_age():
    fodda = _sweden_projection().attrs["fodda"]
    expected = _sweden("expected_births_by_mother_age_1993_1998.csv", "births", "births")
    got = expected.merge(fodda, on="alder", how="left").fillna({"antal": 0.0})
    assert (got["births"] > 0).sum() == 7  # 15-19 ... 45-49
    diff = (got["antal"] - got["births"]).abs()
    assert diff.max() <= 1.0, got.loc[diff > 1.0]
    assert got["antal"].sum() == pytest.approx(expected["births"].sum(), abs=3.5)


# --------------------------------------------------------------------------------------
# Leslie matrix, stable population, balancing identity
# --------------------------------------------------------------------------------------
def life_table(
    n_age: int, width: int, slope: float = 0.08, level: float = 2e-4, e_open: float = 6.0
) -> np.ndarray:
    """nLx by the trapezoid rule from Gompertz probabilities; T(x) in the last row."""
    x = np.arange(n_age) * width
    q = 1 - np.exp(-level * np.exp(slope * x) * width)
    lx = RADIX * np.concatenate([[1.0], np.cumprod(1 - q)])
    L = width * (lx[:-1] + lx[1:]) / 2
    L[-1] = lx[n_age - 1] * e_open
    return L


def leslie(L: np.ndarray, F: np.ndarray, width: int, srb: float) -> np.ndarray:
    """The female-dominant Leslie matrix built from the same inputs (PHG 2001, box 6.1)."""
    n = len(L)
    S = np.zeros((n, n))
    for i in range(n - 2):
        S[i + 1, i] = L[i + 1] / L[i]
    S[n - 1, n - 2] = S[n - 1, n - 1] = L[n - 1] / (L[n - 2] + L[n - 1])
    # births = width/2 · (F · K(t) + F · S K(t)); girls survive with nL0 / (width · l0)
    first_row = width / 2 * (F + F @ S) / (1 + srb) * L[0] / (width * RADIX)
    A = S.copy()
    A[0, :] += first_row
    return A


def fertility(n_age: int, width: int, tfr: float = 2.2) -> np.ndarray:
    x = np.arange(n_age) * width + width / 2
    f = np.where((x > 15) & (x < 50), np.exp(-(((x - 30) / 6) ** 2)), 0.0)
    return tfr * f / (f.sum() * width)


@pytest.mark.parametrize("width,n_age", [(5, 18), (1, 91)])
def test_leslie_matrix_equivalence(width, n_age):
    L = life_table(n_age, width)
    F = fertility(n_age, width)
    ages = np.arange(n_age) * width
    rng = np.random.default_rng(7)
    K0 = rng.uniform(100, 1000, n_age)
    res = project_cohort_component(
        frame("K", ages, K0),
        frame("K", ages, L, "nLx"),
        pd.DataFrame({"alder": ages, "asfr": F}),
        width=width,
        steps=6,
        srb=1.05,
    )
    A = leslie(L, F, width, 1.05)
    K = K0.copy()
    for step in range(1, 7):
        K = A @ K
        assert values(res, steg=step) == pytest.approx(K, rel=1e-10)


def test_stable_population_growth_equals_dominant_eigenvalue():
    width, n_age = 5, 18
    L = life_table(n_age, width)
    F = fertility(n_age, width, tfr=2.6)
    ages = np.arange(n_age) * width
    K0 = np.linspace(1000, 10, n_age)
    steps = 400
    res = project_cohort_component(
        frame("K", ages, K0),
        frame("K", ages, L, "nLx"),
        pd.DataFrame({"alder": ages, "asfr": F}),
        width=width,
        steps=steps,
        srb=1.05,
    )
    eig, vec = np.linalg.eig(leslie(L, F, width, 1.05))
    k = np.argmax(np.abs(eig))
    lam = eig[k].real
    stable = np.abs(vec[:, k].real)
    stable /= stable.sum()
    last = np.array(values(res, steg=steps))
    before = np.array(values(res, steg=steps - 1))
    assert lam > 1.0  # a growing population with this fertility
    assert last.sum() / before.sum() == pytest.approx(lam, rel=1e-9)
    assert last / last.sum() == pytest.approx(stable, rel=1e-7)
    # the age structure has converged: it no longer changes from step to step
    assert last / last.sum() == pytest.approx(before / before.sum(), rel=1e-9)


@pytest.mark.parametrize("width,n_age", [(5, 18), (1, 101)])
def test_balancing_identity(width, n_age):
    ages = np.arange(n_age) * width
    LK, LM = life_table(n_age, width), life_table(n_age, width, level=3e-4, e_open=5.0)
    F = fertility(n_age, width, tfr=1.7)
    rng = np.random.default_rng(3)
    PK, PM = rng.uniform(50, 500, n_age), rng.uniform(50, 500, n_age)
    IK, IM = rng.uniform(-20, 30, n_age), rng.uniform(-20, 30, n_age)
    srb = 1.06
    res = project_cohort_component(
        pd.concat([frame("K", ages, PK), frame("M", ages, PM)]),
        pd.concat([frame("K", ages, LK, "nLx"), frame("M", ages, LM, "nLx")]),
        pd.DataFrame({"alder": ages, "asfr": F}),
        pd.concat([frame("K", ages, IK), frame("M", ages, IM)]),
        width=width,
        srb=srb,
    )
    births = res.attrs["fodda"]["antal"].sum()

    def deaths(P, M, L, share):  # noqa: N803 - population, migrants, nLx
        # deaths among those present at the start (incl. the first half of the migrants)
        # and among the newborn; the second half of the migrants arrives at the very end.
        start = P + M / 2
        surv = L[1:-1] / L[:-2]
        d = (start[:-2] * (1 - surv)).sum()
        d += (start[-2] + start[-1]) * (1 - L[-1] / (L[-2] + L[-1]))
        d += births * share * (1 - L[0] / (width * RADIX))
        return d

    dead = deaths(PK, IK, LK, 1 / (1 + srb)) + deaths(PM, IM, LM, srb / (1 + srb))
    start_total = PK.sum() + PM.sum()
    expected = start_total + births - dead + IK.sum() + IM.sum()
    assert res["antal"].sum() == pytest.approx(expected, rel=1e-12)
    assert dead > 0 and births > 0


# --------------------------------------------------------------------------------------
# Several kommuner in one call
# --------------------------------------------------------------------------------------
def _kommun_inputs():
    ages = np.arange(0, 101)
    rng = np.random.default_rng(11)
    pops, lts, asfrs, migs = {}, {}, {}, {}
    for i, kommun in enumerate(["Luleå", "Boden", "Piteå"]):
        pops[kommun] = pd.concat(
            [
                frame("K", ages, rng.uniform(0, 900, 101)),
                frame("M", ages, rng.uniform(0, 900, 101)),
            ],
            ignore_index=True,
        )
        lts[kommun] = pd.concat(
            [
                frame("K", ages, life_table(101, 1, level=2e-4 * (1 + i / 5)), "nLx"),
                frame("M", ages, life_table(101, 1, level=3e-4 * (1 + i / 5)), "nLx"),
            ],
            ignore_index=True,
        )
        asfrs[kommun] = pd.DataFrame({"alder": ages, "asfr": fertility(101, 1, 1.4 + i / 5)})
        migs[kommun] = pd.concat(
            [frame("K", ages, rng.uniform(-5, 9, 101)), frame("M", ages, rng.uniform(-5, 9, 101))],
            ignore_index=True,
        )
    return pops, lts, asfrs, migs


def _stack(frames: dict[str, pd.DataFrame]) -> pd.DataFrame:
    return pd.concat([f.assign(kommun=k) for k, f in frames.items()], ignore_index=True)


@pytest.mark.parametrize("per_kommun", [False, True])
def test_kommun_column_matches_separate_calls(per_kommun):
    pops, lts, asfrs, migs = _kommun_inputs()
    if per_kommun:
        lt_all, asfr_all, mig_all = _stack(lts), _stack(asfrs), _stack(migs)
    else:
        lt_all, asfr_all, mig_all = lts["Luleå"], asfrs["Luleå"], migs["Luleå"]
    together = project_cohort_component(_stack(pops), lt_all, asfr_all, mig_all, steps=4, srb=1.04)
    assert list(together.columns) == ["steg", "kommun", "kon", "alder", "antal"]
    assert list(together.attrs["fodda"].columns) == ["steg", "kommun", "alder", "antal"]
    for kommun in pops:
        key = kommun if per_kommun else "Luleå"
        alone = project_cohort_component(
            pops[kommun], lts[key], asfrs[key], migs[key], steps=4, srb=1.04
        )
        part = together[together["kommun"] == kommun].drop(columns="kommun")
        pd.testing.assert_frame_equal(
            part.reset_index(drop=True), alone, check_exact=False, rtol=1e-12
        )
        fb = together.attrs["fodda"]
        fb = fb[fb["kommun"] == kommun].drop(columns="kommun").reset_index(drop=True)
        pd.testing.assert_frame_equal(fb, alone.attrs["fodda"], check_exact=False, rtol=1e-12)


# --------------------------------------------------------------------------------------
# Validation
# --------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "kwargs,text",
    [
        ({"width": 3}, "1 eller 5"),
        ({"steps": 0}, "steg"),
        ({"srb": -1.0}, "könskvot"),
    ],
)
def test_bad_parameters(kwargs, text):
    with pytest.raises(ArgumentError, match=text):
        project_cohort_component(POP_K5, LT_K5, ASFR5, **{"width": 5, **kwargs})


def test_errors_name_the_argument_and_the_column():
    with pytest.raises(ArgumentError) as e:
        project_cohort_component(POP_K5.assign(kon="X"), LT_K5, ASFR5, width=5)
    assert e.value.argument == "population"
    assert e.value.message.startswith("kolumn 'kon': okänt kön 'X'")
    with pytest.raises(ArgumentError) as e:
        project_cohort_component(POP_K5, LT_K5, ASFR5.assign(asfr=-1.0), width=5)
    assert e.value.argument == "asfr"
    assert e.value.message.startswith("kolumn 'asfr': värdet -1.0 på rad 1 i tabellen")
    with pytest.raises(ArgumentError) as e:
        project_cohort_component(POP_K5, LT_K5, ASFR5, width=5, radix=0)
    assert e.value.argument == "radix"


def test_ages_must_be_consecutive_multiples_of_width():
    pop = frame("K", [0, 5, 15], [1, 2, 3])
    with pytest.raises(ArgumentError, match="multiplar"):
        project_cohort_component(pop, LT_K5, ASFR5, width=5)
    with pytest.raises(ArgumentError, match="multiplar"):
        project_cohort_component(POP_K5, LT_K5, ASFR5, width=1)


def test_mismatched_ages_and_bad_values():
    with pytest.raises(ArgumentError, match="saknas"):
        project_cohort_component(POP_K5, LT_K5.iloc[:2], ASFR5, width=5)
    with pytest.raises(ArgumentError, match="positivt"):
        project_cohort_component(POP_K5, LT_K5.assign(nLx=[480_000.0, 0.0, 1.0]), ASFR5, width=5)
    with pytest.raises(ArgumentError, match="åldersgrupper"):
        project_cohort_component(
            POP_K5, LT_K5, pd.DataFrame({"alder": [7], "asfr": [0.1]}), width=5
        )
    with pytest.raises(ArgumentError, match="flera rader"):
        project_cohort_component(pd.concat([POP_K5, POP_K5]), LT_K5, ASFR5, width=5)
    with pytest.raises(ArgumentError, match="nLx"):
        project_cohort_component(POP_K5, LT_K5.drop(columns="nLx"), ASFR5, width=5)
    with pytest.raises(ArgumentError, match="kön 'M'"):
        pop = pd.concat([POP_K5, frame("M", AGES5, [1, 1, 1])])
        project_cohort_component(pop, LT_K5, ASFR5, width=5)
    with pytest.raises(ArgumentError, match="okänt kön"):
        project_cohort_component(POP_K5.assign(kon="X"), LT_K5, ASFR5, width=5)
    with pytest.raises(ArgumentError, match="befolkningen har den inte"):
        project_cohort_component(POP_K5, LT_K5.assign(kommun="A"), ASFR5, width=5)


# --------------------------------------------------------------------------------------
# Properties
# --------------------------------------------------------------------------------------
@st.composite
def projections(draw):
    width = draw(st.sampled_from([1, 5]))
    n_age = draw(st.integers(2, 12))
    two_sexes = draw(st.booleans())
    sexes = ["K", "M"] if two_sexes else ["K"]
    ages = np.arange(n_age) * width
    nonneg = st.floats(0, 1e5, allow_nan=False)
    pop, lt = [], []
    for kon in sexes:
        pop.append(frame(kon, ages, draw(st.lists(nonneg, min_size=n_age, max_size=n_age))))
        q = np.array(draw(st.lists(st.floats(0, 0.9), min_size=n_age - 1, max_size=n_age - 1)))
        lx = RADIX * np.concatenate([[1.0], np.cumprod(1 - q)])
        L = np.append(width * (lx[:-1] + lx[1:]) / 2, lx[-1] * draw(st.floats(0.5, 30)))
        lt.append(frame(kon, ages, L, "nLx"))
    f = draw(st.lists(st.floats(0, 0.5), min_size=n_age - 1, max_size=n_age - 1))
    asfr = pd.DataFrame({"alder": ages, "asfr": [0.0, *f]})
    return dict(
        population=pd.concat(pop, ignore_index=True),
        nLx=pd.concat(lt),
        asfr=asfr,
        width=width,
        srb=draw(st.floats(0.9, 1.2)),
        steps=draw(st.integers(1, 4)),
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(projections())
def test_property_non_negative(inputs):
    res = project_cohort_component(**inputs)
    assert (res["antal"] >= 0).all()
    assert (res.attrs["fodda"]["antal"] >= 0).all()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(projections())
def test_property_without_fertility_and_migration_total_never_increases(inputs):
    inputs["asfr"] = inputs["asfr"].assign(asfr=0.0)
    res = project_cohort_component(**inputs)
    previous = inputs["population"]["antal"].sum()
    for step in range(1, inputs["steps"] + 1):
        total = res.loc[res["steg"] == step, "antal"].sum()
        assert total <= previous * (1 + 1e-12) + 1e-9
        previous = total
