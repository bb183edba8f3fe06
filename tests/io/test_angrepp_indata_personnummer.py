"""Issue 12, item 3: personnummer written with look-alike separators must be caught.

The attacker (or a careless export) writes the personnummer 19800101-1234 with an en
dash, a minus sign, a non-breaking hyphen, as a date with dashes, with zero-width spaces
or in fullwidth digits. Each variant must be refused like the plain one: the load fails,
the message names the line and the column but never the value, and nothing is written to
``data/processed``.
"""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.core.errors import InputError
from analysis.io.contract import looks_like_personnummer
from analysis.io.dataset import load_data

HEADER = (
    "period;anstalld;forvaltning;kon;fodelsear;ordinarie_tid_h;sjuk_h;sjuk_h_langtid;sjukdagar\n"
)
ROW = "2023-01;{id};Socialförvaltningen;K;1980;160;0;0;0\n"

FULLWIDTH = str.maketrans("0123456789-", "０１２３４５６７８９－")
VARIANTS = {
    "en_dash": "19800101\u20131234",
    "minus_sign": "19800101\u22121234",
    "non_breaking_hyphen": "19800101\u20111234",
    "hyphen": "19800101\u20101234",
    "em_dash": "800101\u20141234",
    "date_with_dashes": "1980-01-01-1234",
    "date_with_dots": "1980.01.01-1234",
    "zero_width_space": "19800101\u200b1234",
    "zero_width_in_date": "1980\u200b0101\u200b-1234",
    "word_joiner": "800101\u20601234",
    "soft_hyphen": "19800101\u00ad1234",
    "nbsp": "800101\u00a01234",
    "fullwidth": "19800101-1234".translate(FULLWIDTH),
    "fullwidth_short": "800101-1234".translate(FULLWIDTH),
    "samordningsnummer_en_dash": "800161\u20131234",
    "inside_longer_id": "P19800101-1234",
}
#: The digits of the personnummer: none of them may appear in a message.
DIGITS = ("19800101", "800101", "800161", "1234")


def _with_employee(tiny, anstalld: str) -> None:
    path = tiny / "raw" / "personal" / "sjukfranvaro.csv"
    path.write_text(HEADER + ROW.format(id="A000001") + ROW.format(id=anstalld), encoding="utf-8")


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_personnummer_variant_is_refused_not_echoed_and_not_cached(tiny, variant):
    _with_employee(tiny, VARIANTS[variant])
    with pytest.raises(InputError) as e:
        load_data(tiny)
    msg = str(e.value)
    assert "personal/sjukfranvaro.csv, rad 3, kolumn 'anstalld'" in msg
    assert "personnummer" in msg
    for digits in DIGITS:
        assert digits not in msg, f"{digits} echoed in: {msg}"
    assert VARIANTS[variant] not in msg
    processed = tiny / "processed"
    assert not processed.exists() or not list(processed.glob("*.parquet"))


@pytest.mark.parametrize(
    "pseudonym", ["A000001", "E-2023-0001", "anst\u20131234", "1234567890", "0012345678"]
)
def test_pseudonymous_ids_still_load(tiny, pseudonym):
    # 1234567890: month 34 is no month; 0012345678: day 34 is no day.
    _with_employee(tiny, pseudonym)
    data = load_data(tiny)
    assert len(data.sjukfranvaro) == 2


def test_a_zero_width_space_does_not_make_a_second_employee(tiny):
    _with_employee(tiny, "A000001\u200b")
    data = load_data(tiny)
    assert data.sjukfranvaro["anstalld"].nunique() == 1


_SEPARATORS = [
    "",
    "-",
    "\u2013",
    "\u2212",
    "\u2011",
    "\u2010",
    " ",
    "\u00a0",
    "\u200b",
    "\u2060",
    "+",
    ".",
]


@settings(max_examples=300, deadline=None)
@given(
    year=st.integers(1900, 2025),
    month=st.integers(1, 12),
    day=st.integers(1, 28),
    samordning=st.booleans(),
    tail=st.integers(0, 9999),
    century=st.booleans(),
    seps=st.lists(st.sampled_from(_SEPARATORS), min_size=3, max_size=3),
    fullwidth=st.booleans(),
)
def test_property_every_spelling_of_a_personnummer_is_caught(
    year, month, day, samordning, tail, century, seps, fullwidth
):
    d = day + 60 if samordning else day
    y = f"{year}" if century else f"{year % 100:02d}"
    text = f"{y}{seps[0]}{month:02d}{seps[1]}{d:02d}{seps[2]}{tail:04d}"
    if fullwidth:
        text = text.translate(FULLWIDTH)
    assert looks_like_personnummer(pd.Series([text])).tolist() == [True], repr(text)
