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
* ``antal_anstallda``: distinct employees in the group with ordinarie_tid_h > 0.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from analysis.personal.sekretess import MIN_GROUP, monster

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

SUPPRESSION_NOTE = (f"Grupper med {MIN_GROUP} eller färre anställda redovisas inte, och inte "
                    "heller de grupper ur vilka de skulle kunna räknas fram, för att skydda "
                    "enskildas hälsouppgifter.")


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
    return pd.DataFrame(out, columns=["nyckeltal", "procent", "antal_anstallda", "sjuk_h",
                                      "ordinarie_tid_h", "undertryckt"])


def compute_sjukfranvaro_sheet(personal: pd.DataFrame, forvaltningar: list[str],
                               months: Iterable[int]) -> pd.DataFrame:
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
        nt.insert(0, "forvaltning", "Totalt" if forv is None else forv)
        frames.append(nt)
    sheet = pd.concat(frames, ignore_index=True)
    sheet["antal_anstallda"] = sheet["antal_anstallda"].astype(float) \
        .where(~sheet["undertryckt"].astype(bool))
    sheet["procent"] = sheet["procent"].where(~sheet["undertryckt"].astype(bool))
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

    Returns ``{'procent': …, 'antal_anstallda': …, 'antal_friska': …, 'undertryckt': …}``;
    ``procent`` is NaN when the group has :data:`MIN_GROUP` or fewer employees or is
    hidden by the period's suppression pattern (:func:`analysis.personal.sekretess.monster`, from
    all rows of ``personal``). The counts are internal: never publish them for a
    suppressed group.
    """
    months = list(months)
    pattern = monster(personal, months)
    rows = personal[personal["period"].isin(months)]
    if forvaltning is not None:
        rows = rows[rows["forvaltning"] == forvaltning]
    employed = rows.loc[rows["ordinarie_tid_h"] > 0, "anstalld"].unique()
    days = rows[rows["anstalld"].isin(employed)].groupby("anstalld", observed=True)["sjukdagar"].sum()
    n = int(len(days))
    friska = int((days < max_dagar).sum())
    suppressed = n <= MIN_GROUP or pattern.dold(forvaltning, "total")
    pct = np.nan if suppressed else 100.0 * friska / n
    return {"procent": pct, "antal_anstallda": n, "antal_friska": friska,
            "undertryckt": bool(suppressed)}


_AGE_KEYS = ("alder_upp_till_29", "alder_30_49", "alder_50_och_over")


def compute_nyckeltal_all(personal: pd.DataFrame, months: Iterable[int],
                          forvaltningar: Iterable[str], totalt: bool = True) -> pd.DataFrame:
    """The seven nyckeltal for many förvaltningar at once (one pass over the rows).

    Gives the same numbers as calling :func:`compute_nyckeltal` once per förvaltning
    (and once with ``forvaltning=None`` for ``Totalt``), but reads the rows only once,
    which matters for millions of person-month rows.

    Parameters
    ----------
    personal : DataFrame
        Processed ``sjukfranvaro`` rows (``period`` as yyyymm).
    months : iterable of int
        Period codes (yyyymm) to include.
    forvaltningar : iterable of str
        The förvaltningar, in the order wanted; one absent from the data gets zero
        employees (suppressed).
    totalt : bool, default True
        Append the whole kommun as förvaltning ``Totalt``.

    Returns
    -------
    DataFrame
        Columns ``forvaltning``, ``nyckeltal``, ``procent``, ``antal_anstallda``,
        ``sjuk_h``, ``ordinarie_tid_h``, ``undertryckt``; seven rows per förvaltning in
        the order of :data:`NYCKELTAL`.
    """
    forvaltningar = list(forvaltningar)
    months = list(months)
    pattern = monster(personal, months)
    nf = len(forvaltningar)
    # work on numpy arrays (no copy of the frame); categoricals through their codes
    ordt_all = personal["ordinarie_tid_h"].to_numpy(dtype=float)
    mask = np.isin(personal["period"].to_numpy(), np.asarray(months, dtype=np.int64))
    mask &= ordt_all > 0
    pos = {name: i for i, name in enumerate(forvaltningar)}

    def codes_of(col: str, lookup) -> np.ndarray:
        """Integer code per selected row: ``lookup(value)`` for each distinct value."""
        ser = personal[col]
        if isinstance(ser.dtype, pd.CategoricalDtype):
            lut = np.array([lookup(c) for c in ser.cat.categories] + [lookup(None)],
                           dtype=np.int64)
            return lut[ser.cat.codes.to_numpy()[mask]]   # code −1 (missing) -> last
        codes, uniques = pd.factorize(ser.to_numpy()[mask])
        lut = np.array([lookup(c) for c in uniques] + [lookup(None)], dtype=np.int64)
        return lut[codes]

    # förvaltning index 0..nf-1, nf = not asked for (still counted in Totalt)
    f = codes_of("forvaltning", lambda c: pos.get(c, nf))
    # kön: 0 K, 1 M, 2 other/missing (in neither kön row)
    kc = codes_of("kon", lambda c: {"K": 0, "M": 1}.get(c, 2))
    emp = personal["anstalld"]
    if isinstance(emp.dtype, pd.CategoricalDtype):
        a = emp.cat.codes.to_numpy()[mask].astype(np.int64)
    else:
        a = pd.factorize(emp.to_numpy()[mask])[0].astype(np.int64)
    n_emp = int(a.max()) + 2 if len(a) else 1
    age = (personal["period"].to_numpy()[mask] // 100).astype(np.int64) \
        - personal["fodelsear"].to_numpy()[mask].astype(np.int64)
    g = (age > 29).astype(np.int64) + (age > 49)
    sjuk = personal["sjuk_h"].to_numpy(dtype=float)[mask]
    ordt = ordt_all[mask]
    lang = personal["sjuk_h_langtid"].to_numpy(dtype=float)[mask]

    slots = nf + 1  # the last slot gathers rows of förvaltningar not asked for

    def sums(index: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        return (np.bincount(index, sjuk, size), np.bincount(index, ordt, size),
                np.bincount(index, lang, size))

    # distinct employees: the unique (employee, förvaltning, kön, age group) tuples once,
    # then the distinct employees per grouping from that much smaller set
    cell = (f * 3 + kc) * 3 + g
    uniq = pd.unique(a * (slots * 9) + cell)
    u_a, u_cell = uniq // (slots * 9), uniq % (slots * 9)
    u_f, u_k, u_g = u_cell // 9, (u_cell // 3) % 3, u_cell % 3

    def distinct(group: np.ndarray, size: int, keep: np.ndarray | None = None) -> np.ndarray:
        ga, gg = (u_a, group) if keep is None else (u_a[keep], group[keep])
        return np.bincount(pd.unique(gg * n_emp + ga) // n_emp, minlength=size)[:size]

    t_s, t_o, t_l = sums(f, slots)
    t_n = distinct(u_f, slots)
    fk = f * 3 + kc
    k_s, k_o, _ = sums(fk, slots * 3)
    k_n = distinct(u_f * 3 + u_k, slots * 3)
    fg = f * 3 + g
    g_s, g_o, _ = sums(fg, slots * 3)
    g_n = distinct(u_f * 3 + u_g, slots * 3)

    def block(name: str, tot: tuple, kon: tuple, grp: tuple) -> list[tuple]:
        (ts, to, tl, tn), (ks, ko, kn), (gs, go, gn) = tot, kon, grp
        items = [("total", ts, to, tn), ("langtid_andel", tl, ts, tn),
                 ("kvinnor", ks[0], ko[0], kn[0]), ("man", ks[1], ko[1], kn[1])]
        items += [(key, gs[i], go[i], gn[i]) for i, key in enumerate(_AGE_KEYS)]
        out = []
        for key, num, den, n in items:
            n = int(n)
            suppressed = n <= MIN_GROUP or pattern.dold(None if name == "Totalt" else name, key)
            pct = np.nan if (suppressed or den <= 0) else 100.0 * float(num) / float(den)
            out.append((name, key, pct, n, float(num), float(den), suppressed))
        return out

    records: list[tuple] = []
    for i, name in enumerate(forvaltningar):
        records += block(name, (t_s[i], t_o[i], t_l[i], t_n[i]),
                         (k_s[3 * i:3 * i + 2], k_o[3 * i:3 * i + 2], k_n[3 * i:3 * i + 2]),
                         (g_s[3 * i:3 * i + 3], g_o[3 * i:3 * i + 3], g_n[3 * i:3 * i + 3]))
    if totalt:
        records += block("Totalt", (t_s.sum(), t_o.sum(), t_l.sum(), len(pd.unique(u_a))),
                         (k_s.reshape(-1, 3).sum(0)[:2], k_o.reshape(-1, 3).sum(0)[:2],
                          distinct(u_k, 3)[:2]),
                         (g_s.reshape(-1, 3).sum(0), g_o.reshape(-1, 3).sum(0),
                          distinct(u_g, 3)))
    return pd.DataFrame(records, columns=["forvaltning", "nyckeltal", "procent",
                                          "antal_anstallda", "sjuk_h", "ordinarie_tid_h",
                                          "undertryckt"])
