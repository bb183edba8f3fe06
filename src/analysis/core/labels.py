"""The Swedish words the reports use for the package's column names and totals.

One vocabulary: the domain rooms return frames with these column names, and every table
and text takes its label from here.
"""

from __future__ import annotations

#: The total row of a table of units (nämnder, förvaltningar, blocks).
TOTALT = "Totalt"
#: The whole kommun as a row of a table of förvaltningar.
HELA_KOMMUNEN = "Hela kommunen"

#: The columns of the driftsredovisning and their headings.
DRIFT = {
    "utfall_period": "Utfall perioden",
    "budget_period": "Budget perioden",
    "avvikelse_period": "Avvikelse perioden",
    "prognos_helar": "Prognos helår",
    "budget_helar": "Budget helår",
    "avvikelse_helar": "Avvikelse helår",
    "prognos_foregaende": "Föregående prognos",
    "prognos_forandring": "Förändring mot föregående prognos",
}

#: The rows a deviation table can be broken down by.
DIMENSIONER = {
    "kontogrupp": "Kontogrupp",
    "verksamhet": "Verksamhet",
    "ansvar": "Ansvar",
    "projekt": "Projekt",
}


def i_text(column: str) -> str:
    """The heading of a column as it reads inside a sentence: ``"budget perioden"``."""
    return DRIFT[column][0].lower() + DRIFT[column][1:]
