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
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from . import __version__
from .errors import InputError, Problem
from .loaders import KINDS, display_name, load_kind
from .period import Period
from .register import Register

#: Bumped whenever the processed format changes, so old caches are rebuilt.
SCHEMA_VERSION = 1
MANIFEST = "manifest.json"


@dataclass
class Dataset:
    """Everything loaded for one kommun. Frames of absent optional files are ``None``."""

    data_dir: Path
    register: Register
    frames: dict[str, pd.DataFrame | None]
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

    frames: dict[str, pd.DataFrame | None] = {}
    sources: dict[str, dict[str, str]] = {}
    rebuilt: list[str] = []
    problems: list[Problem] = []
    for kind in KINDS.values():
        files = kind.files(raw)
        hashes = {display_name(p, raw): sha256(p) for p in files}
        sources[kind.name] = hashes
        if not files:
            if kind.required:
                problems.append(Problem(
                    f"{kind.folder}/{kind.name}*.csv",
                    f"inga filer hittades i {kind.folder}/ (förväntade t.ex. "
                    f"{kind.folder}/{kind.name}.csv eller {kind.name}_2023.csv med kolumnerna "
                    f"{', '.join(kind.columns)})."))
            frames[kind.name] = None
            continue
        entry = cached_kinds.get(kind.name)
        parquet = processed / f"{kind.name}.parquet"
        if entry and entry.get("files") == hashes and parquet.exists():
            try:
                frames[kind.name] = pd.read_parquet(parquet)
                continue
            except Exception:  # a damaged cache is rebuilt, never trusted
                pass
        try:
            frames[kind.name] = load_kind(kind, files, raw, register)
            rebuilt.append(kind.name)
        except InputError as e:
            problems += e.problems
    if problems:
        raise InputError(problems)

    if rebuilt or not cache_ok or manifest.get("version") != __version__:
        _write_cache(processed, frames, sources, register_hash, rebuilt)
    return Dataset(data_dir=data_dir, register=register, frames=frames, sources=sources,
                   rebuilt=rebuilt)


def _write_cache(processed: Path, frames: dict[str, pd.DataFrame | None],
                 sources: dict[str, dict[str, str]], register_hash: str,
                 rebuilt: list[str]) -> None:
    processed.mkdir(parents=True, exist_ok=True)
    kinds = {}
    for name, frame in frames.items():
        if frame is None:
            continue
        path = processed / f"{name}.parquet"
        if name in rebuilt or not path.exists():
            with atomic_path(path) as tmp:
                frame.to_parquet(tmp, index=False)
        kinds[name] = {"files": sources[name], "rows": int(len(frame))}
    manifest = {"schema": SCHEMA_VERSION, "version": __version__, "register": register_hash,
                "kinds": kinds}
    atomic_write_bytes(processed / MANIFEST,
                       json.dumps(manifest, indent=2, ensure_ascii=False).encode("utf-8"))
