"""How the goal follow-up looks: the mätetal table of a goal, the status chart and the
appendix of every nämnd's goals (the figures come from :mod:`analysis.mal`)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from analysis.core.format import MISSING, antal, lista
from analysis.core.labels import TOTALT
from analysis.core.period import Period
from analysis.io.dataset import Dataset
from analysis.kontroller.bas import Kontroller
from analysis.mal.matetal import mal_per_namnd, normal_enhet
from analysis.mal.status import KALLA_TEXT, RIKTNING_TEXT, UTVECKLING_TEXT, status_label
from analysis.rapport.charts import tick
from analysis.rapport.tables import show_table

#: Colour and hatch of each status in the chart (never colour alone).
STATUS_STIL = {
    "Grön": ("#4caf50", ""),
    "Gul": ("#ffc107", "//"),
    "Röd": ("#e53935", "xx"),
    "Ej bedömd": ("#bdbdbd", ".."),
}


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
        t if not e or normal_enhet(e) == normal_enhet(now) or t == MISSING else f"{t} ({e})"
        for t, e, now in zip(
            mt["foregaende_text"],
            mt.get("foregaende_enhet", [""] * len(mt)),
            mt["enhet"],
            strict=False,
        )
    ]
    status = [
        status_label(s) + (f" (mål {a})" if not s and a > period.year else "")
        for s, a in zip(mt["status"], malar, strict=False)
    ]
    out = {
        "Mätetal": mt["matetal"].to_numpy(),
        f"Utfall {period.year - 1}": foregaende,
        f"Utfall {period.short_label}": mt["utfall_text"].to_numpy(),
    }
    other_year = bool((malar != period.year).any())
    if other_year:
        out["Målvärde"] = mt["malvarde_text"].to_numpy()
        out["Målår"] = [str(a) for a in malar]  # a year, not an amount
    else:
        out[f"Mål {period.year}"] = mt["malvarde_text"].to_numpy()
    out["Enhet"] = mt["enhet"].to_numpy()
    out["Bättre"] = [RIKTNING_TEXT[r].split()[0] for r in mt["riktning"]]
    out["Status"] = status
    if bool((malar > period.year).any()):
        out["Utveckling"] = [UTVECKLING_TEXT[u] for u in mt.get("utveckling", [""] * len(mt))]
    out["Bedömning"] = [
        KALLA_TEXT[k] if s else MISSING
        for k, s in zip(mt["status_kalla"], mt["status"], strict=False)
    ]
    return pd.DataFrame(out)


def diagram_oversikt(table: pd.DataFrame, titel: str, radhojd: float = 0.42) -> Figure:
    """Horizontal stacked bars of the status counts per nämnd (the table of
    :func:`analysis.mal.matetal.oversikt`): colour, hatch *and* the count written in each
    bar, plus a legend with the words — never colour alone."""
    t = table[table["Nämnd"] != TOTALT].iloc[::-1]
    fig = Figure(figsize=(7.2, radhojd * len(t) + 1.4))
    ax = fig.subplots()
    left = np.zeros(len(t))
    for label, (colour, hatch) in STATUS_STIL.items():
        values = t[label].to_numpy(dtype=float)
        bars = ax.barh(
            t["Nämnd"], values, left=left, color=colour, hatch=hatch, edgecolor="white", label=label
        )
        for bar, v in zip(bars, values, strict=False):
            if v > 0:
                ax.text(
                    bar.get_x() + bar.get_width() / 2,
                    bar.get_y() + bar.get_height() / 2,
                    antal(v),
                    ha="center",
                    va="center",
                    fontsize=8,
                    bbox={"boxstyle": "round,pad=0.1", "fc": "white", "ec": "none", "alpha": 0.8},
                )
        left += values
    ax.set_title(titel, loc="left", fontsize=11, pad=22)
    ax.set_xlabel("antal mätetal")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.xaxis.set_major_formatter(FuncFormatter(tick))
    ax.grid(axis="x", color="#dddddd", linewidth=0.8)
    ax.set_axisbelow(True)
    ax.spines[["top", "right"]].set_visible(False)
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=4, frameon=False, fontsize=8)
    fig.tight_layout()
    return fig


def visa_bilaga(
    mt: pd.DataFrame, data: Dataset, period: Period | str, rubrikniva: int | None = 3
) -> None:
    """Show every nämnd's goals in a notebook: a heading per nämnd (none when
    ``rubrikniva`` is None), each goal as a mätetal table (status as a coloured label with
    its text) followed by the nämnd's comments."""
    from IPython.display import Markdown, display

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
        show_table(
            matetal_tabell(rows, period), f"Mål: {goal}", name=f"mal-{unit}", status=["Status"]
        )
        if comments:
            display(Markdown("\n\n".join(comments)))


