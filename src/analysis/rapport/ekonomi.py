"""A nämnd's economy for the reports: its tables in mkr with Swedish labels, the forecast
chart, and the report's sections as one call each (used by ``notebooks/ekonomi.ipynb``).

The numbers come from :mod:`analysis.ekonomi.avvikelse` and :mod:`analysis.ekonomi.prognos`
(tkr, report sign); here they are only labelled, scaled to mkr and shown.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from analysis.core.errors import ConfigurationError
from analysis.core.format import tal
from analysis.core.labels import DIMENSIONER, DRIFT
from analysis.core.period import MONTH_NAMES
from analysis.ekonomi.avvikelse import AVVIKELSE_COLUMNS
from analysis.ekonomi.prognos import (
    INTERVALL_COLUMNS,
    METODER,
    MIN_FALL_TRAFF,
    prognos_utanfor_intervall,
)
from analysis.io.dataset import Dataset
from analysis.rapport.charts import COLOURS
from analysis.rapport.tables import show_table

#: Swedish column labels of the deviation tables.
LABELS = {**DIMENSIONER, **{c: DRIFT[c] for c in AVVIKELSE_COLUMNS}}
#: The avvikelse columns of a deviation table as shown (coloured by sign).
AVVIKELSER = [DRIFT["avvikelse_period"], DRIFT["avvikelse_helar"]]
#: The interval bounds of the forecast table as shown.
INTERVALL_LABELS = dict(
    zip(INTERVALL_COLUMNS, ("80 % lägre", "80 % övre", "95 % lägre", "95 % övre"), strict=True)
)


def namnd_namn(data: Dataset, namnd: str) -> str:
    """The name of the nämnd a report is made for.

    Raises
    ------
    ConfigurationError
        When ``namnd`` (the report's parameter) is not in the register.
    """
    if namnd not in data.register.ids:
        raise ConfigurationError(f"Nämnden '{namnd}' finns inte i registret (organisation.csv).")
    return data.register.namn(namnd)


# --- display tables -------------------------------------------------------------------
def visningstabell(frame: pd.DataFrame, unit: str = "mkr") -> pd.DataFrame:
    """A deviation table with Swedish column labels, in mkr (or tkr as given).

    Empty forecasts stay empty (NaN, shown as ``–``); ``attrs`` (the notes) are kept.
    """
    out = frame.rename(columns=LABELS)
    if unit == "mkr":
        num = out.columns[1:]
        out[num] = out[num] / 1000
    out.attrs = dict(frame.attrs)
    return out


def prognostabell(
    prognoser: pd.DataFrame, budget_tkr: float | None = None, unit: str = "mkr"
) -> pd.DataFrame:
    """:func:`~analysis.ekonomi.prognos.helarsprognoser` for display: Swedish labels, mkr,
    avvikelse mot budget."""
    f = 1000 if unit == "mkr" else 1
    out = pd.DataFrame(
        {
            "Metod": prognoser["metod"].map(lambda k: METODER.get(k, k)),
            "Prognos helår": prognoser["prognos_tkr"] / f,
        }
    )
    if budget_tkr is not None:
        out["Avvikelse mot budget"] = (prognoser["prognos_tkr"] - budget_tkr) / f
    for c, lab in INTERVALL_LABELS.items():
        out[lab] = prognoser[c] / f
    return out


def prognossakerhet_tabell(frame: pd.DataFrame) -> pd.DataFrame:
    """:func:`~analysis.ekonomi.prognos.prognossakerhet` for display (Swedish labels;
    coverage in percent, with the number of cases it rests on; empty below
    :data:`~analysis.ekonomi.prognos.MIN_FALL_TRAFF` cases)."""
    n = frame["antal_intervall"].fillna(0).astype(int)
    enough = n >= MIN_FALL_TRAFF
    return pd.DataFrame(
        {
            "Metod": frame["metod"].map(lambda k: METODER.get(k, k)),
            "Prognos gjord per": frame["manad"].map(lambda m: MONTH_NAMES[int(m) - 1]),
            "Antal år": frame["antal"],
            "Medelfel, tkr": frame["mae_tkr"],
            "Medelfel, %": frame["mae_procent"],
            "Fall med intervall": n.where(n > 0),
            "Träffsäkerhet 80 %": (frame["traff80"].astype(float) * 100).where(enough),
            "Träffsäkerhet 95 %": (frame["traff95"].astype(float) * 100).where(enough),
        }
    )


# --- chart ----------------------------------------------------------------------------
def _tick(x: float, _pos: int | None = None) -> str:
    return tal(x)


def prognosdiagram(prognoser: pd.DataFrame, title: str, budget_tkr: float | None = None) -> Figure:
    """The full-year forecasts by method with 80 % and 95 % intervals (mkr).

    Net costs are shown as positive amounts when the budget is a net cost, like
    :func:`analysis.rapport.charts.cumulative`. Made without pyplot.
    """
    p = prognoser[np.isfinite(prognoser["prognos_tkr"].astype(float))].reset_index(drop=True)
    sign = (
        -1
        if (budget_tkr is not None and budget_tkr < 0)
        or (budget_tkr is None and len(p) and p["prognos_tkr"].mean() < 0)
        else 1
    )
    fig = Figure(figsize=(7.5, 0.6 * max(len(p), 1) + 1.4))
    ax = fig.subplots()
    y = np.arange(len(p))[::-1]
    for level, width, alpha in (("95", 2, 0.35), ("80", 6, 0.8)):
        lo = sign * p[f"nedre_{level}"].to_numpy(dtype=float) / 1000
        hi = sign * p[f"ovre_{level}"].to_numpy(dtype=float) / 1000
        ok = np.isfinite(lo) & np.isfinite(hi)
        if ok.any():
            ax.hlines(
                y[ok],
                np.minimum(lo, hi)[ok],
                np.maximum(lo, hi)[ok],
                color=COLOURS["prognos"],
                linewidth=width,
                alpha=alpha,
                label=f"{level} % intervall",
            )
    ax.plot(
        sign * p["prognos_tkr"].to_numpy(dtype=float) / 1000,
        y,
        "o",
        color=COLOURS["utfall"],
        label="Prognos",
    )
    if budget_tkr is not None:
        ax.axvline(sign * budget_tkr / 1000, color=COLOURS["budget"], linestyle=":", label="Budget")
    ax.set_yticks(y, [METODER.get(k, k) for k in p["metod"]])
    ax.set_title(title, loc="left", fontsize=11)
    ax.set_xlabel("mkr (nettokostnad)" if sign < 0 else "mkr")
    ax.xaxis.set_major_formatter(FuncFormatter(_tick))
    ax.grid(axis="x", color="#dddddd", linewidth=0.8)
    ax.spines[["top", "right"]].set_visible(False)
    ax.legend(frameon=False, fontsize=8, loc="best")
    fig.tight_layout()
    return fig


# --- the report's sections ------------------------------------------------------------
def _markdown(text: str) -> None:
    from IPython.display import Markdown, display

    display(Markdown(text))


def _not(frame: pd.DataFrame) -> str | None:
    return " ".join(frame.attrs.get("anmarkningar", [])) or None


def anmarkningar_text(anmarkningar: list[str]) -> str | None:
    """The box at the top of a nämnd's report listing what is missing in its inputs
    (:func:`~analysis.ekonomi.drift.indata_anmarkningar`); ``None`` when nothing is."""
    if not anmarkningar:
        return None
    return "**Observera:**\n\n" + "\n".join(f"- {a}" for a in anmarkningar)


def visa_anmarkningar(anmarkningar: list[str]) -> None:
    """Show :func:`anmarkningar_text`, if any."""
    text = anmarkningar_text(anmarkningar)
    if text:
        _markdown(text)


def visa_avvikelser(frame: pd.DataFrame, title: str, name: str) -> None:
    """Show a deviation table (:func:`~analysis.ekonomi.avvikelse.avvikelsetabell`) in
    mkr with one decimal, its avvikelse columns coloured and its notes under it."""
    show_table(
        visningstabell(frame), title, name=name, decimals=1, deviation=AVVIKELSER, note=_not(frame)
    )


def visa_investeringar(frame: pd.DataFrame, title: str, name: str = "investeringar") -> None:
    """Show the investment table
    (:func:`~analysis.ekonomi.avvikelse.investeringstabell`), or say that the nämnd has
    no projects when it has only the ``Totalt`` row."""
    if len(frame) > 1:
        visa_avvikelser(frame, title, name)
    else:
        _markdown("Nämnden har inga investeringsprojekt med budget eller utgifter under året.")


def visa_helarsprognoser(
    prognoser: pd.DataFrame,
    title: str,
    budget_tkr: float | None = None,
    name: str = "helarsprognoser",
) -> None:
    """Show the full-year forecasts (:func:`prognostabell`), then the sentence when the
    ekonom's forecast lies outside the model's interval
    (:func:`~analysis.ekonomi.prognos.prognos_utanfor_intervall`)."""
    show_table(
        prognostabell(prognoser, budget_tkr),
        title,
        name=name,
        decimals=1,
        deviation=["Avvikelse mot budget"],
        note=_not(prognoser),
    )
    utanfor = prognos_utanfor_intervall(prognoser)
    if utanfor:
        _markdown(utanfor)


def visa_prognossakerhet(sakerhet: pd.DataFrame, title: str, name: str = "prognossakerhet") -> None:
    """Show the back-test (:func:`prognossakerhet_tabell`), or say that there are too few
    complete years to judge it."""
    if len(sakerhet):
        show_table(
            prognossakerhet_tabell(sakerhet),
            title,
            name=name,
            decimals={"Medelfel, tkr": 0, "Medelfel, %": 1},
            percent=["Träffsäkerhet 80 %", "Träffsäkerhet 95 %"],
            note=_not(sakerhet),
        )
    else:
        _markdown(
            "Det finns inte tillräckligt många hela år med utfall för att bedöma prognossäkerheten."
        )
