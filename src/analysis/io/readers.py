"""Tolerant reading of one raw input file (CSV or ``.xlsx``).

:func:`read_table` returns every cell as a stripped string together with the line
number a spreadsheet user would see (the header is line 1). The ``parse_*`` helpers
turn string columns into numbers and periods and report *every* bad cell with its
file, line and column, in Swedish.

What a file may look like (see ``DATA_CONTRACT.md``, "General rules for every input
file"):

* ``.csv``/``.txt`` (optionally gzip-compressed as ``.csv.gz``/``.txt.gz``) or ``.xlsx``
  (first sheet);
* UTF-8 with or without BOM, or Windows-1252 (Swedish Excel's "CSV (semikolonavgränsad)");
  UTF-16 with BOM (Excel's "Unicode-text") is accepted as well;
* delimiter ``;``, ``,`` or tab, chosen from the header line;
* decimal comma or point, thousands grouped with spaces, non-breaking spaces or
  apostrophes.

The same data saved as Swedish-Excel CSV, as plain UTF-8 CSV or as ``.xlsx`` gives the
same strings and, through :func:`parse_numbers`, exactly the same numbers.

Numbers (:func:`parse_numbers`): a leading ``-``, ``+`` or ``−``; thousands grouped in
threes with space, non-breaking space, narrow no-break space or apostrophe; the decimal
mark is decided per column. A cell holding both ``.`` and ``,`` uses the last one as
decimal mark. A cell that can only be read one way (``1234,5``, ``12,50``, ``0,125``,
``1.234.567`` → comma is decimal; ``1234.5``, ``1,234,567`` → point is decimal) is a
vote for its column, and cells that could be read both ways (``1,234``, ``1.234``)
follow the majority. Without votes, single commas are decimal commas (Swedish) unless
the column also holds a cell like ``1.234``, whose point is then the decimal mark.

Reading is fast for the common case (pyarrow's multi-threaded CSV reader, line numbers
``2..n+1``). Blank lines and quoted fields are handled with vectorised line-number
bookkeeping, rows with too few fields by a second, serial pyarrow pass that numbers
them; only files with quoted fields spanning lines, mixed line endings or blank lines
before the header take the exact but slower pure-Python path (about 3 µs per row).
"""

from __future__ import annotations

import codecs
import csv
import datetime as _dt
import gzip
import io
import os
import re
import stat
import unicodedata
import zipfile
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, TypeAlias

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from analysis.core.errors import InputError, Problem
from analysis.core.format import MAX_DECIMALS, MINUS, antal, tal

__all__ = [
    "RawTable",
    "normalise_column",
    "read_table",
    "require_columns",
    "parse_numbers",
    "parse_periods",
    "arrow_column",
    "categorical_column",
    "SUPPORTED_FORMATS",
    "quoted",
    "open_input_file",
    "MAX_QUOTED_CHARS",
    "read_bytes",
    "decode",
    "split_line",
]

#: Human-readable list of the supported file formats, used in messages.
SUPPORTED_FORMATS = ".csv, .txt, .csv.gz, .txt.gz och .xlsx"

#: Candidate CSV delimiters, in order of preference on ties.
DELIMITERS = (";", ",", "\t")

#: At most this many problems are listed per column; beyond it one summarising problem
#: is added, so that a wholly wrong column in a multi-million-row file does not build
#: millions of objects.
MAX_PROBLEMS_PER_COLUMN = 10_000
#: Reading a CSV file stops after this many rows with too many fields.
_MAX_ROW_PROBLEMS = 1_000

#: A cell value quoted in an error message is cut to this many characters, so that a
#: hostile or broken cell (a megabyte of text) never floods the message.
MAX_QUOTED_CHARS = 60
#: The most characters one cell may hold (Excel's own limit per cell).
MAX_CELL_CHARS = 32_767
#: An .xlsx file may unpack to at most this many bytes in total (its zip directory is
#: checked before anything is unpacked) ...
MAX_XLSX_UNCOMPRESSED = 256 * 1024 * 1024
#: ... and no member bigger than :data:`_RATIO_MIN_BYTES` may be compressed more than
#: this (ordinary worksheets compress 5–30 times; a zip bomb thousands of times).
MAX_XLSX_RATIO = 200
_RATIO_MIN_BYTES = 1024 * 1024
#: A ``.csv.gz`` file may unpack to at most this many bytes.
MAX_GZIP_UNCOMPRESSED = 4 * 1024 * 1024 * 1024

_DELIMITER_NAMES = {";": "';' (semikolon)", ",": "',' (komma)", "\t": "tabb", "|": "'|'"}
_SAMPLE_BYTES = 1 << 20
_SAMPLE_RECORDS = 50

#: What a CSV or xlsx reader hands to :func:`_finish`: the header, its line, one pyarrow
#: string array per column and the spreadsheet line of each row. (pyarrow ships no type
#: information, so its arrays are ``Any`` to the type checker.)
_Cells: TypeAlias = tuple[list[str], int, list[Any], np.ndarray]


# ---------------------------------------------------------------------------------------
# The table
# ---------------------------------------------------------------------------------------
@dataclass
class RawTable:
    """The cells of one input file as strings, with spreadsheet line numbers.

    ``data`` has one column per normalised name; every cell is a ``str`` (``''`` when
    empty), stripped of surrounding whitespace. ``lines[i]`` is the spreadsheet line of
    ``data.iloc[i]``. ``header_line`` is the line of the header row (1 unless an xlsx
    sheet or a CSV file starts with empty rows).
    """

    file: str
    columns: list[str]
    original: dict[str, str]
    data: pd.DataFrame
    lines: np.ndarray
    encoding: str | None
    delimiter: str | None
    header_line: int = 1

    def __len__(self) -> int:
        return len(self.data)

    def display(self, column: str) -> str:
        """The column's name as spelt in the file (for messages)."""
        return self.original.get(column, column)


# ---------------------------------------------------------------------------------------
# Column names
# ---------------------------------------------------------------------------------------
_STRIP_CHARS = "\ufeff\u200b\u2060"
_SEPARATOR_RUN = re.compile(r"[\s\-_\u2010-\u2015]+")


def normalise_column(name: str) -> str:
    """Normalise a column name: case- and accent-insensitive, ``_`` between words.

    >>> normalise_column("År"), normalise_column(" Månad "), normalise_column("Ordinarie tid h")
    ('ar', 'manad', 'ordinarie_tid_h')
    >>> normalise_column("\\ufeffSjuk-h  långtid")
    'sjuk_h_langtid'
    """
    text = str(name).strip().strip(_STRIP_CHARS).strip().casefold()
    # å/ä → a, ö → o, é → e (and every other accented letter): drop combining marks.
    text = "".join(
        ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch)
    )
    return _SEPARATOR_RUN.sub("_", text)


def _clean_original(name: str) -> str:
    return str(name).replace("\ufeff", "")


def quoted(value: object, limit: int = MAX_QUOTED_CHARS) -> str:
    """A value in single quotes for an error message, cut to ``limit`` characters.

    >>> quoted("BUN")
    "'BUN'"
    >>> quoted("x" * 100)
    "'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…' (100 tecken)"
    """
    text = str(value)
    if len(text) <= limit:
        return f"'{text}'"
    return f"'{text[:limit]}…' ({len(text)} tecken)"


