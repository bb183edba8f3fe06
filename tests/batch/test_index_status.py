"""The index page shows the status of the ekonom's texts (klar / utkast / saknas), per
nämnd report and in a table of every unit (analysis.batch.runner)."""

from __future__ import annotations

import shutil

import pytest

from analysis.batch.runner import build_manifest, render_index, text_statuses
from analysis.core.period import Period
from analysis.io.dataset import load_data

P = Period.parse("2023-04")


@pytest.fixture
def sample(sample_data, tmp_path):
    shutil.copytree(sample_data.data_dir, tmp_path / "data", symlinks=True)
    return load_data(tmp_path / "data")


def report(stem: str, namnd: str | None, namn: str | None, text_status: str | None) -> dict:
    return {
        "stem": stem,
        "notebook": "namnd.ipynb",
        "namnd": namnd,
        "namnd_namn": namn,
        "titel": "Delårsrapport",
        "status": "ok",
        "files": {"html": f"{stem}.html"},
        "error": None,
        "failing_cell": None,
        "started": "2026-12-01T10:00:00+00:00",
        "finished": "2026-12-01T10:00:05+00:00",
        "seconds": 5.0,
        "attempts": 1,
        "kontroller": None,
        "text_status": text_status,
        "run_id": "r1",
    }


def run_info() -> dict:
    return {
        "run_id": "r1",
        "started": "2026-12-01T10:00:00+00:00",
        "finished": "2026-12-01T10:01:00+00:00",
        "seconds": 60.0,
        "parameters": {},
        "package_version": "1.0",
        "git_commit": None,
        "inputs": {},
    }


def test_text_statuses_of_the_sample(sample):
    t = {x["enhet"]: x for x in text_statuses(sample, P)}
    assert list(t) == ["kommun", *sample.register.namnder]
    assert t["kommun"]["status"] == "klar" and t["kommun"]["namn"].startswith("Exempelkommunen")
    assert (t["sn"]["status"], t["bun"]["status"], t["kfn"]["status"]) == (
        "klar",
        "utkast",
        "saknas",
    )
    assert t["kfn"]["fil"] == "kommentarer/2023-04/kfn.md"
    assert sum(x["status"] == "saknas" for x in t.values()) == len(t) - 3


def test_a_file_that_cannot_be_read_is_fel(sample, tmp_path):
    link = sample.raw_dir / "kommentarer" / "2023-04" / "kfn.md"
    outside = tmp_path / "annan.md"
    outside.write_text("status: klar\n", encoding="utf-8")
    link.symlink_to(outside)
    t = {x["enhet"]: x for x in text_statuses(sample, P)}
    assert t["kfn"]["status"] == "fel"
    assert "symbolisk länk" in t["kfn"]["anmarkning"]


def test_index_shows_the_status_per_report_and_per_unit(sample):
    texter = text_statuses(sample, P)
    reports = [
        report("namnd-bun", "bun", "Barn- och utbildningsnämnden", "utkast"),
        report("namnd-sn", "sn", "Socialnämnden", "klar"),
        report("namnd-kfn", "kfn", "Kultur- och fritidsnämnden", "saknas"),
        report("kommun", None, None, None),
    ]
    manifest = build_manifest(P, "Exempelkommunen", run_info(), reports, {}, texter)
    assert manifest["texter"] == texter
    page = render_index(manifest)
    rows = {r.split("</td>")[1]: r for r in page.split("<tr>")[1:] if "Delårsrapport" in r}
    assert (
        'Text: <span class="text-utkast">Utkast</span>' in rows["<td>Barn- och utbildningsnämnden"]
    )
    assert 'Text: <span class="text-klar">Klar</span>' in rows["<td>Socialnämnden"]
    assert 'Text: <span class="text-saknas">Saknas</span>' in rows["<td>Kultur- och fritidsnämnden"]
    assert "Text:" not in rows["<td>Hela kommunen"]
    assert "<h2>Ekonomens texter</h2>" in page
    n_saknas = len(texter) - 3
    assert f"2 klar, 1 utkast, {n_saknas} saknas." in page
    table = page.split("<h2>Ekonomens texter</h2>")[1]
    assert table.count("<tr><td>") == len(texter)
    assert "<code>kommentarer/2023-04/bun.md</code>" in table
    assert "<script" not in page


def test_an_index_without_texts_has_no_table():
    manifest = build_manifest(P, "K", run_info(), [report("kommun", None, None, None)], {})
    assert manifest["texter"] == []
    assert "Ekonomens texter" not in render_index(manifest)


def test_names_are_escaped(sample):
    texter = [
        {
            "enhet": "x",
            "namn": "<b>N</b>",
            "fil": "kommentarer/2023-04/x.md",
            "status": "utkast",
            "anmarkning": "<script>alert(1)</script>",
        }
    ]
    page = render_index(build_manifest(P, "K", run_info(), [], {}, texter))
    assert "<script>" not in page and "&lt;b&gt;N&lt;/b&gt;" in page
