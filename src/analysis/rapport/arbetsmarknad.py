"""The labour-market section of the kommun report (*Arbetsmarknad*): the paragraph on
arbetslösheten, the tables of the comparisons, the chart of the monthly series and the
export sheet.

The figures come from :mod:`analysis.befolkning.arbetsmarknad`; this module labels and
displays them. A kommun without the files (``arbetsmarknad/``) gets a visible
"uppgifter saknas" text instead of figures.

Notebook cells, in order::

    am = arbetsmarknad.forbered(data, period)
    arbetsmarknad.visa_sysselsattning(am)
    arbetsmarknad.figur_arbetsloshet(am)
    arbetsmarknad.kontrollera(k, am)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from IPython.display import Markdown, display
from matplotlib.figure import Figure

from analysis.befolkning.arbetsmarknad import (
    ANDELAR,
    ANTAL,
    GRUPPNAMN,
    Arbetsloshet,
    arbetsloshet,
    arbetsloshet_text,
)
from analysis.core.errors import ModellError
from analysis.core.period import Period
from analysis.io.dataset import Dataset
from analysis.kontroller.arbetsmarknad import kontrollera_arbetsmarknad
from analysis.kontroller.bas import Kontroller
from analysis.rapport.charts import COLOURS, style_axes, tick_decimal
from analysis.rapport.notebook import kommun_namn
from analysis.rapport.tables import show_table

#: The export sheet's name and its columns' formats (tkr / procent / antal).
BLAD = "arbetsmarknad"
BLAD_FORMAT = {"andel": "procent", "antal": "antal", "arbetskraft": "antal"}
#: The note under the tables.
KALLA = (
    "Källa: Arbetsförmedlingen. Inskrivna arbetslösa (öppet arbetslösa och sökande i "
    "program med aktivitetsstöd) som andel av den registerbaserade arbetskraften. "
    "– = uppgift saknas."
)
#: The months of the chart.
MANADER_I_FIGUR = 36


def manadsrubrik(code: int) -> str:
    """A month as a column heading: ``April 2023``.

    >>> manadsrubrik(202304)
    'April 2023'
    """
    p = Period.from_code(int(code))
    return f"{p.month_name.capitalize()} {p.year}"


@dataclass(frozen=True)
class Arbetsmarknadsavsnitt:
    """The section computed once: the figures (``None`` when missing), the text, the
    two display tables and the file's rows as known at the end of the period."""

    period: Period
    namn: str
    resultat: Arbetsloshet | None
    text: str
    andelar: pd.DataFrame
    antal: pd.DataFrame
    radata: pd.DataFrame | None


def _tabell(a: Arbetsloshet, cols: tuple[str, ...], changes: dict[str, str]) -> pd.DataFrame:
    j = a.jamforelse
    keep = j[list(cols)].notna().any(axis=1).to_numpy()
    j = j.loc[keep]
    out = pd.DataFrame(
        {
            "Grupp": j["grupp"].map(GRUPPNAMN).to_numpy(),
            "Område": j["omrade"].to_numpy(),
        }
    )
    for col, years in zip(cols, range(3), strict=True):
        out[manadsrubrik(a.manad.code - 100 * years)] = j[col].to_numpy(dtype=float)
    for col, heading in changes.items():
        out[heading] = j[col].to_numpy(dtype=float)
    return out.reset_index(drop=True)


def andelstabell(a: Arbetsloshet) -> pd.DataFrame:
    """The shares (percent): one row per group and area with a share in one of the three
    months; the month, a year and two years earlier, and the change over a year
    (procentenheter)."""
    return _tabell(a, ANDELAR, {"andel_forandring_1ar": "Förändring på ett år, procentenheter"})


def antalstabell(a: Arbetsloshet) -> pd.DataFrame:
    """The counts (persons), for the rows the files give a count: the three months and
    the changes over one and two years."""
    return _tabell(
        a,
        ANTAL,
        {
            "antal_forandring_1ar": "Förändring på ett år",
            "antal_forandring_2ar": "Förändring på två år",
        },
    )


def forbered(data: Dataset, period: Period | str) -> Arbetsmarknadsavsnitt:
    """Compute the section for ``period`` from the data as known at its end."""
    period = Period.parse(period)
    known = data.as_of(period)
    frame = known.frames["arbetsloshet"] if "arbetsloshet" in known.frames else None
    namn = kommun_namn(data)
    try:
        a = arbetsloshet(frame, period, namn)
    except ModellError as e:
        empty = pd.DataFrame()
        return Arbetsmarknadsavsnitt(period, namn, None, str(e), empty, empty, frame)
    return Arbetsmarknadsavsnitt(
        period,
        namn,
        a,
        arbetsloshet_text(a, namn),
        andelstabell(a),
        antalstabell(a),
        frame,
    )


