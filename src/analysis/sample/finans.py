"""The sample's financial goals, pension obligations and companies."""

from __future__ import annotations

from analysis.sample.ekonomi import Economy


def files(eco: Economy, seed: int) -> dict[str, bytes]:
    """Relative path → bytes (none yet)."""
    return {}
