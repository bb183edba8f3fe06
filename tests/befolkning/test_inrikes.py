"""Domestic moves given as ``inrikes`` (not split by län) in the history, the report's
period table and the text's parts of the flyttnetto. Figures computed by hand."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from analysis.befolkning.historik import BefolkningData, period_components
from analysis.befolkning.text import flyttnetto_delar
from analysis.core.errors import InputError
from analysis.rapport.befolkning import period_table


def _data(flows: list[tuple[str, str, int]]) -> BefolkningData:
    """1 000 inhabitants on 31 December 2022, 1 010 a year later; 12 born, 8 died in 2023;
    the year's moves ``(riktning, omrade, antal)``."""
    folk = pd.DataFrame(
        [(2022, "K", 30, 600), (2022, "M", 40, 400), (2023, "K", 30, 605), (2023, "M", 40, 405)],
        columns=["ar", "kon", "alder", "antal"],
    )
    fodda = pd.DataFrame([(2023, 30, "K", 12)], columns=["ar", "moderns_alder", "kon", "antal"])
    doda = pd.DataFrame([(2023, "M", 80, 8)], columns=["ar", "kon", "alder", "antal"])
    fl = pd.DataFrame(
        [(2023, "K", 25, r, o, n) for r, o, n in flows],
        columns=["ar", "kon", "alder", "riktning", "omrade", "antal"],
    )
    return BefolkningData(folkmangd=folk, fodda=fodda, doda=doda, flyttningar=fl)


INRIKES = [
    ("in", "inrikes", 30),
    ("ut", "inrikes", 25),
    ("in", "utlandet", 6),
    ("ut", "utlandet", 2),
]
SPLIT = [
    ("in", "inom_lanet", 20),
    ("in", "annat_lan", 10),
    ("ut", "inom_lanet", 5),
    ("ut", "annat_lan", 20),
    ("in", "utlandet", 6),
    ("ut", "utlandet", 2),
]


def _komp(flows):
    return period_components(_data(flows), 2023, 12)


def test_inrikes_gives_no_split_and_one_domestic_figure():
    c = _komp(INRIKES).set_index("komponent")["antal"]
    assert math.isnan(c["flyttnetto_inom_lanet"]) and math.isnan(c["flyttnetto_annat_lan"])
    assert c["flyttnetto_inrikes"] == 30 - 25
    assert c["flyttnetto_utlandet"] == 6 - 2
    assert c["flyttnetto"] == (30 + 6) - (25 + 2) == 9
    assert c["justering"] == (1010 - 1000) - (12 - 8) - 9 == -3


def test_split_keeps_its_parts_and_sums_them_as_inrikes():
    c = _komp(SPLIT).set_index("komponent")["antal"]
    assert c["flyttnetto_inom_lanet"] == 20 - 5
    assert c["flyttnetto_annat_lan"] == 10 - 20
    assert c["flyttnetto_inrikes"] == 15 - 10 == 5
    assert c["flyttnetto"] == 9


def test_period_table_shows_what_the_data_give():
    with_inrikes = period_table(_komp(INRIKES))
    labels = with_inrikes["Komponent"].tolist()
    assert "Flyttnetto inrikes" in labels
    assert "Flyttnetto inom länet" not in labels and "Flyttnetto annat län" not in labels
    migration = with_inrikes[with_inrikes["Komponent"].str.startswith("Flyttnetto")]
    assert len(migration) == 3 and migration["Antal"].notna().all()  # totalt, inrikes, utland
    row = with_inrikes.set_index("Komponent").loc["Flyttnetto inrikes", "Antal"]
    assert row == 5
    split = period_table(_komp(SPLIT))["Komponent"].tolist()
    assert "Flyttnetto inom länet" in split and "Flyttnetto annat län" in split
    assert "Flyttnetto inrikes" not in split  # the sum of the two rows above, not repeated


def test_flyttnetto_delar_never_invents_a_split():
    inr = _komp(INRIKES).set_index("komponent")["antal"]
    assert flyttnetto_delar(inr) == [("inrikes", 5.0), ("från utlandet", 4.0)]
    spl = _komp(SPLIT).set_index("komponent")["antal"]
    assert flyttnetto_delar(spl) == [
        ("inom länet", 15.0),
        ("från andra län", -10.0),
        ("från utlandet", 4.0),
    ]
    # the parts shown add up to the flyttnetto in both cases
    assert sum(v for _, v in flyttnetto_delar(inr)) == inr["flyttnetto"]
    assert sum(v for _, v in flyttnetto_delar(spl)) == spl["flyttnetto"]
    assert flyttnetto_delar({}) == []


def test_a_period_mixing_both_forms_has_no_split():
    """Frames built by hand may mix (the loader refuses it): the split is then partial,
    so it is not shown; the domestic total still is."""
    c = _komp([*SPLIT[:2], ("ut", "inrikes", 25)]).set_index("komponent")["antal"]
    assert math.isnan(c["flyttnetto_inom_lanet"])
    assert c["flyttnetto_inrikes"] == 20 + 10 - 25


def test_unknown_area_is_still_refused():
    with pytest.raises(InputError, match="omrade"):
        _data([("in", "norden", 3)])
