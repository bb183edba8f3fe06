"""Statistical disclosure control for sick leave: which cells may be published.

Sick leave is health data: no figure may describe a group of :data:`MIN_GROUP` or fewer
employees, neither directly nor by subtraction from other published figures. Every
table that publishes sick-leave figures (the nyckeltal by kön and age, frisknärvaro,
korttidsfrånvaro, per förvaltning, the kommun totals, the export sheet) takes its
suppression from one pattern, computed here for a period (a set of months) from all of
the kommun's rows, so that every table and every report hides the same cells.

The cells of a period are the förvaltningar and the whole kommun (``Totalt``), each as a
whole (``total``), per kön (``kvinnor``, ``man``) and per age band. Every measure of a
cell (sick-leave rate, långtidsandel, korttidsfrånvaro, frisknärvaro, number of
employees) describes the same group of employees, so one pattern protects them all.

The rule (documented in ``docs/``), with *n* = distinct employees with ordinary time in
the months:

1. **Primary:** a cell with n ≤ :data:`MIN_GROUP` is suppressed.
2. **Förvaltningar:** a suppressed förvaltning is suppressed in every cell. When any
   förvaltning is suppressed, the suppressed förvaltningar together (those with
   employees) must be at least two and cover more than :data:`MIN_GROUP` employees;
   otherwise the smallest shown förvaltning is suppressed as well, until they do (the
   kommun minus the shown förvaltningar then gives only a group of more than 10).
3. **Within a row:** when one kön of a förvaltning (or of the kommun) is suppressed,
   both are; when one age band is suppressed, all three are (the row's total minus the
   shown parts would give the hidden one).
4. **Across förvaltningar:** for every kön and age band, the förvaltningar where it is
   suppressed must be none, or at least two whose cells together cover more than
   :data:`MIN_GROUP` employees (the kommun's cell minus the shown förvaltningar' cells);
   otherwise the breakdown is also suppressed for the smallest förvaltning that has
   employees in that cell, until it holds (or, when none is left, for the kommun).

A suppressed cell publishes neither a percentage nor a number of employees. Only the
pattern is computed here; the functions that compute figures apply it.
"""

from __future__ import annotations

import itertools
import weakref
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.core import labels

#: Groups with this many employees or fewer are suppressed.
MIN_GROUP = 10

#: The name of the whole kommun's row in a pattern and in the export sheet (the data
#: contract's ``Totalt``).
TOTALT = labels.TOTALT

KON = ("kvinnor", "man")
ALDER = ("alder_upp_till_29", "alder_30_49", "alder_50_och_over")
KOLUMNER = ("total", *KON, *ALDER)
_KON_KOD = {"kvinnor": "K", "man": "M"}


@dataclass(frozen=True)
class Monster:
    """The suppression pattern of one period.

    Attributes
    ----------
    dolda : DataFrame
        Bool, index the förvaltningar and ``Totalt``, columns :data:`KOLUMNER`;
        ``True`` = the cell is not published.
    antal : DataFrame
        Distinct employees per cell (internal: never published for a suppressed cell).
    """

    dolda: pd.DataFrame
    antal: pd.DataFrame

    def dold(self, forvaltning: str | None, nyckeltal: str = "total") -> bool:
        """Whether the cell is suppressed. ``forvaltning=None`` is the kommun;
        ``langtid_andel`` (and any other measure of the whole group) follows ``total``;
        a förvaltning without employees in the months is suppressed."""
        rad = TOTALT if forvaltning is None else str(forvaltning)
        kol = nyckeltal if nyckeltal in KOLUMNER else "total"
        if rad not in self.dolda.index:
            return True
        return bool(self.dolda.at[rad, kol])


def _aldersgrupp(period: np.ndarray, fodelsear: np.ndarray) -> np.ndarray:
    age = period // 100 - fodelsear
    return np.select([age <= 29, age <= 49], list(ALDER[:2]), ALDER[2])


def _celler(rows: pd.DataFrame) -> pd.DataFrame:
    """The distinct (employee, förvaltning, kön, age band) of the rows."""
    if not len(rows):
        return pd.DataFrame({"anstalld": [], "forvaltning": [], "kon": [], "alder": []})
    out = pd.DataFrame(
        {
            "anstalld": rows["anstalld"].astype(str).to_numpy(),
            "forvaltning": rows["forvaltning"].astype(str).to_numpy(),
            "kon": rows["kon"].astype(str).to_numpy(),
            "alder": _aldersgrupp(
                rows["period"].to_numpy().astype(np.int64),
                rows["fodelsear"].to_numpy().astype(np.int64),
            ),
        }
    )
    return out.drop_duplicates(ignore_index=True)


