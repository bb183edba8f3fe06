"""Consistency checks that run on every report.

A report collects its checks in a :class:`Kontroller` while it computes its tables —
parts sum to totals, every avvikelse is utfall minus budget, signs are as expected, the
same figure printed in two tables is the same number — and shows them at the end with
:func:`visa`. A failed check is never passed over: the report shows a warning with the
failing checks, and :func:`visa` also emits them as data
(:data:`KONTROLL_MIMETYPE`), which the batch collects into ``manifest.json`` and the
index page (:func:`fran_notebook`).

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


def kontrollera_drift(k: Kontroller, drift: pd.DataFrame, tabell: str = "Driftsredovisning"
                      ) -> None:
    kontrollera_totalrad(k, tabell, drift)
    kontrollera_avvikelser(k, tabell, drift)


def kontrollera_rr(k: Kontroller, rr: pd.DataFrame, drift: pd.DataFrame) -> None:
    """The resultaträkning: subtotals, signs, the internal eliminations, and the result
    against the driftsredovisning (the same figure in two tables)."""
    from .resultat import COLUMNS, SUBTOTALS

    r = rr.set_index("id")
    grupp = "Resultaträkning: delsummor"
    for total, parts in SUBTOTALS.items():
        for col in ["utfall_period", "budget_period", "prognos_helar", "budget_helar"]:
            k.summa(grupp, f"{r.loc[total, 'rad']} ({COLUMN_TEXT[col]})",
                    r.loc[parts, col], r.loc[total, col])
    kontrollera_avvikelser(k, "Resultaträkning", rr.drop(
        index=rr.index[rr["id"] == "exkl_semesterloneskuld"]), label="rad")
    grupp = "Resultaträkning: tecken"
    for line, sign in (("intakter", 1), ("skatt", 1), ("kostnader", -1), ("avskrivningar", -1)):
        for col in ("utfall_period", "budget_helar"):
            v = float(r.loc[line, col])
            k.villkor(grupp, f"{r.loc[line, 'rad']} ({COLUMN_TEXT[col]}) "
                      f"{'≥' if sign > 0 else '≤'} 0", v * sign >= -TOLERANS_TKR, v)
    d = drift.set_index("namnd").loc["Totalt"]
    grupp = "Resultaträkning = driftsredovisning"
    for col in COLUMNS:
        k.lika(grupp, f"Årets resultat, {COLUMN_TEXT[col]}", r.loc["arets_resultat", col], d[col])
    checks = rr.attrs.get("kontroller")
    if checks is not None:
        for row in checks.itertuples(index=False):
            k.villkor("Resultaträkning: interna poster", row.kontroll, bool(row.ok),
                      row.differens_tkr)


def kontrollera_block(k: Kontroller, block: pd.DataFrame, drift: pd.DataFrame,
                      rr: pd.DataFrame | None = None) -> None:
    """The kommun's driftsredovisning in blocks (:func:`analysis.kommun.drift_block`):
    each block's sum, the result equal to the driftsredovisning's total, and
    verksamhetens nettokostnad and the result equal to the resultaträkning's."""
    grupp = "Driftsredovisning i block: summor"
    rows = block[block["typ"] == "rad"]
    for key, text in (("summa_namnder", "nämnder"), ("summa_finans", "finansförvaltning"),
                      ("summa_skatt", "skatter och utjämning"),
                      ("summa_finansiellt", "finansiella poster")):
        tot = block[block["id"] == key]
        if tot.empty:
            continue
        parts = rows[rows["block"] == key]
        for col in DRIFT_COLUMNS:
            part = _prognos_or_budget(parts) if col == "prognos_helar" else parts[col]
            k.summa(grupp, f"Summa {text} ({COLUMN_TEXT[col]})", part, tot.iloc[0][col])
    kontrollera_avvikelser(k, "Driftsredovisning i block", block[block["typ"] != "rubrik"],
                           label="rad")
    sums = block.set_index("id")
    if "vnk" in sums.index:
        parts = [key for key in ("summa_namnder", "summa_finans") if key in sums.index]
        depreciation = rows[rows["block"] == "avskrivningar"]
        for col in DRIFT_COLUMNS:
            k.summa(grupp, f"Verksamhetens nettokostnad ({COLUMN_TEXT[col]})",
                    [*sums.loc[parts, col], *(_prognos_or_budget(depreciation)
                                              if col == "prognos_helar" else depreciation[col])],
                    sums.loc["vnk", col])
    total = block[block["id"] == "resultat"].iloc[0]
    d = drift.set_index("namnd").loc["Totalt"]
    for col in DRIFT_COLUMNS + ["avvikelse_period", "avvikelse_helar"]:
        k.lika("Driftsredovisning i block = driftsredovisning", f"resultat ({COLUMN_TEXT[col]})",
               total[col], d[col])
    if rr is not None:
        r = rr.set_index("id")
        vnk = block[block["id"] == "vnk"].iloc[0]
        for col in DRIFT_COLUMNS:
            k.lika("Samma tal i två tabeller",
                   f"verksamhetens nettokostnad i resultaträkning och driftsredovisning "
                   f"({COLUMN_TEXT[col]})", vnk[col], r.loc["vnk", col])