# ---------------------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------------------
def _cp1252_c1(error: UnicodeError) -> tuple[str, int]:
    # The five bytes Windows-1252 leaves undefined (0x81, 0x8D, 0x8F, 0x90, 0x9D) are
    # mapped to the C1 control characters of the same value, as Windows itself does.
    if not isinstance(error, UnicodeDecodeError):  # pragma: no cover - decoding only
        raise error
    return bytes(error.object[error.start : error.end]).decode("latin-1"), error.end


codecs.register_error("analysis-cp1252-c1", _cp1252_c1)


def read_table(
    path: str | os.PathLike[str],
    file: str | None = None,
    *,
    expected_columns: Iterable[str] = (),
    root: str | os.PathLike[str] | None = None,
) -> RawTable:
    """Read one CSV or ``.xlsx`` file into a :class:`RawTable` of strings.

    ``file`` is the name used in messages (default: the file's name). ``expected_columns``
    are the normalised names the caller hopes to find; they only guide the choice of CSV
    delimiter — use :func:`require_columns` to insist on them. Only a regular file is
    read, never a symbolic link; with ``root`` (``data/raw``) it must lie inside ``root``
    (:func:`open_input_file`). Every cell is Unicode-normalised to NFC, so names saved on
    a Mac (decomposed å/ä/ö) equal the same names typed elsewhere.
    """
    path = Path(path)
    display = file if file is not None else path.name
    lower = path.name.lower()
    expected = {normalise_column(c) for c in expected_columns}

    if lower.endswith(".xlsx"):
        return _read_xlsx(path, display, root)
    if lower.endswith((".csv.gz", ".txt.gz")):
        raw = read_bytes(path, display, root)
        try:
            with gzip.GzipFile(fileobj=io.BytesIO(raw)) as unpacked:
                raw = unpacked.read(MAX_GZIP_UNCOMPRESSED + 1)
        except (OSError, EOFError, zlib.error) as exc:
            raise InputError(
                Problem(
                    file=display,
                    message="filen är inte en giltig gzip-komprimerad fil (trasig eller avkortad?)",
                )
            ) from exc
        if len(raw) > MAX_GZIP_UNCOMPRESSED:
            raise InputError(
                Problem(
                    file=display,
                    message=(
                        f"filen packas upp till mer än {_format_bytes(MAX_GZIP_UNCOMPRESSED)} och "
                        "läses inte (en så stor fil är troligen fel); dela upp den per år"
                    ),
                )
            )
        return _read_csv_bytes(raw, display, expected)
    if lower.endswith((".csv", ".txt")):
        return _read_csv_bytes(read_bytes(path, display, root), display, expected)

    suffix = "".join(path.suffixes[-2:]) if lower.endswith(".gz") else path.suffix
    if lower.endswith((".xls", ".xlsm", ".xlsb", ".ods")):
        hint = "spara den i Excel som Excel-arbetsbok (.xlsx) eller som CSV"
    else:
        hint = "spara den som CSV eller Excel-arbetsbok (.xlsx)"
    raise InputError(
        Problem(
            file=display,
            message=(
                f"filformatet '{suffix or path.name}' stöds inte; {hint}. "
                f"Filformat som kan läsas: {SUPPORTED_FORMATS}"
            ),
        )
    )


def open_input_file(
    path: str | os.PathLike[str], display: str, root: str | os.PathLike[str] | None = None
) -> BinaryIO:
    """Open an input file for binary reading, refusing anything but a regular file.

    A symbolic link is never followed (also not for the file's own name: the file is
    opened with ``O_NOFOLLOW``), nor is a device, FIFO or folder read. With ``root``
    (``data/raw``) the file's resolved path must lie inside the resolved ``root``. The
    refusal names the file only: nothing of what a link points to is read or shown.

    Returns
    -------
    file object
        Opened in ``"rb"`` mode; the caller closes it.

    Raises
    ------
    InputError
        When the file is missing, a link, not a regular file, or outside ``root``.
    """
    path = Path(path)
    try:
        info = os.lstat(path)
    except FileNotFoundError as exc:
        raise InputError(Problem(file=display, message="filen finns inte")) from exc
    except OSError as exc:
        raise InputError(
            Problem(
                file=display,
                message=f"filen kunde inte läsas ({exc.strerror or exc})",
            )
        ) from exc
    if stat.S_ISLNK(info.st_mode):
        raise InputError(
            Problem(
                file=display,
                message=(
                    "filen är en symbolisk länk och läses inte; av säkerhetsskäl läses "
                    "bara vanliga "
                    "filer i data/raw. Ersätt länken med en kopia av filen"
                ),
            )
        )
    if not stat.S_ISREG(info.st_mode):
        raise InputError(
            Problem(
                file=display,
                message=(
                    "är inte en vanlig fil (utan t.ex. en mapp eller en enhet) och läses inte; "
                    "lägg en vanlig CSV- eller .xlsx-fil här"
                ),
            )
        )
    if root is not None:
        base = Path(root).resolve()
        if not path.resolve().is_relative_to(base):
            raise InputError(
                Problem(
                    file=display,
                    message=(
                        "filen ligger utanför data/raw (via en länkad mapp) och läses inte; lägg "
                        "filen direkt i data/raw"
                    ),
                )
            )
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:  # e.g. ELOOP: replaced by a link since the check
        raise InputError(
            Problem(
                file=display,
                message=f"filen kunde inte läsas ({exc.strerror or exc})",
            )
        ) from exc
    handle = os.fdopen(fd, "rb")
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        handle.close()
        raise InputError(Problem(file=display, message="är inte en vanlig fil och läses inte"))
    return handle


def read_bytes(
    path: str | os.PathLike[str], display: str, root: str | os.PathLike[str] | None = None
) -> bytes:
    """The whole content of one input file, read through :func:`open_input_file` (a
    regular file only, never a symbolic link; inside ``root`` when given).

    Raises
    ------
    InputError
        Naming ``display`` when the file is refused or cannot be read.
    """
    with open_input_file(path, display, root) as handle:
        try:
            data: bytes = handle.read()
            return data
        except MemoryError as exc:
            raise InputError(
                Problem(file=display, message=("filen är för stor för att läsas in i minnet"))
            ) from exc
        except OSError as exc:
            raise InputError(
                Problem(
                    file=display,
                    message=f"filen kunde inte läsas ({exc.strerror or exc})",
                )
            ) from exc


def _is_valid_utf8(data: bytes) -> bool:
    """Validate UTF-8 without materialising a Python str (Arrow's SIMD validator)."""
    buf = pa.py_buffer(data)
    offsets = pa.py_buffer(np.array([0, buf.size], dtype=np.int64))
    arr = pa.Array.from_buffers(pa.large_binary(), 1, [None, offsets, buf])
    try:
        arr.cast(pa.large_string())
    except pa.ArrowInvalid:
        return False
    return True


# A UTF-8 sequence for a Latin-1 letter or a typographic sign (å = C3 A5, NBSP = C2 A0,
# – = E2 80 93, € = E2 82 AC) inside a file that is not valid UTF-8 as a whole: the file
# mixes UTF-8 and Windows-1252, and reading it as Windows-1252 would turn 'Förbättrat'
# into 'FÃ¶rbÃ¤ttrat'. In Windows-1252 these bytes read 'Ã', 'Â' or 'â' followed by a
# sign, which Swedish text does not have.
_UTF8_IN_CP1252 = re.compile(
    rb"\xC3[\x80-\xBF]|\xC2[\xA0-\xBF]|\xE2\x80[\x90-\xBF]|\xE2\x82\xAC|\xE2\x84\xA2"
)
# Text that already is mojibake (UTF-8 read as Windows-1252 and saved again as UTF-8):
# 'Ã' or 'Â' followed by what Windows-1252 makes of a UTF-8 continuation byte.
_MOJIBAKE_UTF8 = re.compile(
    rb"\xC3[\x82\x83](?:\xC2[\xA0-\xBF]|\xC5[\x92\x93\xA0\xA1\xB8\xBD\xBE]|\xC6\x92"
    rb"|\xCB[\x86\x9C]|\xE2\x80[\x93\x94\x98-\x9E\xA0-\xA2\xA6\xB0\xB9\xBA]|\xE2\x82\xAC"
    rb"|\xE2\x84\xA2)"
)


