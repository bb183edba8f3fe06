"""Goal follow-up (måluppföljning) from ``mal/matetal``: which mätetal a report shows.

Each row of the file is one mätetal of one goal of one nämnd in one year: its målvärde,
its utfall and which direction is better. A report shows, per nämnd, every goal with its
mätetal (utfall this year, the previous year's utfall, målvärde) and a status
(:mod:`analysis.mal.status`).

When the status rule applies
----------------------------
The rule (:func:`analysis.mal.status.bedom_status`) is applied only where it means
something; otherwise the mätetal is *ej bedömd* and the reason is given (``status_kalla``
``"ej bedömd"``, ``status_orsak``):

* **The målvärde's year.** The optional column ``malar`` says which year the målvärde is
  for (empty = the row's ``ar``). A target for a later year (``15 %`` women in 2030) is
  not judged against this year's value; the report shows the development against the
  previous year instead (``utveckling``: ``bättre``, ``sämre``, ``oförändrad``).
* **Units.** A unit written in a cell (``73%``, ``140 468 kg``) must agree with the
  other cell and with ``enhet``; ``73`` as an index and ``73%`` are never compared. The
  previous year's value is compared only when its ``enhet`` is the same.

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

from analysis.core.format import MINUS, MISSING
from analysis.core.labels import TOTALT
from analysis.core.period import Period
from analysis.core.register import name_key
from analysis.io.dataset import Dataset
from analysis.mal.status import GUL_MARGINAL, STATUS_TEXT, STATUSAR, bedom_status

_NUMBER = re.compile(
    r"^\s*(?:(?:minst|lägst|högst|max(?:imalt)?|under|över|mindre än|mer än|färre än|"
    r"fler än|ca\.?|cirka|drygt|knappt)\s+)?(?:plats\s+)?"
    r"([-+\u2212]?\s?(?:\d{1,3}(?:[ \u00a0\u202f]\d{3})+|\d+)(?:[.,]\d+)?)(?!\d)",
    re.IGNORECASE,
)


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
    number = re.sub(r"[\s\u00a0\u202f]", "", m.group(1)).replace(MINUS, "-")
    return float(number.replace(",", "."))


#: Units written after a number in a cell, in their normal form (case-insensitive).
_ENHET_ORD = {
    "%": "%",
    "procent": "%",
    "kg": "kg",
    "ton": "ton",
    "st": "st",
    "kr": "kr",
    "tkr": "tkr",
    "mkr": "mkr",
    "index": "index",
    "dagar": "dagar",
    "timmar": "timmar",
    "personer": "personer",
}
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
    return (
        rows.groupby(["k_namnd", "k_mal", "k_matetal"], sort=False)
        .tail(1)
        .drop(columns=["_rank", "_pos"])
    )


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


def matetal(
    data: Dataset,
    period: Period | str,
    namnd: str | Iterable[str] | None = None,
    marginal: float = GUL_MARGINAL,
) -> pd.DataFrame:
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
    columns = [
        "namnd",
        "mal",
        "matetal",
        "enhet",
        "riktning",
        "utfall",
        "utfall_text",
        "utfall_period",
        "foregaende",
        "foregaende_text",
        "foregaende_enhet",
        "malvarde",
        "malvarde_text",
        "malar",
        "status",
        "status_kalla",
        "status_orsak",
        "nar_malvardet",
        "utveckling",
        "kommentar",
    ]
    f = _prepared(data)
    if f is None:
        return pd.DataFrame(columns=columns)
    if namnd is not None:
        wanted = {namnd} if isinstance(namnd, str) else set(namnd)
        f = f[f["namnd"].isin(wanted)]
    now = f[(f["ar"] == period.year) & ((f["period"] == 0) | (f["period"] <= period.code))]
    now = _latest(now, undated_rank=0)  # a dated row wins over an undated one
    prev = _latest(f[f["ar"] == period.year - 1], undated_rank=0)
    order = f[f["ar"] == period.year].drop_duplicates(["k_namnd", "k_mal", "k_matetal"])[
        ["k_namnd", "k_mal", "k_matetal"]
    ]
    now = order.merge(now, on=["k_namnd", "k_mal", "k_matetal"], how="inner")

    by_full = {(r.k_namnd, r.k_mal, r.k_matetal): r for r in prev.itertuples(index=False)}
    by_matetal: dict[tuple, list] = {}
    for r in prev.itertuples(index=False):
        by_matetal.setdefault((r.k_namnd, r.k_matetal), []).append(r)

    rows = []
    for r in now.itertuples(index=False):
        before = by_full.get((r.k_namnd, r.k_mal, r.k_matetal))
        if before is None and len(by_matetal.get((r.k_namnd, r.k_matetal), [])) == 1:
            before = by_matetal[(r.k_namnd, r.k_matetal)][0]  # the goal was reworded
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
            utveckling = _utveckling(
                utfall, foregaende, r.riktning, r.enhet, fg_enhet, r.utfall_text, before.utfall_text
            )
        rows.append(
            {
                "namnd": r.namnd,
                "mal": r.mal,
                "matetal": r.matetal,
                "enhet": r.enhet,
                "riktning": r.riktning,
                "utfall": utfall,
                "utfall_text": _shown(utfall_text),
                "utfall_period": int(r.period),
                "foregaende": foregaende,
                "foregaende_text": MISSING if before is None else _shown(before.utfall_text),
                "foregaende_enhet": fg_enhet,
                "malvarde": malvarde,
                "malvarde_text": _shown(r.malvarde_text),
                "malar": malar,
                "status": status,
                "status_kalla": kalla,
                "status_orsak": orsak,
                "nar_malvardet": (bedom_status(utfall, malvarde, r.riktning, 0.0) == "gron")
                if jamforbar
                else None,
                "utveckling": utveckling,
                "kommentar": str(r.kommentar or ""),
            }
        )
    return pd.DataFrame(rows, columns=columns)


def _utveckling(
    utfall: float,
    foregaende: float,
    riktning: str,
    enhet: object,
    fg_enhet: object,
    *texter: object,
) -> str:
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
    return t if t else MISSING


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
        rows.append(
            {
                "Nämnd": data.register.namn(unit),
                "Mål": int(sub["mal"].map(_key).nunique()),
                "Mätetal": len(sub),
                **{STATUS_TEXT[s]: int(counts.get(s, 0)) for s in STATUSAR},
            }
        )
    table = pd.DataFrame(
        rows, columns=["Nämnd", "Mål", "Mätetal", *[STATUS_TEXT[s] for s in STATUSAR]]
    )
    total = {"Nämnd": TOTALT, **{c: int(table[c].sum()) for c in table.columns[1:]}}
    return pd.concat([table, pd.DataFrame([total])], ignore_index=True)


def mal_per_namnd(mt: pd.DataFrame) -> list[tuple[str, str, pd.DataFrame]]:
    """``(namnd, mål, mätetal rows)`` in file order, for the appendix."""
    out = []
    for (unit, goal), sub in mt.groupby(["namnd", "mal"], sort=False):
        out.append((str(unit), str(goal), sub))
    return out
