"""Loaders for every input file of the data contract.

Each kind of file (``utfall``, ``budget``, ``sjukfranvaro`` …) has a parser that turns
the raw cells into a tidy, typed frame and rejects what it cannot trust with an
:class:`~analysis.core.errors.InputError` naming file, line and column. Amounts are
converted once, here, from the accounting sign of the ekonomisystem (costs +,
revenues −) to the package's report sign (revenues +, costs −): column ``belopp_kr``.

Several files of one kind (``utfall_2022.csv``, ``utfall_2023.csv``) are read together;
their periods (or years) must not overlap.
"""

from __future__ import annotations

import os
import re
import stat
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow.compute as pc

from analysis.core.errors import InputError, Problem
from analysis.core.format import tal
from analysis.core.kommunbas import KONTOGRUPPER, konto_key
from analysis.core.register import Register, name_key
from analysis.io.readers import (
    MAX_QUOTED_CHARS,
    RawTable,
    arrow_column,
    categorical_column,
    parse_numbers,
    parse_periods,
    read_table,
    require_columns,
)

#: File endings read as input (CSV, gzip-compressed CSV, Excel).
SUFFIXES = (".csv", ".csv.gz", ".txt", ".xlsx")

#: The largest amount (kr, either sign) a file may hold: 10 000 miljarder kronor, far above
#: any Swedish kommun's turnover; beyond it a value is a unit or export error, and sums of
#: such values would overflow to infinity.
MAX_BELOPP_KR = 1e13
#: The largest count of persons a population file may hold in one cell.
MAX_ANTAL = 1e9

#: Kinds that must hold at least one data row: without utfall there is no period to
#: report on (every other kind may be empty: a kommun without staff data, say).
MUST_HAVE_ROWS = ("utfall",)

#: Tolerance for periodisation weights summing to 1.
WEIGHT_TOLERANCE = 1e-6

#: The kontogrupp of an account outside every range of a kommun's own kontoplan (without
#: a kontoplan, accounts outside Kommun-Bas fall in :data:`analysis.core.kommunbas.OVRIGA_KONTON`).
EJ_I_KONTOPLAN = "Ej i kontoplanen"


@dataclass(frozen=True)
class FileKind:
    """One kind of input file: where it lives and how it is parsed."""

    name: str
    folder: str
    required: bool
    columns: tuple[str, ...]  # required columns (normalised names)
    optional: tuple[str, ...]  # optional columns the parser understands
    split_key: str | None  # column whose values must not overlap between files
    parser: Callable[[RawTable, Register], pd.DataFrame]

    def files(self, raw_dir: Path) -> list[Path]:
        """The kind's files in ``raw_dir``, in name order.

        Raises
        ------
        InputError
            When a file named like one of the kind is a symbolic link or not a regular
            file, or the folder leads outside ``raw_dir``: it is refused, not followed
            and not silently skipped.
        """
        folder = raw_dir / self.folder if self.folder else raw_dir
        if not folder.is_dir():
            return []
        problems: list[Problem] = []
        if self.folder and not folder.resolve().is_relative_to(Path(raw_dir).resolve()):
            raise InputError(
                Problem(
                    f"{self.folder}/",
                    (
                        "mappen är en länk till en plats utanför data/raw och läses inte; lägg "
                        "filerna direkt i data/raw"
                    ),
                )
            )
        found = []
        for path in sorted(folder.iterdir()):
            lower = path.name.lower()
            if lower.startswith((".", "~$")) or not lower.startswith(self.name):
                continue
            if not any(lower.endswith(s) for s in SUFFIXES):
                continue
            mode = os.lstat(path).st_mode
            if stat.S_ISLNK(mode):
                problems.append(
                    Problem(
                        display_name(path, raw_dir),
                        (
                            "filen är en symbolisk länk och läses inte; av säkerhetsskäl "
                            "läses bara "
                            "vanliga filer i data/raw. Ersätt länken med en kopia av filen."
                        ),
                    )
                )
            elif stat.S_ISREG(mode):
                found.append(path)
            elif not stat.S_ISDIR(mode):
                problems.append(
                    Problem(
                        display_name(path, raw_dir),
                        (
                            "är inte en vanlig fil och läses inte; lägg en vanlig CSV- eller "
                            ".xlsx-fil här."
                        ),
                    )
                )
        if problems:
            raise InputError(problems)
        return found


# --- small parsing helpers --------------------------------------------------------------


def _text(table: RawTable, column: str) -> pd.Series:
    return table.data[column].astype(str)


def _problem_rows(
    table: RawTable, mask: np.ndarray, column: str, message: str | Callable[[str], str]
) -> list[Problem]:
    idx = np.flatnonzero(mask)
    if not len(idx):
        return []
    values = table.data[column].to_numpy() if column in table.data else None
    out = []
    for i in idx[:50]:
        value = values[i] if values is not None else ""
        msg = message(_cut(value)) if callable(message) else message
        out.append(
            Problem(table.file, msg, int(table.lines[i]), table.original.get(column, column))
        )
    if len(idx) > 50:
        out.append(
            Problem(
                table.file,
                f"... samma fel på ytterligare {len(idx) - 50} rader.",
                column=table.original.get(column, column),
            )
        )
    return out


def _cut(value: object, limit: int = MAX_QUOTED_CHARS) -> str:
    """A cell value as shown in a message: at most ``limit`` characters.

    >>> _cut("a" * 70) == "a" * 60 + "…"
    True
    """
    text = str(value)
    return text if len(text) <= limit else text[:limit] + "…"


