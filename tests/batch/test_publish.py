"""Publishing executed notebooks: HTML (safe, offline), PDF and Excel, written atomically.

The notebooks are built here with nbformat (no kernel): their outputs are what a
report notebook produces, including hostile text from the data.
"""

from __future__ import annotations

import base64
import copy
import datetime as dt
import io
import os
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import numpy as np
import pandas as pd
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from analysis.batch import publish
from analysis.batch.publish import clean_svg, export_all, export_html, export_pdf, export_xlsx
from analysis.core.errors import ConfigurationError, PublishError
from analysis.core.format import datum
from analysis.rapport.tables import TABLE_MIMETYPE, table_bundle

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
NBSP, MINUS = "\u00a0", "\u2212"
SCRIPT_NAMND = "<script>alert(1)</script>"
PERIOD = "Delår 1, januari–april 2023"
META = {
    "kommun": "Exempelkommunen",
    "titel": "Delårsrapport & <uppföljning>",
    "namnd": "Överförmyndarnämnden",
    "period": PERIOD,
    "datum": "22 november 2026",
}


def _png() -> str:
    from matplotlib.figure import Figure

    fig = Figure(figsize=(2, 1))
    fig.subplots().plot([1, 2, 3], [3, 1, 2])
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=40)
    return base64.b64encode(buf.getvalue()).decode()


SVG = """<?xml version="1.0" encoding="utf-8" standalone="no"?>
<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN"
  "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">
<svg xmlns:xlink="http://www.w3.org/1999/xlink" width="300pt" height="100pt"
     viewBox="0 0 300 100" xmlns="http://www.w3.org/2000/svg" version="1.1">
 <metadata><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/></metadata>
 <defs><style type="text/css">*{stroke-linejoin: round; stroke-linecap: butt}</style>
  <path id="stapel" d="M 0 0 L 40 0 L 40 60 L 0 60 z"/></defs>
 <g id="figure_1" onclick="alert(1)">
  <use xlink:href="#stapel" x="20" y="20" style="fill: #1f4e79"/>
  <use xlink:href="https://example.org/x.svg#a"/>
  <text x="100" y="50">Utfall &#229;&#228;&#246;</text>
  <script>alert(1)</script>
  <foreignObject><div xmlns="http://www.w3.org/1999/xhtml">x</div></foreignObject>
 </g>
</svg>
"""


def _frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Nämnd": [SCRIPT_NAMND, "Överförmyndarnämnden", '=HYPERLINK("x")', "Totalt"],
            "Utfall perioden": [-1234.5, 567.25, 0.0, -667.25],
            "Avvikelse perioden": [-234.56, 32.75, np.nan, -201.81],
            "Andel": [12.345, np.nan, 1.0, 8.0],
        }
    )


def report_notebook() -> nbformat.NotebookNode:
    drift = table_bundle(
        _frame(),
        "Driftsredovisning Överförmyndarnämnden, tkr",
        name="driftsredovisning: [tkr]",
        decimals={"Utfall perioden": 1, "Avvikelse perioden": 1, "Andel": 1},
        percent=["Andel"],
        deviation=["Avvikelse perioden"],
        note="Positiv avvikelse är bättre än budget.",
    )
    nyckel = table_bundle(
        pd.DataFrame({"Nyckeltal": ["Utfall"], "mkr": [12.5]}),
        "Nyckeltal",
        name="driftsredovisning: [tkr]",
        decimals=1,
    )
    hidden = table_bundle(pd.DataFrame({"a": [1]}), "Dold tabell", name="dold")
    return new_notebook(
        metadata={
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}
        },
        cells=[
            new_markdown_cell(
                "# Rapport för nämnden\n\nÅrets utfall för förvaltningen är "
                "bättre än väntat: både ökade intäkter och lägre kostnader."
            ),
            new_code_cell(
                'namnd = "bun"  # PARAMETERS_CELL_SOURCE', metadata={"tags": ["parameters"]}
            ),
            new_code_cell(
                '# Parameters\nnamnd = "INJECTED"',
                metadata={"tags": ["injected-parameters"]},
                outputs=[new_output("stream", name="stdout", text="INJECTED\n")],
            ),
            new_code_cell(
                "import_everything()  # REMOVE_CELL_SOURCE",
                metadata={"tags": ["remove-cell"]},
                outputs=[new_output("display_data", data=hidden)],
            ),
            new_markdown_cell("## Driftsredovisning"),
            new_code_cell(
                "show_table(UNIQUE_CODE_SOURCE_7781)",
                outputs=[
                    new_output("display_data", data=drift),
                    new_output("display_data", data=nyckel),
                ],
            ),
            new_code_cell(
                "fig_png()",
                outputs=[
                    new_output(
                        "execute_result",
                        execution_count=3,
                        data={"image/png": _png(), "text/plain": "<Figure size 80x40>"},
                    )
                ],
            ),
            new_code_cell(
                "fig_svg()",
                outputs=[
                    new_output(
                        "display_data", data={"image/svg+xml": SVG, "text/plain": "<Figure>"}
                    )
                ],
            ),
            new_code_cell(
                "HTML(x)",
                outputs=[
                    new_output(
                        "display_data",
                        data={
                            "text/html": "<p>Från data</p><script>alert(2)</script>"
                            '<a href="https://example.org">länk</a>',
                            "text/plain": "<HTML>",
                        },
                    )
                ],
            ),
            new_code_cell(
                "Markdown(x)",
                outputs=[
                    new_output(
                        "display_data",
                        data={
                            "text/markdown": "**Fet** <img src=x onerror=alert(1)> "
                            "![bild](https://example.org/b.png)",
                            "text/plain": "<Markdown>",
                        },
                    )
                ],
            ),
            new_code_cell(
                "warn()",
                outputs=[
                    new_output("stream", name="stdout", text="Nämnden har ingen förvaltning.\n"),
                    new_output("stream", name="stderr", text="FutureWarning: STDERR_NOISE\n"),
                ],
            ),
        ],
    )


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))

    handle_startendtag = handle_starttag