def _kolumn(celler: pd.DataFrame, kol: str) -> pd.DataFrame:
    """Distinct (employee, förvaltning) of one column."""
    if kol == "total":
        sel = celler
    elif kol in _KON_KOD:
        sel = celler[celler["kon"] == _KON_KOD[kol]]
    else:
        sel = celler[celler["alder"] == kol]
    return sel[["anstalld", "forvaltning"]].drop_duplicates()


def monster_av_rader(
    rows: pd.DataFrame, forvaltningar: Sequence[str] | None = None, min_grupp: int = MIN_GROUP
) -> Monster:
    """The suppression pattern of a set of person-month rows (one period).

    Parameters
    ----------
    rows : DataFrame
        The period's rows with ``ordinarie_tid_h`` > 0 (columns ``period``,
        ``anstalld``, ``forvaltning``, ``kon``, ``fodelsear``).
    forvaltningar : sequence of str, optional
        Förvaltningar to include even without rows (they get n = 0, suppressed).
    min_grupp : int
        Groups of this many employees or fewer are suppressed.

    Returns
    -------
    Monster
    """
    celler = _celler(rows)
    forv = list(dict.fromkeys([*(forvaltningar or []), *pd.unique(celler["forvaltning"]).tolist()]))
    kolumner = {k: _kolumn(celler, k) for k in KOLUMNER}
    antal = pd.DataFrame(0, index=[*forv, TOTALT], columns=list(KOLUMNER), dtype=np.int64)
    for k, par in kolumner.items():
        counts = par.groupby("forvaltning").size()
        antal.loc[counts.index, k] = counts.to_numpy()
        antal.at[TOTALT, k] = par["anstalld"].nunique()
    dolda = antal <= min_grupp

    if dolda.at[TOTALT, "total"]:
        dolda.loc[:, :] = True
        return Monster(dolda, antal)

    def forening(rader: Iterable[str], kol: str) -> tuple[int, int]:
        """(rows with employees in the column, distinct employees of their union)."""
        rader = [r for r in rader if antal.at[r, kol] > 0]
        if not rader:
            return 0, 0
        par = kolumner[kol]
        return len(rader), int(par.loc[par["forvaltning"].isin(rader), "anstalld"].nunique())

    def skyddad(rader: Iterable[str], kol: str) -> bool:
        antal_rader, n = forening(rader, kol)
        return n == 0 or (antal_rader >= 2 and n > min_grupp)

    def minsta(kandidater: Iterable[str], kol: str) -> str | None:
        kand = [r for r in kandidater if antal.at[r, kol] > 0]
        if not kand:
            return None
        return min(kand, key=lambda r: (int(antal.at[r, "total"]), forv.index(r)))

    # 2. the förvaltningar as a whole
    dolda_forv = [f for f in forv if dolda.at[f, "total"]]
    while not skyddad(dolda_forv, "total"):
        extra = minsta([f for f in forv if f not in dolda_forv], "total")
        if extra is None:  # pragma: no cover - needs n(Totalt) ≤ 10
            dolda.loc[:, :] = True
            return Monster(dolda, antal)
        dolda_forv.append(extra)
    dolda.loc[dolda_forv, :] = True

    # 3. within a row; 4. across förvaltningar (repeated until nothing changes)
    def inom(rad: str, delar: Sequence[str]) -> int:
        """Distinct employees of the row in the columns ``delar``."""
        par = pd.concat([kolumner[k] for k in delar])
        return int(par.loc[par["forvaltning"] == rad, "anstalld"].nunique())

    def skyddad_union(rader: Sequence[str], delar: Sequence[str]) -> bool:
        """The union of the rows' cells in ``delar``: no one, or ≥ 2 rows > 10."""
        rader = [r for r in rader if inom(r, delar) > 0]
        if not rader:
            return True
        par = pd.concat([kolumner[k] for k in delar])
        n = int(par.loc[par["forvaltning"].isin(rader), "anstalld"].nunique())
        return len(rader) >= 2 and n > min_grupp

    for grupp in (KON, ALDER):
        grupp = list(grupp)
        dolda.loc[dolda[grupp].any(axis=1), grupp] = True
        delmangder = [
            list(c) for r in range(1, len(grupp)) for c in itertools.combinations(grupp, r)
        ]
        while not dolda.loc[TOTALT, grupp].any():
            rader = [f for f in forv if dolda.at[f, grupp[0]]]
            brist = None
            for delar in delmangder:
                # a shown förvaltning entirely within ``delar`` is known from its total
                okanda = [
                    f for f in rader if f in dolda_forv or inom(f, delar) < antal.at[f, "total"]
                ]
                # the kommun's cells minus the shown ones give the union of the hidden ones
                if not skyddad_union(okanda, delar):
                    brist = delar
                    break
                # the hidden förvaltningar are known together (rule 2); when they lie
                # entirely within ``delar`` they drop out, leaving the shown rows' cells
                if all(inom(f, delar) == antal.at[f, "total"] for f in dolda_forv):
                    rest = [f for f in okanda if f not in dolda_forv]
                    if not skyddad_union(rest, delar):
                        brist = delar
                        break
            if brist is None:
                break
            kand = [f for f in forv if f not in rader and inom(f, brist) > 0]
            if not kand:
                dolda.loc[TOTALT, grupp] = True
            else:
                extra = min(kand, key=lambda r: (int(antal.at[r, "total"]), forv.index(r)))
                dolda.loc[extra, grupp] = True
    return Monster(dolda, antal)


