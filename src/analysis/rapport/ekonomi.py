"""A nämnd's economy for the reports: its tables in mkr with Swedish labels, the forecast
chart, and the sections of ``notebooks/ekonomi.ipynb`` as one call each.

The numbers come from :mod:`analysis.ekonomi.avvikelse`, :mod:`analysis.ekonomi.prognos`,
:mod:`analysis.ekonomi.drift` and :mod:`analysis.ekonomi.text` (tkr, report sign); here
they are only gathered, labelled, scaled to mkr and shown. :func:`forbered` makes
everything once; each ``visa_*`` shows one section, each ``figur_*`` draws one chart and
:func:`kontrollera` adds the report's checks.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from analysis.core.errors import ConfigurationError
from analysis.core.format import tal
from analysis.core.labels import DIMENSIONER, DRIFT
from analysis.core.period import MONTH_NAMES, Period
from analysis.ekonomi import text as ekonomitext
from analysis.ekonomi.avvikelse import (
    AVVIKELSE_COLUMNS,
    avvikelsetabell,
    investeringstabell,
    periodiseringsnyckel,
)
from analysis.ekonomi.drift import budget_helar_tkr, indata_anmarkningar
from analysis.ekonomi.prognos import (
    INTERVALL_COLUMNS,
    METODER,
    MIN_FALL_TRAFF,
    helarsprognoser,
    prognos_utanfor_intervall,
    prognossakerhet,
)
from analysis.io.dataset import Dataset
from analysis.kontroller.bas import Kontroller
from analysis.kontroller.ekonomi import kontrollera_namnd
from analysis.rapport import charts, kommentarer
from analysis.rapport.charts import COLOURS
from analysis.rapport.notebook import cumulative_utfall, key_figures
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


@dataclass
class Ekonomirapport:
    """What the economy report of one nämnd shows, as known at the end of ``period``; made
    by :func:`forbered`.

    ``nyckel`` is the nämnd's periodisation key (:data:`~analysis.ekonomi.avvikelse.NYCKLAR`)
    of the deviation tables; ``anmarkningar`` what is missing in its inputs;
    ``nyckeltal`` the summary box (mkr); ``per_kontogrupp``, ``per_verksamhet`` and
    ``investeringar`` the deviation tables (tkr); ``ackumulerat`` the cumulative utfall
    against the periodised budget (tkr); ``prognoser`` the full-year forecasts by method
    and ``budget_helar_tkr`` the year's budget (tkr); ``sakerhet`` the back-test of the
    forecasts; ``kommentar`` the commentary (markdown).
    """

    data: Dataset
    period: Period
    namnd: str
    namn: str
    nyckel: str
    anmarkningar: list[str]
    nyckeltal: pd.DataFrame
    per_kontogrupp: pd.DataFrame
    per_verksamhet: pd.DataFrame
    ackumulerat: pd.DataFrame
    prognoser: pd.DataFrame
    budget_helar_tkr: float
    sakerhet: pd.DataFrame
    investeringar: pd.DataFrame
    kommentar: str


def forbered(
    data: Dataset,
    namnd: str,
    period: Period | str,
    periodisering: str | Mapping[str, str] = "fil",
) -> Ekonomirapport:
    """Everything the economy report of ``namnd`` (a register id) shows as of ``period``;
    ``periodisering`` is the report's parameter (one key, or ``{nämnd-id: key}``,
    :func:`~analysis.ekonomi.avvikelse.periodiseringsnyckel`).

    Raises
    ------
    ConfigurationError
        When ``namnd`` is not in the register (:func:`namnd_namn`).
    InputError
        When the report month has no utfall at all
        (:func:`~analysis.ekonomi.drift.indata_anmarkningar`).
    ArgumentError
        For an unknown periodisation key.
    """
    p = Period.parse(period)
    namn = namnd_namn(data, namnd)
    anmarkningar = indata_anmarkningar(data, namnd, p)  # refuses a period without utfall
    nyckel = periodiseringsnyckel(periodisering, namnd)
    return Ekonomirapport(
        data=data,
        period=p,
        namnd=namnd,
        namn=namn,
        nyckel=nyckel,
        anmarkningar=anmarkningar,
        nyckeltal=key_figures(data, namnd, p),
        per_kontogrupp=avvikelsetabell(data, namnd, p, "kontogrupp", nyckel=nyckel),
        per_verksamhet=avvikelsetabell(data, namnd, p, "verksamhet", nyckel=nyckel),
        ackumulerat=cumulative_utfall(data, namnd, p),
        prognoser=helarsprognoser(data, namnd, p),
        budget_helar_tkr=budget_helar_tkr(data, namnd, p),
        sakerhet=prognossakerhet(data, namnd, p),
        investeringar=investeringstabell(data, namnd, p),
        kommentar=ekonomitext.kommentar(data, namnd, p),
    )


def _visa_avvikelser(frame: pd.DataFrame, title: str, name: str) -> None:
    show_table(
        visningstabell(frame), title, name=name, decimals=1, deviation=AVVIKELSER, note=_not(frame)
    )


def visa_anmarkningar(r: Ekonomirapport) -> None:
    """The box of what is missing in the nämnd's inputs (:func:`anmarkningar_text`), if any."""
    box = anmarkningar_text(r.anmarkningar)
    if box:
        _markdown(box)