def _elements(html: str) -> list[tuple[str, dict]]:
    parser = _Elements()
    parser.feed(html)
    return parser.elements


@pytest.fixture(scope="module")
def nb() -> nbformat.NotebookNode:
    return report_notebook()


@pytest.fixture(scope="module")
def html(nb) -> str:
    return export_html(nb, META)


@pytest.fixture(scope="module")
def pdf(html, tmp_path_factory) -> Path:
    return export_pdf(html, tmp_path_factory.mktemp("pdf") / "rapport.pdf")


# --- HTML ----------------------------------------------------------------------------
def test_html_has_no_scripts_and_no_internet(html):
    assert "<script" not in html.lower()
    assert "http://" not in html and "https://" not in html
    for tag, attrs in _elements(html):
        assert tag not in ("script", "iframe", "object", "embed", "link", "foreignobject")
        assert not any(name.startswith("on") for name in attrs), (tag, attrs)
        for name in ("src", "href"):
            if name in attrs:
                assert attrs[name].startswith(("data:image/png;base64,", "#")), (tag, attrs)


def test_html_is_swedish_utf8(html):
    assert '<html lang="sv">' in html
    assert '<meta charset="utf-8"' in html
    assert "Årets utfall för förvaltningen är bättre än väntat" in html


def test_html_shows_no_code_no_parameters_no_prompts(html):
    for text in (
        "UNIQUE_CODE_SOURCE_7781",
        "PARAMETERS_CELL_SOURCE",
        "INJECTED",
        "REMOVE_CELL_SOURCE",
        "Dold tabell",
        "In&nbsp;[",
        "Out[",
        "STDERR_NOISE",
    ):
        assert text not in html


def test_cover_fields_present_and_escaped(html):
    cover = html[html.index('<header class="omslag">') : html.index("</header>")]
    assert "Exempelkommunen" in cover
    assert "Delårsrapport &amp; &lt;uppföljning&gt;" in cover
    assert "<uppföljning>" not in html
    assert "Överförmyndarnämnden" in cover
    assert PERIOD in cover
    assert "22 november 2026" in cover


def test_cover_is_escaped_even_for_script_names(nb):
    out = export_html(nb, {**META, "namnd": SCRIPT_NAMND, "kommun": '"><script>x</script>'})
    assert "<script" not in out
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out


def test_table_caption_swedish_numbers_and_classes(html):
    assert "<caption>Driftsredovisning Överförmyndarnämnden, tkr</caption>" in html
    assert f"{MINUS}1{NBSP}234,5" in html
    assert f"12,3{NBSP}%" in html
    cells = [a.get("class", "") for t, a in _elements(html) if t == "td"]
    assert "tal negativ" in cells and "tal positiv" in cells
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html  # the hostile nämnd, as text
    assert '<p class="not">Positiv avvikelse är bättre än budget.</p>' in html


