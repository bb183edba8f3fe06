"""Read SCB's own table exports (Statistikdatabasen, PxWeb) into the contract's long format.

Statistikdatabasen exports a table as a CSV that is *wide by year*: one column per
dimension (``region``, ``ålder``, ``kön`` …) and one column per year, e.g.::

    "Folkmängden efter region, ålder, kön och år"

    "region","ålder","kön","2019","2020"
    "2580 Luleå","0 år","män",409,400
    "2580 Luleå","100+ år","kvinnor",12,14

Supported (see the functions for the details of each table):

* encoding UTF-8 (with or without BOM) or Windows-1252; delimiter ``,``, ``;`` or tab;
  quoted or unquoted fields;
* any number of title or comment lines above the header (the header is the first line
  with text columns followed by year columns); a blank line after the data ends the
  table (SCB's footnotes below it are ignored);
* year columns ``2019`` (annual) or ``2019M01`` (monthly: the folkmängd at the end of the
  month, the flows during it) — the result then has a ``manad`` column;
* ``kön``: 'män'/'pojkar' → 'M', 'kvinnor'/'flickor' → 'K'; total rows ('totalt',
  'samtliga', 'båda könen') are skipped;
* ``ålder``: '0 år', '45 år', '100+ år' (→ 100), '-14 år' (→ 14), '49+ år' (→ 49);
  total rows ('totalt ålder', 'totalt', 'samtliga åldrar') are skipped;
* ``region``: when the file holds several regions, choose one with ``region=`` (code
  '2580', name 'Luleå' or the full '2580 Luleå');
* values: integers, optionally with spaces as thousands separators; '-' is 0. SCB's
  '..' (not available) and other text are errors.

The file is read, decoded and split by :mod:`analysis.io.readers` (:func:`read_bytes`:
a regular file only, never a symbolic link; :func:`decode`: the encodings above, UTF-16
with BOM too, and a file that mixes encodings is refused; :func:`split_line`), so an SCB
export is read exactly as every other input file.

Every problem in the file is an :class:`analysis.core.errors.InputError` naming the file,
the line (as a text editor counts it) and the column; a ``region`` the file does not hold
(or none, when it holds several) is an :class:`analysis.core.errors.ArgumentError`.

SCB's PxWeb API v2 answers as JSON-stat2 (``outputFormat=json-stat2``; written by
:mod:`analysis.io.pxweb`, or saved by hand) are read too (:func:`read_jsonstat2`): the
flat ``value`` array is unfolded row-major over ``id``/``size`` into the same long frame
as a CSV export, with the dimensions named as in the CSV (``Kon`` → ``kön`` …), so both
formats go through the same readers of sex, age, totals and flows below. A JSON file
must be a table of its kind (ContentsCode, age dimension), for one region, in Swedish,
without nulls (SCB's '..'); a dimension SCB adds that the contract does not keep
(``Civilstand``) is taken at its total when the table has one, else summed.

Wired in: a file of ``befolkning/`` named like one of the contract's population kinds
(``folkmangd*.csv``, ``fodda*``, ``doda*``, ``flyttningar*``; ``.csv`` or ``.txt``) whose
header has year columns, or such a ``.json`` file, is read here (:func:`wide_table`)
instead of as the contract's long file. For CSV the layout is told from the header, never
from the name: a file whose header holds the kind's long columns (``ar``, ``kon`` …) is
the contract's long file. The result is handed to the contract's parser as a
:class:`analysis.io.readers.RawTable` of the contract's columns, so an SCB export gives
exactly the frame of the long file with the same figures, and every check of the contract
applies to it too.
"""

from __future__ import annotations

import bisect
import json
import re
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.core.errors import ArgumentError, InputError, Problem
from analysis.io.readers import RawTable, decode, normalise_column, read_bytes, split_line

__all__ = [
    "TABLES",
    "describe_json",
    "is_wide",
    "read_scb_doda",
    "read_scb_flyttningar",
    "read_scb_fodda",
    "read_scb_folkmangd",
    "read_jsonstat2",
    "read_scb_table",
    "wide_table",
]

_YEAR = re.compile(r"^(\d{4})(?:M(\d{2}))?$")
_AGE = re.compile(r"^-?\s*(\d{1,3})\s*(?:\+|-\s*)?\s*(?:år)?\s*(?:\+)?$")
_SEX = {
    "män": "M",
    "man": "M",
    "pojkar": "M",
    "pojke": "M",
    "m": "M",
    "kvinnor": "K",
    "kvinna": "K",
    "flickor": "K",
    "flicka": "K",
    "k": "K",
}
_TOTALS = {
    "totalt",
    "total",
    "samtliga",
    "båda könen",
    "totalt ålder",
    "samtliga åldrar",
    "ålder totalt",
    "totalt kön",
    "summa",
}
_MAX_AGE = 100
#: SCB's category for an unknown age (the births' 'moderns ålder' has one): dropped when
#: it holds no one, an error otherwise.
_UNKNOWN_AGE = {"uppgift saknas", "okänd ålder", "okänd"}


# --------------------------------------------------------------------------------------
# generic wide table
# --------------------------------------------------------------------------------------
def _lines(path: Path, name: str, root: str | Path | None = None) -> list[str]:
    """The file's text lines (``\n``, ``\r\n`` or ``\r``), decoded as every input file is."""
    body, _ = decode(read_bytes(path, name, root), name)
    return body.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n").split("\n")


def _wide_header(line: str) -> tuple[str, list[str]] | None:
    """The delimiter and fields of ``line`` if it is a wide header (text columns followed
    by year columns), else None."""
    best: tuple[str, list[str]] | None = None
    for delim in (",", ";", "\t"):
        fields = [f.strip() for f in split_line(line, delim)]
        if len(fields) < 2:
            continue
        years = [bool(_YEAR.match(f)) for f in fields]
        n_dims = years.index(True) if True in years else len(fields)
        if 0 < n_dims < len(fields) and all(years[n_dims:]):
            if best is None or len(fields) > len(best[1]):
                best = (delim, fields)
    return best