def _list_known(names: list[str], limit: int = 20, sep: str = "; ") -> str:
    """The first ``limit`` known values, then "… och N till".

    >>> _list_known(["a", "b", "c"], limit=2)
    'a; b … och 1 till'
    """
    shown = sep.join(_cut(n) for n in names[:limit])
    return shown + (f" … och {len(names) - limit} till" if len(names) > limit else "")


def _check(problems: list[Problem]) -> None:
    if problems:
        raise InputError(problems)


def _enum(
    table: RawTable, column: str, mapping: dict[str, str], expected: str, default: str | None = None
) -> tuple[np.ndarray, list[Problem]]:
    """Map free-text codes (case/whitespace-insensitive) to canonical values."""
    if column not in table.data:
        return np.full(len(table.data), default, dtype=object), []
    raw = _text(table, column)
    keys = raw.map(lambda v: name_key(v).replace("ä", "a").replace("å", "a").replace("ö", "o"))
    canon = {
        name_key(k).replace("ä", "a").replace("å", "a").replace("ö", "o"): v
        for k, v in mapping.items()
    }
    out = keys.map(canon)
    if default is not None:
        out = out.where(raw != "", default)
    bad = out.isna().to_numpy()
    problems = _problem_rows(
        table, bad, column, lambda v: f"'{v}' är inte ett giltigt värde; förväntade {expected}."
    )
    return out.to_numpy(dtype=object), problems


def _konto(table: RawTable, column: str = "konto") -> tuple[np.ndarray, list[Problem]]:
    arr = arrow_column(table, column)
    ok = pc.match_substring_regex(arr, r"^\d{3,5}$").to_numpy(zero_copy_only=False)
    problems = _problem_rows(
        table,
        ~ok,
        column,
        lambda v: (
            f"'{v}' är inget konto; förväntade ett Kommun-Bas-konto med 3–5 siffror, t.ex. 4010."
        ),
    )
    if problems:
        return np.zeros(len(ok), dtype=np.int32), problems
    return pc.cast(arr, "int32").to_numpy(zero_copy_only=False), []


def _numbers(
    table: RawTable,
    column: str,
    problems: list[Problem],
    *,
    allow_empty: bool = False,
    integer: bool = False,
    minimum: float | None = None,
    maximum: float | None = None,
) -> np.ndarray:
    """:func:`parse_numbers`, collecting its problems in ``problems`` (zeros then)."""
    try:
        return parse_numbers(
            table,
            column,
            allow_empty=allow_empty,
            integer=integer,
            minimum=minimum,
            maximum=maximum,
        )
    except InputError as e:
        problems.extend(e.problems)
        return np.zeros(len(table.data))


def _periods(table: RawTable, column: str, problems: list[Problem]) -> np.ndarray:
    try:
        return parse_periods(table, column)
    except InputError as e:
        problems.extend(e.problems)
        return np.full(len(table.data), 190001, dtype=np.int64)


def _units(table: RawTable, register: Register, column: str, problems: list[Problem]) -> pd.Series:
    try:
        return register.resolve_column(
            table.data[column],
            file=table.file,
            column=table.original.get(column, column),
            lines=table.lines,
        )
    except InputError as e:
        problems.extend(e.problems)
        return pd.Series([""] * len(table.data), index=table.data.index, dtype=object)


def _extras(table: RawTable, frame: pd.DataFrame, known: tuple[str, ...]) -> pd.DataFrame:
    """Keep extra columns (drill-down) as text."""
    for col in table.columns:
        if col not in known and col not in frame:
            frame[col] = table.data[col].astype(str).to_numpy()
    return frame


def _belopp(table: RawTable, problems: list[Problem], column: str = "belopp") -> np.ndarray:
    """An amount column in kr: finite and within ±:data:`MAX_BELOPP_KR` (``1,7e308``,
    ``inf`` and ``NaN`` are refused with file, line and column)."""
    return _numbers(table, column, problems, minimum=-MAX_BELOPP_KR, maximum=MAX_BELOPP_KR)


def _year(table: RawTable, column: str, problems: list[Problem]) -> np.ndarray:
    return _numbers(table, column, problems, integer=True, minimum=1900, maximum=2200).astype(
        np.int16
    )


def _month(
    table: RawTable, column: str, problems: list[Problem], *, allow_empty: bool = False
) -> np.ndarray:
    return _numbers(
        table, column, problems, integer=True, minimum=1, maximum=12, allow_empty=allow_empty
    )


_TYP = {"drift": "drift", "investering": "investering", "inv": "investering"}


# --- economy ----------------------------------------------------------------------------


def parse_utfall(table: RawTable, register: Register) -> pd.DataFrame:
    problems: list[Problem] = []
    period = _periods(table, "period", problems)
    try:
        namnd = register.resolve_categorical(
            categorical_column(table, "namnd"),
            file=table.file,
            column=table.original.get("namnd", "namnd"),
            lines=table.lines,
        )
    except InputError as e:
        problems += e.problems
        namnd = None
    konto, p = _konto(table)
    problems += p
    belopp = _belopp(table, problems)
    _check(problems)
    frame = pd.DataFrame(
        {
            "period": period.astype(np.int32),
            "namnd": namnd,
            "konto": konto,
            "belopp_kr": -belopp,
        }
    )
    for col in ("verksamhet", "ansvar", "projekt"):  # few distinct values: categorical
        if col in table.data:
            frame[col] = categorical_column(table, col)
    return _extras(table, frame, ("period", "namnd", "konto", "belopp"))


