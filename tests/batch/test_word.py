"""The Word export (``--format docx``): real notebooks in, real .docx files out, read back
with python-docx."""

from __future__ import annotations

import base64
import io
import re
import zipfile
from pathlib import Path

import docx
import nbformat
import numpy as np
import pytest
from docx.oxml.ns import qn
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output
from PIL import Image

from analysis.batch.publish import REMOVE_CELL_TAGS, table_payloads
from analysis.batch.word import SvgError, export_docx, svg_title, svg_to_png
from analysis.core.errors import PublishError
from analysis.rapport.tables import table_bundle

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
META = {
    "kommun": "Exempelkommun",
    "titel": "Nämndrapport",
    "namnd": "Barn- och utbildningsnämnden",
    "period": "Delår 1, januari–april 2023",
    "datum": "2 maj 2023",
}


# --- fixtures ------------------------------------------------------------------------
@pytest.fixture(scope="module")
def executed(sample_dir, tmp_path_factory) -> nbformat.NotebookNode:
    """notebooks/namnd.ipynb executed for bun, 2023-04, on a copy of the sample."""
    import papermill

    out = tmp_path_factory.mktemp("word_nb") / "namnd-bun.ipynb"
    papermill.execute_notebook(
        str(NOTEBOOKS / "namnd.ipynb"),
        str(out),
        parameters={"namnd": "bun", "period": "2023-04", "data_dir": str(sample_dir)},
        cwd=str(NOTEBOOKS),
        kernel_name="python3",
        progress_bar=False,
    )
    return nbformat.read(out, as_version=4)


@pytest.fixture(scope="module")
def word(executed, tmp_path_factory) -> Path:
    return export_docx(executed, tmp_path_factory.mktemp("word") / "namnd-bun.docx", META)


@pytest.fixture(scope="module")
def document(word):
    return docx.Document(str(word))


def shown_cells(nb):
    """The cells the report shows (as the HTML: removed cells left out)."""
    for cell in nb.cells:
        if set(cell.get("metadata", {}).get("tags", [])) & REMOVE_CELL_TAGS:
            continue
        yield cell


def body_sequence(document):
    """('h', level, text) for headings, ('t', caption) for tables, in body order."""
    seq = []
    caption = None
    for el in document.element.body.iterchildren():
        if el.tag == qn("w:p"):
            p = docx.text.paragraph.Paragraph(el, document)
            name = p.style.name if p.style is not None else ""
            if name.startswith("Heading "):
                seq.append(("h", int(name.split()[1]), p.text))
            caption = p.text if name == "Caption" else None
        elif el.tag == qn("w:tbl"):
            seq.append(("t", caption))
    return seq


# --- an independent Swedish number formatter (not analysis.core.format) --------------
def swedish(value, decimals, *, percent=False, sign=False):
    if value is None:
        return "–"
    rounded = round(float(value), decimals)
    digits = f"{abs(rounded):.{decimals}f}"
    whole, _, frac = digits.partition(".")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    text = "\u00a0".join(groups) + ("," + frac if frac else "")
    if rounded < 0:
        text = "\u2212" + text
    elif rounded > 0 and sign:
        text = "+" + text
    return text + ("\u00a0%" if percent else "")


def test_independent_formatter_itself():
    assert swedish(-1234567.891, 2) == "\u22121\u00a0234\u00a0567,89"
    assert swedish(1.56, 1, sign=True) == "+1,6"
    assert swedish(-0.04, 1, sign=True) == "0,0"
    assert swedish(5.25, 1, percent=True) == "5,2\u00a0%"  # round half to even, as Python
    assert swedish(None, 1) == "–"


# --- the real report -----------------------------------------------------------------
def test_title_block_and_properties(document):
    texts = [p.text for p in document.paragraphs[:6]]
    assert texts[0] == "EXEMPELKOMMUN"
    assert document.paragraphs[1].style.name == "Title"
    assert document.paragraphs[1].text == "Nämndrapport"
    assert "Barn- och utbildningsnämnden" in texts
    assert "Delår 1, januari–april 2023" in texts
    assert "Upprättad 2 maj 2023" in texts
    props = document.core_properties
    assert props.author == "Exempelkommun"
    assert "Nämndrapport" in props.title and "Delår 1, januari–april 2023" in props.title
    assert props.language == "sv-SE"


