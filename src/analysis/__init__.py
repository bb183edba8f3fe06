"""Analys- och rapportverktyg för kommunala ekonomer.

The public surface is re-exported in :mod:`analysis.api`.
"""

__version__ = "0.1.0"
