"""The real report notebooks on the sample kommun, as `analysis run` makes them."""

from __future__ import annotations

import json
import re

import openpyxl
import pytest
from pypdf import PdfReader

from analysis.cli import main


@pytest.fixture(scope="module")
def reports(sample_data, tmp_path_factory):
    out = tmp_path_factory.mktemp("reports")
    code = main(
        [
            "run",
            "--period",
            "2023-04",
            "--data-dir",
            str(sample_data.data_dir),
            "--reports-dir",
            str(out),
            "--workers",
            "2",
        ]
    )
    assert code == 0
    return out / "2023-04"


def pdf_text(path):
    return "".join(page.extract_text() for page in PdfReader(path).pages)


def test_every_report_of_the_matrix(reports, sample_data):
    manifest = json.loads((reports / "manifest.json").read_text(encoding="utf-8"))
    stems = {r["stem"] for r in manifest["reports"]}
    namnder = sample_data.register.namnder
    from analysis.core.format import slug

    expected = (
        {f"namnd-{u}" for u in namnder}
        | {f"ekonomi-{u}" for u in namnder}
        | {f"personal-{slug(f)}" for f in sample_data.register.forvaltningar}
        | {"befolkning", "personal", "kommun", "kortversion"}
    )
    assert "personal-ks-kommunstab" in expected
    assert stems == expected
    assert all(r["status"] == "ok" for r in manifest["reports"])


def test_namnd_pdf_shows_name_period_and_key_figures(reports):
    text = pdf_text(reports / "namnd-bun.pdf")
    assert "Barn- och utbildningsnämnden" in text
    assert "Delår 1, januari–april 2023" in text
    # utfall −675, budget −677 (−676,6), prognos −2 053,9 against budget −2 034,4 (mkr)
    for figure in ("675,0", "676,6", "2\u00a0053,9", "2\u00a0034,4"):
        assert figure in text.replace(" ", "\u00a0") or figure.replace("\u00a0", " ") in text
    text = pdf_text(reports / "namnd-ofn.pdf")
    assert "Överförmyndarnämnden" in text


def test_html_is_self_contained_without_code(reports):
    for path in reports.glob("*.html"):
        html = path.read_text(encoding="utf-8")
        assert "<script" not in html, path.name
        assert "http://" not in html and "https://" not in html, path.name
        assert "import " not in html and "show_table(" not in html, path.name


def test_excel_tables_hold_numbers(reports):
    wb = openpyxl.load_workbook(reports / "namnd-sbn.xlsx")
    assert len(wb.sheetnames) >= 3
    numbers = [
        c.value
        for ws in wb.worksheets[1:]
        for row in ws.iter_rows(min_row=2)
        for c in row
        if isinstance(c.value, int | float)
    ]
    assert len(numbers) > 10


def test_no_employee_id_in_any_generated_file(reports, sample_data):
    ids = set(sample_data.sjukfranvaro["anstalld"].astype(str).unique())
    pattern = re.compile(r"A\d{6}")
    for path in reports.rglob("*"):
        if path.suffix in (".html", ".ipynb", ".json", ".log"):
            found = set(pattern.findall(path.read_text(encoding="utf-8", errors="replace")))
            assert not (found & ids), path.name
        elif path.suffix == ".pdf":
            assert not (set(pattern.findall(pdf_text(path))) & ids), path.name


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ").replace("\u2212", "-"))