def markdown_texts(nb):
    """('md', text) for markdown cells and markdown outputs, ('t', title) for tables."""
    for cell in shown_cells(nb):
        if cell.cell_type == "markdown":
            yield "md", cell.source
        elif "remove-output" not in cell.get("metadata", {}).get("tags", []):
            for output in cell.get("outputs", []):
                data = output.get("data", {})
                if "application/vnd.kommun-analysis.table+json" in data:
                    yield "t", data["application/vnd.kommun-analysis.table+json"]["title"]
                elif "text/markdown" in data:
                    yield "md", data["text/markdown"]


def headings_of(text):
    for line in text.splitlines():
        m = re.match(r"^(#{1,6})\s+(.*?)\s*$", line)
        if m:
            yield len(m.group(1)), m.group(2)


def test_headings_have_heading_styles_in_notebook_order(executed, document):
    expected = [
        h for kind, text in markdown_texts(executed) if kind == "md" for h in headings_of(text)
    ]
    got = [
        (level, text) for kind, level, text in (s for s in body_sequence(document) if s[0] == "h")
    ]
    assert len(expected) >= 4
    assert got == expected


def test_every_table_payload_is_a_word_table_with_the_same_text(executed, document):
    payloads = table_payloads(executed)
    assert len(payloads) >= 5
    assert len(document.tables) == len(payloads)
    for payload, table in zip(payloads, document.tables, strict=True):
        header = [c.text for c in table.rows[0].cells]
        assert header == payload["columns"], payload["title"]
        trpr = table.rows[0]._tr.trPr
        assert trpr is not None and trpr.find(qn("w:tblHeader")) is not None  # repeats
        assert len(table.rows) == len(payload["rows"]) + 1
        for row, values in zip(table.rows[1:], payload["rows"], strict=True):
            cells = row.cells
            for j, (col, value) in enumerate(zip(payload["columns"], values, strict=True)):
                cell = cells[j]
                if col == "År" and value is not None:
                    assert cell.text == str(int(value))  # 2024, not 2 024
                elif col in payload["decimals"]:
                    want = swedish(
                        value,
                        payload["decimals"][col],
                        percent=col in payload["percent"],
                        sign=col in payload["deviation"],
                    )
                    assert cell.text == want, (payload["title"], col, value)
                    jc = cell.paragraphs[0]._p.pPr.find(qn("w:jc"))
                    assert jc is not None and jc.get(qn("w:val")) == "right"
                else:
                    assert cell.text == ("–" if value is None else str(value))


def test_deviation_columns_are_coloured_with_their_sign(executed, document):
    payloads = table_payloads(executed)
    seen = 0
    for payload, table in zip(payloads, document.tables, strict=True):
        for col in payload["deviation"]:
            j = payload["columns"].index(col)
            for row, values in zip(table.rows[1:], payload["rows"], strict=True):
                value = values[j]
                if value is None or round(value, payload["decimals"][col]) == 0:
                    continue
                run = row.cells[j].paragraphs[0].runs[0]
                colour = str(run.font.color.rgb)
                assert colour == ("B00020" if value < 0 else "1B6B2F")
                assert run.text.startswith("\u2212" if value < 0 else "+")
                seen += 1
    assert seen >= 3


def test_tables_stand_where_they_stand_in_the_report(executed, document):
    """Headings and table captions interleave in the notebook's order."""
    expected = []
    for kind, text in markdown_texts(executed):
        if kind == "t":
            expected.append(("t", text))
        else:
            expected.extend(("h", level, title) for level, title in headings_of(text))
    assert body_sequence(document) == expected