def _format_bytes(size: int) -> str:
    return f"{antal(size // (1024 * 1024))} MB"


def _line_of(raw: bytes, position: int) -> int:
    """The physical line (1 = the first) holding byte ``position``."""
    return raw.count(b"\n", 0, position) + 1


def _garbled_at(raw: bytes, match: re.Match[bytes], encoding: str) -> str:
    start = max(raw.rfind(b"\n", 0, match.start()) + 1, match.start() - 8)
    chunk = raw[start : match.end() + 8]
    lines = chunk.decode(encoding, errors="replace").splitlines()
    return lines[0] if lines else ""


def decode(raw: bytes, display: str) -> tuple[bytes, str]:
    """Return the file's content as UTF-8 bytes (without BOM) and the detected encoding
    (``utf-8``, ``utf-8-sig``, ``utf-16`` or ``cp1252``): the package's one encoding
    detector, for the contract's CSV files and SCB's exports alike.

    A file that is neither valid UTF-8 nor pure Windows-1252 — parts saved as UTF-8,
    parts as Windows-1252 — is refused with the line of the first UTF-8 letter, and so
    is UTF-8 text that already is mojibake ('FÃ¶rbÃ¤ttrat'); so are a workbook saved as
    ``.csv`` and a binary file. ``display`` names the file in the error.
    """
    if raw.startswith(codecs.BOM_UTF8):
        body = raw[len(codecs.BOM_UTF8) :]
        if not (body.isascii() or _is_valid_utf8(body)):
            raise InputError(
                Problem(
                    file=display,
                    message=(
                        "filen är märkt som UTF-8 men innehåller tecken som inte är "
                        "giltig UTF-8; spara den på nytt som 'CSV UTF-8' eller "
                        "'CSV (semikolonavgränsad)'"
                    ),
                )
            )
        _refuse_mojibake(body, display)
        return body, "utf-8-sig"
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # Excel's "Unicode-text (*.txt)": UTF-16 with BOM, usually tab-delimited.
        try:
            return raw.decode("utf-16").encode("utf-8"), "utf-16"
        except UnicodeDecodeError as exc:
            raise InputError(
                Problem(
                    file=display,
                    message="filen är märkt som UTF-16 men går inte att avkoda",
                )
            ) from exc
    head = raw[:4096]
    if head.startswith(b"PK\x03\x04"):
        raise InputError(
            Problem(
                file=display,
                message=(
                    "filen verkar vara en Excel-arbetsbok, inte en CSV-fil; "
                    "ge den ändelsen .xlsx eller spara den som CSV"
                ),
            )
        )
    if b"\x00" in head:
        raise InputError(
            Problem(
                file=display,
                message=(
                    "filen verkar inte vara en textfil; förväntade en CSV-fil "
                    "(UTF-8 eller Windows-1252) eller en .xlsx-fil"
                ),
            )
        )
    if raw.isascii():
        return raw, "utf-8"
    if _is_valid_utf8(raw):
        _refuse_mojibake(raw, display)
        return raw, "utf-8"
    found = _UTF8_IN_CP1252.search(raw)
    if found is not None:
        raise InputError(
            Problem(
                file=display,
                line=_line_of(raw, found.start()),
                message=(
                    "filen blandar teckenkodningar (UTF-8 och Windows-1252); raden "
                    "skulle läsas som "
                    f"{quoted(_garbled_at(raw, found, 'cp1252'), 20)} och texten bli förvanskad "
                    "(t.ex. 'FÃ¶rbÃ¤ttrat' i stället för 'Förbättrat'). Spara hela filen på nytt "
                    "med en kodning, t.ex. 'CSV UTF-8' i Excel"
                ),
            )
        )
    return raw.decode("cp1252", errors="analysis-cp1252-c1").encode("utf-8"), "cp1252"


def _refuse_mojibake(body: bytes, display: str) -> None:
    """Refuse UTF-8 text that already is mojibake ('Ã¶' for 'ö'), naming the line."""
    if body.find(b"\xc3\x83") < 0 and body.find(b"\xc3\x82") < 0:
        return
    found = _MOJIBAKE_UTF8.search(body)
    if found is not None:
        raise InputError(
            Problem(
                file=display,
                line=_line_of(body, found.start()),
                message=(
                    f"raden innehåller förvanskad text "
                    f"({quoted(_garbled_at(body, found, 'utf-8'), 20)}:"
                    " tecken som sparats om i fel teckenkodning, t.ex. 'Ã¶' i stället för 'ö'); "
                    "rätta texten i källan och spara filen på nytt som 'CSV UTF-8'"
                ),
            )
        )


def split_line(line: str, delimiter: str) -> list[str]:
    """The fields of one CSV line (``"`` quotes, doubled inside a field), as every reader
    of the package splits them.

    >>> split_line('"2580 Luleå";"0 år";409', ";")
    ['2580 Luleå', '0 år', '409']
    """
    return next(csv.reader([line], delimiter=delimiter, quotechar='"', strict=False), [])


def _blank(fields: list[str]) -> bool:
    return all(not f.strip() for f in fields)


