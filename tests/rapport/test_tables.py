"""Report tables: Swedish number format, escaped HTML, the data part."""

from __future__ import annotations

import doctest
import json
import math
from html.parser import HTMLParser

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from analysis.core.errors import ArgumentError
from analysis.core.format import tal
from analysis.rapport import tables
from analysis.rapport.tables import TABLE_MIMETYPE, show_table, table_bundle

NBSP = "\u00a0"
MINUS = "\u2212"


# The tables' number format is analysis.core.format.tal (these tests came with it from the
# table module's own formatter; their home is tests/core/test_format.py once it exists).
@pytest.mark.parametrize(
    "value, kwargs, expected",
    [
        (-1234.5, {"decimals": 1}, f"{MINUS}1{NBSP}234,5"),
        (1234567.891, {"decimals": 2}, f"1{NBSP}234{NBSP}567,89"),
        (0, {}, "0"),
        (0.0, {"decimals": 2}, "0,00"),
        (-0.04, {"decimals": 1}, "0,0"),  # no "−0,0"
        (999.96, {"decimals": 1}, f"1{NBSP}000,0"),
        (12, {"tecken": True}, "+12"),
        (-12, {"tecken": True}, f"{MINUS}12"),
        (0.0, {"tecken": True}, "0"),
        (5.25, {"decimals": 2, "procent": True}, f"5,25{NBSP}%"),
        (-3.5, {"decimals": 1, "procent": True, "tecken": True}, f"{MINUS}3,5{NBSP}%"),
        (np.int64(-1500), {}, f"{MINUS}1{NBSP}500"),
        (np.float32(2.5), {"decimals": 1}, "2,5"),
        (float("nan"), {}, "–"),
        (None, {"decimals": 1}, "–"),
        (pd.NA, {}, "–"),
        (float("inf"), {}, "–"),
    ],
)
def test_tal(value, kwargs, expected):
    assert tal(value, **kwargs) == expected


def test_tal_rejects_text_and_bad_decimals():
    with pytest.raises(ArgumentError, match="inte ett tal"):
        tal("12")
    with pytest.raises(ArgumentError, match="decimaler"):
        tal(1.0, -1)
    with pytest.raises(ArgumentError, match="decimaler"):
        tal(1.0, 1.5)


def _parse(text: str) -> float:
    return float(text.replace(NBSP, "").replace(MINUS, "-").replace(",", "."))


@given(
    st.floats(min_value=-1e12, max_value=1e12, allow_nan=False),
    st.integers(min_value=0, max_value=4),
)
def test_tal_parses_back_to_the_rounded_value(x, decimals):
    text = tal(x, decimals)
    assert _parse(text) == round(x, decimals)
    assert "-" not in text and "." not in text
    assert len(text.split(",")[-1]) == decimals if decimals else "," not in text


@given(
    st.floats(min_value=-1e9, max_value=1e9, allow_nan=False), st.integers(min_value=0, max_value=3)
)
def test_signed_percent_parses_back(x, decimals):
    text = tal(x, decimals, procent=True, tecken=True)
    assert text.endswith(f"{NBSP}%")
    number = text[:-2]
    assert _parse(number.lstrip("+")) == round(x, decimals)
    assert number.startswith("+") == (round(x, decimals) > 0)


def test_cells_are_written_by_core_format():
    df = pd.DataFrame(
        {
            "Post": ["a", "b", "c"],
            "Avvikelse": [-1234.5, 12.0, -0.04],
            "Andel": [5.25, -3.5, np.nan],
        }
    )
    cells = _cells(
        table_bundle(
            df,
            "t",
            decimals={"Avvikelse": 1, "Andel": 2},
            percent=["Andel"],
            deviation=["Avvikelse"],
        )["text/html"]
    ).cells
    body = [c[2] for c in cells if c[0] == "td"]
    assert body == [
        f"{MINUS}1{NBSP}234,5",
        f"5,25{NBSP}%",
        "+12,0",
        f"{MINUS}3,50{NBSP}%",
        "0,0",
        "–",
    ]
    assert body[0] == tal(-1234.5, 1) and body[2] == tal(12.0, 1, tecken=True)


