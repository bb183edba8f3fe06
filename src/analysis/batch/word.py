"""Executed report notebooks → Word documents (``--format docx``), with python-docx.

The document follows the HTML report cell by cell (the same cells are left out):

* a title block from the report's cover fields (kommun, titel, nämnd, period, date);
* markdown cells and ``text/markdown`` outputs become paragraphs: ``#``/``##``/``###`` get
  Word's built-in heading styles (so Word's table of contents works), lists get the list
  styles, bold, italic and code are kept; raw HTML is shown as text, never interpreted;
* tables are rebuilt from their data part (:data:`~analysis.rapport.tables.TABLE_MIMETYPE`,
  the data the Excel export writes): a real Word table with the title as a caption above,
  a header row repeated on every page, numbers right-aligned in Swedish format (written by
  :func:`analysis.core.format.tal`, as in the HTML), sum rows in bold, avvikelse columns
  with their sign and colour, the note below;
* charts become pictures with alternative text: a PNG output is used as it is; an SVG
  output (the notebooks draw SVG) is rasterised by :func:`svg_to_png`, which redraws
  matplotlib's SVG on matplotlib's own Agg renderer (no new system dependency); an SVG it
  cannot read becomes a visible placeholder ``[Diagram: …]``;
* A4, margins, page numbers in the footer (a ``PAGE`` field), language sv-SE, the core
  properties (title, author = kommun).

A Word template (the kommun's ``mall.docx``) may be given: its styles, page setup, header
and footer are kept and its body is replaced. The file is written atomically.
"""

from __future__ import annotations

import datetime as dt
import html as html_lib
import io
import json
import math
import re
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import nbformat
import numpy as np

from analysis.batch.publish import REMOVE_CELL_TAGS, REMOVE_OUTPUT_TAGS, rapport_meta
from analysis.core.atomic import atomic_path
from analysis.core.errors import PublishError
from analysis.core.format import MAX_DECIMALS, MISSING, is_missing, is_number, tal
from analysis.rapport.tables import TABLE_MIMETYPE, YEAR_COLUMNS, status_class

#: Page geometry (A4) and margins, in centimetres.
PAGE_WIDTH_CM, PAGE_HEIGHT_CM = 21.0, 29.7
MARGIN_CM = 2.2
#: The document's language.
LANGUAGE = "sv-SE"
#: Resolution of rasterised charts.
CHART_DPI = 150
#: The widest a chart is shown, in centimetres (the text width of the page).
CHART_MAX_WIDTH_CM = PAGE_WIDTH_CM - 2 * MARGIN_CM

#: Colours of avvikelse values (as the HTML: red below, green above budget; the sign is
#: always shown too) and of status words.
NEGATIVE_RGB = "B00020"
POSITIVE_RGB = "1B6B2F"
STATUS_RGB = {
    "status-gron": "1B6B2F",
    "status-gul": "7A4F00",
    "status-rod": "B00020",
    "status-ingen": "555555",
}
_SUM_LABELS = re.compile(r"^\s*(totalt|summa)\b", re.IGNORECASE)

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_SVG = "{http://www.w3.org/2000/svg}"
_XLINK_HREF = "{http://www.w3.org/1999/xlink}href"


# --- cells and outputs ---------------------------------------------------------------
def _tags(cell: Mapping[str, Any]) -> set[str]:
    return set((cell.get("metadata") or {}).get("tags", []) or [])


def _text(value: Any) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


def _payload(data: Mapping[str, Any]) -> dict[str, Any] | None:
    payload = data.get(TABLE_MIMETYPE)
    if isinstance(payload, str):
        try:
            payload = json.loads(payload)
        except ValueError:
            return None
    return dict(payload) if isinstance(payload, Mapping) else None


@dataclass(frozen=True)
class Block:
    """One piece of the report in order: ``kind`` is ``markdown``, ``table``, ``image``,
    ``svg`` or ``text``; ``value`` its content; ``alt`` a picture's own alternative text."""

    kind: str
    value: Any
    alt: str | None = None


def _output_alt(output: Mapping[str, Any], mimetype: str) -> str | None:
    meta = output.get("metadata") or {}
    for source in (meta.get(mimetype) or {}, meta):
        if isinstance(source, Mapping):
            for key in ("alt", "alt_text", "aria-label"):
                if isinstance(source.get(key), str) and source[key].strip():
                    return str(source[key]).strip()
    return None


def blocks(nb: nbformat.NotebookNode) -> Iterator[Block]:
    """The report's content in notebook order, as the HTML shows it: cells tagged
    ``parameters``, ``injected-parameters``, ``remove-cell`` or ``hide`` are left out,
    ``remove-output``/``hide-output`` cells show no outputs, stderr is never shown.

    Each output gives its richest form a Word file can hold: a table's data part, then
    markdown, HTML (as text), PNG, SVG, JPEG, plain text.
    """
    for cell in nb.get("cells", []):
        tags = _tags(cell)
        if tags & REMOVE_CELL_TAGS:
            continue
        kind = cell.get("cell_type")
        if kind == "markdown":
            yield Block("markdown", _text(cell.get("source", "")))
            continue
        if kind != "code" or tags & REMOVE_OUTPUT_TAGS:
            continue
        for output in cell.get("outputs", []):
            otype = output.get("output_type")
            if otype == "stream":
                if output.get("name") == "stdout" and _text(output.get("text", "")).strip():
                    yield Block("text", _text(output.get("text", "")).rstrip("\n"))
                continue
            if otype == "error":
                yield Block("text", f"{output.get('ename', 'Fel')}: {output.get('evalue', '')}")
                continue
            data = output.get("data") or {}
            payload = _payload(data)
            if payload is not None:
                yield Block("table", payload)
            elif "text/markdown" in data:
                yield Block("markdown", _text(data["text/markdown"]))
            elif "text/html" in data:
                yield Block("text", _html_text(_text(data["text/html"])))
            elif "image/png" in data:
                yield Block("image", _text(data["image/png"]), _output_alt(output, "image/png"))
            elif "image/svg+xml" in data:
                svg = _text(data["image/svg+xml"])
                yield Block("svg", svg, _output_alt(output, "image/svg+xml"))
            elif "image/jpeg" in data:
                yield Block("image", _text(data["image/jpeg"]), _output_alt(output, "image/jpeg"))
            elif "text/plain" in data:
                yield Block("text", _text(data["text/plain"]))