def _sample_records(text: str, delimiter: str, truncated: bool) -> tuple[list[list[str]], int, int]:
    """Parse the start of the file; return (records, index of header record, header's
    physical line count). ``records`` starts at the header; the last record is dropped
    when the sample was cut off."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    records: list[list[str]] = []
    header_index = -1
    header_physical = 0
    index = 0
    try:
        for record in reader:
            if header_index < 0:
                if _blank(record):
                    index += 1
                    continue
                header_index = index
                header_physical = reader.line_num
            records.append(record)
            index += 1
            if len(records) > _SAMPLE_RECORDS + 1:
                break
    except csv.Error:
        pass
    if truncated and len(records) > 1 and len(records) <= _SAMPLE_RECORDS + 1:
        records.pop()
    return records, header_index, header_physical


def _choose_delimiter(text: str, truncated: bool, expected: set[str]) -> str | None:
    """The best delimiter for the sample; None when the sample holds nothing but
    delimiters and whitespace."""
    best_key = None
    best = DELIMITERS[0]
    for priority, delimiter in enumerate(DELIMITERS):
        records, header_index, _ = _sample_records(text, delimiter, truncated)
        if not records:
            return None
        header = records[0]
        names = {normalise_column(h) for h in header}
        matches = len(names & expected)
        ncols = len(header)
        # Field counts, ignoring empty fields beyond the header (harmless, see below).
        counts = [
            len(r) if len(r) <= ncols or not _blank(r[ncols:]) else ncols
            for r in records[1:]
            if not _blank(r)
        ]
        equal = sum(c == ncols for c in counts) / len(counts) if counts else 1.0
        fits = sum(c <= ncols for c in counts) / len(counts) if counts else 1.0
        # A reading counts with its number of columns when most rows have exactly that
        # many fields, or none has more (rows may be short). A stray row with too many
        # fields (e.g. an unquoted decimal comma) is then reported on its line.
        columns = ncols if (equal >= 0.5 or fits == 1.0) else 0
        key = (matches, columns, fits, equal, -priority)
        if best_key is None or key > best_key:
            best_key, best = key, delimiter
    return best


def _read_csv_bytes(raw: bytes, display: str, expected: set[str]) -> RawTable:
    body, encoding = decode(raw, display)
    if not body or body.isspace():
        raise InputError(Problem(file=display, message="filen är tom"))

    truncated = len(body) > _SAMPLE_BYTES
    head = (
        body[:_SAMPLE_BYTES].decode("utf-8", errors="ignore") if truncated else body.decode("utf-8")
    )
    delimiter = _choose_delimiter(head, truncated, expected)
    if delimiter is None:
        raise InputError(Problem(file=display, message="filen är tom"))
    records, header_index, header_physical = _sample_records(head, delimiter, truncated)
    if not records:
        raise InputError(Problem(file=display, message="filen är tom"))

    fast = _read_csv_fast(body, display, delimiter, records[0], header_index, header_physical)
    if fast is not None:
        header, header_line, arrays, lines = fast
    else:
        header, header_line, arrays, lines = _read_csv_exact(body, display, delimiter)
    return _finish(display, header, header_line, arrays, lines, encoding, delimiter)


def _empty_columns(header: list[str]) -> list[pa.Array]:
    return [pa.array([], pa.large_string()) for _ in header]


def _read_csv_fast(
    body: bytes,
    display: str,
    delimiter: str,
    header: list[str],
    header_index: int,
    header_physical: int,
) -> _Cells | None:
    """pyarrow's reader; returns None when the file needs the exact path.

    Works on index ranges of ``body`` (no copies of a possibly large buffer).
    """
    if header_index != 0 or header_physical != 1:
        return None  # leading blank lines or a header spanning lines
    term = b"\n" if body.find(b"\n") >= 0 else b"\r"
    header_end = body.find(term)
    if header_end < 0:  # header only, without a line terminator
        return header, 1, _empty_columns(header), np.empty(0, np.int64)
    if body.find(b"\r", 0, max(header_end - 1, 0)) >= 0:
        return None  # a lone CR inside the header line: mixed line endings
    start = header_end + 1
    stop = len(body)
    while stop > start and body[stop - 1] in b"\r\n":
        stop -= 1  # trailing blank lines do not move any row
    if stop <= start:
        return header, 1, _empty_columns(header), np.empty(0, np.int64)

    physical_lines = body.count(term, start, stop) + 1
    ncols = len(header)
    data = pa.py_buffer(body).slice(start, stop - start)

    irregular = False

    def abort(row: Any) -> str:
        nonlocal irregular
        irregular = True
        return "error"

    try:
        table = _arrow_read(data, ncols, delimiter, threads=True, handler=abort)
        invalid: list[tuple[int, str]] = []
    except pa.ArrowException:
        if not irregular:
            return None
        # Rows with too few (or too many) fields: read again serially, where pyarrow
        # numbers the rows it hands over, and put the repaired rows back in place.
        invalid = []

        def collect(row: Any) -> str:
            if row.number is None:
                return "error"
            invalid.append((row.number, row.text))
            return "skip"

        try:
            table = _arrow_read(data, ncols, delimiter, threads=False, handler=collect)
        except pa.ArrowException:
            return None

    rows = table.num_rows + len(invalid)
    if rows == physical_lines:
        lines = np.arange(2, physical_lines + 2, dtype=np.int64)
    else:
        # pyarrow skipped empty lines (or joined lines inside quotes): find out which.
        found = _nonempty_lines(body, start, stop, term)
        if found is None or rows != len(found):
            return None
        lines = found
    columns = [table.column(i) for i in range(ncols)]
    if invalid:
        repaired = _repair_rows(columns, invalid, lines, display, delimiter, ncols)
        if repaired is None:
            return None
        columns = repaired
    return header, 1, columns, lines


def _arrow_read(
    data: pa.Buffer, ncols: int, delimiter: str, *, threads: bool, handler: Callable[[Any], str]
) -> pa.Table:
    names = [f"f{i}" for i in range(ncols)]
    return pacsv.read_csv(
        pa.BufferReader(data),
        read_options=pacsv.ReadOptions(column_names=names, encoding="utf8", use_threads=threads),
        parse_options=pacsv.ParseOptions(
            delimiter=delimiter,
            quote_char='"',
            double_quote=True,
            escape_char=False,
            newlines_in_values=False,
            ignore_empty_lines=True,
            invalid_row_handler=handler,
        ),
        convert_options=pacsv.ConvertOptions(
            column_types={n: pa.large_string() for n in names},
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
            check_utf8=False,
        ),
    )


def _too_many_fields(display: str, line: int, found: int, ncols: int, delimiter: str) -> Problem:
    return Problem(
        file=display,
        line=line,
        message=(
            f"raden har {found} fält men rubrikraden har {ncols}; kontrollera "
            f"avgränsaren ({_DELIMITER_NAMES[delimiter]}) och att fält som innehåller "
            f"den, t.ex. tal med decimalkomma, står inom citattecken"
        ),
    )


def _repair_rows(
    columns: list[pa.Array],
    invalid: list[tuple[int, str]],
    lines: np.ndarray,
    display: str,
    delimiter: str,
    ncols: int,
) -> list[pa.Array] | None:
    """Pad short rows (and drop empty trailing fields of long ones) and merge them back
    at their positions; raise for rows with real extra fields. None: use the exact path."""
    fixed: list[list[str]] = []
    problems: list[Problem] = []
    for number, text in invalid:
        fields = split_line(text, delimiter)
        if len(fields) > ncols and not _blank(fields[ncols:]):
            if len(problems) < _MAX_ROW_PROBLEMS:
                problems.append(
                    _too_many_fields(display, int(lines[number - 1]), len(fields), ncols, delimiter)
                )
            continue
        fixed.append((fields + [""] * ncols)[:ncols])
    if problems:
        if len(problems) == _MAX_ROW_PROBLEMS:
            problems.append(
                Problem(
                    file=display,
                    message=f"minst {len(problems)} rader har för många fält; de första listas",
                )
            )
        raise InputError(problems)

    total = len(columns[0]) + len(fixed) if columns else len(fixed)
    positions = np.fromiter((n - 1 for n, _ in invalid), dtype=np.int64, count=len(invalid))
    if len(positions) and (positions.max() >= total or len(np.unique(positions)) != len(positions)):
        return None
    is_fixed = np.zeros(total, dtype=bool)
    is_fixed[positions] = True
    order = np.empty(total, dtype=np.int64)
    good = total - len(fixed)
    order[~is_fixed] = np.arange(good)
    order[positions] = good + np.arange(len(fixed))
    take = pa.array(order)
    merged = []
    for j, column in enumerate(columns):
        extra = pa.array([row[j] for row in fixed], type=pa.large_string())
        chunks = (column.chunks if isinstance(column, pa.ChunkedArray) else [column]) + [extra]
        merged.append(pa.chunked_array(chunks, type=pa.large_string()).take(take))
    return merged


def _nonempty_lines(body: bytes, start: int, stop: int, term: bytes) -> np.ndarray | None:
    """Spreadsheet line numbers (header = 1) of the non-empty lines in body[start:stop];
    None when a quoted field spans lines (the exact path must count records)."""
    arr = np.frombuffer(body, dtype=np.uint8, count=stop - start, offset=start)
    breaks = np.flatnonzero(arr == term[0])
    if body.find(b'"', start, stop) >= 0:
        qpos = np.flatnonzero(arr == 34)
        per_line = np.bincount(np.searchsorted(breaks, qpos), minlength=len(breaks) + 1)
        if (per_line % 2).any():
            return None
    starts = np.concatenate(([0], breaks + 1))
    ends = np.concatenate((breaks, [len(arr)]))
    length = ends - starts
    if term == b"\n":
        nonempty = length > 0
        has_cr = np.zeros(len(ends), dtype=bool)
        has_cr[nonempty] = arr[ends[nonempty] - 1] == 13
        length = length - has_cr
    return (np.flatnonzero(length > 0) + 2).astype(np.int64)


def _read_csv_exact(body: bytes, display: str, delimiter: str) -> _Cells:
    """The reference reader: Python's csv module, one record per spreadsheet row."""
    text = body.decode("utf-8")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    header: list[str] | None = None
    header_line = 1
    columns: list[list[str]] = []
    lines: list[int] = []
    problems: list[Problem] = []
    stopped = False
    number = 0
    try:
        for number, record in enumerate(reader, start=1):
            if _blank(record):
                continue
            if header is None:
                header, header_line = record, number
                columns = [[] for _ in header]
                continue
            ncols = len(header)
            if len(record) > ncols:
                if _blank(record[ncols:]):
                    record = record[:ncols]  # trailing empty fields only: harmless
                else:
                    if len(problems) >= _MAX_ROW_PROBLEMS:
                        stopped = True
                        break  # enough to show the pattern; do not read millions of rows
                    problems.append(
                        _too_many_fields(display, number, len(record), ncols, delimiter)
                    )
                    continue
            elif len(record) < ncols:
                record = record + [""] * (ncols - len(record))
            for col, value in zip(columns, record, strict=True):
                col.append(value)
            lines.append(number)
    except csv.Error as exc:
        raise InputError(
            Problem(
                file=display,
                line=number + 1,
                message=f"raden kan inte tolkas som CSV ({exc}); kontrollera citattecknen",
            )
        ) from exc
    if header is None:
        raise InputError(Problem(file=display, message="filen är tom"))
    if problems:
        if stopped:
            problems.append(
                Problem(
                    file=display,
                    message=f"läsningen avbröts efter {len(problems)} rader med för många fält",
                )
            )
        raise InputError(problems)
    arrays = [pa.array(col, type=pa.large_string()) for col in columns]
    return header, header_line, arrays, np.asarray(lines, dtype=np.int64)


