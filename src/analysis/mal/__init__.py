"""Mål: mätetal och måluppfyllelse."""