_TAG = re.compile(r"<[^>]*>")


def _html_text(fragment: str) -> str:
    """The text of an HTML fragment (tags dropped, entities resolved): nothing of it is
    interpreted."""
    text = re.sub(r"<(br|/p|/div|/tr|/li|/h\d)\b[^>]*>", "\n", fragment, flags=re.IGNORECASE)
    text = html_lib.unescape(_TAG.sub("", text))
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())


# --- SVG → PNG -----------------------------------------------------------------------
class SvgError(ValueError):
    """An SVG that :func:`svg_to_png` cannot draw."""


_NUMBER = r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"
_PATH_TOKEN = re.compile(rf"[A-Za-z]|{_NUMBER}")
_TRANSFORM = re.compile(r"(matrix|translate|scale|rotate|skewX|skewY)\s*\(([^)]*)\)")
_URL_ID = re.compile(r"url\(\s*['\"]?#([^)'\"]+)['\"]?\s*\)")
_COMMENT_TEXT = re.compile(
    r"<g id=\"text_\d+\">\s*<!--(.*?)-->\s*<g transform=\"translate\(("
    + _NUMBER
    + r")[ ,]+("
    + _NUMBER
    + r")\)",
    re.DOTALL,
)
_PATH_ARGS = {"M": 2, "L": 2, "Q": 4, "C": 6, "Z": 0}
_IDENTITY = np.identity(3)
_IDENTITY.setflags(write=False)


def _local(tag: Any) -> str:
    return str(tag).rsplit("}", 1)[-1]


def _parse_path(d: str) -> tuple[list[tuple[float, float]], list[int]]:
    """Vertices and matplotlib path codes of an SVG path in matplotlib's dialect (absolute
    ``M``, ``L``, ``Q``, ``C``, ``z``; an implicit repeat of the last command)."""
    from matplotlib.path import Path as MplPath

    tokens = _PATH_TOKEN.findall(d)
    verts: list[tuple[float, float]] = []
    codes: list[int] = []
    command = ""
    start = (0.0, 0.0)
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token.isalpha():
            command = token.upper()
            if token not in "MLQCZz":
                raise SvgError(f"sökvägskommandot {token!r} stöds inte")
            i += 1
            if command == "Z":
                verts.append(start)
                codes.append(MplPath.CLOSEPOLY)
                continue
        elif not command or command == "Z":
            raise SvgError("en sökväg börjar inte med ett kommando")
        n = _PATH_ARGS[command]
        try:
            nums = [float(t) for t in tokens[i : i + n]]
        except ValueError as exc:
            raise SvgError("en sökväg saknar koordinater") from exc
        if len(nums) < n:
            raise SvgError("en sökväg saknar koordinater")
        i += n
        points = [(nums[k], nums[k + 1]) for k in range(0, n, 2)]
        if command == "M":
            start = points[0]
            codes.append(MplPath.MOVETO)
            command = "L"  # further pairs after M are lines
        elif command == "L":
            codes.append(MplPath.LINETO)
        elif command == "Q":
            codes.extend([MplPath.CURVE3] * 2)
        else:
            codes.extend([MplPath.CURVE4] * 3)
        verts.extend(points)
    return verts, codes


def _transform(text: str | None) -> Any:
    """An SVG ``transform`` attribute as a 3×3 matrix (user units of the element → its
    parent's); read-only, shared between calls."""
    return _IDENTITY if not text else _parsed_transform(text)


@lru_cache(maxsize=4096)
def _parsed_transform(text: str) -> Any:
    import numpy as np

    t = np.identity(3)
    for name, args in _TRANSFORM.findall(text):
        v = [float(x) for x in re.findall(_NUMBER, args)]
        if name == "matrix" and len(v) == 6:
            a, b, c, d, e, f = v
            step = np.array([[a, c, e], [b, d, f], [0.0, 0.0, 1.0]])
        elif name == "translate" and v:
            step = _translate(v[0], v[1] if len(v) > 1 else 0.0)
        elif name == "scale" and v:
            step = np.diag([v[0], v[1] if len(v) > 1 else v[0], 1.0])
        elif name == "rotate" and v:
            r = math.radians(v[0])
            step = np.array(
                [[math.cos(r), -math.sin(r), 0.0], [math.sin(r), math.cos(r), 0.0], [0, 0, 1.0]]
            )
            if len(v) == 3:
                step = _translate(v[1], v[2]) @ step @ _translate(-v[1], -v[2])
        elif name in ("skewX", "skewY") and v:
            step = np.identity(3)
            step[(0, 1) if name == "skewX" else (1, 0)] = math.tan(math.radians(v[0]))
        else:
            raise SvgError(f"transformen {name} kan inte läsas")
        t = t @ step  # SVG lists the outer transform first
    t.setflags(write=False)
    return t


@lru_cache(maxsize=8192)
def _mpl_path(d: str) -> Any:
    """A path's ``d`` as a read-only matplotlib path (glyphs repeat across charts)."""
    from matplotlib.path import Path as MplPath

    verts, codes = _parse_path(d)
    return MplPath(verts, codes, readonly=True) if verts else None


def _translate(x: float, y: float) -> Any:
    import numpy as np

    return np.array([[1.0, 0.0, x], [0.0, 1.0, y], [0.0, 0.0, 1.0]])


