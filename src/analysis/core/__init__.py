"""Kärnan: fel, perioder, enhetsregistret och den enda formateraren av tal, datum och text."""
