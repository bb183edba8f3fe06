"""Batch: rapportmatrisen, körningen och publiceringen (HTML, PDF, Excel)."""
