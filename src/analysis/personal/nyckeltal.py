"""Sick leave: the statutory nyckeltal and frisknärvaro from person-month HR data.

Sick-leave data is health data. Every function here returns aggregates only, and any
group of :data:`MIN_GROUP` or fewer employees gets no percentage (it is suppressed) —
nor does any group whose figure could be worked out from the other published figures
by subtraction: the suppression pattern of the period (:func:`analysis.personal.sekretess.monster`,
computed from the whole kommun's rows) decides which cells are shown, the same for
every table.

Definitions (the data contract's export sheet ``sjukfranvaro``):

* ``total`` and the group rows: 100 × Σ sjuk_h / Σ ordinarie_tid_h over rows with
  ordinarie_tid_h > 0;
* ``langtid_andel``: 100 × Σ sjuk_h_langtid / Σ sjuk_h (spells of 60 days or more);
* age in a year = year − födelseår; groups up to 29, 30–49, 50 and over;
* ``antal_anstallda``: distinct employees in the group with ordinarie_tid_h > 0;
* frisknärvaro: the share of those employees with fewer than ``max_dagar`` (8) sick days
  over the months;
* korttidsfrånvaro: 100 × Σ sjuk_h_kort / Σ ordinarie_tid_h (spells of at most 14 days).

The whole kommun is the row ``Totalt`` of the export sheet (the data contract's word,
:data:`analysis.personal.sekretess.TOTALT`) and the row
:data:`analysis.core.labels.HELA_KOMMUNEN` of the tables per förvaltning and kön.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

import numpy as np
import pandas as pd

from analysis.core.labels import HELA_KOMMUNEN, TOTALT
from analysis.personal.sekretess import MIN_GROUP, monster
from analysis.personal.sekretess import TOTALT as KOMMUNEN_I_EXPORT

NYCKELTAL = (
    "total",
    "langtid_andel",
    "kvinnor",
    "man",
    "alder_upp_till_29",
    "alder_30_49",
    "alder_50_och_over",
)

NYCKELTAL_TEXT = {
    "total": "Total sjukfrånvaro",
    "langtid_andel": "Andel långtidssjukfrånvaro (60 dagar eller mer)",
    "kvinnor": "Kvinnor",
    "man": "Män",
    "alder_upp_till_29": "Anställda 29 år eller yngre",
    "alder_30_49": "Anställda 30–49 år",
    "alder_50_och_over": "Anställda 50 år eller äldre",
}

SUPPRESSION_NOTE = (
    f"Grupper med {MIN_GROUP} eller färre anställda redovisas inte, och inte "
    "heller de grupper ur vilka de skulle kunna räknas fram, för att skydda "
    "enskildas hälsouppgifter."
)


def _age_group(rows: pd.DataFrame) -> np.ndarray:
    age = (rows["period"].to_numpy() // 100) - rows["fodelsear"].to_numpy()
    return np.select(
        [age <= 29, age <= 49], ["alder_upp_till_29", "alder_30_49"], "alder_50_och_over"
    )


def compute_nyckeltal(
    personal: pd.DataFrame, months: Iterable[int], forvaltning: str | None = None
) -> pd.DataFrame:
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
    ``antal_anstallda``, ``sjuk_h``, ``ordinarie_tid_h``, ``undertryckt`` (bool: the
    group is small, or is hidden by the period's suppression pattern so that a small
    group cannot be worked out by subtraction).
    The counts and hour sums are for internal checks and must never be published for a
    suppressed group.
    """
    months = list(months)
    pattern = monster(personal, months)
    rows = personal[personal["period"].isin(months) & (personal["ordinarie_tid_h"] > 0)]
    if forvaltning is not None:
        rows = rows[rows["forvaltning"] == forvaltning]
    out = []

    def add(key: str, sel: pd.DataFrame, num: str, den: str) -> None:
        n = int(sel["anstalld"].nunique()) if len(sel) else 0
        s_num = float(sel[num].sum())
        s_den = float(sel[den].sum())
        suppressed = n <= MIN_GROUP or pattern.dold(forvaltning, key)
        pct = np.nan if (suppressed or s_den <= 0) else 100.0 * s_num / s_den
        out.append((key, pct, n, s_num, s_den, suppressed))

    add("total", rows, "sjuk_h", "ordinarie_tid_h")
    add("langtid_andel", rows, "sjuk_h_langtid", "sjuk_h")
    add("kvinnor", rows[rows["kon"] == "K"], "sjuk_h", "ordinarie_tid_h")
    add("man", rows[rows["kon"] == "M"], "sjuk_h", "ordinarie_tid_h")
    groups = _age_group(rows)
    for key in ("alder_upp_till_29", "alder_30_49", "alder_50_och_over"):
        add(key, rows[groups == key], "sjuk_h", "ordinarie_tid_h")
    return pd.DataFrame(
        out,
        columns=[
            "nyckeltal",
            "procent",
            "antal_anstallda",
            "sjuk_h",
            "ordinarie_tid_h",
            "undertryckt",
        ],
    )


