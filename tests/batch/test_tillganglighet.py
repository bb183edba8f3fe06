"""Accessible HTML reports (issue 16): every report type and the index, rendered in a real
browser (Playwright driving Debian's ``chromium``; never ``playwright install``), break
none of axe-core's WCAG 2.0/2.1 A and AA rules. axe-core comes from npm; ``.ci/run``
installs it outside git (``.ci/node``) and names it in ``AXE_CORE_JS``.

Beyond axe (which ignores an ``<svg>`` without a role): every chart carries a Swedish
text alternative naming what it shows, and no id repeats within a page."""

from __future__ import annotations

import html as html_module
import io
import os
import re
import shutil
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import pytest
import yaml

from analysis.batch.publish import (
    CHART_LABEL_MISSING,
    IMAGE_LABEL_MISSING,
    clean_svg,
    export_html,
)
from tests.conftest import ROOT

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
AXE = Path(
    os.environ.get("AXE_CORE_JS")
    or ROOT / ".ci" / "node" / "node_modules" / "axe-core" / "axe.min.js"
)
ARTIFACTS = ROOT / "test-artifacts"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
AXE_RUN = (
    "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})"
    ".then(r => ({violations: r.violations, passes: r.passes.map(p => p.id)}))"
)

_missing = [
    what
    for what, ok in (
        ("Debian's chromium (apt-get install chromium)", CHROMIUM is not None),
        (f"axe-core ({AXE}; npm install --prefix .ci/node axe-core)", AXE.is_file()),
    )
    if not ok
]
needs_browser = pytest.mark.skipif(
    bool(_missing) and not os.environ.get("CI"),
    reason="missing: " + "; ".join(_missing) + " (.ci/run installs both)",
)

#: The report pages checked: one of each type (the batch's file names; the personal
#: report of the whole kommun comes from the same notebook as the förvaltning's).
PAGES = [
    "index.html",
    "kommun.html",
    "kortversion.html",
    "namnd-bun.html",
    "ekonomi-bun.html",
    "personal-barn-o-utbildningsforvaltningen.html",
    "befolkning.html",
]


# --- the text alternative of a chart, without a browser ------------------------------
def _svg(fig) -> str:
    buf = io.StringIO()
    fig.savefig(buf, format="svg")
    return buf.getvalue()


def _tag_attr(html: str, tag: str, name: str) -> str:
    """The attribute ``name`` of the first ``<tag>`` (as written, entities kept)."""
    start = re.search(rf"<{tag}\b[^>]*>", html)
    assert start, f"no <{tag}> in {html[:300]}"
    m = re.search(rf"""\s{name}=(?:"([^"]*)"|'([^']*)')""", start.group(0))
    assert m, f"no {name} on {start.group(0)[:300]}"
    return html_module.unescape(m.group(1) if m.group(1) is not None else m.group(2))


def _attr(svg: str, name: str) -> str:
    return _tag_attr(svg, "svg", name)


def test_a_chart_is_named_by_its_title():
    from matplotlib.figure import Figure

    fig = Figure(figsize=(4, 3))
    ax = fig.add_subplot()
    ax.plot([1, 2, 3], [3, 1, 2], label="Utfall")
    ax.set_title("Sjukfrånvaro per månad, procent", loc="left", fontsize=11)
    ax.set_xlabel("månad")
    ax.legend()
    out = clean_svg(_svg(fig))
    assert _attr(out, "role") == "img"
    assert _attr(out, "aria-label") == "Diagram: Sjukfrånvaro per månad, procent"


def test_subplot_titles_are_joined_in_order_and_text_elements_count():
    from matplotlib import rc_context
    from matplotlib.figure import Figure

    with rc_context({"svg.fonttype": "none"}):  # texts as <text>, not glyph paths
        fig = Figure(figsize=(6, 3))
        left, right = fig.subplots(1, 2)
        left.set_title("Trend", fontsize=12)
        right.set_title("Säsongsmönster", fontsize=12)
        left.set_ylabel("procent")
        svg = _svg(fig)
    assert "<text" in svg
    assert _attr(clean_svg(svg), "aria-label") == "Diagram: Trend. Säsongsmönster"