# --- the follow-up per KF-mål (the kommun report) -------------------------------------

#: What the report says when the mätetal name no KF-mål.
EJ_KF_TEXT = (
    "Nämndernas mål är inte kopplade till kommunfullmäktiges mål: filen mal/matetal.csv "
    "har ingen ifylld kolumn kf_mal. Någon uppföljning per KF-mål kan därför inte göras; "
    "nämndernas mål följs upp per nämnd nedan."
)
_FORMER = {"gron": ("grönt", "gröna"), "gul": ("gult", "gula"), "rod": ("rött", "röda")}


def _status_mening(rows: pd.DataFrame) -> str:
    """'Av 7 mätetal är 2 gröna, 3 gula och 1 rött; 1 är inte bedömt.'"""
    c = rows["status"].value_counts()
    parts = []
    for s, (en, flera) in _FORMER.items():
        n = int(c.get(s, 0))
        parts.append(f"{antal(n)} {en if n == 1 else flera}")
    text = f"Av {antal(len(rows))} mätetal är {parts[0]}, {parts[1]} och {parts[2]}"
    ej = int(c.get("", 0))
    if ej:
        text += f"; {antal(ej)} är inte {'bedömt' if ej == 1 else 'bedömda'}"
    return text + "."


def kf_tabell(uppfoljning: pd.DataFrame) -> pd.DataFrame:
    """The overview per KF-mål as a report table (:func:`analysis.mal.kf.kf_uppfoljning`):
    ``KF-mål``, ``Nämnder`` (how many contribute), ``Mål``, ``Mätetal`` and the four
    status counts."""
    return pd.DataFrame(
        {
            "KF-mål": uppfoljning["kf_mal"].to_numpy(),
            "Nämnder": [len(v) for v in uppfoljning["namnder"]],
            "Mål": uppfoljning["mal"].to_numpy(),
            "Mätetal": uppfoljning["matetal"].to_numpy(),
            **{c: uppfoljning[c].to_numpy() for c in ("Grön", "Gul", "Röd", "Ej bedömd")},
        }
    )


def kf_text(mt_kf: pd.DataFrame, kf_mal: str, data: Dataset) -> str:
    """The paragraph of one KF-mål: which nämnder's goals contribute (the most
    mätetal first, at most three named "framför allt") and the status counts."""
    rows = mt_kf[[kf_mal in v for v in mt_kf["kf_mal"]]]
    if rows.empty:
        return "Inga av nämndernas mätetal är kopplade till målet."
    counts = rows["namnd"].value_counts(sort=False)
    order = sorted(counts.index, key=lambda u: (-counts[u], data.register.ids.index(u)))
    names = [data.register.namn(u) for u in order]
    if len(names) == 1:
        vem = f"Det är {names[0]} som bidrar till måluppfyllelsen med sina mål."
    elif len(names) <= 3:
        vem = f"I kommunen är det {lista(names)} som bidrar till måluppfyllelsen."
    else:
        vem = (
            f"I kommunen är det framför allt {lista(names[:3])} som bidrar till "
            f"måluppfyllelsen (av {antal(len(names))} nämnder med mål kopplade hit)."
        )
    return f"{vem} {_status_mening(rows)}"


