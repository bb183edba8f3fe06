"""The sample's own texts (``kommentarer/*``)."""

from __future__ import annotations


def files(seed: int) -> dict[str, bytes]:
    """Relative path → bytes (none yet)."""
    return {}
