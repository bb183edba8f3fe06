"""Tables in the report notebooks: Swedish number format, escaped HTML and a data part.

A notebook cell calls :func:`show_table`; it displays one output with two mimetypes:

* ``text/html``: a ``<table class="rapport-tabell">`` with caption, numbers right-aligned
  in Swedish format and avvikelse columns marked ``negativ``/``positiv`` (colour *and*
  sign, never colour alone);
* :data:`TABLE_MIMETYPE`: the same table as plain data (unrounded values), from which
  :mod:`analysis.batch.publish` writes the Excel sheets and re-renders the HTML, so that no
  HTML from a notebook is ever trusted.

Every number is written by :func:`analysis.core.format.tal`.

>>> payload = table_payload(pd.DataFrame({"Nämnd": ["Totalt"], "mkr": [-1234.5]}),
...                         "Drift, mkr", decimals=1)
>>> payload["name"], payload["rows"]
('drift_mkr', [['Totalt', -1234.5]])
>>> '<td class="tal">−1\\xa0234,5</td>' in render_html(payload)
True
"""

from __future__ import annotations

import datetime as dt
import html
import math
import numbers
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import pandas as pd

from analysis.core.errors import ArgumentError
from analysis.core.format import MAX_DECIMALS, MISSING, is_missing, is_number, slug, tal

#: The mimetype of the data part of a table output.
TABLE_MIMETYPE = "application/vnd.kommun-analysis.table+json"

#: Row labels that mark a sum row (shown in bold with a rule above).
_SUM_LABELS = re.compile(r"^\s*(totalt|summa)\b", re.IGNORECASE)

#: Status words (the first word of a status cell) and their CSS class. The word itself is
#: always shown: colour is never the only carrier of a status.
STATUS_CLASSES = {
    "grön": "status-gron",
    "gul": "status-gul",
    "röd": "status-rod",
    "ej": "status-ingen",
    "stämmer": "status-gron",
    "avviker": "status-rod",
}


def status_class(text: Any) -> str | None:
    """The CSS class of a status cell ('Grön', 'Röd – nås inte', 'Ej bedömd'), or None."""
    if not isinstance(text, str) or not text.strip():
        return None
    word = text.strip().split()[0].strip(".,:;–-").casefold()
    return STATUS_CLASSES.get(word)


def _decimals(decimals: Any, argument: str) -> int:
    """``decimals`` checked (an integer 0–10), else :class:`ArgumentError` naming
    ``argument``."""
    if (
        isinstance(decimals, bool)
        or not isinstance(decimals, numbers.Integral)
        or not (0 <= decimals <= MAX_DECIMALS)
    ):
        raise ArgumentError(
            argument,
            f"antalet decimaler måste vara ett heltal 0–{MAX_DECIMALS}, inte {decimals!r}.",
        )
    return int(decimals)


# --- the data part -------------------------------------------------------------------
def _json_value(value: Any) -> Any:
    """A JSON-able scalar: NaN/NA → None, numpy scalars → Python, dates → ISO text."""
    if is_missing(value):
        return None
    if isinstance(value, bool):
        return value
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        value = value.item()  # numpy scalar → Python scalar (exact)
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        x = float(value)
        return x if math.isfinite(x) else None
    if isinstance(value, (dt.date, dt.datetime, pd.Timestamp)):
        return value.isoformat()
    return str(value)


def _columns_of(df: pd.DataFrame) -> pd.DataFrame:
    if not isinstance(df, pd.DataFrame):
        raise ArgumentError("df", f"väntade en pandas DataFrame, fick {type(df).__name__}.")
    if not isinstance(df.index, pd.RangeIndex):  # a meaningful index becomes the labels
        df = df.reset_index()
    df = df.copy()
    df.columns = [" ".join(map(str, c)) if isinstance(c, tuple) else str(c) for c in df.columns]
    if len(set(df.columns)) != len(df.columns):
        dup = sorted({c for c in df.columns if list(df.columns).count(c) > 1})
        raise ArgumentError("df", f"kolumnnamnen måste vara unika; dubbletter: {dup}.")
    return df