def test_charts_are_pictures_with_alt_text(executed, document, word):
    svgs = [
        o
        for cell in shown_cells(executed)
        for o in cell.get("outputs", [])
        if "image/svg+xml" in o.get("data", {})
    ]
    assert svgs, "the nämnd report draws a chart"
    shapes = document.inline_shapes
    assert len(shapes) == len(svgs)
    descr = [s._inline.docPr.get("descr") for s in shapes]
    assert (
        descr[0]
        == "Diagram: Ackumulerat utfall och periodiserad budget, Barn- och utbildningsnämnden"
    )
    with zipfile.ZipFile(word) as z:
        media = [n for n in z.namelist() if n.startswith("word/media/")]
        assert len(media) == len(svgs)
        image = Image.open(io.BytesIO(z.read(media[0])))
    assert image.format == "PNG"
    assert image.width > 800  # 150 dpi
    pixels = np.asarray(image.convert("RGB"))
    assert len(np.unique(pixels.reshape(-1, 3), axis=0)) > 20  # drawn, not blank
    assert (pixels < 80).all(axis=2).any()  # dark text and axes


def test_footer_holds_a_page_field_a4_and_swedish(document):
    section = document.sections[0]
    assert abs(section.page_width.cm - 21.0) < 0.01 and abs(section.page_height.cm - 29.7) < 0.01
    instr = [el.text.strip() for el in section.footer._element.iter(qn("w:instrText"))]
    assert "PAGE" in instr and "NUMPAGES" in instr
    lang = document.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault"))
    lang = lang.find(qn("w:rPr")).find(qn("w:lang"))
    assert lang.get(qn("w:val")) == "sv-SE"


def test_a_long_report_keeps_every_table(executed, tmp_path):
    """Ten copies of the report (about 30 pages): every table is there, in order. (Its
    speed is measured by bench/word.py, never in a unit test.)"""
    big = nbformat.from_dict(executed)
    body = [c for c in big.cells if c.cell_type in ("markdown", "code")]
    big.cells = body * 10
    out = export_docx(big, tmp_path / "stor.docx", META)
    assert len(docx.Document(str(out)).tables) == 10 * len(table_payloads(executed))


def test_export_all_writes_the_word_file_with_the_template(executed, tmp_path):
    """The batch's entry point: `docx` is a format of publish.export_all, and the kommun's
    template (data/raw/profil/mall.docx) is passed through."""
    from analysis.batch.publish import FORMATS, export_all
    from analysis.batch.runner import FORMAT_LABELS

    assert "docx" in FORMATS and FORMAT_LABELS["docx"] == "Word"
    mall = make_template(tmp_path / "mall.docx")
    files = export_all(executed, tmp_path / "ut", "namnd-bun", META, {"docx"}, mall=mall)
    assert set(files) == {"docx"} and files["docx"].name == "namnd-bun.docx"
    doc = docx.Document(str(files["docx"]))
    assert "Kommunens brödtext" in [s.name for s in doc.styles]
    assert doc.sections[0].header.paragraphs[0].text == "Exempelkommun – logotyp"


# --- a synthetic notebook: markdown, outputs, removed cells --------------------------
def _png_bytes() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (40, 20), (200, 30, 30)).save(buf, format="PNG")
    return buf.getvalue()


