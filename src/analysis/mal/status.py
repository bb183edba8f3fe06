"""Goal follow-up (måluppföljning) from ``mal/matetal``.

Each row of the file is one mätetal of one goal of one nämnd in one year: its målvärde,
its utfall and which direction is better. A report shows, per nämnd, every goal with its
mätetal (utfall this year, the previous year's utfall, målvärde) and a status.

Status rule
-----------
A status given in the file (``gron``, ``gul``, ``rod``) is always used as it is: the
nämnd's own judgement, which may weigh things the numbers do not show (a count for
January–April against a target for the whole year, say). When it is absent the status is
computed from the numbers:

* **Grön** – the målvärde is reached: ``utfall ≥ målvärde`` when higher is better,
  ``utfall ≤ målvärde`` when lower is better;
* **Gul** – not reached, but within :data:`GUL_MARGINAL` (10 %) of the målvärde
  (``|utfall − målvärde| ≤ 0,10 × |målvärde|``; with målvärde 0 there is no margin);
* **Röd** – further from the målvärde than that;
* **Ej bedömd** – the utfall or the målvärde is not a number (``Nytt mätetal``, ``-``,
  ``Ja (upp till tre LCA)``). The text is shown as it is.

The rule is applied only where it means something; otherwise the mätetal is *ej bedömd*
and the reason is given (``status_kalla`` ``"ej bedömd"``, ``status_orsak``):

* **The målvärde's year.** The optional column ``malar`` says which year the målvärde is
  for (empty = the row's ``ar``). A target for a later year (``15 %`` women in 2030) is
  not judged against this year's value; the report shows the development against the
  previous year instead (``utveckling``: ``bättre``, ``sämre``, ``oförändrad``).
* **Units.** A unit written in a cell (``73%``, ``140 468 kg``) must agree with the
  other cell and with ``enhet``; ``73`` as an index and ``73%`` are never compared. The
  previous year's value is compared only when its ``enhet`` is the same.

Whether a mätetal *reaches* its målvärde (``nar_malvardet``) is always the plain
comparison of the numbers, whoever set the status: a nämnd may call a count of 70 against
a year target of 250 *grön* (it follows the plan), but it has not reached the target.

Numbers are read from the text cells the way people write them: ``140 468 kg``,
``2,20%``, ``Minst 2 500``, ``högst 15 procent``, ``under 300``, ``73% (avser 2021)``.

Which row a report uses
-----------------------
The optional ``period`` column (``YYYY-MM``) dates a value. A report for a period uses,
per mätetal, this year's row with the latest ``period`` up to the report's month; the
previous year's value is that year's latest row. A dated row always wins over an undated
one, which is used when a mätetal has no dated row — so a year shows the same value in
its own full-year report and as the previous year in the next year's reports. Without
the column every row is the year's value. A mätetal whose only rows this year are dated
after the report month is not shown (it has not been measured yet).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable

import numpy as np
import pandas as pd

from analysis.io.dataset import Dataset
from analysis.core.period import Period
from analysis.core.register import name_key

#: Margin of a computed *gul* status, relative to the målvärde.
GUL_MARGINAL = 0.10
#: Where the status comes from: the nämnd, the rule, or nowhere (the rule does not apply).
STATUS_KALLA = ("angiven", "beräknad", "ej bedömd")
KALLA_TEXT = {"angiven": "Nämnden", "beräknad": "Beräknad", "ej bedömd": "–"}
UTVECKLING_TEXT = {"battre": "Bättre", "samre": "Sämre", "oforandrad": "Oförändrad", "": "–"}
STATUSAR = ("gron", "gul", "rod", "")
STATUS_TEXT = {"gron": "Grön", "gul": "Gul", "rod": "Röd", "": "Ej bedömd"}
#: What the colours mean (the published definitions, seed002).
STATUS_BETYDELSE = {
    "gron": "målvärdet nås / allt följer plan",
    "gul": "målvärdet nås inte helt; avvikelser som åtgärdas",
    "rod": "målvärdet nås inte; allvarliga avvikelser",
    "": "utfall eller målvärde saknas som tal",
}
RIKTNING_TEXT = {"hogre": "Högre är bättre", "lagre": "Lägre är bättre"}

_NUMBER = re.compile(
    r"^\s*(?:(?:minst|lägst|högst|max(?:imalt)?|under|över|mindre än|mer än|färre än|"
    r"fler än|ca\.?|cirka|drygt|knappt)\s+)?(?:plats\s+)?"
    r"([-+\u2212]?\s?(?:\d{1,3}(?:[ \u00a0\u202f]\d{3})+|\d+)(?:[.,]\d+)?)(?!\d)",
    re.IGNORECASE)


def tolka_varde(text: object) -> float:
    """The number a mätetal cell states, or NaN when it states none.

    >>> tolka_varde("140 468 kg"), tolka_varde("2,20%"), tolka_varde("Minst 2 500")
    (140468.0, 2.2, 2500.0)
    >>> tolka_varde("-50% (2026,12,5 mkr)"), tolka_varde("högst 15 procent")
    (-50.0, 15.0)
    >>> math.isnan(tolka_varde("Nytt mätetal")), math.isnan(tolka_varde("Ja (upp till tre LCA)"))
    (True, True)
    """
    if text is None:
        return math.nan
    if isinstance(text, (int, float, np.integer, np.floating)):
        return float(text)
    m = _NUMBER.match(str(text))
    if not m:
        return math.nan
    number = re.sub(r"[\s\u00a0\u202f]", "", m.group(1)).replace("\u2212", "-")
    return float(number.replace(",", "."))


#: Units written after a number in a cell, in their normal form (case-insensitive).
_ENHET_ORD = {"%": "%", "procent": "%", "kg": "kg", "ton": "ton", "st": "st", "kr": "kr",
              "tkr": "tkr", "mkr": "mkr", "index": "index", "dagar": "dagar",
              "timmar": "timmar", "personer": "personer"}
_EFTER_TAL = re.compile(r"\s*(%|[^\W\d_]+)")


def normal_enhet(enhet: object) -> str:
    """The normal form of a unit: ``'Procent'`` → ``'%'``, ``' kg '`` → ``'kg'``.

    >>> normal_enhet("procent"), normal_enhet(" Index "), normal_enhet("kg CO2e/kg")
    ('%', 'index', 'kg co2e/kg')
    """
    text = re.sub(r"\s+", " ", str(enhet or "")).strip().casefold()
    return _ENHET_ORD.get(text, text)


def enhet_i_text(text: object) -> str:
    """The unit written right after the number of a cell (normal form), or ``""``.

    >>> enhet_i_text("73%"), enhet_i_text("140 468 kg"), enhet_i_text("högst 15 procent")
    ('%', 'kg', '%')
    >>> enhet_i_text("75"), enhet_i_text("73% (avser 2021)"), enhet_i_text("Nytt mätetal")
    ('', '%', '')
    """
    if text is None or isinstance(text, (int, float, np.integer, np.floating)):
        return ""
    m = _NUMBER.match(str(text))
    if not m:
        return ""
    after = _EFTER_TAL.match(str(text), m.end())
    return _ENHET_ORD.get(after.group(1).casefold(), "") if after else ""


def enhetskonflikt(enhet: object, *texter: object) -> str:
    """Why the cells cannot be compared (a Swedish sentence), or ``""`` when they can.

    A unit written in a cell must be the same in every cell and agree with ``enhet``
    when that is a unit of :data:`_ENHET_ORD`.

    >>> enhetskonflikt("index", "73", "75"), enhetskonflikt("%", "73%", "Minst 73")
    ('', '')
    >>> enhetskonflikt("index", "73%", "75")
    'värdet är angivet i % men mätetalets enhet är index'
    >>> enhetskonflikt("", "1 080 kg", "1 %")
    'utfall och målvärde har olika enheter (kg och %)'
    """
    units = list(dict.fromkeys(u for u in (enhet_i_text(t) for t in texter) if u))
    if len(units) > 1:
        return f"utfall och målvärde har olika enheter ({' och '.join(units)})"
    e = normal_enhet(enhet)
    if units and e in _ENHET_ORD.values() and units[0] != e:
        return f"värdet är angivet i {units[0]} men mätetalets enhet är {e}"
    return ""


def bedom_status(utfall: float, malvarde: float, riktning: str,
                 marginal: float = GUL_MARGINAL) -> str:
    """The computed status (``gron``, ``gul``, ``rod``, or ``""`` = ej bedömd).

    >>> bedom_status(94, 100, "hogre"), bedom_status(43, 32, "lagre"), bedom_status(16.4, 16.4, "lagre")
    ('gul', 'rod', 'gron')
    """
    if riktning not in RIKTNING_TEXT:
        raise ValueError(f"riktning måste vara hogre eller lagre, fick {riktning!r}")
    if utfall is None or malvarde is None:
        return ""
    u, m = float(utfall), float(malvarde)
    if not (math.isfinite(u) and math.isfinite(m)):
        return ""
    kvar = (m - u) if riktning == "hogre" else (u - m)   # > 0: short of the målvärde
    tol = 1e-9 * max(1.0, abs(m))
    if kvar <= tol:
        return "gron"
    if kvar <= marginal * abs(m) + tol:
        return "gul"
    return "rod"


def _key(text: object) -> str:
    return name_key(str(text))


def _latest(rows: pd.DataFrame, undated_rank: int) -> pd.DataFrame:
    """Per mätetal the row with the highest ``period`` (undated rows rank at
    ``undated_rank``); ties keep the last row of the file."""
    if rows.empty:
        return rows
    rank = np.where(rows["period"].to_numpy() > 0, rows["period"].to_numpy(), undated_rank)
    rows = rows.assign(_rank=rank, _pos=np.arange(len(rows)))
    rows = rows.sort_values(["_rank", "_pos"], kind="stable")
    return rows.groupby(["k_namnd", "k_mal", "k_matetal"], sort=False).tail(1).drop(columns=["_rank", "_pos"])


def _prepared(data: Dataset) -> pd.DataFrame | None:
    frame = data.frames.get("matetal")
    if frame is None or not len(frame):
        return None
    f = frame.copy()
    f["namnd"] = f["namnd"].astype(str)
    if "period" not in f:
        f["period"] = 0
    f["period"] = pd.to_numeric(f["period"], errors="coerce").fillna(0).astype(np.int64)
    ar = f["ar"].astype(np.int64)
    if "malar" in f:
        malar = pd.to_numeric(f["malar"].astype(str).str.strip(), errors="coerce")
        f["malar"] = malar.fillna(ar).astype(np.int64)
    else:
        f["malar"] = ar
    f["k_namnd"] = f["namnd"]
    f["k_mal"] = f["mal"].map(_key)
    f["k_matetal"] = f["matetal"].map(_key)
    return f


def har_mal(data: Dataset) -> bool:
    """Whether the kommun has a goal file at all."""
    return _prepared(data) is not None


def matetal(data: Dataset, period: Period | str, namnd: str | Iterable[str] | None = None,
            marginal: float = GUL_MARGINAL) -> pd.DataFrame:
    """Every mätetal of the report's year with this year's and the previous year's utfall.

    Parameters
    ----------
    data : Dataset
    period : Period or str
        The report period; only rows dated up to its month are used. An undated row of
        the report's year holds the year's value, known when the year is over: before
        December it contributes its målvärde only (no utfall, status *ej bedömd*).
    namnd : str or list of str, optional
        Only these nämnder.
    marginal : float
        The margin of a computed *gul* status (:data:`GUL_MARGINAL`).

    Returns
    -------
    pandas.DataFrame
        One row per mätetal in file order with columns ``namnd``, ``mal``, ``matetal``,
        ``enhet``, ``riktning``, ``utfall`` / ``utfall_text`` (this year),
        ``utfall_period`` (yyyymm of the value, 0 = undated), ``foregaende`` /
        ``foregaende_text`` / ``foregaende_enhet`` (previous year), ``malvarde`` /
        ``malvarde_text``, ``malar`` (the year the målvärde is for), ``status``
        (``gron``/``gul``/``rod``/``""``), ``status_kalla`` (``angiven``: the nämnd's;
        ``beräknad``: the rule; ``ej bedömd``: the rule does not apply), ``status_orsak``
        (why a mätetal is not judged, Swedish), ``nar_malvardet`` (True/False: the
        utfall reaches the målvärde; None when they cannot be compared), ``utveckling``
        (``battre``/``samre``/``oforandrad`` against the previous year, for a målvärde of
        a later year; ``""`` otherwise) and ``kommentar``. Empty when the kommun has no
        goal file or no goals for the year.
    """
    period = Period.parse(period)
    columns = ["namnd", "mal", "matetal", "enhet", "riktning", "utfall", "utfall_text",
               "utfall_period", "foregaende", "foregaende_text", "foregaende_enhet",
               "malvarde", "malvarde_text", "malar", "status", "status_kalla", "status_orsak",
               "nar_malvardet", "utveckling", "kommentar"]
    f = _prepared(data)
    if f is None:
        return pd.DataFrame(columns=columns)
    if namnd is not None:
        wanted = {namnd} if isinstance(namnd, str) else set(namnd)
        f = f[f["namnd"].isin(wanted)]
    now = f[(f["ar"] == period.year) & ((f["period"] == 0) | (f["period"] <= period.code))]
    now = _latest(now, undated_rank=0)      # a dated row wins over an undated one
    prev = _latest(f[f["ar"] == period.year - 1], undated_rank=0)
    order = f[f["ar"] == period.year].drop_duplicates(["k_namnd", "k_mal", "k_matetal"])[["k_namnd", "k_mal", "k_matetal"]]
    now = order.merge(now, on=["k_namnd", "k_mal", "k_matetal"], how="inner")

    by_full = {(r.k_namnd, r.k_mal, r.k_matetal): r for r in prev.itertuples(index=False)}
    by_matetal: dict[tuple, list] = {}
    for r in prev.itertuples(index=False):
        by_matetal.setdefault((r.k_namnd, r.k_matetal), []).append(r)

    rows = []
    for r in now.itertuples(index=False):
        before = by_full.get((r.k_namnd, r.k_mal, r.k_matetal))
        if before is None and len(by_matetal.get((r.k_namnd, r.k_matetal), [])) == 1:
            before = by_matetal[(r.k_namnd, r.k_matetal)][0]     # the goal was reworded
        utfall = _number(r.utfall, r.utfall_text)
        utfall_text = r.utfall_text
        # An undated row holds the year's value, known when the year is over: before
        # December it gives the målvärde, not an utfall (as of the period's end).
        arsvarde_ej_kant = int(r.period) == 0 and period.month < 12
        if arsvarde_ej_kant:
            utfall, utfall_text = math.nan, ""
        malvarde = _number(r.malvarde, r.malvarde_text)
        foregaende = np.nan if before is None else _number(before.utfall, before.utfall_text)
        fg_enhet = "" if before is None else str(before.enhet)
        konflikt = enhetskonflikt(r.enhet, r.utfall_text, r.malvarde_text)
        jamforbar = not konflikt and math.isfinite(utfall) and math.isfinite(malvarde)
        given = "" if arsvarde_ej_kant else str(r.status or "")
        malar = int(r.malar)
        if arsvarde_ej_kant:
            status, kalla = "", "ej bedömd"
            orsak = f"årets utfall redovisas när {period.year} är slut"
        elif given:
            status, kalla, orsak = given, "angiven", ""
        elif malar > period.year:
            status, kalla = "", "ej bedömd"
            orsak = f"målvärdet avser {malar}; utvecklingen mot föregående år visas i stället"
        elif konflikt:
            status, kalla, orsak = "", "ej bedömd", konflikt
        else:
            status, kalla = bedom_status(utfall, malvarde, r.riktning, marginal), "beräknad"
            orsak = "" if status else "utfall eller målvärde saknas som tal"
        utveckling = ""
        if malar > period.year and before is not None:
            utveckling = _utveckling(utfall, foregaende, r.riktning, r.enhet, fg_enhet,
                                     r.utfall_text, before.utfall_text)
        rows.append({
            "namnd": r.namnd, "mal": r.mal, "matetal": r.matetal, "enhet": r.enhet,
            "riktning": r.riktning, "utfall": utfall, "utfall_text": _shown(utfall_text),
            "utfall_period": int(r.period), "foregaende": foregaende,
            "foregaende_text": "–" if before is None else _shown(before.utfall_text),
            "foregaende_enhet": fg_enhet,
            "malvarde": malvarde, "malvarde_text": _shown(r.malvarde_text), "malar": malar,
            "status": status, "status_kalla": kalla, "status_orsak": orsak,
            "nar_malvardet": (bedom_status(utfall, malvarde, r.riktning, 0.0) == "gron")
            if jamforbar else None,
            "utveckling": utveckling, "kommentar": str(r.kommentar or ""),
        })
    return pd.DataFrame(rows, columns=columns)


def _utveckling(utfall: float, foregaende: float, riktning: str, enhet: object,
                fg_enhet: object, *texter: object) -> str:
    """``battre``/``samre``/``oforandrad`` from the previous year's value to this year's
    (``""`` when either is not a number or the units differ)."""
    if not (math.isfinite(utfall) and math.isfinite(foregaende)):
        return ""
    if normal_enhet(enhet) != normal_enhet(fg_enhet) or enhetskonflikt(enhet, *texter):
        return ""
    battre = (utfall - foregaende) if riktning == "hogre" else (foregaende - utfall)
    tol = 1e-9 * max(1.0, abs(foregaende))
    return "battre" if battre > tol else "samre" if battre < -tol else "oforandrad"


def _number(value: object, text: object) -> float:
    try:
        v = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        v = math.nan
    return v if math.isfinite(v) else tolka_varde(text)


def _shown(text: object) -> str:
    t = "" if text is None else str(text).strip()
    return t if t else "–"


def status_label(status: str) -> str:
    """'gron' → 'Grön' (the text that always accompanies the colour)."""
    return STATUS_TEXT[status]


def matetal_tabell(mt: pd.DataFrame, period: Period | str) -> pd.DataFrame:
    """One goal's (or nämnd's) mätetal as a report table (text as the nämnd wrote it).

    Columns: ``Mätetal``, ``Utfall <previous year>`` (with its unit when that differs
    from this year's), ``Utfall <period>``, ``Mål <year>`` — or ``Målvärde`` and
    ``Målår`` when some målvärde is for another year —, ``Enhet``, ``Bättre``,
    ``Status`` (a word; ``Ej bedömd`` with the målår for a later target), ``Utveckling``
    (only when some målvärde is for a later year) and ``Bedömning`` (``Nämnden`` or
    ``Beräknad``; ``–`` when there is no status).
    """
    period = Period.parse(period)
    malar = mt["malar"].astype(int).to_numpy() if "malar" in mt else np.full(len(mt), period.year)
    foregaende = [
        t if not e or normal_enhet(e) == normal_enhet(now) or t == "–" else f"{t} ({e})"
        for t, e, now in zip(mt["foregaende_text"], mt.get("foregaende_enhet", [""] * len(mt)),
                             mt["enhet"])]
    status = [status_label(s) + (f" (mål {a})" if not s and a > period.year else "")
              for s, a in zip(mt["status"], malar)]
    out = {
        "Mätetal": mt["matetal"].to_numpy(),
        f"Utfall {period.year - 1}": foregaende,
        f"Utfall {period.short_label}": mt["utfall_text"].to_numpy(),
    }
    other_year = bool((malar != period.year).any())
    if other_year:
        out["Målvärde"] = mt["malvarde_text"].to_numpy()
        out["Målår"] = [str(a) for a in malar]          # a year, not an amount
    else:
        out[f"Mål {period.year}"] = mt["malvarde_text"].to_numpy()
    out["Enhet"] = mt["enhet"].to_numpy()
    out["Bättre"] = [RIKTNING_TEXT[r].split()[0] for r in mt["riktning"]]
    out["Status"] = status
    if bool((malar > period.year).any()):
        out["Utveckling"] = [UTVECKLING_TEXT[u] for u in mt.get("utveckling", [""] * len(mt))]
    out["Bedömning"] = [KALLA_TEXT[k] if s else "–" for k, s in zip(mt["status_kalla"],
                                                                   mt["status"])]
    return pd.DataFrame(out)


def oversikt(mt: pd.DataFrame, data: Dataset) -> pd.DataFrame:
    """Status counts per nämnd (register order) and a ``Totalt`` row.

    Columns: ``Nämnd``, ``Mål`` (distinct goals), ``Mätetal``, ``Grön``, ``Gul``, ``Röd``,
    ``Ej bedömd``. Every mätetal is counted once: the four status columns sum to
    ``Mätetal``.
    """
    units = [u for u in data.register.ids if u in set(mt["namnd"])]
    rows = []
    for unit in units:
        sub = mt[mt["namnd"] == unit]
        counts = sub["status"].value_counts()
        rows.append({"Nämnd": data.register.namn(unit),
                     "Mål": int(sub["mal"].map(_key).nunique()), "Mätetal": len(sub),
                     **{STATUS_TEXT[s]: int(counts.get(s, 0)) for s in STATUSAR}})
    table = pd.DataFrame(rows, columns=["Nämnd", "Mål", "Mätetal",
                                        *[STATUS_TEXT[s] for s in STATUSAR]])
    total = {"Nämnd": "Totalt", **{c: int(table[c].sum()) for c in table.columns[1:]}}
    return pd.concat([table, pd.DataFrame([total])], ignore_index=True)


def mal_per_namnd(mt: pd.DataFrame) -> list[tuple[str, str, pd.DataFrame]]:
    """``(namnd, mål, mätetal rows)`` in file order, for the appendix."""
    out = []
    for (unit, goal), sub in mt.groupby(["namnd", "mal"], sort=False):
        out.append((str(unit), str(goal), sub))
    return out


def status_text(mt: pd.DataFrame) -> str:
    """'Av 24 mätetal är 12 gröna, 6 gula och 3 röda; 3 kan inte bedömas än. …'

    Says how many statuses the nämnder set themselves, how many mätetal have a målvärde
    for a later year (not judged against this year's value) and how many cannot be
    judged because of their units."""
    if mt.empty:
        return "Det finns inga mätetal för perioden."
    c = mt["status"].value_counts()
    kalla = mt["status_kalla"]
    parts = [f"{int(c.get('gron', 0))} gröna", f"{int(c.get('gul', 0))} gula",
             f"{int(c.get('rod', 0))} röda"]
    text = f"Av {len(mt)} mätetal är {parts[0]}, {parts[1]} och {parts[2]}"
    ej_tal = int(((mt["status"] == "") & (kalla == "beräknad")).sum())
    if ej_tal:
        text += f"; {ej_tal} kan inte bedömas med siffror (nytt mätetal eller utfall som text)"
    orsak = mt["status_orsak"] if "status_orsak" in mt else pd.Series("", index=mt.index)
    ej = kalla == "ej bedömd"
    senare = int((ej & orsak.str.startswith("målvärdet avser")).sum())
    enhet = int(ej.sum()) - senare
    if senare:
        text += (f"; {senare} har ett målvärde för ett senare år och bedöms inte mot årets "
                 "utfall (utvecklingen visas i stället)")
    if enhet:
        text += f"; {enhet} bedöms inte eftersom utfall och målvärde har olika enheter"
    angiven = int((kalla == "angiven").sum())
    text += (f". {angiven} av bedömningarna är nämndernas egna, övriga beräknade mot "
             f"målvärdet (gul = högst {round(GUL_MARGINAL * 100)} procent från målvärdet).")
    return text


def diagram_oversikt(table: pd.DataFrame, titel: str, radhojd: float = 0.42):
    """Horizontal stacked bars of the status counts per nämnd: colour, hatch *and* the
    count written in each bar, plus a legend with the words — never colour alone."""
    from matplotlib.figure import Figure

    from matplotlib.ticker import MaxNLocator

    t = table[table["Nämnd"] != "Totalt"].iloc[::-1]
    fig = Figure(figsize=(7.2, radhojd * len(t) + 1.4))
    ax = fig.subplots()
    left = np.zeros(len(t))
    styles = {"Grön": ("#4caf50", ""), "Gul": ("#ffc107", "//"), "Röd": ("#e53935", "xx"),
              "Ej bedömd": ("#bdbdbd", "..")}
    for label, (colour, hatch) in styles.items():
        values = t[label].to_numpy(dtype=float)
        bars = ax.barh(t["Nämnd"], values, left=left, color=colour, hatch=hatch,
                       edgecolor="white", label=label)
        for bar, v in zip(bars, values):
            if v > 0:
                ax.text(bar.get_x() + bar.get_width() / 2, bar.get_y() + bar.get_height() / 2,
                        f"{int(v)}", ha="center", va="center", fontsize=8,
                        bbox={"boxstyle": "round,pad=0.1", "fc": "white", "ec": "none",
                              "alpha": 0.8})
        left += values
    ax.set_title(titel, loc="left", fontsize=11, pad=22)
    ax.set_xlabel("antal mätetal")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.grid(axis="x", color="#dddddd", linewidth=0.8)
    ax.set_axisbelow(True)
    ax.spines[["top", "right"]].set_visible(False)
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=4, frameon=False, fontsize=8)
    fig.tight_layout()
    return fig


def visa_bilaga(mt: pd.DataFrame, data: Dataset, period: Period | str,
                rubrikniva: int | None = 3) -> None:
    """Show every nämnd's goals in a notebook: a heading per nämnd (none when
    ``rubrikniva`` is None), each goal as a mätetal table (status as a coloured label with
    its text) followed by the nämnd's comments."""
    from IPython.display import Markdown, display

    from analysis.rapport.tables import show_table

    period = Period.parse(period)
    if mt.empty:
        display(Markdown("Det finns inga mål och mätetal för perioden."))
        return
    current = None
    for unit, goal, rows in mal_per_namnd(mt):
        if unit != current and rubrikniva:
            current = unit
            display(Markdown(f"{'#' * rubrikniva} {data.register.namn(unit)}"))
        comments = [f"*{r.matetal}:* {r.kommentar}" for r in rows.itertuples() if r.kommentar]
        show_table(matetal_tabell(rows, period), f"Mål: {goal}",
                   name=f"mal-{unit}", status=["Status"])
        if comments:
            display(Markdown("\n\n".join(comments)))


def status_kort(mt: pd.DataFrame) -> str | None:
    """The goals in plain Swedish for the short version, or None without goals.

    The first sentence counts exactly the mätetal whose latest utfall reaches the
    målvärde (``nar_malvardet``), whoever set the status; the second gives the
    statuses. 'Av 38 mätetal når 12 sitt målvärde och 19 gör det inte än; 7 kan inte
    jämföras med målvärdet. Nämndernas och de beräknade bedömningarna: 18 gröna, …'"""
    if mt.empty:
        return None
    nar = mt["nar_malvardet"]
    ja = int((nar == True).sum())            # noqa: E712 (None is neither)
    nej = int((nar == False).sum())          # noqa: E712
    ovriga = len(mt) - ja - nej
    text = (f"Av {len(mt)} mätetal når {ja} sitt målvärde enligt det senaste utfallet och "
            f"{nej} gör det inte än")
    if ovriga:
        text += (f"; {ovriga} kan inte jämföras med målvärdet (nytt mätetal, utfall som text "
                 "eller olika enheter)")
    c = mt["status"].value_counts()
    ej = int(c.get("", 0))
    text += (f". Bedömningen, av nämnderna själva eller beräknad: {int(c.get('gron', 0))} "
             f"gröna, {int(c.get('gul', 0))} gula och {int(c.get('rod', 0))} röda"
             + (f"; {ej} är inte {'bedömt' if ej == 1 else 'bedömda'}." if ej else "."))
    return text