def parse_budget(table: RawTable, register: Register) -> pd.DataFrame:
    problems: list[Problem] = []
    ar = _year(table, "ar", problems)
    namnd = _units(table, register, "namnd", problems)
    konto, p = _konto(table)
    problems += p
    belopp = _belopp(table, problems)
    typ, p = _enum(table, "typ", _TYP, "drift eller investering", default="drift")
    problems += p
    _check(problems)
    frame = pd.DataFrame(
        {
            "ar": ar,
            "namnd": namnd.to_numpy(dtype=object),
            "konto": konto,
            "typ": typ,
            "belopp_kr": -belopp,
        }
    )
    for col in ("verksamhet", "projekt"):
        if col in table.data:
            frame[col] = table.data[col].astype(str).to_numpy()
    return _extras(table, frame, ("ar", "namnd", "konto", "belopp", "typ"))


#: The optional row columns of ``prognos``: a forecast row may be given per verksamhet,
#: kontogrupp, ansvar and (for investments) projekt; empty = not broken down.
PROGNOS_RADER = ("verksamhet", "kontogrupp", "ansvar", "projekt")


def kontogrupper(plan: pd.DataFrame | None) -> list[str]:
    """The kontogrupper (report lines) accounts can fall into: the kontoplan's groups and
    ``Ej i kontoplanen``, or without a kontoplan the Kommun-Bas groups and ``Övriga konton``
    (:data:`analysis.core.kommunbas.KONTOGRUPPER`).

    >>> kontogrupper(None)[:2], kontogrupper(None)[-1]
    (['Verksamhetens intäkter', 'Material och tjänster'], 'Övriga konton')
    """
    if plan is not None and len(plan):
        return [*dict.fromkeys(plan.sort_values("_lo")["grupp"].astype(str)), EJ_I_KONTOPLAN]
    return list(KONTOGRUPPER)


def parse_prognos(
    table: RawTable, register: Register, grupper: Callable[[], list[str]] | None = None
) -> pd.DataFrame:
    """The ``prognos`` files; ``grupper()`` gives the valid kontogrupper (default
    :func:`kontogrupper` of Kommun-Bas), asked only when the file has the column."""
    problems: list[Problem] = []
    ar = _year(table, "ar", problems)
    manad = _month(table, "prognosmanad", problems)
    namnd = _units(table, register, "namnd", problems)
    belopp = _belopp(table, problems)
    typ, p = _enum(table, "typ", _TYP, "drift eller investering", default="drift")
    problems += p
    rader: dict[str, np.ndarray] = {}
    for col in PROGNOS_RADER:
        if col in table.data:
            rader[col] = _text(table, col).str.strip().to_numpy(dtype=object)
    if "kontogrupp" in rader:
        known = grupper() if grupper is not None else kontogrupper(None)
        canon = {name_key(g): g for g in known}
        given = rader["kontogrupp"]
        mapped = np.array([canon.get(name_key(v), None) if v else "" for v in given], dtype=object)
        bad = np.array([m is None for m in mapped], dtype=bool)
        problems += _problem_rows(
            table,
            bad,
            "kontogrupp",
            lambda v: (
                f"okänd kontogrupp '{v}'. Kända kontogrupper: {_list_known(known)}. Lämna tomt om "
                "prognosen inte är fördelad på kontogrupp."
            ),
        )
        rader["kontogrupp"] = np.where(bad, "", mapped).astype(object)
    _check(problems)
    frame = pd.DataFrame(
        {
            "ar": ar,
            "prognosmanad": manad.astype(np.int8),
            "namnd": namnd.to_numpy(dtype=object),
            "typ": typ,
            "belopp_kr": -belopp,
            **rader,
        }
    )
    return _extras(table, frame, ("ar", "prognosmanad", "namnd", "belopp", "typ", *PROGNOS_RADER))


def parse_periodisering(table: RawTable, register: Register) -> pd.DataFrame:
    problems: list[Problem] = []
    ar = _year(table, "ar", problems)
    namnd = _units(table, register, "namnd", problems)
    manad = _month(table, "manad", problems)
    andel = _numbers(table, "andel", problems, minimum=0)
    typ, p = _enum(table, "typ", _TYP, "drift eller investering", default="drift")
    problems += p
    _check(problems)
    frame = pd.DataFrame(
        {
            "ar": ar,
            "namnd": namnd.to_numpy(dtype=object),
            "typ": typ,
            "manad": manad.astype(np.int8),
            "andel": andel,
            "_line": table.lines,
        }
    )
    dup = frame.duplicated(["ar", "namnd", "typ", "manad"], keep="first").to_numpy()
    problems += _problem_rows(
        table, dup, "manad", "månaden förekommer redan för samma år och nämnd."
    )
    sums = (
        frame.groupby(["ar", "namnd", "typ"], sort=False)
        .agg(andel=("andel", "sum"), line=("_line", "min"))
        .reset_index()
    )
    for year, unit, typ_, andel, line in zip(
        sums["ar"].tolist(),
        sums["namnd"].astype(str).tolist(),
        sums["typ"].astype(str).tolist(),
        sums["andel"].to_numpy(dtype=np.float64).tolist(),
        sums["line"].to_numpy(dtype=np.int64).tolist(),
        strict=True,
    ):
        if abs(andel - 1.0) > WEIGHT_TOLERANCE:
            what = "" if typ_ == "drift" else f" ({typ_})"
            problems.append(
                Problem(
                    table.file,
                    f"andelarna för {register.namn(unit)} {year}{what} summerar till "
                    f"{tal(andel, 6)}; de måste summera till 1 (±1e-6). "
                    "Utan rader för nämnden periodiseras budgeten i tolftedelar.",
                    line,
                    table.original.get("andel", "andel"),
                )
            )
    _check(problems)
    return frame.drop(columns="_line")


