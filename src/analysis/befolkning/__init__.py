"""Befolkning: kohort-komponentmotorn, historik, antaganden, prognos och scenarier."""
