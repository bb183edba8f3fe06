"""``analysis run``: every report of a period, in parallel, as HTML, PDF and Excel (and
Word on request).

The parent process validates the data (building the Parquet cache once), expands the
run matrix and checks it, then hands one task per report to a process pool. A worker
executes the notebook with the Papermill Python API (one kernel per report, a retry
when a kernel fails to start, a timeout per cell) and exports it in-process. A failing
report is recorded with its failing cell and error; every other report is still
produced, and the command exits non-zero at the end. Executed notebooks are kept under
``reports/<period>/_notebooks/`` for audit, readable only by their owner (0600) like
the reports themselves.

The reports folder is never left half-done. A run takes a lock
(``reports/.<period>.lock``: a second run on the same folder is refused with a clear
message), builds the whole new folder in a staging folder next to it
(``reports/.<period>.staging-<run id>``, starting from the reports of earlier runs that
this run does not make again), and switches it into place with one atomic exchange of
the two folders at the end. A run killed at any point leaves the previous folder as it
was; the next run removes what the killed one left. The manifest and ``index.html`` list
every report in the folder, each with the run that made it, so a ``--namnd`` run never
makes the index forget the others, and reports from different runs are shown as such.

Workers end with the run, even after ``kill -9`` (a thread waiting on the run's process,
and ``PR_SET_PDEATHSIG`` for their own parent), their kernels with the worker
(ipykernel's parent poller), and a kernel's connection file, which holds its key, is
removed as soon as the kernel is connected.
"""

from __future__ import annotations

import datetime as dt
import errno
import html
import json
import multiprocessing
import os
import shutil
import stat
import subprocess
import sys
import threading
import time
import traceback
import uuid
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from pathlib import Path

from analysis import __version__
from analysis.batch.matrix import Task, build_tasks, read_matrix, skip_reason
from analysis.core.atomic import atomic_write_bytes
from analysis.core.errors import AnalysisError, ConfigurationError
from analysis.core.format import datum, tal
from analysis.core.period import Period, latest_delar
from analysis.ekonomi.drift import kontrollera_period
from analysis.ekonomi.text import las_kommentar
from analysis.io.dataset import load_data
from analysis.rapport.notebook import kommun_namn

FORMATS = ("html", "pdf", "xlsx", "docx")
#: How index.html names each format's link.
FORMAT_LABELS = {"html": "HTML", "pdf": "PDF", "xlsx": "Excel", "docx": "Word"}
#: The formats made when none is asked for (Word on request: ``--format …,docx``).
DEFAULT_FORMATS = ("html", "pdf", "xlsx")
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
    status: str = "ok"  # ok | fel | hoppad (not run: its data is missing, see anledning)
    files: dict[str, str] = field(default_factory=dict)
    error: str | None = None
    failing_cell: int | None = None
    started: str = ""
    finished: str = ""
    seconds: float = 0.0
    attempts: int = 1
    #: the report's consistency checks: {"antal", "avvikande", "fel": [...]}, or None
    kontroller: dict | None = None
    #: a nämnd's report: the status of its ekonom's text (klar | utkast | saknas | fel)
    text_status: str | None = None
    #: a skipped report (status hoppad): why, in Swedish (:func:`skip_reason`)
    anledning: str | None = None


def _now() -> str:
    return dt.datetime.now().astimezone().isoformat(timespec="seconds")


#: Mode of every file the run writes (reports, executed notebooks, the kernels' log).
FILE_MODE = 0o600
#: Never open one of our own files through a symbolic link (0 where the flag is unknown).
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


def die_with_parent() -> None:
    """Ask the operating system to kill this process when its parent dies (Linux
    ``prctl(PR_SET_PDEATHSIG, SIGKILL)``); elsewhere a no-op. For a pool worker the
    parent is the forkserver; :func:`exit_with` watches the run itself."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes
    import signal

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, int(signal.SIGKILL), 0, 0, 0)
    except (OSError, AttributeError):  # pragma: no cover - no prctl: the parent poller remains
        return


def exit_with(pid: int) -> None:
    """End this process as soon as process ``pid`` (the ``analysis run``) has ended.

    A pool worker is a child of the forkserver, which itself lives as long as any worker
    does, so the parent-death signal alone does not reach it when the run is killed: a
    daemon thread waits on the run's process (a pidfd on Linux, else polling) instead.
    The worker's kernel follows its worker (ipykernel's parent poller)."""
    import select

    def watch() -> None:
        try:
            fd = os.pidfd_open(pid)
        except (AttributeError, OSError):
            fd = None
        if fd is not None:
            select.select([fd], [], [])  # readable once the process has ended
            os._exit(1)
        while True:  # pragma: no cover - no pidfd
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                os._exit(1)
            except PermissionError:
                pass
            time.sleep(0.5)

    threading.Thread(target=watch, name="analysis-run-watch", daemon=True).start()


def open_log(path: Path) -> int:
    """Open the kernels' log for appending, never through a symbolic link: a link (or any
    other non-regular file) in its place is removed and a new log is started."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_APPEND | _NOFOLLOW
    try:
        fd = os.open(path, flags, FILE_MODE)
    except OSError as exc:
        if exc.errno not in (errno.ELOOP, errno.EMLINK):
            raise
        os.unlink(path)  # a symlink: replace it, do not follow
        fd = os.open(path, flags | os.O_EXCL, FILE_MODE)
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise ConfigurationError(f"{path} är ingen vanlig fil; ta bort den och kör igen.")
    os.fchmod(fd, FILE_MODE)
    return fd