def _unknown(names: Iterable[str], columns: Sequence[str], what: str) -> None:
    missing = [n for n in names if n not in columns]
    if missing:
        raise ArgumentError(
            what,
            f"nämner kolumner som inte finns: {missing}; tabellens kolumner är {list(columns)}.",
        )


def table_payload(
    df: pd.DataFrame,
    title: str,
    *,
    name: str | None = None,
    decimals: Mapping[str, int] | int = 0,
    percent: Iterable[str] = (),
    deviation: Iterable[str] = (),
    note: str | None = None,
    status: Iterable[str] = (),
    sum_rows: Iterable[int] = (),
) -> dict:
    """The data part of a table output (JSON-able, values unrounded)."""
    df = _columns_of(df)
    columns = list(df.columns)
    percent, deviation = [str(c) for c in percent], [str(c) for c in deviation]
    status = [str(c) for c in status]
    _unknown(percent, columns, "percent")
    _unknown(deviation, columns, "deviation")
    _unknown(status, columns, "status")
    numeric = [
        c
        for c in columns
        if pd.api.types.is_numeric_dtype(df[c]) and not pd.api.types.is_bool_dtype(df[c])
    ]
    if isinstance(decimals, Mapping):
        _unknown(decimals, columns, "decimals")
        dec = {c: _decimals(decimals.get(c, 0), f"decimals[{c!r}]") for c in numeric}
    else:
        n = _decimals(decimals, "decimals")
        dec = {c: n for c in numeric}
    rows = [[_json_value(v) for v in row] for row in df.itertuples(index=False, name=None)]
    return {
        "name": str(name) if name else slug(title, sep="_", fallback="tabell"),
        "title": str(title),
        "columns": columns,
        "rows": rows,
        "decimals": dec,
        "percent": percent,
        "deviation": deviation,
        "note": None if note is None else str(note),
        "status": status,
        "sum_rows": sorted({int(i) for i in sum_rows}),
    }


# --- the HTML part -------------------------------------------------------------------
#: Columns holding years, shown without thousands grouping.
YEAR_COLUMNS = {"år", "ar", "year"}


def render_html(payload: Mapping[str, Any]) -> str:
    """The ``<table class="rapport-tabell">`` for a table's data part.

    Everything from the payload is escaped, so this is safe for any payload, including
    one read back from a notebook file.
    """
    esc = html.escape
    columns = [str(c) for c in payload.get("columns") or []]
    decimals = payload.get("decimals") or {}
    percent = {str(c) for c in payload.get("percent") or []}
    deviation = {str(c) for c in payload.get("deviation") or []}
    status = {str(c) for c in payload.get("status") or []}
    sum_rows = set()
    for i in payload.get("sum_rows") or []:
        if isinstance(i, int) and not isinstance(i, bool):
            sum_rows.add(i)
    rows = payload.get("rows") or []
    numeric = {c for c in columns if c in decimals}

    def dec_of(col: str) -> int:
        try:
            return _decimals(decimals.get(col, 0), "decimals")
        except ArgumentError:
            return 0

    label_col = 0 if columns and columns[0] not in numeric else None
    head = "".join(
        f'<th scope="col" class="{"tal" if c in numeric else "text"}">{esc(c)}</th>'
        for c in columns
    )
    body = []
    for index, row in enumerate(rows):
        row = list(row)[: len(columns)] + [None] * (len(columns) - len(row))
        cells = []
        for j, (col, value) in enumerate(zip(columns, row, strict=True)):
            if (
                col.strip().casefold() in YEAR_COLUMNS
                and is_number(value)
                and float(value).is_integer()
            ):
                cells.append(f'<td class="tal">{int(value)}</td>')  # 2024, not 2 024
            elif is_number(value) or (col in numeric and is_missing(value)):
                d = dec_of(col)
                text = tal(value, d, procent=col in percent, tecken=col in deviation)
                classes = ["tal"]
                if col in deviation and is_number(value) and math.isfinite(value):
                    shown = round(float(value), d)
                    if shown < 0:
                        classes.append("negativ")
                    elif shown > 0:
                        classes.append("positiv")
                cells.append(f'<td class="{" ".join(classes)}">{esc(text)}</td>')
            else:
                text = MISSING if is_missing(value) else str(value)
                css = status_class(text) if col in status else None
                if css:
                    cells.append(f'<td class="text"><span class="{css}">{esc(text)}</span></td>')
                elif j == label_col:
                    cells.append(f'<th scope="row" class="text">{esc(text)}</th>')
                else:
                    cells.append(f'<td class="text">{esc(text)}</td>')
        is_sum = index in sum_rows or (
            label_col is not None and isinstance(row[0], str) and _SUM_LABELS.match(row[0])
        )
        body.append(
            f'<tr class="summa">{"".join(cells)}</tr>' if is_sum else f"<tr>{''.join(cells)}</tr>"
        )
    # a layout hint for the stylesheet: narrow tables stay compact, wide ones get smaller type
    width = " smal" if len(columns) <= 3 else " bred" if len(columns) >= 7 else ""
    parts = [
        f'<div class="rapport-tabell-block{width}">',
        '<table class="rapport-tabell">',
        f"<caption>{esc(str(payload.get('title', '')))}</caption>",
        f"<thead><tr>{head}</tr></thead>",
        f"<tbody>{''.join(body)}</tbody>",
        "</table>",
    ]
    note = payload.get("note")
    if note:
        parts.append(f'<p class="not">{esc(str(note))}</p>')
    parts.append("</div>")
    return "\n".join(parts)