_CACHE: dict[tuple, tuple[weakref.ref, Monster]] = {}


def monster(
    personal: pd.DataFrame, months: Iterable[int], forvaltningar: Sequence[str] | None = None
) -> Monster:
    """The suppression pattern of ``months`` (yyyymm codes) from all the kommun's rows.

    Parameters
    ----------
    personal : DataFrame
        Processed ``sjukfranvaro`` rows of the whole kommun (a frame restricted to one
        förvaltning would give a pattern that does not protect against the kommun's
        totals).
    months : iterable of int
        The period's months.
    forvaltningar : sequence of str, optional
        Förvaltningar to include even without rows.

    Returns
    -------
    Monster

    Examples
    --------
    A förvaltning of 14 (12 women, 2 men) and one of 6, and two larger ones:

    >>> rows = [(202301, f"{f}{i}", f, k, 1980, 160.0)
    ...         for f, sizes in {"A": (12, 2), "B": (3, 3), "C": (20, 20), "D": (30, 30)}.items()
    ...         for k, n, s in (("K", sizes[0], 0), ("M", sizes[1], 100))
    ...         for i in range(s, s + n)]
    >>> df = pd.DataFrame(rows, columns=["period", "anstalld", "forvaltning", "kon",
    ...                                  "fodelsear", "ordinarie_tid_h"])
    >>> m = monster(df, [202301])
    >>> m.dolda["total"].to_dict()
    {'A': True, 'B': True, 'C': False, 'D': False, 'Totalt': False}
    >>> m.dolda["man"].to_dict()
    {'A': True, 'B': True, 'C': True, 'D': False, 'Totalt': False}
    """
    months = tuple(sorted(set(int(m) for m in months)))
    key = (id(personal), len(personal), months, tuple(forvaltningar or ()))
    hit = _CACHE.get(key)
    if hit is not None and hit[0]() is personal:
        return hit[1]
    sel = personal["period"].isin(months).to_numpy() & (
        personal["ordinarie_tid_h"].to_numpy(dtype=float) > 0
    )
    result = monster_av_rader(personal.loc[sel], forvaltningar)
    if len(_CACHE) > 256:
        _CACHE.clear()
    try:
        _CACHE[key] = (weakref.ref(personal), result)
    except TypeError:  # pragma: no cover - not weak-referenceable
        pass
    return result


def dolda_manader(personal: pd.DataFrame, till: int | None = None) -> pd.DataFrame:
    """Per month: which förvaltningar' (and the kommun's) monthly rate is suppressed,
    by rules 1 and 2 applied to each month on its own.

    Returns
    -------
    DataFrame
        ``period``, ``forvaltning`` (``Totalt`` for the kommun), ``antal_anstallda``,
        ``undertryckt``; one row per month and förvaltning with rows in it.
    """
    key = ("manader", id(personal), len(personal), till)
    hit = _CACHE.get(key)
    if hit is not None and hit[0]() is personal:
        return hit[1].copy()
    rows = personal[personal["ordinarie_tid_h"].to_numpy(dtype=float) > 0]
    if till is not None:
        rows = rows[rows["period"] <= till]
    trip = pd.DataFrame(
        {
            "period": rows["period"].to_numpy().astype(np.int64),
            "forvaltning": rows["forvaltning"].astype(str).to_numpy(),
            "anstalld": rows["anstalld"].astype(str).to_numpy(),
        }
    ).drop_duplicates()
    per = trip.groupby(["period", "forvaltning"]).size().rename("antal_anstallda").reset_index()
    tot = trip.groupby("period")["anstalld"].nunique().rename("antal_anstallda").reset_index()
    tot["forvaltning"] = TOTALT
    out = pd.concat([per, tot], ignore_index=True)
    out["undertryckt"] = out["antal_anstallda"] <= MIN_GROUP
    for period in out.loc[out["undertryckt"], "period"].unique():
        i = out.index[out["period"] == period]
        dold = monster_av_rader(rows[rows["period"] == period]).dolda["total"]
        out.loc[i, "undertryckt"] = (
            out.loc[i, "forvaltning"].map(dold).fillna(True).astype(bool).to_numpy()
        )
    out = out.sort_values(["forvaltning", "period"], ignore_index=True)
    try:
        _CACHE[key] = (weakref.ref(personal), out)
    except TypeError:  # pragma: no cover - not weak-referenceable
        pass
    return out.copy()