def _worker_init(log_path: str, run_pid: int | None = None) -> None:
    """Send the worker's (and its kernels') stderr to a log file: kernels chatter about
    transport encryption and interrupts, which is noise next to the progress bar.
    Failures still reach the user through the manifest, the index and the summary.

    The worker dies with the run (and with its parent), and shuts its kernel down when
    it exits."""
    die_with_parent()
    if run_pid:
        exit_with(run_pid)
    from multiprocessing.util import Finalize

    Finalize(_WARM, _WARM.discard, exitpriority=20)
    fd = open_log(Path(log_path))
    os.dup2(fd, 2)
    os.close(fd)


def _is_kernel_start_failure(exc: BaseException) -> bool:
    text = f"{type(exc).__name__}: {exc}".lower()
    return any(
        s in text
        for s in (
            "kernel died",
            "kernel didn't respond",
            "kernel not responding",
            "timed out waiting for kernel",
            "failed to start the kernel",
            "kernel_info",
            "zmq",
        )
    )


#: Run first in a reused kernel: an empty namespace and no figures left from the last
#: report, while the imported modules stay warm.
RESET_SOURCE = "%reset -f\nimport matplotlib.pyplot as _plt\n_plt.close('all')\ndel _plt"
#: Imported once when a worker's kernel starts, so reports do not pay for it: the
#: presentation room (which imports the domain rooms it shows) and the population model.
WARM_MODULES = (
    "analysis.rapport.notebook",
    "analysis.rapport.charts",
    "analysis.rapport.tables",
    "analysis.rapport.ekonomi",
    "analysis.rapport.personal",
    "analysis.rapport.befolkning",
    "analysis.rapport.kommun",
    "analysis.rapport.kontroller",
    "analysis.rapport.mal",
    "analysis.befolkning.prognos",
)
#: The warm-up code: each module on its own, so that one that fails to import only stays
#: cold (the report that needs it then shows the error in its own cell).
WARM_IMPORTS = (
    "import importlib\n"
    f"for _module in {WARM_MODULES!r}:\n"
    "    try:\n"
    "        importlib.import_module(_module)\n"
    "    except ImportError:\n"
    "        pass\n"
    "del _module, importlib"
)


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
            self.km, self.cwd = km, cwd  # so discard() can stop a half-started one
            try:
                km.start_kernel(cwd=cwd)
                kc = km.client()
                kc.start_channels()
                try:
                    kc.wait_for_ready(timeout=60)
                finally:
                    # the connection file holds the kernel's key: the kernel has read it
                    # and the clients keep it in memory, so it goes now, not at shutdown
                    remove_connection_file(km)
                try:
                    kc.execute_interactive(WARM_IMPORTS, timeout=120, output_hook=lambda m: None)
                finally:
                    kc.stop_channels()
            except BaseException:
                self.discard()
                raise
        return self.km

    def discard(self) -> None:
        if self.km is not None:
            try:
                self.km.shutdown_kernel(now=True)
            except Exception:  # noqa: BLE001 - it is being thrown away anyway
                pass
            remove_connection_file(self.km)
        self.km = None


def remove_connection_file(km) -> None:
    """Delete a kernel manager's connection file (it holds the kernel's HMAC key)."""
    path = getattr(km, "connection_file", "") or ""
    if path:
        try:
            os.unlink(path)
        except OSError:
            pass


_WARM = WarmKernel()


def _interrupt(km, flag: threading.Event) -> None:
    flag.set()
    try:
        km.interrupt_kernel()
    except Exception:  # noqa: BLE001 - the kernel may already be gone
        pass


#: The reports that print an ekonom's text, and whose text: the nämnd's or the kommun's.
TEXT_AV = {"namnd.ipynb": "namnd", "ekonomi.ipynb": "namnd", "kommun.ipynb": "kommun"}


def _fran_utkast(task: Task, data_dir: str) -> bool:
    """Whether the report prints a text with status utkast (its cover then says so)."""
    whose = TEXT_AV.get(task.spec.notebook)
    unit = task.namnd if whose == "namnd" else whose
    if not unit:
        return False
    try:
        return las_kommentar(Path(data_dir) / "raw", unit, task.period).status == "utkast"
    except AnalysisError:  # an unreadable text is reported by the report itself
        return False