def _header(lines: list[str], name: str) -> tuple[int, str, list[str]]:
    """Index of the header line, the delimiter and the header fields."""
    for i, line in enumerate(lines):
        if not line.strip():
            continue
        found = _wide_header(line)
        if found is not None:
            return i, found[0], found[1]
    raise InputError(
        Problem(
            file=name,
            message=(
                'hittade ingen rubrikrad med årskolumner (t.ex. "region","ålder","kön",'
                '"2019","2020"); är filen en tabell från SCB:s statistikdatabas, exporterad '
                "som CSV med år som kolumner?"
            ),
        )
    )


def _value(text: str, name: str, line: int, column: str) -> float:
    t = text.strip().replace("\u00a0", "").replace(" ", "")
    if t == "-":
        return 0.0
    try:
        v = float(int(t))
    except ValueError:
        what = "'..' betyder att SCB saknar uppgiften" if t == ".." else f"fann {text!r}"
        raise InputError(
            Problem(
                file=name, line=line, column=column, message=(f"förväntade ett heltal ≥ 0; {what}.")
            )
        ) from None
    if v < 0:
        raise InputError(
            Problem(
                file=name,
                line=line,
                column=column,
                message=(f"förväntade ett heltal ≥ 0; fann {text!r}."),
            )
        )
    return v


def read_scb_table(
    path: str | Path, name: str | None = None, root: str | Path | None = None
) -> pd.DataFrame:
    """Read an SCB wide CSV into a long frame, without interpreting the dimensions.

    Parameters
    ----------
    path : str or pathlib.Path
    name : str, optional
        The file's name in messages (default: its file name).
    root : str or pathlib.Path, optional
        The folder the file must lie in (``data/raw``), as for every input file.

    Returns
    -------
    pandas.DataFrame
        One column per dimension (the header's names, lower-case and stripped, values
        stripped strings), ``ar``, ``manad`` (only for monthly columns), ``antal`` and
        ``_rad`` (the file line of the value, for error messages).

    Raises
    ------
    analysis.core.errors.InputError
        If the file cannot be read, has no header with year columns, a row with the wrong
        number of fields or a value that is not a whole number ≥ 0.
    """
    path = Path(path)
    name = name if name is not None else path.name
    lines = _lines(path, name, root)
    h, delim, header = _header(lines, name)
    # (column, year, month or None) of every year column; _header found at least one
    years = [
        (j, int(m.group(1)), int(m.group(2)) if m.group(2) else None)
        for j, m in enumerate(_YEAR.match(f) for f in header)
        if m is not None
    ]
    dims = [f.lower() for f in header[: years[0][0]]]
    monthly = any(month is not None for _, _, month in years)
    records: list[tuple[object, ...]] = []
    for i in range(h + 1, len(lines)):
        line = lines[i]
        if not line.strip():
            break
        fields = split_line(line, delim)
        if len(fields) != len(header):
            raise InputError(
                Problem(
                    file=name,
                    line=i + 1,
                    message=(f"raden har {len(fields)} fält men rubrikraden {len(header)}."),
                )
            )
        keys = tuple(f.strip() for f in fields[: len(dims)])
        for j, year, month in years:
            records.append((*keys, year, month, _value(fields[j], name, i + 1, header[j]), i + 1))
    out = pd.DataFrame(records, columns=[*dims, "ar", "manad", "antal", "_rad"])
    if out.empty:
        raise InputError(Problem(file=name, line=h + 2, message="tabellen har inga rader."))
    if not monthly:
        out = out.drop(columns="manad")
    out.attrs["file"] = name
    out.attrs["delimiter"] = delim
    out.attrs["header"] = header
    return out


# --------------------------------------------------------------------------------------
# dimensions
# --------------------------------------------------------------------------------------
def _find_optional(df: pd.DataFrame, words: tuple[str, ...]) -> str | None:
    """The first dimension column whose name holds one of ``words``, or None."""
    for c in _dimensions(df):
        if any(w in c for w in words):
            return c
    return None


def _dimensions(df: pd.DataFrame) -> list[str]:
    return [str(c) for c in df.columns if c not in ("ar", "manad", "antal", "_rad")]


def _find(df: pd.DataFrame, words: tuple[str, ...], what: str) -> str:
    """The dimension column for ``what``; an :class:`InputError` when the table has none."""
    found = _find_optional(df, words)
    if found is not None:
        return found
    dims = _dimensions(df)
    raise InputError(
        Problem(
            file=df.attrs.get("file", "?"),
            line=None,
            message=(f"kolumn för {what} saknas; tabellens kolumner: {', '.join(dims)}."),
        )
    )


def _is_total(value: str) -> bool:
    v = value.strip().lower()
    return v in _TOTALS or v.startswith("totalt") or v.startswith("samtliga")


def _problem(df: pd.DataFrame, rows: pd.Series, column: str, message: str) -> InputError:
    name = df.attrs.get("file", "?")
    problems = [
        Problem(file=name, line=int(r), column=column, message=message)
        for r in df.loc[rows, "_rad"].drop_duplicates().head(20)
    ]
    return InputError(problems)


def _select_region(df: pd.DataFrame, region: str | None) -> pd.DataFrame:
    col = _find_optional(df, ("region", "kommun"))
    if col is None:
        return df
    values = pd.unique(df[col])
    if region is None:
        if len(values) > 1:
            raise ArgumentError(
                "region",
                (
                    f"filen {df.attrs.get('file', '?')} har flera regioner "
                    f"({', '.join(map(str, values[:10]))}); ange vilken med region=."
                ),
            )
        return df.drop(columns=col)
    want = str(region).strip().lower()

    def matches(v: str) -> bool:
        v = v.strip().lower()
        code, _, namn = v.partition(" ")
        return want in (v, code, namn.strip())

    keep = df[col].map(matches)
    if not keep.any():
        raise ArgumentError(
            "region",
            (
                f"regionen {region!r} finns inte i {df.attrs.get('file', '?')}; kända värden: "
                f"{', '.join(map(str, values[:20]))}."
            ),
        )
    out = df[keep].drop(columns=col)
    out.attrs = df.attrs
    return out


