"""The files of the financial goals, pension obligations and the kommun's companies.

* ``ekonomi/finansiella_mal*``: the kommun's financial goals (god ekonomisk hushållning),
  one row per year and goal, the key figure named by a code of :data:`NYCKELTAL_KODER`;
* ``ekonomi/pension*``: the actuarial calculations of the pension obligations (e.g. KPA's
  skuldberäkning), one row per calculation date and item of :data:`PENSION_POSTER`;
* ``bolag/bolag*``: the companies' results and forecasts, one row per month and company.

Every amount of these files is in kronor with its natural sign, **not** the accounting
sign of the ledger: an obligation is positive, a company's profit is positive and a loss
negative.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd

from analysis.core.errors import Problem
from analysis.core.register import Register, name_key
from analysis.io.falt import (
    FileKind,
    belopp_column,
    check,
    enum_column,
    keep_extras,
    lenient_numbers,
    number_column,
    period_column,
    problem_rows,
    text_column,
    year_column,
)
from analysis.io.readers import RawTable

#: The key figures a financial goal can name (``nyckeltal``) and their unit: the codes of
#: :mod:`analysis.ekonomi.finansiella_mal`, where each is defined.
NYCKELTAL_KODER: dict[str, str] = {
    "resultatandel": "procent",
    "sjalvfinansieringsgrad": "procent",
    "soliditet": "procent",
    "soliditet_inkl_pension": "procent",
    "laneskuld_per_invanare": "kr",
    "nettokostnadsandel": "procent",
}

#: Accepted spellings of the codes (case, å/ä/ö and spaces do not matter).
NYCKELTAL_ALIAS: dict[str, str] = {
    **{k: k for k in NYCKELTAL_KODER},
    "resultat": "resultatandel",
    "resultat i procent av skatteintakter och generella statsbidrag": "resultatandel",
    "sjalvfinansiering": "sjalvfinansieringsgrad",
    "sjalvfinansieringsgrad av investeringar": "sjalvfinansieringsgrad",
    "soliditet inklusive pensionsforpliktelser": "soliditet_inkl_pension",
    "soliditet inkl pension": "soliditet_inkl_pension",
    "laneskuld per invanare": "laneskuld_per_invanare",
}

#: The comparison of a goal: ``>=`` (at least) or ``<=`` (at most).
JAMFORELSE: dict[str, str] = {
    ">=": ">=",
    "≥": ">=",
    "minst": ">=",
    "lagst": ">=",
    "<=": "<=",
    "≤": "<=",
    "hogst": "<=",
    "max": "<=",
}

#: The unit of a goal's target value, by the spellings accepted in ``enhet``.
ENHETER: dict[str, str] = {
    "%": "procent",
    "procent": "procent",
    "kr": "kr",
    "kronor": "kr",
    "kr per invanare": "kr",
    "kr/invanare": "kr",
}

#: The items of a pension calculation (``post``), kr, positive. ``avsattning`` and
#: ``ansvarsforbindelse`` are required in every calculation; when their löneskatt is
#: given on its own rows (``*_loneskatt``) the main rows are without it.
PENSION_POSTER: dict[str, str] = {
    "avsattning": "Avsättning för pensioner",
    "avsattning_loneskatt": "Löneskatt på avsättningen",
    "ansvarsforbindelse": "Ansvarsförbindelse för pensioner",
    "ansvarsforbindelse_loneskatt": "Löneskatt på ansvarsförbindelsen",
    "visstidspension": "Varav visstidspension (ingår i avsättningen)",
    "forvaltade_medel": "Förvaltade pensionsmedel (marknadsvärde)",
}
#: Accepted spellings of the items.
PENSION_ALIAS: dict[str, str] = {
    **{k: k for k in PENSION_POSTER},
    "avsattning for pensioner": "avsattning",
    "loneskatt avsattning": "avsattning_loneskatt",
    "ansvarsforbindelse for pensioner": "ansvarsforbindelse",
    "loneskatt ansvarsforbindelse": "ansvarsforbindelse_loneskatt",
    "visstidspensioner": "visstidspension",
    "forvaltade medel": "forvaltade_medel",
    "finansiella placeringar": "forvaltade_medel",
}
#: The items every calculation must hold.
PENSION_KRAV = ("avsattning", "ansvarsforbindelse")


def _key(value: str) -> str:
    return name_key(value).replace("ä", "a").replace("å", "a").replace("ö", "o")


def parse_finansiella_mal(table: RawTable, register: Register) -> pd.DataFrame:
    """The financial goals: ``ar``, ``mal`` (text), ``nyckeltal`` (code), ``jamforelse``
    (``>=``/``<=``), ``malvarde`` (in ``enhet``), ``enhet`` (``procent``/``kr``),
    ``kommentar``."""
    problems: list[Problem] = []
    ar = year_column(table, "ar", problems)
    kod, p = enum_column(
        table, "nyckeltal", NYCKELTAL_ALIAS, "en av koderna " + ", ".join(NYCKELTAL_KODER)
    )
    problems += p
    jmf, p = enum_column(table, "jamforelse", JAMFORELSE, ">= (minst) eller <= (högst)")
    problems += p
    enhet, p = enum_column(table, "enhet", ENHETER, "% (procent) eller kr")
    problems += p
    mal = text_column(table, "mal").str.strip()
    problems += problem_rows(
        table, (mal == "").to_numpy(), "mal", "målets text saknas; skriv målet som det är beslutat."
    )
    text = text_column(table, "malvarde")
    malvarde = lenient_numbers(text)
    problems += problem_rows(
        table,
        np.isnan(malvarde),
        "malvarde",
        lambda v: f"'{v}' är inget målvärde; förväntade ett tal, t.ex. 2 eller 2,0 %.",
    )
    check(problems)
    wrong_unit = np.array(
        [NYCKELTAL_KODER[k] != e for k, e in zip(kod, enhet, strict=True)], dtype=bool
    )
    problems += problem_rows(
        table,
        wrong_unit,
        "enhet",
        lambda v: (
            f"enheten '{v}' passar inte nyckeltalet; låneskuld per invånare anges i kr, "
            "övriga nyckeltal i %."
        ),
    )
    frame = pd.DataFrame(
        {
            "ar": ar,
            "mal": mal.to_numpy(dtype=object),
            "nyckeltal": kod,
            "jamforelse": jmf,
            "malvarde": malvarde,
            "enhet": enhet,
            "kommentar": (
                text_column(table, "kommentar").str.strip().to_numpy(dtype=object)
                if "kommentar" in table.data
                else np.full(len(table.data), "", dtype=object)
            ),
        }
    )
    dup = frame.duplicated(["ar", "nyckeltal", "jamforelse"]).to_numpy()
    problems += problem_rows(
        table,
        dup,
        "nyckeltal",
        lambda v: f"nyckeltalet '{v}' har redan ett mål med samma jämförelse samma år.",
    )
    check(problems)
    return keep_extras(
        table,
        frame,
        ("ar", "mal", "nyckeltal", "jamforelse", "malvarde", "enhet", "kommentar"),
    )


def parse_pension(table: RawTable, register: Register) -> pd.DataFrame:
    """The pension calculations: ``period`` (yyyymm of the calculation), ``post`` (code of
    :data:`PENSION_POSTER`), ``belopp_kr`` (kr, positive, not the accounting sign)."""
    problems: list[Problem] = []
    period = period_column(table, "period", problems)
    post, p = enum_column(table, "post", PENSION_ALIAS, ", ".join(PENSION_POSTER))
    problems += p
    belopp = number_column(table, "belopp", problems, minimum=0, maximum=1e13)
    check(problems)
    frame = pd.DataFrame(
        {"period": period.astype(np.int32), "post": post, "belopp_kr": belopp.astype(float)}
    )
    dup = frame.duplicated(["period", "post"]).to_numpy()
    problems += problem_rows(
        table, dup, "post", lambda v: f"posten '{v}' förekommer redan för samma beräkning."
    )
    lines = np.asarray(table.lines)
    for code in sorted(set(frame["period"].tolist())):
        rows = (frame["period"] == code).to_numpy()
        have = set(frame.loc[rows, "post"])
        for need in PENSION_KRAV:
            if need not in have:
                problems.append(
                    Problem(
                        table.file,
                        f"beräkningen {code // 100}-{code % 100:02d} saknar posten {need}; "
                        f"varje beräkning måste ha {' och '.join(PENSION_KRAV)}.",
                        int(lines[rows][0]),
                        table.original.get("post", "post"),
                    )
                )
    check(problems)
    return keep_extras(table, frame, ("period", "post", "belopp"))


def parse_bolag(table: RawTable, register: Register) -> pd.DataFrame:
    """The companies: ``period`` (yyyymm the figures are for), ``bolag``, ``resultat_kr``
    (resultat efter finansiella poster for the year to date, profit positive),
    ``prognos_helar_kr``, ``budget_helar_kr`` (NaN where empty), ``agarandel`` (%, NaN
    where not given), ``kommentar``."""
    problems: list[Problem] = []
    period = period_column(table, "period", problems)
    bolag = text_column(table, "bolag").str.strip()
    problems += problem_rows(table, (bolag == "").to_numpy(), "bolag", "bolagets namn saknas.")
    resultat = belopp_column(table, problems, "resultat")
    prognos = number_column(
        table, "prognos_helar", problems, allow_empty=True, minimum=-1e13, maximum=1e13
    )
    n = len(table.data)
    budget = (
        number_column(
            table, "budget_helar", problems, allow_empty=True, minimum=-1e13, maximum=1e13
        )
        if "budget_helar" in table.data
        else np.full(n, np.nan)
    )
    agarandel = (
        number_column(table, "agarandel", problems, allow_empty=True, minimum=0, maximum=100)
        if "agarandel" in table.data
        else np.full(n, np.nan)
    )
    check(problems)
    frame = pd.DataFrame(
        {
            "period": period.astype(np.int32),
            "bolag": bolag.to_numpy(dtype=object),
            "resultat_kr": resultat.astype(float),
            "prognos_helar_kr": prognos.astype(float),
            "budget_helar_kr": budget.astype(float),
            "agarandel": agarandel.astype(float),
            "kommentar": (
                text_column(table, "kommentar").str.strip().to_numpy(dtype=object)
                if "kommentar" in table.data
                else np.full(n, "", dtype=object)
            ),
        }
    )
    keys = frame["bolag"].map(_key)
    dup = pd.DataFrame({"p": frame["period"], "k": keys}).duplicated().to_numpy()
    problems += problem_rows(
        table, dup, "bolag", lambda v: f"bolaget '{v}' förekommer redan för samma period."
    )
    check(problems)
    return keep_extras(
        table,
        frame,
        ("period", "bolag", "resultat", "prognos_helar", "budget_helar", "agarandel", "kommentar"),
    )


def dated_by_year(frame: pd.DataFrame, cutoff_code: int) -> npt.NDArray[np.bool_]:
    """A goal is known from the start of its year ``ar`` (adopted with the budget)."""
    return np.asarray(frame["ar"].to_numpy(dtype=np.int64) <= cutoff_code // 100, dtype=np.bool_)


def dated_by_period(frame: pd.DataFrame, cutoff_code: int) -> npt.NDArray[np.bool_]:
    """A calculation or a company's figures are known from the end of their month."""
    return np.asarray(frame["period"].to_numpy(dtype=np.int64) <= cutoff_code, dtype=np.bool_)


#: The kinds of file this module reads (registered in :data:`analysis.io.contract.KINDS`).
KINDS: tuple[FileKind, ...] = (
    FileKind(
        "finansiella_mal",
        "ekonomi",
        False,
        ("ar", "mal", "nyckeltal", "jamforelse", "malvarde", "enhet"),
        ("kommentar",),
        "ar",
        parse_finansiella_mal,
        dated_by_year,
    ),
    FileKind(
        "pension",
        "ekonomi",
        False,
        ("period", "post", "belopp"),
        (),
        "period",
        parse_pension,
        dated_by_period,
    ),
    FileKind(
        "bolag",
        "bolag",
        False,
        ("period", "bolag", "resultat", "prognos_helar"),
        ("budget_helar", "agarandel", "kommentar"),
        "period",
        parse_bolag,
        dated_by_period,
    ),
)