def execute_task(
    task: Task,
    notebooks_dir: str,
    out_dir: str,
    data_dir: str,
    formats: list[str],
    timeout: int,
    kommun: str,
    reuse_kernel: bool = True,
) -> Result:
    """Execute and export one report (runs in a worker process)."""
    import nbformat
    import papermill
    from papermill.exceptions import PapermillExecutionError

    from analysis.batch.publish import export_all
    from analysis.kontroller.bas import fran_notebook

    started = time.monotonic()
    result = Result(
        task.stem,
        task.spec.notebook,
        task.namnd,
        task.namnd_namn,
        task.spec.title_for(task.period),
        started=_now(),
    )
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
                    _WARM.discard()  # a new kernel for this report
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
                        nb,
                        str(tmp),
                        parameters=params,
                        kernel_name="python3",
                        km=km,
                        progress_bar=False,
                        log_output=False,
                        request_save_on_cell_execute=False,
                        execution_timeout=timeout,
                        cwd=notebooks_dir,
                    )
                finally:
                    watchdog.cancel()
                if not reuse_kernel:
                    _WARM.discard()
                break
            except PapermillExecutionError:
                raise
            except Exception as exc:  # kernel failed to start: try again with a new one
                _WARM.discard()
                if (
                    timed_out.is_set()
                    or attempt > KERNEL_START_RETRIES
                    or not _is_kernel_start_failure(exc)
                ):
                    raise
        os.chmod(tmp, FILE_MODE)
        os.replace(tmp, audit)
        nb = nbformat.read(audit, as_version=4)
        result.kontroller = fran_notebook(nb)
        meta = {
            "kommun": kommun,
            "titel": task.spec.title_for(task.period),
            "namnd": task.namnd_namn or kommun,
            "period": task.period.label,
            "datum": datum(dt.date.today()),
            "utkast": _fran_utkast(task, data_dir),
        }
        mall = Path(data_dir) / "raw" / "profil" / "mall.docx"
        files = export_all(
            nb, out, task.stem, meta, set(formats), mall=mall if mall.is_file() else None
        )
        result.files = {k: str(Path(v).relative_to(out)) for k, v in files.items()}
    except PapermillExecutionError as exc:
        _WARM.discard()
        result.status = "fel"
        result.failing_cell = exc.cell_index
        result.error = (
            f"Rapporten tog längre än {timeout} s och avbröts (cell {exc.cell_index})."
            if timed_out.is_set()
            else f"{exc.ename}: {exc.evalue}"
        )
        if tmp.exists():
            os.chmod(tmp, FILE_MODE)
            os.replace(tmp, audit)
    except Exception as exc:  # noqa: BLE001 - every failure is reported, none stops the batch
        _WARM.discard()
        result.status = "fel"
        result.error = (
            f"Rapporten tog längre än {timeout} s och avbröts."
            if timed_out.is_set()
            else f"{type(exc).__name__}: {exc}"
        )
        result.failing_cell = None
        tmp.unlink(missing_ok=True)
        traceback.print_exc(file=sys.stderr)
    result.finished = _now()
    result.seconds = round(time.monotonic() - started, 3)
    return result


def git_commit(root: Path) -> str | None:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, timeout=10
        )
        return out.stdout.strip() or None if out.returncode == 0 else None
    except (OSError, subprocess.SubprocessError):
        return None


