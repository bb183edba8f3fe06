"""``analysis run``: every report of a period, in parallel, as HTML, PDF and Excel.

The parent process validates the data (building the Parquet cache once), expands the
run matrix and checks it, then hands one task per report to a process pool. A worker
executes the notebook with the Papermill Python API (one kernel per report, a retry
when a kernel fails to start, a timeout per cell) and exports it in-process. A failing
report is recorded with its failing cell and error; every other report is still
produced, and the command exits non-zero at the end. Executed notebooks are kept under
``reports/<period>/_notebooks/`` for audit.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import multiprocessing
import os
import subprocess
import sys
import threading
import time
import traceback
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from pathlib import Path

from . import __version__
from .dataset import Dataset, atomic_write_bytes, load_data
from .economy import kontrollera_period
from .errors import ConfigurationError
from .matrix import Task, build_tasks, read_matrix
from .period import Period, latest_delar

FORMATS = ("html", "pdf", "xlsx")
KERNEL_START_RETRIES = 2


def project_root() -> Path:
    """The checkout holding notebooks/ (the package is installed in editable mode)."""
    here = Path(__file__).resolve()
    for parent in here.parents:
        if (parent / "notebooks").is_dir() and (parent / "pyproject.toml").exists():
            return parent
    return Path.cwd()


@dataclass
class Result:
    stem: str
    notebook: str
    namnd: str | None
    namnd_namn: str | None
    titel: str
    status: str = "ok"                     # ok | fel
    files: dict[str, str] = field(default_factory=dict)
    error: str | None = None
    failing_cell: int | None = None
    started: str = ""
    finished: str = ""
    seconds: float = 0.0
    attempts: int = 1
    #: the report's consistency checks: {"antal", "avvikande", "fel": [...]}, or None
    kontroller: dict | None = None


def _now() -> str:
    return dt.datetime.now().astimezone().isoformat(timespec="seconds")


def _worker_init(log_path: str) -> None:
    """Send the worker's (and its kernels') stderr to a log file: kernels chatter about
    transport encryption and interrupts, which is noise next to the progress bar.
    Failures still reach the user through the manifest, the index and the summary."""
    fd = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    os.dup2(fd, 2)
    os.close(fd)


def _is_kernel_start_failure(exc: BaseException) -> bool:
    text = f"{type(exc).__name__}: {exc}".lower()
    return any(s in text for s in ("kernel died", "kernel didn't respond", "kernel not responding",
                                   "timed out waiting for kernel", "failed to start the kernel",
                                   "kernel_info", "zmq"))


#: Run first in a reused kernel: an empty namespace and no figures left from the last
#: report, while the imported modules stay warm.
RESET_SOURCE = "%reset -f\nimport matplotlib.pyplot as _plt\n_plt.close('all')\ndel _plt"
#: Imported once when a worker's kernel starts, so reports do not pay for it.
WARM_IMPORTS = "import analysis.report, analysis.charts, analysis.tables, analysis.befolkning"


class WarmKernel:
    """One kernel per worker process, reused from report to report.

    Starting a kernel and importing pandas, matplotlib and the package costs about three
    seconds, far more than most reports take to run. Each report starts from an empty
    namespace (``%reset -f``); after a failed or timed-out report the kernel is replaced,
    so a broken report can never leave state behind for the next one.
    """

    def __init__(self) -> None:
        self.km = None
        self.cwd: str | None = None

    def get(self, cwd: str):
        from jupyter_client.manager import KernelManager

        if self.km is not None and (self.cwd != cwd or not self.km.is_alive()):
            self.discard()
        if self.km is None:
            km = KernelManager(kernel_name="python3")
            km.start_kernel(cwd=cwd)
            kc = km.client()
            kc.start_channels()
            try:
                kc.wait_for_ready(timeout=60)
                kc.execute_interactive(WARM_IMPORTS, timeout=120, output_hook=lambda m: None)
            finally:
                kc.stop_channels()
            self.km, self.cwd = km, cwd
        return self.km

    def discard(self) -> None:
        if self.km is not None:
            try:
                self.km.shutdown_kernel(now=True)
            except Exception:  # noqa: BLE001 - it is being thrown away anyway
                pass
        self.km = None


_WARM = WarmKernel()


def _interrupt(km, flag: threading.Event) -> None:
    flag.set()
    try:
        km.interrupt_kernel()
    except Exception:  # noqa: BLE001 - the kernel may already be gone
        pass


def execute_task(task: Task, notebooks_dir: str, out_dir: str, data_dir: str, formats: list[str],
                 timeout: int, kommun: str, reuse_kernel: bool = True) -> Result:
    """Execute and export one report (runs in a worker process)."""
    import nbformat
    import papermill
    from papermill.exceptions import PapermillExecutionError

    from .kontroller import fran_notebook
    from .publish import export_all, swedish_date

    started = time.monotonic()
    result = Result(task.stem, task.spec.notebook, task.namnd, task.namnd_namn, task.spec.title_for(task.period),
                    started=_now())
    out = Path(out_dir)
    audit = out / "_notebooks" / f"{task.stem}.ipynb"
    audit.parent.mkdir(parents=True, exist_ok=True)
    params = {**task.parameters, "data_dir": data_dir}
    tmp = audit.with_name(f".{audit.name}.{os.getpid()}.tmp.ipynb")
    source = nbformat.read(Path(notebooks_dir) / task.spec.notebook, as_version=4)
    timed_out = threading.Event()
    try:
        for attempt in range(1, KERNEL_START_RETRIES + 2):
            result.attempts = attempt
            try:
                if not reuse_kernel:
                    _WARM.discard()                       # a new kernel for this report
                km = _WARM.get(notebooks_dir)
                nb = nbformat.from_dict(source)
                reset = nbformat.v4.new_code_cell(RESET_SOURCE)
                reset.metadata["tags"] = ["remove-cell"]
                nb.cells.insert(0, reset)
                # the whole report has `timeout` seconds: past that its kernel is interrupted
                # (the running cell fails) and the kernel is replaced afterwards
                watchdog = threading.Timer(timeout, _interrupt, (km, timed_out))
                watchdog.daemon = True
                watchdog.start()
                try:
                    papermill.execute_notebook(
                        nb, str(tmp), parameters=params, kernel_name="python3", km=km,
                        progress_bar=False, log_output=False, request_save_on_cell_execute=False,
                        execution_timeout=timeout, cwd=notebooks_dir)
                finally:
                    watchdog.cancel()
                if not reuse_kernel:
                    _WARM.discard()
                break
            except PapermillExecutionError:
                raise
            except Exception as exc:  # kernel failed to start: try again with a new one
                _WARM.discard()
                if (timed_out.is_set() or attempt > KERNEL_START_RETRIES
                        or not _is_kernel_start_failure(exc)):
                    raise
        os.replace(tmp, audit)
        nb = nbformat.read(audit, as_version=4)
        result.kontroller = fran_notebook(nb)
        meta = {"kommun": kommun, "titel": task.spec.title_for(task.period),
                "namnd": task.namnd_namn or kommun, "period": task.period.label,
                "datum": swedish_date(dt.date.today())}
        files = export_all(nb, out, task.stem, meta, set(formats))
        result.files = {k: str(Path(v).relative_to(out)) for k, v in files.items()}
    except PapermillExecutionError as exc:
        _WARM.discard()
        result.status = "fel"
        result.failing_cell = exc.cell_index
        result.error = (f"Rapporten tog längre än {timeout} s och avbröts (cell {exc.cell_index})."
                        if timed_out.is_set() else f"{exc.ename}: {exc.evalue}")
        if tmp.exists():
            os.replace(tmp, audit)
    except Exception as exc:  # noqa: BLE001 - every failure is reported, none stops the batch
        _WARM.discard()
        result.status = "fel"
        result.error = (f"Rapporten tog längre än {timeout} s och avbröts." if timed_out.is_set()
                        else f"{type(exc).__name__}: {exc}")
        result.failing_cell = None
        tmp.unlink(missing_ok=True)
        traceback.print_exc(file=sys.stderr)
    result.finished = _now()
    result.seconds = round(time.monotonic() - started, 3)
    return result


def git_commit(root: Path) -> str | None:
    try:
        out = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True,
                             text=True, timeout=10)
        return out.stdout.strip() or None if out.returncode == 0 else None
    except (OSError, subprocess.SubprocessError):
        return None


def kommun_name(data: Dataset) -> str:
    """The kommun's name: the register's optional ``kommun`` row, else the data folder."""
    units = data.register.units
    for uid in ("kommun", "kf"):
        if uid in units:
            return units[uid].namn
    return os.environ.get("ANALYSIS_KOMMUN", "Exempelkommunen")


def run_reports(*, period: Period | None, namnder: list[str] | None, data_dir: Path,
                reports_dir: Path, formats: str | list[str] = FORMATS, workers: int | None = None,
                timeout: int = 600, notebooks_dir: Path | None = None, progress: bool = True,
                scheduler: str | None = None, reuse_kernels: bool = True,
                strict: bool = False) -> int:
    """Produce every report of ``period``; returns the exit code: 0 all ok, 1 any report
    failed, 2 (only with ``strict``) every report ran but a consistency check failed."""
    fmt = [f.strip() for f in (formats.split(",") if isinstance(formats, str) else formats)
           if f.strip()]
    unknown = sorted(set(fmt) - set(FORMATS))
    if unknown or not fmt:
        raise ConfigurationError(f"okänt format {', '.join(unknown) or '(inget)'}; välj bland "
                                 f"{', '.join(FORMATS)}.")
    root = project_root()
    notebooks_dir = Path(notebooks_dir or root / "notebooks").resolve()
    data_dir = Path(data_dir).resolve()
    data = load_data(data_dir)                      # validates and builds the cache once
    period = period or latest_delar(data.last_period)
    for text in kontrollera_period(data, period):   # refuses a period without utfall
        print(f"VARNING: {text}", file=sys.stderr)
    specs = read_matrix(notebooks_dir)
    tasks = build_tasks(specs, notebooks_dir, data.register, period, namnder)
    out = (Path(reports_dir) / str(period)).resolve()
    out.mkdir(parents=True, exist_ok=True)
    kommun = kommun_name(data)
    workers = max(1, workers or os.cpu_count() or 1)

    started, t0 = _now(), time.monotonic()
    log = out / "_notebooks" / "kernels.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    args = (str(notebooks_dir), str(out), str(data_dir), fmt, timeout, kommun, reuse_kernels)
    executor = DaskExecutor(scheduler) if scheduler else LocalExecutor(workers, log)
    results: list[Result] = []
    bar = _progress(len(tasks), progress)
    for task, outcome in executor.run(tasks, args):
        if isinstance(outcome, BaseException):   # a crashed worker fails one report
            outcome = Result(task.stem, task.spec.notebook, task.namnd, task.namnd_namn,
                             task.spec.title_for(task.period), status="fel",
                             error=f"{type(outcome).__name__}: {outcome}")
        results.append(outcome)
        bar.report(outcome)
    bar.close()
    order = {t.stem: i for i, t in enumerate(tasks)}
    results.sort(key=lambda r: order[r.stem])

    manifest = {
        "period": str(period), "period_label": period.label, "kommun": kommun,
        "parameters": {"namnd": namnder, "formats": fmt, "workers": workers, "timeout": timeout,
                       "data_dir": str(data_dir), "scheduler": scheduler,
                       "reuse_kernels": reuse_kernels},
        "package_version": __version__, "git_commit": git_commit(root),
        "inputs": data.input_hashes(),
        "started": started, "finished": _now(), "seconds": round(time.monotonic() - t0, 3),
        "reports": [asdict(r) for r in results],
    }
    atomic_write_bytes(out / "manifest.json",
                       json.dumps(manifest, indent=2, ensure_ascii=False).encode("utf-8"))
    atomic_write_bytes(out / "index.html", render_index(manifest).encode("utf-8"))
    failed = [r for r in results if r.status != "ok"]
    print(f"{len(results) - len(failed)} av {len(results)} rapporter klara för {period.label} "
          f"på {manifest['seconds']:.1f} s: {out / 'index.html'}")
    for r in failed:
        print(f"  FEL {r.stem}: {r.error}", file=sys.stderr)
    flagged = [r for r in results if r.kontroller and r.kontroller["avvikande"]]
    for r in flagged:
        first = r.kontroller["fel"][0] if r.kontroller["fel"] else {}
        print(f"  VARNING {r.stem}: {r.kontroller['avvikande']} av {r.kontroller['antal']} "
              f"kontroller avviker (t.ex. {first.get('grupp', '')}: {first.get('kontroll', '')})",
              file=sys.stderr)
    if failed:
        return 1
    return 2 if strict and flagged else 0


class LocalExecutor:
    """Reports in a process pool on this machine (one kernel per worker at a time)."""

    def __init__(self, workers: int, log: Path) -> None:
        self.workers, self.log = workers, log

    def run(self, tasks: list[Task], args: tuple):
        # forkserver: workers start from a clean process, never from a copy of a parent
        # whose threads (event loops, kernel clients) would not survive the fork
        context = multiprocessing.get_context("forkserver")
        with ProcessPoolExecutor(max_workers=min(self.workers, len(tasks)), mp_context=context,
                                 initializer=_worker_init, initargs=(str(self.log),)) as pool:
            futures = {pool.submit(execute_task, t, *args): t for t in tasks}
            for fut in as_completed(futures):
                try:
                    yield futures[fut], fut.result()
                except Exception as exc:  # noqa: BLE001
                    yield futures[fut], exc


class DaskExecutor:
    """Reports on a Dask distributed cluster (``--scheduler tcp://host:8786``).

    Every worker needs this package installed and the same paths to the data, the
    notebooks and the reports folder (a shared file system)."""

    def __init__(self, address: str) -> None:
        self.address = address

    def run(self, tasks: list[Task], args: tuple):
        try:
            from distributed import Client, as_completed as dask_completed
        except ImportError:
            raise ConfigurationError(
                "--scheduler kräver Dask: installera med pip install 'kommun-analysis[dask]'."
            ) from None
        with Client(self.address) as client:
            futures = {client.submit(execute_task, t, *args, pure=False, key=f"rapport-{t.stem}"): t
                       for t in tasks}
            for fut in dask_completed(list(futures)):
                try:
                    yield futures[fut], fut.result()
                except Exception as exc:  # noqa: BLE001
                    yield futures[fut], exc


class _progress:
    def __init__(self, total: int, enabled: bool) -> None:
        from tqdm import tqdm

        self.bar = tqdm(total=total, unit="rapport", desc="Rapporter", disable=not enabled,
                        file=sys.stderr)

    def report(self, res: Result) -> None:
        mark = "klar" if res.status == "ok" else f"FEL ({res.error})"
        self.bar.write(f"  {res.stem}: {mark} ({res.seconds:.1f} s)", file=sys.stderr)
        self.bar.update(1)

    def close(self) -> None:
        self.bar.close()


def _swedish_time(iso: str) -> str:
    from .publish import swedish_date

    when = dt.datetime.fromisoformat(iso)
    return f"{swedish_date(when.date())} kl. {when:%H.%M}"


def render_index(manifest: dict) -> str:
    """A self-contained index page (no scripts, no external links)."""
    esc = html.escape
    rows = []
    for r in manifest["reports"]:
        links = " ".join(f'<a href="{esc(path)}">{esc(kind.upper())}</a>'
                         for kind, path in sorted(r["files"].items()))
        audit = f'<a href="_notebooks/{esc(r["stem"])}.ipynb">notebook</a>'
        checks = r.get("kontroller")
        if r["status"] == "ok" and checks and checks.get("avvikande"):
            status = (f'<span class="status-varning">Klar, men {checks["avvikande"]} av '
                      f'{checks["antal"]} kontroller avviker</span>')
        elif r["status"] == "ok":
            status = '<span class="status-ok">Klar</span>'
            if checks:
                status += f' <span class="kontroller">({checks["antal"]} kontroller stämmer)</span>'
        else:
            cell = f" (cell {r['failing_cell']})" if r.get("failing_cell") is not None else ""
            status = f'<span class="status-fel">Fel{esc(cell)}: {esc(r["error"] or "")}</span>'
        seconds = f"{r['seconds']:.1f}".replace(".", ",")
        rows.append(f"<tr><td>{esc(r['titel'])}</td><td>{esc(r['namnd_namn'] or 'Hela kommunen')}"
                    f"</td><td>{status}</td><td>{links} {audit}</td>"
                    f"<td class='num'>{seconds}</td></tr>")
    ok = sum(r["status"] == "ok" for r in manifest["reports"])
    return f"""<!DOCTYPE html>
<html lang="sv"><head><meta charset="utf-8">
<title>{esc(manifest['kommun'])} – {esc(manifest['period_label'])}</title>
<style>
body {{ font-family: "DejaVu Sans", Arial, sans-serif; margin: 2rem; color: #222; }}
table {{ border-collapse: collapse; }} th, td {{ padding: .35rem .8rem; border-bottom: 1px solid #ccc;
text-align: left; }} td.num {{ text-align: right; }}
.status-ok {{ color: #1b5e20; font-weight: bold; }} .status-fel {{ color: #b00020; font-weight: bold; }}
.status-varning {{ color: #7a4f00; font-weight: bold; }} .kontroller {{ color: #555; font-size: .9em; }}
</style></head><body>
<h1>{esc(manifest['kommun'])}: {esc(manifest['period_label'])}</h1>
<p>{ok} av {len(manifest['reports'])} rapporter klara. Skapad {esc(_swedish_time(manifest['finished']))} med
version {esc(manifest['package_version'])}{(' (' + esc(manifest['git_commit'][:10]) + ')') if manifest.get('git_commit') else ''}.</p>
<table><thead><tr><th>Rapport</th><th>Nämnd eller förvaltning</th><th>Status</th><th>Filer</th><th>Sekunder</th></tr></thead>
<tbody>
{chr(10).join(rows)}
</tbody></table>
<p>Körningens parametrar, indatafilernas kontrollsummor och tider finns i
<a href="manifest.json">manifest.json</a>.</p>
</body></html>
"""