# --- xlsx --------------------------------------------------------------------------
def _xlsx_cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 2**53:
            return str(int(value))  # 4010.0 → '4010', so ids and accounts stay text-equal
        return repr(value)
    if isinstance(value, _dt.datetime):
        return value.date().isoformat()
    if isinstance(value, (_dt.date, _dt.time)):
        return value.isoformat()
    return str(value)


def _invalid_xlsx(display: str) -> InputError:
    return InputError(
        Problem(
            file=display,
            message="filen är inte en giltig .xlsx-fil (trasig eller avkortad?)",
        )
    )


def _check_zip_sizes(raw: bytes, display: str) -> None:
    """Refuse an .xlsx whose zip directory promises more than the reader should unpack.

    Only the directory is read (nothing is unpacked): the total uncompressed size must be
    at most :data:`MAX_XLSX_UNCOMPRESSED` and no member above 1 MB may be compressed more
    than :data:`MAX_XLSX_RATIO` times (a 1 MB file holding a 1 GB shared string is a zip
    bomb). Python's zip reader never returns more than a member's declared size.
    """
    try:
        members = zipfile.ZipFile(io.BytesIO(raw)).infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as exc:
        raise _invalid_xlsx(display) from exc
    total = sum(m.file_size for m in members)
    if total > MAX_XLSX_UNCOMPRESSED:
        raise InputError(
            Problem(
                file=display,
                message=(
                    f"arbetsboken packas upp till {_format_bytes(total)}, mer än de "
                    f"{_format_bytes(MAX_XLSX_UNCOMPRESSED)} som läses; spara den som CSV eller "
                    "dela upp den per år"
                ),
            )
        )
    for member in members:
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > _RATIO_MIN_BYTES and ratio > MAX_XLSX_RATIO:
            times = antal(int(ratio))
            raise InputError(
                Problem(
                    file=display,
                    message=(
                        f"arbetsboken är misstänkt: delen {quoted(member.filename)} packas upp "
                        f"{times} gånger större (till {_format_bytes(member.file_size)}); "
                        "en vanlig arbetsbok packas upp högst några tiotal gånger. "
                        "Filen läses inte; spara om "
                        "den i Excel eller som CSV"
                    ),
                )
            )


def _read_xlsx(path: Path, display: str, root: str | os.PathLike[str] | None = None) -> RawTable:
    import openpyxl  # imported lazily: only needed for Excel files

    raw = read_bytes(path, display, root)
    if not raw.startswith(b"PK"):
        raise _invalid_xlsx(display)
    _check_zip_sizes(raw, display)
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except InputError:
        raise
    except MemoryError as exc:
        raise InputError(
            Problem(
                file=display,
                message=("arbetsboken är för stor för att läsas in i minnet; spara den som CSV"),
            )
        ) from exc
    except OSError as exc:
        if isinstance(exc, (FileNotFoundError, PermissionError, IsADirectoryError)):
            raise InputError(
                Problem(
                    file=display,
                    message=f"filen kunde inte läsas ({exc.strerror or exc})",
                )
            ) from exc
        raise _invalid_xlsx(display) from exc
    except Exception as exc:  # BadZipFile, KeyError, XML errors, ...
        raise _invalid_xlsx(display) from exc

    header: list[str] | None = None
    header_line = 1
    rows: list[list[str]] = []
    lines: list[int] = []
    try:
        sheets = workbook.worksheets
        if not sheets:
            raise InputError(Problem(file=display, message="arbetsboken har inget kalkylblad"))
        sheet = sheets[0]
        sheet.reset_dimensions()  # do not trust the stored dimension: read every cell
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            cells = [_xlsx_cell(v) for v in values]
            for position, cell in enumerate(cells, start=1):
                if len(cell) > MAX_CELL_CHARS:
                    from openpyxl.utils import get_column_letter

                    raise InputError(
                        _too_long(display, number, get_column_letter(position), len(cell))
                    )
            if _blank(cells):
                continue
            if header is None:
                header, header_line = cells, number
            else:
                rows.append(cells)
                lines.append(number)
    except InputError:
        raise
    except MemoryError as exc:
        raise InputError(
            Problem(
                file=display,
                message=("arbetsboken är för stor för att läsas in i minnet; spara den som CSV"),
            )
        ) from exc
    except Exception as exc:  # a truncated member surfaces only while reading
        raise _invalid_xlsx(display) from exc
    finally:
        workbook.close()

    if header is None:
        raise InputError(Problem(file=display, message="filen är tom"))
    width = max([len(header)] + [len(r) for r in rows])
    header = header + [""] * (width - len(header))
    columns: list[list[str]] = [[] for _ in range(width)]
    for row in rows:
        row = row + [""] * (width - len(row))
        for col, value in zip(columns, row, strict=True):
            col.append(value)
    arrays = [pa.array(col, type=pa.large_string()) for col in columns]
    return _finish(
        display, header, header_line, arrays, np.asarray(lines, dtype=np.int64), None, None
    )