def small_notebook():
    table = table_bundle(
        __import__("pandas").DataFrame(
            {"Nämnd": ["A", "Totalt"], "År": [2024, 2024], "mkr": [-1234.56, None]}
        ),
        "Liten tabell",
        decimals=1,
        note="Källa: huvudboken.",
    )
    return new_notebook(
        cells=[
            new_markdown_cell(
                "# Rubrik ett\n\nText med **fet** och *kursiv* och `kod`.\n\n"
                "- första punkten\n- andra **punkten**\n\n1. ett\n2. två\n\n"
                "<script>alert(1)</script>\n\nFöre <!-- SKRIVTIPS --> efter.\n\n"
                "<!-- SKRIVTIPS_BLOCK -->\n\n### Rubrik tre"
            ),
            new_markdown_cell("HEMLIG_LABBTEXT", metadata={"tags": ["remove-cell"]}),
            new_code_cell("p = 1  # HEMLIG_PARAMETER", metadata={"tags": ["parameters"]}),
            new_code_cell(
                "x",
                metadata={"tags": ["remove-output"]},
                outputs=[new_output("stream", name="stdout", text="DOLD_UTSKRIFT\n")],
            ),
            new_code_cell(
                "y",
                outputs=[
                    new_output("stream", name="stdout", text="SYNLIG_UTSKRIFT\n"),
                    new_output("stream", name="stderr", text="VARNING_STDERR\n"),
                    new_output("display_data", data=table),
                    new_output(
                        "display_data",
                        data={"text/markdown": "## Rubrik *två*", "text/plain": "x"},
                    ),
                    new_output(
                        "display_data",
                        data={"image/png": base64.b64encode(_png_bytes()).decode()},
                        metadata={"image/png": {"alt": "Stapeldiagram över kostnader"}},
                    ),
                    new_output(
                        "display_data",
                        data={"image/png": base64.b64encode(_png_bytes()).decode()},
                    ),
                    new_output("display_data", data={"image/svg+xml": "<svg><text>x</svg"}),
                    new_output("display_data", data={"text/html": "<p>Fri <b>HTML</b></p>"}),
                ],
            ),
        ]
    )


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    path = export_docx(small_notebook(), tmp_path_factory.mktemp("small") / "liten.docx", META)
    return docx.Document(str(path))


def test_markdown_becomes_styled_paragraphs(small):
    paras = [(p.style.name, p.text) for p in small.paragraphs]
    assert ("Heading 1", "Rubrik ett") in paras
    assert ("Heading 3", "Rubrik tre") in paras
    assert ("Heading 2", "Rubrik två") in paras  # a markdown output
    assert ("List Bullet", "första punkten") in paras
    assert ("List Bullet", "andra punkten") in paras
    assert ("List Number", "ett") in paras and ("List Number", "två") in paras
    text = next(p for p in small.paragraphs if p.text.startswith("Text med"))
    runs = {r.text: r for r in text.runs}
    assert runs["fet"].bold and not runs["kursiv"].bold
    assert runs["kursiv"].italic
    assert runs["kod"].font.name == "Consolas"
    assert any(p.text == "<script>alert(1)</script>" for p in small.paragraphs)  # as text
    assert "Fri HTML" in [p.text for p in small.paragraphs]


def test_removed_cells_stderr_and_hidden_outputs_are_not_shown(small):
    text = "\n".join(p.text for p in small.paragraphs)
    hidden_texts = ("HEMLIG_LABBTEXT", "HEMLIG_PARAMETER", "DOLD_UTSKRIFT", "VARNING_STDERR")
    for hidden in (*hidden_texts, "SKRIVTIPS"):
        assert hidden not in text
    assert "SYNLIG_UTSKRIFT" in text


def test_small_table_year_missing_sum_row_and_note(small):
    (table,) = small.tables
    rows = [[c.text for c in r.cells] for r in table.rows]
    assert rows == [
        ["Nämnd", "År", "mkr"],
        ["A", "2024", "\u22121\u00a0234,6"],
        ["Totalt", "2024", "–"],
    ]
    assert all(r.bold for r in table.rows[2].cells[0].paragraphs[0].runs)  # the Totalt row
    assert not any(r.bold for r in table.rows[1].cells[0].paragraphs[0].runs)
    assert "Källa: huvudboken." in [p.text for p in small.paragraphs]
    assert "Liten tabell" in [p.text for p in small.paragraphs if p.style.name == "Caption"]


def test_png_outputs_and_a_broken_svg(small):
    descr = [s._inline.docPr.get("descr") for s in small.inline_shapes]
    assert descr == ["Stapeldiagram över kostnader", "Diagram utan rubrik"]
    assert "[Diagram: utan rubrik]" in [p.text for p in small.paragraphs]


