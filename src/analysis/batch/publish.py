"""Executed report notebooks → finished reports: HTML, PDF (WeasyPrint) and Excel.

The HTML comes from nbconvert with the package's ``report`` template: a cover, no code,
no prompts, no scripts and no reference to the internet. Nothing a notebook produced is
trusted as HTML:

* tables shown with :func:`analysis.rapport.tables.show_table` are re-rendered from their data
  part (:data:`~analysis.rapport.tables.TABLE_MIMETYPE`), which escapes every value;
* other ``text/html`` outputs and markdown cells are sanitised with bleach (an allowlist
  of text and table tags; no scripts, styles, event handlers or external URLs);
* ``text/markdown`` outputs are rendered with raw HTML escaped, then sanitised;
* SVG is inlined after removing scripts, event handlers, foreign content and external
  references; PNG and JPEG become ``data:`` URIs.

Every file is written atomically: a reader sees the old file or the new one, never half.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Mapping
from functools import lru_cache
from html import escape as html_escape
from pathlib import Path
from typing import Any

import nbformat

from analysis.batch.excel import number_format, save_workbook, sheet_name, text_cell, write_sheet
from analysis.core.atomic import atomic_path
from analysis.core.errors import ConfigurationError, PublishError
from analysis.core.format import datum as format_datum
from analysis.core.period import Period
from analysis.rapport.tables import TABLE_MIMETYPE, render_html

#: The package's nbconvert templates (``report`` lives here).
TEMPLATES_DIR = Path(__file__).parent / "templates"
TEMPLATE_NAME = "report"

FORMATS = ("html", "pdf", "xlsx", "docx")

#: Cells with these tags are left out of every export.
REMOVE_CELL_TAGS = frozenset({"injected-parameters", "parameters", "remove-cell", "hide"})
#: Cells with these tags are shown without their outputs.
REMOVE_OUTPUT_TAGS = frozenset({"remove-output", "hide-output"})

#: The cover fields in ``nb.metadata["rapport"]``.
RAPPORT_FIELDS = ("kommun", "titel", "namnd", "period", "datum")
_REQUIRED_FIELDS = ("kommun", "titel", "period")


# --- metadata ------------------------------------------------------------------------
def rapport_meta(meta: Mapping[str, Any]) -> dict[str, Any]:
    """The cover fields as text (a new dict; ``meta`` is not changed).

    ``period`` may be a :class:`~analysis.core.period.Period` (its label is used), ``datum`` a
    date (written the Swedish way) or missing (today). ``namnd`` may be empty for a
    report on the whole kommun. Other keys are kept as they are.
    """
    missing = [k for k in _REQUIRED_FIELDS if not meta.get(k)]
    if missing:
        raise ConfigurationError(
            f"Rapportens uppgifter saknar {', '.join(missing)}; ange kommun, titel och period."
        )
    out = copy.deepcopy(dict(meta))
    period = meta["period"]
    out["period"] = period.label if isinstance(period, Period) else str(period)
    datum = meta.get("datum")
    if datum is None or datum == "":
        datum = dt.date.today()
    out["datum"] = format_datum(datum) if isinstance(datum, dt.date) else str(datum)
    for key in ("kommun", "titel", "namnd"):
        out[key] = "" if meta.get(key) is None else str(meta[key])
    return out


# --- sanitising ----------------------------------------------------------------------
_DATA_IMAGE = re.compile(r"^data:image/(png|jpeg|gif|webp);base64,[A-Za-z0-9+/=\s]+$")
_BASE64 = re.compile(r"^[A-Za-z0-9+/=\s]+$")
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_ALLOWED_TAGS = frozenset(
    {
        "a",
        "abbr",
        "b",
        "blockquote",
        "br",
        "caption",
        "code",
        "col",
        "colgroup",
        "dd",
        "del",
        "div",
        "dl",
        "dt",
        "em",
        "figcaption",
        "figure",
        "hr",
        "i",
        "img",
        "li",
        "ol",
        "p",
        "pre",
        "s",
        "small",
        "span",
        "strong",
        "sub",
        "sup",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "tr",
        "u",
        "ul",
        *_HEADINGS,
    }
)


def _allow_attribute(tag: str, name: str, value: str) -> bool:
    if name == "class":
        return True
    if tag in ("td", "th") and name in ("colspan", "rowspan"):
        return value.isdigit()
    if tag == "th" and name == "scope":
        return value in ("row", "col", "rowgroup", "colgroup")
    if tag in _HEADINGS and name == "id":
        return True
    if tag in ("a", "abbr") and name == "title":
        return True
    if tag == "a" and name == "href":  # in-document anchors and e-mail only
        return value.startswith("#") or value.lower().startswith("mailto:")
    if tag == "img":
        if name == "src":  # never fetch anything
            return bool(_DATA_IMAGE.match(value))
        return name in ("alt", "width", "height")
    return False


def clean_html(fragment: str) -> str:
    """Sanitise an HTML fragment from a notebook: allowlisted tags, no scripts, no styles,
    no event handlers, no external URLs. Disallowed tags are shown as text.

    >>> clean_html('<b onclick="x()">fet</b><script>alert(1)</script>')
    '<b>fet</b>&lt;script&gt;alert(1)&lt;/script&gt;'
    """
    import bleach

    return bleach.clean(
        str(fragment),
        tags=_ALLOWED_TAGS,
        attributes=_allow_attribute,
        protocols={"mailto", "data"},
        strip=False,
        strip_comments=True,
    )


@lru_cache(maxsize=1)
def _markdown_escaping():
    import mistune

    return mistune.create_markdown(escape=True, plugins=["table", "strikethrough"])


def markdown_output_html(text: str) -> str:
    """A ``text/markdown`` output as HTML with any raw HTML in it shown as text.

    >>> markdown_output_html('**Fet** <img src=x onerror=alert(1)>')
    '<p><strong>Fet</strong> &lt;img src=x onerror=alert(1)&gt;</p>\\n'
    """
    return clean_html(_markdown_escaping()(str(text)))


_SVG_DROP = frozenset(
    {
        "script",
        "foreignobject",
        "metadata",
        "iframe",
        "object",
        "embed",
        "audio",
        "video",
        "handler",
        "listener",
        "animate",
        "set",
        "animatemotion",
        "animatetransform",
    }
)
_SVG_PRESENTATION = frozenset(
    {
        "clip-path",
        "clip-rule",
        "color",
        "display",
        "dominant-baseline",
        "fill",
        "fill-opacity",
        "fill-rule",
        "font-family",
        "font-size",
        "font-style",
        "font-weight",
        "letter-spacing",
        "marker-end",
        "marker-mid",
        "marker-start",
        "mask",
        "opacity",
        "paint-order",
        "shape-rendering",
        "stop-color",
        "stop-opacity",
        "stroke",
        "stroke-dasharray",
        "stroke-dashoffset",
        "stroke-linecap",
        "stroke-linejoin",
        "stroke-miterlimit",
        "stroke-opacity",
        "stroke-width",
        "text-anchor",
        "transform",
        "visibility",
    }
)
_CSS_URL = re.compile(r"url\(\s*(?!['\"]?#)", re.IGNORECASE)
_MATPLOTLIB_STYLE = "*{stroke-linejoin:round;stroke-linecap:butt}"
_IMAGE_MISSING = '<p class="bild-saknas">[Bilden kunde inte visas.]</p>'


def _local(name: str) -> str:
    return name.rsplit("}", 1)[-1]


def _clean_svg_element(el: ET.Element, root: ET.Element) -> None:
    el.tag = _local(el.tag)
    style = ""
    for key, value in list(el.attrib.items()):
        del el.attrib[key]
        name = _local(key)
        if key.startswith("{http://www.w3.org/XML/1998/namespace}"):
            continue  # xml:space and friends
        if name.lower().startswith("on"):
            continue
        if name == "href":
            if value.startswith("#") or _DATA_IMAGE.match(value):
                el.set("href", value)
            continue
        if _CSS_URL.search(value):
            continue
        if name == "style":
            style = value
            continue
        el.set(name, value)
    # A style attribute becomes presentation attributes (which win over the attributes,
    # as the style would): the report's CSS engine then never sees SVG-only properties.
    for declaration in style.split(";"):
        prop, _, value = declaration.partition(":")
        prop, value = prop.strip().lower(), value.strip()
        if prop in _SVG_PRESENTATION and value and not _CSS_URL.search(value):
            el.set(prop, value)
    for child in list(el):
        if not isinstance(child.tag, str) or _local(child.tag).lower() in _SVG_DROP:
            el.remove(child)
        elif _local(child.tag) == "style":
            # Inline in HTML a <style> would style the whole report; matplotlib's only
            # rule becomes presentation attributes, anything else is dropped.
            if re.sub(r"\s", "", child.text or "") == _MATPLOTLIB_STYLE:
                root.set("stroke-linejoin", "round")
                root.set("stroke-linecap", "butt")
            el.remove(child)
        else:
            _clean_svg_element(child, root)


#: The text alternative of a chart whose title could not be found.
CHART_LABEL_MISSING = "Diagram (textbeskrivning saknas)"
#: The text alternative of a PNG or JPEG output that carries none in its metadata.
IMAGE_LABEL_MISSING = "Bild (textbeskrivning saknas)"
_SCALE = re.compile(r"scale\(\s*([0-9.eE+-]+)")
_FONT_SIZE = re.compile(r"font-size\s*:\s*([0-9.]+)")


def _text_sizes(root: ET.Element) -> list[tuple[float, str]]:
    """Every text of a matplotlib SVG with its size, in document order.

    Matplotlib draws text as glyph paths by default: each text is a ``<g id="text_N">``
    holding a comment with the text and a group whose ``scale(...)`` is its font size
    (1/100 of the points). With ``svg.fonttype: none`` it writes ``<text>`` elements
    whose style carries the font size.
    """
    found: list[tuple[float, str]] = []
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        tag = _local(el.tag)
        if tag == "g" and str(el.get("id", "")).startswith("text_"):
            words = next(
                (c.text for c in el if c.tag is ET.Comment and (c.text or "").strip()), None
            )
            scale = next(
                (
                    float(m.group(1))
                    for c in el
                    if isinstance(c.tag, str) and (m := _SCALE.search(c.get("transform", "")))
                ),
                None,
            )
            if words and scale is not None:
                found.append((scale * 100, " ".join(words.split())))
        elif tag == "text":
            words = " ".join("".join(el.itertext()).split())
            m = _FONT_SIZE.search(el.get("style", "")) or _FONT_SIZE.search(
                "font-size:" + el.get("font-size", "")
            )
            if words and m:
                found.append((float(m.group(1)), words))
    return found


def chart_label(root: ET.Element) -> str:
    """The Swedish text alternative of a chart: ``Diagram: <title>``.

    The title is the chart's largest text (``ax.set_title`` is drawn larger than tick
    labels, axis labels and legends); several texts of that size (the titles of
    subplots) are joined in document order. Without any text the label says that the
    description is missing.
    """
    sizes = _text_sizes(root)
    if not sizes:
        return CHART_LABEL_MISSING
    largest = max(size for size, _ in sizes)
    titles = list(dict.fromkeys(t for size, t in sizes if abs(size - largest) < 1e-6))
    return "Diagram: " + ". ".join(titles)


_URL_REF = re.compile(r"url\(\s*(['\"]?)#([^)'\"\s]+)\1\s*\)")


def _own_ids(root: ET.Element, suffix: str) -> None:
    """Make the ids of an inlined SVG its own: every matplotlib figure has ``figure_1``,
    ``axes_1``, ``text_1`` …, and several in one page would repeat them. Ids nothing
    refers to are dropped; referenced ones (clip paths, glyphs) get ``suffix`` and so do
    the references (``href="#…"``, ``url(#…)``)."""
    used: set[str] = set()
    for el in root.iter():
        for name, value in el.attrib.items():
            if name == "href" and value.startswith("#"):
                used.add(value[1:])
            used.update(m.group(2) for m in _URL_REF.finditer(value))
    for el in root.iter():
        for name, value in list(el.attrib.items()):
            if name == "id":
                if value in used:
                    el.set("id", value + suffix)
                else:
                    del el.attrib["id"]
            elif name == "href" and value.startswith("#"):
                el.set("href", value + suffix)
            elif "url(" in value:
                el.set(name, _URL_REF.sub(lambda m: f"url(#{m.group(2)}{suffix})", value))


def clean_svg(text: str) -> str:
    """An SVG output as inline ``<svg>`` without scripts, event handlers, foreign content,
    metadata, namespace URLs or external references.

    The picture gets ``role="img"`` and an ``aria-label`` (:func:`chart_label`, the
    chart's title): matplotlib draws its texts as glyph paths, which a screen reader
    cannot read.
    """
    text = str(text)
    if "<!ENTITY" in text:
        return _IMAGE_MISSING
    try:
        parser = ET.XMLParser(target=ET.TreeBuilder(insert_comments=True))
        root = ET.fromstring(text.encode("utf-8"), parser=parser)
    except ET.ParseError:
        return _IMAGE_MISSING
    if _local(root.tag) != "svg":
        return _IMAGE_MISSING
    label = chart_label(root)
    _clean_svg_element(root, root)
    _own_ids(root, "-" + hashlib.sha1(text.encode("utf-8")).hexdigest()[:10])
    root.set("role", "img")
    root.set("aria-label", label)
    return ET.tostring(root, encoding="unicode", method="xml")


def _image_html(output: Mapping[str, Any], mimetype: str) -> str:
    data = output.get("data", {}).get(mimetype)
    if isinstance(data, list):
        data = "".join(data)
    if not isinstance(data, str) or not _BASE64.match(data):
        return _IMAGE_MISSING
    size = ""
    meta = (output.get("metadata") or {}).get(mimetype) or {}
    meta = meta if isinstance(meta, Mapping) else {}
    for dim in ("width", "height"):
        value = meta.get(dim)
        if isinstance(value, int) and not isinstance(value, bool) and value > 0:
            size += f' {dim}="{value}"'
    alt = meta.get("alt")
    alt = " ".join(alt.split()) if isinstance(alt, str) and alt.strip() else IMAGE_LABEL_MISSING
    compact = re.sub(r"\s+", "", data)
    return f'<img src="data:{mimetype};base64,{compact}" alt="{html_escape(alt)}"{size}>'


def _html_output(output: Mapping[str, Any]) -> str:
    """A ``text/html`` output: a table's data part re-rendered, anything else sanitised."""
    data = output.get("data", {})
    payload = data.get(TABLE_MIMETYPE)
    if isinstance(payload, str):
        try:
            payload = json.loads(payload)
        except ValueError:
            payload = None
    if isinstance(payload, Mapping):
        return render_html(payload)
    html = data.get("text/html", "")
    if isinstance(html, list):
        html = "".join(html)
    return clean_html(html)


FILTERS = {
    "rapport_clean_html": clean_html,
    "rapport_markdown_output": markdown_output_html,
    "rapport_html_output": _html_output,
    "rapport_svg": clean_svg,
    "rapport_image": _image_html,
}


# --- HTML ----------------------------------------------------------------------------
def _exporter():
    from nbconvert import HTMLExporter
    from nbconvert.preprocessors import TagRemovePreprocessor

    exporter = HTMLExporter(
        template_name=TEMPLATE_NAME,
        extra_template_basedirs=[str(TEMPLATES_DIR)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        filters=FILTERS,
    )
    exporter.register_preprocessor(
        TagRemovePreprocessor(
            remove_cell_tags=set(REMOVE_CELL_TAGS), remove_all_outputs_tags=set(REMOVE_OUTPUT_TAGS)
        ),
        enabled=True,
    )
    return exporter


@lru_cache(maxsize=1)
def _cached_exporter():
    return _exporter()


def _with_meta(nb: nbformat.NotebookNode, meta: Mapping[str, Any]) -> nbformat.NotebookNode:
    """A shallow copy of ``nb`` whose metadata carries the cover fields."""
    metadata = nbformat.NotebookNode(
        {**nb.get("metadata", {}), "rapport": nbformat.from_dict(rapport_meta(meta))}
    )
    return nbformat.NotebookNode({**nb, "metadata": metadata})


def export_html(nb: nbformat.NotebookNode, meta: Mapping[str, Any]) -> str:
    """The finished report as one self-contained HTML document.

    ``meta`` holds the cover fields (see :func:`rapport_meta`); they are stored in
    ``nb.metadata["rapport"]`` of a copy, so neither ``nb`` nor ``meta`` is changed.
    Cells tagged ``parameters``, ``injected-parameters``, ``remove-cell`` or ``hide`` are
    left out.
    """
    body, _ = _cached_exporter().from_notebook_node(_with_meta(nb, meta))
    return body


# --- PDF -----------------------------------------------------------------------------
def _offline_fetcher():
    """A WeasyPrint URL fetcher that serves ``data:`` URLs and refuses everything else."""
    from weasyprint.urls import URLFetcher

    return URLFetcher(allowed_protocols={"data"}, fail_on_errors=True)


def export_pdf(html: str, out: Path) -> Path:
    """Render ``html`` to an A4 PDF at ``out`` (atomically), without any network access.

    A reference to anything but a ``data:`` URL stops the rendering with
    :class:`PublishError`; the previous file at ``out`` is then left as it was.
    """
    from weasyprint import HTML
    from weasyprint.urls import FatalURLFetchingError

    out = Path(out)
    with atomic_path(out, keep_suffix=False) as tmp:
        try:
            HTML(string=html, base_url=None, url_fetcher=_offline_fetcher()).write_pdf(tmp)
        except FatalURLFetchingError as exc:
            raise PublishError(
                f"PDF:en {out.name} kunde inte skapas: rapporten hänvisar till något utanför "
                f"dokumentet ({exc}). Rapporter får bara innehålla inbäddade bilder."
            ) from exc
    return out


# --- Excel ---------------------------------------------------------------------------
def _removed(cell: Mapping[str, Any]) -> bool:
    return bool(set(cell.get("metadata", {}).get("tags", []) or []) & REMOVE_CELL_TAGS)


def table_payloads(nb: nbformat.NotebookNode) -> list[dict]:
    """The data parts of the notebook's tables, in notebook order (removed cells skipped)."""
    payloads = []
    for cell in nb.get("cells", []):
        if cell.get("cell_type") != "code" or _removed(cell):
            continue
        if set(cell.get("metadata", {}).get("tags", []) or []) & REMOVE_OUTPUT_TAGS:
            continue
        for output in cell.get("outputs", []):
            payload = output.get("data", {}).get(TABLE_MIMETYPE)
            if isinstance(payload, str):
                payload = json.loads(payload)
            if isinstance(payload, Mapping):
                payloads.append(dict(payload))
    return payloads


def _write_table(ws, payload: Mapping[str, Any]) -> None:
    """One table's data part as a sheet: values unrounded, display formats for their
    decimals (a percent column without thousands grouping)."""
    columns = [str(c) for c in payload.get("columns", [])]
    decimals = payload.get("decimals", {}) or {}
    percent = set(payload.get("percent", []) or [])
    formats = {}
    for col in columns:
        d = decimals.get(col, 0)
        d = d if isinstance(d, int) and not isinstance(d, bool) and 0 <= d <= 10 else 0
        formats[col] = number_format(d, col in percent)
    write_sheet(ws, columns, payload.get("rows", []), formats=formats, numeric=decimals)


def export_xlsx(nb: nbformat.NotebookNode, out: Path, meta: Mapping[str, Any]) -> Path:
    """The report's tables as an Excel workbook at ``out`` (atomically).

    The first sheet, ``Om rapporten``, holds the cover fields and lists the tables; then
    one sheet per table in notebook order, named after the table, header row in bold,
    values as unrounded numbers with display formats for their decimals.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Font

    info = rapport_meta(meta)
    payloads = table_payloads(nb)
    wb = Workbook()
    about = wb.active
    about.title = "Om rapporten"
    bold = Font(bold=True)
    rows = [
        ("Kommun", info["kommun"]),
        ("Rapport", info["titel"]),
        ("Nämnd", info["namnd"]),
        ("Period", info["period"]),
        ("Datum", info["datum"]),
    ]
    for i, (label, value) in enumerate(rows, start=1):
        text_cell(about, i, 1, label).font = bold
        text_cell(about, i, 2, value)
    r = len(rows) + 2
    text_cell(about, r, 1, "Blad").font = bold
    text_cell(about, r, 2, "Tabell").font = bold
    text_cell(about, r, 3, "Not").font = bold
    taken = {"om rapporten"}
    for k, payload in enumerate(payloads, start=1):
        name = sheet_name(payload.get("name") or f"Tabell {k}", taken)
        _write_table(wb.create_sheet(name), payload)
        text_cell(about, r + k, 1, name)
        text_cell(about, r + k, 2, payload.get("title", ""))
        if payload.get("note"):
            text_cell(about, r + k, 3, payload["note"])
    about.column_dimensions["A"].width = 22
    about.column_dimensions["B"].width = 60
    about.column_dimensions["C"].width = 40
    wb.properties.title = info["titel"]
    wb.properties.creator = info["kommun"]
    return save_workbook(wb, out)


# --- all formats ---------------------------------------------------------------------
def export_all(
    nb: nbformat.NotebookNode,
    outdir: Path,
    stem: str,
    meta: Mapping[str, Any],
    formats: Iterable[str],
    mall: Path | None = None,
) -> dict[str, Path]:
    """Write ``stem.html``, ``stem.pdf``, ``stem.xlsx`` and/or ``stem.docx`` under
    ``outdir``.

    Returns format → path for the files written. The HTML is made when HTML or PDF is
    asked for, and written only when HTML is. ``mall`` is the kommun's Word template
    (``data/raw/profil/mall.docx``) for the Word file (:func:`analysis.batch.word.export_docx`).
    """
    formats = set(formats)
    unknown = sorted(formats - set(FORMATS))
    if unknown:
        raise ConfigurationError(
            f"okänt format {', '.join(unknown)}; välj bland {', '.join(FORMATS)}."
        )
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    written: dict[str, Path] = {}
    if formats & {"html", "pdf"}:
        html = export_html(nb, meta)
        if "html" in formats:
            path = outdir / f"{stem}.html"
            with atomic_path(path, keep_suffix=False) as tmp:
                tmp.write_text(html, encoding="utf-8")
            written["html"] = path
        if "pdf" in formats:
            written["pdf"] = export_pdf(html, outdir / f"{stem}.pdf")
    if "xlsx" in formats:
        written["xlsx"] = export_xlsx(nb, outdir / f"{stem}.xlsx", meta)
    if "docx" in formats:
        from analysis.batch.word import export_docx  # word imports this module

        written["docx"] = export_docx(nb, outdir / f"{stem}.docx", meta, mall=mall)
    return written
