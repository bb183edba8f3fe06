"""Each domain optional, end to end: copies of the sample without personal/, without
befolkning/ and without both pass ``analysis check``, ``analysis export`` writes the other
sheets, and ``analysis run`` skips the reports whose data is missing, naming them and the
reason in manifest.json and index.html, with exit code 0."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from analysis.batch.export import SHEET_KINDS, export_tables, skipped_sheets
from analysis.batch.matrix import ReportSpec, build_tasks, read_matrix, skip_reason
from analysis.batch.runner import build_manifest, render_index, run_reports
from analysis.cli import main
from analysis.core.errors import ConfigurationError
from analysis.core.period import Period
from analysis.io.contract import KINDS
from analysis.io.dataset import load_data
from tests.conftest import ROOT

from .test_export import SHEETS

P = Period.parse("2023-04")
VARIANTS = {
    "utan_personal": ("personal",),
    "utan_befolkning": ("befolkning",),
    "utan_bada": ("personal", "befolkning"),
}
ALL_SHEETS = set(SHEETS)
BEFOLKNING_RAPPORT = (
    "  - notebook: befolkning.ipynb\n    per: kommun\n    titel: Befolkningsutveckling\n"
    "    kraver: [folkmangd, fodda, doda, flyttningar]\n"
    "    parametrar:\n      mal_folkmangd: 100000\n      mal_ar: 2040\n"
)


@pytest.fixture(scope="module")
def variants(sample_data, tmp_path_factory) -> dict[str, Path]:
    """A copy of the loaded sample (raw and cache) per variant, its folders removed."""
    out = {}
    for name, removed in VARIANTS.items():
        data_dir = tmp_path_factory.mktemp(name) / "data"
        shutil.copytree(sample_data.data_dir, data_dir, symlinks=True)
        for folder in removed:
            shutil.rmtree(data_dir / "raw" / folder)
        out[name] = data_dir
    return out


def notebooks(tmp_path: Path, matrix: str) -> Path:
    """The shipped notebooks with a matrix of our own (only the reports under test)."""
    nb = tmp_path / "notebooks"
    nb.mkdir()
    for path in (ROOT / "notebooks").glob("*.ipynb"):
        shutil.copy(path, nb / path.name)
    (nb / "rapporter.yml").write_text("rapporter:\n" + matrix, encoding="utf-8")
    return nb


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_check_succeeds_and_names_the_missing_folders(variants, variant, capsys):
    assert main(["check", "--data-dir", str(variants[variant])]) == 0
    out = capsys.readouterr().out
    for folder in ("personal", "befolkning"):
        line = f"Utan {folder}/: mappen {folder}/ saknas i data/raw"
        assert (line in out) == (folder in VARIANTS[variant]), out
    assert "sjukfranvaro" in out.split("Utan")[0] or "personal" in VARIANTS[variant]


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_export_writes_the_other_sheets_and_says_which_are_left_out(
    sample_data, variants, variant, tmp_path, capsys
):
    removed = VARIANTS[variant]
    want_out = {
        s for s, kinds in SHEET_KINDS.items() if any(KINDS[k].folder in removed for k in kinds)
    }
    assert want_out  # every variant loses at least one sheet
    xlsx = tmp_path / "ut.xlsx"
    code = main(
        ["export", "--period", "2023-04", "--out", str(xlsx), "--data-dir", str(variants[variant])]
    )
    assert code == 0
    out = capsys.readouterr().out
    sheets = set(openpyxl.load_workbook(xlsx, read_only=True).sheetnames)
    assert sheets == ALL_SHEETS - want_out
    for sheet in want_out:
        folder = next(f for k in SHEET_KINDS[sheet] if (f := KINDS[k].folder) in removed)
        assert f"Bladet {sheet} är utelämnat: mappen {folder}/ saknas i data/raw." in out
    # the sheets that remain are those of the full sample, figure for figure
    full = export_tables(sample_data, P)
    part = export_tables(load_data(variants[variant]), P)
    assert set(full) == ALL_SHEETS and set(part) == ALL_SHEETS - want_out
    for name, frame in part.items():
        expected = full[name]
        if name == "finansiella_mal" and "befolkning" in removed:
            # the goal per invånare cannot be computed without the population: it says so
            per_inv = frame["nyckeltal"].str.endswith("per_invanare")
            assert per_inv.any() and frame.loc[per_inv, "utfall"].isna().all()
            assert expected.loc[per_inv, "utfall"].notna().all()
            assert (frame.loc[per_inv, "saknas"] == "folkmängd saknas").all()
            frame, expected = frame[~per_inv], expected[~per_inv]
        pd.testing.assert_frame_equal(
            frame.reset_index(drop=True),
            expected.reset_index(drop=True),
            check_dtype=False,
            check_categorical=False,
            obj=name,
        )


def test_the_full_sample_leaves_no_sheet_out(sample_data):
    assert skipped_sheets(sample_data) == {}


def test_the_shipped_matrix_declares_what_each_report_needs(variants):
    specs = read_matrix(ROOT / "notebooks")
    kraver = {(s.notebook, s.per): s.kraver for s in specs}
    assert kraver[("personal.ipynb", "kommun")] == ("sjukfranvaro",)
    assert kraver[("personal.ipynb", "forvaltning")] == ("sjukfranvaro",)
    assert kraver[("befolkning.ipynb", "kommun")] == ("folkmangd", "fodda", "doda", "flyttningar")
    for nb in ("kommun.ipynb", "kortversion.ipynb", "namnd.ipynb", "ekonomi.ipynb"):
        assert (
            "utfall"
            in kraver[(nb, "namnd" if nb in ("namnd.ipynb", "ekonomi.ipynb") else "kommun")]
        )
    data = load_data(variants["utan_bada"])
    tasks = build_tasks(specs, ROOT / "notebooks", data.register, P)
    skipped = {t.stem for t in tasks if skip_reason(t.spec, data)}
    assert skipped == {
        t.stem for t in tasks if t.spec.notebook in ("personal.ipynb", "befolkning.ipynb")
    }
    assert len(skipped) == 1 + len(data.register.forvaltningar) + 1


def test_kraver_is_validated(tmp_path):
    (tmp_path / "rapporter.yml").write_text(
        "rapporter:\n  - notebook: a.ipynb\n    per: kommun\n    kraver: [sjukfranvaron]\n",
        encoding="utf-8",
    )
    with pytest.raises(ConfigurationError, match="okänt filslag sjukfranvaron"):
        read_matrix(tmp_path)
    (tmp_path / "rapporter.yml").write_text(
        "rapporter:\n  - notebook: a.ipynb\n    per: kommun\n    kraver: sjukfranvaro\n",
        encoding="utf-8",
    )
    assert read_matrix(tmp_path)[0].kraver == ("sjukfranvaro",)


def test_skip_reason(variants, sample_data):
    spec = ReportSpec("personal.ipynb", "kommun", "Personal", kraver=("sjukfranvaro",))
    assert skip_reason(spec, sample_data) is None
    assert skip_reason(spec, load_data(variants["utan_befolkning"])) is None
    assert (
        skip_reason(spec, load_data(variants["utan_personal"]))
        == "Ingen personalrapport: mappen personal/ saknas i data/raw"
    )
    assert (
        skip_reason(ReportSpec("personal.ipynb", "kommun", "P"), load_data(variants["utan_bada"]))
        is None
    )


def _manifest(reports_dir: Path) -> dict:
    return json.loads((reports_dir / "2023-04" / "manifest.json").read_text(encoding="utf-8"))


def test_run_without_both_makes_the_kommun_report_and_skips_the_others(variants, tmp_path):
    matrix = (
        "  - notebook: kommun.ipynb\n    per: kommun\n    titel: Delårsrapport\n"
        "    kraver: [utfall, budget, prognos]\n"
        "  - notebook: personal.ipynb\n    per: kommun\n    titel: Personal\n"
        "    kraver: [sjukfranvaro]\n" + BEFOLKNING_RAPPORT
    )
    reports = tmp_path / "reports"
    code = run_reports(
        period=P,
        namnder=None,
        data_dir=variants["utan_bada"],
        reports_dir=reports,
        formats="html",
        workers=1,
        notebooks_dir=notebooks(tmp_path, matrix),
        progress=False,
    )
    assert code == 0
    m = _manifest(reports)
    by = {r["stem"]: r for r in m["reports"]}
    assert by["kommun"]["status"] == "ok" and by["kommun"]["files"] == {"html": "kommun.html"}
    assert by["kommun"]["kontroller"]["avvikande"] == 0
    assert by["personal"]["status"] == "hoppad" and by["personal"]["files"] == {}
    assert (
        by["personal"]["anledning"] == "Ingen personalrapport: mappen personal/ saknas i data/raw"
    )
    assert by["befolkning"]["anledning"] == (
        "Ingen befolkningsrapport: mappen befolkning/ saknas i data/raw"
    )
    index = (reports / "2023-04" / "index.html").read_text(encoding="utf-8")
    assert "1 av 1 rapporter klara. 2 rapporter hoppades över" in index
    assert "Ingen personalrapport: mappen personal/ saknas i data/raw" in index
    assert "Ingen befolkningsrapport: mappen befolkning/ saknas i data/raw" in index
    assert "status-fel" not in index.split("</style>")[1]
    html = (reports / "2023-04" / "kommun.html").read_text(encoding="utf-8")
    assert "Personaluppgifter saknas: mappen personal/ saknas i data/raw." in html
    assert "Befolkningsuppgifter för perioden saknas: mappen befolkning/ saknas i data/raw" in html
    assert not (reports / "2023-04" / "personal.html").exists()


def test_run_with_namnd_without_personal_skips_the_forvaltning_report(variants, tmp_path):
    data = load_data(variants["utan_personal"])
    namnd = next(u for u in data.register.namnder if data.register.forvaltning_of(u))
    matrix = (
        "  - notebook: namnd.ipynb\n    per: namnd\n    titel: Delårsrapport\n"
        "    kraver: [utfall, budget, prognos]\n"
        "  - notebook: personal.ipynb\n    per: forvaltning\n    titel: Personal\n"
        "    kraver: [sjukfranvaro]\n"
    )
    reports = tmp_path / "reports"
    code = run_reports(
        period=P,
        namnder=[namnd],
        data_dir=variants["utan_personal"],
        reports_dir=reports,
        formats="html",
        workers=1,
        notebooks_dir=notebooks(tmp_path, matrix),
        progress=False,
    )
    assert code == 0
    by = {r["notebook"]: r for r in _manifest(reports)["reports"]}
    assert by["namnd.ipynb"]["status"] == "ok" and by["namnd.ipynb"]["namnd"] == namnd
    skipped = by["personal.ipynb"]
    assert skipped["status"] == "hoppad"
    assert skipped["namnd_namn"] == data.register.forvaltning_of(namnd)
    html = (reports / "2023-04" / f"namnd-{namnd}.html").read_text(encoding="utf-8")
    assert "Personaluppgifter saknas: mappen personal/ saknas i data/raw." in html


def test_run_where_every_report_is_skipped_starts_no_kernel(variants, tmp_path, capsys):
    reports = tmp_path / "reports"
    code = run_reports(
        period=P,
        namnder=None,
        data_dir=variants["utan_befolkning"],
        reports_dir=reports,
        formats="html",
        notebooks_dir=notebooks(tmp_path, BEFOLKNING_RAPPORT),
        progress=False,
    )
    assert code == 0
    (only,) = _manifest(reports)["reports"]
    assert only["status"] == "hoppad" and only["stem"] == "befolkning"
    out = capsys.readouterr().out
    assert "Hoppade över befolkning: Ingen befolkningsrapport: mappen befolkning/" in out
    assert not (reports / "2023-04" / "_notebooks" / "befolkning.ipynb").exists()


def _entry(stem: str, status: str, **extra) -> dict:
    return {
        "stem": stem,
        "notebook": f"{stem}.ipynb",
        "namnd": None,
        "namnd_namn": None,
        "titel": stem,
        "status": status,
        "files": {"html": f"{stem}.html"} if status == "ok" else {},
        "error": "ValueError: x" if status == "fel" else None,
        "failing_cell": 3 if status == "fel" else None,
        "started": "2026-12-01T10:00:00+00:00",
        "finished": "2026-12-01T10:00:05+00:00",
        "seconds": 1.0,
        "attempts": 1,
        "kontroller": None,
        "run_id": "r1",
        **extra,
    }


def test_the_index_tells_a_skipped_report_from_a_failed_one():
    run = {
        "run_id": "r1",
        "started": "2026-12-01T10:00:00+00:00",
        "finished": "2026-12-01T10:01:00+00:00",
        "seconds": 60.0,
        "parameters": {},
        "package_version": "1.0",
        "git_commit": None,
        "inputs": {},
    }
    reports = [
        _entry("kommun", "ok"),
        _entry("namnd", "fel"),
        _entry("personal", "hoppad", anledning="Ingen personalrapport: <personal/> saknas"),
    ]
    page = render_index(build_manifest(P, "K", run, reports, {}))
    body = page.split("</style>")[1]
    assert "1 av 2 rapporter klara. 1 rapport hoppades över" in body
    row = next(r for r in body.split("<tr>") if "Ingen personalrapport" in r)
    assert "Hoppades över (inte ett fel): Ingen personalrapport: &lt;personal/&gt; saknas" in row
    assert "status-fel" not in row and "notebook</a>" not in row
    failed = next(r for r in body.split("<tr>") if "<td>namnd</td>" in r)
    assert "status-fel" in failed