# --- the template --------------------------------------------------------------------
def make_template(path: Path, *, page_field: bool = False) -> Path:
    from docx.enum.style import WD_STYLE_TYPE

    doc = docx.Document()
    doc.styles.add_style("Kommunens brödtext", WD_STYLE_TYPE.PARAGRAPH)
    doc.sections[0].header.paragraphs[0].text = "Exempelkommun – logotyp"
    doc.add_paragraph("MALLENS EXEMPELTEXT")
    if page_field:
        from docx.oxml import parse_xml

        field = parse_xml(
            '<w:fldSimple xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
            ' w:instr=" PAGE "><w:r><w:t>1</w:t></w:r></w:fldSimple>'
        )
        doc.sections[0].footer.paragraphs[0]._p.append(field)
    doc.save(str(path))
    return path


def test_template_styles_header_and_footer_are_used(tmp_path):
    mall = make_template(tmp_path / "mall.docx")
    out = export_docx(small_notebook(), tmp_path / "med_mall.docx", META, mall=mall)
    doc = docx.Document(str(out))
    assert "Kommunens brödtext" in [s.name for s in doc.styles]
    assert doc.sections[0].header.paragraphs[0].text == "Exempelkommun – logotyp"
    text = [p.text for p in doc.paragraphs]
    assert "MALLENS EXEMPELTEXT" not in text  # the body is replaced
    assert "Nämndrapport" in text
    instr = [el.text.strip() for el in doc.sections[0].footer._element.iter(qn("w:instrText"))]
    assert instr.count("PAGE") == 1


def test_template_with_page_numbers_keeps_them_once(tmp_path):
    mall = make_template(tmp_path / "mall.docx", page_field=True)
    out = export_docx(small_notebook(), tmp_path / "med_mall.docx", META, mall=mall)
    doc = docx.Document(str(out))
    footer = doc.sections[0].footer._element
    assert [el.get(qn("w:instr")).strip() for el in footer.iter(qn("w:fldSimple"))] == ["PAGE"]
    assert not list(footer.iter(qn("w:instrText")))  # no second page number added


def test_missing_or_broken_template_is_a_clear_error(tmp_path):
    out = tmp_path / "rapport.docx"
    out.write_bytes(b"old")
    with pytest.raises(PublishError, match=r"Wordmallen mall\.docx finns inte"):
        export_docx(small_notebook(), out, META, mall=tmp_path / "mall.docx")
    broken = tmp_path / "trasig.docx"
    broken.write_bytes(b"det har ar ingen zip-fil")
    with pytest.raises(
        PublishError, match=r"Wordmallen trasig\.docx kunde inte läsas som ett Word"
    ):
        export_docx(small_notebook(), out, META, mall=broken)
    damaged = tmp_path / "skadad.docx"
    with zipfile.ZipFile(damaged, "w") as z:
        with zipfile.ZipFile(make_template(tmp_path / "ok.docx")) as src:
            for name in src.namelist():
                data = src.read(name)
                z.writestr(name, b"<w:document" if name == "word/document.xml" else data)
    with pytest.raises(PublishError, match=r"Wordmallen skadad\.docx"):
        export_docx(small_notebook(), out, META, mall=damaged)
    workbook = tmp_path / "bok.docx"  # an Excel file under a Word name
    __import__("openpyxl").Workbook().save(workbook)
    with pytest.raises(PublishError, match=r"Wordmallen bok\.docx kunde inte läsas"):
        export_docx(small_notebook(), out, META, mall=workbook)
    assert out.read_bytes() == b"old"  # the previous file is kept


