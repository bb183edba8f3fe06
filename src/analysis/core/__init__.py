"""Kärnan: fel, perioder, enhetsregistret, Kommun-Bas, rapporternas ord, atomära skrivningar
och den enda formateraren av tal, datum och text."""
