"""The labour-market files (``arbetsmarknad/*``): Arbetsförmedlingen's monthly statistics."""

from __future__ import annotations

from analysis.io.falt import FileKind

#: The kinds of file this module reads (registered in :data:`analysis.io.contract.KINDS`).
KINDS: tuple[FileKind, ...] = ()