def parse_investeringar(table: RawTable, register: Register) -> pd.DataFrame:
    problems: list[Problem] = []
    period = _periods(table, "period", problems)
    namnd = _units(table, register, "namnd", problems)
    belopp = _belopp(table, problems)
    _check(problems)
    frame = pd.DataFrame(
        {
            "period": period.astype(np.int32),
            "namnd": namnd.to_numpy(dtype=object),
            "projekt": table.data["projekt"].astype(str).to_numpy(),
            "belopp_kr": -belopp,
        }
    )
    return _extras(table, frame, ("period", "namnd", "projekt", "belopp"))


_JA_NEJ = {
    "ja": True,
    "j": True,
    "x": True,
    "1": True,
    "true": True,
    "sant": True,
    "nej": False,
    "n": False,
    "0": False,
    "false": False,
    "falskt": False,
    "": False,
}


def parse_kontoplan(table: RawTable, register: Register) -> pd.DataFrame:
    problems: list[Problem] = []
    fran, p = _konto(table, "konto_fran")
    problems += p
    till, p = _konto(table, "konto_till")
    problems += p
    grupp = _text(table, "grupp")
    problems += _problem_rows(
        table,
        (grupp == "").to_numpy(),
        "grupp",
        "grupp saknas; ange raden i rapporten kontona hör till.",
    )
    intern, p = _enum(table, "intern", {k: k for k in _JA_NEJ}, "ja eller nej", default="nej")
    problems += p
    _check(problems)
    intern_bool = np.array([_JA_NEJ.get(str(v), False) for v in intern], dtype=bool)
    lo = konto_key(fran)
    # the end of a range covers every longer account that starts with it: 3999 → 39999
    k = np.asarray(till, dtype=np.int64)
    digits = np.floor(np.log10(np.maximum(k, 1))).astype(np.int64) + 1
    hi = (k + 1) * 10 ** np.maximum(5 - digits, 0) - 1
    bad = lo > hi
    problems += _problem_rows(table, bad, "konto_till", "konto_till är mindre än konto_fran.")
    _check(problems)
    frame = pd.DataFrame(
        {
            "konto_fran": fran,
            "konto_till": till,
            "grupp": grupp.to_numpy(),
            "intern": intern_bool,
            "_lo": lo,
            "_hi": hi,
            "_line": table.lines,
        }
    )
    order = frame.sort_values("_lo")
    overlap = order["_lo"].to_numpy()[1:] <= order["_hi"].to_numpy()[:-1]
    for i in np.flatnonzero(overlap):
        a, b = order.iloc[i], order.iloc[i + 1]
        problems.append(
            Problem(
                table.file,
                f"kontointervallen {a.konto_fran}–{a.konto_till} (rad "
                f"{a._line}) och {b.konto_fran}–{b.konto_till} överlappar.",
                int(b._line),
                table.original.get("konto_fran", "konto_fran"),
            )
        )
    _check(problems)
    return _extras(
        table, frame.drop(columns="_line"), ("konto_fran", "konto_till", "grupp", "intern")
    )


# --- personnel --------------------------------------------------------------------------


