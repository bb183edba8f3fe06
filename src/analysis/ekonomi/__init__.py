"""Ekonomi: driftsredovisning, helårsprognoser, resultaträkning, investeringar och texterna."""