def kontrollera_nyckeltal(k: Kontroller, nyckeltal: pd.DataFrame, rr: pd.DataFrame,
                          block: pd.DataFrame, inv: pd.DataFrame) -> None:
    """The key figures (:func:`analysis.kommun.nyckeltal`, mkr) are the same numbers as
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


def kontrollera_befolkning(k: Kontroller, komp: pd.DataFrame) -> None:
    """The demographic balancing equation of the period's components."""
    c = komp.set_index("komponent")["antal"]
    grupp = "Befolkning: balansräkning"
    k.lika(grupp, "födelsenetto = födda − döda", c["fodelsenetto"], c["fodda"] - c["doda"], 1e-9)
    k.lika(grupp, "flyttnetto = inflyttade − utflyttade", c["flyttnetto"],
           c["inflyttade"] - c["utflyttade"], 1e-9)
    parts = [c.get(x) for x in ("flyttnetto_inom_lanet", "flyttnetto_annat_lan",
                                "flyttnetto_utlandet")]
    if all(p is not None and math.isfinite(float(p)) for p in parts):
        k.summa(grupp, "flyttnettots delar = flyttnetto", parts, c["flyttnetto"], 1e-9)
    k.summa(grupp, "förändring = födelsenetto + flyttnetto + justering",
            [c["fodelsenetto"], c["flyttnetto"], c["justering"]], c["forandring"], 1e-9)


def kontrollera_mal(k: Kontroller, mt: pd.DataFrame, oversikt: pd.DataFrame) -> None:
    """The overview counts every mätetal once; computed statuses follow the rule."""
    from .mal import STATUS_TEXT, bedom_status

    grupp = "Måluppföljning"
    tot = oversikt[oversikt["Nämnd"] == "Totalt"].iloc[0]
    k.lika(grupp, "översiktens mätetal = antal mätetal", float(tot["Mätetal"]), float(len(mt)), 0)
    k.summa(grupp, "statusar summerar till antal mätetal",
            [tot[STATUS_TEXT[s]] for s in ("gron", "gul", "rod", "")], float(tot["Mätetal"]), 0)
    for r in mt[mt["status_kalla"] == "beräknad"].itertuples(index=False):
        k.villkor(grupp, f"beräknad status enligt regeln: {r.matetal[:60]}",
                  r.status == bedom_status(r.utfall, r.malvarde, r.riktning))


def kontrollera_befolkning_ar(k: Kontroller, sheet: pd.DataFrame) -> None:
    """Year by year (history and forecast): folkmängd = last year's + födda − döda +
    inflyttade − utflyttade + justering, and flyttnetto = inflyttade − utflyttade."""
    s = sheet.sort_values("ar").reset_index(drop=True)
    grupp = "Befolkning per år: balansräkning"
    for i in range(1, len(s)):
        r, prev = s.iloc[i], s.iloc[i - 1]
        if int(r["ar"]) != int(prev["ar"]) + 1:
            continue
        k.lika(grupp, f"folkmängd {int(r['ar'])} = {int(prev['ar'])} + komponenterna",
               r["folkmangd"], prev["folkmangd"] + r["fodda"] - r["doda"] + r["inflyttade"]
               - r["utflyttade"] + r["justering"], 1e-6)
        k.lika(grupp, f"flyttnetto {int(r['ar'])}", r["flyttnetto"],
               r["inflyttade"] - r["utflyttade"], 1e-6)