def run_reports(
    *,
    period: Period | None,
    namnder: list[str] | None,
    data_dir: Path,
    reports_dir: Path,
    formats: str | list[str] = DEFAULT_FORMATS,
    workers: int | None = None,
    timeout: int = 600,
    notebooks_dir: Path | None = None,
    progress: bool = True,
    scheduler: str | None = None,
    reuse_kernels: bool = True,
    strict: bool = False,
) -> int:
    """Produce every report of ``period``; returns the exit code: 0 all ok, 1 any report
    failed, 2 (only with ``strict``) every report ran but a consistency check failed.

    Raises
    ------
    ConfigurationError
        Before any kernel starts: a bad matrix, format or nämnd, or another run already
        writing the same period's reports folder.
    """
    fmt = [
        f.strip()
        for f in (formats.split(",") if isinstance(formats, str) else formats)
        if f.strip()
    ]
    unknown = sorted(set(fmt) - set(FORMATS))
    if unknown or not fmt:
        raise ConfigurationError(
            f"okänt format {', '.join(unknown) or '(inget)'}; välj bland {', '.join(FORMATS)}."
        )
    root = project_root()
    notebooks_dir = Path(notebooks_dir or root / "notebooks").resolve()
    data_dir = Path(data_dir).resolve()
    data = load_data(data_dir)  # validates and builds the cache once
    period = period or latest_delar(data.senaste_period)
    if data.utfall is not None:
        for text in kontrollera_period(data, period):  # refuses a period without utfall
            print(f"VARNING: {text}", file=sys.stderr)
    specs = read_matrix(notebooks_dir)
    tasks = build_tasks(specs, notebooks_dir, data.register, period, namnder)
    # a report whose data is missing (kraver: in the matrix) is not run, only listed
    reasons = {t.stem: why for t in tasks if (why := skip_reason(t.spec, data)) is not None}
    runnable = [t for t in tasks if t.stem not in reasons]
    base = Path(reports_dir).resolve()
    base.mkdir(parents=True, exist_ok=True)
    out = base / str(period)
    kommun = kommun_namn(data)
    workers = max(1, workers or os.cpu_count() or 1)

    with ReportsFolder(base, str(period)) as folder:
        staging = folder.begin({t.stem for t in tasks})
        started, t0 = _now(), time.monotonic()
        log = staging / "_notebooks" / "kernels.log"
        log.parent.mkdir(parents=True, exist_ok=True)
        args = (
            str(notebooks_dir),
            str(staging),
            str(data_dir),
            fmt,
            timeout,
            kommun,
            reuse_kernels,
        )
        executor = DaskExecutor(scheduler) if scheduler else LocalExecutor(workers, log)
        results: list[Result] = [
            Result(
                t.stem,
                t.spec.notebook,
                t.namnd,
                t.namnd_namn,
                t.spec.title_for(t.period),
                status="hoppad",
                started=started,
                finished=started,
                attempts=0,
                anledning=reasons[t.stem],
            )
            for t in tasks
            if t.stem in reasons
        ]
        bar = _progress(len(runnable), progress)
        for task, outcome in executor.run(runnable, args) if runnable else ():
            if isinstance(outcome, BaseException):  # a crashed worker fails one report
                outcome = Result(
                    task.stem,
                    task.spec.notebook,
                    task.namnd,
                    task.namnd_namn,
                    task.spec.title_for(task.period),
                    status="fel",
                    error=f"{type(outcome).__name__}: {outcome}",
                )
            results.append(outcome)
            bar.report(outcome)
        bar.close()
        order = {t.stem: i for i, t in enumerate(tasks)}
        results.sort(key=lambda r: order[r.stem])

        run = {
            "run_id": folder.run_id,
            "started": started,
            "finished": _now(),
            "seconds": round(time.monotonic() - t0, 3),
            "parameters": {
                "namnd": namnder,
                "formats": fmt,
                "workers": workers,
                "timeout": timeout,
                "data_dir": str(data_dir),
                "scheduler": scheduler,
                "reuse_kernels": reuse_kernels,
            },
            "package_version": __version__,
            "git_commit": git_commit(root),
            "inputs": data.input_hashes(period),
        }
        texter = text_statuses(data, period)
        by_unit = {t["enhet"]: t["status"] for t in texter}
        for r in results:
            if r.namnd:
                r.text_status = by_unit.get(r.namnd)
        reports = [{**asdict(r), "run_id": folder.run_id} for r in results]
        manifest = build_manifest(period, kommun, run, reports, folder.carried, texter)
        folder.commit(manifest)
    failed = [r for r in results if r.status not in ("ok", "hoppad")]
    skipped = [r for r in results if r.status == "hoppad"]
    done = len(results) - len(failed) - len(skipped)
    print(
        f"{done} av {len(results) - len(skipped)} rapporter klara för {period.label} "
        f"på {tal(run['seconds'], 1)} s: {out / 'index.html'}"
    )
    for r in skipped:
        print(f"  Hoppade över {r.stem}: {r.anledning}.")
    earlier = len(manifest["reports"]) - len(results)
    if earlier:
        print(f"  index.html visar också {earlier} rapporter från tidigare körningar.")
    for r in failed:
        print(f"  FEL {r.stem}: {r.error}", file=sys.stderr)
    flagged = [r for r in results if r.kontroller and r.kontroller["avvikande"]]
    for r in flagged:
        first = r.kontroller["fel"][0] if r.kontroller["fel"] else {}
        print(
            f"  VARNING {r.stem}: {r.kontroller['avvikande']} av {r.kontroller['antal']} "
            f"kontroller avviker (t.ex. {first.get('grupp', '')}: {first.get('kontroll', '')})",
            file=sys.stderr,
        )
    if failed:
        return 1
    return 2 if strict and flagged else 0