def table_bundle(
    df: pd.DataFrame,
    title: str,
    *,
    name: str | None = None,
    decimals: Mapping[str, int] | int = 0,
    percent: Iterable[str] = (),
    deviation: Iterable[str] = (),
    note: str | None = None,
    status: Iterable[str] = (),
    sum_rows: Iterable[int] = (),
) -> dict[str, Any]:
    """The mimebundle :func:`show_table` displays: ``text/html`` and the data part."""
    payload = table_payload(
        df,
        title,
        name=name,
        decimals=decimals,
        percent=percent,
        deviation=deviation,
        note=note,
        status=status,
        sum_rows=sum_rows,
    )
    return {"text/html": render_html(payload), TABLE_MIMETYPE: payload}


def show_table(
    df: pd.DataFrame,
    title: str,
    *,
    name: str | None = None,
    decimals: Mapping[str, int] | int = 0,
    percent: Iterable[str] = (),
    deviation: Iterable[str] = (),
    note: str | None = None,
    status: Iterable[str] = (),
    sum_rows: Iterable[int] = (),
) -> None:
    """Show ``df`` as a report table in a notebook (one output, two mimetypes).

    Parameters
    ----------
    df : DataFrame
        The table; the first column may hold text row labels. A non-default index is
        shown as the first column(s).
    title : str
        The caption.
    name : str, optional
        The table's name in the Excel export; defaults to a slug of ``title``.
    decimals : int or dict
        Decimals for every number column, or per column (others get 0).
    percent : list of str
        Columns shown with `` %`` (values are already percent).
    deviation : list of str
        Avvikelse columns: negative values get class ``negativ`` (red, with ``−``),
        positive ``positiv`` (green, with ``+``).
    note : str, optional
        A note shown under the table.
    status : list of str
        Status columns ('Grön', 'Gul', 'Röd', 'Ej bedömd', 'Stämmer', 'Avviker'): the
        text is shown in a coloured label (:func:`status_class`).
    sum_rows : list of int
        Positions of further sum rows (bold, rule above) besides those labelled
        ``Totalt``/``Summa``.
    """
    from IPython.display import display

    display(
        table_bundle(
            df,
            title,
            name=name,
            decimals=decimals,
            percent=percent,
            deviation=deviation,
            note=note,
            status=status,
            sum_rows=sum_rows,
        ),
        raw=True,
    )
