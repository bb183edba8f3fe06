"""`analysis run`: real Papermill execution, export, failure isolation, validation."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest
from pypdf import PdfReader

from analysis.batch.runner import run_reports
from analysis.core.errors import ConfigurationError, InputError
from analysis.core.period import Period


def _notebook(path: Path, body: str, params: str) -> None:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    p = nbformat.v4.new_code_cell(params)
    p.metadata["tags"] = ["parameters"]
    nb.cells = [
        nbformat.v4.new_markdown_cell("## Rapport för nämnden"),
        p,
        nbformat.v4.new_code_cell(body),
    ]
    nbformat.write(nb, path)


GOOD = """
from analysis.io.dataset import load_data
from analysis.ekonomi.drift import compute_driftsredovisning
from analysis.rapport.tables import show_table
d = load_data(data_dir)
drift = compute_driftsredovisning(d, period).query("namnd == @namnd")
show_table(drift, "Drift " + d.register.namn(namnd), name="drift", decimals=1)
"""
BROKEN = """
if namnd == "sn":
    raise ValueError("avsiktligt fel för " + namnd)
print("inget fel för", namnd)
"""


@pytest.fixture
def notebooks(tmp_path):
    folder = tmp_path / "nb"
    folder.mkdir()
    params = 'namnd = "bun"\nperiod = "2023-04"\ndata_dir = "../data"'
    _notebook(folder / "good.ipynb", GOOD, params)
    _notebook(folder / "broken.ipynb", BROKEN, params)
    (folder / "rapporter.yml").write_text(
        "rapporter:\n  - notebook: good.ipynb\n    per: namnd\n    titel: Ekonomi\n"
        "  - notebook: broken.ipynb\n    per: namnd\n    titel: Trasig\n",
        encoding="utf-8",
    )
    return folder


def test_a_broken_report_leaves_the_others_complete(tiny, notebooks, tmp_path):
    reports = tmp_path / "reports"
    code = run_reports(
        period=Period(2023, 4),
        namnder=None,
        data_dir=tiny,
        reports_dir=reports,
        workers=2,
        notebooks_dir=notebooks,
        progress=False,
    )
    assert code == 1
    out = reports / "2023-04"
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    status = {r["stem"]: r for r in manifest["reports"]}
    assert set(status) == {"good-bun", "good-sn", "broken-bun", "broken-sn"}
    assert status["broken-sn"]["status"] == "fel"
    assert "avsiktligt fel för sn" in status["broken-sn"]["error"]
    assert status["broken-sn"]["failing_cell"] is not None
    for stem in ("good-bun", "good-sn", "broken-bun"):
        assert status[stem]["status"] == "ok"
        for kind in ("html", "pdf", "xlsx"):
            assert (out / f"{stem}.{kind}").exists()
    assert not (out / "broken-sn.pdf").exists()
    assert (out / "_notebooks" / "broken-sn.ipynb").exists()  # kept for audit
    assert manifest["inputs"] and all(len(h) == 64 for h in manifest["inputs"].values())
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "avsiktligt fel för sn" in index and "<script" not in index
    assert 'href="good-bun.pdf"' in index
    text = "".join(page.extract_text() for page in PdfReader(out / "good-sn.pdf").pages)
    assert "Socialnämnden" in text and "Sida 1 av" in text
    # the injected parameters and the code never reach the report
    html = (out / "good-bun.html").read_text(encoding="utf-8")
    assert "compute_driftsredovisning" not in html and "data_dir" not in html


def test_rerun_is_idempotent(tiny, notebooks, tmp_path):
    reports = tmp_path / "reports"
    kwargs = dict(
        period=Period(2023, 4),
        namnder=["bun"],
        data_dir=tiny,
        reports_dir=reports,
        workers=1,
        notebooks_dir=notebooks,
        progress=False,
        formats="html",
    )
    assert run_reports(**kwargs) == 0
    first = sorted(p.name for p in (reports / "2023-04").iterdir())
    assert run_reports(**kwargs) == 0
    assert sorted(p.name for p in (reports / "2023-04").iterdir()) == first
    assert not list((reports / "2023-04").glob(".*tmp*"))


def test_validation_happens_before_any_kernel_starts(tiny, notebooks, tmp_path):
    reports = tmp_path / "reports"
    common = dict(data_dir=tiny, reports_dir=reports, notebooks_dir=notebooks, progress=False)
    with pytest.raises(ConfigurationError, match="okänd nämnd 'tekniska'.*bun"):
        run_reports(period=Period(2023, 4), namnder=["tekniska"], **common)
    with pytest.raises(InputError, match="inget utfall för april 2021"):
        run_reports(period=Period(2021, 4), namnder=None, **common)
    with pytest.raises(InputError, match="inget utfall för juni 2023.*maj 2023"):
        run_reports(period=Period(2023, 6), namnder=None, **common)  # May has, June not
    nb = nbformat.read(notebooks / "good.ipynb", as_version=4)
    nb.cells[1].source = 'namnd = "bun"\nperiod = "2023-04"'  # no data_dir
    nbformat.write(nb, notebooks / "good.ipynb")
    with pytest.raises(
        ConfigurationError, match="good.ipynb deklarerar inte parametrarna data_dir"
    ):
        run_reports(period=Period(2023, 4), namnder=None, **common)
    with pytest.raises(ConfigurationError, match="okänt format"):
        run_reports(period=Period(2023, 4), namnder=None, formats="odt", **common)
    assert not (reports / "2023-04" / "manifest.json").exists()


def test_same_matrix_runs_on_a_dask_localcluster(tiny, notebooks, tmp_path):
    distributed = pytest.importorskip("distributed")
    reports = tmp_path / "reports"
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        code = run_reports(
            period=Period(2023, 4),
            namnder=["bun", "sn"],
            data_dir=tiny,
            reports_dir=reports,
            notebooks_dir=notebooks,
            progress=False,
            formats="html,xlsx",
            scheduler=cluster.scheduler_address,
        )
    assert code == 1  # broken-sn fails, on the cluster too
    manifest = json.loads((reports / "2023-04" / "manifest.json").read_text(encoding="utf-8"))
    status = {r["stem"]: r["status"] for r in manifest["reports"]}
    assert status == {"good-bun": "ok", "good-sn": "ok", "broken-bun": "ok", "broken-sn": "fel"}
    assert manifest["parameters"]["scheduler"].startswith("tcp://")
    assert (reports / "2023-04" / "good-sn.xlsx").exists()


def test_a_kernel_that_fails_to_start_is_retried(tiny, notebooks, tmp_path, monkeypatch):
    import papermill

    from analysis.batch.matrix import build_tasks, read_matrix
    from analysis.batch.runner import execute_task
    from analysis.io.dataset import load_data

    data = load_data(tiny)
    task = build_tasks(read_matrix(notebooks), notebooks, data.register, Period(2023, 4), ["bun"])[
        0
    ]
    real = papermill.execute_notebook
    calls = []

    def flaky(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("Kernel died before replying to kernel_info")
        return real(*args, **kwargs)

    monkeypatch.setattr(papermill, "execute_notebook", flaky)
    try:
        res = execute_task(
            task, str(notebooks), str(tmp_path / "out"), str(tiny), ["html"], 60, "Testkommun"
        )
    finally:
        from analysis.batch.runner import _WARM

        _WARM.discard()  # the kernel this process started
    assert res.status == "ok" and res.attempts == 2 and len(calls) == 2
    assert (tmp_path / "out" / f"{task.stem}.html").exists()


def test_a_report_over_its_time_limit_is_stopped_and_the_others_finish(tiny, tmp_path):
    folder = tmp_path / "nb"
    folder.mkdir()
    params = 'namnd = "bun"\nperiod = "2023-04"\ndata_dir = "../data"'
    _notebook(
        folder / "slow.ipynb",
        'import time\nif namnd == "bun":\n    time.sleep(600)\nprint("klar")',
        params,
    )
    (folder / "rapporter.yml").write_text(
        "rapporter:\n  - notebook: slow.ipynb\n    per: namnd\n    titel: Långsam\n",
        encoding="utf-8",
    )
    reports = tmp_path / "reports"
    code = run_reports(
        period=Period(2023, 4),
        namnder=None,
        data_dir=tiny,
        reports_dir=reports,
        workers=1,
        notebooks_dir=folder,
        progress=False,
        formats="html",
        timeout=8,
    )
    assert code == 1
    manifest = json.loads((reports / "2023-04" / "manifest.json").read_text(encoding="utf-8"))
    status = {r["stem"]: r for r in manifest["reports"]}
    assert status["slow-bun"]["status"] == "fel"
    assert "8 s" in status["slow-bun"]["error"]
    assert status["slow-sn"]["status"] == "ok"  # the next report, same worker


def test_names_from_the_register_are_escaped_end_to_end(tiny, notebooks, tmp_path):
    org = tiny / "raw" / "organisation.csv"
    org.write_text(
        org.read_text(encoding="utf-8").replace("Socialnämnden", "<script>alert(1)</script>"),
        encoding="utf-8",
    )
    reports = tmp_path / "reports"
    run_reports(
        period=Period(2023, 4),
        namnder=["sn"],
        data_dir=tiny,
        reports_dir=reports,
        workers=1,
        notebooks_dir=notebooks,
        progress=False,
        formats="html",
    )
    for page in (reports / "2023-04").glob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert "<script" not in html, page.name
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in (
        reports / "2023-04" / "good-sn.html"
    ).read_text(encoding="utf-8")


def test_fixed_parameters_from_the_matrix_reach_the_notebook(tiny, tmp_path):
    folder = tmp_path / "nb"
    folder.mkdir()
    _notebook(
        folder / "mal.ipynb",
        'print(f"MÅL {mal_ar}: {mal_folkmangd}")',
        'period = "2023-04"\ndata_dir = "../data"\nmal_ar = None\nmal_folkmangd = None',
    )
    (folder / "rapporter.yml").write_text(
        "rapporter:\n  - notebook: mal.ipynb\n    per: kommun\n    titel: Mål\n"
        "    parametrar:\n      mal_ar: 2040\n      mal_folkmangd: 100000\n",
        encoding="utf-8",
    )
    reports = tmp_path / "reports"
    assert (
        run_reports(
            period=Period(2023, 4),
            namnder=None,
            data_dir=tiny,
            reports_dir=reports,
            workers=1,
            notebooks_dir=folder,
            progress=False,
            formats="html",
        )
        == 0
    )
    html = (reports / "2023-04" / "mal.html").read_text(encoding="utf-8")
    assert "MÅL 2040: 100000" in html
    (folder / "rapporter.yml").write_text(
        "rapporter:\n  - notebook: mal.ipynb\n    per: kommun\n    titel: Mål\n"
        "    parametrar:\n      mal_ar: 2040\n      maal: 1\n",
        encoding="utf-8",
    )
    with pytest.raises(ConfigurationError, match="maal"):
        run_reports(
            period=Period(2023, 4),
            namnder=None,
            data_dir=tiny,
            reports_dir=reports,
            workers=1,
            notebooks_dir=folder,
            progress=False,
        )


CHECKED = """
from analysis.ekonomi.drift import compute_driftsredovisning
from analysis.io.dataset import load_data
from analysis.kontroller.bas import Kontroller
from analysis.kontroller.ekonomi import kontrollera_drift
from analysis.rapport.kontroller import visa
d = load_data(data_dir)
drift = compute_driftsredovisning(d, period)
if namnd == "sn":      # a deliberate error: one cell 1 tkr off
    drift.loc[drift["namnd"] == "sn", "utfall_period"] += 1.0
