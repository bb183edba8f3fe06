"""Kontroller: varje kontroll jämför två oberoende vägar till samma tal."""