def visa_nyckeltal(r: Ekonomirapport) -> None:
    """The summary box: the period and the full year against budget (mkr)."""
    show_table(
        r.nyckeltal,
        f"Nyckeltal för {r.namn}, mkr",
        name="nyckeltal",
        decimals=1,
        deviation=["Avvikelse"],
    )


def visa_per_kontogrupp(r: Ekonomirapport) -> None:
    """The deviations per kontogrupp in mkr with one decimal, the avvikelse columns
    coloured and the table's notes under it."""
    _visa_avvikelser(r.per_kontogrupp, f"Avvikelser per kontogrupp, {r.namn}, mkr", "kontogrupp")


def visa_per_verksamhet(r: Ekonomirapport) -> None:
    """The deviations per verksamhet, like :func:`visa_per_kontogrupp`."""
    _visa_avvikelser(r.per_verksamhet, f"Avvikelser per verksamhet, {r.namn}, mkr", "verksamhet")


def figur_ackumulerat(r: Ekonomirapport) -> Figure:
    """The cumulative utfall this year and last year against the periodised budget
    (:func:`analysis.rapport.charts.cumulative`)."""
    return charts.cumulative(r.ackumulerat, f"Ackumulerat utfall och periodiserad budget, {r.namn}")


def visa_helarsprognoser(r: Ekonomirapport) -> None:
    """The full-year forecasts (:func:`prognostabell`, mkr), then the sentence when the
    ekonom's forecast lies outside the model's interval
    (:func:`~analysis.ekonomi.prognos.prognos_utanfor_intervall`)."""
    show_table(
        prognostabell(r.prognoser, r.budget_helar_tkr),
        f"Helårsprognoser {r.namn}, mkr",
        name="helarsprognoser",
        decimals=1,
        deviation=["Avvikelse mot budget"],
        note=_not(r.prognoser),
    )
    utanfor = prognos_utanfor_intervall(r.prognoser)
    if utanfor:
        _markdown(utanfor)


def figur_helarsprognoser(r: Ekonomirapport) -> Figure:
    """The full-year forecasts with their intervals against the budget (:func:`prognosdiagram`)."""
    return prognosdiagram(
        r.prognoser,
        f"Helårsprognoser med osäkerhetsintervall, {r.namn}",
        budget_tkr=r.budget_helar_tkr,
    )


def visa_prognossakerhet(r: Ekonomirapport) -> None:
    """The back-test (:func:`prognossakerhet_tabell`), or that there are too few complete
    years to judge it."""
    if len(r.sakerhet):
        show_table(
            prognossakerhet_tabell(r.sakerhet),
            f"Prognossäkerhet {r.namn}",
            name="prognossakerhet",
            decimals={"Medelfel, tkr": 0, "Medelfel, %": 1},
            percent=["Träffsäkerhet 80 %", "Träffsäkerhet 95 %"],
            note=_not(r.sakerhet),
        )
    else:
        _markdown(
            "Det finns inte tillräckligt många hela år med utfall för att bedöma prognossäkerheten."
        )


def visa_investeringar(r: Ekonomirapport) -> None:
    """The investment projects (mkr, like :func:`visa_per_kontogrupp`), or that the nämnd
    has none when the table has only the ``Totalt`` row."""
    if len(r.investeringar) > 1:
        _visa_avvikelser(
            r.investeringar, f"Investeringar per projekt, {r.namn}, mkr", "investeringar"
        )
    else:
        _markdown("Nämnden har inga investeringsprojekt med budget eller utgifter under året.")


def visa_kommentar(r: Ekonomirapport) -> None:
    """The commentary (:func:`analysis.ekonomi.text.kommentar`) as Markdown."""
    _markdown(r.kommentar)


def kontrollera(k: Kontroller, r: Ekonomirapport) -> None:
    """The report's checks on the unrounded values
    (:func:`analysis.kontroller.ekonomi.kontrollera_namnd`): the nämnd's row of the
    driftsredovisning against the ledger, the deviation tables per kontogrupp and
    verksamhet against that row (the period budget only when they use the file's
    periodisation, ``fil``, like the driftsredovisning) and the investment table against
    the investeringsredovisning."""
    kontrollera_namnd(
        k,
        r.data,
        r.namnd,
        r.period,
        {
            "Avvikelser per kontogrupp": r.per_kontogrupp,
            "Avvikelser per verksamhet": r.per_verksamhet,
        },
        r.investeringar,
        samma_periodisering=r.nyckel == "fil",
    )


def visa_utkast(r: Ekonomirapport) -> None:
    """The notice that the nämnd's text is an utkast, or nothing
    (:func:`analysis.rapport.kommentarer.visa_utkast_notis`)."""
    kommentarer.visa_utkast_notis(r.data, r.namnd, r.period)