def kontrollera_namnd(k: Kontroller, data, namnd: str, period,
                      tabeller: Mapping[str, pd.DataFrame] | None = None,
                      investeringar: pd.DataFrame | None = None,
                      samma_periodisering: bool = True) -> None:
    """A nämnd's report: its key figures and every detail table's total are the nämnd's
    row of the driftsredovisning (the same figure in two tables); each detail table's
    rows sum to its total and every avvikelse is utfall minus budget.

    ``tabeller``: title → a table whose first column labels the rows and ends with
    ``Totalt`` (tkr). ``samma_periodisering=False`` when the tables use another
    periodisation key than the driftsredovisning (the period budget then differs by
    design and is not compared). ``investeringar``: the project table, compared with the
    nämnd's row of the investeringsredovisning.
    """
    from .economy import compute_driftsredovisning, compute_investeringsredovisning
    from .report import key_figures

    drift = compute_driftsredovisning(data, period)
    row = drift[drift["namnd"] == namnd]
    kontrollera_avvikelser(k, "Driftsredovisning", row)
    d = row.iloc[0]
    kf = key_figures(data, namnd, period)
    grupp = "Samma tal i två tabeller"
    for i, cols in ((0, ("utfall_period", "budget_period", "avvikelse_period")),
                    (1, ("prognos_helar", "budget_helar", "avvikelse_helar"))):
        for shown, col in zip(("Utfall/prognos", "Budget", "Avvikelse"), cols):
            k.lika(grupp, f"nyckeltal {kf.iloc[i, 0]} ({shown.lower()}) = driftsredovisningen",
                   kf.iloc[i][shown] * 1000, d[col])
    k.lika(grupp, "nyckeltal förändring mot föregående prognos = driftsredovisningen",
           kf.iloc[2]["Avvikelse"] * 1000, d["prognos_forandring"])
    compared = ["utfall_period", "prognos_helar", "budget_helar"]
    if samma_periodisering:
        compared.insert(1, "budget_period")
    for title, table in (tabeller or {}).items():
        label = table.columns[0]
        kontrollera_totalrad(k, title, table, label=label)
        kontrollera_avvikelser(k, title, table, label=label)
        tot = table[table[label] == "Totalt"]
        if len(tot):
            for col in compared:
                k.lika(grupp, f"{title}: totalt {COLUMN_TEXT[col]} = driftsredovisningen",
                       tot.iloc[0][col], d[col])
    if investeringar is not None and len(investeringar) > 1:     # projects and a total
        label = investeringar.columns[0]
        kontrollera_totalrad(k, "Investeringar per projekt", investeringar, label=label)
        kontrollera_avvikelser(k, "Investeringar per projekt", investeringar, label=label)
        inv = compute_investeringsredovisning(data, period)
        irow = inv[inv["namnd"] == namnd]
        tot = investeringar[investeringar[label] == "Totalt"]
        if len(irow) and len(tot):
            for col in ("utfall_period", "budget_period", "budget_helar"):
                k.lika(grupp, f"investeringar per projekt: totalt {COLUMN_TEXT[col]} = "
                       "investeringsredovisningen", tot.iloc[0][col], irow.iloc[0][col])


# --- showing and collecting ------------------------------------------------------------
def visa(k: Kontroller, detaljer: bool = False, kompakt: bool = False) -> None:
    """Show the checks at the end of a report: a warning listing every failed check (or
    one sentence when all hold), a summary per group (not when ``kompakt`` and all
    hold), and the data part for the batch."""
    from IPython.display import Markdown, display

    from .tables import table_bundle

    n, fel = len(k), k.fel
    if kompakt and not fel:
        display({"text/markdown": f"*Alla {n} kontroller av siffrorna stämmer.*",
                 KONTROLL_MIMETYPE: k.payload()}, raw=True)
        return
    if fel:
        rader = "\n".join(f"- {f.grupp}: {f.kontroll} (värde {_tal(f.varde)}, förväntat "
                          f"{_tal(f.forvantat)})" for f in fel[:20])
        more = f"\n- … och {len(fel) - 20} till" if len(fel) > 20 else ""
        display(Markdown(f"**Varning: {len(fel)} av {n} kontroller avviker.** Siffrorna som "
                         f"berörs ska utredas innan rapporten används.\n\n{rader}{more}"))
    else:
        display(Markdown(f"Alla {n} kontroller stämmer: delarna summerar till totalerna, "
                         "avvikelserna är utfall minus budget, tecknen är de väntade och samma "
                         "tal är lika i alla tabeller där det förekommer."))
    bundle = table_bundle(k.tabell() if detaljer else k.sammanfattning(),
                          "Kontroller", name="kontroller",
                          decimals={"Största differens": 4} if not detaljer else 4,
                          status=["Resultat"])
    bundle[KONTROLL_MIMETYPE] = k.payload()
    display(bundle, raw=True)


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