def _style(el: ET.Element) -> dict[str, str]:
    style = {}
    for key in ("fill", "stroke", "stroke-width", "opacity", "fill-opacity", "stroke-opacity"):
        if key in el.attrib:
            style[key] = el.attrib[key]
    for declaration in el.attrib.get("style", "").split(";"):
        prop, _, value = declaration.partition(":")
        if prop.strip() and value.strip():
            style[prop.strip().lower()] = value.strip()
    return style


def _length(value: str | None, default: float) -> float:
    if value is None:
        return default
    m = re.match(_NUMBER, value.strip())
    return float(m.group()) if m else default


class _SvgCanvas:
    """Draws matplotlib's SVG dialect on an Agg renderer."""

    INHERITED = (
        "fill",
        "stroke",
        "stroke-width",
        "stroke-linecap",
        "stroke-linejoin",
        "stroke-dasharray",
        "stroke-dashoffset",
        "fill-opacity",
        "stroke-opacity",
        "fill-rule",
    )

    def __init__(self, root: ET.Element, dpi: int) -> None:
        import numpy as np
        from matplotlib.backends.backend_agg import RendererAgg

        width = _length(root.attrib.get("width"), 0.0)
        height = _length(root.attrib.get("height"), 0.0)
        box = [float(x) for x in re.findall(_NUMBER, root.attrib.get("viewBox", ""))]
        if len(box) == 4 and box[2] > 0 and box[3] > 0:
            vx, vy, vw, vh = box
            width, height = width or vw, height or vh
        else:
            vx, vy, vw, vh = 0.0, 0.0, width, height
        if not (0 < width < 10_000 and 0 < height < 10_000):
            raise SvgError("bilden saknar en rimlig storlek")
        self.width_pt, self.height_pt = width, height
        px_w = max(1, round(width / 72 * dpi))
        px_h = max(1, round(height / 72 * dpi))
        self.renderer = RendererAgg(px_w, px_h, dpi)
        self.renderer.clear()
        from matplotlib.path import Path as MplPath
        from matplotlib.transforms import IdentityTransform

        white = self.renderer.new_gc()
        white.set_linewidth(0)
        canvas = MplPath([(0, 0), (px_w, 0), (px_w, px_h), (0, px_h), (0, 0)], closed=True)
        self.renderer.draw_path(white, canvas, IdentityTransform(), (1.0, 1.0, 1.0, 1.0))
        white.restore()
        # user units → pixels, y down → y up
        self.base = np.array(
            [[px_w / vw, 0.0, -vx * px_w / vw], [0.0, -px_h / vh, px_h + vy * px_h / vh], [0, 0, 1]]
        )
        self.pt_per_unit = width / vw
        self.ids = {el.attrib["id"]: el for el in root.iter() if "id" in el.attrib}

    def color(self, value: str | None, opacity: float) -> tuple[float, ...] | None:
        from matplotlib.colors import to_rgba

        if value is None or value == "none":
            return None
        m = _URL_ID.match(value)
        if m:  # a hatch pattern: its background colour
            pattern = self.ids.get(m.group(1))
            rect = None if pattern is None else pattern.find(f"{_SVG}rect")
            value = rect.attrib.get("fill") if rect is not None else None
            if value is None:
                return None
        try:
            r, g, b, a = to_rgba(value)
        except ValueError as exc:
            raise SvgError(f"färgen {value!r} kan inte läsas") from exc
        return (r, g, b, a * opacity)

    def mpl_path(self, d: str) -> Any:
        return _mpl_path(d)

    def clip_box(self, el: ET.Element, transform: Any, clip: Any) -> Any:
        from matplotlib.transforms import Bbox

        ref = el.attrib.get("clip-path")
        if not ref:
            return clip
        m = _URL_ID.match(ref)
        target = self.ids.get(m.group(1)) if m else None
        shapes = [] if target is None else [c for c in target if isinstance(c.tag, str)]
        if len(shapes) != 1 or _local(shapes[0].tag) != "rect":
            raise SvgError("bara rektangulära urklipp stöds")
        rect = shapes[0]
        x, y = _length(rect.get("x"), 0), _length(rect.get("y"), 0)
        w, h = _length(rect.get("width"), 0), _length(rect.get("height"), 0)
        full = self.base @ transform
        corners = [full[:2, :2] @ (px, py) + full[:2, 2] for px, py in ((x, y), (x + w, y + h))]
        box = Bbox.from_extents(
            min(corners[0][0], corners[1][0]),
            min(corners[0][1], corners[1][1]),
            max(corners[0][0], corners[1][0]),
            max(corners[0][1], corners[1][1]),
        )
        return box if clip is None else Bbox.intersection(box, clip) or Bbox.null()

    def draw(self, el: ET.Element, transform: Any, style: dict[str, str], clip: Any) -> None:
        tag = _local(el.tag)
        if tag in ("defs", "metadata", "clipPath", "pattern", "style", "title", "desc"):
            return
        own = _style(el)
        inherited = {k: v for k, v in style.items() if k in self.INHERITED}
        opacity = float(style.get("_opacity", "1")) * float(own.get("opacity", "1"))
        merged = {**inherited, **own, "_opacity": str(opacity)}
        if tag == "use":
            href = el.attrib.get(_XLINK_HREF) or el.attrib.get("href", "")
            target = self.ids.get(href.lstrip("#"))
            if target is None:
                return
            use = transform @ _transform(el.get("transform"))
            t = use @ _translate(_length(el.get("x"), 0), _length(el.get("y"), 0))
            self.draw_shape(target, t, merged, self.clip_box(el, use, clip))
            return
        t = transform @ _transform(el.get("transform"))
        clip = self.clip_box(el, t, clip)
        if tag in ("svg", "g", "a"):
            for child in el:
                if isinstance(child.tag, str):
                    self.draw(child, t, merged, clip)
        elif tag in ("path", "rect"):
            self.draw_shape(el, transform, merged, clip, apply_own=True)
        else:  # text, image, circle …: never drop content silently
            raise SvgError(f"elementet <{tag}> stöds inte")

    def draw_shape(
        self,
        el: ET.Element,
        transform: Any,
        style: dict[str, str],
        clip: Any,
        *,
        apply_own: bool = False,
    ) -> None:
        tag = _local(el.tag)
        if tag == "g":
            self.draw(el, transform, style, clip)
            return
        if apply_own:
            own = {}
        else:  # a <use>d element: its own style wins over the use's
            own = _style(el)
            opacity = float(style.get("_opacity", "1")) * float(own.pop("opacity", "1"))
            style = {**style, **own, "_opacity": str(opacity)}
        t = transform @ _transform(el.get("transform"))
        if tag == "path":
            path = self.mpl_path(el.attrib.get("d", ""))
        elif tag == "rect":
            from matplotlib.path import Path as MplPath

            x, y = _length(el.get("x"), 0), _length(el.get("y"), 0)
            w, h = _length(el.get("width"), 0), _length(el.get("height"), 0)
            path = MplPath([(x, y), (x + w, y), (x + w, y + h), (x, y + h), (x, y)], closed=True)
        else:
            return
        if path is None:
            return
        self.paint(path, t, style, clip)

    def hatch(self, pattern: ET.Element, path: Any, t: Any, clip: Any, opacity: float) -> None:
        """A hatch pattern (``patternUnits="userSpaceOnUse"``, as matplotlib writes it)
        tiled over ``path`` and clipped to it."""
        from matplotlib.transforms import Affine2D, TransformedPath

        x0, y0 = _length(pattern.get("x"), 0), _length(pattern.get("y"), 0)
        w, h = _length(pattern.get("width"), 0), _length(pattern.get("height"), 0)
        if w <= 0 or h <= 0:
            return
        ext = path.get_extents()
        cols = range(math.floor((ext.x0 - x0) / w), math.ceil((ext.x1 - x0) / w))
        rows = range(math.floor((ext.y0 - y0) / h), math.ceil((ext.y1 - y0) / h))
        if len(cols) * len(rows) > 2500:
            raise SvgError("ett mönster täcker för många rutor")
        outline = TransformedPath(path, Affine2D(self.base @ t))
        for child in pattern:
            if _local(child.tag) != "path":
                continue
            tile_path = self.mpl_path(child.attrib.get("d", ""))
            if tile_path is None:
                continue
            style = {**_style(child), "_opacity": str(opacity)}
            for i in cols:
                for j in rows:
                    tile = t @ _translate(x0 + i * w, y0 + j * h)
                    self.paint(tile_path, tile, style, clip, outline)

    def paint(
        self, path: Any, t: Any, style: dict[str, str], clip: Any, outline: Any = None
    ) -> None:
        from matplotlib.transforms import Affine2D

        opacity = float(style.get("_opacity", "1"))
        fill_value = style.get("fill", "#000000")
        fill = self.color(fill_value, opacity * float(style.get("fill-opacity", "1")))
        stroke = self.color(style.get("stroke"), opacity * float(style.get("stroke-opacity", "1")))
        full = Affine2D(self.base @ t)
        scale = math.sqrt(abs(t[0, 0] * t[1, 1] - t[0, 1] * t[1, 0])) * self.pt_per_unit
        m = _URL_ID.match(fill_value or "")
        pattern = self.ids.get(m.group(1)) if m else None
        gc = self.renderer.new_gc()
        try:
            if clip is not None:
                gc.set_clip_rectangle(clip)
            if outline is not None:
                gc.set_clip_path(outline)
            if fill is not None:
                gc.set_linewidth(0)
                self.renderer.draw_path(gc, path, full, fill)
            if pattern is not None and _local(pattern.tag) == "pattern":
                self.hatch(pattern, path, t, clip, opacity)
            width = _length(style.get("stroke-width"), 1.0) * scale
            if stroke is not None and width > 0:
                gc.set_linewidth(width)
                gc.set_foreground(stroke, isRGBA=True)
                gc.set_alpha(stroke[3])
                gc.set_capstyle(
                    {"butt": "butt", "round": "round", "square": "projecting"}.get(
                        style.get("stroke-linecap", "butt"), "butt"
                    )
                )
                gc.set_joinstyle(
                    {"miter": "miter", "round": "round", "bevel": "bevel"}.get(
                        style.get("stroke-linejoin", "round"), "round"
                    )
                )
                dashes = style.get("stroke-dasharray")
                if dashes and dashes != "none":
                    values = [float(x) * scale for x in re.findall(_NUMBER, dashes)]
                    if values and any(values):
                        offset = _length(style.get("stroke-dashoffset"), 0.0) * scale
                        gc.set_dashes(offset, values)
                self.renderer.draw_path(gc, path, full, None)
        finally:
            gc.restore()

    def png(self) -> bytes:
        from PIL import Image

        buffer = self.renderer.buffer_rgba()
        image = Image.frombuffer(
            "RGBA",
            (int(self.renderer.width), int(self.renderer.height)),
            buffer,
            "raw",
            "RGBA",
            0,
            1,
        )
        # the canvas was painted white first; a chart has few colours, so a palette of 256
        # (smooth edges included) is a third of the size and quicker to write
        rgb = image.convert("RGB")
        palette = rgb.quantize(colors=256, method=Image.Quantize.FASTOCTREE)
        out = io.BytesIO()
        palette.save(out, format="PNG", optimize=False, compress_level=1)
        return out.getvalue()