def compute_sjukfranvaro_sheet(
    personal: pd.DataFrame, forvaltningar: list[str], months: Iterable[int]
) -> pd.DataFrame:
    """The export sheet ``sjukfranvaro``: every förvaltning and ``Totalt`` × nyckeltal.

    Only the months of ``months`` that have data are used; ``manad_fran`` and
    ``manad_till`` say which. A suppressed group (:func:`compute_nyckeltal`) has neither
    ``procent`` nor ``antal_anstallda`` (both empty).
    """
    months = list(months)
    present = sorted(set(np.unique(personal["period"]).tolist()) & set(months))
    fran = f"{present[0] // 100}-{present[0] % 100:02d}" if present else ""
    till = f"{present[-1] // 100}-{present[-1] % 100:02d}" if present else ""
    frames = []
    for forv in [*forvaltningar, None]:
        nt = compute_nyckeltal(personal, present, forv)
        nt.insert(0, "forvaltning", KOMMUNEN_I_EXPORT if forv is None else forv)
        frames.append(nt)
    sheet = pd.concat(frames, ignore_index=True)
    sheet["antal_anstallda"] = (
        sheet["antal_anstallda"].astype(float).where(~sheet["undertryckt"].astype(bool))
    )
    sheet["procent"] = sheet["procent"].where(~sheet["undertryckt"].astype(bool))
    sheet["manad_fran"] = fran
    sheet["manad_till"] = till
    return sheet[
        ["forvaltning", "nyckeltal", "procent", "antal_anstallda", "manad_fran", "manad_till"]
    ]


KON_TEXT = {"K": "Kvinnor", "M": "Män"}

#: The kön codes of the data and the pattern's column of each (``None``: both kön).
_KON_KOLUMN = {None: "total", "K": "kvinnor", "M": "man"}


def friska_anstallda(rows: pd.DataFrame, max_dagar: int = 8) -> tuple[int, int]:
    """(employees, of whom healthy) in ``rows``: the employees with ordinary time in at
    least one of the rows' months, and how many of them have fewer than ``max_dagar``
    sick days summed over the rows.

    Counts only, without suppression: the caller decides whether they may be shown
    (:func:`compute_frisknarvaro` applies the period's pattern).
    """
    employed = rows.loc[rows["ordinarie_tid_h"] > 0, "anstalld"].unique()
    days = (
        rows[rows["anstalld"].isin(employed)].groupby("anstalld", observed=True)["sjukdagar"].sum()
    )
    return int(len(days)), int((days < max_dagar).sum())


def compute_frisknarvaro(
    personal: pd.DataFrame,
    months: Iterable[int],
    forvaltning: str | None = None,
    max_dagar: int = 8,
    kon: str | None = None,
) -> dict[str, float]:
    """Share of employees with fewer than ``max_dagar`` sick days over ``months``.

    The employees counted are those with ordinary time in at least one of the months
    (in the förvaltning, when one is given: an employee who moves is counted in each
    förvaltning with the days spent there); ``kon`` (``"K"`` or ``"M"``) restricts them
    to one kön.

    Returns ``{'procent': …, 'antal_anstallda': …, 'antal_friska': …, 'undertryckt': …}``;
    ``procent`` is NaN when the group has :data:`MIN_GROUP` or fewer employees or is
    hidden by the period's suppression pattern (:func:`analysis.personal.sekretess.monster`, from
    all rows of ``personal``; the cell of the kön when ``kon`` is given). The counts are
    internal: never publish them for a suppressed group.
    """
    months = list(months)
    pattern = monster(personal, months)
    rows = personal[personal["period"].isin(months)]
    if forvaltning is not None:
        rows = rows[rows["forvaltning"] == forvaltning]
    if kon is not None:
        rows = rows[rows["kon"] == kon]
    n, friska = friska_anstallda(rows, max_dagar)
    suppressed = n <= MIN_GROUP or pattern.dold(forvaltning, _KON_KOLUMN[kon])
    pct = np.nan if suppressed else 100.0 * friska / n
    return {
        "procent": pct,
        "antal_anstallda": n,
        "antal_friska": friska,
        "undertryckt": bool(suppressed),
    }


