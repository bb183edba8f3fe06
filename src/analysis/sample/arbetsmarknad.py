"""The sample's labour-market statistics (``arbetsmarknad/*``)."""

from __future__ import annotations


def files(seed: int) -> dict[str, bytes]:
    """Relative path → bytes (none yet)."""
    return {}
