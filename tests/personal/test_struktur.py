"""analysis.personal.struktur on hand-computed tiny HR frames."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.personal import struktur
from analysis.personal.struktur import TOTALT

FORV = ["F1", "F2"]


def _row(
    period,
    anstalld,
    forv,
    kon="K",
    born=1980,
    form="tillsvidare",
    chef=False,
    grad=100.0,
    chef_id="",
    tid=160.0,
):
    return dict(
        period=period,
        anstalld=anstalld,
        forvaltning=forv,
        kon=kon,
        fodelsear=born,
        ordinarie_tid_h=tid,
        anstallningsform=form,
        chef=chef,
        sysselsattningsgrad=grad,
        chef_id=chef_id,
    )


def _frame(rows) -> pd.DataFrame:
    df = pd.DataFrame(rows)
    df["forvaltning"] = pd.Categorical(df["forvaltning"], categories=FORV)
    return df


def test_anstallda_counts_by_form_and_kon():
    m = 202304
    df = _frame(
        [
            _row(m, "a", "F1", "K"),
            _row(m, "b", "F1", "M"),
            _row(m, "c", "F1", "K", form="visstid"),
            _row(m, "d", "F2", "K", form="timavlonad"),
            # e has two rows: a tillsvidare (huvudanställning) in F2 and hours as timavlönad
            _row(m, "e", "F2", "M", tid=100.0),
            _row(m, "e", "F1", "M", form="timavlonad", tid=20.0),
            _row(202303, "f", "F2", "K"),  # another month
        ]
    )
    t = struktur.anstallda(df, m)
    assert t.loc["F1", ["tillsvidare", "tillsvidare_kvinnor", "tillsvidare_man"]].tolist() == [
        2,
        1,
        1,
    ]
    assert t.loc[
        "F1", ["visstid", "visstid_kvinnor", "manadsanstallda", "timavlonade"]
    ].tolist() == [1, 1, 3, 0]
    assert t.loc[
        "F2", ["tillsvidare", "tillsvidare_man", "manadsanstallda", "timavlonade"]
    ].tolist() == [1, 1, 1, 1]
    assert t.at[TOTALT, "manadsanstallda"] == 4
    assert t.at[TOTALT, "manadsanstallda_kvinnor"] == 2
    assert t.at["F1", "andel_kvinnor"] == pytest.approx(200 / 3)
    assert t.at[TOTALT, "andel_kvinnor"] == pytest.approx(50.0)


def test_andel_kvinnor_is_missing_without_manadsanstallda():
    df = _frame([_row(202304, "a", "F1", form="timavlonad")])
    t = struktur.anstallda(df, 202304)
    assert math.isnan(t.at["F2", "andel_kvinnor"])
    assert t.at["F2", "manadsanstallda"] == 0


def test_age_bands_at_their_edges():
    m = 202312
    ages = [19, 20, 29, 30, 39, 40, 49, 50, 59, 60, 70]
    df = _frame(
        [_row(m, f"e{a}", "F1", born=2023 - a) for a in ages]
        + [_row(m, "v1", "F2", born=2023 - 25, form="visstid")]
    )
    a = struktur.aldersfordelning(df, m)
    tv = a[(a["forvaltning"] == "F1") & (a["anstallningsform"] == "tillsvidare")]
    assert tv["antal"].tolist() == [1, 2, 2, 2, 2, 2]
    assert tv["andel"].tolist() == pytest.approx([100 / 11] + [200 / 11] * 5)
    vs = a[(a["forvaltning"] == TOTALT) & (a["anstallningsform"] == "visstid")]
    assert vs["antal"].tolist() == [0, 1, 0, 0, 0, 0]
    assert vs["andel"].tolist() == [0, 100, 0, 0, 0, 0]
    empty = a[(a["forvaltning"] == "F2") & (a["anstallningsform"] == "tillsvidare")]
    assert empty["andel"].isna().all()  # no one: no share, not 0


def test_arsarbetare_sums_the_grades_of_manadsanstallda():
    m = 202304
    df = _frame(
        [
            _row(m, "a", "F1", grad=100.0),
            _row(m, "b", "F1", grad=50.0, form="visstid"),
            _row(m, "c", "F1", grad=np.nan, form="timavlonad"),  # not counted
            _row(m, "d", "F2", grad=75.0),
            _row(m, "e", "F2", grad=np.nan),  # missing: F2 and the kommun have no figure
        ]
    )
    t = struktur.arsarbetare(df, m)
    assert t.at["F1", "arsarbetare"] == pytest.approx(1.5)
    assert math.isnan(t.at["F2", "arsarbetare"])
    assert math.isnan(t.at[TOTALT, "arsarbetare"])
    assert t.at[TOTALT, "utan_sysselsattningsgrad"] == 1
    assert t.at["F1", "manadsanstallda"] == 2


def test_chefer_and_their_grupper():
    m = 202304
    rows = [
        _row(m, "boss", "F1", chef=True),
        _row(m, "small", "F1", chef=True, chef_id="boss"),
        _row(m, "c2", "F2", chef=True, chef_id="boss"),
    ]
    rows += [_row(m, f"t{i}", "F1", chef_id="boss") for i in range(25)]  # + small = 26
    rows += [_row(m, f"s{i}", "F1", chef_id="small") for i in range(25)]  # exactly 25
    rows += [_row(m, f"v{i}", "F1", chef_id="small", form="visstid") for i in range(5)]
    rows += [_row(m, f"h{i}", "F2", chef_id="c2", form="timavlonad") for i in range(30)]
    rows += [_row(m, "tim_chef", "F2", chef=True, form="timavlonad")]  # not a chef
    t = struktur.chefer(_frame(rows), m)
    assert t.loc["F1", ["chefer", "chefer_over_25", "tillsvidare"]].tolist() == [2, 1, 52]
    assert t.loc["F2", ["chefer", "chefer_over_25"]].tolist() == [1, 0]
    assert t.at[TOTALT, "chefer"] == 3
    assert t.at[TOTALT, "chefer_over_25"] == 1
    # boss's grupp: 25 t + small + c2 = 27 > 25
    assert t.at[TOTALT, "tillsvidare_per_chef"] == pytest.approx(53 / 3)


def test_chefer_without_chef_id_has_no_large_grupper():
    df = _frame([_row(202304, "a", "F1", chef=True)]).drop(columns="chef_id")
    t = struktur.chefer(df, 202304)
    assert t.at[TOTALT, "chefer"] == 1
    assert math.isnan(t.at[TOTALT, "chefer_over_25"])


def test_personalomsattning_by_the_printed_definition():
    dec, m = 202212, 202304
    df = _frame(
        [
            _row(dec, "a", "F1"),
            _row(m, "a", "F1"),  # stays
            _row(dec, "b", "F1"),
            _row(m, "b", "F1", form="visstid"),  # still månadsanställd
            _row(dec, "c", "F1"),
            _row(m, "c", "F2"),  # moved: not a leaver
            _row(dec, "d", "F1"),  # left
            _row(dec, "e", "F1"),
            _row(m, "e", "F1", form="timavlonad"),  # now timavlönad: left
            _row(dec, "f", "F2", form="visstid"),  # not in the base
            _row(dec, "g", "F2"),
            _row(m, "h", "F2"),  # new
        ]
    )
    t = struktur.personalomsattning(df, m)
    assert t.loc["F1", ["tillsvidare_december", "slutat"]].tolist() == [5, 2]
    assert t.at["F1", "procent"] == pytest.approx(40.0)
    assert t.loc["F2", ["tillsvidare_december", "slutat", "procent"]].tolist() == [1, 1, 100.0]
    assert t.at[TOTALT, "procent"] == pytest.approx(50.0)


def test_personalomsattning_without_last_december_is_missing():
    df = _frame([_row(202304, "a", "F1")])
    assert struktur.personalomsattning(df, 202304).isna().all().all()


def test_missing_columns_are_named_in_swedish():
    df = _frame([_row(202304, "a", "F1")]).drop(columns=["anstallningsform", "chef_id"])
    msgs = struktur.saknade_uppgifter(df, 202304, ["anstallningsform", "chef", "chef_id"])
    assert msgs == [
        "Uppgift om anställningsform saknas i personalfilen",
        "Uppgift om chef_id (anställdas chef) saknas i personalfilen",
    ]
    older = _frame([_row(202304, "a", "F1")])
    older["anstallningsform"] = np.nan  # a year's file without the column
    assert struktur.saknade_uppgifter(older, 202304, ["anstallningsform"]) == [
        "Uppgift om anställningsform saknas i personalfilen för 2023-04"
    ]
    assert struktur.saknade_uppgifter(None, 202304, ["chef"]) == ["Personalfilen saknas"]


_people = st.lists(
    st.tuples(
        st.sampled_from(FORV),
        st.sampled_from(["K", "M"]),
        st.integers(18, 70),
        st.sampled_from(list(struktur.FORMER)),
    ),
    min_size=1,
    max_size=60,
)


@settings(max_examples=15, deadline=None)
@given(_people)
def test_property_kommun_is_the_sum_and_shares_add_up(people):
    m = 202306
    df = _frame(
        [_row(m, f"e{i}", f, k, 2023 - a, form) for i, (f, k, a, form) in enumerate(people)]
    )
    t = struktur.anstallda(df, m)
    counts = [c for c in t.columns if c != "andel_kvinnor"]
    assert (t.loc[FORV, counts].sum() == t.loc[TOTALT, counts]).all()
    n_m = sum(1 for p in people if p[3] != "timavlonad")
    assert t.at[TOTALT, "manadsanstallda"] == n_m
    a = struktur.aldersfordelning(df, m)
    for _, g in a.groupby(["forvaltning", "anstallningsform"]):
        if g["antal"].sum() > 0:
            assert g["andel"].sum() == pytest.approx(100.0)