def text_statuses(data, period: Period) -> list[dict]:
    """The status of the ekonom's text of the kommun and of every nämnd (register order)
    for the manifest's ``texter``: ``enhet`` (id), ``namn``, ``fil`` (relative to
    ``data/raw``), ``status`` (``klar``, ``utkast``, ``saknas``, or ``fel`` when the file
    cannot be read, e.g. a symbolic link) and ``anmarkning`` (Swedish, or None)."""
    out = []
    for unit in ["kommun", *data.register.namnder]:
        namn = data.register.namn(unit) if unit in data.register.ids else "Kommunen"
        if unit == "kommun":
            namn = f"{namn} (hela kommunen)"
        try:
            k = las_kommentar(data.raw_dir, unit, period)
            status, fil, note = k.status, k.fil, k.anmarkning
        except AnalysisError as e:
            status, fil, note = "fel", f"kommentarer/{period}/{unit}.md", str(e)
        out.append({"enhet": unit, "namn": namn, "fil": fil, "status": status, "anmarkning": note})
    return out


def build_manifest(
    period: Period,
    kommun: str,
    run: dict,
    reports: list[dict],
    carried: dict,
    texter: list[dict] | None = None,
) -> dict:
    """The manifest of the folder after this run: this run's reports, then those of
    earlier runs still in the folder (each report names its ``run_id``; ``runs`` has each
    run's parameters, inputs and times). The top-level fields are this run's; ``texter``
    the status of each unit's text (:func:`text_statuses`) when this run read them."""
    previous = carried.get("reports", [])
    all_reports = reports + previous
    runs = {run["run_id"]: run}
    for rid, info in carried.get("runs", {}).items():
        if any(r.get("run_id") == rid for r in previous):
            runs.setdefault(rid, info)
    return {
        "period": str(period),
        "period_label": period.label,
        "kommun": kommun,
        "run_id": run["run_id"],
        "parameters": run["parameters"],
        "package_version": run["package_version"],
        "git_commit": run["git_commit"],
        "inputs": run["inputs"],
        "started": run["started"],
        "finished": run["finished"],
        "seconds": run["seconds"],
        "reports": all_reports,
        "texter": list(texter or []),
        "runs": {
            rid: {k: v for k, v in info.items() if k != "run_id"} for rid, info in runs.items()
        },
    }


