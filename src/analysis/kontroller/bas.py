"""The check machinery that every report uses.

A report collects its checks in a :class:`Kontroller` while it computes its tables and
shows them with :func:`analysis.rapport.kontroller.visa`. A failed check is never passed
over: the report shows a warning with the failing checks, and ``visa`` also emits them as
data (:data:`KONTROLL_MIMETYPE`), which the batch collects into ``manifest.json`` and the
index page (:func:`fran_notebook`).

Every check compares two figures reached by **independent paths**, or tests a condition
on the data that can be false; a check that compares a function with itself proves
nothing and is not made. The checks of each domain live in their own module:

* :mod:`analysis.kontroller.ekonomi`: the driftsredovisning by unit against the ledger
  recomputed straight from the input frames (plain pandas, not
  :mod:`analysis.ekonomi.drift`); the resultaträkning by account class against the
  driftsredovisning by unit; the kommun's block table against the resultaträkning and the
  driftsredovisning; a nämnd's tables by kontogrupp and verksamhet against its row of the
  driftsredovisning;
* :mod:`analysis.kontroller.text`: the rounded figures printed in the text against the
  table;
* :mod:`analysis.kontroller.befolkning`: the population components (births, deaths,
  migration files) against the stocks (folkmängd file), and the scenarios' order;
* :mod:`analysis.kontroller.mal`: the goal overview against the list of mätetal;
* here: shares within 0–100 % and weighted means between their parts
  (:func:`kontrollera_andelar`, :func:`kontrollera_vagt_medel`).

Checks compare unrounded values (tkr) to within half a krona, :data:`TOLERANS_TKR`.
Printed figures are rounded one by one, so a printed total may differ from the sum of
the printed parts by the last digit; the tables say so in a note (:data:`AVRUNDNING`).
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd

#: The mimetype of the data part of a checks output.
KONTROLL_MIMETYPE = "application/vnd.kommun-analysis.checks+json"
#: Half a krona, in tkr.
TOLERANS_TKR = 0.0005
#: The population's unexplained rest (justering) allowed in a period of outcomes, as a
#: share of the folkmängd: SCB's own corrections are a few persons a year; a missing
#: month of events or a wrong stock is far more.
JUSTERING_ANDEL = 0.001
#: ... and at least this many persons.
JUSTERING_MIN = 10.0
#: The rest allowed in a forecast year (the engine's deaths, births and migrants must
#: add up to its stocks).
JUSTERING_PROGNOS = 0.5
#: The note under a table of rounded amounts.
AVRUNDNING = (
    "Beloppen är avrundade var för sig; summor är beräknade på de oavrundade "
    "beloppen, så den sista siffran kan skilja mot summan av de avrundade raderna."
)


@dataclass(frozen=True)
class Kontroll:
    """One check: ``varde`` should equal ``forvantat`` (within ``tolerans``), or hold."""

    grupp: str
    kontroll: str
    varde: float
    forvantat: float
    tolerans: float
    ok: bool

    @property
    def differens(self) -> float:
        return self.varde - self.forvantat


class Kontroller:
    """The checks of one report."""

    def __init__(self) -> None:
        self.rader: list[Kontroll] = []

    def __len__(self) -> int:
        return len(self.rader)

    @property
    def fel(self) -> list[Kontroll]:
        return [k for k in self.rader if not k.ok]

    def lika(
        self,
        grupp: str,
        kontroll: str,
        varde: float,
        forvantat: float,
        tolerans: float = TOLERANS_TKR,
    ) -> bool:
        """``varde`` equals ``forvantat``; two missing values are equal, one is not."""
        v, f = som_tal(varde), som_tal(forvantat)
        if math.isnan(v) and math.isnan(f):
            ok = True
        else:
            ok = bool(abs(v - f) <= tolerans) if not (math.isnan(v) or math.isnan(f)) else False
        self.rader.append(Kontroll(grupp, kontroll, v, f, tolerans, ok))
        return ok

    def summa(
        self,
        grupp: str,
        kontroll: str,
        delar: Iterable[float],
        total: float,
        tolerans: float = TOLERANS_TKR,
    ) -> bool:
        """The parts (missing ones count as 0) sum to ``total``."""
        s = float(np.nansum(np.asarray(list(delar), dtype=float)))
        return self.lika(grupp, kontroll, total, s, tolerans)

    def villkor(self, grupp: str, kontroll: str, ok: bool, varde: float = math.nan) -> bool:
        """A condition (a sign, a range); ``varde`` is shown beside it."""
        self.rader.append(Kontroll(grupp, kontroll, som_tal(varde), math.nan, 0.0, bool(ok)))
        return bool(ok)

    def tabell(self) -> pd.DataFrame:
        """Every check: group, text, value, expected, difference, result."""
        return pd.DataFrame(
            {
                "Grupp": [k.grupp for k in self.rader],
                "Kontroll": [k.kontroll for k in self.rader],
                "Värde": [k.varde for k in self.rader],
                "Förväntat": [k.forvantat for k in self.rader],
                "Differens": [k.differens for k in self.rader],
                "Resultat": ["Stämmer" if k.ok else "Avviker" for k in self.rader],
            }
        )

    def sammanfattning(self) -> pd.DataFrame:
        """Per group: number of checks, how many differ, and the largest difference."""
        rows = []
        for grupp in dict.fromkeys(k.grupp for k in self.rader):
            ks = [k for k in self.rader if k.grupp == grupp]
            diffs = [abs(k.differens) for k in ks if math.isfinite(k.differens)]
            n_fel = sum(not k.ok for k in ks)
            rows.append(
                {
                    "Kontroll": grupp,
                    "Antal": len(ks),
                    "Avviker": n_fel,
                    "Största differens": max(diffs) if diffs else math.nan,
                    "Resultat": "Stämmer" if n_fel == 0 else "Avviker",
                }
            )
        return pd.DataFrame(
            rows, columns=["Kontroll", "Antal", "Avviker", "Största differens", "Resultat"]
        )

    def payload(self) -> dict[str, Any]:
        """The data part :func:`analysis.rapport.kontroller.visa` emits (JSON-able)."""
        return {
            "antal": len(self.rader),
            "avvikande": len(self.fel),
            "fel": [_jsonable(asdict(k) | {"differens": k.differens}) for k in self.fel],
        }


def som_tal(value: Any) -> float:
    """``value`` as a float, NaN when it is not a number (``None``, a text).

    >>> som_tal("2.5"), som_tal(3), math.isnan(som_tal(None)), math.isnan(som_tal("text"))
    (2.5, 3.0, True, True)
    """
    try:
        return float(value)
    except (TypeError, ValueError):
        return math.nan


def _jsonable(d: dict) -> dict:
    return {k: (None if isinstance(v, float) and not math.isfinite(v) else v) for k, v in d.items()}


# --- generic checks ---------------------------------------------------------------------
def kontrollera_andelar(k: Kontroller, grupp: str, values: Mapping[str, float]) -> None:
    """Percentages lie within 0–100 (missing = suppressed, not checked)."""
    for name, v in values.items():
        if v is None or (isinstance(v, float) and math.isnan(v)):
            continue
        k.villkor(grupp, f"{name} mellan 0 och 100 %", 0 <= float(v) <= 100 + 1e-9, v)


def kontrollera_vagt_medel(
    k: Kontroller, grupp: str, helhet: float, delar: Iterable[float], text: str
) -> None:
    """A weighted mean (the kommun) lies between its parts' smallest and largest value."""
    d = [float(x) for x in delar if x is not None and math.isfinite(float(x))]
    if not d or not math.isfinite(som_tal(helhet)):
        return
    k.villkor(
        grupp,
        f"{text} ligger mellan förvaltningarnas lägsta och högsta värde",
        min(d) - 1e-9 <= helhet <= max(d) + 1e-9,
        helhet,
    )


# --- collecting ---------------------------------------------------------------------------
def fran_notebook(nb: Mapping[str, Any]) -> dict[str, Any] | None:
    """The checks an executed notebook emitted (summed over its outputs), or ``None``
    when it emitted none."""
    found = None
    for cell in nb.get("cells", []):
        for out in cell.get("outputs", []) or []:
            payload = (out.get("data") or {}).get(KONTROLL_MIMETYPE)
            if payload is None:
                continue
            if isinstance(payload, str):
                try:
                    payload = json.loads(payload)
                except ValueError:
                    continue
            found = found or {"antal": 0, "avvikande": 0, "fel": []}
            found["antal"] += int(payload.get("antal", 0))
            found["avvikande"] += int(payload.get("avvikande", 0))
            found["fel"] += list(payload.get("fel", []))
    return found
