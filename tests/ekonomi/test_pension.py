"""The pension obligations' table (analysis.ekonomi.pension), by hand."""

from __future__ import annotations

import doctest
import math

import pandas as pd

from analysis.core.period import Period
from analysis.ekonomi import pension


def calc(rows: list[tuple[int, str, float]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["period", "post", "belopp_kr"])


FRAME = calc(
    [
        (202212, "avsattning", 80_000.0),
        (202212, "avsattning_loneskatt", 19_408.0),
        (202212, "ansvarsforbindelse", 200_000.0),
        (202212, "ansvarsforbindelse_loneskatt", 48_520.0),
        (202212, "forvaltade_medel", 100_000.0),
        (202304, "avsattning", 90_000.0),
        (202304, "avsattning_loneskatt", 21_834.0),
        (202304, "ansvarsforbindelse", 190_000.0),
        (202304, "ansvarsforbindelse_loneskatt", 46_094.0),
        (202304, "visstidspension", 5_000.0),
        (202304, "forvaltade_medel", 120_000.0),
        (202308, "avsattning", 1e9),
        (202308, "ansvarsforbindelse", 1e9),
    ]
)


def test_table_of_the_latest_calculation_by_hand():
    t = pension.pensionsforpliktelser(FRAME, "2023-05")
    assert t.attrs["berakning"] == 202304  # August's is later: not known in May
    assert t.attrs["berakning_fg_ar"] == 202212
    now = t.set_index("id")["tkr"]
    assert now["avsattning"] == 111.834  # 90 000 + 21 834 kr löneskatt
    assert now["ansvarsforbindelse"] == 236.094
    assert now["total_forpliktelse"] == 347.928
    assert now["forvaltade_medel"] == 120.0
    assert now["aterlanade_medel"] == 227.928  # 347 928 − 120 000
    assert now["visstidspension"] == 5.0
    fg = t.set_index("id")["fg_ar"]
    assert fg["total_forpliktelse"] == 347.928  # 99 408 + 248 520
    assert math.isnan(fg["visstidspension"])  # not in December's calculation: not 0


def test_loneskatt_included_in_the_main_rows_and_no_managed_funds():
    f = calc([(202304, "avsattning", 124_260.0), (202304, "ansvarsforbindelse", 10_000.0)])
    t = pension.pensionsforpliktelser(f, Period.parse("2023-04")).set_index("id")["tkr"]
    assert t["avsattning"] == 124.26 and t["total_forpliktelse"] == 134.26
    assert math.isnan(t["forvaltade_medel"]) and math.isnan(t["aterlanade_medel"])
    text = pension.pension_text(
        pension.pensionsforpliktelser(f, "2023-04"), Period.parse("2023-04")
    )
    assert "förvaltade pensionsmedel saknas" in text
    assert "årsskiftet" not in text  # no calculation at the previous year-end


def test_no_calculation_known_is_none_and_says_uppgift_saknas():
    april = Period.parse("2022-11")
    assert pension.pensionsforpliktelser(FRAME, april) is None
    assert pension.pensionsforpliktelser(None, april) is None
    assert math.isnan(pension.ansvarsforbindelse_tkr(FRAME, april))
    assert pension.pension_text(None, april).startswith("Uppgift saknas")


def test_text_gives_date_total_and_change():
    t = pension.pensionsforpliktelser(FRAME, "2023-04")
    text = pension.pension_text(t, Period.parse("2023-04"))
    assert "per 2023-04" in text
    assert "0,3 miljoner kronor inklusive löneskatt" in text  # 347,928 tkr
    assert "oförändrat sedan årsskiftet 2022/2023" in text  # both 347 928 kr
    assert pension.ansvarsforbindelse_tkr(FRAME, Period.parse("2023-04")) == 236.094


def test_doctests():
    failures, tried = doctest.testmod(pension)
    assert tried > 0 and failures == 0