# --- common ------------------------------------------------------------------------
def _too_long(display: str, line: int, column: str, length: int) -> Problem:
    return Problem(
        file=display,
        line=line,
        column=column,
        message=(
            f"cellen innehåller {antal(length)} tecken, fler än de {antal(MAX_CELL_CHARS)} "
            "en cell får ha; kontrollera att filen är rätt export"
        ),
    )


def _nfc(array: pa.Array) -> pa.Array:
    """NFC-normalise a string array (decomposed 'o' + '¨' from macOS becomes 'ö')."""
    if len(array) == 0 or pc.all(pc.string_is_ascii(array)).as_py():
        return array
    return pc.utf8_normalize(array, form="NFC")


def _finish(
    display: str,
    header: list[str],
    header_line: int,
    arrays: list[pa.Array],
    lines: np.ndarray,
    encoding: str | None,
    delimiter: str | None,
) -> RawTable:
    """Strip cells, drop all-empty rows and nameless empty columns, name the columns."""
    arrays = [_nfc(pc.utf8_trim_whitespace(pc.fill_null(a, ""))) for a in arrays]
    header = [unicodedata.normalize("NFC", str(h)) for h in header]
    for position, array in enumerate(arrays):
        if len(array) and pc.max(pc.binary_length(array)).as_py() > MAX_CELL_CHARS:
            lengths = np.asarray(pc.utf8_length(array).to_numpy(zero_copy_only=False))
            first = (
                int(np.flatnonzero(lengths > MAX_CELL_CHARS)[0])
                if (lengths > MAX_CELL_CHARS).any()
                else -1
            )
            if first >= 0:
                name = header[position] if position < len(header) else str(position + 1)
                raise InputError(
                    _too_long(
                        display,
                        int(lines[first]),
                        _clean_original(name)[:MAX_QUOTED_CHARS],
                        int(lengths[first]),
                    )
                )
    if arrays and len(lines):
        nonempty = pc.greater(pc.binary_length(arrays[0]), 0)
        for a in arrays[1:]:
            nonempty = pc.or_(nonempty, pc.greater(pc.binary_length(a), 0))
        if not pc.all(nonempty).as_py():
            mask = np.asarray(nonempty.to_numpy(zero_copy_only=False), dtype=bool)
            arrays = [pc.filter(a, nonempty) for a in arrays]
            lines = lines[mask]

    names: list[str] = []
    original: dict[str, str] = {}
    kept = []
    seen: dict[str, str] = {}
    for position, (raw_name, array) in enumerate(zip(header, arrays, strict=False), start=1):
        name = normalise_column(raw_name)
        spelt = _clean_original(raw_name)
        if not name:
            if len(array) == 0 or not pc.any(pc.greater(pc.binary_length(array), 0)).as_py():
                continue  # an unnamed, empty column (e.g. a trailing ';')
            name = f"kolumn_{position}"
            spelt = f"(namnlös kolumn {position})"
        if name in seen:
            raise InputError(
                Problem(
                    file=display,
                    line=header_line,
                    message=(
                        f"kolumnerna {quoted(seen[name])} och {quoted(spelt)} får samma namn "
                        f"('{name}'; skiftläge, mellanslag och å/ä/ö räknas inte); "
                        f"ta bort eller byt namn på den ena"
                    ),
                )
            )
        seen[name] = spelt
        names.append(name)
        original[name] = spelt
        kept.append(array)

    if kept:
        data = pa.table(kept, names=names).to_pandas()
        for name in names:  # make sure every column is a string column
            if not (pd.api.types.is_string_dtype(data[name].dtype)):
                data[name] = data[name].astype(str)
    else:
        data = pd.DataFrame(index=pd.RangeIndex(len(lines)))
    return RawTable(
        file=display,
        columns=names,
        original=original,
        data=data,
        lines=np.asarray(lines, dtype=np.int64),
        encoding=encoding,
        delimiter=delimiter,
        header_line=header_line,
    )


# ---------------------------------------------------------------------------------------
# Columns
# ---------------------------------------------------------------------------------------
def _quote_list(names: Iterable[str], limit: int = 40) -> str:
    names = list(names)
    text = ", ".join(quoted(n) for n in names[:limit])
    if len(names) > limit:
        text += f" … och {len(names) - limit} till"
    return text


def _delimiter_hint(table: RawTable, missing: list[str]) -> str | None:
    missing_set = set(missing)
    for name in table.columns:
        spelt = table.original.get(name, name)
        for char in (";", ",", "\t", "|"):
            if char == table.delimiter or char not in spelt:
                continue
            parts = [normalise_column(p) for p in spelt.split(char)]
            parts = [p for p in parts if p]
            if len(parts) < 2:
                continue
            if not (missing_set & set(parts) or len(table.columns) == 1):
                continue
            what = _DELIMITER_NAMES.get(char, f"'{char}'")
            if table.delimiter is None:
                return (
                    f"Hela rubrikraden verkar ligga i en cell, avgränsad med {what}; "
                    f"dela upp den i kolumner (i Excel: Data → Text till kolumner)"
                )
            used = _DELIMITER_NAMES.get(table.delimiter, repr(table.delimiter))
            return (
                f"Rubrikraden verkar vara avgränsad med {what}, men filen lästes med "
                f"{used} som avgränsare; kontrollera avgränsaren — alla rader ska "
                f"använda samma avgränsare (';', ',' eller tabb)"
            )
    return None


def require_columns(table: RawTable, names: Iterable[str]) -> None:
    """Raise one :class:`InputError` listing every missing column (normalised names)."""
    missing = []
    for name in names:
        norm = normalise_column(name)
        if norm not in table.columns and norm not in missing:
            missing.append(norm)
    if not missing:
        return
    which = "kolumnen" if len(missing) == 1 else "kolumnerna"
    found = [table.original.get(c, c) for c in table.columns]
    message = f"saknar {which} {_quote_list(missing)}; "
    if found:
        message += f"hittade kolumnerna {_quote_list(found)}"
    else:
        message += "filen har inga namngivna kolumner"
    hint = _delimiter_hint(table, missing)
    if hint:
        message += f". {hint}"
    raise InputError(Problem(file=table.file, line=table.header_line, message=message))


def _column_strings(table: RawTable, column: str) -> tuple[str, pa.Array]:
    name = column if column in table.columns else normalise_column(column)
    require_columns(table, [name])
    series = table.data[name]
    try:
        arr = pa.array(series.array)
    except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError):
        arr = pa.array(
            series.astype(object).where(series.notna(), "").map(str).tolist(),
            type=pa.large_string(),
        )
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    if not pa.types.is_large_string(arr.type):
        arr = pc.cast(arr, pa.large_string())
    arr = pc.fill_null(arr, "")
    if arr.offset or arr.null_count:
        arr = pa.concat_arrays([arr])  # a fresh, unsliced array for the byte-level helpers
    return name, arr


def arrow_column(table: RawTable, column: str) -> pa.Array:
    """A column as one contiguous pyarrow string array (for vectorised checks)."""
    return _column_strings(table, column)[1]


def categorical_column(table: RawTable, column: str) -> pd.Categorical:
    """A text column as a pandas Categorical, encoded by pyarrow (fast on millions of rows)."""
    encoded = pc.dictionary_encode(arrow_column(table, column))
    return pd.Categorical.from_codes(
        encoded.indices.to_numpy(zero_copy_only=False),
        categories=pd.Index(encoded.dictionary.to_pylist(), dtype="str"),
    )