# --- the reports folder: one lock, a staging folder, one switch --------------------------
def _exchange(a: Path, b: Path) -> bool:
    """Swap two directories atomically (Linux ``renameat2(RENAME_EXCHANGE)``). Returns
    ``False`` where the system cannot, so the caller falls back to two renames."""
    if not sys.platform.startswith("linux"):
        return False
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        fn = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    if fn(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False
    raise OSError(err, os.strerror(err), str(a))


def _regular(path: Path) -> bool:
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except OSError:
        return False


def _is_dir(path: Path) -> bool:
    """A real directory (a symbolic link to one is not)."""
    try:
        return stat.S_ISDIR(os.lstat(path).st_mode)
    except OSError:
        return False


def _remove(path: Path) -> None:
    try:
        if _is_dir(path):
            shutil.rmtree(path)
        else:
            path.unlink()
    except FileNotFoundError:
        pass


class ReportsFolder:
    """``reports/<period>/`` changed as one transaction.

    ``with ReportsFolder(base, "2023-04") as f:`` takes the lock (refusing when another
    run holds it) and cleans up after killed runs; :meth:`begin` makes the staging folder
    with the earlier reports this run does not make again; :meth:`commit` writes the
    manifest and index into it and switches it into place. Leaving the block without
    a commit removes the staging folder and leaves the old folder untouched.
    """

    def __init__(self, base: Path, name: str) -> None:
        self.base, self.name = Path(base), name
        self.out = self.base / name
        self.run_id = f"{dt.datetime.now():%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}"
        self.staging = self.base / f".{name}.staging-{self.run_id}"
        self.carried: dict = {}
        self._fd: int | None = None

    # the lock ------------------------------------------------------------------------
    def __enter__(self) -> ReportsFolder:
        lock = self.base / f".{self.name}.lock"
        fd = os.open(lock, os.O_RDWR | os.O_CREAT | _NOFOLLOW, FILE_MODE)
        try:
            import fcntl

            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except ImportError:  # pragma: no cover - not POSIX
            pass
        except OSError:
            holder = os.read(fd, 64).decode("ascii", "replace").strip() or "okänd"
            os.close(fd)
            raise ConfigurationError(
                f"En annan körning av analysis run skriver redan rapporterna i {self.out} "
                f"(process {holder}). Vänta tills den är klar och kör sedan igen; två körningar "
                "får inte skriva samma mapp samtidigt."
            ) from None
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode("ascii"))
        self._fd = fd
        try:
            self.recover()
        except BaseException:
            self._release()
            raise
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        try:
            _remove(self.staging)
        finally:
            self._release()

    def _release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing releases the lock
            self._fd = None

    # after a killed run ----------------------------------------------------------------
    def leftovers(self) -> list[Path]:
        prefix = f".{self.name}."
        return sorted(
            p
            for p in self.base.iterdir()
            if p.name.startswith(prefix) and (".staging-" in p.name or ".old-" in p.name)
        )

    def recover(self) -> None:
        """Undo what a killed run left (under the lock, so nothing else is midway): if it
        died between the two renames of the fallback switch, the old folder goes back;
        every staging and old folder is removed, and so are temporary files in the
        folder itself."""
        left = self.leftovers()
        if not os.path.lexists(self.out):
            olds = [p for p in left if ".old-" in p.name and _is_dir(p)]
            if olds:
                os.rename(olds[-1], self.out)
                left.remove(olds[-1])
        for path in left:
            _remove(path)
        if _is_dir(self.out):
            for folder in (self.out, self.out / "_notebooks"):
                if not _is_dir(folder):
                    continue
                for p in folder.iterdir():
                    if p.name.startswith(".") and ".tmp" in p.name and not _is_dir(p):
                        _remove(p)

    # the new folder --------------------------------------------------------------------
    def previous_manifest(self) -> dict:
        path = self.out / "manifest.json"
        if not _regular(path):
            return {}
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return doc if isinstance(doc, dict) else {}

    def begin(self, stems: set[str]) -> Path:
        """Make the staging folder, holding the reports of earlier runs that this run does
        not make again (hard links, or copies; only regular files, never through links)."""
        self.staging.mkdir(mode=0o700)
        (self.staging / "_notebooks").mkdir(mode=0o700)
        prev = self.previous_manifest()
        legacy_id = prev.get("run_id") or ("tidigare" if prev else None)
        runs = dict(prev.get("runs") or {})
        if legacy_id and legacy_id not in runs:
            runs[legacy_id] = {
                k: prev.get(k)
                for k in (
                    "started",
                    "finished",
                    "seconds",
                    "parameters",
                    "package_version",
                    "git_commit",
                    "inputs",
                )
            }
        entries = {}
        for r in prev.get("reports") or []:
            if isinstance(r, dict) and isinstance(r.get("stem"), str):
                entries.setdefault(r["stem"], {**r, "run_id": r.get("run_id") or legacy_id})
        kept: list[dict] = []
        on_disk = self._report_files()
        for stem in sorted(
            set(on_disk) - stems,
            key=lambda s: list(entries).index(s) if s in entries else len(entries),
        ):
            files = on_disk[stem]
            entry = entries.get(stem) or {
                "stem": stem,
                "notebook": None,
                "namnd": None,
                "namnd_namn": None,
                "titel": stem,
                "status": "okänd",
                "files": {},
                "error": None,
                "failing_cell": None,
                "started": "",
                "finished": "",
                "seconds": 0.0,
                "attempts": 0,
                "kontroller": None,
                "run_id": None,
            }
            entry = {**entry, "files": {k: v for k, v in files.items() if k != "ipynb"}}
            for rel in files.values():
                self._carry(rel)
            kept.append(entry)
        # a report an earlier run skipped (no files) stays listed until it is run again
        kept += [
            e
            for stem, e in entries.items()
            if e.get("status") == "hoppad" and stem not in stems and stem not in on_disk
        ]
        self.carried = {"reports": kept, "runs": runs}
        return self.staging

    def _report_files(self) -> dict[str, dict[str, str]]:
        """The reports in the current folder: stem → {format: relative path}."""
        found: dict[str, dict[str, str]] = {}
        if not _is_dir(self.out):
            return found
        for p in self.out.iterdir():
            if (
                p.name.startswith(".")
                or not _regular(p)
                or p.name in ("manifest.json", "index.html")
            ):
                continue
            stem, _, kind = p.name.rpartition(".")
            if kind in FORMATS and stem:
                found.setdefault(stem, {})[kind] = p.name
        audit = self.out / "_notebooks"
        if _is_dir(audit):
            for p in audit.iterdir():
                if p.suffix == ".ipynb" and not p.name.startswith(".") and _regular(p):
                    # a failed report has only its executed notebook
                    found.setdefault(p.stem, {})["ipynb"] = f"_notebooks/{p.name}"
        return found

    def _carry(self, rel: str) -> None:
        src, dst = self.out / rel, self.staging / rel
        try:
            os.link(src, dst, follow_symlinks=False)
        except OSError:
            shutil.copyfile(src, dst, follow_symlinks=False)
        os.chmod(dst, FILE_MODE)  # a regular file this run just made

    def commit(self, manifest: dict) -> None:
        """Write the manifest and the index into the staging folder, then switch it into
        place: one atomic exchange, or, where the system has none, two renames that
        :meth:`recover` can undo."""
        atomic_write_bytes(
            self.staging / "manifest.json",
            json.dumps(manifest, indent=2, ensure_ascii=False).encode("utf-8"),
        )
        atomic_write_bytes(self.staging / "index.html", render_index(manifest).encode("utf-8"))
        self.staging.chmod(0o755)
        self.switch()

    def switch(self) -> None:
        if not os.path.lexists(self.out):
            os.rename(self.staging, self.out)
            return
        if _exchange(self.staging, self.out):
            _remove(self.staging)  # now the old folder
            return
        old = self.base / f".{self.name}.old-{self.run_id}"
        os.rename(self.out, old)
        os.rename(self.staging, self.out)
        _remove(old)


