"""Consistency checks that run on every report.

A report collects its checks in a :class:`Kontroller` while it computes its tables and
shows them with :func:`visa`. A failed check is never passed over: the report shows a
warning with the failing checks, and :func:`visa` also emits them as data
(:data:`KONTROLL_MIMETYPE`), which the batch collects into ``manifest.json`` and the
index page (:func:`fran_notebook`).

Every check compares two figures reached by **independent paths**, or tests a condition
on the data that can be false; a check that compares a function with itself proves
nothing and is not made. The paths:

* the driftsredovisning by unit against the ledger recomputed straight from the input
  frames (:func:`huvudbok_drift`, plain pandas, not :mod:`analysis.ekonomi.drift`);
* the resultaträkning by account class against the driftsredovisning by unit;
* the kommun's block table against the resultaträkning (verksamhetens nettokostnad) and
  the driftsredovisning (the result);
* a nämnd's tables by kontogrupp and verksamhet (:mod:`analysis.ekonomi.prognos`) against its row
  of the driftsredovisning;
* the rounded figures printed in the text against the table (:func:`kontrollera_text`);
* the population components (births, deaths, migration files) against the stocks
  (folkmängd file): the unexplained rest must be small (:func:`kontrollera_befolkning`);
  in forecast years it must be zero, since the forecast's deaths come from the mortality
  assumption and not from the balance;
* weighted means between their parts, shares within 0–100 %, scenario order.

Checks compare unrounded values (tkr) to within half a krona, :data:`TOLERANS_TKR`.
Printed figures are rounded one by one, so a printed total may differ from the sum of
the printed parts by the last digit; the tables say so in a note (:data:`AVRUNDNING`).

The functions :func:`kontrollera_avvikelser` and :func:`kontrollera_totalrad` check
tables made by people (a published report, a file): on the package's own tables, where
the avvikelse is computed as utfall − budget and the total as the sum of the rows, they
cannot fail, so the reports do not use them there.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from typing import Any

import re

import numpy as np
import pandas as pd

from analysis.core.period import Period

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
AVRUNDNING = ("Beloppen är avrundade var för sig; summor är beräknade på de oavrundade "
              "beloppen, så den sista siffran kan skilja mot summan av de avrundade raderna.")

DRIFT_COLUMNS = ["utfall_period", "budget_period", "prognos_helar", "budget_helar"]
COLUMN_TEXT = {
    "utfall_period": "utfall perioden", "budget_period": "budget perioden",
    "avvikelse_period": "avvikelse perioden", "prognos_helar": "prognos helår",
    "budget_helar": "budget helår", "avvikelse_helar": "avvikelse helår",
    "prognos_foregaende": "föregående prognos", "prognos_forandring": "förändring mot prognos",
}


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

    def lika(self, grupp: str, kontroll: str, varde: float, forvantat: float,
             tolerans: float = TOLERANS_TKR) -> bool:
        """``varde`` equals ``forvantat``; two missing values are equal, one is not."""
        v, f = _f(varde), _f(forvantat)
        if math.isnan(v) and math.isnan(f):
            ok = True
        else:
            ok = bool(abs(v - f) <= tolerans) if not (math.isnan(v) or math.isnan(f)) else False
        self.rader.append(Kontroll(grupp, kontroll, v, f, tolerans, ok))
        return ok

    def summa(self, grupp: str, kontroll: str, delar: Iterable[float], total: float,
              tolerans: float = TOLERANS_TKR) -> bool:
        """The parts (missing ones count as 0) sum to ``total``."""
        s = float(np.nansum(np.asarray(list(delar), dtype=float)))
        return self.lika(grupp, kontroll, total, s, tolerans)

    def villkor(self, grupp: str, kontroll: str, ok: bool, varde: float = math.nan) -> bool:
        """A condition (a sign, a range); ``varde`` is shown beside it."""
        self.rader.append(Kontroll(grupp, kontroll, _f(varde), math.nan, 0.0, bool(ok)))
        return bool(ok)

    def tabell(self) -> pd.DataFrame:
        """Every check: group, text, value, expected, difference, result."""
        return pd.DataFrame({
            "Grupp": [k.grupp for k in self.rader],
            "Kontroll": [k.kontroll for k in self.rader],
            "Värde": [k.varde for k in self.rader],
            "Förväntat": [k.forvantat for k in self.rader],
            "Differens": [k.differens for k in self.rader],
            "Resultat": ["Stämmer" if k.ok else "Avviker" for k in self.rader],
        })

    def sammanfattning(self) -> pd.DataFrame:
        """Per group: number of checks, how many differ, and the largest difference."""
        rows = []
        for grupp in dict.fromkeys(k.grupp for k in self.rader):
            ks = [k for k in self.rader if k.grupp == grupp]
            diffs = [abs(k.differens) for k in ks if math.isfinite(k.differens)]
            n_fel = sum(not k.ok for k in ks)
            rows.append({"Kontroll": grupp, "Antal": len(ks), "Avviker": n_fel,
                         "Största differens": max(diffs) if diffs else math.nan,
                         "Resultat": "Stämmer" if n_fel == 0 else "Avviker"})
        return pd.DataFrame(rows, columns=["Kontroll", "Antal", "Avviker", "Största differens",
                                           "Resultat"])

    def payload(self) -> dict[str, Any]:
        """The data part :func:`visa` emits (JSON-able)."""
        return {"antal": len(self.rader), "avvikande": len(self.fel),
                "fel": [_jsonable(asdict(k) | {"differens": k.differens}) for k in self.fel]}


def _f(value: Any) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return math.nan


def _jsonable(d: dict) -> dict:
    return {k: (None if isinstance(v, float) and not math.isfinite(v) else v)
            for k, v in d.items()}


# --- checks of the economic tables ----------------------------------------------------
def _prognos_or_budget(frame: pd.DataFrame) -> pd.Series:
    return frame["prognos_helar"].where(frame["prognos_helar"].notna(), frame["budget_helar"])


def kontrollera_avvikelser(k: Kontroller, tabell: str, frame: pd.DataFrame,
                           label: str = "namnd") -> None:
    """Every row: avvikelse = utfall − budget (period), prognos − budget (year), and the
    change against the previous forecast = prognos − föregående prognos."""
    grupp = f"{tabell}: avvikelse = utfall − budget"
    for _, r in frame.iterrows():
        k.lika(grupp, f"{r[label]}, perioden", r["avvikelse_period"],
               r["utfall_period"] - r["budget_period"])
        if pd.notna(r["prognos_helar"]):
            k.lika(grupp, f"{r[label]}, helår", r["avvikelse_helar"],
                   r["prognos_helar"] - r["budget_helar"])
        if "prognos_forandring" in frame and pd.notna(r.get("prognos_foregaende")):
            k.lika(grupp, f"{r[label]}, förändring mot föregående prognos",
                   r["prognos_forandring"], r["prognos_helar"] - r["prognos_foregaende"])


def kontrollera_totalrad(k: Kontroller, tabell: str, frame: pd.DataFrame,
                         total: str = "Totalt", label: str = "namnd") -> None:
    """The total row is the sum of the rows above it, column by column (a unit without a
    forecast counts at its budget in the forecast column)."""
    rows = frame[frame[label] != total]
    tot = frame[frame[label] == total]
    grupp = f"{tabell}: delarna summerar till totalen"
    if tot.empty:
        k.villkor(grupp, "tabellen har en totalrad", False)
        return
    tot = tot.iloc[0]
    for col in DRIFT_COLUMNS:
        if col == "prognos_helar" and pd.isna(tot[col]) and rows[col].isna().all():
            continue                      # no forecast anywhere: nothing to sum
        parts = _prognos_or_budget(rows) if col == "prognos_helar" else rows[col]
        k.summa(grupp, COLUMN_TEXT[col], parts, tot[col])


def huvudbok_drift(data, period: Period | str) -> pd.DataFrame:
    """The driftsredovisning's base columns per unit, recomputed straight from the input
    frames with plain pandas — the second, independent path that the reports' tables
    are checked against. It shares no code with :mod:`analysis.ekonomi.drift`.

    Returns a frame indexed by unit id (register order: nämnder, finans units) plus
    ``Totalt`` with ``utfall_period``, ``budget_period``, ``prognos_helar`` (NaN without
    a forecast; ``Totalt`` counts such a unit at its budget) and ``budget_helar``, tkr in
    the report sign (the frames' ``belopp_kr`` already is).
    """
    period = Period.parse(period)
    reg = data.register
    units = list(reg.namnder) + list(reg.finans)
    months = set(period.month_codes)

    u = data.frames["utfall"]
    u = u[u["period"].isin(months)]
    utfall = u.groupby(u["namnd"].astype(str))["belopp_kr"].sum()

    b = data.frames["budget"]
    typ = b["typ"].astype(str) if "typ" in b else pd.Series("drift", index=b.index)
    b = b[(b["ar"] == period.year) & (typ == "drift")]
    annual = b.groupby(b["namnd"].astype(str))["belopp_kr"].sum()

    share = pd.Series(period.month / 12.0, index=units)
    w = data.frames.get("periodisering")
    if w is not None and len(w):
        wtyp = w["typ"].astype(str) if "typ" in w else pd.Series("drift", index=w.index)
        w = w[(w["ar"] == period.year) & (wtyp == "drift")]
        given = w.groupby(w["namnd"].astype(str))
        for unit, rows in given:
            if unit in share.index:
                share[unit] = float(rows.loc[rows["manad"] <= period.month, "andel"].sum())

    pr = data.frames["prognos"]
    ptyp = pr["typ"].astype(str) if "typ" in pr else pd.Series("drift", index=pr.index)
    pr = pr[(pr["ar"] == period.year) & (ptyp == "drift") & (pr["prognosmanad"] <= period.month)]
    prognos = {}
    for unit, rows in pr.groupby(pr["namnd"].astype(str)):
        last = rows["prognosmanad"].max()
        prognos[unit] = float(rows.loc[rows["prognosmanad"] == last, "belopp_kr"].sum())

    out = pd.DataFrame(index=pd.Index(units, name="namnd"))
    out["utfall_period"] = [utfall.get(x, 0.0) / 1000 for x in units]
    out["budget_helar"] = [annual.get(x, 0.0) / 1000 for x in units]
    out["budget_period"] = out["budget_helar"] * share.reindex(units).to_numpy()
    out["prognos_helar"] = [prognos[x] / 1000 if x in prognos else math.nan for x in units]
    total = out.sum()
    total["prognos_helar"] = out["prognos_helar"].fillna(out["budget_helar"]).sum()
    out.loc["Totalt"] = total
    return out[DRIFT_COLUMNS]


def kontrollera_huvudbok(k: Kontroller, tabell: str, frame: pd.DataFrame, data,
                         period: Period | str, units: Iterable[str] | None = None,
                         label: str = "namnd", ids: Mapping[str, str] | None = None) -> None:
    """Each unit's row (and ``Totalt``) of a driftsredovisning-shaped table equals the
    ledger recomputed straight from the input (:func:`huvudbok_drift`).

    ``ids`` maps a row label to the unit id when the table shows names."""
    ledger = huvudbok_drift(data, period)
    grupp = f"{tabell} = huvudboken"
    wanted = None if units is None else set(units) | {"Totalt"}
    seen = 0
    for _, r in frame.iterrows():
        unit = (ids or {}).get(r[label], r[label])
        if unit not in ledger.index or (wanted is not None and unit not in wanted):
            continue
        seen += 1
        for col in DRIFT_COLUMNS:
            if col not in frame:
                continue
            k.lika(grupp, f"{r[label]}, {COLUMN_TEXT[col]}", r[col], ledger.loc[unit, col])
    k.villkor(grupp, "tabellen har rader för enheterna i huvudboken", seen > 0, seen)


def kontrollera_drift(k: Kontroller, drift: pd.DataFrame, tabell: str = "Driftsredovisning"
                      ) -> None:
    """A table made by people: its total row and its avvikelser (see the module doc)."""
    kontrollera_totalrad(k, tabell, drift)
    kontrollera_avvikelser(k, tabell, drift)


def kontrollera_rr(k: Kontroller, rr: pd.DataFrame, drift: pd.DataFrame) -> None:
    """The resultaträkning: signs of the lines, the internal eliminations (from the data),
    and the result by account class against the driftsredovisning by unit."""
    r = rr.set_index("id")
    grupp = "Resultaträkning: tecken"
    for line, sign in (("intakter", 1), ("skatt", 1), ("kostnader", -1), ("avskrivningar", -1)):
        for col in ("utfall_period", "budget_helar"):
            v = float(r.loc[line, col])
            k.villkor(grupp, f"{r.loc[line, 'rad']} ({COLUMN_TEXT[col]}) "
                      f"{'≥' if sign > 0 else '≤'} 0", v * sign >= -TOLERANS_TKR, v)
    d = drift.set_index("namnd").loc["Totalt"]
    grupp = "Resultaträkning = driftsredovisning"
    # by account class (internal items eliminated, their rest as its own line, forecast
    # deviations placed on lines) against by unit: a different aggregation in every column
    for col in ("utfall_period", "budget_period", "prognos_helar", "budget_helar"):
        k.lika(grupp, f"Årets resultat, {COLUMN_TEXT[col]}", r.loc["arets_resultat", col], d[col])
    checks = rr.attrs.get("kontroller")
    if checks is not None:
        for row in checks.itertuples(index=False):
            k.villkor("Resultaträkning: interna poster", row.kontroll, bool(row.ok),
                      row.differens_tkr)


def kontrollera_block(k: Kontroller, block: pd.DataFrame, drift: pd.DataFrame,
                      rr: pd.DataFrame | None = None) -> None:
    """The kommun's driftsredovisning in blocks (:func:`analysis.ekonomi.kommun.drift_block`):
    every unit of the driftsredovisning in exactly one block (then the block table's
    result is the driftsredovisning's total by construction, and is not compared), and
    verksamhetens nettokostnad, summed over the blocks' units, equal to the
    resultaträkning's, summed by account class."""
    grupp = "Driftsredovisning i block = driftsredovisning"
    rows = block[block["typ"] == "rad"]
    units = [u for u in drift["namnd"] if u != "Totalt"]
    counts = rows["id"].value_counts()
    missing = [u for u in units if counts.get(u, 0) != 1]
    k.villkor(grupp, "varje enhet i driftsredovisningen står i precis ett block"
              + (f" (avviker: {', '.join(missing[:5])})" if missing else ""), not missing,
              len(missing))
    if rr is not None and "vnk" in set(block["id"]):
        r = rr.set_index("id")
        vnk = block[block["id"] == "vnk"].iloc[0]
        for col in DRIFT_COLUMNS:
            k.lika("Samma tal i två tabeller",
                   f"verksamhetens nettokostnad i resultaträkning och driftsredovisning "
                   f"({COLUMN_TEXT[col]})", vnk[col], r.loc["vnk", col])


def kontrollera_nyckeltal(k: Kontroller, nyckeltal: pd.DataFrame, rr: pd.DataFrame,
                          block: pd.DataFrame, inv: pd.DataFrame) -> None:
    """The key figures (:func:`analysis.ekonomi.kommun.nyckeltal`, mkr) are the same numbers as
    in the resultaträkning, the driftsredovisning and the investeringsredovisning."""
    r, b = rr.set_index("id"), block.set_index("id")
    i = inv.set_index("namnd").loc["Totalt"]
    period_cols = ("utfall_period", "budget_period", "avvikelse_period")
    source = {
        "Resultat för perioden": ("resultaträkningen", r.loc["arets_resultat"], period_cols),
        "Årets resultat": ("resultaträkningen", r.loc["arets_resultat"], period_cols),
        "Nämndernas nettokostnad": ("driftsredovisningen", b.loc["summa_namnder"], period_cols),
        "Nettoinvesteringar": ("investeringsredovisningen", i, period_cols),
        "Årets resultat, prognos": ("resultaträkningen", r.loc["arets_resultat"],
                                    ("prognos_helar", "budget_helar", "avvikelse_helar")),
        "Nämndernas nettokostnad, prognos": ("driftsredovisningen", b.loc["summa_namnder"],
                                             ("prognos_helar", "budget_helar",
                                              "avvikelse_helar")),
        "Nettoinvesteringar, prognos": ("investeringsredovisningen", i,
                                        ("prognos_helar", "budget_helar", "avvikelse_helar")),
    }
    if "exkl_semesterloneskuld" in r.index:
        source["Resultat exklusive semesterlöneskuldens förändring"] = (
            "resultaträkningen", r.loc["exkl_semesterloneskuld"], ("utfall_period",))
    grupp = "Samma tal i två tabeller"
    rows = nyckeltal.set_index(nyckeltal.columns[0])
    if not set(rows.index) <= set(source):
        k.villkor(grupp, "varje nyckeltal har en källtabell", False)
    for label, (table, src, cols) in source.items():
        if label not in rows.index:
            continue
        for shown, col in zip(("Utfall/prognos", "Budget", "Avvikelse"), cols):
            k.lika(grupp, f"{label} ({shown.lower()}) i nyckeltalen och {table}",
                   rows.loc[label, shown] * 1000, src[col])


# --- the figures printed in the text ---------------------------------------------------
_TAL = r"([+\-−]?\d{1,3}(?:[\u00a0 ]\d{3})*(?:,\d+)?)"


def _las_tal(text: str) -> tuple[float, int]:
    """A Swedish number as printed ('−1 234,5') and its number of decimals."""
    t = text.replace("\u00a0", "").replace(" ", "").replace("−", "-")
    decimals = len(t.split(",")[1]) if "," in t else 0
    return float(t.replace(",", ".")), decimals


def kontrollera_text(k: Kontroller, grupp: str, text: str,
                     forvantat: Iterable[tuple[str, str, float, bool]]) -> None:
    """The figures a text prints are the table's figures, rounded as printed.

    ``forvantat``: (description, pattern, value in the text's unit, absolute) where the
    pattern is a regular expression whose ``{tal}`` marks the printed number; with
    ``absolute`` the text prints the magnitude (the sign is in a word such as *sämre*).
    The printed number must lie within half a unit of its last printed digit of the
    value. A pattern the text does not contain is reported as a failed check too: the
    text no longer says what it is checked for."""
    for what, pattern, value, absolute in forvantat:
        m = re.search(pattern.replace("{tal}", _TAL), text)
        if m is None:
            k.villkor(grupp, f"{what}: texten nämner talet", False)
            continue
        shown, decimals = _las_tal(m.group(1))
        v = abs(float(value)) if absolute else float(value)
        k.lika(grupp, f"{what} i texten = tabellen", shown, v, 0.5 * 10 ** -decimals + 1e-9)


def kommun_textkontroller(rr: pd.DataFrame, block: pd.DataFrame,
                          period: Period | str) -> list[tuple[str, str, float, bool]]:
    """What the kommun report's texts on the resultaträkning (:func:`analysis.ekonomi.kommun.rr_text`)
    and the driftsredovisning (:func:`analysis.ekonomi.kommun.drift_text`) must print, in mkr,
    taken from the tables."""
    period = Period.parse(period)
    r, b = rr.set_index("id"), block.set_index("id")
    res = r.loc["arets_resultat"]
    out = [
        ("Resultat för perioden",
         r"redovisar ett \w+ (?:periodresultat [^,]*?|resultat för \d{4}) på {tal} miljoner",
         res["utfall_period"] / 1000, False),
        ("Resultatets avvikelse mot budget",
         r"på [^,]*?miljoner kronor, vilket är {tal} miljoner kronor "
         r"(?:bättre än|sämre än|i nivå med)",
         res["avvikelse_period"] / 1000, True),
    ]
    if "exkl_semesterloneskuld" in r.index:
        out.append(("Resultat exklusive semesterlöneskulden",
                    r"exkluderas är resultatet {tal} miljoner",
                    r.loc["exkl_semesterloneskuld", "utfall_period"] / 1000, False))
    if period.month < 12 and rr.attrs.get("har_prognos", True):
        out.append(("Årets resultat, prognos",
                    r"Prognosen för helåret visar på ett \w+ med {tal} miljoner",
                    res["prognos_helar"] / 1000, True))
    if "summa_namnder" in b.index:
        out.append(("Nämndernas avvikelse för perioden",
                    r"Nämndernas utfall för (?:perioden|året) är {tal} miljoner",
                    b.loc["summa_namnder", "avvikelse_period"] / 1000, False))
        if period.month < 12 and block.attrs.get("har_prognos", True):
            out.append(("Nämndernas avvikelse mot budget, prognos",
                        r"visar på ett \w+ med {tal} miljoner kronor för nämnderna",
                        b.loc["summa_namnder", "avvikelse_helar"] / 1000, False))
    if "summa_finans" in b.index:
        out.append(("Finansförvaltningens avvikelse",
                    r"Finansförvaltningen avviker med {tal} miljoner",
                    b.loc["summa_finans", "avvikelse_period"] / 1000, False))
    return out


def mal_textkontroller(oversikt: pd.DataFrame) -> list[tuple[str, str, float, bool]]:
    """What the goal texts (:func:`analysis.mal.status.status_text`, :func:`analysis.mal.status.status_kort`)
    must print, from the overview table's ``Totalt`` row (counted per nämnd)."""
    tot = oversikt[oversikt["Nämnd"] == "Totalt"].iloc[0]
    out = [("Antal mätetal", r"Av {tal} mätetal", float(tot["Mätetal"]), False)]
    for column, word in (("Grön", "grön"), ("Gul", "gul"), ("Röd", "röd")):
        if column in tot and float(tot[column]) > 0:
            out.append((f"Antal {word}a", rf"{{tal}} {word}a?\b", float(tot[column]), False))
    return out


# --- people, population, goals --------------------------------------------------------
def kontrollera_andelar(k: Kontroller, grupp: str, values: Mapping[str, float]) -> None:
    """Percentages lie within 0–100 (missing = suppressed, not checked)."""
    for name, v in values.items():
        if v is None or (isinstance(v, float) and math.isnan(v)):
            continue
        k.villkor(grupp, f"{name} mellan 0 och 100 %", 0 <= float(v) <= 100 + 1e-9, v)


def kontrollera_vagt_medel(k: Kontroller, grupp: str, helhet: float,
                           delar: Iterable[float], text: str) -> None:
    """A weighted mean (the kommun) lies between its parts' smallest and largest value."""
    d = [float(x) for x in delar if x is not None and math.isfinite(float(x))]
    if not d or not math.isfinite(_f(helhet)):
        return
    k.villkor(grupp, f"{text} ligger mellan förvaltningarnas lägsta och högsta värde",
              min(d) - 1e-9 <= helhet <= max(d) + 1e-9, helhet)


def _justering_ok(justering: float, folkmangd: float) -> tuple[bool, float]:
    limit = max(JUSTERING_MIN, JUSTERING_ANDEL * abs(folkmangd))
    return abs(justering) <= limit, limit


def kontrollera_befolkning(k: Kontroller, komp: pd.DataFrame) -> None:
    """The period's components from the event files (births, deaths, migration) against
    the change of the stocks (the folkmängd file): the rest (justering) must be small —
    within :data:`JUSTERING_ANDEL` of the folkmängd, at least :data:`JUSTERING_MIN`
    persons (SCB's own corrections are a few persons a year)."""
    c = komp.set_index("komponent")["antal"]
    grupp = "Befolkning: komponenterna mot folkmängden"
    if not math.isfinite(_f(c.get("justering"))):
        k.villkor(grupp, "folkmängd vid periodens början och slut finns", False)
        return
    ok, limit = _justering_ok(float(c["justering"]), float(c["folkmangd"]))
    k.villkor(grupp, f"förändringen av folkmängden förklaras av födda, döda och flyttningar "
              f"(rest högst {limit:.0f} personer)", ok, float(c["justering"]))


def kontrollera_mal(k: Kontroller, mt: pd.DataFrame, oversikt: pd.DataFrame) -> None:
    """The overview (by nämnd) counts every mätetal of the list exactly once, and its
    status columns account for every mätetal."""
    from analysis.mal.status import STATUS_TEXT

    grupp = "Måluppföljning"
    tot = oversikt[oversikt["Nämnd"] == "Totalt"].iloc[0]
    k.lika(grupp, "översiktens mätetal = antal mätetal", float(tot["Mätetal"]), float(len(mt)), 0)
    statuses = [c for c in STATUS_TEXT.values() if c in oversikt.columns]
    k.summa(grupp, "statusar summerar till antal mätetal",
            [tot[c] for c in dict.fromkeys(statuses)], float(tot["Mätetal"]), 0)


def kontrollera_scenarier(k: Kontroller, scenarier: pd.DataFrame) -> None:
    """Every year: the low scenario ≤ the base ≤ the high one (they differ only in the
    number of in-migrants, so a projection that does not respond to it fails)."""
    bred = scenarier.pivot(index="ar", columns="scenario", values="folkmangd")
    for ar, r in bred.iterrows():
        if {"lag", "bas", "hog"} <= set(r.index) and r[["lag", "bas", "hog"]].notna().all():
            k.villkor("Scenarier", f"låg ≤ huvudalternativ ≤ hög {ar}",
                      r["lag"] <= r["bas"] + 1e-9 and r["bas"] <= r["hog"] + 1e-9)
    first = bred.index.min() if len(bred) else None
    last = bred.index.max() if len(bred) else None
    if first is not None and last != first and {"lag", "hog"} <= set(bred.columns):
        k.villkor("Scenarier", f"låg < hög {last}", bred.loc[last, "lag"] < bred.loc[last, "hog"])


def kontrollera_befolkning_ar(k: Kontroller, sheet: pd.DataFrame) -> None:
    """Year by year: the components against the stocks. In years of outcomes the rest
    (justering) must be small (:func:`kontrollera_befolkning`); in forecast years it must
    be zero within :data:`JUSTERING_PROGNOS` persons — the forecast's deaths come from the
    mortality assumption, so an engine that loses people fails here."""
    s = sheet.sort_values("ar").reset_index(drop=True)
    grupp = "Befolkning per år: komponenterna mot folkmängden"
    for i in range(1, len(s)):
        r, prev = s.iloc[i], s.iloc[i - 1]
        if int(r["ar"]) != int(prev["ar"]) + 1:
            continue
        rest = float(r["folkmangd"] - prev["folkmangd"] - (r["fodda"] - r["doda"]
                                                             + r["inflyttade"] - r["utflyttade"]))
        if r["typ"] == "prognos":
            k.villkor(grupp, f"prognos {int(r['ar'])}: folkmängden = föregående år + födda − "
                      "döda + flyttnetto", abs(rest) <= JUSTERING_PROGNOS, rest)
        else:
            ok, limit = _justering_ok(rest, float(r["folkmangd"]))
            k.villkor(grupp, f"{int(r['ar'])}: förändringen förklaras av komponenterna (rest "
                      f"högst {limit:.0f} personer)", ok, rest)


def kontrollera_namnd(k: Kontroller, data, namnd: str, period,
                      tabeller: Mapping[str, pd.DataFrame] | None = None,
                      investeringar: pd.DataFrame | None = None,
                      samma_periodisering: bool = True) -> None:
    """A nämnd's report: its row of the driftsredovisning against the ledger recomputed
    straight from the input (:func:`huvudbok_drift`), and every detail table (built by
    :mod:`analysis.ekonomi.prognos` from the ledger's rows by kontogrupp or verksamhet) against
    that row: the rows' utfall sum to it, the total's budget is its budget, and where
    the rows carry forecasts (from the ``prognos`` rows of that dimension) they sum to the
    nämnd's forecast.

    ``tabeller``: title → a table whose first column labels the rows and ends with
    ``Totalt`` (tkr). ``samma_periodisering=False`` when the tables use another
    periodisation key than the driftsredovisning (the period budget then differs by
    design and is not compared). The key figures are the driftsredovisning's row in mkr
    and are not compared again. ``investeringar``: the project table, compared with the nämnd's row of the
    investeringsredovisning.
    """
    from analysis.ekonomi.drift import compute_driftsredovisning, compute_investeringsredovisning

    drift = compute_driftsredovisning(data, period)
    row = drift[drift["namnd"] == namnd]
    kontrollera_huvudbok(k, "Driftsredovisning", row, data, period, units=[namnd])
    d = row.iloc[0]
    grupp = "Samma tal i två tabeller"
    compared = ["budget_helar"] + (["budget_period"] if samma_periodisering else [])
    for title, table in (tabeller or {}).items():
        label = table.columns[0]
        tot = table[table[label] == "Totalt"]
        parts = table[table[label] != "Totalt"]
        k.summa(grupp, f"{title}: raderna summerar till driftsredovisningens utfall",
                parts["utfall_period"], d["utfall_period"])
        if len(tot):
            for col in compared:
                k.lika(grupp, f"{title}: totalt {COLUMN_TEXT[col]} = driftsredovisningen",
                       tot.iloc[0][col], d[col])
        if "prognos_helar" in parts and parts["prognos_helar"].notna().any():
            k.summa(grupp, f"{title}: radernas prognoser summerar till nämndens prognos",
                    parts["prognos_helar"], d["prognos_helar"])
    if investeringar is not None and len(investeringar) > 1:     # projects and a total
        label = investeringar.columns[0]
        inv = compute_investeringsredovisning(data, period)
        irow = inv[inv["namnd"] == namnd]
        parts = investeringar[investeringar[label] != "Totalt"]
        if len(irow):
            k.summa(grupp, "investeringar per projekt: projekten summerar till "
                    "investeringsredovisningens utfall", parts["utfall_period"],
                    irow.iloc[0]["utfall_period"])
            k.summa(grupp, "investeringar per projekt: projektens budget summerar till "
                    "investeringsredovisningens budget", parts["budget_helar"],
                    irow.iloc[0]["budget_helar"])


# --- showing and collecting ------------------------------------------------------------
def rad(k: Kontroller, bilaga: bool = False) -> str:
    """The checks in one line: 'Alla 212 kontroller av siffrorna stämmer.' or what
    deviates; with ``bilaga`` it points to the appendix that has the table, else to the
    full report."""
    n, fel = len(k), k.fel
    if not fel:
        return (f"Alla {n} kontroller av siffrorna stämmer"
                + (" (se bilagan Kontroller)." if bilaga else "."))
    vad = "; ".join(f"{f.grupp}: {f.kontroll}" for f in fel[:5])
    more = f" och {len(fel) - 5} till" if len(fel) > 5 else ""
    return (f"Varning: {len(fel)} av {n} kontroller avviker ({vad}{more}). Siffrorna som "
            "berörs ska utredas innan rapporten används.")


def visa(k: Kontroller, detaljer: bool = False, kompakt: bool = False,
         bilaga: bool = False) -> None:
    """Show the checks: a warning listing every failed check (or one sentence when all
    hold), a summary per group, and the data part for the batch. With ``kompakt`` only
    one line (:func:`rad`) — for reports to fullmäktige and citizens, whose table is in an
    appendix (:func:`visa_bilaga`, then ``bilaga=True``); the data part is emitted either
    way, exactly once."""
    from IPython.display import Markdown, display

    from analysis.rapport.tables import table_bundle

    n, fel = len(k), k.fel
    if kompakt:
        text = rad(k, bilaga)
        display({"text/markdown": f"**{text}**" if fel else f"*{text}*",
                 KONTROLL_MIMETYPE: k.payload()}, raw=True)
        return
    if fel:
        rader = "\n".join(f"- {f.grupp}: {f.kontroll} (värde {_tal(f.varde)}, förväntat "
                          f"{_tal(f.forvantat)})" for f in fel[:20])
        more = f"\n- … och {len(fel) - 20} till" if len(fel) > 20 else ""
        display(Markdown(f"**Varning: {len(fel)} av {n} kontroller avviker.** Siffrorna som "
                         f"berörs ska utredas innan rapporten används.\n\n{rader}{more}"))
    else:
        display(Markdown(f"Alla {n} kontroller stämmer: varje tal är jämfört med samma tal "
                         "framräknat på ett annat sätt (huvudboken, resultaträkningen, "
                         "tabellerna, texten, folkmängden)."))
    bundle = table_bundle(k.tabell() if detaljer else k.sammanfattning(),
                          "Kontroller", name="kontroller",
                          decimals={"Största differens": 4} if not detaljer else 4,
                          status=["Resultat"])
    bundle[KONTROLL_MIMETYPE] = k.payload()
    display(bundle, raw=True)


def visa_bilaga(k: Kontroller) -> None:
    """The checks' summary table for an appendix (no data part: :func:`visa` with
    ``kompakt`` has emitted it)."""
    from IPython.display import display

    from analysis.rapport.tables import table_bundle

    display(table_bundle(k.sammanfattning(), "Kontroller", name="kontroller",
                         decimals={"Största differens": 4}, status=["Resultat"]), raw=True)


def _tal(v: float) -> str:
    if not math.isfinite(v):
        return "–"
    return f"{v:,.3f}".replace(",", "\u00a0").replace(".", ",")


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