def _svg_root(svg: str) -> ET.Element:
    if "<!ENTITY" in svg:
        raise SvgError("bilden innehåller DTD-entiteter")
    try:
        root = ET.fromstring(svg.encode("utf-8"))
    except ET.ParseError as exc:
        raise SvgError(f"bilden är inte giltig SVG ({exc})") from exc
    if _local(root.tag) != "svg":
        raise SvgError("bilden är inte en SVG-bild")
    return root


def svg_to_png(svg: str, dpi: int = CHART_DPI) -> tuple[bytes, float, float]:
    """Rasterise an SVG in matplotlib's dialect (paths, ``<use>``, groups, transforms,
    rectangular clip paths, fill/stroke styles) with matplotlib's Agg renderer.

    Returns
    -------
    png, width_pt, height_pt
        The PNG (white background) and the picture's size in points.

    Raises
    ------
    SvgError
        For SVG it cannot draw faithfully (text elements, embedded images, arcs …).
    """
    import numpy as np

    root = _svg_root(svg)
    canvas = _SvgCanvas(root, dpi)
    try:
        canvas.draw(
            root,
            np.identity(3),
            {"fill": "#000000", "stroke-linejoin": "round", "stroke-linecap": "butt"},
            None,
        )
    except RecursionError as exc:  # a <use> that refers to its own ancestor
        raise SvgError("bilden hänvisar till sig själv") from exc
    return canvas.png(), canvas.width_pt, canvas.height_pt


