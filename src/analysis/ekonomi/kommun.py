"""The kommun-wide delårsrapport: tables and generated text for the whole kommun.

Mirrors the published delårsrapport (resultaträkning, driftsredovisning with the
finansförvaltning, investeringsredovisning, befolkning, personal, goal follow-up) and
writes the commentary in the same style: amounts as "miljoner kronor", a minus kept
beside a negative word, the largest contributors named in descending order, comparisons
against the period budget, the annual budget and the previous forecast.

Every function takes the :class:`~analysis.io.dataset.Dataset` and a period and returns a
frame (tkr, report sign: revenue +, cost −, avvikelse + = better than budget) or text.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from analysis.ekonomi.text import _jamfort as _battre
from analysis.ekonomi.text import _namn_i_text as _i_text
from analysis.io.dataset import Dataset
from analysis.ekonomi.drift import compute_driftsredovisning, compute_investeringsredovisning, prognoses_kr
from analysis.core.period import MONTH_NAMES, Period
from analysis.ekonomi.resultat import compute_resultatrakning, unit_blocks

#: Deviations smaller than this (tkr) are not named in the text.
NAMN_TROSKEL_TKR = 500.0
#: The block rows of the kommun's driftsredovisning: (id, label, blocks summed).
BLOCK_SUMS = [
    ("summa_namnder", "Summa nämnder", ["summa_namnder"]),
    ("summa_finans", "Summa finansförvaltning", ["summa_finans"]),
    ("vnk", "Verksamhetens nettokostnad", ["summa_namnder", "summa_finans", "avskrivningar"]),
    ("summa_skatt", "Summa skatter och utjämning", ["summa_skatt"]),
    ("summa_finansiellt", "Summa finansiella poster", ["summa_finansiellt"]),
    ("resultat", "Resultat efter finansiella poster",
     ["summa_namnder", "summa_finans", "avskrivningar", "summa_skatt", "summa_finansiellt"]),
]
NUMERIC = ["utfall_period", "budget_period", "avvikelse_period", "prognos_helar",
           "budget_helar", "avvikelse_helar", "prognos_foregaende", "prognos_forandring"]
LABELS = {
    "utfall_period": "Utfall perioden", "budget_period": "Budget perioden",
    "avvikelse_period": "Avvikelse perioden", "prognos_helar": "Prognos helår",
    "budget_helar": "Budget helår", "avvikelse_helar": "Avvikelse helår",
    "prognos_foregaende": "Föregående prognos",
    "prognos_forandring": "Förändring mot föregående prognos",
}


# --- numbers in text ------------------------------------------------------------------
def mkr(tkr: float, tecken: bool = True) -> str:
    """'-18 miljoner kronor' (whole mkr from 10 mkr, else one decimal)."""
    return f"{_tal(tkr, tecken)} miljoner kronor"


def mkr_kort(tkr: float, tecken: bool = True) -> str:
    return f"{_tal(tkr, tecken)} mkr"


def _tal(tkr: float, tecken: bool) -> str:
    if tkr is None or not math.isfinite(tkr):
        return "–"
    v = tkr / 1000
    decimals = 0 if abs(v) >= 9.95 else 1
    v = round(v, decimals)
    if v == 0:
        v = 0.0
    text = f"{abs(v):,.{decimals}f}".replace(",", "\u00a0").replace(".", ",")
    if v < 0:
        return "-" + text
    return ("+" + text) if tecken and v > 0 else text


def _lista(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + (" samt " if len(items) > 2 else " och ") + items[-1]


def _period_ord(period: Period) -> str:
    return "för året" if period.month == 12 else f"per {MONTH_NAMES[period.month - 1]}"


# --- the driftsredovisning in blocks --------------------------------------------------
def drift_block(data: Dataset, period: Period | str) -> pd.DataFrame:
    """The kommun's driftsredovisning in the published layout (tkr).

    Rows: the nämnder, *Summa nämnder*; the finansförvaltning's units, *Summa
    finansförvaltning*; avskrivningar; *Verksamhetens nettokostnad*; taxes and general
    grants, *Summa skatter och utjämning*; financial items, *Summa financiella poster*;
    *Resultat efter finansiella poster* (= the driftsredovisning's ``Totalt``). Which
    block a finans unit belongs to follows its accounts (:func:`resultat.unit_blocks`).

    Columns ``id``, ``typ`` (``rad``/``summa``), ``block``, ``rad`` (label) and the eight
    amounts. In sum rows a unit without a forecast counts at its budget, and one
    without a previous forecast at its latest forecast (it adds no change).
    """
    period = Period.parse(period)
    drift = compute_driftsredovisning(data, period)
    rows = drift[drift["namnd"] != "Totalt"].copy()
    blocks = unit_blocks(data, period.year)
    rows["block"] = rows["namnd"].map(blocks)
    rows["typ"] = "rad"
    rows["id"] = rows["namnd"]
    reg = data.register
    rows["rad"] = [("– " if blocks[u] == "summa_finans" else "") + reg.namn(u)
                   for u in rows["namnd"]]
    prognos = rows["prognos_helar"].where(rows["prognos_helar"].notna(), rows["budget_helar"])
    foreg = rows["prognos_foregaende"].where(rows["prognos_foregaende"].notna(), prognos)

    def summa(key: str, label: str, parts: list[str]) -> dict:
        sel = rows["block"].isin(parts)
        out = {"id": key, "typ": "summa", "block": key, "rad": label}
        for col in ("utfall_period", "budget_period", "budget_helar"):
            out[col] = float(rows.loc[sel, col].sum())
        out["prognos_helar"] = float(prognos[sel].sum())
        out["prognos_foregaende"] = float(foreg[sel].sum())
        out["avvikelse_period"] = out["utfall_period"] - out["budget_period"]
        out["avvikelse_helar"] = out["prognos_helar"] - out["budget_helar"]
        out["prognos_forandring"] = out["prognos_helar"] - out["prognos_foregaende"]
        return out

    order = ["summa_namnder", "summa_finans", "avskrivningar", "summa_skatt", "summa_finansiellt"]
    sums = {key: summa(key, label, parts) for key, label, parts in BLOCK_SUMS}
    pieces: list[pd.DataFrame] = []
    for block in order:
        part = rows[rows["block"] == block]
        if block == "summa_finans" and len(part):
            pieces.append(pd.DataFrame([{"id": "rubrik_finans", "typ": "rubrik",
                                         "block": block, "rad": "Finansförvaltning"}]))
        pieces.append(part)
        if block in sums and (len(part) or block == "summa_namnder"):
            pieces.append(pd.DataFrame([sums[block]]))
        if block == "avskrivningar":
            pieces.append(pd.DataFrame([sums["vnk"]]))
    pieces.append(pd.DataFrame([sums["resultat"]]))
    out = pd.concat([p for p in pieces if len(p)], ignore_index=True)
    out.attrs["har_prognos"] = bool(rows["prognos_helar"].notna().any())
    return out[["id", "typ", "block", "rad", *NUMERIC]]


def block_tabell(block: pd.DataFrame) -> pd.DataFrame:
    """The block table for the report (mkr, Swedish column labels)."""
    cols = [c for c in NUMERIC if c != "prognos_foregaende"]
    out = block[["rad", *cols]].rename(columns={"rad": "", **LABELS}).copy()
    out[[LABELS[c] for c in cols]] = out[[LABELS[c] for c in cols]] / 1000
    return out.reset_index(drop=True)


def prognos_not(block: pd.DataFrame) -> str | None:
    """The note under a table with a *Prognos helår* column when some units have made no
    forecast: they count at their budget there (the contract's rule), and the reader is
    told which; ``None`` when every unit has a forecast, or none has (then the texts say
    that no forecast has been made)."""
    rows = block[block["typ"] == "rad"]
    missing = rows.loc[rows["prognos_helar"].isna(), "rad"].str.lstrip("– ").tolist()
    if not missing or len(missing) == len(rows):
        return None
    names = ", ".join(missing[:5]) + (f" och {len(missing) - 5} till" if len(missing) > 5
                                      else "")
    return (f"{len(missing)} av {len(rows)} enheter har inte lämnat någon helårsprognos "
            f"({names}); de räknas med sin budget i kolumnen Prognos helår.")


def summarader(frame: pd.DataFrame) -> list[int]:
    """Positions of the sum rows of :func:`drift_block` or a resultaträkning (bold)."""
    if "typ" in frame:
        return [i for i, t in enumerate(frame["typ"]) if t in ("summa", "rubrik")]
    from analysis.ekonomi.resultat import SUBTOTALS
    return [i for i, key in enumerate(frame["id"]) if key in SUBTOTALS]


def _previous_month(data: Dataset, period: Period, units: list[str]) -> int | None:
    prog = prognoses_kr(data, period.year, period.month).reindex(units)
    months = prog["foregaende_manad"].dropna()
    return int(months.mode().iloc[0]) if len(months) else None


def _storsta(frame: pd.DataFrame, col: str, sign: float, n: int = 3) -> list[tuple[str, float]]:
    """The rows with the largest deviations in the direction ``sign`` (descending)."""
    s = frame.set_index("rad")[col].dropna()
    s = s[(s * sign) >= NAMN_TROSKEL_TKR]
    s = s.reindex(s.abs().sort_values(ascending=False).index).head(n)
    return [(str(k).lstrip("– "), float(v)) for k, v in s.items()]


def drift_text(data: Dataset, block: pd.DataFrame, period: Period | str) -> str:
    """The commentary on the driftsredovisning (seed001 §3.2 style), markdown."""
    period = Period.parse(period)
    b = block.set_index("id")
    rows = block[block["typ"] == "rad"]
    namnder = rows[rows["block"] == "summa_namnder"]
    n = b.loc["summa_namnder"]
    parts = []

    dev = float(n["avvikelse_period"])
    when = "året" if period.month == 12 else "perioden"
    text = (f"Nämndernas utfall för {when} är {mkr(dev)} {_battre(dev)} budget")
    big = _storsta(namnder, "avvikelse_period", -1 if dev < 0 else 1)
    if big and abs(dev) >= 50:
        ord_ = "negativa" if dev < 0 else "positiva"
        text += (f", det beror till stor del på {ord_} avvikelser för "
                 + _lista([f"{_i_text(k)} {mkr(v)}" for k, v in big]))
    parts.append(text + ".")

    if "summa_finans" in b.index:
        f = float(b.loc["summa_finans", "avvikelse_period"])
        text = f"Finansförvaltningen avviker med {mkr(f)} mot budget för {when}"
        sem = semesterloneskuld_avvikelse(data, period)
        if sem is not None and abs(sem) >= 50:
            text += (f", varav semesterlöneskuldens förändring {mkr(sem)}; exklusive "
                     f"semesterlöneskulden är avvikelsen {mkr(f - sem)}")
        parts.append(text + ".")

    if period.month < 12 and not namnder["prognos_helar"].notna().any():
        parts.append("Nämnderna har ännu inte lämnat någon helårsprognos.")
    elif period.month < 12:
        y = float(n["avvikelse_helar"])
        word = "ett underskott" if y < 0 else "ett överskott"
        text = (f"Prognosen för helåret visar på {word} med {mkr(y)} för nämnderna jämfört med "
                "budget")
        big = _storsta(namnder, "avvikelse_helar", -1 if y < 0 else 1)
        if big and abs(y) >= 50:
            text += ", de stora avvikelserna finns inom " + _lista(
                [f"{_i_text(k)} ({mkr_kort(v)})" for k, v in big])
        parts.append(text + ".")

        prev_month = _previous_month(data, period, data.register.namnder)
        change = float(n["prognos_forandring"])
        if prev_month is not None and math.isfinite(change):
            prev_dev = y - change
            how = ("ser något sämre ut" if change < -50 else "ser något bättre ut"
                   if change > 50 else "är i stort sett oförändrad")
            text = (f"Prognosen för nämnderna {mkr(y)} {how}, {mkr(change)}, jämfört med den "
                    f"prognos som gjordes i {MONTH_NAMES[prev_month - 1]} {period.year} på "
                    f"{mkr(prev_dev)}")
            moved = _storsta(namnder, "prognos_forandring", -1 if change < 0 else 1)
            if moved and abs(change) >= 50:
                text += "; förändringarna finns främst hos " + _lista(
                    [f"{_i_text(k)} ({mkr_kort(v)})" for k, v in moved])
            parts.append(text + ".")
    return "\n\n".join(parts)


def semesterloneskuld_avvikelse(data: Dataset, period: Period | str) -> float | None:
    """The semesterlöneskuld accounts' period deviation (utfall − periodised budget, tkr),
    or ``None`` when the kontoplan marks no such account."""
    from analysis.ekonomi.resultat import _flagged

    period = Period.parse(period)
    kp = data.frames.get("kontoplan")
    if kp is None or "semesterloneskuld" not in kp:
        return None
    from analysis.ekonomi.drift import periodisation_weights

    units = data.register.namnder + data.register.finans
    u = data.utfall
    u = u[u["period"].isin(period.month_codes)]
    utfall = float(u.loc[_flagged(data, u["konto"].to_numpy(), "semesterloneskuld"),
                         "belopp_kr"].sum())
    b = data.budget
    b = b[(b["ar"] == period.year) & (b["typ"] == "drift") & b["namnd"].isin(units)]
    b = b[_flagged(data, b["konto"].to_numpy(), "semesterloneskuld")]
    budget = 0.0
    if len(b):
        per_unit = b.groupby(b["namnd"].astype(str))["belopp_kr"].sum()
        share = periodisation_weights(data, period.year, list(per_unit.index)).loc[
            :, 1:period.month].sum(axis=1)
        budget = float((per_unit * share).sum())
    return (utfall - budget) / 1000


# --- resultaträkning ------------------------------------------------------------------
def rr_tabell(rr: pd.DataFrame) -> pd.DataFrame:
    """The resultaträkning for the report (mkr)."""
    cols = ["utfall_period", "budget_period", "avvikelse_period", "prognos_helar",
            "budget_helar", "avvikelse_helar"]
    out = rr[["rad", *cols]].rename(columns={"rad": "", **LABELS}).copy()
    out[[LABELS[c] for c in cols]] = out[[LABELS[c] for c in cols]] / 1000
    return out.reset_index(drop=True)


def rr_text(rr: pd.DataFrame, period: Period | str) -> str:
    """The commentary on the resultaträkning (seed001 §3.1 style)."""
    period = Period.parse(period)
    r = rr.set_index("id")
    res = float(r.loc["arets_resultat", "utfall_period"])
    dev = float(r.loc["arets_resultat", "avvikelse_period"])
    sign = "positivt" if res >= 0 else "negativt"
    if period.month == 12:
        parts = [f"Kommunen redovisar ett {sign} resultat för {period.year} på {mkr(res)}, "
                 f"vilket är {mkr(abs(dev), False)} {_battre(dev)} budgeterat resultat."]
    else:
        parts = [f"Kommunen redovisar ett {sign} periodresultat {_period_ord(period)} på "
                 f"{mkr(res)}, vilket är {mkr(abs(dev), False)} {_battre(dev)} budgeterat "
                 "resultat för samma period."]
    if "exkl_semesterloneskuld" in r.index:
        parts.append("Om semesterlöneskuldens resultatpåverkan exkluderas är resultatet "
                     f"{mkr(float(r.loc['exkl_semesterloneskuld', 'utfall_period']))}.")
    if period.month < 12 and not rr.attrs.get("har_prognos", True):
        parts.append("Någon helårsprognos har ännu inte lämnats för året.")
    elif period.month < 12:
        p = float(r.loc["arets_resultat", "prognos_helar"])
        d = float(r.loc["arets_resultat", "avvikelse_helar"])
        word = "ett överskott" if p >= 0 else "ett underskott"
        parts.append(f"Prognosen för helåret visar på {word} med {mkr(abs(p), False)} "
                     f"vilket är {mkr(abs(d), False)} {_battre(d)} budgeterat resultat för "
                     "året.")
        lines = {
            "verksamhetens nettokostnader": float(r.loc["vnk", "avvikelse_helar"]),
            "skatteintäkter och generella statsbidrag": float(
                r.loc["skatt", "avvikelse_helar"] + r.loc["statsbidrag", "avvikelse_helar"]),
            "finansnettot": float(r.loc["fin_intakter", "avvikelse_helar"]
                                  + r.loc["fin_kostnader", "avvikelse_helar"]),
        }
        same = {k: v for k, v in lines.items() if v * d > 0 and abs(v) >= NAMN_TROSKEL_TKR}
        if same:
            k, v = max(same.items(), key=lambda kv: abs(kv[1]))
            parts.append(f"Den främsta förklaringen är avvikelsen för {k}, {mkr(v)}.")
    return " ".join(parts)


# --- investeringar --------------------------------------------------------------------
def invest_tabell(data: Dataset, period: Period | str) -> pd.DataFrame:
    """The investeringsredovisning for the report (mkr; spending negative).

    One row per nämnd and a *Summa* row. Besides the deviations the table shows the
    previous forecast and the change against it (*Förändring mot föregående prognos* =
    prognos helår − föregående prognos; in *Summa* a nämnd without a previous forecast
    counts at its latest one, so it adds no change, and without any previous forecast the
    change is empty), and the genomförandegrad: utfall and prognos as a share of the
    annual budget (%; empty when the budget is 0).
    """
    inv = compute_investeringsredovisning(data, period)
    body = inv["namnd"] != "Totalt"
    foreg = inv["prognos_foregaende"].copy()
    prognos = inv["prognos_helar"].where(inv["prognos_helar"].notna(), inv["budget_helar"])
    has_prev = foreg[body].notna()
    if has_prev.any():
        tot = ~body
        foreg[tot] = float(foreg[body].where(has_prev, prognos[body]).sum())
        inv = inv.assign(prognos_foregaende=foreg,
                         prognos_forandring=inv["prognos_helar"].where(body, prognos) - foreg)
    cols = ["utfall_period", "budget_period", "avvikelse_period", "prognos_helar",
            "budget_helar", "avvikelse_helar", "prognos_foregaende", "prognos_forandring"]
    out = inv[["namnd", *cols]].copy()
    out["namnd"] = [("Summa" if u == "Totalt" else data.register.namn(u)) for u in out["namnd"]]
    out = out.rename(columns={"namnd": "", **LABELS})
    out[[LABELS[c] for c in cols]] = out[[LABELS[c] for c in cols]] / 1000
    budget = inv["budget_helar"].where(inv["budget_helar"].abs() > 1e-9)
    out["Genomförandegrad utfall, %"] = (100 * inv["utfall_period"] / budget).to_numpy()
    out["Genomförandegrad prognos, %"] = (100 * inv["prognos_helar"] / budget).to_numpy()
    return out.reset_index(drop=True)


def invest_text(data: Dataset, period: Period | str, kommun: str) -> str:
    """'Under perioden har … investerat för 146 miljoner kronor. …'"""
    period = Period.parse(period)
    inv = compute_investeringsredovisning(data, period)
    tot = inv.set_index("namnd").loc["Totalt"]
    spent = -float(tot["utfall_period"])
    when = f"Under {period.year}" if period.month == 12 else "Under perioden"
    parts = [f"{when} har {kommun} investerat för {mkr(spent, False)}."]
    has_forecast = inv.loc[inv["namnd"] != "Totalt", "prognos_helar"].notna().any()
    if period.month < 12 and not has_forecast:
        parts.append("Någon helårsprognos för investeringarna har ännu inte lämnats.")
        col = "avvikelse_period"
    elif period.month < 12:
        p, d = -float(tot["prognos_helar"]), float(tot["avvikelse_helar"])
        word = "lägre än" if d > 50 else "högre än" if d < -50 else "i nivå med"
        amount = f"{mkr(abs(d), False)} " if word != "i nivå med" else ""
        parts.append(f"Helårsprognosen visar på {mkr(p, False)} vilket är {amount}{word} "
                     "budget.")
        col = "avvikelse_helar"
    else:
        col = "avvikelse_period"
        d = float(tot["avvikelse_period"])
        if abs(d) >= 50:
            word = "lägre än" if d > 0 else "högre än"
            parts[-1] = parts[-1][:-1] + f", vilket är {mkr(abs(d), False)} {word} budget."
    rows = inv[inv["namnd"] != "Totalt"].assign(
        rad=[data.register.namn(u) for u in inv.loc[inv["namnd"] != "Totalt", "namnd"]])
    big = _storsta(rows, col, -1) + _storsta(rows, col, 1)
    big = sorted(big, key=lambda kv: -abs(kv[1]))[:3]
    if big:
        parts.append("Avvikelserna mot budget finns i huvudsak inom " + _lista(
            [f"{_i_text(k)} ({mkr_kort(v)})" for k, v in big]) + ".")
    return " ".join(parts)


# --- befolkning -----------------------------------------------------------------------
def _antal(v: float, sign: bool = True) -> str:
    v = int(round(float(v)))
    text = f"{abs(v):,}".replace(",", "\u00a0")
    return ("-" if v < 0 else "+" if sign and v > 0 else "") + text


def _befolkning_grund(komp: pd.DataFrame, period: Period) -> tuple[bool, int]:
    """``(whole year shown instead of the period, the year shown)`` from the attrs that
    :func:`analysis.befolkning.prognos.period_components` sets (``grund``, ``ar``)."""
    shown = int(komp.attrs.get("ar", period.year))
    return komp.attrs.get("grund", "manad") == "ar" or shown != period.year, shown


def _saknas(period: Period) -> str:
    what = (f"helåret {period.year}" if period.month == 12
            else f"januari–{MONTH_NAMES[period.month - 1]} {period.year}")
    return f"Befolkningsuppgifter per månad för {what} finns inte än"


def befolkning_text(komp: pd.DataFrame, period: Period | str, kommun: str) -> str:
    """The population paragraph (seed001 §6 style).

    '… befolkning har totalt minskat med -2 personer sedan årsskiftet, …' when the
    components cover the period (``komp.attrs['grund']`` ``'manad'`` or absent). When they
    fall back to the last complete year (``'ar'``, the year in ``attrs['ar']``), the text
    says so and speaks of that year: 'Befolkningsuppgifter per månad för januari–april
    2023 finns inte än; texten avser helåret 2022. Under 2022 minskade …'.
    """
    period = Period.parse(period)
    c = komp.set_index("komponent")["antal"]
    n = _antal
    helar, shown = _befolkning_grund(komp, period)
    change = float(c["forandring"])
    prev = c.get("forandring_foregaende_ar")
    prev = float(prev) if prev is not None and math.isfinite(float(prev)) else None
    better = None if prev is None else ("en förbättring" if change > prev else "en försämring"
                                        if change < prev else "samma utveckling")
    if helar:
        verb = "ökade" if change > 0 else "minskade" if change < 0 else "var oförändrad"
        text = (f"{_saknas(period)}; texten avser helåret {shown}. Under {shown} {verb} "
                f"{kommun}s befolkning" + (f" med {n(change)} personer" if change else ""))
        if better:
            text += (f", vilket är {better} jämfört med {shown - 1} då förändringen var "
                     f"{n(prev)} invånare")
        verb_netto = "var"
    else:
        verb = "ökat" if change > 0 else "minskat" if change < 0 else "varit oförändrad"
        since = "under året" if period.month == 12 else "sedan årsskiftet"
        text = (f"{kommun}s befolkning har totalt {verb} med {n(change)} personer {since}"
                if change else f"{kommun}s befolkning har varit oförändrad {since}")
        if better:
            same = "föregående år" if period.month == 12 else "samma period föregående år"
            text += (f", vilket är {better} jämfört med {same} då förändringen var "
                     f"{n(prev)} invånare")
        verb_netto = "är"
    text += (f". Födelsenettot {verb_netto} {n(c['fodelsenetto'])} ({n(c['fodda'], False)} "
             f"födda och {n(c['doda'], False)} döda) och flyttnettot {n(c['flyttnetto'])}")
    delar = [("inom länet", "flyttnetto_inom_lanet"), ("från andra län", "flyttnetto_annat_lan"),
             ("från utlandet", "flyttnetto_utlandet")]
    known = [(t, c.get(k)) for t, k in delar if c.get(k) is not None and math.isfinite(float(c[k]))]
    if known:
        text += " (" + ", ".join(f"{t} {n(v)}" for t, v in known) + ")"
    text += "."
    adj = float(c.get("justering", 0.0))
    if abs(adj) >= 0.5:
        text += (f" Övriga förändringar, som rättelser i folkbokföringen, {verb_netto} "
                 f"{n(adj)} personer; de förklarar skillnaden mellan komponenterna och den "
                 "totala förändringen.")
    return text


# --- summary --------------------------------------------------------------------------
def nyckeltal(data: Dataset, period: Period | str, rr: pd.DataFrame | None = None,
              block: pd.DataFrame | None = None) -> pd.DataFrame:
    """The report's key figures (mkr), each taken from the table it is printed in."""
    period = Period.parse(period)
    rr = compute_resultatrakning(data, period) if rr is None else rr
    block = drift_block(data, period) if block is None else block
    r, b = rr.set_index("id"), block.set_index("id")
    inv = compute_investeringsredovisning(data, period).set_index("namnd").loc["Totalt"]
    rows = [
        ("Årets resultat" if period.month == 12 else "Resultat för perioden",
         r.loc["arets_resultat", "utfall_period"],
         r.loc["arets_resultat", "budget_period"], r.loc["arets_resultat", "avvikelse_period"]),
    ]
    if "exkl_semesterloneskuld" in r.index:
        rows.append(("Resultat exklusive semesterlöneskuldens förändring",
                     r.loc["exkl_semesterloneskuld", "utfall_period"], np.nan, np.nan))
    if period.month == 12:            # the year is over: outcomes, no forecasts
        rows += [
            ("Nämndernas nettokostnad", b.loc["summa_namnder", "utfall_period"],
             b.loc["summa_namnder", "budget_period"], b.loc["summa_namnder", "avvikelse_period"]),
            ("Nettoinvesteringar", inv["utfall_period"], inv["budget_period"],
             inv["avvikelse_period"]),
        ]
    else:
        rows += [
            ("Årets resultat, prognos", r.loc["arets_resultat", "prognos_helar"],
             r.loc["arets_resultat", "budget_helar"], r.loc["arets_resultat", "avvikelse_helar"]),
            ("Nämndernas nettokostnad, prognos", b.loc["summa_namnder", "prognos_helar"],
             b.loc["summa_namnder", "budget_helar"], b.loc["summa_namnder", "avvikelse_helar"]),
            ("Nettoinvesteringar, prognos", inv["prognos_helar"], inv["budget_helar"],
             inv["avvikelse_helar"]),
        ]
    out = pd.DataFrame(rows, columns=["", "Utfall/prognos", "Budget", "Avvikelse"])
    out[["Utfall/prognos", "Budget", "Avvikelse"]] = out[
        ["Utfall/prognos", "Budget", "Avvikelse"]].astype(float) / 1000
    if period.month < 12 and not rr.attrs.get("har_prognos", True):
        # no unit has forecast the year: the budget is not shown as a forecast
        forecast = out[""].isin(["Årets resultat, prognos", "Nämndernas nettokostnad, prognos"])
        out.loc[forecast, ["Utfall/prognos", "Avvikelse"]] = np.nan
    inv_rows = compute_investeringsredovisning(data, period)
    if period.month < 12 and not inv_rows.loc[inv_rows["namnd"] != "Totalt",
                                               "prognos_helar"].notna().any():
        out.loc[out[""] == "Nettoinvesteringar, prognos", ["Utfall/prognos", "Avvikelse"]] = np.nan
    return out


def nettokostnad_per_100kr(block: pd.DataFrame, data: Dataset) -> pd.DataFrame:
    """What 100 kronor of the nämnder's net cost go to (the period's utfall), largest
    first; nämnder under 1 krona are put together as *Övriga*."""
    n = block[(block["typ"] == "rad") & (block["block"] == "summa_namnder")]
    cost = (-n.set_index("rad")["utfall_period"]).clip(lower=0)
    total = cost.sum()
    if total <= 0:
        return pd.DataFrame(columns=["Verksamhet", "Kronor"])
    kr = (100 * cost / total).sort_values(ascending=False)
    small = kr[kr < 1]
    kr = kr[kr >= 1]
    if len(small):
        kr = pd.concat([kr, pd.Series({"Övriga": small.sum()})])
    return pd.DataFrame({"Verksamhet": kr.index, "Kronor": kr.to_numpy()})


# --- personal ---------------------------------------------------------------------------
def personal_per_forvaltning(personal: pd.DataFrame, period: Period | str,
                             max_dagar: int = 8) -> pd.DataFrame:
    """Per förvaltning and for the whole kommun: sick leave year to date, the same months
    last year, the change (procentenheter) and frisknärvaro (fewer than ``max_dagar``
    sick days) over the period. Groups of 10 or fewer employees are NaN (suppressed), and
    so are the förvaltningar hidden with them so that the kommun minus the shown ones does
    not give a small group (the period's pattern, :func:`analysis.personal.sekretess.monster`); the
    change is NaN when either year is."""
    from analysis.personal.nyckeltal import compute_frisknarvaro
    from analysis.personal.trender import forandring_per_forvaltning, hittills_i_ar

    period = Period.parse(period)
    present = set(np.unique(personal["period"]).tolist())
    months = [m for m in period.month_codes if m in present]
    forvaltningar = [str(f) for f in personal["forvaltning"].cat.categories] \
        if hasattr(personal["forvaltning"], "cat") else sorted(personal["forvaltning"].unique())
    per = forandring_per_forvaltning(personal, period, forvaltningar)
    hela = hittills_i_ar(personal, period)
    rows = [{"forvaltning": "Hela kommunen", "procent": hela["procent"],
             "procent_foregaende": hela["procent_foregaende"], "skillnad": hela["skillnad"]}]
    table = pd.concat([pd.DataFrame(rows), per], ignore_index=True)
    table["frisknarvaro"] = [
        compute_frisknarvaro(personal, months, None if f == "Hela kommunen" else f,
                             max_dagar)["procent"] for f in table["forvaltning"]]
    return table.rename(columns={
        "forvaltning": "Förvaltning", "procent": f"Sjukfrånvaro {period.year}",
        "procent_foregaende": f"Sjukfrånvaro {period.year - 1}",
        "skillnad": "Förändring, procentenheter", "frisknarvaro": "Frisknärvaro"})


# --- the short version for citizens -------------------------------------------------------
def diagram_100kr(df: pd.DataFrame, titel: str):
    """'Så används 100 kronor': horizontal bars with the amount written at each bar."""
    from matplotlib.figure import Figure

    d = df.iloc[::-1]
    fig = Figure(figsize=(7.0, 0.22 * len(d) + 0.7))
    ax = fig.subplots()
    bars = ax.barh(d["Verksamhet"], d["Kronor"], color="#1f4e79")
    for bar, v in zip(bars, d["Kronor"]):
        ax.text(bar.get_width() + 0.5, bar.get_y() + bar.get_height() / 2,
                f"{v:.0f} kr".replace(".", ","), va="center", fontsize=8)
    ax.set_title(titel, loc="left", fontsize=11)
    ax.set_xticks([])
    ax.spines[["top", "right", "bottom"]].set_visible(False)
    ax.tick_params(axis="y", labelsize=8)
    fig.tight_layout()
    return fig


def _sjuk_variation(data: Dataset, period: Period, sjuk: dict) -> str:
    """What the test of the year-to-date change says ('en skillnad inom den normala
    variationen mellan åren', 'en tydlig minskning', or '' when no test could be made).
    ``sjuk['tydlig']`` (True/False/None) is used when given; otherwise the test of
    :func:`analysis.personal.trender.jamforelse_test` is made on ``data``."""
    from analysis.personal import trender as st

    skillnad = float(sjuk["procent"] - sjuk["procent_foregaende"])
    if "tydlig" in sjuk:
        test = {"tydlig": sjuk["tydlig"]}
    elif data.frames.get("sjukfranvaro") is None:
        return ""
    else:
        test = st.jamforelse_test(data.frames["sjukfranvaro"], period)
    return st.variation_text(test, skillnad)


def klartext(data: Dataset, period: Period | str, kommun: str, rr: pd.DataFrame,
             block: pd.DataFrame, inv: pd.DataFrame, befolkning: pd.DataFrame | None,
             sjuk: dict | None, mal_text: str | None) -> str:
    """The key figures in plain Swedish (markdown bullets), for the summary and the short
    version: result, the nämnder against budget, investments (the two largest),
    inhabitants, sick leave and goals — each from the table it is printed in.

    At year end (December) every line speaks of the year's outcome, never of a forecast.
    The inhabitants line says which date the population is from when
    ``befolkning.attrs['grund']`` is ``'ar'`` (the monthly figures of the year are
    missing). The sick-leave line says whether the change against last year is more than
    the normal variation between years (``sjuk['tydlig']`` when given, else the test of
    :func:`analysis.personal.trender.jamforelse_test`)."""
    period = Period.parse(period)
    r, b = rr.set_index("id"), block.set_index("id")
    months = "hela året" if period.month == 12 else f"januari–{MONTH_NAMES[period.month - 1]}"
    res = float(r.loc["arets_resultat", "utfall_period"])
    dev = float(r.loc["arets_resultat", "avvikelse_period"])
    plus = "ett överskott" if res >= 0 else "ett underskott"
    text = [f"- **Ekonomin:** {kommun} fick {plus} på {mkr(abs(res), False)} under {months}. "
            f"Det är {mkr(abs(dev), False)} {_battre(dev)} vad kommunen hade planerat."]
    if period.month < 12 and rr.attrs.get("har_prognos", True):
        p = float(r.loc["arets_resultat", "prognos_helar"])
        word = "ett överskott" if p >= 0 else "ett underskott"
        text[-1] += f" För hela året räknar kommunen med {word} på {mkr(abs(p), False)}."
    n = b.loc["summa_namnder"]
    col = "avvikelse_period" if period.month == 12 else "avvikelse_helar"
    d = float(n[col])
    if abs(d) >= 50 and (period.month == 12 or block.attrs.get("har_prognos", True)):
        more = "mer" if d < 0 else "mindre"
        if period.month == 12:          # the year is over: what was used, not a forecast
            text.append(f"- **Verksamheterna:** nämnderna använde {mkr(abs(d), False)} {more} "
                        "än budgeten under året.")
        else:
            text.append(f"- **Verksamheterna:** nämnderna använder {mkr(abs(d), False)} {more} "
                        "än budgeten under året, enligt prognosen.")
    tot = inv.set_index("namnd").loc["Totalt"]
    line = (f"- **Investeringar:** {mkr(-float(tot['utfall_period']), False)} "
            f"{'under året' if period.month == 12 else 'hittills i år'}")
    spent = (-inv[inv["namnd"] != "Totalt"].set_index("namnd")["utfall_period"]).sort_values(
        ascending=False)
    spent = spent[spent >= NAMN_TROSKEL_TKR].head(2)
    if len(spent):
        line += ", mest inom " + _lista([_i_text(data.register.namn(u)) for u in spent.index])
    text.append(line + ".")
    if befolkning is not None:
        c = befolkning.set_index("komponent")["antal"]
        change = int(round(float(c["forandring"])))
        verb = "fler" if change >= 0 else "färre"
        folk = f"{int(round(float(c['folkmangd']))):,}".replace(",", "\u00a0")
        helar, shown = _befolkning_grund(befolkning, period)
        if helar:
            text.append(f"- **Invånare:** {folk} personer den 31 december {shown}, "
                        f"{abs(change)} {verb} än ett år tidigare ({_saknas(period).lower()}).")
        else:
            since = "under året" if period.month == 12 else "sedan årsskiftet"
            text.append(f"- **Invånare:** {folk} personer, {abs(change)} {verb} {since}.")
    if sjuk and math.isfinite(sjuk.get("procent", math.nan)):
        pct = f"{sjuk['procent']:.1f}".replace(".", ",")
        line = f"- **Sjukfrånvaro:** {pct} procent av arbetstiden bland kommunens anställda"
        if math.isfinite(sjuk.get("procent_foregaende", math.nan)):
            prev = f"{sjuk['procent_foregaende']:.1f}".replace(".", ",")
            jmf = "lägre" if sjuk["procent"] < sjuk["procent_foregaende"] else "högre"
            same = "förra året" if period.month == 12 else "samma period förra året"
            line += f", {jmf} än {same} ({prev} procent)"
            variation = _sjuk_variation(data, period, sjuk)
            if variation:
                line += f", {variation}"
        text.append(line + ".")
    if mal_text:
        text.append(f"- **Mål:** {mal_text}")
    return "\n".join(text)
