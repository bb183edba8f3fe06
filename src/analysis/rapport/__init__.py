"""Rapport: tabeller, diagram, sammansatta texter och hjälp för notebooks.

Med batch det enda rummet som importerar matplotlib, seaborn eller IPython.
"""