def _sex(df: pd.DataFrame, col: str) -> pd.DataFrame:
    attrs = df.attrs
    df = df[~df[col].map(_is_total)].copy()
    df.attrs = attrs
    kon = df[col].str.strip().str.lower().map(_SEX)
    bad = kon.isna()
    if bad.any():
        unknown = sorted(set(df.loc[bad, col]))
        raise _problem(
            df,
            bad,
            col,
            (
                f"okänt kön {', '.join(map(repr, unknown[:10]))}; kända värden: 'män', "
                "'kvinnor' (även 'pojkar', 'flickor', 'M', 'K')."
            ),
        )
    df["kon"] = kon
    return df


def _age(df: pd.DataFrame, col: str, target: str, cap: int | None) -> pd.DataFrame:
    attrs = df.attrs
    df = df[~df[col].map(_is_total)].copy()
    df.attrs = attrs
    unknown_age = df[col].str.strip().str.lower().isin(_UNKNOWN_AGE)
    if unknown_age.any():
        persons = df.loc[unknown_age, "antal"]
        if (persons != 0).any():
            raise _problem(
                df,
                unknown_age & (df["antal"] != 0),
                col,
                (
                    f"SCB redovisar {int(persons.sum())} personer med okänd ålder "
                    f"({', '.join(map(repr, sorted(set(df.loc[unknown_age, col]))))}); de kan "
                    "inte fördelas på åldrar, och att utelämna dem vore att räkna för få. "
                    "Fördela dem i filen eller hämta en tabell utan okänd ålder."
                ),
            )
        df = df[~unknown_age].copy()  # SCB's 'uppgift saknas' with no one in it: nothing lost
        df.attrs = attrs
    parsed = df[col].str.strip().str.lower().str.extract(_AGE)[0]
    bad = parsed.isna()
    if bad.any():
        unknown = sorted(set(df.loc[bad, col]))
        raise _problem(
            df,
            bad,
            col,
            (
                f"okänd ålder {', '.join(map(repr, unknown[:10]))}; förväntade t.ex. '0 år', "
                "'45 år', '100+ år'."
            ),
        )
    ages = parsed.astype(int)
    if cap is not None:
        ages = ages.clip(upper=cap)
    df[target] = ages
    return df


def _finish(df: pd.DataFrame, columns: list[str], lines: bool = False) -> pd.DataFrame:
    """Sum ``antal`` by the year (and month) and ``columns``; with ``lines`` keep ``_rad``,
    the first file line of each group."""
    keys = ["ar", "manad"] if "manad" in df.columns else ["ar"]
    group = keys + [c for c in columns if c not in keys + ["antal"]]
    aggs: dict[str, tuple[str, str]] = {"antal": ("antal", "sum")}
    if lines:
        aggs["_rad"] = ("_rad", "min")
    out = df.groupby(group, as_index=False, sort=True).agg(**aggs)
    if out.empty:
        raise InputError(
            Problem(
                file=df.attrs.get("file", "?"),
                message=("inga rader kvar efter att summeringsrader (totalt) tagits bort."),
            )
        )
    out["ar"] = out["ar"].astype("int64")
    if "manad" in out.columns:
        out["manad"] = out["manad"].astype("int64")
    extra = ["_rad"] if lines else []
    return out[keys + [c for c in columns if c not in keys] + extra].reset_index(drop=True)


# --------------------------------------------------------------------------------------
# the four population tables
# --------------------------------------------------------------------------------------
def read_scb_folkmangd(path: str | Path, region: str | None = None) -> pd.DataFrame:
    """Folkmängd from an SCB export (e.g. BE0101N1 "Folkmängden efter region, ålder, kön
    och år").

    Parameters
    ----------
    path : str or pathlib.Path
    region : str, optional
        Needed when the file has several regions: code, name or both.

    Returns
    -------
    pandas.DataFrame
        ``ar``, (``manad`` for monthly columns), ``kon`` ('K'/'M'), ``alder`` (0–100,
        100 = 100 and older), ``antal``: the contract's ``folkmangd`` format.

    Raises
    ------
    analysis.core.errors.InputError
    """
    return _folkmangd(_select_region(read_scb_table(path), region))


def _folkmangd(df: pd.DataFrame, lines: bool = False) -> pd.DataFrame:
    df = _sex(df, _find(df, ("kön",), "kön"))
    df = _age(df, _find(df, ("ålder", "alder"), "ålder"), "alder", _MAX_AGE)
    return _finish(df, ["kon", "alder", "antal"], lines)


def read_scb_doda(path: str | Path, region: str | None = None) -> pd.DataFrame:
    """Döda from an SCB export (e.g. BE0101D9 "Döda efter region, ålder (uppnådd ålder
    under året) och kön").

    Returns
    -------
    pandas.DataFrame
        ``ar``, (``manad``), ``kon``, ``alder`` (100 = 100+), ``antal``.
    """
    return _folkmangd(_select_region(read_scb_table(path), region))  # same dimensions


def read_scb_fodda(path: str | Path, region: str | None = None) -> pd.DataFrame:
    """Födda from an SCB export (e.g. BE0101E2 "Levande födda efter region, moderns ålder
    och barnets kön").

    Returns
    -------
    pandas.DataFrame
        ``ar``, (``manad``), ``moderns_alder`` ('-14 år' → 14, '49+ år' → 49), ``kon``
        (the child's), ``antal``.

    Raises
    ------
    analysis.core.errors.InputError
        Also when the table has no column for the mother's age or the child's sex (both
        are needed by the contract).
    """
    return _fodda(_select_region(read_scb_table(path), region))


def _fodda(df: pd.DataFrame, lines: bool = False) -> pd.DataFrame:
    df = _sex(df, _find(df, ("kön",), "barnets kön"))
    df = _age(df, _find(df, ("ålder", "alder"), "moderns ålder"), "moderns_alder", None)
    return _finish(df, ["moderns_alder", "kon", "antal"], lines)


#: Keywords of the flow column of a migration table: (riktning, omrade) by substring.
_FLOW_AREAS = (
    ("inom län", "inom_lanet"),
    ("inomläns", "inom_lanet"),
    ("annat län", "annat_lan"),
    ("andra län", "annat_lan"),
    ("övriga län", "annat_lan"),
    ("länsgräns", "annat_lan"),
    ("utland", "utlandet"),
    ("invandr", "utlandet"),
    ("utvandr", "utlandet"),
)