def test_a_chart_without_text_says_its_description_is_missing():
    from matplotlib.figure import Figure

    fig = Figure(figsize=(2, 2))
    fig.add_subplot().axis("off")
    assert _attr(clean_svg(_svg(fig)), "aria-label") == CHART_LABEL_MISSING


def test_two_charts_in_one_page_share_no_id_and_keep_their_references():
    from matplotlib.figure import Figure

    charts = []
    for title in ("Första", "Andra"):
        fig = Figure(figsize=(3, 2))
        ax = fig.add_subplot()
        ax.bar(["a", "b"], [1, 2], hatch="//")
        ax.set_title(title)
        charts.append(clean_svg(_svg(fig)))
    raw_ids = re.findall(r'\bid="([^"]+)"', _svg(fig))
    assert "figure_1" in raw_ids  # matplotlib's own ids, the same in every figure
    ids = [re.findall(r'\bid="([^"]+)"', c) for c in charts]
    assert ids[0] and ids[1] and not set(ids[0]) & set(ids[1])
    for chart, own in zip(charts, ids, strict=True):
        refs = re.findall(r'href="#([^"]+)"', chart) + re.findall(r"url\(#([^)]+)\)", chart)
        assert refs, "the chart refers to its glyphs and clip paths"
        assert set(refs) <= set(own), set(refs) - set(own)
        assert len(own) == len(set(own))


def _report(*outputs) -> str:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("## Befolkning"), nbformat.v4.new_code_cell()]
    nb.cells[1].outputs = list(outputs)
    return export_html(nb, {"kommun": "Exempelkommunen", "titel": "Test", "period": "2023-04"})


def _display(data: dict, metadata: dict | None = None):
    return nbformat.v4.new_output("display_data", data=data, metadata=metadata or {})


def test_an_image_gets_its_alt_text_or_says_it_has_none():
    png = {"image/png": "iVBORw0KGgo=", "text/plain": "<Figure>"}
    assert _tag_attr(_report(_display(png)), "img", "alt") == IMAGE_LABEL_MISSING
    meta = {"image/png": {"alt": 'Karta över "skolor"\n i kommunen'}}
    alt = _tag_attr(_report(_display(png, meta)), "img", "alt")
    assert alt == 'Karta över "skolor" i kommunen'


def test_the_chart_label_survives_export():
    from matplotlib.figure import Figure

    fig = Figure(figsize=(3, 2))
    ax = fig.add_subplot()
    ax.plot([0, 1], [1, 0])
    ax.set_title("Folkmängd 31 december")
    out = _report(_display({"image/svg+xml": _svg(fig), "text/plain": "<Figure>"}))
    assert _tag_attr(out, "svg", "role") == "img"
    assert _tag_attr(out, "svg", "aria-label") == "Diagram: Folkmängd 31 december"
    assert '<html lang="sv">' in out


# --- the reports in a real browser ---------------------------------------------------
def _kommun_matrix(notebooks: Path) -> Path:
    """A copy of the notebooks whose matrix keeps only the reports made once per kommun
    (a run with ``--namnd`` leaves them out). The personal report is left out: the bun
    run makes it for a förvaltning, from the same notebook and template."""
    matrix = yaml.safe_load((ROOT / "notebooks" / "rapporter.yml").read_text(encoding="utf-8"))
    entries = [
        e
        for e in matrix["rapporter"]
        if e.get("per") == "kommun" and e["notebook"] != "personal.ipynb"
    ]
    notebooks.mkdir()
    for entry in entries:
        shutil.copy2(ROOT / "notebooks" / entry["notebook"], notebooks / entry["notebook"])
    (notebooks / "rapporter.yml").write_text(
        yaml.safe_dump({"rapporter": entries}, allow_unicode=True), encoding="utf-8"
    )
    return notebooks


