"""analysis.personal.sekretess.dolj_antal: the suppression of head-count tables."""

from __future__ import annotations

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.personal.sekretess import MIN_GROUP, dolj_antal

GRUPPER = [("alla", ["k", "m"])]


def _table(rows: dict[str, tuple[int, int]]) -> pd.DataFrame:
    t = pd.DataFrame(rows, index=["k", "m"]).T
    t.insert(0, "alla", t["k"] + t["m"])
    t.loc["Totalt"] = t.sum()
    return t


def test_primary_and_secondary_within_a_row_and_across_rows():
    t = _table({"A": (40, 3), "B": (50, 30), "C": (60, 40)})
    d = dolj_antal(t, GRUPPER)
    # A's 3 men are hidden; then A's women (alla − k would give m) ...
    assert d.at["A", "m"] and d.at["A", "k"]
    # ... and in the column of men a second förvaltning (the smallest shown: B's 30)
    assert d.at["B", "m"]
    # the column of women now has A's alone hidden (Totalt − the others would give it):
    # B's women too; that protects B's row as well, and C stays shown
    assert d.at["B", "k"]
    assert not d.loc["C"].any()
    assert not d.loc["Totalt"].any()
    assert not d["alla"].any()


def test_zero_is_shown_and_not_a_group():
    t = _table({"A": (40, 0), "B": (50, 30)})
    assert not dolj_antal(t, GRUPPER).any().any()


def test_forst_hides_the_whole_instead_of_a_part():
    t = _table({"A": (40, 3), "B": (50, 4)})
    d = dolj_antal(t, GRUPPER, forst=["alla"])
    assert d.at["A", "alla"] and d.at["B", "alla"]
    assert not d.at["A", "k"] and not d.at["B", "k"]
    assert d.at["A", "m"] and d.at["B", "m"]  # 3 + 4 = 7: the Totalt row must hide too
    assert d.at["Totalt", "m"] or d.at["Totalt", "alla"]


def _safe(values: list[float]) -> bool:
    return not values or (len(values) >= 2 and sum(values) > MIN_GROUP)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 40), st.integers(0, 40)), min_size=1, max_size=6))
def test_property_no_small_group_can_be_read_or_subtracted(cells):
    t = _table({f"F{i}": c for i, c in enumerate(cells)})
    d = dolj_antal(t, GRUPPER)
    n = t.astype(float)
    # primary
    assert d[(n > 0) & (n <= MIN_GROUP)].fillna(True).all().all()
    assert (d | ((n > 0) & (n <= MIN_GROUP)) == d).all().all()
    # within rows: the hidden parts of a shown whole are none or >= 2 with > 10
    for r in t.index:
        if not d.at[r, "alla"]:
            assert _safe([n.at[r, c] for c in ("k", "m") if d.at[r, c] and n.at[r, c] > 0])
    # across rows: the hidden förvaltningar of a shown Totalt are none or >= 2 with > 10
    forv = [r for r in t.index if r != "Totalt"]
    for c in t.columns:
        if not d.at["Totalt", c]:
            assert _safe([n.at[r, c] for r in forv if d.at[r, c] and n.at[r, c] > 0])
