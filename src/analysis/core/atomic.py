"""Writing files so that a reader sees the old file or the new one, never half of one.

Every writer of the package (the cache's manifest, the reports, the Excel export, the
sample) goes through these two functions. The temporary file lives next to the target,
is named ``.<name>.<random>.tmp…`` (hidden, and recognised by the cleaners of the cache
and of the reports folder) and is removed on any failure.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes) -> None:
    """Write ``data`` to ``path`` (fsynced) and rename it into place."""
    target = Path(path)
    with atomic_path(target, keep_suffix=False) as tmp:
        with open(tmp, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())


@contextmanager
def atomic_path(path: str | os.PathLike[str], *, keep_suffix: bool = True) -> Iterator[Path]:
    """A temporary path next to ``path`` that replaces ``path`` when the block succeeds.

    ``keep_suffix`` ends the temporary name in the target's suffix (``.tmp.xlsx``) for
    writers that choose the format by the file name. On any failure, including in the
    final rename, the temporary file is removed and ``path`` keeps its previous content.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    suffix = ".tmp" + (target.suffix if keep_suffix else "")
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=suffix, dir=target.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
