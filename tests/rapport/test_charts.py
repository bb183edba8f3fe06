"""Report charts: Swedish ticks (through core.format) and the house style."""

from __future__ import annotations

import doctest

import pandas as pd
import pytest
from matplotlib.figure import Figure

from analysis.rapport import charts
from analysis.rapport.charts import style_axes, tick, tick_decimal

NBSP, MINUS = "\u00a0", "\u2212"


@pytest.mark.parametrize(
    "x, expected",
    [
        (0.0, "0"),
        (-0.0, "0"),
        (1234.0, f"1{NBSP}234"),
        (-5.0, f"{MINUS}5"),
        (-1234567.4, f"{MINUS}1{NBSP}234{NBSP}567"),
        (2.5, "2"),  # round half to even
    ],
)
def test_tick(x, expected):
    assert tick(x) == expected
    assert tick(x, 3) == expected  # matplotlib passes the position


@pytest.mark.parametrize(
    "x, expected",
    [
        (7.14, "7,1"),
        (-0.5, f"{MINUS}0,5"),
        (0.0, "0,0"),
        (-0.04, "0,0"),
        (1500.25, f"1{NBSP}500,2"),
    ],
)
def test_tick_decimal(x, expected):
    assert tick_decimal(x, None) == expected


def test_style_axes_is_the_house_style():
    fig = Figure()
    ax = fig.subplots()
    ax.plot([0, 1, 2], [-1500, 0, 2500], label="Utfall")
    style_axes(ax, "Titel", "mkr")
    assert ax.get_title(loc="left") == "Titel" and ax.get_ylabel() == "mkr"
    assert not ax.spines["top"].get_visible() and not ax.spines["right"].get_visible()
    assert ax.spines["left"].get_visible() and ax.spines["bottom"].get_visible()
    assert ax.yaxis.get_major_formatter()(-1500.0, 0) == f"{MINUS}1{NBSP}500"
    assert ax.get_legend() is not None and not ax.get_legend().get_frame_on()
    style_axes(ax, "Titel", "%", formatter=tick_decimal)
    assert ax.yaxis.get_major_formatter()(7.14, 0) == "7,1"


def test_population_chart_with_goal():
    sheet = pd.DataFrame(
        {
            "ar": [2021, 2022, 2023, 2024],
            "folkmangd": [100, 110, 115, 120],
            "typ": ["utfall", "utfall", "prognos", "prognos"],
        }
    )
    fig = charts.population(sheet, "Folkmängd", goal=(2040, 150))
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["Utfall", "Prognos", "Mål 2040"]


def test_doctests():
    failures, _ = doctest.testmod(charts)
    assert failures == 0
