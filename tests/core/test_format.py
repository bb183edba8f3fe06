"""Tests of :mod:`analysis.core.format`, the one formatter of numbers, dates and names.

Every expected string is written out by hand: a no-break space (U+00A0) between
thousands, a decimal comma, the minus sign U+2212 and an en dash for a missing value.
"""

from __future__ import annotations

import datetime as dt
import math
import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from analysis.core.errors import ArgumentError
from analysis.core.format import (
    MAX_DECIMALS,
    MINUS,
    MISSING,
    THOUSANDS,
    antal,
    datum,
    is_missing,
    is_number,
    lista,
    mkr,
    slug,
    tal,
)

NBSP = "\u00a0"
M = "\u2212"


def test_the_constants_are_the_agreed_characters():
    assert MINUS == "\u2212"
    assert THOUSANDS == NBSP
    assert MISSING == "\u2013"


# --- tal --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "value, decimals, expected",
    [
        (0, 0, "0"),
        (7, 0, "7"),
        (999, 0, "999"),
        (1000, 0, f"1{NBSP}000"),
        (1234567.891, 2, f"1{NBSP}234{NBSP}567,89"),
        (-1234567.891, 2, f"{M}1{NBSP}234{NBSP}567,89"),
        (-1234, 0, f"{M}1{NBSP}234"),
        (12.5, 1, "12,5"),
        (12.25, 3, "12,250"),
        (0.125, 2, "0,12"),  # 0.125 is exact in binary: round half to even
        (0.375, 2, "0,38"),
        (1.005, 2, "1,00"),  # 1.005 is 1.00499999… in binary
        (999999.5, 0, f"1{NBSP}000{NBSP}000"),
        (-999.96, 1, f"{M}1{NBSP}000,0"),
        (123456789012, 0, f"123{NBSP}456{NBSP}789{NBSP}012"),
        (np.int64(-5), 0, f"{M}5"),
        (np.float64(2.75), 1, "2,8"),
    ],
)
def test_tal(value, decimals, expected):
    assert tal(value, decimals) == expected


@pytest.mark.parametrize(
    "value, decimals",
    [(-0.04, 1), (-0.4, 0), (-0.0, 0), (-0.0049, 2), (0.0004, 3), (-1e-12, 10)],
)
def test_a_number_that_rounds_to_zero_has_no_sign(value, decimals):
    zero = "0" if decimals == 0 else "0," + "0" * decimals
    assert tal(value, decimals) == zero
    assert tal(value, decimals, tecken=True) == zero


def test_tecken_marks_positive_numbers_with_plus():
    assert tal(5.25, 1, tecken=True) == "+5,2"
    assert tal(1500, 0, tecken=True) == f"+1{NBSP}500"
    assert tal(-5.25, 1, tecken=True) == f"{M}5,2"
    assert tal(5.25, 1) == "5,2"


def test_procent_appends_a_no_break_space_and_percent():
    assert tal(5.25, 1, procent=True) == f"5,2{NBSP}%"
    assert tal(-12.0, 0, procent=True, tecken=True) == f"{M}12{NBSP}%"
    assert tal(None, 1, procent=True) == MISSING


@pytest.mark.parametrize(
    "missing", [None, float("nan"), np.nan, pd.NA, pd.NaT, float("inf"), -math.inf]
)
def test_missing_and_infinite_values_give_an_en_dash(missing):
    assert tal(missing, 1) == "\u2013"
    assert tal(missing, 0, tecken=True, procent=True) == "\u2013"


@pytest.mark.parametrize("value", ["12", "1,5", True, False, [1], dt.date(2023, 1, 1)])
def test_tal_refuses_what_is_not_a_number(value):
    with pytest.raises(ArgumentError) as err:
        tal(value, 1)
    assert err.value.argument == "value"