def visa_sysselsattning(u: Arbetsmarknadsavsnitt) -> None:
    """The paragraph and the tables of the comparisons (or the "saknas" text)."""
    display(Markdown(u.text))
    if u.resultat is None:
        return
    manad = manadsrubrik(u.resultat.manad.code).lower()
    andel_cols = list(u.andelar.columns[2:])
    show_table(
        u.andelar,
        f"Arbetslöshet, procent av den registerbaserade arbetskraften, {manad}",
        name="arbetsloshet-andel",
        decimals=dict.fromkeys(andel_cols, 1),
        deviation=[andel_cols[-1]],
        note=KALLA,
    )
    if len(u.antal):
        show_table(
            u.antal,
            f"Inskrivna arbetslösa, antal personer, {manad}",
            name="arbetsloshet-antal",
            decimals=0,
            deviation=list(u.antal.columns[-2:]),
            note=KALLA,
        )


def figur_arbetsloshet(u: Arbetsmarknadsavsnitt) -> Figure | None:
    """The share 16–64 år month by month for the kommun, its län and riket over the last
    three years; ``None`` when the figures are missing."""
    if u.resultat is None or not len(u.resultat.serier):
        return None
    a = u.resultat
    s = a.serier
    fig = Figure(figsize=(7.5, 3.6))
    ax = fig.subplots()
    styles = {
        a.kommun: (COLOURS["utfall"], "-", u.namn),
        a.lan: (COLOURS["budget"], "--", a.lan),
        a.riket: (COLOURS["fg"], ":", a.riket),
    }
    for omrade, part in s.groupby("omrade", sort=False):
        colour, style, label = styles[str(omrade)]
        codes = part["period"].to_numpy(dtype=np.int64)
        x = codes // 100 + (codes % 100 - 1) / 12
        ax.plot(x, part["andel"], style, color=colour, label=label, linewidth=1.8)
    years = sorted({int(c) // 100 for c in s["period"]})
    ax.set_xticks(years, [str(y) for y in years])
    style_axes(
        ax,
        "Arbetslöshet 16–64 år, andel av den registerbaserade arbetskraften",
        "procent",
        formatter=tick_decimal,
    )
    fig.tight_layout()
    return fig


def kontrollera(k: Kontroller, u: Arbetsmarknadsavsnitt) -> None:
    """The section's checks (:mod:`analysis.kontroller.arbetsmarknad`); none when the
    figures are missing (nothing is shown to check)."""
    if u.resultat is None or u.radata is None:
        return
    kontrollera_arbetsmarknad(k, u.radata, u.resultat, u.text, u.andelar, u.antal)


def exportblad(data: Dataset, period: Period | str) -> dict[str, pd.DataFrame]:
    """The export sheet ``arbetsmarknad``: per group and area the month, a year and two
    years earlier (``manad`` as ``YYYY-MM``) with ``andel`` (percent), ``antal`` and
    ``arbetskraft`` (persons), unrounded as in the files; no rows when the files are
    missing."""
    u = forbered(data, period)
    columns = ["grupp", "omradestyp", "omrade", "manad", "andel", "antal", "arbetskraft"]
    if u.resultat is None or u.radata is None:
        return {BLAD: pd.DataFrame(columns=columns)}
    a = u.resultat
    months = [a.manad.code - 100 * y for y in range(3)]
    keys = a.jamforelse[["grupp", "omradestyp", "omrade"]]
    raw = u.radata[u.radata["period"].astype("int64").isin(months)]
    out = keys.merge(raw, on=["grupp", "omradestyp", "omrade"], how="inner")
    out = out.sort_values("period", ascending=False, kind="stable")
    order = {tuple(r): i for i, r in enumerate(keys.itertuples(index=False))}
    out["_o"] = [
        order[(g, t, o)]
        for g, t, o in zip(out["grupp"], out["omradestyp"], out["omrade"], strict=True)
    ]
    out = out.sort_values(["_o"], kind="stable").drop(columns="_o")
    out["manad"] = [f"{int(c) // 100}-{int(c) % 100:02d}" for c in out["period"]]
    return {BLAD: out[columns].reset_index(drop=True)}