def _flow(value: str) -> tuple[str, str] | None:
    v = value.strip().lower()
    if "invandr" in v:
        return ("in", "utlandet")
    if "utvandr" in v:
        return ("ut", "utlandet")
    riktning = "in" if "inflytt" in v else "ut" if "utflytt" in v else None
    omrade = next((o for key, o in _FLOW_AREAS if key in v), None)
    if omrade is None and "inrikes" in v:
        omrade = "inrikes"  # SCB's BE0101 tables: domestic moves, not split by län
    if riktning is None or omrade is None:
        return None
    return riktning, omrade


def read_scb_flyttningar(path: str | Path, region: str | None = None) -> pd.DataFrame:
    """Flyttningar from an SCB export with one column for the kind of flow.

    The table needs, besides ``ålder`` and ``kön``, one more dimension column (SCB's
    ``tabelluppgift``, or e.g. ``flyttning``) whose values name direction and area:

    * 'invandringar' → in, utlandet; 'utvandringar' → ut, utlandet;
    * values with 'inflytt'/'utflytt' and 'inom län'/'inomläns' → inom_lanet, with
      'annat län'/'andra län'/'övriga län'/'länsgräns' → annat_lan, with 'utland' →
      utlandet (e.g. 'inflyttningar från annat län', 'utflyttningar inom länet');
    * 'inrikes inflyttningar'/'inrikes utflyttningar' (SCB's BE0101 tables, which do not
      split domestic moves by län) → inrikes;
    * totals and aggregates ('totalt …', 'flyttnetto …', plain 'inflyttningar', which
      SCB counts with the invandringar) are **errors**, not skipped, unless they are
      total rows ('totalt', 'samtliga'): export the parts, not their sum, so that
      nothing is counted twice. A year with both 'inrikes' and the län split is refused
      by the contract's parser for the same reason.

    Returns
    -------
    pandas.DataFrame
        ``ar``, (``manad``), ``kon``, ``alder`` (100 = 100+), ``riktning``, ``omrade``,
        ``antal``.
    """
    return _flyttningar(_select_region(read_scb_table(path), region))


def _flyttningar(df: pd.DataFrame, lines: bool = False) -> pd.DataFrame:
    df = _sex(df, _find(df, ("kön",), "kön"))
    df = _age(df, _find(df, ("ålder", "alder"), "ålder"), "alder", _MAX_AGE)
    age_col = _find(df, ("ålder", "alder"), "ålder")
    sex_col = _find(df, ("kön",), "kön")
    dims = [
        c
        for c in df.columns
        if c not in ("ar", "manad", "antal", "_rad", "kon", "alder", age_col, sex_col)
    ]
    if len(dims) != 1:
        raise InputError(
            Problem(
                file=df.attrs.get("file", "?"),
                message=(
                    "flyttningstabellen behöver exakt en kolumn för flyttningens slag (t.ex. "
                    f"'tabelluppgift'); fann {', '.join(dims) or 'ingen'}."
                ),
            )
        )
    col = dims[0]
    attrs = df.attrs
    df = df[~df[col].map(_is_total)].copy()
    df.attrs = attrs
    mapped = df[col].map(_flow)
    bad = mapped.isna()
    if bad.any():
        unknown = sorted(set(df.loc[bad, col]))
        raise _problem(
            df,
            bad,
            col,
            (
                f"okänt slag av flyttning {', '.join(map(repr, unknown[:10]))}; kända: "
                "'invandringar', 'utvandringar', 'inrikes inflyttningar', 'inrikes "
                "utflyttningar', 'inflyttningar inom länet', 'utflyttningar inom länet', "
                "'inflyttningar från annat län', 'utflyttningar till annat län'."
            ),
        )
    df["riktning"] = [m[0] for m in mapped]
    df["omrade"] = [m[1] for m in mapped]
    return _finish(df, ["kon", "alder", "riktning", "omrade", "antal"], lines)


# --------------------------------------------------------------------------------------
# JSON-stat2 (PxWeb API v2)
# --------------------------------------------------------------------------------------
#: PxWeb's dimension ids → the column names the CSV path gives the same dimension
#: (SCB's Swedish header words), so that both formats go through one set of readers.
_JSON_COLUMNS = {
    "region": "region",
    "alder": "ålder",
    "aldermoder": "moderns ålder",
    "kon": "kön",
    "civilstand": "civilstånd",
    "contentscode": "tabellinnehåll",
}
#: Value codes SCB uses for a dimension's total (besides labels 'totalt …', 'samtliga …').
_TOTAL_CODES = {"tot", "totsa", "sc", "1+2", "tot1", "tot5", "tot10", "totalt"}
#: What the ContentsCode of each kind's table is called (a word of its Swedish label).
_CONTENTS = {
    "folkmangd": ("folkmängd", "folkmängden"),
    "fodda": ("födda",),
    "doda": ("döda", "avlidna"),
}
#: The age dimension each kind's table must have.
_AGE_DIMENSION = {
    "folkmangd": "Alder",
    "doda": "Alder",
    "flyttningar": "Alder",
    "fodda": "AlderModer",
}
_KIND_WORDS = {
    "folkmangd": "folkmängd",
    "fodda": "födda",
    "doda": "döda",
    "flyttningar": "flyttningar",
}
_WS = re.compile(r"[ \t\n\r]*")


def _json_problem(name: str, key: str, message: str, line: int | None = None) -> InputError:
    return InputError(Problem(file=name, line=line, column=key, message=message))


def _value_lines(text: str) -> list[int] | None:
    """The text line of every element of the top-level ``value`` array, or None when the
    document has no such array (a JSON-stat2 ``value`` may also be an object)."""
    decoder = json.JSONDecoder()
    newlines = [m.start() for m in re.finditer("\n", text)]

    def line(offset: int) -> int:
        return bisect.bisect_left(newlines, offset) + 1

    def skip(i: int) -> int:
        m = _WS.match(text, i)
        return m.end() if m else i

    try:
        i = skip(0)
        if text[i : i + 1] != "{":
            return None
        i = skip(i + 1)
        while text[i : i + 1] not in ("}", ""):
            key, i = decoder.raw_decode(text, i)
            i = skip(skip(i) + 1)  # past ':'
            if key == "value" and text[i : i + 1] == "[":
                lines: list[int] = []
                i = skip(i + 1)
                while text[i : i + 1] not in ("]", ""):
                    lines.append(line(i))
                    _, i = decoder.raw_decode(text, i)
                    i = skip(i)
                    if text[i : i + 1] == ",":
                        i = skip(i + 1)
                return lines
            _, i = decoder.raw_decode(text, i)
            i = skip(i)
            if text[i : i + 1] == ",":
                i = skip(i + 1)
    except (ValueError, IndexError):
        return None
    return None


