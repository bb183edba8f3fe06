"""Writing Excel workbooks: the one writer behind ``analysis export`` and the report workbooks.

Both kinds of workbook are written the same way:

* sheet names are valid and unique (:func:`sheet_name`);
* every text is a text cell that Excel never reads as a formula (:func:`force_text`): a
  förvaltning named ``=HYPERLINK(…)`` or ``+1`` stays text;
* numbers are stored unrounded, as numbers; the number formats (:func:`number_format`,
  :data:`FORMAT_TKR` …) are display only, and Excel shows them with the reader's own
  separators;
* a sheet has its header in bold, frozen under the first row, and columns as wide as
  their content (:func:`write_sheet`);
* the file is written atomically (:func:`save_workbook`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from analysis.core.atomic import atomic_path
from analysis.core.format import is_missing, is_number

#: Amounts in tkr with one decimal.
FORMAT_TKR = "#,##0.0;-#,##0.0"
#: Percent values (already in percent) with two decimals.
FORMAT_PROCENT = "0.00"
#: Counts.
FORMAT_ANTAL = "#,##0"

#: The longest sheet name Excel accepts.
SHEET_NAME_LENGTH = 31
#: Column widths (in characters) a sheet's columns are kept between.
MIN_WIDTH, MAX_WIDTH = 10, 60

#: A text starting with one of these is a formula (or a DDE call) to Excel, LibreOffice
#: or Google Sheets when typed, pasted or re-entered.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\ufe62", "\uff0b")

_SHEET_INVALID = re.compile(r"[\[\]:*?/\\]")
_EXCEL_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_FORMAT_DECIMALS = re.compile(r"\.(0+)")


def excel_text(value: Any) -> Any:
    """A string without the control characters Excel refuses (other values unchanged).

    >>> excel_text("a\\x00b"), excel_text(1.5)
    ('ab', 1.5)
    """
    return _EXCEL_ILLEGAL.sub("", value) if isinstance(value, str) else value


def force_text(cell: Any) -> Any:
    """Make an openpyxl cell holding a string a plain text cell, never a formula.

    openpyxl stores a string starting with ``=`` as a live formula; here every string
    cell gets the text type, loses the control characters Excel refuses, and a text that
    starts like a formula (:data:`FORMULA_START`) also gets Excel's quote prefix, so that
    editing the cell does not turn it into a formula either. Other cells are left as
    they are.

    Returns
    -------
    cell
        The same cell.
    """
    value = cell.value
    if isinstance(value, str):
        text = excel_text(value)
        cell.value = text
        cell.data_type = "s"
        if text.startswith(FORMULA_START):
            cell.quotePrefix = True
    return cell


def text_cell(ws: Any, row: int, col: int, value: Any) -> Any:
    """Write ``value`` as text into the cell at ``row``, ``col`` (1-based) of worksheet
    ``ws``: a text cell that Excel never reads as a formula. Returns the cell."""
    cell = ws.cell(row=row, column=col)
    cell.value = excel_text(str(value))
    return force_text(cell)


def sheet_name(name: str, taken: set[str]) -> str:
    """A valid, unique Excel sheet name (≤ 31 characters, none of ``[]:*?/\\``).

    ``taken`` holds the lower-cased names already used and is updated.

    >>> taken = {"om rapporten"}
    >>> sheet_name("drift: [mkr]/år", taken), sheet_name("Drift mkr/år", taken)
    ('drift mkrår', 'Drift mkrår (2)')
    """
    base = _EXCEL_ILLEGAL.sub("", _SHEET_INVALID.sub("", str(name))).strip().strip("'")
    base = base[:SHEET_NAME_LENGTH].strip() or "Tabell"
    candidate, n = base, 2
    while candidate.lower() in taken or candidate.lower() == "history":
        suffix = f" ({n})"
        candidate = base[: SHEET_NAME_LENGTH - len(suffix)].rstrip() + suffix
        n += 1
    taken.add(candidate.lower())
    return candidate


def number_format(decimals: int, percent: bool = False) -> str:
    """The Excel number format for ``decimals`` decimals: grouped thousands, or for a
    column already in percent no grouping.

    >>> number_format(1), number_format(0), number_format(2, percent=True)
    ('#,##0.0', '#,##0', '0.00')
    """
    fraction = "." + "0" * decimals if decimals > 0 else ""
    return f"0{fraction}" if percent else f"#,##0{fraction}"


def _width(value: Any, fmt: str | None) -> int:
    """The characters a number needs in its format (a text: its length)."""
    if not is_number(value):
        return len(str(value))
    if fmt is None:
        return len(str(value)) + 2
    match = _FORMAT_DECIMALS.search(fmt.split(";")[0])
    decimals = len(match.group(1)) if match else 0
    return len(f"{abs(value):,.{decimals}f}") + 2


def write_sheet(
    ws: Any,
    columns: Sequence[Any],
    rows: Iterable[Sequence[Any]],
    *,
    formats: Mapping[str, str] | None = None,
    numeric: Iterable[str] = (),
) -> None:
    """Write one table into worksheet ``ws``: a bold header row, then the rows.

    Numbers are stored as numbers with the column's format from ``formats`` (column
    name → Excel number format; a column without one shows Excel's default); missing
    values (``None``, NaN, ``pd.NA``) are left empty; everything else is written as text
    (:func:`text_cell`). The header of a ``numeric`` column is right-aligned. The first
    row is frozen and each column is as wide as its content (10–60 characters).
    """
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    columns = [str(c) for c in columns]
    formats = dict(formats or {})
    numeric = {str(c) for c in numeric}
    bold = Font(bold=True)
    widths = [len(c) for c in columns]
    for j, col in enumerate(columns, start=1):
        cell = text_cell(ws, 1, j, col)
        cell.font = bold
        cell.alignment = Alignment(
            horizontal="right" if col in numeric else "left", wrap_text=True, vertical="bottom"
        )
    for i, row in enumerate(rows, start=2):
        for j, (col, value) in enumerate(zip(columns, row, strict=False), start=1):
            if is_missing(value):
                continue
            fmt = formats.get(col)
            if is_number(value):
                value = value.item() if hasattr(value, "item") else value  # numpy → Python
                cell = ws.cell(row=i, column=j, value=value)
                if fmt:
                    cell.number_format = fmt
            else:
                text_cell(ws, i, j, value)
            widths[j - 1] = max(widths[j - 1], _width(value, fmt))
    for j, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(j)].width = min(max(MIN_WIDTH, width + 2), MAX_WIDTH)
    ws.freeze_panes = "A2"


def save_workbook(wb: Any, out: str | Path) -> Path:
    """Save the openpyxl workbook ``wb`` at ``out`` atomically; returns the path."""
    out = Path(out)
    with atomic_path(out, keep_suffix=True) as tmp:
        wb.save(tmp)
    return out


def write_workbook(
    sheets: Mapping[str, Any],
    out: str | Path,
    formats: Mapping[str, Mapping[str, str]] | None = None,
) -> Path:
    """Write frames (sheet name → DataFrame) to ``out`` atomically, one sheet each
    (:func:`write_sheet`), with the number formats of ``formats`` (sheet name → column
    name → Excel number format)."""
    import pandas as pd
    from openpyxl import Workbook

    formats = formats or {}
    wb = Workbook()
    wb.remove(wb.active)
    taken: set[str] = set()
    for name, frame in sheets.items():
        ws = wb.create_sheet(sheet_name(name, taken))
        numeric = [
            c
            for c in frame.columns
            if pd.api.types.is_numeric_dtype(frame[c].dtype)
            and not pd.api.types.is_bool_dtype(frame[c].dtype)
        ]
        write_sheet(
            ws,
            frame.columns,
            frame.itertuples(index=False, name=None),
            formats=formats.get(name, {}),
            numeric=numeric,
        )
    return save_workbook(wb, out)