# --- tables ---------------------------------------------------------------------------
def _frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Nämnd": ["<script>alert(1)</script>", "Överförmyndarnämnden", "Totalt"],
            "Utfall": [-1234.5, 0.123456789, np.nan],
            "Avvikelse": [-10.26, 3.0, 0.01],
            "Andel": [12.345, np.nan, 100.0],
        }
    )


def _bundle(**kwargs):
    args = dict(
        name="drift",
        decimals={"Utfall": 1, "Avvikelse": 1, "Andel": 1},
        percent=["Andel"],
        deviation=["Avvikelse"],
        note="Not <b>viktig</b> & mer",
    )
    args.update(kwargs)
    return table_bundle(_frame(), "Drift <i>Överförmyndarnämnden</i>", **args)


class _Cells(HTMLParser):
    """Collects (tag, attrs, text) of every table cell and all tags seen."""

    def __init__(self) -> None:
        super().__init__()
        self.cells: list[tuple[str, dict, str]] = []
        self.tags: list[str] = []
        self._open: tuple[str, dict] | None = None
        self._text = ""

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag in ("td", "th"):
            self._open, self._text = (tag, dict(attrs)), ""

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._open:
            self.cells.append((*self._open, self._text))
            self._open = None

    def handle_data(self, data):
        self._text += data


def _cells(html: str) -> _Cells:
    parser = _Cells()
    parser.feed(html)
    return parser


def test_bundle_has_html_and_data_part():
    bundle = _bundle()
    assert set(bundle) == {"text/html", TABLE_MIMETYPE}
    assert bundle["text/html"].count('<table class="rapport-tabell">') == 1


def test_everything_is_escaped():
    html = _bundle()["text/html"]
    assert "<script" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<caption>Drift &lt;i&gt;Överförmyndarnämnden&lt;/i&gt;</caption>" in html
    assert '<p class="not">Not &lt;b&gt;viktig&lt;/b&gt; &amp; mer</p>' in html
    assert set(_cells(html).tags) <= {
        "div",
        "table",
        "caption",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
        "p",
    }


def test_escapes_column_names():
    df = pd.DataFrame({"<b>Nämnd</b>": ["a"], 'x"><script>': [1.0]})
    html = table_bundle(df, "t")["text/html"]
    assert "<script" not in html and "<b>" not in html
    assert "&lt;b&gt;Nämnd&lt;/b&gt;" in html


def test_numbers_right_aligned_in_swedish_format_and_row_labels():
    cells = _cells(_bundle()["text/html"]).cells
    head = [c for c in cells if c[1].get("scope") == "col"]
    assert [c[2] for c in head] == ["Nämnd", "Utfall", "Avvikelse", "Andel"]
    assert [c[1]["class"] for c in head] == ["text", "tal", "tal", "tal"]
    body = [c for c in cells if c[1].get("scope") != "col"]
    first_row = body[:4]
    assert first_row[0][0] == "th" and first_row[0][1]["scope"] == "row"
    assert first_row[1][2] == f"{MINUS}1{NBSP}234,5"
    assert "tal" in first_row[1][1]["class"].split()
    assert first_row[3][2] == f"12,3{NBSP}%"
    texts = [c[2] for c in body]
    assert "0,1" in texts and "–" in texts


def test_deviation_columns_get_classes_and_signs():
    cells = _cells(_bundle()["text/html"]).cells
    avvikelse = [c for c in cells if c[0] == "td" and c[1].get("scope") is None][1::3]
    assert [(c[2], c[1]["class"]) for c in avvikelse] == [
        (f"{MINUS}10,3", "tal negativ"),  # red and with the minus sign
        ("+3,0", "tal positiv"),
        ("0,0", "tal"),  # rounds to zero: no colour, no sign
    ]
    # other columns are never coloured, even when negative
    utfall = [c for c in cells if c[0] == "td"][0]
    assert utfall[2].startswith(MINUS) and "negativ" not in utfall[1]["class"]


def test_sum_row_is_marked():
    assert '<tr class="summa"><th scope="row" class="text">Totalt</th>' in _bundle()["text/html"]