k = Kontroller()
kontrollera_drift(k, drift)
visa(k)
"""


def test_failed_checks_reach_report_manifest_and_index(tiny, tmp_path, capsys):
    folder = tmp_path / "nb"
    folder.mkdir()
    _notebook(
        folder / "kontroll.ipynb",
        CHECKED,
        'namnd = "bun"\nperiod = "2023-04"\ndata_dir = "../data"',
    )
    (folder / "rapporter.yml").write_text(
        "rapporter:\n  - notebook: kontroll.ipynb\n    per: namnd\n    titel: Kontroll\n",
        encoding="utf-8",
    )
    reports = tmp_path / "reports"
    common = dict(
        period=Period(2023, 4),
        namnder=["bun", "sn"],
        data_dir=tiny,
        reports_dir=reports,
        workers=1,
        notebooks_dir=folder,
        progress=False,
        formats="html",
    )
    assert run_reports(**common) == 0  # the reports are made …
    err = capsys.readouterr().err
    assert "VARNING kontroll-sn" in err and "VARNING kontroll-bun" not in err
    out = reports / "2023-04"
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    checks = {r["stem"]: r["kontroller"] for r in manifest["reports"]}
    assert checks["kontroll-bun"]["avvikande"] == 0 and checks["kontroll-bun"]["antal"] > 0
    sn = checks["kontroll-sn"]
    # the sn row's avvikelse and the total no longer match its utfall: exactly two checks
    assert sn["avvikande"] == 2 and sn["antal"] == checks["kontroll-bun"]["antal"]
    failed = {f["kontroll"] for f in sn["fel"]}
    assert failed == {"sn, perioden", "utfall perioden"}
    assert all(abs(abs(f["differens"]) - 1.0) < 1e-9 for f in sn["fel"])
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "Klar, men 2 av" in index and "kontroller stämmer" in index
    html = (out / "kontroll-sn.html").read_text(encoding="utf-8")
    assert "Varning: 2 av" in html and "status-rod" in html and "Avviker" in html
    assert "Varning" not in (out / "kontroll-bun.html").read_text(encoding="utf-8")
    assert run_reports(**common, strict=True) == 2  # … and --strikt makes it an error


def test_warm_imports_name_modules_that_exist():
    """The kernel warm-up imports every module it names (none is silently left cold)."""
    import importlib

    from analysis.batch.runner import WARM_IMPORTS, WARM_MODULES

    assert "analysis.rapport.notebook" in WARM_MODULES
    for module in WARM_MODULES:
        importlib.import_module(module)
    namespace: dict = {}
    exec(WARM_IMPORTS, namespace)  # the code the kernel runs
    assert "_module" not in namespace and "importlib" not in namespace