def test_untrusted_html_and_markdown_are_neutralised(html):
    assert "Från data" in html
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "<strong>Fet</strong>" in html
    images = [a for t, a in _elements(html) if t == "img"]
    assert all(
        a.get("src", "").startswith("data:image/png;base64,") or "src" not in a for a in images
    )


def test_images_are_embedded(html):
    assert html.count('src="data:image/png;base64,') == 1
    assert "data:image/svg+xml" not in html  # SVG is inline
    svg = html[html.index("<svg") : html.index("</svg>")]
    assert "Utfall åäö" in svg
    assert "#stapel" in svg
    for bad in ("onclick", "alert", "foreignobject", "metadata", "xmlns", "example.org"):
        assert bad not in svg.lower()


def test_stdout_is_shown_but_not_stderr(html):
    assert "Nämnden har ingen förvaltning." in html
    assert "FutureWarning" not in html


def test_export_html_changes_neither_notebook_nor_meta(nb):
    nb_before, meta_before = copy.deepcopy(nb), copy.deepcopy(META)
    export_html(nb, META)
    assert nb == nb_before and META == meta_before
    assert "rapport" not in nb.metadata


def test_export_html_builds_the_exporter_once(nb):
    # building the nbconvert exporter (templates, filters) is the slow part; the batch
    # exports 35 reports per period with one (timed in bench/batch.py, not here)
    from analysis.batch import publish

    export_html(nb, META)
    before = publish._cached_exporter.cache_info()
    export_html(nb, META)
    after = publish._cached_exporter.cache_info()
    assert after.hits == before.hits + 1 and after.misses == before.misses


def test_meta_defaults_and_validation(nb):
    from analysis.core.period import Period

    out = export_html(nb, {"kommun": "K", "titel": "T", "period": Period.parse("2023-08")})
    assert "Delår 2, januari–augusti 2023" in out
    assert f"Upprättad {datum(dt.date.today())}" in out
    with pytest.raises(ConfigurationError, match="titel"):
        export_html(nb, {"kommun": "K", "period": "P"})


def test_clean_svg_refuses_entities_and_non_svg():
    assert "bild-saknas" in clean_svg('<!DOCTYPE x [<!ENTITY a "b">]><svg>&a;</svg>')
    assert "bild-saknas" in clean_svg("<html><body/></html>")
    assert "bild-saknas" in clean_svg("<svg")


def test_cover_date_is_written_the_swedish_way():
    assert datum(dt.date(2026, 11, 22)) == "22 november 2026"
    assert datum(dt.datetime(2023, 1, 5, 12, 0)) == "5 januari 2023"
    assert datum("2023-12-31") == "31 december 2023"
    meta = publish.rapport_meta(
        {"kommun": "K", "titel": "T", "period": "P", "datum": dt.date(2023, 4, 1)}
    )
    assert meta["datum"] == "1 april 2023"


# --- PDF -----------------------------------------------------------------------------
def test_pdf_text_and_page_numbers(pdf):
    from pypdf import PdfReader

    assert pdf.read_bytes().startswith(b"%PDF")
    reader = PdfReader(pdf)
    text = reader.pages[0].extract_text()
    assert "Överförmyndarnämnden" in text
    assert PERIOD in text
    assert "Sida 1 av" in text
    assert f"{MINUS}1{NBSP}234,5" in text or f"{MINUS}1 234,5" in text


def test_pdf_first_page_preview(pdf):
    """Page 1 as PNG under test-artifacts/ for a human look (needs poppler's pdftoppm)."""
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm saknas (apt-get install poppler-utils)")
    ARTIFACTS.mkdir(exist_ok=True)
    prefix = ARTIFACTS / "publish_rapport_sida1"
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "60",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            str(pdf),
            str(prefix),
        ],
        check=True,
        timeout=60,
    )
    png = prefix.with_suffix(".png")
    assert png.read_bytes().startswith(b"\x89PNG")


def test_pdf_never_fetches_from_the_network(tmp_path):
    out = tmp_path / "r.pdf"
    out.write_bytes(b"%PDF old")
    page = '<html><body><p>x</p><img src="https://example.invalid/a.png"></body></html>'
    with pytest.raises(PublishError, match="utanför dokumentet"):
        export_pdf(page, out)
    assert out.read_bytes() == b"%PDF old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.pdf"]


