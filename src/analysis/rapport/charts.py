"""Charts for the reports (matplotlib and seaborn), Swedish labels and number format.

Figures are made with :class:`matplotlib.figure.Figure`, not pyplot, so a notebook shows
each one exactly once (as the cell's value) and no global state leaks between reports.
Every tick is written by :func:`analysis.core.format.tal`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from analysis.core.format import tal

COLOURS = {"utfall": "#1f4e79", "fg": "#8fa9c4", "budget": "#c55a11", "prognos": "#2e7d32"}


def tick(x: float, pos: int | None = None) -> str:
    """An axis tick in whole numbers, Swedish format: ``1 234``, ``−5``.

    >>> tick(-1234.4)
    '−1\\xa0234'
    """
    return tal(x, 0)


def tick_decimal(x: float, pos: int | None = None) -> str:
    """An axis tick with one decimal and a decimal comma: ``7,1``, ``−0,5``.

    >>> tick_decimal(7.14), tick_decimal(-0.5)
    ('7,1', '−0,5')
    """
    return tal(x, 1)


def style_axes(ax, title: str, ylabel: str, *, formatter=tick, legend_size: int = 9) -> None:
    """The house style of every report chart: left title, Swedish ticks on the y axis
    (``formatter``: :func:`tick` or :func:`tick_decimal`), a light grid and no top or
    right spine (:func:`seaborn.despine`)."""
    ax.set_title(title, loc="left", fontsize=11)
    ax.set_ylabel(ylabel)
    ax.yaxis.set_major_formatter(FuncFormatter(formatter))
    ax.grid(axis="y", color="#dddddd", linewidth=0.8)
    sns.despine(ax=ax)
    ax.legend(frameon=False, fontsize=legend_size)


def cumulative(df: pd.DataFrame, title: str) -> Figure:
    """Cumulative utfall this year and last year against the periodised budget (mkr).

    ``df`` is :func:`analysis.rapport.notebook.cumulative_utfall` (tkr, report sign); costs are
    shown as positive net cost so that the lines rise through the year.
    """
    fig = Figure(figsize=(7.5, 3.6))
    ax = fig.subplots()
    x = np.arange(len(df))
    utfall_cols = [c for c in df.columns if c.startswith("Utfall")]
    sign = -1 if df["Periodiserad budget"].iloc[-1] < 0 else 1
    for col, colour, style in zip(
        utfall_cols, (COLOURS["utfall"], COLOURS["fg"]), ("-", "--"), strict=False
    ):
        ax.plot(x, sign * df[col] / 1000, style, color=colour, marker="o", markersize=3, label=col)
    ax.plot(
        x,
        sign * df["Periodiserad budget"] / 1000,
        ":",
        color=COLOURS["budget"],
        label="Periodiserad budget",
    )
    ax.set_xticks(x, df["Månad"])
    style_axes(ax, title, "mkr (nettokostnad)" if sign < 0 else "mkr")
    fig.tight_layout()
    return fig


def population(
    sheet: pd.DataFrame,
    title: str,
    goal: tuple[int, float] | None = None,
    figsize: tuple[float, float] = (7.5, 3.6),
) -> Figure:
    """Population on 31 December: history and forecast, with an optional goal."""
    fig = Figure(figsize=figsize)
    ax = fig.subplots()
    hist = sheet[sheet["typ"] == "utfall"]
    prog = sheet[sheet["typ"] == "prognos"]
    ax.plot(
        hist["ar"],
        hist["folkmangd"],
        color=COLOURS["utfall"],
        marker="o",
        markersize=3,
        label="Utfall",
    )
    if len(prog):
        joined = pd.concat([hist.tail(1), prog])
        ax.plot(joined["ar"], joined["folkmangd"], "--", color=COLOURS["prognos"], label="Prognos")
    if goal:
        ax.axhline(goal[1], color=COLOURS["budget"], linestyle=":", label=f"Mål {goal[0]}")
    style_axes(ax, title, "invånare")
    fig.tight_layout()
    return fig