def _categories(name: str, dim_id: str, dim: object, size: int) -> tuple[list[str], dict[str, str]]:
    """The category codes of one dimension in index order, and their labels."""
    key = f"dimension.{dim_id}.category"
    if not isinstance(dim, dict) or not isinstance(dim.get("category"), dict):
        raise _json_problem(
            name, f"dimension.{dim_id}", "förväntade ett objekt med 'category' (JSON-stat2)."
        )
    category: dict[str, object] = dim["category"]
    index = category.get("index")
    labels_raw = category.get("label")
    codes: list[str]
    if isinstance(index, list) and all(isinstance(c, str) for c in index):
        codes = list(index)
    elif isinstance(index, dict) and all(isinstance(v, int) for v in index.values()):
        codes = [c for c, _ in sorted(index.items(), key=lambda kv: kv[1])]
        if sorted(index.values()) != list(range(len(index))):
            raise _json_problem(
                name,
                f"{key}.index",
                f"positionerna ska vara 0–{len(index) - 1} utan luckor; fann "
                f"{sorted(index.values())[:10]}.",
            )
    elif index is None and isinstance(labels_raw, dict) and len(labels_raw) == 1:
        codes = list(labels_raw)  # JSON-stat2 allows a lone category without index
    else:
        raise _json_problem(
            name, f"{key}.index", "förväntade en lista av koder eller ett objekt kod → position."
        )
    if len(codes) != size or len(set(codes)) != len(codes):
        raise _json_problem(
            name,
            f"{key}.index",
            f"dimensionen har {len(set(codes))} olika kategorier men 'size' säger {size}.",
        )
    labels = {c: str(c) for c in codes}
    if isinstance(labels_raw, dict):
        labels.update({str(c): str(v) for c, v in labels_raw.items() if c in labels})
    return codes, labels


def _status_of(name: str, status: object, n: int) -> Callable[[int], str | None]:
    if status is None:
        return lambda i: None
    if isinstance(status, str):
        return lambda i: status
    if isinstance(status, list) and len(status) == n:
        return lambda i: None if status[i] is None else str(status[i])
    if isinstance(status, dict):
        return lambda i: None if status.get(str(i)) is None else str(status.get(str(i)))
    raise _json_problem(
        name, "status", f"förväntade en text, en lista med {n} värden eller ett objekt."
    )


