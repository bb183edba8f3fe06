"""Frisknärvaro and korttidsfrånvaro per förvaltning and kön: one implementation of
frisknärvaro (:func:`compute_frisknarvaro`), the same suppression as every other table."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.core.labels import HELA_KOMMUNEN, TOTALT
from analysis.personal import nyckeltal
from analysis.personal.nyckeltal import compute_frisknarvaro, friska_anstallda
from tests.personal.personaldata import frame, staff

# --- frisknärvaro and korttid per kön ----------------------------------------------------


@pytest.mark.parametrize("n, suppressed", [(10, True), (11, False)])
def test_frisknarvaro_per_kon_suppression_at_10_and_11(n, suppressed):
    # n women (half of them with 9 sick days), 20 men all healthy
    women = staff(n // 2, 202301, kon="K", sjuk=20, dagar=9) + staff(
        n - n // 2, 202301, kon="K", start=n // 2
    )
    men = staff(20, 202301, kon="M", start=100)
    fr = nyckeltal.frisknarvaro_per_kon(frame(women + men), [202301], ["A"]).set_index(
        ["forvaltning", "kon"]
    )
    k = fr.loc[("A", "Kvinnor")]
    assert bool(k["undertryckt"]) is suppressed
    assert bool(np.isnan(k["procent"])) is suppressed
    if not suppressed:
        assert k["procent"] == pytest.approx(100 * (n - n // 2) / n)
        assert fr.loc[("A", "Män"), "procent"] == pytest.approx(100.0)
    else:
        # the other kön is hidden too, else it could be derived from the total
        assert np.isnan(fr.loc[("A", "Män"), "procent"])
    assert fr.loc[("A", "Totalt"), "procent"] == pytest.approx(100 * (n - n // 2 + 20) / (n + 20))
    assert fr.loc[("Hela kommunen", "Totalt"), "antal_anstallda"] == n + 20


def test_frisknarvaro_threshold_parameter():
    df = frame(staff(11, 202301, sjuk=10, dagar=5) + staff(11, 202301, start=50, dagar=7))
    fr8 = nyckeltal.frisknarvaro_per_kon(df, [202301], ["A"], max_dagar=8).set_index(
        ["forvaltning", "kon"]
    )
    fr5 = nyckeltal.frisknarvaro_per_kon(df, [202301], ["A"], max_dagar=5).set_index(
        ["forvaltning", "kon"]
    )
    assert fr8.loc[("A", "Totalt"), "procent"] == pytest.approx(100.0)
    assert fr5.loc[("A", "Totalt"), "procent"] == pytest.approx(0.0)


def test_korttid_per_forvaltning_and_kon():
    rows = (
        staff(12, 202301, forv="A", kon="K", sjuk=10, kort=4)
        + staff(12, 202301, forv="A", kon="M", sjuk=10, kort=2, start=20)
        + staff(5, 202301, forv="B", kon="K", sjuk=10, kort=8, start=40)
    )
    kt = nyckeltal.korttid_per_kon(frame(rows), [202301], ["A", "B"]).set_index(
        ["forvaltning", "kon"]
    )
    assert kt.loc[[("B", "Totalt"), ("B", "Kvinnor"), ("B", "Män")], "procent"].isna().all()
    # A is hidden too: the kommun minus A would be B's 5 employees (secondary suppression)
    assert kt.loc[[("A", "Totalt"), ("A", "Kvinnor"), ("A", "Män")], "procent"].isna().all()
    # without B, A's own figures are shown
    alone = nyckeltal.korttid_per_kon(frame(rows[:24]), [202301], ["A"]).set_index(
        ["forvaltning", "kon"]
    )
    assert alone.loc[("A", "Kvinnor"), "procent"] == pytest.approx(4.0)
    assert alone.loc[("A", "Män"), "procent"] == pytest.approx(2.0)
    assert alone.loc[("A", "Totalt"), "procent"] == pytest.approx(3.0)
    assert kt.loc[("Hela kommunen", "Totalt"), "procent"] == pytest.approx(
        100 * (48 + 24 + 40) / 2900
    )


def test_korttid_not_available_when_the_column_is_empty():
    df = frame(staff(12, 202301, sjuk=10), kort=False)
    assert not nyckeltal.korttid_tillganglig(df)
    assert nyckeltal.korttid_per_kon(df, [202301], ["A"]) is None
    assert nyckeltal.korttid_per_kon(df.drop(columns="sjuk_h_kort"), [202301], ["A"]) is None


# --- one frisknärvaro ------------------------------------------------------------------


def test_friska_anstallda_hand_computed():
    # January: E0000–E0002 at work without sick days; E0003 without ordinary time.
    # February: E0001 7 sick days (no ordinary time that month), E0002 8 days.
    rows = frame(
        staff(3, 202301)
        + [
            (202301, "E0003", "A", "K", 1980, 0.0, 0.0, 0.0, 0, 0.0),
            (202302, "E0001", "A", "K", 1980, 0.0, 0.0, 0.0, 7, 0.0),
            (202302, "E0002", "A", "K", 1980, 100.0, 64.0, 0.0, 8, 64.0),
        ]
    )
    assert friska_anstallda(rows) == (3, 2)  # E0002's 8 days are not fewer than 8
    assert friska_anstallda(rows, max_dagar=5) == (3, 1)
    assert friska_anstallda(rows.iloc[:0]) == (0, 0)


def test_compute_frisknarvaro_per_kon_hand_computed():
    # 12 women, 4 of them with 9 days; 11 men, all healthy
    df = frame(
        staff(8, 202301, kon="K")
        + staff(4, 202301, kon="K", dagar=9, start=8)
        + staff(11, 202301, kon="M", start=20)
    )
    k = compute_frisknarvaro(df, [202301], "A", kon="K")
    assert k["procent"] == pytest.approx(100 * 8 / 12)
    assert (k["antal_anstallda"], k["antal_friska"], k["undertryckt"]) == (12, 8, False)
    assert compute_frisknarvaro(df, [202301], kon="M")["procent"] == pytest.approx(100.0)
    assert compute_frisknarvaro(df, [202301])["procent"] == pytest.approx(100 * 19 / 23)


def _same_as_compute_frisknarvaro(personal, months, forvaltningar):
    fr = nyckeltal.frisknarvaro_per_kon(personal, months, forvaltningar)
    for r in fr.itertuples(index=False):
        forv = None if r.forvaltning == HELA_KOMMUNEN else r.forvaltning
        kon = {TOTALT: None, "Kvinnor": "K", "Män": "M"}[r.kon]
        one = compute_frisknarvaro(personal, months, forv, kon=kon)
        assert r.antal_anstallda == one["antal_anstallda"]
        assert bool(r.undertryckt) == one["undertryckt"]
        np.testing.assert_equal(r.procent, one["procent"])
    return fr


def test_frisknarvaro_per_kon_equals_compute_frisknarvaro(sample_data):
    p = sample_data.sjukfranvaro
    forv = [str(f) for f in p["forvaltning"].cat.categories]
    fr = _same_as_compute_frisknarvaro(p, [202301, 202302, 202303], forv)
    assert fr["procent"].notna().any()
    # the kommun's row is the kommun report's figure
    hela = fr[(fr.forvaltning == HELA_KOMMUNEN) & (fr.kon == TOTALT)].iloc[0]
    assert hela["procent"] == compute_frisknarvaro(p, [202301, 202302, 202303])["procent"]


@settings(max_examples=20, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 16), st.integers(0, 16), st.integers(0, 12)),
        min_size=1,
        max_size=4,
    )
)
def test_frisknarvaro_per_kon_equals_compute_frisknarvaro_random(groups):
    rows, start = [], 0
    for i, (women, men, dagar) in enumerate(groups):
        rows += staff(women, 202301, forv=f"F{i}", kon="K", dagar=dagar, start=start)
        rows += staff(men, 202301, forv=f"F{i}", kon="M", dagar=dagar // 2, start=start + 50)
        start += 100
    df = frame(rows)
    if df.empty:
        return
    _same_as_compute_frisknarvaro(df, [202301], [f"F{i}" for i in range(len(groups))])