@pytest.mark.parametrize("decimals", [-1, MAX_DECIMALS + 1, 1.0, "2", True, None])
def test_tal_refuses_bad_decimals(decimals):
    with pytest.raises(ArgumentError) as err:
        tal(1.5, decimals)
    assert err.value.argument == "decimals"
    assert isinstance(err.value, ValueError)


def test_tal_accepts_every_allowed_number_of_decimals():
    assert tal(1, MAX_DECIMALS) == "1," + "0" * MAX_DECIMALS
    assert tal(1, np.int64(2)) == "1,00"


def _parse_swedish(text: str) -> float:
    """The number a Swedish string from :func:`tal` stands for (the reverse of tal)."""
    assert re.fullmatch(rf"[+{M}]?\d{{1,3}}({NBSP}\d{{3}})*(,\d+)?", text), text
    return float(text.replace(NBSP, "").replace(M, "-").replace(",", ".").lstrip("+"))


@given(
    st.floats(min_value=-1e12, max_value=1e12, allow_nan=False, allow_infinity=False),
    st.integers(min_value=0, max_value=4),
    st.booleans(),
)
def test_parsing_the_swedish_string_back_gives_the_rounded_number(value, decimals, tecken):
    text = tal(value, decimals, tecken=tecken)
    parsed = _parse_swedish(text)
    assert parsed == round(value, decimals) or (parsed == 0 and round(value, decimals) == 0)
    assert abs(parsed - value) <= 0.5 * 10**-decimals * (1 + 1e-9) + abs(value) * 1e-15
    if parsed == 0:
        assert text[0].isdigit()  # zero has no sign, also with tecken=True
    elif value < 0:
        assert text.startswith(M) and "-" not in text
    elif tecken:
        assert text.startswith("+")
    else:
        assert text[0].isdigit()
    if decimals:
        assert len(text.rpartition(",")[2]) == decimals


@given(st.integers(min_value=-(10**15), max_value=10**15))
def test_integers_are_grouped_in_threes(value):
    text = tal(value)
    digits = text.lstrip(M)
    groups = digits.split(NBSP)
    assert all(len(g) == 3 for g in groups[1:]) and 1 <= len(groups[0]) <= 3
    assert int(text.replace(NBSP, "").replace(M, "-")) == value


# --- mkr --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "kwargs, tkr, expected",
    [
        ({}, 2345.0, "2,3 mkr"),
        ({}, -2345.0, f"{M}2,3 mkr"),
        ({}, 0.0, "0,0 mkr"),
        ({"tecken": True}, -19440.0, f"{M}19,4 mkr"),
        ({"tecken": True}, 1067000.0, f"+1{NBSP}067,0 mkr"),
        ({"tecken": True}, -40.0, "0,0 mkr"),  # −0.04 mkr rounds to zero: no sign
        ({"decimaler": 2}, 1234.0, "1,23 mkr"),
        ({"decimaler": 0}, 1500.0, "2 mkr"),
        ({"decimaler": None}, 9960.0, "10 mkr"),  # from 9,95 mkr: whole millions
        ({"decimaler": None}, 9940.0, "9,9 mkr"),
        ({"decimaler": None}, -18400.0, f"{M}18 mkr"),
        (
            {"decimaler": None, "enhet": "miljoner kronor", "tecken": True},
            25600.0,
            "+26 miljoner kronor",
        ),
        ({"enhet": "miljoner kronor"}, -1260.0, f"{M}1,3 miljoner kronor"),
        ({}, 1250.0, "1,2 mkr"),  # 1.25 is exact in binary: round half to even
        ({}, 1350.0, "1,4 mkr"),
        ({}, np.float64(5000), "5,0 mkr"),
        ({}, 7, "0,0 mkr"),
    ],
)
def test_mkr(kwargs, tkr, expected):
    assert mkr(tkr, **kwargs) == expected


@pytest.mark.parametrize("missing", [None, float("nan"), pd.NA, float("inf")])
def test_mkr_of_a_missing_amount(missing):
    assert mkr(missing) == "\u2013 mkr"
    assert mkr(missing, enhet="miljoner kronor") == "\u2013 miljoner kronor"