@pytest.fixture(scope="module")
def reports(sample_dir, tmp_path_factory) -> dict[str, Path]:
    """One HTML report of each type for 2023-04: the bun run gives namnd-bun, ekonomi-bun
    and the personal report of its förvaltning; a second run the kommun-wide reports."""
    from analysis.batch.runner import run_reports
    from analysis.core.period import Period

    base = tmp_path_factory.mktemp("tillganglighet")
    runs = {"namnd": (["bun"], None), "kommun": (None, _kommun_matrix(base / "notebooks"))}

    def run(name: str) -> int:
        namnder, notebooks = runs[name]
        return run_reports(
            period=Period.parse("2023-04"),
            namnder=namnder,
            data_dir=sample_dir,
            reports_dir=base / name,
            formats="html",
            notebooks_dir=notebooks,
            progress=False,
        )

    # the two runs share the machine: each waits on its kernels most of the time
    with ThreadPoolExecutor(max_workers=2) as pool:
        codes = dict(zip(runs, pool.map(run, runs), strict=True))
    assert codes == {"namnd": 0, "kommun": 0}, codes
    pages: dict[str, Path] = {}
    for name in runs:
        for page in (base / name / "2023-04").glob("*.html"):
            pages.setdefault(page.name, page)
    assert set(PAGES) <= set(pages), sorted(set(PAGES) - set(pages))
    return pages


@pytest.fixture(scope="module")
def browser():
    assert CHROMIUM, "chromium must be installed in CI (see .ci/run)"
    assert AXE.is_file(), f"axe-core must be installed in CI (see .ci/run): {AXE}"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    page = browser.new_page(viewport={"width": 1000, "height": 1400})
    yield page
    page.close()


def axe(page, url: str) -> dict:
    page.goto(url)
    page.add_script_tag(path=str(AXE))
    return page.evaluate(AXE_RUN, WCAG_TAGS)


def describe(violations: list[dict]) -> str:
    return "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']}; "
        + ", ".join(" ".join(n["target"]) for n in v["nodes"][:8])
        + (f" … ({len(v['nodes'])} in all)" if len(v["nodes"]) > 8 else "")
        for v in violations
    )


@needs_browser
def test_axe_reports_what_a_careless_page_breaks(page, tmp_path):
    """The check can fail: a page without language, title, alt text or contrast."""
    bad = tmp_path / "dalig.html"
    bad.write_text(
        '<html><body><p style="color:#bbb">Grå text</p>'
        '<img src="data:image/png;base64,iVBORw0KGgo=">'
        '<svg role="img" width="10" height="10"><rect width="10" height="10"/></svg>'
        "<table><tr><th></th><td>1</td></tr></table></body></html>",
        encoding="utf-8",
    )
    found = {v["id"] for v in axe(page, bad.as_uri())["violations"]}
    assert {"html-has-lang", "document-title", "image-alt", "color-contrast", "svg-img-alt"} <= (
        found
    ), found


@needs_browser
@pytest.mark.parametrize("name", PAGES)
def test_report_has_no_wcag_violation(reports, page, name):
    result = axe(page, reports[name].as_uri())
    assert not result["violations"], f"{name}:\n{describe(result['violations'])}"
    # the rules that matter most ran on the page (a page axe could not read passes nothing)
    assert {"color-contrast", "html-has-lang", "document-title"} <= set(result["passes"])
    if name == "kortversion.html":
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "tillganglighet_kortversion.png"), full_page=True)


@needs_browser
@pytest.mark.parametrize("name", [p for p in PAGES if p != "index.html"])
def test_every_chart_has_a_text_alternative_and_no_id_repeats(reports, page, name):
    page.goto(reports[name].as_uri())
    found = page.evaluate(
        """() => ({
        svgs: [...document.querySelectorAll('figure svg')].map(s => [
            s.getAttribute('role'), s.getAttribute('aria-label')]),
        imgs: [...document.querySelectorAll('img')].map(i => i.getAttribute('alt')),
        ids: [...document.querySelectorAll('[id]')].map(e => e.id),
        lang: document.documentElement.lang,
        main: document.querySelectorAll('main').length,
        h1: document.querySelectorAll('h1').length})"""
    )
    assert found["lang"] == "sv" and found["main"] == 1 and found["h1"] >= 1
    for role, label in found["svgs"]:
        assert role == "img"
        assert label and label.startswith("Diagram: ") and label != CHART_LABEL_MISSING, label
    assert all(alt and alt.strip() for alt in found["imgs"]), found["imgs"]
    repeated = [i for i, n in Counter(found["ids"]).items() if n > 1]
    assert not repeated, repeated[:10]
    if name == "kortversion.html":
        assert [label for _, label in found["svgs"]][:2] == [
            "Diagram: Så används 100 kronor av nämndernas nettokostnad, jan–apr 2023",
            "Diagram: Antal invånare 31 december, utfall och prognos",
        ]