def _problems(
    table: RawTable,
    column: str,
    indices: np.ndarray,
    values: pa.Array,
    message: Callable[[Any, int], str],
) -> list[Problem]:
    """One problem per bad cell ``indices`` (at most :data:`MAX_PROBLEMS_PER_COLUMN`);
    ``message(value, i)`` words it."""
    spelt = table.display(column)
    out = []
    for index in indices[:MAX_PROBLEMS_PER_COLUMN]:
        i = int(index)
        out.append(
            Problem(
                file=table.file,
                line=int(table.lines[i]),
                column=spelt,
                message=message(values[i].as_py(), i),
            )
        )
    return out


def _raise(table: RawTable, column: str, problems: list[Problem], total: int) -> None:
    problems.sort(key=lambda p: (p.line is None, p.line or 0))
    if total > len(problems):
        problems.append(
            Problem(
                file=table.file,
                column=table.display(column),
                message=f"totalt {antal(total)} felaktiga värden i kolumnen; de första "
                f"{antal(len(problems))} listas",
            )
        )
    raise InputError(problems)


# ---------------------------------------------------------------------------------------
# Numbers
# ---------------------------------------------------------------------------------------
_GROUP = " \u00a0\u2009\u202f'\u2019"  # space, NBSP, thin space, narrow NBSP, apostrophes
_GROUP_C = f"[{_GROUP}.]"  # grouping marks when ',' is the decimal mark
_GROUP_D = f"[{_GROUP},]"  # grouping marks when '.' is the decimal mark


def _number_pattern(group: str, decimal: str) -> str:
    integer = rf"(?:\d+|[1-9]\d{{0,2}}(?:{group}\d{{3}})+)"
    return (
        rf"^[+\-{MINUS}]?(?:{integer}(?:\{decimal}\d*)?|\{decimal}\d+)"
        rf"(?:[eE][+\-]?\d+)?$"
    )


_NUMBER_C = _number_pattern(_GROUP_C, ",")
_NUMBER_D = _number_pattern(_GROUP_D, ".")


def _format_bound(value: float) -> str:
    """A bound of a range check as the messages write it: ``−10 000``, ``0,5`` (as many
    decimals as the bound has)."""
    x = float(value)
    fraction = f"{abs(x):.{MAX_DECIMALS}f}".partition(".")[2].rstrip("0")
    return tal(x, min(len(fraction), MAX_DECIMALS))