# --- the SVG renderer ----------------------------------------------------------------
def test_svg_renderer_hand_made_shapes():
    """At 72 dpi one pixel is one point: colours at known places."""
    svg = """<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"
      width="100pt" height="50pt" viewBox="0 0 100 50">
      <defs><clipPath id="c"><rect x="0" y="0" width="50" height="50"/></clipPath>
        <path id="sq" d="M 0 0 L 10 0 L 10 10 L 0 10 z"/></defs>
      <path d="M 0 50 L 100 50 L 100 0 L 0 0 z" style="fill: #ffffff"/>
      <g transform="translate(10 10)">
        <path d="M 0 0 L 20 0 L 20 20 L 0 20 z" style="fill: #ff0000"/></g>
      <path d="M 40 30 L 90 30 L 90 45 L 40 45 z" clip-path="url(#c)" style="fill: #0000ff"/>
      <use xlink:href="#sq" x="70" y="5" style="fill: #00ff00"/>
      <path d="M 0 48 L 100 48" style="fill: none; stroke: #000000; stroke-width: 2"/>
    </svg>"""
    png, w, h = svg_to_png(svg, dpi=72)
    assert (w, h) == (100, 50)
    px = np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)
    assert px.shape == (50, 100, 3)
    assert tuple(px[20, 20]) == (255, 0, 0)  # the translated red square
    assert tuple(px[5, 5]) == (255, 255, 255)
    assert tuple(px[37, 45]) == (0, 0, 255)  # the blue bar left of the clip edge
    assert tuple(px[37, 60]) == (255, 255, 255)  # … clipped right of it
    assert tuple(px[10, 75]) == (0, 255, 0)  # the <use>d square at (70, 5)
    assert px[48, 50].max() < 60  # the 2 pt black line


def test_svg_renderer_matches_matplotlib_own_raster():
    """A house-style figure saved as SVG and rasterised equals matplotlib's own PNG of it
    (and differs clearly from another figure: the comparison can fail)."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    def figure(values, hatch=None):
        fig = Figure(figsize=(5, 3))
        ax = fig.add_subplot()
        ax.bar(["jan", "feb", "mar"], values, color="#1f4e79", hatch=hatch)
        ax.plot([0, 1, 2], [3, 1, 2], "--", color="#c55a11", label="Budget")
        ax.fill_between([0, 2], [0.5, 0.5], [1.5, 2.5], color="#c55a11", alpha=0.3)
        ax.set_title("Utfall per månad, mkr", loc="left")
        ax.set_ylabel("mkr")
        ax.legend()
        return fig

    def raster(fig):
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=72, facecolor="white")
        return np.asarray(Image.open(buf).convert("RGB")).astype(float)

    def ours(fig):
        buf = io.StringIO()
        fig.savefig(buf, format="svg")
        png, _, _ = svg_to_png(buf.getvalue(), dpi=72)
        return np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(float), buf.getvalue()

    fig = figure([1, 3, 2])
    drawn, svg = ours(fig)
    assert svg_title(svg) == "Utfall per månad, mkr"
    theirs = raster(fig)
    assert drawn.shape == theirs.shape
    same = np.abs(drawn - theirs).mean()
    other = np.abs(drawn - raster(figure([3, 1, 1]))).mean()
    # (about 3 of 255 on average: glyph antialiasing and the 256-colour palette)
    assert same < 4.0, same
    assert other > 5 * same, (same, other)
    # hatching: the pattern's lines are drawn inside the bars (its phase may differ)
    hatched, _ = ours(figure([1, 3, 2], hatch="//"))
    assert np.abs(hatched - drawn).mean() > 1.0
    assert np.abs(hatched - raster(figure([1, 3, 2], hatch="//"))).mean() < 5.0


def test_svg_renderer_refuses_what_it_cannot_draw():
    with pytest.raises(SvgError):
        svg_to_png(
            '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><text>x</text></svg>'
        )
    with pytest.raises(SvgError):
        svg_to_png(
            '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
            '<path d="M 0 0 a 1 1 0 0 0 5 5"/></svg>'
        )
    with pytest.raises(SvgError):
        svg_to_png('<!DOCTYPE x [<!ENTITY a "b">]><svg/>')
    ns = 'xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"'
    with pytest.raises(SvgError):  # a clip path that is not a rectangle
        svg_to_png(
            f'<svg {ns} width="10" height="10"><clipPath id="c"><path d="M 0 0 L 5 5 z"/>'
            '</clipPath><path d="M 0 0 L 9 9" clip-path="url(#c)"/></svg>'
        )
    with pytest.raises(SvgError):  # a <use> of its own group
        svg_to_png(f'<svg {ns} width="10" height="10"><g id="g"><use xlink:href="#g"/></g></svg>')
    assert svg_title("<svg/>") is None