def _days_in_month(period: npt.ArrayLike) -> npt.NDArray[np.int64]:
    """The number of days of each month ``yyyymm``.

    >>> _days_in_month([202302, 202402, 202304, 202312]).tolist()
    [28, 29, 30, 31]
    """
    code = np.asarray(period, dtype=np.int64)
    month = ((code // 100 - 1970) * 12 + code % 100 - 1).astype("datetime64[M]")
    days = (month + 1).astype("datetime64[D]") - month.astype("datetime64[D]")
    return np.asarray(days, dtype=np.int64)


_PERSONNUMMER = re.compile(
    r"^(19|20)?\d{2}(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01]|6[1-9]|[78]\d|9[01])"
    r"[-+]?\d{4}$"
)
_KON = {"k": "K", "kvinna": "K", "kvinnor": "K", "f": "K", "m": "M", "man": "M", "män": "M"}


#: Characters read as a dash in an id: every Unicode dash (hyphen, non-breaking hyphen,
#: en and em dash …), the minus sign and the small and fullwidth hyphen-minus.
_DASHES = re.compile(r"[\u2010-\u2015\u2212\ufe58\ufe63\uff0d\u2043\u02d7]")
#: Separators a personnummer may be written with between its digit groups.
_PNR_SEPARATORS = re.compile(r"[\s\-+./:_]")
_PNR_ANYWHERE = re.compile(
    r"(?<!\d)(?:19|20)?\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01]|6[1-9]|[78]\d|9[01])\d{4}"
    r"(?!\d)"
)


def clean_id(value: object) -> str:
    """An id as it is compared: NFKC (fullwidth digits → ASCII), invisible format
    characters (zero-width space, soft hyphen, BOM) removed, every dash as ``-``.

    >>> clean_id("\uff11\uff19\u200b8001\u2011X")
    '198001-X'
    """
    text = unicodedata.normalize("NFKC", str(value))
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
    return _DASHES.sub("-", text).strip()


def _looks_like_pnr(value: str) -> bool:
    compact = _PNR_SEPARATORS.sub("", clean_id(value))
    return bool(_PERSONNUMMER.match(compact) or _PNR_ANYWHERE.search(compact))


def looks_like_personnummer(values: pd.Series) -> np.ndarray:
    """True where a value has the shape of a personnummer or samordningsnummer.

    The value is normalised first (:func:`clean_id`), and every separator (space, any
    dash or minus sign, ``+``, ``.``, ``/``) is ignored, so ``19800101–1234``,
    ``1980-01-01-1234``, ``19800101\u200b1234`` and fullwidth digits are all caught, as is
    a personnummer inside a longer id (``P198001011234``).

    >>> looks_like_personnummer(pd.Series(["A000001", "1980-01-01-1234", "800101\u22121234"]))
    array([False,  True,  True])
    """
    text = values.astype(str)
    codes, uniques = pd.factorize(text, sort=False)
    flags = np.fromiter((_looks_like_pnr(v) for v in uniques), dtype=bool, count=len(uniques))
    return flags[codes] if len(codes) else np.zeros(0, dtype=bool)


def parse_sjukfranvaro(table: RawTable, register: Register) -> pd.DataFrame:
    problems: list[Problem] = []
    period = _periods(table, "period", problems)
    anstalld = _text(table, "anstalld")
    pnr = looks_like_personnummer(anstalld)
    if not pnr.any():  # 'A1' and 'A1' + a zero-width space are one person
        codes, uniques = pd.factorize(anstalld, sort=False)
        cleaned = np.asarray([clean_id(v) for v in uniques], dtype=object)
        anstalld = pd.Series(
            cleaned[codes] if len(codes) else [], index=anstalld.index, dtype=object
        )
    if pnr.any():
        # Never echo the value: it is personal data.
        problems += _problem_rows(
            table,
            pnr,
            "anstalld",
            "värdet ser ut som ett personnummer (visas inte här). Kolumnen anstalld ska innehålla "
            "ett pseudonymt anställnings-id, aldrig personnummer; exportera om filen från "
            "personalsystemet med pseudonymiserade id:n.",
        )
    empty = (anstalld == "").to_numpy()
    problems += _problem_rows(table, empty, "anstalld", "anställnings-id saknas.")
    try:
        forv = register.resolve_forvaltning_column(
            table.data["forvaltning"],
            file=table.file,
            column=table.original.get("forvaltning", "forvaltning"),
            lines=table.lines,
        )
    except InputError as e:
        problems += e.problems
        forv = pd.Series([""] * len(table.data))
    kon, p = _enum(table, "kon", _KON, "K eller M")
    problems += p
    fodelsear = _numbers(table, "fodelsear", problems, integer=True, minimum=1900, maximum=2200)
    ordt = _numbers(table, "ordinarie_tid_h", problems, minimum=0, maximum=744)
    sjuk = _numbers(table, "sjuk_h", problems, minimum=0, maximum=744)
    lang = _numbers(table, "sjuk_h_langtid", problems, minimum=0, maximum=744)
    dagar = _numbers(table, "sjukdagar", problems, integer=True, minimum=0, maximum=31)
    has_kort = "sjuk_h_kort" in table.data
    kort = (
        _numbers(table, "sjuk_h_kort", problems, minimum=0, maximum=744, allow_empty=True)
        if has_kort
        else np.full(len(table.data), np.nan)
    )
    _check(problems)
    eps = 1e-6
    year = period // 100
    problems += _problem_rows(
        table,
        sjuk > ordt + eps,
        "sjuk_h",
        lambda v: (
            f"sjuk_h {v} är större än ordinarie_tid_h på samma rad; "
            "sjukfrånvaron kan inte överstiga den schemalagda tiden."
        ),
    )
    problems += _problem_rows(
        table,
        lang > sjuk + eps,
        "sjuk_h_langtid",
        "sjuk_h_langtid är större än sjuk_h; den är en del av sjuk_h.",
    )
    problems += _problem_rows(
        table,
        np.nan_to_num(kort) > sjuk + eps,
        "sjuk_h_kort",
        "sjuk_h_kort är större än sjuk_h; den är en del av sjuk_h.",
    )
    problems += _problem_rows(
        table,
        np.nan_to_num(kort) + lang > sjuk + eps,
        "sjuk_h_kort",
        "sjuk_h_kort + sjuk_h_langtid är större än sjuk_h.",
    )
    age = year - fodelsear
    problems += _problem_rows(
        table,
        (age < 13) | (age > 100),
        "fodelsear",
        lambda v: f"födelseåret {v} ger en orimlig ålder för en anställd.",
    )
    problems += _problem_rows(
        table,
        dagar > _days_in_month(period),
        "sjukdagar",
        lambda v: f"{v} sjukdagar är fler än dagarna i månaden.",
    )
    _check(problems)
    frame = pd.DataFrame(
        {
            "period": period.astype(np.int32),
            "anstalld": pd.Categorical(anstalld.to_numpy()),
            "forvaltning": pd.Categorical(forv.to_numpy(), categories=register.forvaltningar),
            "kon": pd.Categorical(kon, categories=["K", "M"]),
            "fodelsear": fodelsear.astype(np.int16),
            "ordinarie_tid_h": ordt,
            "sjuk_h": sjuk,
            "sjuk_h_langtid": lang,
            "sjukdagar": dagar.astype(np.int16),
            "sjuk_h_kort": kort,
        }
    )
    return frame


# --- population -------------------------------------------------------------------------

_OMRADE = {
    "inom_lanet": "inom_lanet",
    "inom länet": "inom_lanet",
    "inomlanet": "inom_lanet",
    "lanet": "inom_lanet",
    "annat_lan": "annat_lan",
    "annat län": "annat_lan",
    "övriga sverige": "annat_lan",
    "utlandet": "utlandet",
    "utland": "utlandet",
    "annat land": "utlandet",
}
_RIKTNING = {
    "in": "in",
    "inflyttning": "in",
    "inflyttade": "in",
    "ut": "ut",
    "utflyttning": "ut",
    "utflyttade": "ut",
}


def _alder(table: RawTable, column: str, problems: list[Problem]) -> np.ndarray:
    raw = _text(table, column)
    # SCB writes the open group as '100+' and ages as '23 år'
    cleaned = raw.str.replace(r"\s*(år|\+)\s*$", "", regex=True).str.strip()
    table.data[column] = cleaned
    values = _numbers(table, column, problems, integer=True, minimum=0, maximum=130)
    table.data[column] = raw
    return np.asarray(np.minimum(values, 100), dtype=np.int16)


def _population_common(
    table: RawTable, problems: list[Problem]
) -> dict[str, np.ndarray | pd.api.extensions.ExtensionArray]:
    cols: dict[str, np.ndarray | pd.api.extensions.ExtensionArray] = {
        "ar": _year(table, "ar", problems)
    }
    if "manad" in table.data:
        m = _month(table, "manad", problems, allow_empty=True)
        cols["manad"] = pd.Series(m).astype("Int64").array
    else:
        cols["manad"] = pd.array([pd.NA] * len(table.data), dtype="Int64")
    return cols


def parse_folkmangd(table: RawTable, register: Register) -> pd.DataFrame:
    problems: list[Problem] = []
    cols = _population_common(table, problems)
    kon, p = _enum(table, "kon", _KON, "K eller M")
    problems += p
    alder = _alder(table, "alder", problems)
    antal = _numbers(table, "antal", problems, minimum=0, maximum=MAX_ANTAL)
    _check(problems)
    frame = pd.DataFrame({**cols, "kon": kon, "alder": alder, "antal": antal})
    frame["manad"] = frame["manad"].fillna(12).astype(np.int8)  # no month = 31 December
    return frame


def parse_fodda(table: RawTable, register: Register) -> pd.DataFrame:
    problems: list[Problem] = []
    cols = _population_common(table, problems)
    mor = _alder(table, "moderns_alder", problems)
    kon, p = _enum(table, "kon", _KON, "K eller M")
    problems += p
    antal = _numbers(table, "antal", problems, minimum=0, maximum=MAX_ANTAL)
    _check(problems)
    return pd.DataFrame({**cols, "moderns_alder": mor, "kon": kon, "antal": antal})


def parse_doda(table: RawTable, register: Register) -> pd.DataFrame:
    problems: list[Problem] = []
    cols = _population_common(table, problems)
    kon, p = _enum(table, "kon", _KON, "K eller M")
    problems += p
    alder = _alder(table, "alder", problems)
    antal = _numbers(table, "antal", problems, minimum=0, maximum=MAX_ANTAL)
    _check(problems)
    return pd.DataFrame({**cols, "kon": kon, "alder": alder, "antal": antal})


def parse_flyttningar(table: RawTable, register: Register) -> pd.DataFrame:
    problems: list[Problem] = []
    cols = _population_common(table, problems)
    kon, p = _enum(table, "kon", _KON, "K eller M")
    problems += p
    alder = _alder(table, "alder", problems)
    riktning, p = _enum(table, "riktning", _RIKTNING, "in eller ut")
    problems += p
    omrade, p = _enum(table, "omrade", _OMRADE, "inom_lanet, annat_lan eller utlandet")
    problems += p
    antal = _numbers(table, "antal", problems, minimum=0, maximum=MAX_ANTAL)
    _check(problems)
    return pd.DataFrame(
        {**cols, "kon": kon, "alder": alder, "riktning": riktning, "omrade": omrade, "antal": antal}
    )


# --- goals ------------------------------------------------------------------------------

_STATUS = {"gron": "gron", "grön": "gron", "gul": "gul", "rod": "rod", "röd": "rod"}
_BATTRE = {"hogre": "hogre", "högre": "hogre", "lagre": "lagre", "lägre": "lagre"}


def parse_matetal(table: RawTable, register: Register) -> pd.DataFrame:
    problems: list[Problem] = []
    ar = _year(table, "ar", problems)
    namnd = _units(table, register, "namnd", problems)
    riktning, p = _enum(table, "riktning", _BATTRE, "hogre eller lagre")
    problems += p
    status, p = _enum(table, "status", {**_STATUS, "": ""}, "gron, gul eller rod", default="")
    problems += p
    period = _optional_period(table, "period", ar, problems)
    _check(problems)
    frame = pd.DataFrame({"ar": ar, "namnd": namnd.to_numpy(dtype=object)})
    for col in ("mal", "matetal", "enhet"):
        frame[col] = _text(table, col).to_numpy()
    frame["riktning"] = riktning
    for col in ("malvarde", "utfall"):
        text = _text(table, col)
        frame[f"{col}_text"] = text.to_numpy()
        frame[col] = _lenient_numbers(text)
    frame["status"] = status
    frame["kommentar"] = _text(table, "kommentar").to_numpy() if "kommentar" in table.data else ""
    frame["period"] = period
    return _extras(
        table,
        frame,
        (
            "ar",
            "namnd",
            "mal",
            "matetal",
            "enhet",
            "riktning",
            "malvarde",
            "utfall",
            "status",
            "kommentar",
            "period",
        ),
    )


_PERIOD_TEXT = re.compile(r"^\s*(\d{4})-?(\d{1,2})\s*$")


def _optional_period(
    table: RawTable, column: str, ar: np.ndarray, problems: list[Problem]
) -> np.ndarray:
    """An optional ``YYYY-MM`` column (the month a value was measured): yyyymm, 0 = empty.
    The year must be the row's ``ar``."""
    n = len(table.data)
    if column not in table.data:
        return np.zeros(n, dtype=np.int64)
    text = _text(table, column).str.strip()
    parts = text.str.extract(_PERIOD_TEXT)
    year = pd.to_numeric(parts[0], errors="coerce").to_numpy()
    month = pd.to_numeric(parts[1], errors="coerce").to_numpy()
    empty = (text == "").to_numpy()
    bad = ~empty & (np.isnan(year) | np.isnan(month) | (month < 1) | (month > 12))
    problems += _problem_rows(
        table,
        bad,
        column,
        lambda v: (
            f"'{v}' är ingen period; ange år och månad som ÅÅÅÅ-MM (t.ex. 2023-04) "
            "eller lämna tomt."
        ),
    )
    other_year = ~empty & ~bad & (year != ar)
    problems += _problem_rows(
        table,
        other_year,
        column,
        lambda v: f"perioden '{v}' hör inte till radens år (kolumnen ar).",
    )
    codes = np.where(empty | bad, 0, np.nan_to_num(year) * 100 + np.nan_to_num(month))
    return codes.astype(np.int64)


def _lenient_numbers(text: pd.Series) -> np.ndarray:
    """Numbers where a cell is one ('73 %', '2,20%', '140 468 kg'); NaN for text cells."""
    cleaned = (
        text.str.replace("\u2212", "-", regex=False)
        .str.replace(r"[\s\u00a0\u202f]", "", regex=True)
        .str.replace(r"(%|kg|st|tkr|mkr|kr)$", "", regex=True)
        .str.replace(",", ".", regex=False)
    )
    return pd.to_numeric(
        cleaned.where(cleaned.str.fullmatch(r"[-+]?\d+(\.\d+)?"), None), errors="coerce"
    ).to_numpy(dtype=float)


# --- the registry of kinds ----------------------------------------------------------------

KINDS: dict[str, FileKind] = {
    k.name: k
    for k in (
        FileKind(
            "utfall",
            "ekonomi",
            True,
            ("period", "namnd", "konto", "belopp"),
            ("verksamhet", "ansvar", "projekt"),
            "period",
            parse_utfall,
        ),
        FileKind(
            "budget",
            "ekonomi",
            True,
            ("ar", "namnd", "konto", "belopp"),
            ("verksamhet", "projekt", "typ"),
            "ar",
            parse_budget,
        ),
        FileKind(
            "prognos",
            "ekonomi",
            True,
            ("ar", "prognosmanad", "namnd", "belopp"),
            ("typ", *PROGNOS_RADER),
            "ar",
            parse_prognos,
        ),
        FileKind(
            "periodisering",
            "ekonomi",
            False,
            ("ar", "namnd", "manad", "andel"),
            ("typ",),
            "ar",
            parse_periodisering,
        ),
        FileKind(
            "investeringar",
            "ekonomi",
            False,
            ("period", "namnd", "projekt", "belopp"),
            (),
            "period",
            parse_investeringar,
        ),
        FileKind(
            "kontoplan",
            "ekonomi",
            False,
            ("konto_fran", "konto_till", "grupp"),
            ("intern",),
            None,
            parse_kontoplan,
        ),
        FileKind(
            "sjukfranvaro",
            "personal",
            True,
            (
                "period",
                "anstalld",
                "forvaltning",
                "kon",
                "fodelsear",
                "ordinarie_tid_h",
                "sjuk_h",
                "sjuk_h_langtid",
                "sjukdagar",
            ),
            ("sjuk_h_kort",),
            "period",
            parse_sjukfranvaro,
        ),
        FileKind(
            "folkmangd",
            "befolkning",
            True,
            ("ar", "kon", "alder", "antal"),
            ("manad",),
            "ar",
            parse_folkmangd,
        ),
        FileKind(
            "fodda",
            "befolkning",
            True,
            ("ar", "moderns_alder", "kon", "antal"),
            ("manad",),
            "ar",
            parse_fodda,
        ),
        FileKind(
            "doda",
            "befolkning",
            True,
            ("ar", "kon", "alder", "antal"),
            ("manad",),
            "ar",
            parse_doda,
        ),
        FileKind(
            "flyttningar",
            "befolkning",
            True,
            ("ar", "kon", "alder", "riktning", "omrade", "antal"),
            ("manad",),
            "ar",
            parse_flyttningar,
        ),
        FileKind(
            "matetal",
            "mal",
            False,
            ("ar", "namnd", "mal", "matetal", "enhet", "riktning", "malvarde", "utfall"),
            ("status", "kommentar", "period"),
            "ar",
            parse_matetal,
        ),
    )
}


def load_register(
    path: str | Path, file: str = "organisation.csv", root: str | Path | None = None
) -> Register:
    """Read the register file ``organisation.csv`` into a :class:`Register`.

    Only a regular file is read (never a symbolic link), inside ``root`` (default: the
    file's own folder, ``data/raw``); ``file`` is its name in messages.

    Raises
    ------
    InputError
        When the file cannot be read, lacks a column ``id``, ``namn`` or ``typ``, or holds
        a bad unit (see :class:`Register`).
    """
    path = Path(path)
    table = read_table(
        path,
        file,
        root=root if root is not None else path.parent,
        expected_columns=("id", "namn", "typ", "forvaltning", "alias"),
    )
    require_columns(table, ["id", "namn", "typ"])
    return Register(table.data, file=file, lines=table.lines)


def display_name(path: Path, raw_dir: Path) -> str:
    try:
        return path.relative_to(raw_dir).as_posix()
    except ValueError:
        return path.name


def load_kind(
    kind: FileKind, files: list[Path], raw_dir: Path, register: Register
) -> pd.DataFrame | None:
    """Read, validate and concatenate every file of one kind; ``None`` if there are none."""
    if not files:
        return None
    frames: list[pd.DataFrame] = []
    problems: list[Problem] = []
    keys_by_file: list[tuple[str, set[int | str]]] = []
    parser = kind.parser
    if kind.name == "prognos":  # kontogrupp names are checked against the kontoplan
        parser = partial(parse_prognos, grupper=lambda: _kontogrupper_i(raw_dir, register))
    for path in files:
        name = display_name(path, raw_dir)
        try:
            table = read_table(
                path, name, expected_columns=kind.columns + kind.optional, root=raw_dir
            )
            require_columns(table, list(kind.columns))
            frame = parser(table, register)
        except InputError as e:
            problems += e.problems
            continue
        if kind.split_key and len(frame):
            keys_by_file.append((name, set(np.unique(frame[kind.split_key]).tolist())))
        frames.append(frame)
    if kind.name in MUST_HAVE_ROWS and frames and not problems and not any(len(f) for f in frames):
        problems += [
            Problem(
                display_name(path, raw_dir),
                (
                    "filen innehåller inga datarader, bara rubrikraden; exportera filen "
                    "på nytt med "
                    f"uppgifterna (kolumnerna {', '.join(kind.columns)})."
                ),
                2,
            )
            for path in files
        ]
    for i, (name_a, keys_a) in enumerate(keys_by_file):
        for name_b, keys_b in keys_by_file[i + 1 :]:
            common = sorted(keys_a & keys_b)
            if common:
                shown = ", ".join(_format_key(kind.split_key, k) for k in common[:6])
                more = f" (och {len(common) - 6} till)" if len(common) > 6 else ""
                problems.append(
                    Problem(
                        name_b,
                        f"{_key_word(kind.split_key)} {shown}{more} finns också i {name_a}. "
                        f"Filer av samma slag som delas upp per år får inte överlappa; ta bort "
                        "dubbletten eller slå ihop filerna.",
                        column=kind.split_key,
                    )
                )
    if problems:
        raise InputError(problems)
    return _sorted(_concat(frames), kind.split_key)


def _kontogrupper_i(raw_dir: Path, register: Register) -> list[str]:
    """The valid kontogrupper of the kommun in ``raw_dir`` (its kontoplan, if it has one that
    loads; a broken kontoplan is reported by its own kind)."""
    kind = KINDS["kontoplan"]
    try:
        plan = load_kind(kind, kind.files(raw_dir), raw_dir, register)
    except InputError:
        plan = None
    return kontogrupper(plan)


def _sorted(frame: pd.DataFrame, key: str | None) -> pd.DataFrame:
    """Processed data is kept in ``period`` order (stable), so a period's rows are together."""
    if key != "period" or not len(frame):
        return frame
    values = frame[key].to_numpy()
    if (values[1:] >= values[:-1]).all():
        return frame
    return frame.take(np.argsort(values, kind="stable")).reset_index(drop=True)


def _concat(frames: list[pd.DataFrame]) -> pd.DataFrame:
    if len(frames) == 1:
        return frames[0]
    columns = dict.fromkeys(c for f in frames for c in f.columns)
    categorical = [
        c
        for c in columns
        if all(isinstance(f[c].dtype, pd.CategoricalDtype) for f in frames if c in f)
    ]
    out = pd.concat(frames, ignore_index=True)
    for col in out.columns:
        if isinstance(out[col].dtype, pd.CategoricalDtype):
            continue  # same categories in every file (e.g. namnd)
        if col in categorical or (out[col].dtype == object and out[col].isna().any()):
            # differing categories concatenate as object, and a column missing from one
            # file leaves NaN there: make it text ("" where absent) again
            out[col] = out[col].astype(object).fillna("").astype("str")
            if col in categorical:
                out[col] = out[col].astype("category")
    return out


def _key_word(key: str | None) -> str:
    return {"period": "Perioden", "ar": "Året"}.get(key or "", "Värdet")


def _format_key(key: str | None, value: int | str) -> str:
    if key == "period":
        v = int(value)
        return f"{v // 100}-{v % 100:02d}"
    return str(value)