def test_failed_pdf_leaves_previous_file(html, tmp_path, monkeypatch):
    import weasyprint

    out = export_pdf(html, tmp_path / "r.pdf")
    good = out.read_bytes()

    def half_then_fail(self, target=None, **kwargs):
        Path(target).write_bytes(b"%PDF-1.7 half a file")
        raise RuntimeError("disk full")

    monkeypatch.setattr(weasyprint.HTML, "write_pdf", half_then_fail)
    with pytest.raises(RuntimeError, match="disk full"):
        export_pdf(html, out)
    assert out.read_bytes() == good
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.pdf"]


def test_failed_replace_leaves_previous_files(nb, html, tmp_path, monkeypatch):
    pdf_path, xlsx_path = tmp_path / "r.pdf", tmp_path / "r.xlsx"
    pdf_path.write_bytes(b"%PDF good")
    xlsx_path.write_bytes(b"good xlsx")

    def broken_replace(src, dst):
        raise OSError("replace failed")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError):
        export_pdf(html, pdf_path)
    with pytest.raises(OSError):
        export_xlsx(nb, xlsx_path, META)
    assert pdf_path.read_bytes() == b"%PDF good"
    assert xlsx_path.read_bytes() == b"good xlsx"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.pdf", "r.xlsx"]


# --- Excel ---------------------------------------------------------------------------
def test_xlsx_sheets_numbers_and_formats(nb, tmp_path):
    from openpyxl import load_workbook

    out = export_xlsx(nb, tmp_path / "r.xlsx", META)
    wb = load_workbook(out)
    assert wb.sheetnames == ["Om rapporten", "driftsredovisning tkr", "driftsredovisning tkr (2)"]
    about = wb["Om rapporten"]
    info = {about.cell(r, 1).value: about.cell(r, 2).value for r in range(1, 6)}
    assert info == {
        "Kommun": "Exempelkommunen",
        "Rapport": "Delårsrapport & <uppföljning>",
        "Nämnd": "Överförmyndarnämnden",
        "Period": PERIOD,
        "Datum": "22 november 2026",
    }
    assert about["A1"].font.bold

    ws = wb["driftsredovisning tkr"]
    assert [c.value for c in ws[1]] == ["Nämnd", "Utfall perioden", "Avvikelse perioden", "Andel"]
    assert all(c.font.bold for c in ws[1])
    assert ws["A2"].value == SCRIPT_NAMND
    assert ws["B2"].value == -1234.5 and isinstance(ws["B2"].value, float)
    assert ws["C2"].value == -234.56  # unrounded
    assert ws["B2"].number_format == "#,##0.0"
    assert ws["D2"].number_format == "0.0"  # percent column
    assert ws["C4"].value is None  # NaN → empty
    assert ws["A4"].value == '=HYPERLINK("x")' and ws["A4"].data_type == "s"  # not a formula
    numeric = [
        c.value for row in ws.iter_rows(min_row=2, min_col=2) for c in row if c.value is not None
    ]
    assert numeric and all(isinstance(v, (int, float)) for v in numeric)


# --- all formats ---------------------------------------------------------------------
def test_export_all_writes_what_is_asked(nb, tmp_path):
    files = export_all(nb, tmp_path / "ut", "bun", META, {"pdf", "xlsx"})
    assert set(files) == {"pdf", "xlsx"}
    assert sorted(p.name for p in (tmp_path / "ut").iterdir()) == ["bun.pdf", "bun.xlsx"]
    files = export_all(nb, tmp_path / "ut", "bun", META, {"html"})
    assert files == {"html": tmp_path / "ut" / "bun.html"}
    assert files["html"].read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    with pytest.raises(ConfigurationError, match="odt"):
        export_all(nb, tmp_path, "bun", META, {"odt"})


def test_template_is_shipped_in_the_package():
    report = publish.TEMPLATES_DIR / "report"
    assert {p.name for p in report.iterdir()} >= {"conf.json", "index.html.j2", "rapport.css"}
    css = (report / "rapport.css").read_text(encoding="utf-8")
    assert "http" not in css and "url(" not in css and "@import" not in css


def test_table_mimetype_is_json(nb):
    payloads = publish.table_payloads(nb)
    assert [p["title"] for p in payloads] == [
        "Driftsredovisning Överförmyndarnämnden, tkr",
        "Nyckeltal",
    ]
    assert all(TABLE_MIMETYPE not in p for p in payloads)


def test_doctests():
    import doctest

    failures, _ = doctest.testmod(publish)
    assert failures == 0