def svg_title(svg: str) -> str | None:
    """The chart's title as matplotlib wrote it into its SVG: the top-most text (matplotlib
    draws text as glyph paths and puts the string in a comment before them). ``None`` when
    the SVG holds no text."""
    best: tuple[float, float, str] | None = None
    for raw, x, y in _COMMENT_TEXT.findall(svg):
        text = html_lib.unescape(raw).replace("\u200b", "").strip()
        if not text:
            continue
        key = (float(y), float(x), text)
        if best is None or key[:2] < best[:2]:
            best = key
    return None if best is None else best[2]


# --- the Word document ---------------------------------------------------------------
#: Styles the document uses; a template lacking one gets it added (based on Normal).
HEADING_STYLES = {1: "Heading 1", 2: "Heading 2", 3: "Heading 3", 4: "Heading 4"}
_NEEDED_STYLES = (
    *HEADING_STYLES.values(),
    "Title",
    "Subtitle",
    "Caption",
    "List Bullet",
    "List Bullet 2",
    "List Number",
    "List Number 2",
    "Quote",
)
_MONO = "Consolas"


def _open_template(mall: Path | None) -> Any:
    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from lxml import etree

    if mall is None:
        return docx.Document()
    mall = Path(mall)
    if not mall.is_file():
        raise PublishError(
            f"Wordmallen {mall.name} finns inte (sökte {mall}); lägg kommunens mall som "
            "profil/mall.docx eller skapa Word-filen utan mall."
        )
    try:
        doc = docx.Document(str(mall))
    except (PackageNotFoundError, KeyError, ValueError, OSError, zipfile.BadZipFile) as exc:
        raise PublishError(
            f"Wordmallen {mall.name} kunde inte läsas som ett Word-dokument (.docx): {exc}. "
            "Spara mallen i Word som Word-dokument (.docx) eller Word-mall och försök igen."
        ) from exc
    except etree.XMLSyntaxError as exc:  # a damaged file
        raise PublishError(
            f"Wordmallen {mall.name} är skadad och kunde inte läsas ({type(exc).__name__}: "
            f"{exc}). Spara om mallen i Word som Word-dokument (.docx)."
        ) from exc
    body = doc.element.body
    for child in list(body):
        if child.tag != f"{{{_W}}}sectPr":  # keep the page setup, header and footer
            body.remove(child)
    return doc


def _ensure_styles(doc: Any) -> None:
    from docx.enum.style import WD_STYLE_TYPE
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt

    names = {s.name for s in doc.styles}
    for name in _NEEDED_STYLES:
        if name in names:
            continue
        style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = doc.styles["Normal"]
        level = next((k for k, v in HEADING_STYLES.items() if v == name), None)
        if level is not None or name in ("Title", "Subtitle"):
            style.font.bold = True
            style.font.size = Pt({1: 16, 2: 14, 3: 12, 4: 11}.get(level or 0, 20))
            style.paragraph_format.keep_with_next = True
        if level is not None:
            outline = OxmlElement("w:outlineLvl")
            outline.set(qn("w:val"), str(level - 1))
            style.element.get_or_add_pPr().append(outline)
        if name == "Caption":
            style.font.bold = True
            style.paragraph_format.keep_with_next = True


def _set_language(doc: Any) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    styles = doc.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    if defaults is None:
        defaults = OxmlElement("w:docDefaults")
        styles.insert(0, defaults)
    rpr_default = defaults.find(qn("w:rPrDefault"))
    if rpr_default is None:
        rpr_default = OxmlElement("w:rPrDefault")
        defaults.insert(0, rpr_default)
    rpr = rpr_default.find(qn("w:rPr"))
    if rpr is None:
        rpr = OxmlElement("w:rPr")
        rpr_default.append(rpr)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), LANGUAGE)
    lang.set(qn("w:eastAsia"), LANGUAGE)
    lang.set(qn("w:bidi"), "ar-SA")
    settings = doc.settings.element
    font_lang = settings.find(qn("w:themeFontLang"))
    if font_lang is None:
        font_lang = OxmlElement("w:themeFontLang")
        settings.append(font_lang)
    font_lang.set(qn("w:val"), LANGUAGE)


