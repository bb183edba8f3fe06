"""The labour-market files (``arbetsmarknad/*``): Arbetsförmedlingen's monthly statistics.

One kind, ``arbetsloshet`` (``arbetsmarknad/arbetsloshet*.csv`` or ``.xlsx``, one file or
one per year): *inskrivna arbetslösa* per month, area (the kommun, its län, riket) and
group (16–64 år, ungdomar 18–24 år, utrikes födda 16–64 år), as a share of the
*registerbaserade arbetskraften* (percent) and optionally as a number of persons.

Column names are accepted as Arbetsförmedlingen's tables spell them (``Månad``,
``Region``, ``Andel (%)``, ``Inskrivna arbetslösa`` …), see :data:`KOLUMNALIAS`; the
group and area type as ``16–64 år``, ``Ungdomar 18–24 år``, ``Utrikes födda``, ``län``
…, see :data:`GRUPPER` and :data:`OMRADESTYPER`. A count Arbetsförmedlingen masks
(``<5``, ``..``) is read as missing.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata

import numpy as np
import numpy.typing as npt
import pandas as pd

from analysis.core.errors import Problem
from analysis.core.register import Register
from analysis.io.falt import (
    FileKind,
    check,
    number_column,
    period_column,
    problem_rows,
    text_column,
)
from analysis.io.readers import RawTable, quoted, require_columns

#: The canonical columns and the names they may have in a file (compared by
#: :func:`kolumnnyckel`: case, accents, spaces and punctuation do not count).
KOLUMNALIAS: dict[str, tuple[str, ...]] = {
    "period": ("period", "manad", "ar_manad", "armanad", "tidpunkt", "tid"),
    "omrade": ("omrade", "omradesnamn", "region", "regionnamn", "geografi", "namn"),
    "omradestyp": ("omradestyp", "regiontyp", "omradesniva", "niva", "typ"),
    "grupp": ("grupp", "malgrupp", "aldersgrupp", "kategori", "population"),
    "andel": (
        "andel",
        "andel_procent",
        "procent",
        "arbetsloshet",
        "arbetsloshet_procent",
        "andel_arbetslosa",
        "andel_inskrivna_arbetslosa",
        "andel_av_registerbaserade_arbetskraften",
        "andel_av_den_registerbaserade_arbetskraften",
        "inskrivna_arbetslosa_andel",
    ),
    "antal": (
        "antal",
        "antal_personer",
        "arbetslosa",
        "antal_arbetslosa",
        "inskrivna_arbetslosa",
        "antal_inskrivna_arbetslosa",
        "inskrivna_arbetslosa_antal",
    ),
    "arbetskraft": (
        "arbetskraft",
        "registerbaserad_arbetskraft",
        "registerbaserade_arbetskraften",
        "den_registerbaserade_arbetskraften",
        "arbetskraft_antal",
    ),
}
#: The columns every file must have (``omradestyp``, ``antal`` and ``arbetskraft`` are
#: optional; without ``omradestyp`` the type is read from the name, :func:`omradestyp_av`).
KRAV = ("period", "omrade", "grupp", "andel")

#: The groups: canonical value → the spellings accepted (compared by :func:`vardenyckel`).
GRUPPER: dict[str, tuple[str, ...]] = {
    "16-64": (
        "16-64",
        "16–64 år",
        "16-64 ar",
        "totalt 16-64 år",
        "samtliga 16-64 år",
        "inskrivna arbetslösa 16-64 år",
        "arbetslösa 16-64 år",
        "totalt",
        "samtliga",
        "alla",
    ),
    "18-24": (
        "18-24",
        "18–24 år",
        "ungdomar 18–24 år",
        "ungdomar 18-24",
        "unga 18-24 år",
        "ungdomar",
    ),
    "utrikes_fodda": (
        "utrikes_fodda",
        "utrikes födda",
        "utrikesfödda",
        "utrikes födda 16–64 år",
        "födda utomlands",
    ),
}
#: The types of area: canonical value → the spellings accepted.
OMRADESTYPER: dict[str, tuple[str, ...]] = {
    "kommun": ("kommun", "kommuner", "kommunnivå"),
    "lan": ("lan", "län", "länsnivå", "region"),
    "riket": ("riket", "rike", "riksnivå", "hela landet", "land", "sverige", "nation"),
}
#: Names read as riket when the file has no ``omradestyp``.
RIKSNAMN = ("riket", "sverige", "hela landet", "hela riket")
#: Cells Arbetsförmedlingen writes for a masked or missing figure.
MASKERAT = re.compile(r"^\s*(<\s*\d+|\.\.?|-|–|x)\s*$", re.IGNORECASE)

_ICKE_ALNUM = re.compile(r"[^0-9a-z]+")


def _utan_accent(text: str) -> str:
    text = unicodedata.normalize("NFKD", str(text).casefold())
    return "".join(ch for ch in text if not unicodedata.combining(ch))


def kolumnnyckel(name: str) -> str:
    """The key a column name is matched by: no case, accents or punctuation.

    >>> kolumnnyckel("Andel (%)"), kolumnnyckel("Inskrivna arbetslösa, antal")
    ('andel', 'inskrivna_arbetslosa_antal')
    """
    return _ICKE_ALNUM.sub("_", _utan_accent(name)).strip("_")


def vardenyckel(value: str) -> str:
    """The key a group or area type is matched by: no case, accents, spaces, dashes or
    the word *år*.

    >>> vardenyckel("Ungdomar 18–24 år"), vardenyckel("Utrikes födda")
    ('ungdomar1824', 'utrikesfodda')
    """
    text = _utan_accent(value)
    text = re.sub(r"\bar\b", "", text)
    return _ICKE_ALNUM.sub("", text)


_KOLUMN = {kolumnnyckel(a): canon for canon, names in KOLUMNALIAS.items() for a in names}
_GRUPP = {vardenyckel(a): canon for canon, names in GRUPPER.items() for a in names}
_TYP = {vardenyckel(a): canon for canon, names in OMRADESTYPER.items() for a in names}


def omradestyp_av(namn: str) -> str:
    """The type of an area from its name, when the file does not say: ``riket`` for
    *Riket*/*Sverige*, ``lan`` for a name ending in *län*, else ``kommun``.

    >>> omradestyp_av("Riket"), omradestyp_av("Norrbottens län"), omradestyp_av("Luleå")
    ('riket', 'lan', 'kommun')
    """
    key = _utan_accent(namn).strip()
    if key in RIKSNAMN:
        return "riket"
    if re.search(r"\blan$", key):
        return "lan"
    return "kommun"


def _med_kanoniska_namn(table: RawTable) -> RawTable:
    """The table with its columns renamed to the canonical names of :data:`KOLUMNALIAS`.

    Raises
    ------
    InputError
        When two columns of the file mean the same canonical column.
    """
    rename: dict[str, str] = {}
    taken: dict[str, str] = {}
    problems: list[Problem] = []
    for col in table.columns:
        canon = _KOLUMN.get(kolumnnyckel(col))
        if canon is None:
            continue
        if canon in taken:
            problems.append(
                Problem(
                    table.file,
                    (
                        f"kolumnerna {quoted(table.display(taken[canon]))} och "
                        f"{quoted(table.display(col))} betyder båda '{canon}'; ta bort den ena"
                    ),
                    table.header_line,
                )
            )
            continue
        taken[canon] = col
        rename[col] = canon
    check(problems)
    if all(k == v for k, v in rename.items()):
        return table
    columns = [rename.get(c, c) for c in table.columns]
    return dataclasses.replace(
        table,
        columns=columns,
        original={rename.get(c, c): spelt for c, spelt in table.original.items()},
        data=table.data.rename(columns=rename),
    )


def _utan_maskerade(table: RawTable, columns: tuple[str, ...]) -> RawTable:
    data = table.data
    changed = False
    for col in columns:
        if col in data:
            masked = data[col].astype(str).str.match(MASKERAT)
            if masked.any():
                if not changed:
                    data = data.copy()
                    changed = True
                data[col] = data[col].where(~masked, "")
    return dataclasses.replace(table, data=data) if changed else table


_SCB_MANAD = re.compile(r"^\s*(\d{4})\s*M\s*(\d{1,2})\s*$", re.IGNORECASE)


def _scb_manader(table: RawTable) -> RawTable:
    """Months written the SCB way (``2023M04``) as ``2023-04``."""
    col = table.data["period"].astype(str)
    if not col.str.contains("M", case=False, regex=False).any():
        return table
    data = table.data.copy()
    data["period"] = col.str.replace(_SCB_MANAD, r"\1-\2", regex=True)
    return dataclasses.replace(table, data=data)


def _enum(
    table: RawTable, column: str, mapping: dict[str, str], expected: str, problems: list[Problem]
) -> np.ndarray:
    raw = text_column(table, column)
    out = raw.map(lambda v: mapping.get(vardenyckel(v)))
    bad = out.isna().to_numpy()
    problems += problem_rows(
        table,
        bad,
        column,
        lambda v: f"'{v}' är inte ett giltigt värde; förväntade {expected}.",
    )
    return out.fillna("").to_numpy(dtype=object)


def parse_arbetsloshet(table: RawTable, register: Register) -> pd.DataFrame:
    """The ``arbetsloshet`` files: one row per month, area and group.

    Columns out: ``period`` (yyyymm), ``omrade`` (the name as in the file),
    ``omradestyp`` (``kommun``, ``lan``, ``riket``), ``grupp`` (``16-64``, ``18-24``,
    ``utrikes_fodda``), ``andel`` (percent of the registerbaserade arbetskraften, NaN
    when masked), ``antal`` and ``arbetskraft`` (persons, NaN when absent or masked).
    ``register`` is not used (the areas are not units of the kommun).

    Raises
    ------
    InputError
        Naming file, line and column: a missing column, a bad period, an unknown group
        or area type, a share outside 0–100, a negative or fractional count, a count
        above the arbetskraft, or a month, area and group given twice.
    """
    table = _med_kanoniska_namn(table)
    require_columns(table, KRAV)
    table = _utan_maskerade(table, ("andel", "antal", "arbetskraft"))
    table = _scb_manader(table)
    problems: list[Problem] = []
    period = period_column(table, "period", problems)
    omrade = text_column(table, "omrade").str.strip()
    problems += problem_rows(
        table, (omrade == "").to_numpy(), "omrade", "namnet på området saknas (kommun, län, riket)."
    )
    grupp = _enum(
        table, "grupp", _GRUPP, "16–64 år, Ungdomar 18–24 år eller Utrikes födda", problems
    )
    if "omradestyp" in table.data:
        given = text_column(table, "omradestyp")
        typ = np.where(
            given == "",
            omrade.map(omradestyp_av).to_numpy(dtype=object),
            given.map(lambda v: _TYP.get(vardenyckel(v))).to_numpy(dtype=object),
        )
        bad = np.array([t is None for t in typ], dtype=bool)
        problems += problem_rows(
            table,
            bad,
            "omradestyp",
            lambda v: f"'{v}' är inte ett giltigt värde; förväntade kommun, län eller riket.",
        )
        typ = np.where(bad, "", typ).astype(object)
    else:
        typ = omrade.map(omradestyp_av).to_numpy(dtype=object)
    andel = number_column(table, "andel", problems, allow_empty=True, minimum=0, maximum=100)
    n = len(table.data)
    antal = (
        number_column(table, "antal", problems, allow_empty=True, integer=True, minimum=0)
        if "antal" in table.data
        else np.full(n, np.nan)
    )
    kraft = (
        number_column(table, "arbetskraft", problems, allow_empty=True, minimum=0)
        if "arbetskraft" in table.data
        else np.full(n, np.nan)
    )
    check(problems)
    over = np.nan_to_num(antal, nan=0.0) > np.nan_to_num(kraft, nan=np.inf)
    problems += problem_rows(
        table,
        over,
        "antal",
        lambda v: f"{v} arbetslösa är fler än den registerbaserade arbetskraften på raden.",
    )
    frame = pd.DataFrame(
        {
            "period": period.astype(np.int32),
            "omrade": omrade.to_numpy(dtype=object),
            "omradestyp": typ,
            "grupp": grupp,
            "andel": np.asarray(andel, dtype=float),
            "antal": np.asarray(antal, dtype=float),
            "arbetskraft": np.asarray(kraft, dtype=float),
        }
    )
    problems += _dubbletter(table, frame)
    check(problems)
    return frame


def _dubbletter(table: RawTable, frame: pd.DataFrame) -> list[Problem]:
    """A month, area and group given on two rows: the later row is named, with the first."""
    key = frame[["period", "omrade", "grupp"]].assign(omrade=frame["omrade"].str.casefold())
    dup = key.duplicated(keep=False).to_numpy()
    if not dup.any():
        return []
    first: dict[tuple[object, ...], int] = {}
    out: list[Problem] = []
    column = table.display("period")
    for i in np.flatnonzero(dup):
        row = tuple(key.iloc[i])
        line = int(table.lines[i])
        if row not in first:
            first[row] = line
            continue
        if len(out) < 50:
            out.append(
                Problem(
                    table.file,
                    (
                        f"månaden, området {quoted(frame['omrade'].iloc[i])} och gruppen "
                        f"finns redan på rad {first[row]}; ta bort dubbletten (en fil "
                        "uppdelad på kön ska bara ha raderna för kvinnor och män tillsammans)."
                    ),
                    line,
                    column,
                )
            )
    return out


def dated_by_period(frame: pd.DataFrame, cutoff_code: int) -> npt.NDArray[np.bool_]:
    """A month's figure is known at the end of that month (Arbetsförmedlingen publishes
    it some days later; a report for April uses April's figures)."""
    return np.asarray(frame["period"].to_numpy(dtype=np.int64) <= cutoff_code, dtype=np.bool_)


_ALLA_NAMN = tuple(dict.fromkeys(a for names in KOLUMNALIAS.values() for a in names))

#: The kinds of file this module reads (registered in :data:`analysis.io.contract.KINDS`).
KINDS: tuple[FileKind, ...] = (
    FileKind(
        "arbetsloshet",
        "arbetsmarknad",
        False,
        (),  # the required columns have aliases: checked by the parser (KRAV)
        _ALLA_NAMN,
        "period",
        parse_arbetsloshet,
        dated_by_period,
    ),
)
