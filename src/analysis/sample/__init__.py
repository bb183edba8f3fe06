"""Deterministic generators of the sample kommun."""