def test_kommun_report_reproduces_the_published_commentary(reports):
    """seed001 §3: the figures the published delårsrapport states in its text."""
    text = _flat(pdf_text(reports / "kommun.pdf"))
    for phrase in (
        "Nämndernas utfall för perioden är -18 miljoner kronor sämre än budget",
        "stadsbyggnadsnämnden -25 miljoner kronor",
        "socialnämnden -11 miljoner kronor",
        "Finansförvaltningen avviker med -98 miljoner kronor",
        "exklusive semesterlöneskulden är avvikelsen -15 miljoner kronor",
        "underskott med -44 miljoner kronor för nämnderna",
        "barn- och utbildningsnämnden (-19 mkr)",
        "stadsbyggnadsnämnden (-22 mkr)",
        "-13 miljoner kronor, jämfört med den prognos som gjordes i mars 2023 på -31",
        "investerat för 146 miljoner kronor",
        "1 067 miljoner kronor",
        "23 miljoner kronor högre än budget",
        "Om semesterlöneskuldens resultatpåverkan exkluderas är resultatet +72 miljoner kronor",
        "58 miljoner kronor sämre än budgeterat resultat",
    ):
        assert phrase in text, phrase
    for heading in (
        "Resultaträkning",
        "Driftsredovisning",
        "Investeringsredovisning",
        "Befolkningsutveckling",
        "Personal",
        "Måluppföljning",
        "Kontroller",
        "Bilaga: Nämndernas måluppföljning",
        # the statutory report's sections (issue 14)
        "Viktiga händelser",
        "Uppföljning av kommunfullmäktiges mål",
        "Balansräkning",
        "Kassaflödesanalys",
        "Balanskravsutredning",
        "God ekonomisk hushållning",
        "Pensionsförpliktelser",
        "Sysselsättningsutveckling",
        "Personalstruktur",
        "Bolagen",
        "Framtiden",
    ):
        assert heading in text, heading


def test_kommun_report_reproduces_the_published_personnel_and_labour_figures(reports):
    """seed001 n03 (personnel in April 2023) and n04 (unemployment), as printed."""
    text = _flat(pdf_text(reports / "kommun.pdf"))
    for phrase in (
        "Arbetslösheten i Exempelkommunen var 4,9 procent i april, jämfört med 5,5 procent",
        "I Norrbottens län var den 4,4 procent",
        "5,0 procent (6,5 procent året innan)",
        "12,4 procent (11,6 procent i Norrbottens län)",
        "1 861",
        "6 729",
        "6 019",
        "302",
    ):
        assert phrase in text, phrase


def test_a_report_built_from_an_utkast_says_so_on_its_cover(reports):
    """The sample ships an utkast for Barn- och utbildningsnämnden and a finished text for
    Socialnämnden (2023-04): only the first report's cover is marked."""
    utkast = "Utkast – texterna är inte färdiga"
    assert utkast in (reports / "namnd-bun.html").read_text(encoding="utf-8")
    assert utkast in _flat(pdf_text(reports / "namnd-bun.pdf"))
    assert utkast not in (reports / "namnd-sn.html").read_text(encoding="utf-8")
    assert utkast not in (reports / "kommun.html").read_text(encoding="utf-8")


def test_every_report_ran_its_checks_and_all_hold(reports):
    manifest = json.loads((reports / "manifest.json").read_text(encoding="utf-8"))
    for r in manifest["reports"]:
        assert r["kontroller"] is not None, r["stem"]
        assert r["kontroller"]["antal"] >= 5, r["stem"]
        assert r["kontroller"]["avvikande"] == 0, (r["stem"], r["kontroller"]["fel"][:3])
    assert "kontroller stämmer" in (reports / "index.html").read_text(encoding="utf-8")


def test_goal_status_is_shown_with_colour_and_text(reports):
    html = (reports / "kommun.html").read_text(encoding="utf-8")
    for css, word in (
        ("status-gron", "Grön"),
        ("status-gul", "Gul"),
        ("status-rod", "Röd"),
        ("status-ingen", "Ej bedömd"),
    ):
        assert re.search(rf'<span class="{css}">{word}</span>', html), css
    # the appendix: every nämnd with goals has its heading; lower-is-better is stated
    assert "Överförmyndarnämnden" in html and "Lägre" in html and "Nytt mätetal" in html
    wb = openpyxl.load_workbook(reports / "kommun.xlsx")
    assert "maloversikt" in wb.sheetnames


def test_short_version_is_two_pages_in_plain_swedish(reports):
    pdf = PdfReader(reports / "kortversion.pdf")
    assert len(pdf.pages) == 2
    text = _flat(pdf_text(reports / "kortversion.pdf"))
    for phrase in (
        "Det viktigaste",
        "underskott på 11 miljoner kronor",
        "Vad går pengarna till?",
        "Ordlista",
        "mätetal",
    ):
        assert phrase in text, phrase