def dolj_antal(
    antal: pd.DataFrame,
    grupper: Sequence[tuple[str, Sequence[str]]],
    totalt: str = TOTALT,
    min_grupp: int = MIN_GROUP,
    forst: Sequence[str] = (),
) -> pd.DataFrame:
    """Suppression pattern of a table of head counts (rows förvaltningar and ``totalt``).

    The counts describe groups of employees (not health data), so a cell of 0 is shown;
    every other rule follows the sick-leave pattern:

    1. **Primary:** a cell with 1 to ``min_grupp`` employees is suppressed.
    2. **Within a row:** for every ``(helhet, delar)`` of ``grupper`` (``helhet`` =
       Σ ``delar`` in every row) whose whole is shown, the hidden non-zero parts must be
       none, or at least two that together have more than ``min_grupp`` employees (the
       whole minus the shown parts gives their sum); otherwise one more cell is hidden:
       a shown non-zero part or the whole, the columns of ``forst`` first, then the
       smallest.
    3. **Across rows:** in every column whose ``totalt`` cell is shown, the hidden
       non-zero förvaltningar must be none, or at least two with more than
       ``min_grupp`` together; otherwise the smallest shown non-zero förvaltning is
       hidden too, or, when none is left, the ``totalt`` cell.

    Rules 2 and 3 are repeated until nothing changes.

    Parameters
    ----------
    antal : DataFrame
        Counts; index the förvaltningar and ``totalt``, whose row is the sum of the
        others in every column.
    grupper : sequence of (str, sequence of str)
        The additive relations between the columns.
    totalt : str
        The name of the kommun's row.
    min_grupp : int
        Groups of this many or fewer are suppressed.
    forst : sequence of str
        Columns to hide first when a row needs a secondary suppression (e.g. derived
        totals that matter less than the parts).

    Returns
    -------
    DataFrame
        Bool, like ``antal``: ``True`` = not published.

    Examples
    --------
    >>> t = pd.DataFrame({"alla": [30, 40, 70], "k": [25, 32, 57], "m": [5, 8, 13]},
    ...                  index=["A", "B", "Totalt"])
    >>> dolj_antal(t, [("alla", ["k", "m"])]).values.tolist()
    [[False, True, True], [False, True, True], [False, False, False]]
    >>> dolj_antal(t, [("alla", ["k", "m"])], forst=["alla"]).values.tolist()
    [[True, False, True], [True, False, True], [False, False, False]]
    """
    n = antal.astype(float).fillna(0)
    dold = (n > 0) & (n <= min_grupp)
    forv = [r for r in n.index if r != totalt]
    ordning = {c: i for i, c in enumerate(forst)}

    def safe(cells: list[tuple[str, str]]) -> bool:
        hidden = [n.at[r, c] for r, c in cells if dold.at[r, c] and n.at[r, c] > 0]
        return not hidden or (len(hidden) >= 2 and sum(hidden) > min_grupp)

    def shown(cells: list[tuple[str, str]]) -> list[tuple[str, str]]:
        return [(r, c) for r, c in cells if not dold.at[r, c] and n.at[r, c] > 0]

    changed = True
    while changed:
        changed = False
        for rad in n.index:
            for helhet, delar in grupper:
                cells = [(rad, d) for d in delar]
                if dold.at[rad, helhet] or safe(cells):
                    continue
                cand = shown(cells) + [(rad, helhet)]
                extra = min(
                    cand,
                    key=lambda rc: (ordning.get(rc[1], len(ordning)), n.at[rc[0], rc[1]]),
                )
                dold.at[extra] = True
                changed = True
        if totalt in n.index:
            for kol in n.columns:
                cells = [(r, kol) for r in forv]
                if dold.at[totalt, kol] or safe(cells):
                    continue
                cand = shown(cells)
                if cand:
                    dold.at[min(cand, key=lambda rc: (n.at[rc[0], rc[1]], forv.index(rc[0])))] = (
                        True
                    )
                else:
                    dold.at[totalt, kol] = True
                changed = True
    return dold