def read_jsonstat2(
    path: str | Path, name: str | None = None, root: str | Path | None = None
) -> pd.DataFrame:
    """Read a JSON-stat2 dataset (SCB's PxWeb API v2, ``outputFormat=json-stat2``) into
    the long frame :func:`read_scb_table` gives for a CSV export.

    The dataset's ``value`` is a flat array in row-major order over the dimensions of
    ``id`` (the last dimension varies fastest), ``size`` giving each dimension's number of
    categories. Each dimension becomes a column named as in SCB's CSV export
    (``Region`` → ``region``, ``Alder`` → ``ålder``, ``AlderModer`` → ``moderns ålder``,
    ``Kon`` → ``kön``, ``Civilstand`` → ``civilstånd``, ``ContentsCode`` →
    ``tabellinnehåll``, any other by its label), holding the category's Swedish label
    (the region as 'code label', e.g. '2580 Luleå'); the time dimension (``role.time``,
    else ``Tid``) gives ``ar`` and, for codes like ``2019M01``, ``manad``.

    Returns
    -------
    pandas.DataFrame
        The dimension columns, ``ar``, (``manad``), ``antal`` and ``_rad`` (the text line
        of the value in the file); ``attrs`` hold ``file``, ``table`` (SCB's table id and
        title) and ``keys`` (column → the dimension's JSON key, for messages).

    Raises
    ------
    analysis.core.errors.InputError
        When the file is not JSON, not a JSON-stat2 dataset, a dimension is malformed,
        ``value`` has the wrong length, a value is not a whole number ≥ 0, or is null
        (SCB's '..', not available) — naming the file, the JSON key or ``value[i]`` with
        its text line, and the categories of the cell.
    """
    path = Path(path)
    name = name if name is not None else path.name
    body, _ = decode(read_bytes(path, name, root), name)
    text = body.decode("utf-8")
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as e:
        raise InputError(
            Problem(
                file=name,
                line=e.lineno,
                column=f"tecken {e.colno}",
                message=f"filen är inte giltig JSON ({e.msg}).",
            )
        ) from None
    if not isinstance(doc, dict) or doc.get("class") != "dataset":
        raise _json_problem(name, "class", describe_json(doc))
    if str(doc.get("version", "")) != "2.0":
        raise _json_problem(
            name,
            "version",
            f"förväntade JSON-stat version '2.0'; fann {doc.get('version')!r}.",
        )
    ids, sizes = doc.get("id"), doc.get("size")
    if not (isinstance(ids, list) and ids and all(isinstance(i, str) for i in ids)):
        raise _json_problem(name, "id", "förväntade en lista med dimensionernas namn.")
    if len(set(ids)) != len(ids):
        raise _json_problem(name, "id", f"en dimension förekommer två gånger: {ids}.")
    if not (
        isinstance(sizes, list)
        and len(sizes) == len(ids)
        and all(isinstance(s, int) and not isinstance(s, bool) and s > 0 for s in sizes)
    ):
        raise _json_problem(
            name, "size", f"förväntade {len(ids)} positiva heltal, ett per dimension i 'id'."
        )
    dimensions = doc.get("dimension")
    if not isinstance(dimensions, dict):
        raise _json_problem(name, "dimension", "förväntade ett objekt med dimensionerna.")
    for d in ids:
        if d not in dimensions:
            raise _json_problem(
                name, f"dimension.{d}", f"dimensionen {d!r} i 'id' saknas under 'dimension'."
            )
    cats = [_categories(name, d, dimensions[d], s) for d, s in zip(ids, sizes, strict=True)]
    n = int(np.prod(sizes))
    values = _values(name, doc.get("value"), n)
    status = _status_of(name, doc.get("status"), n)
    lines = _value_lines(text) if isinstance(doc.get("value"), list) else None
    if lines is None or len(lines) != n:
        lines = [1] * n

    role: dict[str, object] = doc["role"] if isinstance(doc.get("role"), dict) else {}
    role_time = role.get("time")
    time_ids = [t for t in (role_time if isinstance(role_time, list) else []) if t in ids] or [
        d for d in ids if d == "Tid"
    ]
    if not time_ids:
        raise _json_problem(
            name, "id", f"dimensionen för tid ('Tid') saknas; tabellens dimensioner: {ids}."
        )
    time_id = time_ids[0]
    time_codes = cats[ids.index(time_id)][0]
    periods = []
    for code in time_codes:
        m = _YEAR.match(code)
        if m is None:
            raise _json_problem(
                name,
                f"dimension.{time_id}.category.index",
                f"förväntade år ('2019') eller månad ('2019M01'); fann {code!r}.",
            )
        periods.append((int(m.group(1)), int(m.group(2)) if m.group(2) else None))
    monthly = any(month is not None for _, month in periods)

    # row-major: the position of cell i in dimension k is (i // stride_k) % size_k
    strides = np.cumprod([1, *sizes[::-1]])[:-1][::-1]
    cell = np.arange(n)
    columns: dict[str, object] = {}
    keys: dict[str, str] = {}
    for k, (d, (codes, labels)) in enumerate(zip(ids, cats, strict=True)):
        pos = (cell // strides[k]) % sizes[k]
        if d == time_id:
            columns["ar"] = np.array([periods[p][0] for p in pos], dtype=np.int64)
            if monthly:
                columns["manad"] = np.array([periods[p][1] or 12 for p in pos], dtype=np.int64)
            continue
        column = _JSON_COLUMNS.get(d.lower(), str(dimensions[d].get("label") or d).lower())
        if d.lower() == "region":
            shown = [
                labels[c] if labels[c].startswith(c) else f"{c} {labels[c]}".strip() for c in codes
            ]
        else:
            shown = [labels[c] for c in codes]
        columns[column] = np.array(shown, dtype=object)[pos]
        columns[f"_kod_{column}"] = np.array(codes, dtype=object)[pos]
        keys[column] = f"dimension.{d}"
    missing = [i for i, v in enumerate(values) if v is None]
    zero = [i for i in missing if status(i) == "-"]  # SCB: '-' = nothing to report, 0
    for i in zero:
        values[i] = 0.0
    missing = [i for i in missing if status(i) != "-"]
    if missing:
        problems = []
        for i in missing[:20]:
            where = ", ".join(
                f"{d}={cats[k][0][(i // strides[k]) % sizes[k]]}" for k, d in enumerate(ids)
            )
            sym = status(i)
            what = (
                f"status {sym!r}: SCB saknar uppgiften"
                if sym in ("..", ".", None)
                else f"status {sym!r}"
            )
            problems.append(
                Problem(
                    file=name,
                    line=lines[i],
                    column=f"value[{i}]",
                    message=(
                        f"värdet saknas (null; {what}) för {where}; en tabell med saknade "
                        "uppgifter kan inte läsas — välj år och områden där SCB har siffror."
                    ),
                )
            )
        if len(missing) > 20:
            problems.append(
                Problem(file=name, column="value", message=f"och {len(missing) - 20} till.")
            )
        raise InputError(problems)
    columns["antal"] = np.array(values, dtype=float)
    columns["_rad"] = np.array(lines, dtype=np.int64)
    out = pd.DataFrame(columns)
    ext: dict[str, object] = doc["extension"] if isinstance(doc.get("extension"), dict) else {}
    px_raw = ext.get("px")
    px: dict[str, object] = px_raw if isinstance(px_raw, dict) else {}
    out.attrs["file"] = name
    out.attrs["keys"] = keys
    out.attrs["table"] = " ".join(
        str(t) for t in (px.get("tableid"), f"”{doc.get('label', '')}”") if t
    )
    out.attrs["language"] = str(px.get("language") or "")
    out.attrs["ids"] = list(ids)
    return out


def describe_json(doc: object) -> str:
    """Why the decoded JSON ``doc`` is not a JSON-stat2 dataset, in words a user can act
    on (JSON-stat 1, PxWeb's API v1 JSON, an error answer of SCB's API …)."""
    if isinstance(doc, dict):
        if "dataset" in doc:
            return (
                "filen är JSON-stat version 1 (PxWeb API v1); hämta tabellen som JSON-stat2 "
                "(API v2, outputFormat=json-stat2)."
            )
        if "columns" in doc and "data" in doc:
            return (
                "filen är PxWeb:s egen JSON (API v1, format 'json'); hämta tabellen som "
                "JSON-stat2 (API v2, outputFormat=json-stat2)."
            )
        if "title" in doc and ("status" in doc or "detail" in doc):
            return (
                "filen är ett felsvar från SCB:s API, inte en tabell: "
                f"{doc.get('title')} {doc.get('detail') or ''}".strip()
            )
        return (
            'förväntade ett JSON-stat2-dataset ("class": "dataset", "version": '
            f'"2.0"); fann class={doc.get("class")!r}.'
        )
    return f"förväntade ett JSON-objekt (JSON-stat2-dataset); fann {type(doc).__name__}."


def _values(name: str, raw: object, n: int) -> list[float | None]:
    """The dataset's ``value`` as a list of ``n`` floats or None (dense or sparse form)."""
    if isinstance(raw, dict):
        dense: list[object] = [None] * n
        for key, v in raw.items():
            if not (key.isdigit() and int(key) < n):
                raise _json_problem(
                    name, f"value.{key}", f"förväntade en position 0–{n - 1}; fann {key!r}."
                )
            dense[int(key)] = v
        raw = dense
    if not isinstance(raw, list):
        raise _json_problem(name, "value", "förväntade en lista med tabellens värden.")
    if len(raw) != n:
        raise _json_problem(
            name,
            "value",
            (
                f"listan har {len(raw)} värden men dimensionernas storlek ('size') ger {n}; "
                "filen är avkortad eller ändrad."
            ),
        )
    out: list[float | None] = []
    for i, v in enumerate(raw):
        if v is None:
            out.append(None)
        elif (
            isinstance(v, (int, float))
            and not isinstance(v, bool)
            and np.isfinite(v)
            and v >= 0
            and float(v).is_integer()
        ):
            out.append(float(v))
        else:
            raise _json_problem(
                name, f"value[{i}]", f"förväntade ett heltal ≥ 0 (antal personer); fann {v!r}."
            )
    return out


def _pick_total(df: pd.DataFrame, column: str) -> pd.DataFrame:
    """A dimension the contract does not keep (``civilstånd``): its total category when
    the table has one (SCB's own sum), else every category (they are summed)."""
    codes = df[f"_kod_{column}"].astype(str).str.lower()
    total = df[column].map(_is_total) | codes.isin(_TOTAL_CODES)
    if not total.any():
        return df
    kinds = sorted(set(df.loc[total, column]))
    if len(kinds) > 1:
        raise _json_problem(
            df.attrs["file"],
            df.attrs["keys"].get(column, column),
            f"flera totalkategorier ({', '.join(map(repr, kinds))}); välj en vid hämtningen.",
        )
    out = df[total].copy()
    out.attrs = df.attrs
    return out


def _guess_kind(labels: list[str]) -> str | None:
    text = " ".join(labels).lower()
    if "medel" in text:
        return None
    for kind, words in _CONTENTS.items():
        if any(w in text for w in words):
            return kind
    if any(_flow(label) for label in labels):
        return "flyttningar"
    return None


def _jsonstat_frame(kind: str, path: Path, display: str, root: str | Path | None) -> pd.DataFrame:
    """The JSON-stat2 file as the long frame of ``kind``'s reader, checked to be a table
    of that kind (its ContentsCode and age dimension) and of one region."""
    df = read_jsonstat2(path, display, root)
    keys: dict[str, str] = df.attrs["keys"]
    ids: list[str] = df.attrs["ids"]
    table = df.attrs["table"] or "tabellen"
    if df.attrs["language"] and df.attrs["language"] != "sv":
        raise _json_problem(
            display,
            "extension.px.language",
            (
                f"tabellen är hämtad på språket {df.attrs['language']!r}; hämta den på svenska "
                "(lang=sv): kategoriernas namn ('män', '0 år', 'Invandringar') läses."
            ),
        )
    content_col = "tabellinnehåll"
    if content_col not in df.columns:
        raise _json_problem(
            display,
            "id",
            (
                "dimensionen ContentsCode (tabellinnehåll) saknas; utan den går det inte att "
                f"se vad tabellen räknar. Tabellens dimensioner: {ids}."
            ),
        )
    contents = list(pd.unique(df[content_col]))
    codes = dict(zip(df[content_col], df[f"_kod_{content_col}"], strict=True))
    guess = _guess_kind([str(c) for c in contents])
    wrong = (
        f" Filen ser ut att vara en tabell över {_KIND_WORDS[guess]}; lägg den i "
        f"befolkning/ med ett namn som börjar på '{guess}'."
        if guess is not None and guess != kind
        else ""
    )
    if kind in _CONTENTS:
        bad = [
            c
            for c in contents
            if "medel" in str(c).lower() or not any(w in str(c).lower() for w in _CONTENTS[kind])
        ]
        if bad or len(contents) != 1:
            shown = ", ".join(f"{c!r} ({codes[c]})" for c in (bad or contents))
            raise _json_problem(
                display,
                keys[content_col],
                (
                    f"{table}: tabellinnehållet {shown} är inte {_KIND_WORDS[kind]}"
                    f"{' (en kategori)' if not bad else ''}; filen ska innehålla just "
                    f"{_KIND_WORDS[kind]}.{wrong}"
                ),
            )
        df = df.drop(columns=[content_col])
    elif guess is not None and guess != kind:
        raise _json_problem(
            display,
            keys[content_col],
            f"{table}: tabellinnehållet {contents[0]!r} är inte flyttningar.{wrong}",
        )
    age_id = _AGE_DIMENSION[kind]
    if age_id not in ids:
        other = next((d for d in ids if d in ("Alder", "AlderModer")), None)
        raise _json_problem(
            display,
            "id",
            (
                f"{table}: dimensionen {age_id} saknas"
                + (f" (tabellen har {other})" if other else "")
                + f"; {_KIND_WORDS[kind]} behöver den. Tabellens dimensioner: {ids}.{wrong}"
            ),
        )
    if "Kon" not in ids:
        raise _json_problem(
            display,
            "id",
            f"{table}: dimensionen Kon (kön) saknas; tabellens dimensioner: {ids}.{wrong}",
        )
    if "region" in df.columns and df["region"].nunique() > 1:
        regions = list(pd.unique(df["region"]))
        raise _json_problem(
            display,
            keys["region"],
            (
                f"tabellen har {len(regions)} regioner ({', '.join(map(str, regions[:10]))}); "
                "en fil ska bara innehålla en kommun — hämta tabellen med en region "
                "(valueCodes[Region]=kommunkoden)."
            ),
        )
    kept = {"region", "ålder", "moderns ålder", "kön", content_col}
    for column in [c for c in keys if c not in kept]:
        df = _pick_total(df, column)
    df = df.drop(columns=[c for c in df.columns if str(c).startswith("_kod_")])
    return df


def _json_reader(
    kind: str, df: pd.DataFrame, reader: Callable[[pd.DataFrame, bool], pd.DataFrame]
) -> pd.DataFrame:
    """``reader`` on the JSON frame, its problems naming the JSON keys, not CSV columns."""
    keys: dict[str, str] = df.attrs["keys"]
    try:
        return reader(_select_region(df, None), True)
    except InputError as e:
        raise InputError(
            [
                Problem(p.file, p.message, p.line, keys.get(p.column or "", p.column))
                for p in e.problems
            ]
        ) from None


# --------------------------------------------------------------------------------------
# wired into the contract's loader
# --------------------------------------------------------------------------------------
#: The contract's population kinds an SCB export can stand in for: the dimension columns
#: of the long file (besides ``ar``, ``manad`` and ``antal``) and the reader.
TABLES: dict[str, tuple[tuple[str, ...], Callable[[pd.DataFrame, bool], pd.DataFrame]]] = {
    "folkmangd": (("kon", "alder"), _folkmangd),
    "doda": (("kon", "alder"), _folkmangd),
    "fodda": (("moderns_alder", "kon"), _fodda),
    "flyttningar": (("kon", "alder", "riktning", "omrade"), _flyttningar),
}

#: How many non-blank lines above the header an SCB export may have (title, notes).
_MAX_TITLE_LINES = 30


def is_wide(lines: list[str], long_columns: tuple[str, ...]) -> bool:
    """Whether the text ``lines`` are an SCB wide table rather than a long file.

    The first non-blank line that is either a long header (its normalised fields hold
    every name in ``long_columns``) or a wide header (text columns, then year columns)
    decides; title lines above it are skipped, at most a few dozen. A long file's data
    rows are never looked at, so a long row such as ``K,2019,1000`` is not mistaken for
    a header.
    """
    seen = 0
    want = set(long_columns)
    for line in lines:
        if not line.strip():
            continue
        for delim in (",", ";", "\t"):
            if want <= {normalise_column(f) for f in split_line(line, delim)}:
                return False
        if _wide_header(line) is not None:
            return True
        seen += 1
        if seen >= _MAX_TITLE_LINES:
            return False
    return False


def wide_table(
    kind: str, path: str | Path, display: str, root: str | Path | None = None
) -> RawTable | None:
    """The SCB export at ``path`` as the contract's long table of ``kind``, or None when
    the file is not an SCB table (then it is read as the contract's long file).

    ``.csv`` and ``.txt`` files are SCB's CSV export when their header has year columns
    (:func:`is_wide`); a ``.json`` file is always SCB's JSON-stat2 (PxWeb API v2,
    :func:`read_jsonstat2`) and must be a table of ``kind``: its ContentsCode
    ('Folkmängd', 'Levande födda', 'Döda'; for flyttningar 'Inrikes inflyttningar',
    'Invandringar' …), its age dimension (``Alder``; ``AlderModer`` for födda) and
    ``Kon``. Both formats go through the same readers of the dimensions (totals skipped,
    '100+ år' → 100, 'män' → M …). The cells are the contract's columns as text (``ar``,
    ``manad`` for monthly columns, the dimensions of :data:`TABLES` and ``antal``), each
    row with the file line of its first value, so the contract's parser gives the frame
    of the long file with the same figures.

    Raises
    ------
    analysis.core.errors.InputError
        Naming ``display``, the line and the column (for JSON the key, e.g.
        ``dimension.Kon`` or ``value[17]``) of every problem; also when the file holds
        several regions (one kommun per file) or, for JSON, is a table of another kind.
    """
    if kind not in TABLES:
        raise ArgumentError("kind", f"okänt slag {kind!r}; kända: {', '.join(TABLES)}.")
    path = Path(path)
    dims, reader = TABLES[kind]
    if path.name.lower().endswith(".json"):
        frame = _jsonstat_frame(kind, path, display, root)
        keys: dict[str, str] = frame.attrs["keys"]
        long = _json_reader(kind, frame, reader)
        time_key = "dimension.Tid"
        named = {
            "ar": time_key,
            "manad": time_key,
            "antal": "value",
            "kon": keys.get("kön"),
            "alder": keys.get("ålder"),
            "moderns_alder": keys.get("moderns ålder"),
            "riktning": keys.get("tabellinnehåll"),
            "omrade": keys.get("tabellinnehåll"),
        }
        return _raw_table(long, dims, named, display, None)
    if not path.name.lower().endswith((".csv", ".txt")):
        return None
    lines = _lines(path, display, root)
    if not is_wide(lines, ("ar", *dims, "antal")):
        return None
    df = read_scb_table(path, display, root)
    header: list[str] = df.attrs["header"]
    delimiter: str = df.attrs["delimiter"]
    try:
        df = _select_region(df, None)
    except ArgumentError as e:
        raise InputError(
            Problem(
                file=display,
                column=_find_optional(df, ("region", "kommun")),
                message=(
                    f"{e.message.rstrip('.')}; en fil ska bara innehålla en kommun — "
                    "exportera tabellen från SCB med en region."
                ),
            )
        ) from None
    long = reader(df, True)
    year_columns = [f for f in header if _YEAR.match(f)]
    original = {normalise_column(f): f for f in header if not _YEAR.match(f)}
    years = f"årskolumnen ({year_columns[0]}–{year_columns[-1]})"
    named = {
        "ar": years,
        "manad": years,
        "antal": years,
        "kon": _original(original, ("kon",)),
        "alder": _original(original, ("alder",)),
        "moderns_alder": _original(original, ("alder",)),
        "riktning": _original(original, ("tabelluppgift", "flyttning")),
        "omrade": _original(original, ("tabelluppgift", "flyttning")),
    }
    return _raw_table(long, dims, named, display, delimiter)


def _raw_table(
    long: pd.DataFrame,
    dims: tuple[str, ...],
    named: dict[str, str | None],
    display: str,
    delimiter: str | None,
) -> RawTable:
    """The long frame of a reader as the contract's text table."""
    columns = ["ar", *(["manad"] if "manad" in long.columns else []), *dims, "antal"]
    data = pd.DataFrame(
        {
            c: long[c].astype("int64").astype(str)
            if pd.api.types.is_numeric_dtype(long[c])
            else long[c].astype(str)
            for c in columns
        }
    )
    return RawTable(
        file=display,
        columns=columns,
        original={c: named.get(c) or c for c in columns},
        data=data.reset_index(drop=True),
        lines=long["_rad"].to_numpy(dtype=np.int64),
        encoding=None,
        delimiter=delimiter,
        header_line=max(int(long["_rad"].min()) - 1, 1) if len(long) else 1,
    )


def _original(original: dict[str, str], words: tuple[str, ...]) -> str | None:
    """The header's own spelling of the first column whose normalised name holds a word."""
    for key, spelt in original.items():
        if any(w in key for w in words):
            return spelt
    return None