class LocalExecutor:
    """Reports in a process pool on this machine (one kernel per worker at a time)."""

    def __init__(self, workers: int, log: Path) -> None:
        self.workers, self.log = workers, log

    def run(self, tasks: list[Task], args: tuple):
        # forkserver: workers start from a clean process, never from a copy of a parent
        # whose threads (event loops, kernel clients) would not survive the fork
        context = multiprocessing.get_context("forkserver")
        with ProcessPoolExecutor(
            max_workers=min(self.workers, len(tasks)),
            mp_context=context,
            initializer=_worker_init,
            initargs=(str(self.log), os.getpid()),
        ) as pool:
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
            from distributed import Client
            from distributed import as_completed as dask_completed
        except ImportError:
            raise ConfigurationError(
                "--scheduler kräver Dask: installera med pip install 'kommun-analysis[dask]'."
            ) from None
        with Client(self.address) as client:
            futures = {
                client.submit(execute_task, t, *args, pure=False, key=f"rapport-{t.stem}"): t
                for t in tasks
            }
            for fut in dask_completed(list(futures)):
                try:
                    yield futures[fut], fut.result()
                except Exception as exc:  # noqa: BLE001
                    yield futures[fut], exc


class _progress:
    def __init__(self, total: int, enabled: bool) -> None:
        from tqdm import tqdm

        self.bar = tqdm(
            total=total, unit="rapport", desc="Rapporter", disable=not enabled, file=sys.stderr
        )

    def report(self, res: Result) -> None:
        mark = "klar" if res.status == "ok" else f"FEL ({res.error})"
        self.bar.write(f"  {res.stem}: {mark} ({tal(res.seconds, 1)} s)", file=sys.stderr)
        self.bar.update(1)

    def close(self) -> None:
        self.bar.close()


def _swedish_time(iso: str) -> str:
    """An ISO time stamp the Swedish way: ``22 november 2026 kl. 14.05``."""
    when = dt.datetime.fromisoformat(iso)
    return f"{datum(when.date())} kl. {when:%H.%M}"


#: The columns of the index page.
INDEX_HEADINGS = ("Rapport", "Nämnd eller förvaltning", "Status", "Filer", "Sekunder", "Körning")
#: The index page's stylesheet (inline: the page refers to nothing outside itself).
INDEX_CSS = (
    'body { font-family: "DejaVu Sans", Arial, sans-serif; margin: 2rem; color: #222; }\n'
    "table { border-collapse: collapse; } "
    "th, td { padding: .35rem .8rem; border-bottom: 1px solid #ccc;\n"
    "text-align: left; } td.num { text-align: right; }\n"
    ".status-ok { color: #1b5e20; font-weight: bold; } "
    ".status-fel { color: #b00020; font-weight: bold; }\n"
    ".status-varning { color: #7a4f00; font-weight: bold; } "
    ".status-hoppad { color: #555; font-style: italic; }\n"
    ".kontroller { color: #555; font-size: .9em; }\n"
    ".text-klar { color: #1b5e20; } .text-utkast { color: #7a4f00; font-weight: bold; } "
    ".text-saknas { color: #b00020; } .text-fel { color: #b00020; font-weight: bold; }\n"
)
#: How the index page writes the status of an ekonom's text.
TEXT_STATUS = {"klar": "Klar", "utkast": "Utkast", "saknas": "Saknas", "fel": "Kan inte läsas"}


def _text_status(status: str) -> str:
    esc = html.escape
    return f'<span class="text-{esc(status)}">{esc(TEXT_STATUS.get(status, status))}</span>'


