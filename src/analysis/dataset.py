"""The kommun's data: load ``data/raw``, validate it, cache it in ``data/processed``.

:func:`load_data` is the one entry point. It hashes every raw file; a kind of file whose
files (and the register) are unchanged since the last load is read from its Parquet
cache, anything else is parsed and validated again. All parsing happens before anything
is written, so a failed load writes nothing and the previous processed data stays
intact; each output file is written to a temporary name and renamed into place, and the
manifest that vouches for the cache is written last.

Raw files are only ever opened for reading.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from . import __version__
from .errors import InputError, Problem
from .loaders import KINDS, display_name, load_kind
from .period import Period
from .register import Register

#: Bumped whenever the processed format changes, so old caches are rebuilt.
SCHEMA_VERSION = 5
MANIFEST = "manifest.json"
#: Rows per Parquet row group: small enough that reading one period skips most of a
#: large ledger (processed data is sorted by period), large enough to compress well.
ROW_GROUP = 500_000


class LazyFrames(Mapping):
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
            table = pq.read_table(item, columns=["period", by, value],
                                  filters=[("period", ">=", months[0]),
                                           ("period", "<=", months[-1])])
            if months[-1] - months[0] + 1 != len(months) and months[-1] // 100 == months[0] // 100:
                table = table.filter(pc.is_in(table["period"], pa.array(months, pa.int32())))
            agg = table.group_by(by).aggregate([(value, "sum")])
            keys = agg[by]
            if pa.types.is_dictionary(keys.type):
                keys = keys.cast(pa.string())
            return pd.Series(agg[f"{value}_sum"].to_numpy(), index=keys.to_pylist(), name=value)
        rows = item.loc[item["period"].isin(months), [by, value]]
        return rows.groupby(by, sort=False, observed=True)[value].sum()


@dataclass
class Dataset:
    """Everything loaded for one kommun. Frames of absent optional files are ``None``."""

    data_dir: Path
    register: Register
    frames: Mapping[str, pd.DataFrame | None]
    sources: dict[str, dict[str, str]] = field(default_factory=dict)  # kind -> {file: sha256}
    rebuilt: list[str] = field(default_factory=list)                   # kinds parsed this time

    def __getattr__(self, name: str) -> pd.DataFrame | None:
        frames = self.__dict__.get("frames", {})
        if name in frames:
            return frames[name]
        raise AttributeError(name)

    @property
    def raw_dir(self) -> Path:
        return self.data_dir / "raw"

    @property
    def last_period(self) -> Period:
        """The last month with utfall."""
        return Period.from_code(int(self.frames["utfall"]["period"].max()))

    def input_hashes(self) -> dict[str, str]:
        """Every raw file read, with its SHA-256 (for run manifests)."""
        out: dict[str, str] = {}
        for files in self.sources.values():
            out.update(files)
        return dict(sorted(out.items()))


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that readers see the old file or the new, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def atomic_path(path: Path):
    """Context manager yielding a temporary path that is renamed to ``path`` on success."""
    return _AtomicPath(path)


class _AtomicPath:
    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    def __enter__(self) -> Path:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{self.path.stem}.", suffix=self.path.suffix,
                                   dir=self.path.parent)
        os.close(fd)
        self.tmp = Path(tmp)
        return self.tmp

    def __exit__(self, exc_type, exc, tb) -> None:
        try:
            if exc_type is None:
                os.replace(self.tmp, self.path)
        finally:
            self.tmp.unlink(missing_ok=True)


def file_hashes(files: list[Path], raw: Path, known: dict[str, dict]) -> dict[str, dict]:
    """SHA-256, size and mtime of each file. A file whose size and modification time (in
    nanoseconds) equal the manifest's keeps its recorded hash without being read again;
    any other file is hashed in full."""
    out = {}
    for path in files:
        name = display_name(path, raw)
        st = path.stat()
        prev = known.get(name)
        if prev and prev.get("size") == st.st_size and prev.get("mtime_ns") == st.st_mtime_ns:
            out[name] = prev
        else:
            out[name] = {"sha256": sha256(path), "size": st.st_size, "mtime_ns": st.st_mtime_ns}
    return out


def _read_manifest(processed: Path) -> dict:
    try:
        return json.loads((processed / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def load_data(data_dir: str | Path = "data", *, use_cache: bool = True) -> Dataset:
    """Load, validate and cache the kommun's exports.

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
            raise InputError(Problem(
                display_name(org_path, data_dir),
                f"registret saknas. Lägg organisation.csv i {raw.as_posix()}/ (se DATA_CONTRACT: "
                "kolumnerna id, namn, typ, forvaltning, alias)."))
    register = Register.load(org_path, display_name(org_path, raw))
    register_hash = sha256(org_path)

    manifest = _read_manifest(processed) if use_cache else {}
    cache_ok = (manifest.get("schema") == SCHEMA_VERSION
                and manifest.get("register") == register_hash)
    cached_kinds = manifest.get("kinds", {}) if cache_ok else {}

    frames = LazyFrames()
    sources: dict[str, dict[str, str]] = {}
    rebuilt: list[str] = []
    fresh: dict[str, pd.DataFrame] = {}
    rows: dict[str, int] = {}
    stat_by_kind: dict[str, dict] = {}
    problems: list[Problem] = []
    for kind in KINDS.values():
        files = kind.files(raw)
        entry = cached_kinds.get(kind.name) or {}
        stats = file_hashes(files, raw, entry.get("stat", {}))
        hashes = {name: st["sha256"] for name, st in stats.items()}
        sources[kind.name] = hashes
        stat_by_kind[kind.name] = stats
        if not files:
            if kind.required:
                problems.append(Problem(
                    f"{kind.folder}/{kind.name}*.csv",
                    f"inga filer hittades i {kind.folder}/ (förväntade t.ex. "
                    f"{kind.folder}/{kind.name}.csv eller {kind.name}_2023.csv med kolumnerna "
                    f"{', '.join(kind.columns)})."))
            frames[kind.name] = None
            continue
        parquet = processed / f"{kind.name}.parquet"
        if entry and entry.get("files") == hashes and _parquet_ok(parquet, entry.get("rows")):
            frames[kind.name] = parquet            # read on first use
            rows[kind.name] = entry["rows"]
            continue
        try:
            frame = load_kind(kind, files, raw, register)
        except InputError as e:
            problems += e.problems
            continue
        frames[kind.name] = fresh[kind.name] = frame
        rows[kind.name] = len(frame)
        rebuilt.append(kind.name)
    if problems:
        raise InputError(problems)

    stat_changed = any(cached_kinds.get(k, {}).get("stat") != v for k, v in stat_by_kind.items()
                       if k in rows)
    if rebuilt or stat_changed or not cache_ok or manifest.get("version") != __version__:
        _write_cache(processed, fresh, sources, rows, register_hash, stat_by_kind)
    return Dataset(data_dir=data_dir, register=register, frames=frames, sources=sources,
                   rebuilt=rebuilt)


def _parquet_ok(path: Path, rows: int | None) -> bool:
    """A cache file is trusted only if its footer reads and its row count matches."""
    try:
        return pq.ParquetFile(path).metadata.num_rows == rows
    except Exception:  # missing or damaged: rebuild, never trust
        return False


def _write_cache(processed: Path, fresh: dict[str, pd.DataFrame],
                 sources: dict[str, dict[str, str]], rows: dict[str, int],
                 register_hash: str, stats: dict[str, dict]) -> None:
    """Write the newly parsed kinds, then the manifest that vouches for all of them."""
    processed.mkdir(parents=True, exist_ok=True)
    for name, frame in fresh.items():
        with atomic_path(processed / f"{name}.parquet") as tmp:
            frame.to_parquet(tmp, index=False, row_group_size=ROW_GROUP)
    kinds = {name: {"files": sources[name], "rows": int(n), "stat": stats.get(name, {})}
             for name, n in rows.items()}
    manifest = {"schema": SCHEMA_VERSION, "version": __version__, "register": register_hash,
                "kinds": kinds}
    atomic_write_bytes(processed / MANIFEST,
                       json.dumps(manifest, indent=2, ensure_ascii=False).encode("utf-8"))