def visa_kf_mal(mt: pd.DataFrame, data: Dataset, period: Period | str, rubrikniva: int = 3) -> None:
    """The follow-up per KF-mål in the kommun report: the overview table, then per
    KF-mål a heading, :func:`kf_text` and an example of a nämnd goal
    (:func:`analysis.mal.kf.exempel`) with its mätetal and comments; or that the goals
    are not linked to KF-mål, or that there are no mätetal."""
    from IPython.display import Markdown, display

    from analysis.mal.kf import EJ_KOPPLAD, exempel, kf_kopplade, kf_uppfoljning, med_kf_mal

    period = Period.parse(period)
    if mt.empty:
        display(Markdown("Kommunen har inga mål och mätetal för perioden."))
        return
    if not kf_kopplade(data):
        display(Markdown(EJ_KF_TEXT))
        return
    mt_kf = med_kf_mal(mt, data, period)
    upp = kf_uppfoljning(mt_kf, data)
    show_table(
        kf_tabell(upp),
        f"Nämndernas mätetal per KF-mål, {period.short_label}",
        name="kf-mal",
        note="Ett mätetal som är kopplat till flera KF-mål räknas under vart och ett.",
    )
    for kf in upp["kf_mal"]:
        if kf == EJ_KOPPLAD:
            rows = mt_kf[[not v for v in mt_kf["kf_mal"]]]
            display(
                Markdown(
                    f"{'#' * rubrikniva} {EJ_KOPPLAD}\n\n{_status_mening(rows)} Målen är "
                    + lista(
                        sorted(
                            {f"{r.mal} ({data.register.namn(r.namnd)})" for r in rows.itertuples()}
                        )
                    )
                    + "."
                )
            )
            continue
        display(Markdown(f"{'#' * rubrikniva} {kf}\n\n{kf_text(mt_kf, kf, data)}"))
        ex = exempel(mt_kf, kf)
        if ex.empty:
            continue
        unit, goal = str(ex["namnd"].iloc[0]), str(ex["mal"].iloc[0])
        show_table(
            matetal_tabell(ex, period),
            f"Exempel på nämndsmål: {goal} ({data.register.namn(unit)})",
            name=f"kf-exempel-{unit}",
            status=["Status"],
        )
        comments = [f"*{r.matetal}:* {r.kommentar}" for r in ex.itertuples() if r.kommentar]
        if comments:
            display(Markdown("\n\n".join(comments)))


def kontrollera_kf(k: Kontroller, mt: pd.DataFrame, data: Dataset, period: Period | str) -> None:
    """Check the follow-up per KF-mål against the goal file counted directly: for every
    KF-mål the number of mätetal (distinct nämnd, mål and mätetal of the report year,
    rows known at the period's end, whose ``kf_mal`` names it) equals the table's
    ``matetal``, and each row's status counts sum to it. Nothing without links."""
    from analysis.mal.kf import KF_KOLUMN, kf_kopplade, kf_uppfoljning, med_kf_mal

    p = Period.parse(period)
    if mt.empty or not kf_kopplade(data):
        return
    upp = kf_uppfoljning(med_kf_mal(mt, data, p), data).set_index("kf_mal")
    raw = data.frames["matetal"]
    raw = raw[raw["ar"].astype(int) == p.year].copy()
    raw["_code"] = pd.to_numeric(raw["period"], errors="coerce").fillna(0)
    raw = raw[(raw["_code"] == 0) | (raw["_code"] <= p.code)]
    raw["_kf"] = raw[KF_KOLUMN].fillna("").astype(str)
    raw = raw[raw["_kf"].str.replace("|", "").str.strip().str.casefold().ne("")]
    raw = raw[~raw["_kf"].str.strip().str.casefold().isin(["nan", "none"])]
    for col in ("mal", "matetal"):
        raw[f"_{col}"] = raw[col].astype(str).str.split().str.join(" ").str.casefold()
    # the latest row with a link, per mätetal (undated rows first, then by month)
    raw = raw.sort_values("_code", kind="stable").drop_duplicates(
        ["namnd", "_mal", "_matetal"], keep="last"
    )
    direct: dict[str, int] = {}
    for links in raw["_kf"]:
        for part in links.split("|"):
            name = " ".join(part.split())
            if name:
                direct[name] = direct.get(name, 0) + 1
    for name, n in direct.items():
        found = float(upp.loc[name, "matetal"]) if name in upp.index else 0.0
        k.lika("Mål per KF-mål", f"Antal mätetal: {name}", found, float(n), tolerans=0)
    for name, row in upp.iterrows():
        k.lika(
            "Mål per KF-mål",
            f"Statusar summerar till antalet mätetal: {name}",
            float(row[["Grön", "Gul", "Röd", "Ej bedömd"]].sum()),
            float(row["matetal"]),
            tolerans=0,
        )