def test_mkr_refuses_bad_arguments():
    with pytest.raises(ArgumentError) as err:
        mkr("12")
    assert err.value.argument == "tkr"
    with pytest.raises(ArgumentError) as err:
        mkr(1000.0, decimaler=-1)
    assert err.value.argument == "decimaler"


# --- antal ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "value, tecken, expected",
    [
        (1234, False, f"1{NBSP}234"),
        (-56.4, True, f"{M}56"),
        (56.6, True, "+57"),
        (0.4, True, "0"),
        (-0.4, False, "0"),
        (1_000_000, False, f"1{NBSP}000{NBSP}000"),
        (None, False, MISSING),
    ],
)
def test_antal(value, tecken, expected):
    assert antal(value, tecken=tecken) == expected


# --- datum ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "date, expected",
    [
        (dt.date(2026, 11, 22), "22 november 2026"),
        ("2023-04-30", "30 april 2023"),
        ("2024-01-01", "1 januari 2024"),
        (dt.date(2023, 3, 5), "5 mars 2023"),
        (dt.datetime(2023, 8, 31, 23, 59), "31 augusti 2023"),
        (dt.date(2023, 12, 31), "31 december 2023"),
    ],
)
def test_datum(date, expected):
    assert datum(date) == expected


@pytest.mark.parametrize("bad", ["2023-13-01", "30 april 2023", ""])
def test_datum_refuses_a_text_that_is_no_date(bad):
    with pytest.raises(ArgumentError) as err:
        datum(bad)
    assert err.value.argument == "date"


# --- lista ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "items, expected",
    [
        ([], ""),
        (["a"], "a"),
        (["a", "b"], "a och b"),
        (["a", "b", "c"], "a, b och c"),
        (("BUN", "SN", "KS", "TN"), "BUN, SN, KS och TN"),
    ],
)
def test_lista(items, expected):
    assert lista(items) == expected
    assert lista(iter(items)) == expected


def test_lista_with_another_last_word():
    assert lista(["BUN", "SN", "KS"], sista="samt") == "BUN, SN samt KS"
    assert lista(["BUN"], sista="samt") == "BUN"


# --- slug -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text, kwargs, expected",
    [
        ("KS/Kommunstab", {}, "ks-kommunstab"),
        (
            "Sjukfrånvaro Överförmyndarnämnden (%)",
            {"sep": "_"},
            "sjukfranvaro_overformyndarnamnden",
        ),
        ("  Barn- och utbildningsnämnden  ", {}, "barn-och-utbildningsnamnden"),
        ("Delår 1, april 2023", {}, "delar-1-april-2023"),
        # pinned: a non-ASCII sign between letters is dropped, not a separator (file names
        # of published reports depend on it)
        ("januari–april", {}, "januariapril"),
        ("So\u0308derhamn", {}, "soderhamn"),  # decomposed (macOS) ö
        ("!!!", {}, "x"),
        ("", {"fallback": "rapport"}, "rapport"),
        (2023, {}, "2023"),
    ],
)
def test_slug(text, kwargs, expected):
    assert slug(text, **kwargs) == expected


# --- is_missing, is_number --------------------------------------------------------------
@pytest.mark.parametrize("value", [None, float("nan"), np.nan, pd.NA, pd.NaT, np.float64("nan")])
def test_is_missing(value):
    assert is_missing(value)


@pytest.mark.parametrize("value", [0, 0.0, "", "–", 12, np.int64(3), False])
def test_is_not_missing(value):
    assert not is_missing(value)


@pytest.mark.parametrize(
    "value, expected",
    [
        (1, True),
        (1.5, True),
        (np.int64(2), True),
        (np.float32(2.5), True),
        (float("nan"), True),
        (True, False),
        ("1", False),
        (None, False),
        (pd.NA, False),
    ],
)
def test_is_number(value, expected):
    assert is_number(value) is expected