def _field(paragraph: Any, instruction: str, shown: str) -> None:
    """A complex field (``PAGE``, ``NUMPAGES`` …) in ``paragraph``; Word computes it."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    def char(kind: str) -> Any:
        el = OxmlElement("w:fldChar")
        el.set(qn("w:fldCharType"), kind)
        return el

    run = paragraph.add_run()
    run._r.append(char("begin"))
    run = paragraph.add_run()
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    run._r.append(instr)
    paragraph.add_run()._r.append(char("separate"))
    paragraph.add_run(shown)
    paragraph.add_run()._r.append(char("end"))


def _has_page_field(part_element: Any) -> bool:
    from docx.oxml.ns import qn

    for el in part_element.iter(qn("w:instrText")):
        if "PAGE" in (el.text or "").split():
            return True
    for el in part_element.iter(qn("w:fldSimple")):
        if "PAGE" in (el.get(qn("w:instr")) or "").split():
            return True
    return False


def _page_setup(doc: Any, from_template: bool) -> None:
    from docx.enum.section import WD_ORIENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm

    section = doc.sections[0]
    if not from_template:  # a template keeps its own page setup
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = Cm(PAGE_WIDTH_CM), Cm(PAGE_HEIGHT_CM)
        for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
            setattr(section, side, Cm(MARGIN_CM))
        section.header_distance = section.footer_distance = Cm(1.2)
    footer = section.footer
    if footer.is_linked_to_previous:
        footer.is_linked_to_previous = False
    if not _has_page_field(footer._element):
        if footer.paragraphs and not footer.paragraphs[-1].text.strip():
            p = footer.paragraphs[-1]
        else:
            p = footer.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.add_run("Sida ")
        _field(p, "PAGE", "1")
        p.add_run(" av ")
        _field(p, "NUMPAGES", "1")


def _text_width_emu(doc: Any) -> int:
    from docx.shared import Cm

    s = doc.sections[0]
    try:
        width = int(s.page_width - s.left_margin - s.right_margin)
    except TypeError:
        width = 0
    return width if width > 0 else int(Cm(CHART_MAX_WIDTH_CM))


# --- markdown → paragraphs -----------------------------------------------------------
@lru_cache(maxsize=1)
def _markdown_parser() -> Any:
    import mistune

    return mistune.create_markdown(renderer=None, plugins=["table", "strikethrough"])


def _inline(paragraph: Any, nodes: Sequence[Mapping[str, Any]], fmt: frozenset[str]) -> None:
    for node in nodes:
        kind = node.get("type")
        children = node.get("children") or []
        if kind in ("inline_html", "block_html") and str(node.get("raw", "")).startswith("<!--"):
            continue  # comments (the drafts' writing hints) are never printed
        if kind in ("text", "inline_html", "block_html"):
            _run(paragraph, str(node.get("raw", "")), fmt)
        elif kind == "codespan":
            _run(paragraph, str(node.get("raw", "")), fmt | {"code"})
        elif kind == "strong":
            _inline(paragraph, children, fmt | {"bold"})
        elif kind == "emphasis":
            _inline(paragraph, children, fmt | {"italic"})
        elif kind == "strikethrough":
            _inline(paragraph, children, fmt | {"strike"})
        elif kind in ("linebreak",):
            paragraph.add_run().add_break()
        elif kind == "softbreak":
            _run(paragraph, " ", fmt)
        elif kind == "image":
            alt = "".join(str(c.get("raw", "")) for c in children)
            _run(paragraph, f"[Bild: {alt}]" if alt else "[Bild]", fmt)
        else:  # link (the text only: a report refers to nothing outside it) and others
            if children:
                _inline(paragraph, children, fmt)
            elif node.get("raw"):
                _run(paragraph, str(node["raw"]), fmt)


_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _run(paragraph: Any, text: str, fmt: frozenset[str] | set[str] = frozenset()) -> Any:
    run = paragraph.add_run(_XML_ILLEGAL.sub("", text))
    if "bold" in fmt:
        run.bold = True
    if "italic" in fmt:
        run.italic = True
    if "strike" in fmt:
        run.font.strike = True
    if "code" in fmt:
        run.font.name = _MONO
    return run


#: The styles by name of the documents being built (python-docx searches every time).
_STYLES: dict[int, dict[str, Any]] = {}


def _styles(doc: Any) -> dict[str, Any]:
    found = _STYLES.get(id(doc))
    return found if found is not None else {s.name: s for s in doc.styles}


def _style_or(doc: Any, name: str, fallback: str = "Normal") -> Any:
    styles = _styles(doc)
    return styles.get(name) or styles.get(fallback) or doc.styles[fallback]


def _markdown(doc: Any, text: str) -> None:
    tokens = _markdown_parser()(text)
    _blocks(doc, tokens, 0)


def _blocks(doc: Any, tokens: Sequence[Mapping[str, Any]], depth: int) -> None:
    for token in tokens:
        kind = token.get("type")
        children = token.get("children") or []
        if kind == "heading":
            level = int((token.get("attrs") or {}).get("level", 1))
            style = HEADING_STYLES.get(min(level, max(HEADING_STYLES)))
            _inline(doc.add_paragraph(style=_style_or(doc, str(style))), children, frozenset())
        elif kind in ("paragraph", "block_text"):
            _inline(doc.add_paragraph(), children, frozenset())
        elif kind == "list":
            _list(doc, token, depth)
        elif kind == "block_quote":
            for child in children:
                p = doc.add_paragraph(style=_style_or(doc, "Quote"))
                _inline(p, child.get("children") or [], frozenset())
        elif kind == "block_code":
            p = doc.add_paragraph()
            _run(p, str(token.get("raw", "")).rstrip("\n"), {"code"})
        elif kind == "table":
            _markdown_table(doc, token)
        elif kind == "block_html":
            raw = str(token.get("raw", "")).strip()
            if raw and not raw.startswith("<!--"):  # comments are never printed
                _run(doc.add_paragraph(), raw)
        elif kind == "thematic_break" or kind == "blank_line":
            continue


def _list(doc: Any, token: Mapping[str, Any], depth: int) -> None:
    ordered = bool((token.get("attrs") or {}).get("ordered"))
    base = "List Number" if ordered else "List Bullet"
    style = _style_or(doc, base if depth == 0 else f"{base} 2", base)
    for item in token.get("children") or []:
        first = True
        for child in item.get("children") or []:
            if child.get("type") == "list":
                _list(doc, child, depth + 1)
            elif first:
                _inline(doc.add_paragraph(style=style), child.get("children") or [], frozenset())
                first = False
            else:
                p = doc.add_paragraph()
                p.paragraph_format.left_indent = style.paragraph_format.left_indent
                _inline(p, child.get("children") or [], frozenset())


def _markdown_table(doc: Any, token: Mapping[str, Any]) -> None:
    rows: list[tuple[bool, list[Mapping[str, Any]]]] = []
    for part in token.get("children") or []:
        if part.get("type") == "table_head":
            rows.append((True, list(part.get("children") or [])))
        else:
            for row in part.get("children") or []:
                rows.append((False, list(row.get("children") or [])))
    width = max((len(cells) for _, cells in rows), default=0)
    if not width:
        return
    table = doc.add_table(rows=0, cols=width)
    _table_style(doc, table)
    for head, cells in rows:
        row = table.add_row()
        if head:
            _repeat_header(row)
        for cell, node in zip(row.cells, cells, strict=False):
            p = cell.paragraphs[0]
            if (node.get("attrs") or {}).get("align") == "right":
                from docx.enum.text import WD_ALIGN_PARAGRAPH

                p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            _inline(p, node.get("children") or [], frozenset({"bold"}) if head else frozenset())


# --- report tables -------------------------------------------------------------------
def _table_style(doc: Any, table: Any) -> None:
    grid = _styles(doc).get("Table Grid")
    if grid is not None:
        table.style = grid


def _repeat_header(row: Any) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    trpr = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    trpr.append(header)


def _dec(decimals: Mapping[str, Any], col: str) -> int:
    d = decimals.get(col, 0)
    ok = isinstance(d, int) and not isinstance(d, bool) and 0 <= d <= MAX_DECIMALS
    return int(d) if ok else 0


@dataclass(frozen=True)
class Cell:
    """One shown cell of a report table: its text, right-aligned or not, and a colour."""

    text: str
    number: bool
    rgb: str | None = None


def table_cells(payload: Mapping[str, Any]) -> tuple[list[str], list[tuple[bool, list[Cell]]]]:
    """The header and the rows (sum row or not, cells) of a table's data part, written as
    the HTML writes them (:func:`analysis.rapport.tables.render_html`)."""
    columns = [str(c) for c in payload.get("columns") or []]
    decimals = payload.get("decimals") or {}
    percent = {str(c) for c in payload.get("percent") or []}
    deviation = {str(c) for c in payload.get("deviation") or []}
    status = {str(c) for c in payload.get("status") or []}
    sums = {
        i for i in payload.get("sum_rows") or [] if isinstance(i, int) and not isinstance(i, bool)
    }
    numeric = {c for c in columns if c in decimals}
    label_col = 0 if columns and columns[0] not in numeric else None
    out = []
    for index, raw in enumerate(payload.get("rows") or []):
        row = list(raw)[: len(columns)] + [None] * (len(columns) - len(raw))
        cells = []
        for col, value in zip(columns, row, strict=True):
            if (
                col.strip().casefold() in YEAR_COLUMNS
                and is_number(value)
                and float(value).is_integer()
            ):
                cells.append(Cell(str(int(value)), True))
            elif is_number(value) or (col in numeric and is_missing(value)):
                d = _dec(decimals, col)
                text = tal(value, d, procent=col in percent, tecken=col in deviation)
                rgb = None
                if col in deviation and is_number(value) and math.isfinite(float(value)):
                    shown = round(float(value), d)
                    rgb = NEGATIVE_RGB if shown < 0 else POSITIVE_RGB if shown > 0 else None
                cells.append(Cell(text, True, rgb))
            else:
                text = MISSING if is_missing(value) else str(value)
                css = status_class(text) if col in status else None
                cells.append(Cell(text, False, STATUS_RGB.get(css) if css else None))
        is_sum = index in sums or (
            label_col is not None and isinstance(row[0], str) and bool(_SUM_LABELS.match(row[0]))
        )
        out.append((is_sum, cells))
    return columns, out


def _xml_text(text: str) -> str:
    return html_lib.escape(_XML_ILLEGAL.sub("", text), quote=False)


def _cell_xml(text: str, *, right: bool, bold: bool, rgb: str | None, size: int | None) -> str:
    rpr = ("<w:b/>" if bold else "") + (f'<w:color w:val="{rgb}"/>' if rgb else "")
    if size:
        rpr += f'<w:sz w:val="{size}"/><w:szCs w:val="{size}"/>'
    ppr = '<w:pPr><w:spacing w:before="0" w:after="0"/>' + (
        '<w:jc w:val="right"/>' if right else ""
    )
    ppr += "</w:pPr>"
    run = f"<w:r>{f'<w:rPr>{rpr}</w:rPr>' if rpr else ''}"
    run += f'<w:t xml:space="preserve">{_xml_text(text)}</w:t></w:r>'
    return f"<w:tc><w:p>{ppr}{run}</w:p></w:tc>"


def _column_widths(doc: Any, columns: Sequence[str], numeric: set[str]) -> list[int]:
    """Column widths in twentieths of a point over the text width: a text column (the
    row labels) counts twice a number column."""
    total = _text_width_emu(doc) // 635
    weights = [1 if c in numeric else 2 for c in columns]
    return [max(1, total * w // sum(weights)) for w in weights]


def _append_body(doc: Any, element: Any) -> None:
    from docx.oxml.ns import qn

    body = doc.element.body
    sect = body.find(qn("w:sectPr"))
    if sect is not None:
        sect.addprevious(element)
    else:
        body.append(element)


def _report_table(doc: Any, payload: Mapping[str, Any]) -> None:
    """A table's data part as a Word table, written as XML in one piece (python-docx's
    cell-by-cell API is far slower for the report's larger tables)."""
    from docx.oxml import parse_xml

    columns, rows = table_cells(payload)
    numeric = set((payload.get("decimals") or {}).keys())
    caption = doc.add_paragraph(style=_style_or(doc, "Caption"))
    _run(caption, str(payload.get("title", "")))
    caption.paragraph_format.keep_with_next = True
    if columns:
        size = 18 if len(columns) >= 7 else None  # half-points: 9 pt for wide tables
        style = ""
        grid = _styles(doc).get("Table Grid")
        if grid is not None:
            style = f'<w:tblStyle w:val="{grid.style_id}"/>'
        parts = [
            f'<w:tbl xmlns:w="{_W}"><w:tblPr>{style}<w:tblW w:w="5000" w:type="pct"/>'
            '<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="1" '
            'w:lastColumn="0" w:noHBand="0" w:noVBand="1"/></w:tblPr><w:tblGrid>',
            *(f'<w:gridCol w:w="{w}"/>' for w in _column_widths(doc, columns, numeric)),
            "</w:tblGrid>",
            "<w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>",
            *(
                _cell_xml(col, right=col in numeric, bold=True, rgb=None, size=size)
                for col in columns
            ),
            "</w:tr>",
        ]
        for is_sum, cells in rows:
            parts.append("<w:tr><w:trPr><w:cantSplit/></w:trPr>")
            parts.extend(
                _cell_xml(c.text, right=c.number, bold=is_sum, rgb=c.rgb, size=size) for c in cells
            )
            parts.append("</w:tr>")
        parts.append("</w:tbl>")
        _append_body(doc, parse_xml("".join(parts)))
    note = payload.get("note")
    if note:
        _run(doc.add_paragraph(), str(note), {"italic"})
    else:
        doc.add_paragraph()  # Word joins two tables that touch