def _grupper(forvaltningar: Iterable[str]) -> Iterator[tuple[str | None, str | None]]:
    """(förvaltning or ``None`` for the kommun, kön code or ``None`` for both) of a table
    per förvaltning and kön: the kommun first, each as a whole and per kön."""
    for forv in [None, *forvaltningar]:
        for kon in [None, *KON_TEXT]:
            yield forv, kon


def _rad(forv: str | None, kon: str | None) -> dict[str, str]:
    return {
        "forvaltning": HELA_KOMMUNEN if forv is None else forv,
        "kon": TOTALT if kon is None else KON_TEXT[kon],
    }


def frisknarvaro_per_kon(
    personal: pd.DataFrame, months: Iterable[int], forvaltningar: Sequence[str], max_dagar: int = 8
) -> pd.DataFrame:
    """Frisknärvaro (% of employees with fewer than ``max_dagar`` sick days over
    ``months``, :func:`compute_frisknarvaro`) per förvaltning and kön, and for the whole
    kommun.

    Groups of :data:`MIN_GROUP` or fewer employees are suppressed, and so are the
    groups of the period's suppression pattern (:mod:`analysis.personal.sekretess`): when one kön
    of a förvaltning is suppressed the other is too, and a small förvaltning is never
    the kommun minus the shown ones.

    Returns
    -------
    DataFrame
        ``forvaltning`` (:data:`~analysis.core.labels.HELA_KOMMUNEN` for the kommun),
        ``kon`` (``Totalt``, ``Kvinnor``, ``Män``), ``procent``, ``antal_anstallda``,
        ``undertryckt``.
    """
    months = list(months)
    out = []
    for forv, kon in _grupper(forvaltningar):
        f = compute_frisknarvaro(personal, months, forv, max_dagar, kon=kon)
        out.append(
            {
                **_rad(forv, kon),
                "procent": f["procent"],
                "antal_anstallda": f["antal_anstallda"],
                "undertryckt": f["undertryckt"],
            }
        )
    return pd.DataFrame(
        out, columns=["forvaltning", "kon", "procent", "antal_anstallda", "undertryckt"]
    )


def korttid_tillganglig(personal: pd.DataFrame, months: Iterable[int] | None = None) -> bool:
    """Whether ``sjuk_h_kort`` is present (not NaN) in every row of ``months``."""
    if "sjuk_h_kort" not in personal.columns:
        return False
    rows = personal if months is None else personal[personal["period"].isin(list(months))]
    rows = rows[rows["ordinarie_tid_h"] > 0]
    return bool(len(rows)) and not rows["sjuk_h_kort"].isna().any()


def korttid_per_kon(
    personal: pd.DataFrame, months: Iterable[int], forvaltningar: Sequence[str]
) -> pd.DataFrame | None:
    """Korttidsfrånvaro (spells of at most 14 days): 100 × Σ sjuk_h_kort / Σ
    ordinarie_tid_h over rows with ordinarie_tid_h > 0, per förvaltning and kön.

    Returns ``None`` when the column is missing or empty for the months (the kommun's
    HR system does not deliver it). Otherwise the columns of
    :func:`frisknarvaro_per_kon`, with the same suppression (the period's pattern).
    """
    months = list(months)
    if not korttid_tillganglig(personal, months):
        return None
    pattern = monster(personal, months)
    rows = personal[personal["period"].isin(months) & (personal["ordinarie_tid_h"] > 0)]
    out = []
    for forv, kon in _grupper(forvaltningar):
        part = rows if forv is None else rows[rows["forvaltning"] == forv]
        if kon is not None:
            part = part[part["kon"] == kon]
        n = int(part["anstalld"].nunique())
        den = float(part["ordinarie_tid_h"].sum())
        supp = n <= MIN_GROUP or pattern.dold(forv, _KON_KOLUMN[kon])
        pct = np.nan if supp or den <= 0 else 100.0 * float(part["sjuk_h_kort"].sum()) / den
        out.append(
            {**_rad(forv, kon), "procent": pct, "antal_anstallda": n, "undertryckt": bool(supp)}
        )
    return pd.DataFrame(
        out, columns=["forvaltning", "kon", "procent", "antal_anstallda", "undertryckt"]
    )