def render_index(manifest: dict) -> str:
    """A self-contained index page (no scripts, no external links).

    It lists every report in the folder. When they come from more than one run, each
    row says when its run started, and the page says so above the table. A nämnd's
    report shows the status of its ekonom's text (klar / utkast / saknas), and a second
    table lists the status of every unit's text (the manifest's ``texter``)."""
    esc = html.escape
    runs = manifest.get("runs") or {}
    this_run = manifest.get("run_id")
    run_ids = {r.get("run_id") for r in manifest["reports"]}
    mixed = len(run_ids) > 1
    rows = []
    for r in manifest["reports"]:
        links = " ".join(
            f'<a href="{esc(path)}">{esc(FORMAT_LABELS.get(kind, kind.upper()))}</a>'
            for kind, path in sorted(r["files"].items())
        )
        audit = (
            ""
            if r["status"] == "hoppad"
            else f'<a href="_notebooks/{esc(r["stem"])}.ipynb">notebook</a>'
        )
        checks = r.get("kontroller")
        if r["status"] == "ok" and checks and checks.get("avvikande"):
            status = (
                f'<span class="status-varning">Klar, men {checks["avvikande"]} av '
                f"{checks['antal']} kontroller avviker</span>"
            )
        elif r["status"] == "ok":
            status = '<span class="status-ok">Klar</span>'
            if checks:
                status += f' <span class="kontroller">({checks["antal"]} kontroller stämmer)</span>'
        elif r["status"] == "hoppad":
            status = (
                '<span class="status-hoppad">Hoppades över (inte ett fel): '
                f"{esc(r.get('anledning') or 'data saknas')}</span>"
            )
        elif r["status"] == "okänd":
            status = (
                '<span class="status-varning">Okänd: finns i mappen men saknas i '
                "tidigare manifest</span>"
            )
        else:
            cell = f" (cell {r['failing_cell']})" if r.get("failing_cell") is not None else ""
            status = f'<span class="status-fel">Fel{esc(cell)}: {esc(r["error"] or "")}</span>'
        if r.get("text_status"):
            status += f" <br>Text: {_text_status(str(r['text_status']))}"
        seconds = tal(r["seconds"], 1)
        rid = r.get("run_id")
        when = (runs.get(rid) or {}).get("started") if rid else None
        if rid == this_run:
            run_cell = "Denna körning"
        elif when:
            run_cell = f"Tidigare: {esc(_swedish_time(when))}"
        else:
            run_cell = "Tidigare (okänd tid)"
        rows.append(
            f"<tr><td>{esc(r['titel'])}</td><td>{esc(r['namnd_namn'] or 'Hela kommunen')}"
            f"</td><td>{status}</td><td>{links} {audit}</td>"
            f"<td class='num'>{seconds}</td><td>{run_cell}</td></tr>"
        )
    note = (
        f'<p class="blandat">Rapporterna kommer från {len(run_ids)} olika körningar; '
        "kolumnen Körning visar vilken. Rapporter från tidigare körningar kan bygga på "
        "andra indata (se manifest.json).</p>"
        if mixed
        else ""
    )
    texter = manifest.get("texter") or []
    text_rows = [
        f"<tr><td>{esc(t['namn'])}</td><td>{_text_status(t['status'])}"
        + (f" {esc(t['anmarkning'])}" if t.get("anmarkning") else "")
        + f"</td><td><code>{esc(t['fil'])}</code></td></tr>"
        for t in texter
    ]
    counts = {k: sum(t["status"] == k for t in texter) for k in TEXT_STATUS}
    text_table = (
        "<h2>Ekonomens texter</h2>\n<p>"
        + ", ".join(f"{counts[k]} {TEXT_STATUS[k].lower()}" for k in TEXT_STATUS if counts[k])
        + ". En text med status utkast är inte färdig: rapporten säger det på första "
        "sidan. Skriv texterna i filerna nedan under data/raw (utkast: "
        "<code>analysis kommentarer --period " + esc(str(manifest["period"])) + "</code>)."
        "</p>\n<table><thead><tr><th>Nämnd</th><th>Status</th><th>Fil</th></tr></thead>"
        "\n<tbody>\n" + "\n".join(text_rows) + "\n</tbody></table>"
        if texter
        else ""
    )
    ok = sum(r["status"] == "ok" for r in manifest["reports"])
    hoppade = sum(r["status"] == "hoppad" for r in manifest["reports"])
    made = len(manifest["reports"]) - hoppade
    skipped_note = (
        f" {hoppade} {'rapport hoppades' if hoppade == 1 else 'rapporter hoppades'} över "
        "eftersom deras indata saknas."
        if hoppade
        else ""
    )
    created = esc(_swedish_time(manifest["finished"]))
    commit = f" ({esc(manifest['git_commit'][:10])})" if manifest.get("git_commit") else ""
    head = "".join(f"<th>{h}</th>" for h in INDEX_HEADINGS)
    return f"""<!DOCTYPE html>
<html lang="sv"><head><meta charset="utf-8">
<title>{esc(manifest["kommun"])} – {esc(manifest["period_label"])}</title>
<style>
{INDEX_CSS}</style></head><body>
<h1>{esc(manifest["kommun"])}: {esc(manifest["period_label"])}</h1>
<p>{ok} av {made} rapporter klara.{skipped_note} Skapad {created} med
version {esc(manifest["package_version"])}{commit}.</p>
{note}
<table><thead><tr>{head}</tr></thead>
<tbody>
{chr(10).join(rows)}
</tbody></table>
{text_table}
<p>Körningens parametrar, indatafilernas kontrollsummor och tider finns i
<a href="manifest.json">manifest.json</a>.</p>
</body></html>
"""