# --- pictures ------------------------------------------------------------------------
def _picture(doc: Any, png: bytes, width_pt: float | None, alt: str) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    width = _text_width_emu(doc)
    if width_pt:
        width = min(width, int(Pt(width_pt)))
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    shape = p.add_run().add_picture(io.BytesIO(png), width=width)
    doc_pr = shape._inline.docPr
    doc_pr.set("descr", alt)
    doc_pr.set("title", alt)


def _alt(block: Block, title: str | None) -> str:
    if block.alt:
        return block.alt
    return f"Diagram: {title}" if title else "Diagram utan rubrik"


def _image_block(doc: Any, block: Block) -> None:
    import base64
    import binascii

    from docx.image.exceptions import UnrecognizedImageError

    try:
        data = base64.b64decode(re.sub(r"\s+", "", str(block.value)), validate=True)
        _picture(doc, data, None, _alt(block, None))
    except (binascii.Error, ValueError, UnrecognizedImageError):  # shown as broken
        _run(doc.add_paragraph(), "[Bilden kunde inte visas.]", {"italic"})


def _svg_block(doc: Any, block: Block) -> None:
    svg = str(block.value)
    title = svg_title(svg)
    try:
        png, width_pt, _ = svg_to_png(svg)
    except (SvgError, ValueError, KeyError, IndexError):  # unreadable: a visible placeholder
        _run(doc.add_paragraph(), f"[Diagram: {title or 'utan rubrik'}]", {"italic"})
        return
    _picture(doc, png, width_pt, _alt(block, title))


