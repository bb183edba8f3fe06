"""The kommun's data: load ``data/raw``, validate it, cache it in ``data/processed``.

:func:`load_data` is the one entry point. It hashes every raw file; a kind of file whose
files (and the register) are unchanged since the last load is read from its Parquet
cache, anything else is parsed and validated again. All parsing happens before anything
is written, so a failed load writes nothing and the previous processed data stays
intact.

The cache is transactional. A new Parquet file gets a new name (``utfall-<hash>.parquet``,
named by the SHA-256 of its content) and never replaces a file a manifest names; the
manifest, which names every kind's file with its size and SHA-256, is written last with
one atomic rename — that rename is the switch from the old cache to the new. A load
verifies the size and hash of every file the manifest names before it trusts it, so a
crash at any point (or a file changed by hand) can cost a rebuild but never gives wrong
numbers. Writers take a lock (``processed/.lock``); under it, temporary files left by a
killed writer and Parquet files no manifest names any more are removed.

Raw files are only ever opened for reading.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, TypeAlias, runtime_checkable

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from analysis import __version__
from analysis.core.atomic import atomic_write_bytes
from analysis.core.errors import InputError, ModellError, Problem
from analysis.core.period import Period
from analysis.core.register import Register
from analysis.io.contract import KINDS, load_kind, load_register, source_files
from analysis.io.falt import FileKind, display_name
from analysis.io.readers import RawTable

#: Bumped whenever the processed format changes, so old caches are rebuilt.
SCHEMA_VERSION = 6
MANIFEST = "manifest.json"
#: The writers' lock in ``processed/``.
CACHE_LOCK = ".lock"
#: Never open one of our own files through a symbolic link (0 where the flag is unknown).
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
#: Rows per Parquet row group: small enough that reading one period skips most of a
#: large ledger (processed data is sorted by period), large enough to compress well.
ROW_GROUP = 500_000


#: A JSON object of the manifest (its entries are checked where they are read: a
#: damaged manifest costs a rebuild, never wrong numbers).
Json: TypeAlias = dict[str, Any]


@runtime_checkable
class SummingFrames(Protocol):
    """Frames that can sum a column per period without loading the whole frame."""

    def sum_by_period(self, key: str, by: str, value: str, months: list[int]) -> pd.Series: ...


class LazyFrames(Mapping[str, pd.DataFrame | None]):
    """Frames by kind; cached ones are read from Parquet on first use, so a report that
    needs only the ledger never reads the personnel data."""

    def __init__(self) -> None:
        self._items: dict[str, pd.DataFrame | Path | None] = {}

    def __setitem__(self, key: str, value: pd.DataFrame | Path | None) -> None:
        self._items[key] = value

    def __getitem__(self, key: str) -> pd.DataFrame | None:
        value = self._items[key]
        if isinstance(value, Path):
            value = pd.read_parquet(value)
            self._items[key] = value
        return value

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def is_loaded(self, key: str) -> bool:
        return not isinstance(self._items.get(key), Path)

    def sum_by_period(self, key: str, by: str, value: str, months: list[int]) -> pd.Series:
        """Σ ``value`` per ``by`` over the period codes ``months`` — read straight from the
        Parquet cache (only three columns, and only the row groups of those months, since
        processed data is sorted by period) unless the frame is already in memory."""
        months = sorted(int(m) for m in months)
        item = self._items[key]
        if item is None or not months:
            return pd.Series(dtype=float)
        if isinstance(item, Path):
            table = pq.read_table(
                item,
                columns=["period", by, value],
                filters=[("period", ">=", months[0]), ("period", "<=", months[-1])],
            )
            if months[-1] - months[0] + 1 != len(months) and months[-1] // 100 == months[0] // 100:
                table = table.filter(pc.is_in(table["period"], pa.array(months, pa.int32())))
            agg = table.group_by(by).aggregate([(value, "sum")])
            keys = agg[by]
            if pa.types.is_dictionary(keys.type):
                keys = keys.cast(pa.string())
            return pd.Series(agg[f"{value}_sum"].to_numpy(), index=keys.to_pylist(), name=value)
        rows = item.loc[item["period"].isin(months), [by, value]]
        return rows.groupby(by, sort=False, observed=True)[value].sum()


def dated_mask(kind: str, frame: pd.DataFrame | None, cutoff: Period) -> npt.NDArray[np.bool_]:
    """Which rows of a frame of ``kind`` were known at the end of ``cutoff``.

    The date of a row, by kind of file:

    * ``utfall``, ``investeringar``, ``sjukfranvaro``: the month ``period``;
    * ``budget``, ``periodisering``: the start of the year ``ar`` (a budget is adopted
      before its year begins, and a later year's budget is not yet known);
    * ``prognos``: the month-end ``prognosmanad`` of the year ``ar``;
    * ``folkmangd``: the end of month ``manad`` of ``ar`` (31 December without ``manad``);
      ``fodda``, ``doda``, ``flyttningar``: the end of ``manad``, or 31 December of ``ar``
      for yearly rows (a yearly total is known only when the year is over);
    * ``matetal``: the month ``period`` of a dated row; an undated row holds the year's
      goal and is known from the start of its year ``ar``;
    * a kind whose :class:`~analysis.io.falt.FileKind` has a ``dated`` rule: that rule;
    * ``kontoplan`` and other kinds: always known.

    The date columns are those the contract gives the kind; an extra column that happens
    to be called ``period`` or ``ar`` is never read as a date.
    """
    code = cutoff.code
    if frame is None or not len(frame):
        return np.ones(0 if frame is None else len(frame), dtype=bool)
    # the date columns are the contract's for the kind, never an extra drill-down column
    # that happens to be called ``period`` or ``ar``
    own = KINDS[kind].dated if kind in KINDS else None
    if own is not None:
        return np.asarray(own(frame, code), dtype=np.bool_)
    if kind in _BY_PERIOD:
        return np.asarray(frame["period"].to_numpy(dtype=np.int64) <= code, dtype=np.bool_)
    if kind not in _BY_YEAR_AND_MORE:
        return np.ones(len(frame), dtype=np.bool_)
    ar = frame["ar"].to_numpy(dtype=np.int64)
    if kind == "matetal":
        per = (
            frame["period"].fillna(0).to_numpy(dtype=np.int64)
            if "period" in frame
            else np.zeros(len(frame), dtype=np.int64)
        )
        return np.where(per > 0, per <= code, ar <= cutoff.year)
    if kind == "prognos":
        month_end = ar * 100 + frame["prognosmanad"].to_numpy(dtype=np.int64)
    elif kind in _BEFOLKNING:
        manad = (
            frame["manad"].astype("Float64").fillna(12).to_numpy(dtype=np.int64)
            if "manad" in frame
            else np.full(len(frame), 12, dtype=np.int64)
        )
        month_end = ar * 100 + manad
    else:  # _BY_YEAR
        return np.asarray(ar <= cutoff.year, dtype=np.bool_)
    return np.asarray(month_end <= code, dtype=np.bool_)


#: Kinds dated by their month ``period``.
_BY_PERIOD = frozenset({"utfall", "investeringar", "sjukfranvaro"})
#: Kinds dated by the start of their year ``ar``.
_BY_YEAR = frozenset({"budget", "periodisering"})
_BEFOLKNING = frozenset({"folkmangd", "fodda", "doda", "flyttningar"})
_BY_YEAR_AND_MORE = _BY_YEAR | _BEFOLKNING | {"prognos", "matetal"}


class AsOfFrames(Mapping[str, pd.DataFrame | None]):
    """The frames of a dataset as known at the end of a period: each frame is filtered
    with :func:`dated_mask` on first use (so unused kinds are never read)."""

    def __init__(self, base: Mapping[str, pd.DataFrame | None], cutoff: Period) -> None:
        self._base = base
        self.cutoff = cutoff
        self._cache: dict[str, pd.DataFrame | None] = {}

    def __getitem__(self, key: str) -> pd.DataFrame | None:
        if key not in self._cache:
            frame = self._base[key]
            if frame is not None:
                mask = dated_mask(key, frame, self.cutoff)
                if not mask.all():
                    frame = frame.loc[mask].reset_index(drop=True)
            self._cache[key] = frame
        return self._cache[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._base)

    def __len__(self) -> int:
        return len(self._base)

    def is_loaded(self, key: str) -> bool:
        return key in self._cache

    def sum_by_period(self, key: str, by: str, value: str, months: list[int]) -> pd.Series:
        """As :meth:`LazyFrames.sum_by_period`, over the months known at the cutoff."""
        known = [int(m) for m in months if int(m) <= self.cutoff.code]
        if key in self._cache or not isinstance(self._base, SummingFrames):
            item = self[key]
            if item is None or not known:
                return pd.Series(dtype=float)
            rows = item.loc[item["period"].isin(known), [by, value]]
            return rows.groupby(by, sort=False, observed=True)[value].sum()
        return self._base.sum_by_period(key, by, value, known)


@dataclass
class Dataset:
    """Everything loaded for one kommun. Frames of absent optional files are ``None``."""

    data_dir: Path
    register: Register
    frames: Mapping[str, pd.DataFrame | None]
    sources: dict[str, dict[str, str]] = field(default_factory=dict)  # kind -> {file: sha256}
    rebuilt: list[str] = field(default_factory=list)  # kinds parsed this time
    #: the optional domains whose folder is missing or empty: folder -> why (Swedish)
    absent: dict[str, str] = field(default_factory=dict)

    def __getattr__(self, name: str) -> pd.DataFrame | None:
        frames: Mapping[str, pd.DataFrame | None] = self.__dict__.get("frames", {})
        if name in frames:
            return frames[name]
        raise AttributeError(name)

    @property
    def raw_dir(self) -> Path:
        return self.data_dir / "raw"

    @property
    def last_period(self) -> Period:
        """The last month with utfall.

        Raises
        ------
        ModellError
            When the dataset has no utfall rows (:func:`load_data` never returns one).
        """
        utfall = self.frames["utfall"]
        if utfall is None or not len(utfall):
            raise ModellError("Det finns inget utfall, så ingen period att rapportera.")
        return Period.from_code(int(utfall["period"].max()))

    @property
    def senaste_period(self) -> Period:
        """The last month the kommun has data for: the last month with utfall; without
        the economy the last month of the sick-leave file; without both December of the
        last year with a folkmängd on 31 December.

        Raises
        ------
        ModellError
            When no frame gives a month (an empty dataset; :func:`load_data` refuses one).
        """
        frames: Mapping[str, pd.DataFrame | None] = self.frames
        utfall = frames["utfall"] if "utfall" in frames else None
        if utfall is not None and len(utfall):
            return Period.from_code(int(utfall["period"].max()))
        sjuk = frames["sjukfranvaro"] if "sjukfranvaro" in frames else None
        if sjuk is not None and len(sjuk):
            return Period.from_code(int(sjuk["period"].max()))
        folk = frames["folkmangd"] if "folkmangd" in frames else None
        if folk is not None and len(folk):
            dec = folk.loc[folk["manad"] == 12, "ar"] if "manad" in folk else folk["ar"]
            if len(dec):
                return Period(int(dec.max()), 12)
        raise ModellError("Det finns varken utfall, sjukfrånvaro eller folkmängd att rapportera.")

    @property
    def cutoff(self) -> Period | None:
        """The period this dataset is restricted to (:meth:`as_of`), or ``None``."""
        return getattr(self.frames, "cutoff", None)

    def as_of(self, period: Period | str) -> Dataset:
        """The data as known at the end of ``period``: every row dated after its last day
        is left out (see :func:`dated_mask`), so a report for the period cannot use
        figures that did not exist then. Frames are filtered lazily, on first use."""
        period = Period.parse(period)
        base = self.frames
        if isinstance(base, AsOfFrames):
            if base.cutoff.code <= period.code:
                return self
            base = base._base
        return Dataset(
            data_dir=self.data_dir,
            register=self.register,
            frames=AsOfFrames(base, period),
            sources=self.sources,
            rebuilt=self.rebuilt,
            absent=self.absent,
        )

    def missing(self, kind: str) -> str | None:
        """Why the kommun has no file of ``kind`` (Swedish), or ``None`` when it has one.

        A missing optional domain (its folder absent or empty) gives the domain's reason,
        e.g. ``mappen personal/ saknas i data/raw``; any other missing kind
        ``inga filer <folder>/<kind>*.csv i data/raw``.
        """
        frames: Mapping[str, pd.DataFrame | None] = self.frames
        if kind in frames and frames[kind] is not None:
            return None
        folder = KINDS[kind].folder if kind in KINDS else ""
        if folder in self.absent:
            return self.absent[folder]
        where = f"{folder}/" if folder else ""
        return f"inga filer {where}{kind}*.csv i data/raw"

    def input_hashes(self, period: Period | str | None = None) -> dict[str, str]:
        """Every raw file read, with its SHA-256 (for run manifests).

        The files of :data:`EXTRA_INPUTS` (the Kolada cache) are always included; with
        ``period``, the ekonom's comment files for it (``kommentarer/<YYYY-MM>/*``)
        are included too: a report prints them, so they are inputs like any other. Only
        regular files are listed (a symbolic link is never read, see
        :func:`comment_hashes`).
        """
        out: dict[str, str] = {}
        for files in self.sources.values():
            out.update(files)
        for folder in EXTRA_INPUTS:
            out.update(folder_hashes(self.raw_dir, folder))
        if period is not None:
            out.update(comment_hashes(self.raw_dir, Period.parse(period)))
        return dict(sorted(out.items()))


def comment_hashes(raw: Path, period: Period) -> dict[str, str]:
    """SHA-256 of every regular file in ``raw/kommentarer/<YYYY-MM>/``, by its name
    relative to ``raw`` (``kommentarer/2023-04/sn.md``). Symbolic links and other
    non-regular entries are left out: they are not inputs, and are never opened."""
    return folder_hashes(raw, f"kommentarer/{period.year}-{period.month:02d}")


#: Folders of ``data/raw`` read by the reports outside the data contract's kinds (the
#: Kolada cache): their files are inputs of every report, hashed like the kinds' files.
EXTRA_INPUTS = ("kolada",)


def folder_hashes(raw: Path, relative: str) -> dict[str, str]:
    """SHA-256 of every regular file directly in ``raw/<relative>/``, by its name relative
    to ``raw``; symbolic links and other non-regular entries are left out."""
    import stat

    folder = Path(raw) / relative
    out: dict[str, str] = {}
    try:
        if not stat.S_ISDIR(os.lstat(folder).st_mode):
            return out
        entries = sorted(folder.iterdir())
    except OSError:
        return out
    for path in entries:
        try:
            if not stat.S_ISREG(os.lstat(path).st_mode):
                continue
            out[f"{relative}/{path.name}"] = sha256(path)
        except OSError:
            continue
    return out


#: The domains: without the folder (or with an empty one) the kommun simply has no such
#: data; with files in it, the domain's required kinds are required (``ekonomi/``: utfall;
#: ``personal/``: sjukfranvaro; ``befolkning/``: the four population tables). At least one
#: of them must be present.
OPTIONAL_DOMAINS = ("ekonomi", "personal", "befolkning")


def domain_absent(raw: Path, folder: str) -> str | None:
    """Why the optional domain ``folder`` is absent from ``raw`` (Swedish), or ``None``
    when the folder holds at least one file (hidden files such as ``.gitkeep`` do not
    count). A symbolic link in the folder's place counts as present, so that the kind's
    own checks refuse it."""
    path = Path(raw) / folder
    if path.is_symlink():
        return None
    if not path.is_dir():
        return f"mappen {folder}/ saknas i data/raw"
    try:
        if any(not p.name.startswith(".") for p in path.iterdir()):
            return None
    except OSError:
        return None
    return f"mappen {folder}/ i data/raw är tom"


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def file_hashes(files: list[Path], raw: Path, known: dict[str, Json]) -> dict[str, Json]:
    """SHA-256, size and mtime of each file. A file whose size and modification time (in
    nanoseconds) equal the manifest's keeps its recorded hash without being read again;
    any other file is hashed in full."""
    out: dict[str, Json] = {}
    for path in files:
        name = display_name(path, raw)
        st = path.stat()
        prev = known.get(name)
        if prev and prev.get("size") == st.st_size and prev.get("mtime_ns") == st.st_mtime_ns:
            out[name] = prev
        else:
            out[name] = {"sha256": sha256(path), "size": st.st_size, "mtime_ns": st.st_mtime_ns}
    return out


def _read_manifest(processed: Path) -> Json:
    """The manifest in ``processed``; ``{}`` when it is missing, unreadable or not an object."""
    try:
        manifest = json.loads((processed / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return manifest if isinstance(manifest, dict) else {}


#: Kinds of the economy that load as a frame without rows when the economy is present but
#: the kind has no file: a kommun that makes no forecast (a SIE export has none) gets the
#: reports with empty forecast columns and the warning that no forecast was made
#: (:func:`analysis.ekonomi.drift.kontrollera_period`), not a skipped report.
EMPTY_WHEN_MISSING = ("prognos",)


def empty_frame(kind: FileKind, register: Register) -> pd.DataFrame:
    """The frame the kind's parser gives for a file with a header and no rows."""
    columns = list(kind.columns)
    table = RawTable(
        file=f"{kind.folder}/{kind.name}",
        columns=columns,
        original={c: c for c in columns},
        data=pd.DataFrame({c: pd.Series([], dtype=object) for c in columns}),
        lines=np.zeros(0, dtype=np.int64),
        encoding=None,
        delimiter=None,
    )
    frame = kind.parser(table, register)
    for col in frame.columns:  # text columns as a parsed file's (pandas' string dtype)
        if frame[col].dtype == object:
            frame[col] = frame[col].astype("str")
    return frame


def load_data(data_dir: str | Path = "data", *, use_cache: bool = True) -> Dataset:
    """Load, validate and cache the kommun's exports.

    Every domain is optional (:data:`OPTIONAL_DOMAINS`: the economy, personnel,
    population), but at least one must be present: without its folder (or with an empty
    one) a domain's kinds are ``None`` and :attr:`Dataset.absent` says why; a folder with
    files must hold every required kind of its domain.

    Parameters
    ----------
    data_dir : path
        The folder holding ``raw/`` (read) and ``processed/`` (the cache).
    use_cache : bool
        ``False`` parses every file again (the cache is still refreshed).

    Raises
    ------
    InputError
        Listing every problem found in every file, each with file, line and column.
    """
    data_dir = Path(data_dir)
    raw = data_dir / "raw"
    processed = data_dir / "processed"
    org_path = raw / "organisation.csv"
    if not org_path.exists():
        candidates = sorted(raw.glob("organisation.*")) if raw.is_dir() else []
        if candidates:
            org_path = candidates[0]
        else:
            raise InputError(
                Problem(
                    display_name(org_path, data_dir),
                    f"registret saknas. Lägg organisation.csv i {raw.as_posix()}/ "
                    "(se DATA_CONTRACT: "
                    "kolumnerna id, namn, typ, forvaltning, alias).",
                )
            )
    register = load_register(org_path, display_name(org_path, raw))
    register_hash = sha256(org_path)

    manifest = _read_manifest(processed) if use_cache else {}
    cache_ok = (
        manifest.get("schema") == SCHEMA_VERSION and manifest.get("register") == register_hash
    )
    cached_kinds = manifest.get("kinds", {}) if cache_ok else {}

    frames = LazyFrames()
    sources: dict[str, dict[str, str]] = {
        "organisation": {display_name(org_path, raw): register_hash}
    }
    parquet_of: dict[str, Json] = {}  # kind -> the manifest's file entry
    rebuilt: list[str] = []
    fresh: dict[str, pd.DataFrame] = {}
    rows: dict[str, int] = {}
    stat_by_kind: dict[str, Json] = {}
    problems: list[Problem] = []
    absent = {folder: why for folder in OPTIONAL_DOMAINS if (why := domain_absent(raw, folder))}
    if len(absent) == len(OPTIONAL_DOMAINS):
        raise InputError(
            Problem(
                display_name(raw, data_dir) + "/",
                "det finns inga indata utöver registret: lägg minst en av mapparna "
                + ", ".join(f"{f}/" for f in OPTIONAL_DOMAINS)
                + " med sina filer i data/raw (se docs/data-contract.md; "
                "`analysis sample` skriver en exempelkommun).",
            )
        )
    for kind in KINDS.values():
        try:
            own, sie, mapping = source_files(kind, raw)
        except InputError as e:
            problems += e.problems
            continue
        files = own + sie + mapping
        entry = cached_kinds.get(kind.name) or {}
        stats = file_hashes(files, raw, entry.get("stat", {}))
        hashes = {name: st["sha256"] for name, st in stats.items()}
        sources[kind.name] = hashes
        stat_by_kind[kind.name] = stats
        if not files:
            if kind.required and kind.folder not in absent:
                problems.append(
                    Problem(
                        f"{kind.folder}/{kind.name}*.csv",
                        f"inga filer hittades i {kind.folder}/ (förväntade t.ex. "
                        f"{kind.folder}/{kind.name}.csv eller {kind.name}_2023.csv med kolumnerna "
                        f"{', '.join(kind.columns)}).",
                    )
                )
            frames[kind.name] = None
            continue
        cached = entry.get("parquet") if entry else None
        if (
            entry
            and entry.get("files") == hashes
            and isinstance(cached, dict)
            and _parquet_ok(processed, cached, entry.get("rows"))
        ):
            frames[kind.name] = processed / cached["file"]  # read on first use
            rows[kind.name] = entry["rows"]
            parquet_of[kind.name] = cached
            continue
        try:
            frame = load_kind(kind, own, raw, register, sie=sie, mapping=mapping)
        except InputError as e:
            problems += e.problems
            continue
        if frame is None:  # a SIE export without rows of this kind (no #PBUDGET, say)
            frames[kind.name] = None
            continue
        frames[kind.name] = fresh[kind.name] = frame
        rows[kind.name] = len(frame)
        rebuilt.append(kind.name)
    if "ekonomi" not in absent:
        for name in EMPTY_WHEN_MISSING:
            if name not in rows:  # no file (a cached or parsed kind has its rows)
                frames[name] = empty_frame(KINDS[name], register)
    if problems:
        # the SIE files serve several kinds: each of their problems once
        raise InputError(list(dict.fromkeys(problems)))

    stat_changed = any(
        cached_kinds.get(k, {}).get("stat") != v for k, v in stat_by_kind.items() if k in rows
    )
    if rebuilt or stat_changed or not cache_ok or manifest.get("version") != __version__:
        written = _write_cache(
            processed, fresh, sources, rows, register_hash, stat_by_kind, parquet_of
        )
        for name in fresh:  # the frames stay in memory; the files are
            parquet_of[name] = written[name]  # named for the record only
    elif processed.is_dir():
        _clean_temp_files(processed)
    return Dataset(
        data_dir=data_dir,
        register=register,
        frames=frames,
        sources=sources,
        rebuilt=rebuilt,
        absent=absent,
    )


def _parquet_ok(processed: Path, entry: object, rows: object) -> bool:
    """A cache file is trusted only if it is the file the manifest names, byte for byte:
    a regular file of the recorded size and SHA-256 whose footer reads and whose row
    count matches. Anything else (missing, damaged, replaced, a symbolic link) is rebuilt,
    never trusted."""
    import stat

    if not isinstance(entry, dict) or not isinstance(entry.get("file"), str):
        return False
    name = entry["file"]
    if "/" in name or "\\" in name or name.startswith("."):
        return False
    path = processed / name
    try:
        st = os.lstat(path)
        if not stat.S_ISREG(st.st_mode) or st.st_size != entry.get("size"):
            return False
        if sha256(path) != entry.get("sha256"):
            return False
        return bool(pq.ParquetFile(path).metadata.num_rows == rows)
    except Exception:  # missing or damaged: rebuild, never trust
        return False


@contextmanager
def cache_lock(processed: Path) -> Iterator[None]:
    """Hold the cache writers' lock (``processed/.lock``) for the block. Readers never
    wait; two loads that both rebuild write one after the other."""
    processed.mkdir(parents=True, exist_ok=True)
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX: content-addressed files still hold
        yield
        return
    fd = os.open(processed / CACHE_LOCK, os.O_RDWR | os.O_CREAT | _NOFOLLOW, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def _is_temp(name: str) -> bool:
    """A temporary file of a cache writer (``.<name>.<random>.tmp`` / ``.parquet``)."""
    return (
        name.startswith(".")
        and name not in (CACHE_LOCK, ".gitkeep")
        and (name.endswith(".tmp") or name.endswith(".parquet"))
    )


def _clean_cache(processed: Path, keep: set[str]) -> None:
    """Remove temporary files of killed writers and Parquet files no kept manifest names
    (called under :func:`cache_lock`, so no other writer is midway)."""
    for path in processed.iterdir():
        name = path.name
        if _is_temp(name) or (name.endswith(".parquet") and name not in keep):
            try:
                if path.is_file() or path.is_symlink():
                    path.unlink()
            except OSError:
                pass


def _clean_temp_files(processed: Path) -> None:
    """Remove temporary files left by a killed writer, if no writer is at work now (the
    lock is tried, never waited for)."""
    try:
        stale = [p for p in processed.iterdir() if _is_temp(p.name)]
    except OSError:
        return
    if not stale:
        return
    try:
        import fcntl
    except ImportError:  # pragma: no cover
        return
    try:
        fd = os.open(processed / CACHE_LOCK, os.O_RDWR | os.O_CREAT | _NOFOLLOW, 0o600)
    except OSError:
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        return  # a writer is busy: its files are not stale
    try:
        for path in stale:
            try:
                path.unlink()
            except OSError:
                pass
    finally:
        os.close(fd)


def _write_parquet(processed: Path, name: str, frame: pd.DataFrame) -> Json:
    """Write ``frame`` under a new, content-addressed name; return its manifest entry."""
    fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".parquet", dir=processed)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        frame.to_parquet(tmp_path, index=False, row_group_size=ROW_GROUP)
        with open(tmp_path, "rb+") as f:
            os.fsync(f.fileno())
        digest = sha256(tmp_path)
        target = processed / f"{name}-{digest[:16]}.parquet"
        size = tmp_path.stat().st_size
        os.replace(tmp_path, target)  # a new name: no manifest refers to it yet
    finally:
        tmp_path.unlink(missing_ok=True)
    return {"file": target.name, "sha256": digest, "size": size}


def _write_cache(
    processed: Path,
    fresh: dict[str, pd.DataFrame],
    sources: dict[str, dict[str, str]],
    rows: dict[str, int],
    register_hash: str,
    stats: dict[str, Json],
    kept: dict[str, Json] | None = None,
) -> dict[str, Json]:
    """Write the newly parsed kinds under new names, then the manifest that names every
    kind's file (the one atomic switch); returns the new files' entries by kind.

    ``kept`` are the manifest entries of the kinds read from the cache (unchanged)."""
    kept = dict(kept or {})
    with cache_lock(processed):
        previous = _read_manifest(processed)
        _clean_cache(
            processed,
            _named_files(previous)
            | _named_files({"kinds": {k: {"parquet": v} for k, v in kept.items()}}),
        )
        written = {name: _write_parquet(processed, name, frame) for name, frame in fresh.items()}
        files = {**kept, **written}
        kinds = {
            name: {
                "files": sources[name],
                "rows": int(n),
                "stat": stats.get(name, {}),
                "parquet": files[name],
            }
            for name, n in rows.items()
            if name in files
        }
        manifest = {
            "schema": SCHEMA_VERSION,
            "version": __version__,
            "register": register_hash,
            "kinds": kinds,
        }
        atomic_write_bytes(
            processed / MANIFEST, json.dumps(manifest, indent=2, ensure_ascii=False).encode("utf-8")
        )
        # the switch is made; keep the previous generation's files for loads still reading
        _clean_cache(processed, _named_files(manifest) | _named_files(previous))
    return written


def _named_files(manifest: Json) -> set[str]:
    out = set()
    kinds = manifest.get("kinds") if isinstance(manifest, dict) else None
    for entry in (kinds or {}).values():
        parquet = entry.get("parquet") if isinstance(entry, dict) else None
        if isinstance(parquet, dict) and isinstance(parquet.get("file"), str):
            out.add(parquet["file"])
    return out


#: The domains whose files are read without the register (their parsers never look a unit
#: up): :func:`load_domain` loads them from a data folder that has only that domain.
REGISTER_FREE_DOMAINS = ("befolkning",)


def load_domain(data_dir: str | Path, folder: str) -> dict[str, pd.DataFrame]:
    """Load and validate only the kinds of one register-free domain (``befolkning``).

    Unlike :func:`load_data` neither ``organisation.csv`` nor ``ekonomi/`` is needed, and
    the cache in ``processed/`` is neither read nor written (the cache belongs to a full
    :func:`load_data`; these files are small).

    Parameters
    ----------
    data_dir : path
        The folder holding ``raw/``.
    folder : str
        One of :data:`REGISTER_FREE_DOMAINS`.

    Returns
    -------
    dict
        Kind name → its parsed frame, for every required kind of the domain.

    Raises
    ------
    ValueError
        If ``folder`` is not a register-free domain (a programming error).
    InputError
        When the folder is missing or empty, a required kind has no file, or a file is bad
        (every problem, with file, line and column).
    """
    if folder not in REGISTER_FREE_DOMAINS:
        raise ValueError(f"{folder!r} is not one of {REGISTER_FREE_DOMAINS}")
    raw = Path(data_dir) / "raw"
    why = domain_absent(raw, folder)
    if why is not None:
        raise InputError(Problem(f"{folder}/", f"{why}; inga {folder}sdata att läsa."))
    # the parsers of these kinds never consult the register; load_kind wants one
    placeholder = Register(
        pd.DataFrame({"id": ["kommun"], "namn": ["Kommunen"], "typ": ["ovrig"]}),
        file="(inget register)",
    )
    frames: dict[str, pd.DataFrame] = {}
    problems: list[Problem] = []
    for kind in KINDS.values():
        if kind.folder != folder:
            continue
        try:
            files = kind.files(raw)
            frame = load_kind(kind, files, raw, placeholder) if files else None
        except InputError as e:
            problems += e.problems
            continue
        if frame is None:
            if kind.required:
                problems.append(
                    Problem(
                        f"{kind.folder}/{kind.name}*.csv",
                        f"inga filer hittades i {kind.folder}/ (förväntade t.ex. "
                        f"{kind.folder}/{kind.name}.csv med kolumnerna "
                        f"{', '.join(kind.columns)}).",
                    )
                )
            continue
        frames[kind.name] = frame
    if problems:
        raise InputError(problems)
    return frames