def _bytes_of(arr: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """(offsets relative to the first value, UTF-8 bytes) of a large_string array
    without nulls; zero-copy views."""
    buffers = arr.buffers()
    offsets = np.frombuffer(buffers[1], dtype=np.int64, count=len(arr) + 1, offset=arr.offset * 8)
    if buffers[2] is None or len(arr) == 0:
        return offsets - offsets[0], np.empty(0, dtype=np.uint8)
    data = np.frombuffer(buffers[2], dtype=np.uint8)[offsets[0] : offsets[-1]]
    return offsets - offsets[0], data


def _strings_from(
    offsets: np.ndarray, data: np.ndarray, valid: np.ndarray | None = None
) -> pa.Array:
    validity = None
    if valid is not None and not valid.all():
        validity = pa.py_buffer(np.packbits(valid, bitorder="little"))
    return pa.Array.from_buffers(
        pa.large_string(),
        len(offsets) - 1,
        [
            validity,
            pa.py_buffer(np.ascontiguousarray(offsets, dtype=np.int64)),
            pa.py_buffer(np.ascontiguousarray(data)),
        ],
    )


def _cast_float(strings: pa.Array) -> np.ndarray | None:
    try:
        values = pc.cast(strings, pa.float64())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    return np.asarray(values.to_numpy(zero_copy_only=False), dtype=np.float64)


_DIGITS_SIGNS_EXP = b"0123456789+-eE"

# Byte classes for normalising valid number cells.
_OTHER, _DOT, _COMMA, _GROUP_BYTE, _HIGH = 0, 1, 2, 3, 4
_BYTE_KIND = np.zeros(256, dtype=np.uint8)
_BYTE_KIND[ord(".")] = _DOT
_BYTE_KIND[ord(",")] = _COMMA
_BYTE_KIND[[ord(" "), ord("'")]] = _GROUP_BYTE
_BYTE_KIND[0x80:] = _HIGH


def _parse_general(
    s: pa.Array, offsets: np.ndarray, data: np.ndarray, usable: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Parse with per-column decimal-mark detection; return (values, valid mask)."""
    match_c = np.asarray(
        pc.match_substring_regex(s, _NUMBER_C).to_numpy(zero_copy_only=False), dtype=bool
    )
    if (data == 44).any() or (data == 46).any():
        match_d = np.asarray(
            pc.match_substring_regex(s, _NUMBER_D).to_numpy(zero_copy_only=False), dtype=bool
        )
    else:
        match_d = match_c  # without marks both readings are the same
    only_c = match_c & ~match_d & usable
    only_d = match_d & ~match_c & usable
    both = match_c & match_d & usable
    c_votes, d_votes = int(only_c.sum()), int(only_d.sum())
    if c_votes != d_votes:
        column_c = c_votes > d_votes
    else:
        # No unambiguous evidence: '1.234' alone means 1,234 (point), while a column
        # whose only marks are single commas is Swedish (decimal comma).
        has_dot = np.zeros(len(usable), dtype=bool)
        if both.any():
            has_dot = np.asarray(
                pc.match_substring(s, ".").to_numpy(zero_copy_only=False), dtype=bool
            )
        column_c = not (both & has_dot).any()
    use_c = only_c | (both & column_c)
    valid = (match_c | match_d) & usable

    # Normalise the bytes of the valid cells to '-1234.5': their only non-ASCII
    # characters are the grouping spaces/apostrophes (dropped) and '−' (E2 88 92 → '-').
    kind = _BYTE_KIND[data]
    minus = np.zeros(len(data), dtype=bool)
    if (kind == _HIGH).any():
        minus[:-1] = (data[:-1] == 0xE2) & (data[1:] == 0x88)
    if use_c[valid].all() or not use_c[valid].any():
        decimal_c = bool(use_c[valid].all()) if valid.any() else True
        drop = (kind == _GROUP_BYTE) | (kind == _HIGH) | (kind == (_DOT if decimal_c else _COMMA))
        comma_to_dot = (kind == _COMMA) if decimal_c else None
    else:
        use_c_b = np.repeat(use_c, np.diff(offsets))
        drop = (
            (kind == _GROUP_BYTE)
            | (kind == _HIGH)
            | ((kind == _DOT) & use_c_b)
            | ((kind == _COMMA) & ~use_c_b)
        )
        comma_to_dot = (kind == _COMMA) & use_c_b
    drop &= ~minus
    normal = data.copy()
    normal[minus] = 45
    if comma_to_dot is not None:
        normal[comma_to_dot] = 46
    keep = ~drop
    kept = np.concatenate(([0], np.cumsum(keep, dtype=np.int64)))
    values = _cast_float(_strings_from(kept[offsets], normal[keep], valid))
    if values is None:  # pragma: no cover - the patterns only admit castable text
        raise AssertionError("number normalisation produced unparsable text")
    valid &= np.isfinite(values)
    return values, valid


def parse_numbers(
    table: RawTable,
    column: str,
    *,
    allow_empty: bool = False,
    integer: bool = False,
    minimum: float | None = None,
    maximum: float | None = None,
) -> np.ndarray:
    """Parse a string column into float64; NaN for empty cells when ``allow_empty``.

    Accepts a leading ``-``, ``+`` or ``−``, thousands grouped with spaces, (narrow)
    non-breaking spaces or apostrophes, and a decimal comma or point, decided per column
    (see the module documentation and ``DATA_CONTRACT.md``). Every bad cell is reported,
    in one :class:`InputError`.
    """
    column, s = _column_strings(table, column)
    offsets, data = _bytes_of(s)
    empty_np = np.diff(offsets) == 0
    usable = ~empty_np
    any_empty = bool(empty_np.any())

    values = None
    if not any_empty or allow_empty:
        # Fast paths, consistent with the general rules, chosen from the characters
        # present: plain '1234.5' columns, and columns whose only mark is a decimal
        # comma ('1234,5'). Anything else (grouping, '−', text) takes the strict path.
        rest = data.tobytes().translate(None, _DIGITS_SIGNS_EXP)
        if not rest.translate(None, b"."):
            values = _cast_float(_strings_from(offsets, data, usable))
        elif not rest.translate(None, b","):
            swapped = data.copy()
            swapped[data == 44] = 46
            values = _cast_float(_strings_from(offsets, swapped, usable))
        if values is not None and not np.isfinite(values[usable]).all():
            values = None  # defensive: let the strict path judge
    if values is not None:
        valid = usable.copy()
    else:
        values, valid = _parse_general(s, offsets, data, usable)

    what = "ett heltal" if integer else "ett tal"
    example = "ett heltal som 12 eller 1 234" if integer else "ett tal som 1234,50 eller -1 234,50"

    bad_text = ~valid & ~empty_np
    bad_empty = empty_np if not allow_empty else np.zeros(len(values), dtype=bool)
    values = np.where(valid, values, np.nan)
    checked = valid & ~np.isnan(values)
    bad_integer = np.zeros(len(values), dtype=bool)
    if integer:
        bad_integer = checked & (np.floor(values) != values)
    bad_low = np.zeros(len(values), dtype=bool)
    bad_high = np.zeros(len(values), dtype=bool)
    if minimum is not None:
        bad_low = checked & ~bad_integer & (values < minimum)
    if maximum is not None:
        bad_high = checked & ~bad_integer & (values > maximum)

    masks = (bad_text, bad_empty, bad_integer, bad_low, bad_high)
    total = int(sum(int(m.sum()) for m in masks))
    if total == 0:
        return values.astype(np.float64, copy=False)

    problems: list[Problem] = []
    problems += _problems(
        table,
        column,
        np.flatnonzero(bad_text),
        s,
        lambda v, i: f"{quoted(v)} är inte {what}; förväntade {example}",
    )
    problems += _problems(
        table,
        column,
        np.flatnonzero(bad_empty),
        s,
        lambda v, i: f"värde saknas; förväntade {example}",
    )
    problems += _problems(
        table,
        column,
        np.flatnonzero(bad_integer),
        s,
        lambda v, i: f"{quoted(v)} är inte ett heltal; förväntade {example}",
    )
    if minimum is not None:
        bound = _format_bound(minimum)
        problems += _problems(
            table,
            column,
            np.flatnonzero(bad_low),
            s,
            lambda v, i: f"{quoted(v)} är mindre än det minsta tillåtna värdet {bound}",
        )
    if maximum is not None:
        bound = _format_bound(maximum)
        problems += _problems(
            table,
            column,
            np.flatnonzero(bad_high),
            s,
            lambda v, i: f"{quoted(v)} är större än det högsta tillåtna värdet {bound}",
        )
    _raise(table, column, problems[:MAX_PROBLEMS_PER_COLUMN], total)
    raise AssertionError("unreachable")  # pragma: no cover


# ---------------------------------------------------------------------------------------
# Periods
# ---------------------------------------------------------------------------------------
_PERIOD = (
    r"^(?P<y>\d{4})(?:-(?P<m>\d{1,2})(?:-(?P<d>\d{1,2})"
    r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?)?|(?P<m2>\d{2}))$"
)
_PERIOD_EXPECTED = "förväntade en period som ÅÅÅÅ-MM, till exempel 2023-04"


def _parse_period_values(values: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """codes (int64) and an error kind per value: 0 ok, 1 format, 2 month, 3 year, 4 empty."""
    n = len(values)
    codes = np.zeros(n, dtype=np.int64)
    kind = np.zeros(n, dtype=np.int8)
    if n == 0:
        return codes, kind
    parts = pc.extract_regex(values, _PERIOD)
    matched = np.asarray(parts.is_valid().to_numpy(zero_copy_only=False), dtype=bool)

    def field(name: str) -> np.ndarray:
        # Unmatched values and groups that did not take part give '' → 0.
        text = pc.fill_null(pc.struct_field(parts, name), "")
        text = pc.if_else(pc.equal(text, ""), "0", text)
        return np.asarray(pc.cast(text, pa.int64()).to_numpy(zero_copy_only=False), dtype=np.int64)

    year = field("y")
    month = field("m") + field("m2")
    day = field("d")
    empty = np.asarray(
        pc.equal(pc.binary_length(values), 0).to_numpy(zero_copy_only=False), dtype=bool
    )
    has_day_text = np.asarray(
        pc.fill_null(
            pc.not_equal(pc.fill_null(pc.struct_field(parts, "d"), ""), ""), False
        ).to_numpy(zero_copy_only=False),
        dtype=bool,
    )
    kind[~matched] = 1
    kind[matched & has_day_text & ((day < 1) | (day > 31))] = 1
    kind[(kind == 0) & ((month < 1) | (month > 12))] = 2
    kind[(kind == 0) & ((year < 1900) | (year > 2200))] = 3
    kind[empty] = 4
    codes = np.where(kind == 0, year * 100 + month, 0).astype(np.int64)
    return codes, kind


def parse_periods(table: RawTable, column: str) -> np.ndarray:
    """Parse a period column into ``yyyymm`` codes (int64).

    Accepts ``2023-04``, ``2023-4``, ``202304`` and dates ``2023-04-30`` (what an xlsx
    date cell — or Excel's automatic date conversion — gives), meaning that month.
    """
    column, s = _column_strings(table, column)
    encoded = pc.dictionary_encode(s)  # periods repeat: parse each distinct value once
    codes_u, kind_u = _parse_period_values(encoded.dictionary)
    indices = np.asarray(encoded.indices.to_numpy(zero_copy_only=False), dtype=np.int64)
    codes = codes_u[indices]
    kind = kind_u[indices]
    if not kind.any():
        return codes

    messages = {
        1: lambda v: f"{quoted(v)} är ingen period; {_PERIOD_EXPECTED}",
        2: lambda v: (
            f"{quoted(v)} är ingen giltig period: månaden måste vara 01–12; {_PERIOD_EXPECTED}"
        ),
        3: lambda v: f"{quoted(v)} är ingen giltig period: året måste vara 1900–2200",
        4: lambda v: f"värde saknas; {_PERIOD_EXPECTED}",
    }
    bad = np.flatnonzero(kind)
    problems = _problems(table, column, bad, s, lambda v, i: messages[int(kind[i])](v))
    _raise(table, column, problems, len(bad))
    raise AssertionError("unreachable")  # pragma: no cover
