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

from .dataset import Dataset
from .period import Period
from .register import name_key

#: Margin of a computed *gul* status, relative to the målvärde.
GUL_MARGINAL = 0.10
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

    Returns one row per mätetal in file order with columns ``namnd``, ``mal``,
    ``matetal``, ``enhet``, ``riktning``, ``utfall`` / ``utfall_text`` (this year),
    ``utfall_period`` (yyyymm of the value, 0 = undated), ``foregaende`` /
    ``foregaende_text`` (previous year), ``malvarde`` / ``malvarde_text``, ``status``
    (``gron``/``gul``/``rod``/``""``), ``status_kalla`` (``angiven``/``beräknad``) and
    ``kommentar``. Empty when the kommun has no goal file or no goals for the year.
    """
    period = Period.parse(period)
    columns = ["namnd", "mal", "matetal", "enhet", "riktning", "utfall", "utfall_text",
               "utfall_period", "foregaende", "foregaende_text", "malvarde", "malvarde_text",
               "status", "status_kalla", "kommentar"]
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
        malvarde = _number(r.malvarde, r.malvarde_text)
        given = str(r.status or "")
        status = given or bedom_status(utfall, malvarde, r.riktning, marginal)
        rows.append({
            "namnd": r.namnd, "mal": r.mal, "matetal": r.matetal, "enhet": r.enhet,
            "riktning": r.riktning, "utfall": utfall, "utfall_text": _shown(r.utfall_text),
            "utfall_period": int(r.period),
            "foregaende": np.nan if before is None else _number(before.utfall, before.utfall_text),
            "foregaende_text": "–" if before is None else _shown(before.utfall_text),
            "malvarde": malvarde, "malvarde_text": _shown(r.malvarde_text),
            "status": status, "status_kalla": "angiven" if given else "beräknad",
            "kommentar": str(r.kommentar or ""),
        })
    return pd.DataFrame(rows, columns=columns)


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
    """One goal's (or nämnd's) mätetal as a report table (text as the nämnd wrote it)."""
    period = Period.parse(period)
    return pd.DataFrame({
        "Mätetal": mt["matetal"].to_numpy(),
        f"Utfall {period.year - 1}": mt["foregaende_text"].to_numpy(),
        f"Utfall {period.short_label}": mt["utfall_text"].to_numpy(),
        f"Mål {period.year}": mt["malvarde_text"].to_numpy(),
        "Enhet": mt["enhet"].to_numpy(),
        "Bättre": [RIKTNING_TEXT[r].split()[0] for r in mt["riktning"]],
        "Status": [status_label(s) for s in mt["status"]],
    })


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
    """'Av 24 mätetal är 12 gröna, 6 gula och 3 röda; 3 kan inte bedömas än.'"""
    if mt.empty:
        return "Det finns inga mätetal för perioden."
    c = mt["status"].value_counts()
    parts = [f"{int(c.get('gron', 0))} gröna", f"{int(c.get('gul', 0))} gula",
             f"{int(c.get('rod', 0))} röda"]
    text = f"Av {len(mt)} mätetal är {parts[0]}, {parts[1]} och {parts[2]}"
    ej = int(c.get("", 0))
    if ej:
        text += f"; {ej} kan inte bedömas med siffror (nytt mätetal eller utfall som text)"
    angiven = int((mt["status_kalla"] == "angiven").sum())
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

    from .tables import show_table

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
    """The goal status in plain Swedish for the short version, or None without goals.

    'Av 38 mätetal når 18 sitt målvärde, 10 når det nästan och 3 når det inte; 7 kan inte
    bedömas än.'"""
    if mt.empty:
        return None
    c = mt["status"].value_counts()
    text = (f"Av {len(mt)} mätetal når {int(c.get('gron', 0))} sitt målvärde, "
            f"{int(c.get('gul', 0))} når det nästan och {int(c.get('rod', 0))} når det inte")
    ej = int(c.get("", 0))
    return text + (f"; {ej} kan inte bedömas än." if ej else ".")
