"""Tests of :mod:`analysis.core.kommunbas`: the one map from an account to its kontogrupp
and its line of the resultaträkning."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from analysis.core.kommunbas import (
    KLASSER,
    KONTOGRUPPER,
    OVRIGA_KONTON,
    konto_key,
    kontogrupp,
    rr_rad,
)

#: Every class boundary, written out by hand: (first and last account of the class in
#: four digits, rr line, kontogrupp).
BOUNDARIES = [
    (1000, 2999, "", "Övriga konton"),
    (3000, 3999, "intakter", "Verksamhetens intäkter"),
    (4000, 4999, "kostnader", "Material och tjänster"),
    (5000, 5999, "kostnader", "Personalkostnader"),
    (6000, 7799, "kostnader", "Övriga kostnader"),
    (7800, 7899, "avskrivningar", "Avskrivningar"),
    (7900, 7999, "kostnader", "Övriga kostnader"),
    (8000, 8199, "skatt", "Skatteintäkter"),
    (8200, 8399, "statsbidrag", "Generella statsbidrag och utjämning"),
    (8400, 8499, "fin_intakter", "Finansiella intäkter"),
    (8500, 8599, "fin_kostnader", "Finansiella kostnader"),
    (8600, 9999, "extraordinara", "Övriga konton"),
]


@pytest.mark.parametrize(
    "konto, key",
    [
        (301, 30100),
        (4010, 40100),
        (30110, 30110),
        (999, 99900),
        (1000, 10000),
        (99999, 99999),
        (78, 78000),
        (8, 80000),
    ],
)
def test_konto_key_normalises_to_five_digits(konto, key):
    assert konto_key([konto]).tolist() == [key]
    assert konto_key(konto).tolist() == key


def test_konto_key_of_series_and_arrays():
    out = konto_key(pd.Series([301, 4010, 30110], dtype="int32"))
    assert out.dtype == np.int64
    assert out.tolist() == [30100, 40100, 30110]
    assert konto_key(np.array([], dtype=np.int64)).tolist() == []


@pytest.mark.parametrize("first, last, line, group", BOUNDARIES)
def test_every_class_boundary(first, last, line, group):
    # the first and last account of the class, in 3, 4 and 5 digits, and one outside
    inside = [first, last, first // 10, last // 10, first * 10, last * 10 + 9]
    assert rr_rad(inside).tolist() == [line] * len(inside)
    assert kontogrupp(inside).tolist() == [group] * len(inside)


def test_neighbours_across_each_boundary_differ_as_the_table_says():
    for (_, last, line, group), (first, _, next_line, next_group) in zip(
        BOUNDARIES, BOUNDARIES[1:], strict=False
    ):
        assert last + 1 == first
        assert rr_rad([last, first]).tolist() == [line, next_line]
        assert kontogrupp([last, first]).tolist() == [group, next_group]


def test_the_classes_cover_10_to_99_without_gaps_or_overlaps():
    covered = [two for lo, hi, *_ in KLASSER for two in range(lo, hi + 1)]
    assert covered == list(range(10, 100))


def test_kontogrupper_are_in_report_order_with_ovriga_konton_last():
    assert KONTOGRUPPER == (
        "Verksamhetens intäkter",
        "Material och tjänster",
        "Personalkostnader",
        "Övriga kostnader",
        "Avskrivningar",
        "Skatteintäkter",
        "Generella statsbidrag och utjämning",
        "Finansiella intäkter",
        "Finansiella kostnader",
        "Övriga konton",
    )
    assert KONTOGRUPPER[-1] == OVRIGA_KONTON
    assert set(kontogrupp(np.arange(100, 1000))) == set(KONTOGRUPPER)


def test_a_balance_account_has_no_resultatrakning_line():
    assert rr_rad([1510, 2350, 19999]).tolist() == ["", "", ""]
    assert kontogrupp([1510, 2350]).tolist() == [OVRIGA_KONTON] * 2


def test_the_results_are_object_arrays_of_the_input_shape():
    assert rr_rad(np.array([3010, 4010])).dtype == object
    assert kontogrupp([[3010, 4010], [5010, 7810]]).tolist() == [
        ["Verksamhetens intäkter", "Material och tjänster"],
        ["Personalkostnader", "Avskrivningar"],
    ]


#: The resultaträkning line each kontogrupp belongs to.
RR_OF_GROUP = {
    "Verksamhetens intäkter": {"intakter"},
    "Material och tjänster": {"kostnader"},
    "Personalkostnader": {"kostnader"},
    "Övriga kostnader": {"kostnader"},
    "Avskrivningar": {"avskrivningar"},
    "Skatteintäkter": {"skatt"},
    "Generella statsbidrag och utjämning": {"statsbidrag"},
    "Finansiella intäkter": {"fin_intakter"},
    "Finansiella kostnader": {"fin_kostnader"},
    "Övriga konton": {"", "extraordinara"},
}


@given(st.lists(st.integers(min_value=100, max_value=99999), min_size=1, max_size=50))
def test_rr_rad_and_kontogrupp_agree(konton):
    lines = rr_rad(konton).tolist()
    groups = kontogrupp(konton).tolist()
    for line, group in zip(lines, groups, strict=True):
        assert line in RR_OF_GROUP[group]


@given(st.integers(min_value=100, max_value=999), st.integers(min_value=0, max_value=99))
def test_a_longer_account_falls_where_its_prefix_does(prefix, tail):
    konto = prefix * 100 + tail  # five digits starting with the three of ``prefix``
    assert rr_rad([konto]).tolist() == rr_rad([prefix]).tolist()
    assert kontogrupp([konto]).tolist() == kontogrupp([prefix]).tolist()
