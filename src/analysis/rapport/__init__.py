"""Rapport: tabeller, diagram och hjälp för notebooks (det enda rummet med matplotlib i notebooks)."""