def test_data_part_round_trips_exact_values():
    payload = _bundle()[TABLE_MIMETYPE]
    back = json.loads(json.dumps(payload, allow_nan=False))
    assert back == payload
    assert back["name"] == "drift"
    assert back["title"] == "Drift <i>Överförmyndarnämnden</i>"
    assert back["columns"] == ["Nämnd", "Utfall", "Avvikelse", "Andel"]
    assert back["rows"][0] == ["<script>alert(1)</script>", -1234.5, -10.26, 12.345]
    assert back["rows"][1][1] == 0.123456789  # unrounded
    assert back["rows"][1][3] is None and back["rows"][2][1] is None
    assert back["decimals"] == {"Utfall": 1, "Avvikelse": 1, "Andel": 1}
    assert back["percent"] == ["Andel"]
    assert back["note"] == "Not <b>viktig</b> & mer"


def test_data_part_uses_python_types():
    df = pd.DataFrame(
        {
            "År": ["2023"],
            "Antal": np.array([7], dtype=np.int64),
            "Värde": np.array([0.1], dtype=np.float64),
        }
    )
    row = table_bundle(df, "t")[TABLE_MIMETYPE]["rows"][0]
    assert row == ["2023", 7, 0.1]
    assert type(row[1]) is int and type(row[2]) is float


def test_name_defaults_to_slug_of_title():
    payload = table_bundle(_frame(), "Sjukfrånvaro Överförmyndarnämnden, %")[TABLE_MIMETYPE]
    assert payload["name"] == "sjukfranvaro_overformyndarnamnden"
    assert payload["decimals"] == {"Utfall": 0, "Avvikelse": 0, "Andel": 0}


def test_named_index_becomes_label_column():
    df = pd.DataFrame({"mkr": [1.5, -2.0]}, index=pd.Index(["Utfall", "Budget"], name="Post"))
    payload = table_bundle(df, "t", decimals=1)[TABLE_MIMETYPE]
    assert payload["columns"] == ["Post", "mkr"]
    assert payload["rows"] == [["Utfall", 1.5], ["Budget", -2.0]]


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"deviation": ["Avvik"]}, "'deviation': nämner kolumner som inte finns: \\['Avvik'\\]"),
        ({"percent": ["x"]}, "percent"),
        ({"decimals": {"Utfal": 1}}, "decimals"),
        ({"decimals": 11}, "0–10"),
    ],
)
def test_bad_arguments_name_the_problem(kwargs, message):
    with pytest.raises(ArgumentError, match=message):
        table_bundle(_frame(), "t", **kwargs)


def test_bad_frames_name_the_argument():
    with pytest.raises(ArgumentError, match="'df': väntade en pandas DataFrame"):
        table_bundle([1, 2], "t")
    df = pd.DataFrame([[1, 2]], columns=["a", "a"])
    with pytest.raises(ArgumentError, match="'df': kolumnnamnen måste vara unika"):
        table_bundle(df, "t")


def test_render_html_survives_a_hostile_payload():
    payload = {
        "title": "<script>",
        "columns": ["a", "<b>"],
        "decimals": {"<b>": "x"},
        "rows": [["<img src=x onerror=alert(1)>", "<script>"], [1]],
        "deviation": ["<b>"],
        "note": "<script>",
    }
    html = tables.render_html(payload)
    assert "<script" not in html and "<img" not in html and "<b>" not in html


def test_show_table_displays_one_raw_bundle(monkeypatch):
    import IPython.display

    calls = []
    monkeypatch.setattr(IPython.display, "display", lambda *objs, **kw: calls.append((objs, kw)))
    show_table(_frame(), "Drift", decimals=1, deviation=["Avvikelse"])
    assert len(calls) == 1
    (bundle,), kwargs = calls[0]
    assert kwargs == {"raw": True}
    assert set(bundle) == {"text/html", TABLE_MIMETYPE}
    assert math.isnan(_frame()["Utfall"][2]) and bundle[TABLE_MIMETYPE]["rows"][2][1] is None


def test_doctests():
    failures, _ = doctest.testmod(tables)
    assert failures == 0


def test_year_columns_are_not_grouped():
    import pandas as pd

    from analysis.rapport.tables import render_html, table_payload

    frame = pd.DataFrame({"År": [2024, 2040], "Folkmängd": [79832, 100000]})
    html = render_html(table_payload(frame, "Prognos"))
    assert ">2024<" in html and ">2040<" in html
    assert "100\u00a0000" in html
