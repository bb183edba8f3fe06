"""The files of the statutory statements: the balance accounts (``ekonomi/balans*``) and
the balanskrav parameters (``ekonomi/balanskrav*``).

``balans``
    One row per account and month: ``period`` ``ÅÅÅÅ-00`` is the year's ingående balans
    (the balance at the previous year-end, after the year's result was moved into eget
    kapital), ``ÅÅÅÅ-01`` … ``ÅÅÅÅ-12`` the month's movements. ``konto`` is a balance
    account (Kommun-Bas classes 1 and 2), ``belopp`` kr in the accounting sign (debet +,
    kredit −). Every year in the files must have its ingående balans. Optional column
    ``handelse``: ``avyttring`` marks the rows that remove the book value of sold or
    scrapped anläggningstillgångar (classes 10–12), read by the kassaflödesanalys.
    Dated by the month: the ingående balans of a year is known from its first month.
``balanskrav``
    The adjustments of the balanskravsutredning that the ledger does not show, one row
    per year and post (:data:`BALANSKRAV_POSTER`), ``belopp`` kr (a non-negative size; the
    post gives the direction). Dated by the start of the year ``ar``: a year's
    decisions are known from its first month.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd

from analysis.core.errors import Problem
from analysis.core.kommunbas import konto_key
from analysis.core.register import Register
from analysis.io.falt import (
    PERIOD_TEXT,
    FileKind,
    belopp_column,
    check,
    enum_column,
    keep_extras,
    konto_column,
    problem_rows,
    text_column,
    year_column,
)
from analysis.io.readers import RawTable

#: The value of the optional ``handelse`` column that marks the removal of the book value
#: of a sold or scrapped anläggningstillgång.
AVYTTRING = "avyttring"

#: The posts of ``balanskrav*``: name in the file → its line in the balanskravsutredning.
BALANSKRAV_POSTER: dict[str, str] = {
    "realisationsvinst_undantag": "Realisationsvinster enligt undantagsmöjlighet",
    "realisationsforlust_undantag": "Realisationsförluster enligt undantagsmöjlighet",
    "orealiserad_forlust": "Orealiserade förluster i värdepapper",
    "aterforing_orealiserad_forlust": "Återföring av orealiserade förluster i värdepapper",
    "reservering_rur": "Reservering till resultatutjämningsreserv",
    "disposition_rur": "Disposition från resultatutjämningsreserv",
    "ej_aterstallt_underskott": "Ej återställda underskott från tidigare år",
}


def _balans_period(
    table: RawTable, column: str, problems: list[Problem]
) -> tuple[np.ndarray, np.ndarray]:
    """``ÅÅÅÅ-MM`` with month 00 (ingående balans) to 12: (year, month) arrays."""
    text = text_column(table, column).str.strip()
    parts = text.str.extract(PERIOD_TEXT)
    year = pd.to_numeric(parts[0], errors="coerce").to_numpy(dtype=float)
    month = pd.to_numeric(parts[1], errors="coerce").to_numpy(dtype=float)
    bad_form = np.isnan(year) | np.isnan(month)
    problems += problem_rows(
        table,
        bad_form,
        column,
        lambda v: (
            f"'{v}' är ingen period; förväntade ÅÅÅÅ-MM, där ÅÅÅÅ-00 är årets ingående "
            "balans och ÅÅÅÅ-01 … ÅÅÅÅ-12 månadernas förändringar (t.ex. 2023-00, 2023-04)."
        ),
    )
    bad_month = ~bad_form & ((month < 0) | (month > 12))
    problems += problem_rows(
        table,
        bad_month,
        column,
        lambda v: (
            f"'{v}' är ingen giltig period: månaden måste vara 00 (ingående balans) eller 01–12."
        ),
    )
    bad_year = ~bad_form & ((year < 1900) | (year > 2200))
    problems += problem_rows(
        table,
        bad_year,
        column,
        lambda v: f"'{v}' är ingen giltig period: året måste vara 1900–2200.",
    )
    bad = bad_form | bad_month | bad_year
    return (
        np.where(bad, 1900, np.nan_to_num(year)).astype(np.int16),
        np.where(bad, 0, np.nan_to_num(month)).astype(np.int8),
    )


def balans_frame(
    ar: npt.ArrayLike,
    manad: npt.ArrayLike,
    konto: npt.ArrayLike,
    belopp: npt.ArrayLike,
    klass: npt.ArrayLike,
    handelse: npt.ArrayLike,
) -> pd.DataFrame:
    """The ``balans`` kind's frame from its columns (the one place that fixes its layout,
    for the CSV parser and the SIE source alike): ``period`` from year and month, and
    ``belopp_kr`` in the presentation sign (class 1 as is, class 2 negated)."""
    ar_ = np.asarray(ar)
    manad_ = np.asarray(manad)
    belopp_ = np.asarray(belopp, dtype=np.float64)
    return pd.DataFrame(
        {
            "ar": ar_,
            "manad": manad_,
            "period": ar_.astype(np.int32) * 100 + manad_.astype(np.int32),
            "konto": konto,
            "belopp": belopp_,
            "belopp_kr": np.where(np.asarray(klass) == 1, belopp_, -belopp_),
            "handelse": handelse,
        }
    )


def parse_balans(table: RawTable, register: Register) -> pd.DataFrame:
    """The balance accounts: ``ar``, ``manad`` (0 = ingående balans), ``period``
    (yyyymm, ``ÅÅÅÅ00`` for the ingående balans), ``konto``, ``belopp`` (kr, accounting
    sign), ``belopp_kr`` (kr, presentation sign: assets and credit balances of class 2
    positive), ``handelse``; extra columns kept as text."""
    problems: list[Problem] = []
    ar, manad = _balans_period(table, "period", problems)
    konto, p = konto_column(table)
    problems += p
    belopp = belopp_column(table, problems)
    handelse, p = enum_column(
        table, "handelse", {"": "", AVYTTRING: AVYTTRING}, "avyttring eller tomt", default=""
    )
    problems += p
    check(problems)
    klass = konto_key(konto) // 10000
    problems += problem_rows(
        table,
        (klass < 1) | (klass > 2),
        "konto",
        lambda v: (
            f"konto '{v}' är inget balanskonto; filen ekonomi/balans får bara innehålla "
            "konton i klass 1 (tillgångar) och 2 (eget kapital, avsättningar och skulder), "
            "t.ex. 1930 eller 2350. Resultatkonton (3–8) hör till utfallsfilen."
        ),
    )
    grupp = konto_key(konto) // 1000
    problems += problem_rows(
        table,
        (handelse == AVYTTRING) & ((grupp < 10) | (grupp > 12)),
        "handelse",
        "avyttring kan bara anges för materiella och immateriella anläggningstillgångar "
        "(konton 10–12).",
    )
    check(problems)
    frame = balans_frame(ar, manad, konto, belopp, klass, handelse.astype(str))
    years = sorted(set(frame["ar"].tolist()))
    have_ib = set(frame.loc[frame["manad"] == 0, "ar"].tolist())
    for year in years:
        if year not in have_ib:
            first = int(table.lines[int(np.flatnonzero(frame["ar"].to_numpy() == year)[0])])
            problems.append(
                Problem(
                    table.file,
                    f"året {year} saknar ingående balans; ange årets ingående balans som "
                    f"rader med perioden {year}-00 (saldot per konto vid föregående årsskifte).",
                    first,
                    table.original.get("period", "period"),
                )
            )
    check(problems)
    return keep_extras(table, frame, ("period", "konto", "belopp", "handelse"))


def parse_balanskrav(table: RawTable, register: Register) -> pd.DataFrame:
    """The balanskrav adjustments: ``ar``, ``post`` (a key of :data:`BALANSKRAV_POSTER`),
    ``belopp_kr`` (kr, ≥ 0)."""
    problems: list[Problem] = []
    ar = year_column(table, "ar", problems)
    post, p = enum_column(
        table,
        "post",
        {k: k for k in BALANSKRAV_POSTER},
        ", ".join(BALANSKRAV_POSTER),
    )
    problems += p
    belopp = belopp_column(table, problems)
    check(problems)
    problems += problem_rows(
        table,
        belopp < 0,
        "belopp",
        lambda v: (
            f"'{v}' är negativt; ange beloppet som ett positivt tal i kronor — posten "
            "anger om det läggs till eller dras av."
        ),
    )
    frame = pd.DataFrame({"ar": ar, "post": post.astype(str), "belopp_kr": belopp})
    dup = frame.duplicated(["ar", "post"]).to_numpy()
    problems += problem_rows(table, dup, "post", "posten förekommer redan för samma år.")
    check(problems)
    return keep_extras(table, frame, ("ar", "post", "belopp"))


def dated_by_period(frame: pd.DataFrame, cutoff_code: int) -> npt.NDArray[np.bool_]:
    """Rows known at the end of month ``cutoff_code``: those of a month up to it (an
    ingående balans ``ÅÅÅÅ00`` is known from January of its year)."""
    return np.asarray(frame["period"].to_numpy() <= cutoff_code, dtype=np.bool_)


def dated_by_year(frame: pd.DataFrame, cutoff_code: int) -> npt.NDArray[np.bool_]:
    """Rows known at the end of month ``cutoff_code``: those of a year up to its year."""
    return np.asarray(frame["ar"].to_numpy() <= cutoff_code // 100, dtype=np.bool_)


#: The kinds of file this module reads (registered in :data:`analysis.io.contract.KINDS`).
KINDS: tuple[FileKind, ...] = (
    FileKind(
        "balans",
        "ekonomi",
        False,
        ("period", "konto", "belopp"),
        ("handelse",),
        "period",
        parse_balans,
        dated_by_period,
        exclude=("balanskrav",),
    ),
    FileKind(
        "balanskrav",
        "ekonomi",
        False,
        ("ar", "post", "belopp"),
        (),
        "ar",
        parse_balanskrav,
        dated_by_year,
    ),
)