# --- the export ----------------------------------------------------------------------
def _title_block(doc: Any, info: Mapping[str, Any]) -> None:
    if info.get("kommun"):
        p = doc.add_paragraph()
        _run(p, str(info["kommun"]).upper(), {"bold"})
    _run(doc.add_paragraph(style=_style_or(doc, "Title")), str(info.get("titel", "")))
    if info.get("namnd"):
        _run(doc.add_paragraph(style=_style_or(doc, "Subtitle")), str(info["namnd"]))
    _run(doc.add_paragraph(), str(info.get("period", "")))
    if info.get("utkast"):
        _run(doc.add_paragraph(), "Utkast – texterna är inte färdiga", {"bold"})
    _run(doc.add_paragraph(), f"Upprättad {info.get('datum', '')}")


def build_document(
    nb: nbformat.NotebookNode, meta: Mapping[str, Any], mall: Path | None = None
) -> Any:
    """The report as a python-docx ``Document`` (not saved); see :func:`export_docx`."""
    info = rapport_meta(meta)
    doc = _open_template(mall)
    _ensure_styles(doc)
    _set_language(doc)
    _page_setup(doc, from_template=mall is not None)
    _STYLES[id(doc)] = {s.name: s for s in doc.styles}
    try:
        _title_block(doc, info)
        for block in blocks(nb):
            if block.kind == "markdown":
                _markdown(doc, str(block.value))
            elif block.kind == "table":
                _report_table(doc, block.value)
            elif block.kind == "svg":
                _svg_block(doc, block)
            elif block.kind == "image":
                _image_block(doc, block)
            else:
                for line in str(block.value).splitlines() or [""]:
                    _run(doc.add_paragraph(), line)
    finally:
        _STYLES.pop(id(doc), None)
    props = doc.core_properties
    title = info["titel"] + (f" – {info['namnd']}" if info.get("namnd") else "")
    props.title = f"{title} – {info['period']}"
    props.author = info["kommun"]
    props.last_modified_by = info["kommun"]
    props.subject = info["period"]
    props.language = LANGUAGE
    props.comments = ""
    props.keywords = ""
    props.revision = 1
    props.created = props.modified = dt.datetime.now(dt.UTC).replace(microsecond=0)
    return doc


def export_docx(
    nb: nbformat.NotebookNode,
    out: Path,
    meta: Mapping[str, Any],
    mall: Path | None = None,
) -> Path:
    """The finished report as a Word document at ``out`` (atomically).

    Parameters
    ----------
    nb : NotebookNode
        The executed report notebook.
    out : Path
        The ``.docx`` to write; the previous file is kept if anything fails.
    meta : mapping
        The cover fields (see :func:`analysis.batch.publish.rapport_meta`).
    mall : Path, optional
        A Word template (``.docx``): its styles, page setup, header and footer are used.

    Raises
    ------
    PublishError
        When the template is missing or is not a Word document.
    """
    doc = build_document(nb, meta, mall)
    out = Path(out)
    with atomic_path(out, keep_suffix=True) as tmp:
        doc.save(str(tmp))
    return out
