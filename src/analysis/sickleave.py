"""Sick leave: the statutory nyckeltal and frisknärvaro from person-month HR data.

Sick-leave data is health data. Every function here returns aggregates only, and any
group of :data:`MIN_GROUP` or fewer employees gets no percentage (it is suppressed).

Definitions (the data contract's export sheet ``sjukfranvaro``):

* ``total`` and the group rows: 100 × Σ sjuk_h / Σ ordinarie_tid_h over rows with
  ordinarie_tid_h > 0;
* ``langtid_andel``: 100 × Σ sjuk_h_langtid / Σ sjuk_h (spells of 60 days or more);
* age in a year = year − födelseår; groups up to 29, 30–49, 50 and over;
* ``antal_anstallda``: distinct employees in the group with ordinarie_tid_h > 0.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

#: Groups with this many employees or fewer are suppressed.
MIN_GROUP = 10

NYCKELTAL = ("total", "langtid_andel", "kvinnor", "man",
             "alder_upp_till_29", "alder_30_49", "alder_50_och_over")

NYCKELTAL_TEXT = {
    "total": "Total sjukfrånvaro",
    "langtid_andel": "Andel långtidssjukfrånvaro (60 dagar eller mer)",
    "kvinnor": "Kvinnor",
    "man": "Män",
    "alder_upp_till_29": "Anställda 29 år eller yngre",
    "alder_30_49": "Anställda 30–49 år",
    "alder_50_och_over": "Anställda 50 år eller äldre",
}

SUPPRESSION_NOTE = (f"Grupper med {MIN_GROUP} eller färre anställda redovisas inte, "
                    "för att skydda enskildas hälsouppgifter.")


def _age_group(rows: pd.DataFrame) -> np.ndarray:
    age = (rows["period"].to_numpy() // 100) - rows["fodelsear"].to_numpy()
    return np.select([age <= 29, age <= 49], ["alder_upp_till_29", "alder_30_49"],
                     "alder_50_och_over")


def compute_nyckeltal(personal: pd.DataFrame, months: Iterable[int],
                      forvaltning: str | None = None) -> pd.DataFrame:
    """The seven nyckeltal for one förvaltning (or the whole kommun) over some months.

    Parameters
    ----------
    personal : DataFrame
        Processed ``sjukfranvaro`` rows (``period`` as yyyymm).
    months : iterable of int
        Period codes (yyyymm) to include.
    forvaltning : str, optional
        Restrict to one förvaltning; ``None`` means the whole kommun.

    Returns
    -------
    DataFrame with columns ``nyckeltal``, ``procent`` (NaN when suppressed or undefined),
    ``antal_anstallda``, ``sjuk_h``, ``ordinarie_tid_h``, ``undertryckt`` (bool).
    The hour sums are for internal checks and must not be published for small groups.
    """
    months = list(months)
    rows = personal[personal["period"].isin(months) & (personal["ordinarie_tid_h"] > 0)]
    if forvaltning is not None:
        rows = rows[rows["forvaltning"] == forvaltning]
    out = []

    def add(key: str, sel: pd.DataFrame, num: str, den: str) -> None:
        n = int(sel["anstalld"].nunique()) if len(sel) else 0
        s_num = float(sel[num].sum())
        s_den = float(sel[den].sum())
        suppressed = n <= MIN_GROUP
        pct = np.nan if (suppressed or s_den <= 0) else 100.0 * s_num / s_den
        out.append((key, pct, n, s_num, s_den, suppressed))

    add("total", rows, "sjuk_h", "ordinarie_tid_h")
    add("langtid_andel", rows, "sjuk_h_langtid", "sjuk_h")
    add("kvinnor", rows[rows["kon"] == "K"], "sjuk_h", "ordinarie_tid_h")
    add("man", rows[rows["kon"] == "M"], "sjuk_h", "ordinarie_tid_h")
    groups = _age_group(rows)
    for key in ("alder_upp_till_29", "alder_30_49", "alder_50_och_over"):
        add(key, rows[groups == key], "sjuk_h", "ordinarie_tid_h")
    return pd.DataFrame(out, columns=["nyckeltal", "procent", "antal_anstallda", "sjuk_h",
                                      "ordinarie_tid_h", "undertryckt"])


def compute_sjukfranvaro_sheet(personal: pd.DataFrame, forvaltningar: list[str],
                               months: Iterable[int]) -> pd.DataFrame:
    """The export sheet ``sjukfranvaro``: every förvaltning and ``Totalt`` × nyckeltal.

    Only the months of ``months`` that have data are used; ``manad_fran`` and
    ``manad_till`` say which.
    """
    months = list(months)
    present = sorted(set(np.unique(personal["period"]).tolist()) & set(months))
    fran = f"{present[0] // 100}-{present[0] % 100:02d}" if present else ""
    till = f"{present[-1] // 100}-{present[-1] % 100:02d}" if present else ""
    frames = []
    for forv in [*forvaltningar, None]:
        nt = compute_nyckeltal(personal, present, forv)
        nt.insert(0, "forvaltning", "Totalt" if forv is None else forv)
        frames.append(nt)
    sheet = pd.concat(frames, ignore_index=True)
    sheet["manad_fran"] = fran
    sheet["manad_till"] = till
    return sheet[["forvaltning", "nyckeltal", "procent", "antal_anstallda", "manad_fran",
                  "manad_till"]]


def compute_frisknarvaro(personal: pd.DataFrame, months: Iterable[int],
                         forvaltning: str | None = None, max_dagar: int = 8) -> dict[str, float]:
    """Share of employees with fewer than ``max_dagar`` sick days over ``months``.

    The employees counted are those with ordinary time in at least one of the months
    (in the förvaltning, when one is given: an employee who moves is counted in each
    förvaltning with the days spent there).

    Returns ``{'procent': …, 'antal_anstallda': …, 'antal_friska': …}``;
    ``procent`` is NaN when the group has :data:`MIN_GROUP` or fewer employees.
    """
    rows = personal[personal["period"].isin(list(months))]
    if forvaltning is not None:
        rows = rows[rows["forvaltning"] == forvaltning]
    employed = rows.loc[rows["ordinarie_tid_h"] > 0, "anstalld"].unique()
    days = rows[rows["anstalld"].isin(employed)].groupby("anstalld", observed=True)["sjukdagar"].sum()
    n = int(len(days))
    friska = int((days < max_dagar).sum())
    pct = np.nan if n <= MIN_GROUP else 100.0 * friska / n
    return {"procent": pct, "antal_anstallda": n, "antal_friska": friska}
