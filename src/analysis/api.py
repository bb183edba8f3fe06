"""The public surface of the package, for the report notebooks and for exploring in
JupyterLab: one import gives every room's public modules (under one unique name each) and
the names a report uses most.

>>> from analysis.api import open_data, drift, block
>>> data = open_data("data", "2023-04")                          # doctest: +SKIP
>>> drift.compute_driftsredovisning(data, "2023-04")             # doctest: +SKIP

The rooms themselves are described in ``docs/architecture.md``; everything named here is
public and documented where it is defined. Nothing of :mod:`analysis.batch` is here: the
notebooks are run by the batch, they do not run it.
"""

from __future__ import annotations

# --- befolkning ---------------------------------------------------------------------
from analysis.befolkning import antaganden, arbetsmarknad, blad, historik, motor, scenarier
from analysis.befolkning import eftertest as befolkningseftertest
from analysis.befolkning import prognos as befolkningsprognos
from analysis.befolkning import text as befolkningstext

# --- core -----------------------------------------------------------------------------
from analysis.core import labels
from analysis.core.errors import (
    AnalysisError,
    ArgumentError,
    ConfigurationError,
    InputError,
    ModellError,
)
from analysis.core.format import antal, datum, lista, mkr, tal
from analysis.core.period import Period

# --- ekonomi --------------------------------------------------------------------------
from analysis.ekonomi import (
    avvikelse,
    balans,
    balanskrav,
    block,
    bolag,
    drift,
    finansiella_mal,
    investering,
    kassaflode,
    nyckeltal,
    pension,
    resultat,
)
from analysis.ekonomi import prognos as ekonomiprognos
from analysis.ekonomi import text as ekonomitext
from analysis.ekonomi.drift import compute_driftsredovisning, compute_investeringsredovisning
from analysis.ekonomi.resultat import compute_resultatrakning
from analysis.ekonomi.text import ekonomens_text

# --- io -------------------------------------------------------------------------------
from analysis.io.dataset import Dataset, load_data

# --- kontroller -----------------------------------------------------------------------
from analysis.kontroller import arbetsmarknad as arbetsmarknadskontroller
from analysis.kontroller import bas as kontroller
from analysis.kontroller import befolkning as befolkningskontroller
from analysis.kontroller import bokslut as bokslutskontroller
from analysis.kontroller import ekonomi as ekonomikontroller
from analysis.kontroller import finans as finanskontroller
from analysis.kontroller import mal as malkontroller
from analysis.kontroller import personal as personalkontroller
from analysis.kontroller import text as textkontroller
from analysis.kontroller.bas import AVRUNDNING, Kontroller, kontrollera_andelar
from analysis.kontroller.befolkning import (
    kontrollera_befolkning,
    kontrollera_befolkning_ar,
    kontrollera_scenarier,
)
from analysis.kontroller.ekonomi import kontrollera_namnd

# --- mal ------------------------------------------------------------------------------
from analysis.mal import kf as kfmal
from analysis.mal import matetal
from analysis.mal import status as malstatus
from analysis.mal.status import status_text

# --- personal -------------------------------------------------------------------------
from analysis.personal import nyckeltal as sjukfranvaro
from analysis.personal import sekretess, serier, struktur, trender
from analysis.personal import text as personaltext
from analysis.personal.nyckeltal import SUPPRESSION_NOTE
from analysis.personal.serier import hittills_i_ar, manadstrend

# --- rapport --------------------------------------------------------------------------
from analysis.rapport import arbetsmarknad as arbetsmarknadsrapport
from analysis.rapport import befolkning as befolkningsrapport
from analysis.rapport import bokslut as bokslutrapport
from analysis.rapport import charts, kommentarer, notebook, tables
from analysis.rapport import ekonomi as ekonomirapport
from analysis.rapport import finans as finansrapport
from analysis.rapport import jamforelse as jamforelserapport
from analysis.rapport import kommun as kommunrapport
from analysis.rapport import kontroller as kontrollvisning
from analysis.rapport import mal as malrapport
from analysis.rapport import namnd as namndrapport
from analysis.rapport import personal as personalrapport
from analysis.rapport import personalstruktur as strukturrapport
from analysis.rapport.kontroller import visa, visa_bilaga
from analysis.rapport.notebook import kommun_namn, open_data
from analysis.rapport.personal import diagram_manadstrend
from analysis.rapport.tables import show_table

__all__ = [
    # core
    "AnalysisError", "ArgumentError", "ConfigurationError", "InputError", "ModellError",
    "Period", "labels", "tal", "mkr", "antal", "datum", "lista",
    # io
    "Dataset", "load_data",
    # ekonomi
    "avvikelse", "block", "drift", "investering", "nyckeltal", "resultat", "ekonomiprognos",
    "ekonomitext", "ekonomens_text", "compute_driftsredovisning", "compute_investeringsredovisning",
    "compute_resultatrakning", "balans", "kassaflode", "balanskrav", "finansiella_mal", "pension",
    "bolag",
    # personal
    "sjukfranvaro", "sekretess", "serier", "trender", "personaltext", "SUPPRESSION_NOTE",
    "hittills_i_ar", "manadstrend", "struktur",
    # befolkning
    "antaganden", "historik", "motor", "scenarier", "befolkningsprognos", "befolkningstext",
    "arbetsmarknad", "blad", "befolkningseftertest",
    # mal
    "matetal", "malstatus", "status_text", "kfmal",
    # kontroller
    "kontroller", "Kontroller", "AVRUNDNING", "kontrollera_andelar", "kontrollera_namnd",
    "kontrollera_befolkning", "kontrollera_befolkning_ar", "kontrollera_scenarier",
    "ekonomikontroller",
    "befolkningskontroller", "malkontroller", "textkontroller", "bokslutskontroller",
    "finanskontroller", "arbetsmarknadskontroller", "personalkontroller",
    # rapport
    "notebook", "open_data", "kommun_namn", "tables", "show_table", "charts", "visa",
    "visa_bilaga", "kontrollvisning", "ekonomirapport", "personalrapport",
    "befolkningsrapport", "malrapport", "namndrapport", "kommunrapport", "diagram_manadstrend",
    "bokslutrapport", "finansrapport", "arbetsmarknadsrapport", "strukturrapport", "kommentarer",
    "jamforelserapport",
]  # fmt: skip
