"""The comparison with other kommuner (Kolada) in the kommun report, each nämnd's report
and the personnel report.

:func:`forbered_jamforelse` reads the Kolada cache (``data/raw/kolada/``, written by
``analysis kolada hamta``; the reports never touch the network) and the configuration of
the report's KPIs (:func:`analysis.io.kolada.las_konfiguration`, else the defaults of
:func:`analysis.io.kolada.standard_kpier`), and makes a :class:`Jamforelse`: per KPI and
each of the latest years, the kommun's value, the jämförelsegrupp's **unweighted mean**
over its member kommuner that have a value (the kommun itself left out) with the number of
those members, and riket's value — all for both genders together (Kolada's ``T``).

As of the period's end: a Kolada value of year *Y* is published after *Y* is over, so a
report for a period of year *P* shows the years up to *P* − 1 only (a report for April
2023 shows 2022 at most), however recent the cache is
(:func:`analysis.io.kolada.kolada_dated`).

:func:`visa_jamforelse` shows the intro sentence, the table and the source line
("Källa: Kolada (KPI N00090, …), hämtad …"); without a cache it shows one sentence that
the comparison is missing and how to fetch it, never zeros. A made-up cache (the sample's)
is said so in bold. :func:`kontrollera_jamforelse` checks every figure of the table
against the cache files read again with plain :mod:`json`.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from IPython.display import Markdown, display

from analysis.core.errors import ArgumentError
from analysis.core.format import datum, lista
from analysis.core.period import Period
from analysis.io import kolada as koladaio
from analysis.io.dataset import Dataset
from analysis.io.kolada import RIKET, Kolada
from analysis.io.readers import read_bytes
from analysis.kontroller.bas import Kontroller
from analysis.rapport.notebook import kommun_namn
from analysis.rapport.tables import show_table

#: How many of the latest years the table shows per KPI.
ANTAL_AR = 3
#: The table's columns (the kommun's column is named after the kommun).
NYCKELTAL = "Nyckeltal"
AR = "År"
GRUPP = "Jämförelsegrupp, medelvärde"
GRUPP_ANTAL = "Kommuner i gruppen med värde"
RIKET_KOLUMN = "Riket"
#: The check group of :func:`kontrollera_jamforelse`.
KONTROLL_GRUPP = "Jämförelse (Kolada)"
#: How to fetch the cache (shown when it is missing).
HAMTA_HJALP = (
    "`analysis kolada hamta --kommun KOD --ar 2019-2023 --jamfor GRUPP` "
    "(KOD = kommunens fyrsiffriga kommunkod, GRUPP = en kommungrupp i Kolada eller "
    "kommunkoder med kommatecken)"
)


@dataclass
class Jamforelse:
    """What the comparison section of one report shows; made by :func:`forbered_jamforelse`.

    ``tabell`` is ``None`` when there is nothing to show (no cache, no KPIs configured);
    ``text`` then says why and how to fix it. ``kpier`` are the report's KPIs,
    ``saknas`` those of them without any value up to ``senaste_ar`` (shown as ``–``).
    ``kommun_kolumn`` names the table's column of the kommun.
    """

    rapport: str
    namn: str
    period: Period
    senaste_ar: int
    kpier: tuple[str, ...]
    text: str
    tabell: pd.DataFrame | None = None
    kalla: str | None = None
    fiktiv: bool = False
    saknas: tuple[str, ...] = ()
    kommun_kolumn: str = ""
    kolada: Kolada | None = None
    raw_dir: Path | None = None
    grupp_medlemmar: tuple[str, ...] = field(default_factory=tuple)


def _rapport_id(data: Dataset, rapport: str) -> tuple[str, str]:
    """(id, name in text) of ``rapport``: ``kommun``, ``personal`` or a nämnd."""
    if rapport in koladaio.RAPPORTER:
        return rapport, (kommun_namn(data) if rapport == "kommun" else "personalrapporten")
    try:
        uid = data.register.resolve(rapport)
    except KeyError:
        uid = None
    if uid is None or uid not in data.register.namnder:
        raise ArgumentError(
            "rapport",
            f"väntade kommun, personal eller en nämnd i organisation.csv "
            f"({', '.join(data.register.namnder)}), inte {rapport!r}.",
        )
    return uid, data.register.namn(uid)


def verksamheter(data: Dataset, rapport: str) -> list[str]:
    """The verksamheter the ledger (``utfall``, ``budget``: column ``verksamhet``) names for
    ``rapport``: every nämnd's for ``kommun``, the nämnd's own for a nämnd, none for
    ``personal``."""
    if rapport == "personal":
        return []
    namnder = set(data.register.namnder) if rapport == "kommun" else {rapport}
    out: dict[str, None] = {}
    for kind in ("utfall", "budget"):
        frame = data.frames[kind] if kind in data.frames else None
        if frame is None or "verksamhet" not in frame or "namnd" not in frame:
            continue
        rows = frame.loc[frame["namnd"].astype(str).isin(namnder), "verksamhet"]
        for v in rows.dropna().astype(str).unique():
            if v.strip():
                out.setdefault(v, None)
    return list(out)


def _kpi_rad(
    k: Kolada, kpi: str, ar: int, members: tuple[str, ...]
) -> tuple[float, float, int, float]:
    """(kommun, group mean, members with a value, riket) of one KPI and year, gender T."""
    rows = k.varden[(k.varden["kpi"] == kpi) & (k.varden["ar"] == ar) & (k.varden["kon"] == "T")]
    by = dict(zip(rows["kommun"].astype(str), rows["varde"].astype(float), strict=True))
    grupp = [by[m] for m in members if m in by and not math.isnan(by[m])]
    medel = float(np.mean(grupp)) if grupp else math.nan
    return by.get(k.kommun, math.nan), medel, len(grupp), by.get(RIKET, math.nan)


def jamforelsetabell(
    k: Kolada, kpier: tuple[str, ...], senaste_ar: int, antal_ar: int = ANTAL_AR
) -> tuple[pd.DataFrame, tuple[str, ...]]:
    """The table of the section and the KPIs without any value.

    Per KPI, the latest ``antal_ar`` years up to ``senaste_ar`` in which the kommun, a
    member of the group or riket has a value (gender T), oldest first; a KPI without any
    gets one row with every figure missing.
    """
    members = tuple(m for m in k.jamfor if m != k.kommun)
    kommun = k.kommuner.get(k.kommun, k.kommun)
    rows = []
    saknas = []
    t = k.varden[(k.varden["kon"] == "T") & k.varden["varde"].notna()]
    for kpi in kpier:
        titel = k.kpier.get(kpi) or koladaio.TITLAR.get(kpi, "")
        label = f"{titel} ({kpi})" if titel else kpi
        years = sorted(
            int(y) for y in t.loc[(t["kpi"] == kpi) & (t["ar"] <= senaste_ar), "ar"].unique()
        )[-antal_ar:]
        if not years:
            saknas.append(kpi)
            rows.append([label, math.nan, math.nan, math.nan, math.nan, math.nan])
            continue
        for ar in years:
            v, medel, n, riket = _kpi_rad(k, kpi, ar, members)
            rows.append([label, ar, v, medel, n, riket])
    tabell = pd.DataFrame(rows, columns=[NYCKELTAL, AR, kommun, GRUPP, GRUPP_ANTAL, RIKET_KOLUMN])
    tabell[AR] = tabell[AR].astype("Int64")
    tabell[GRUPP_ANTAL] = tabell[GRUPP_ANTAL].astype("Int64")
    if not members:
        tabell = tabell.drop(columns=[GRUPP, GRUPP_ANTAL])
    return tabell, tuple(saknas)


def _hamtad(iso: str) -> str:
    try:
        return datum(dt.datetime.fromisoformat(iso).date())
    except ValueError:  # pragma: no cover - load_kolada checked it
        return iso


def forbered_jamforelse(
    data: Dataset, period: Period | str, rapport: str, *, antal_ar: int = ANTAL_AR
) -> Jamforelse:
    """The comparison section of ``rapport`` (``"kommun"``, ``"personal"`` or a nämnd id)
    for ``period``.

    Raises
    ------
    ArgumentError
        When ``rapport`` is none of these.
    InputError
        When a cache file or ``kolada/jamforelse.csv`` is bad (file, line, column).
    """
    period = Period.parse(period)
    rid, namn = _rapport_id(data, rapport)
    senaste = period.year - 1
    config = koladaio.las_konfiguration(data.raw_dir, data.register)
    if config is not None and rid in config:
        kpier = config[rid]
    else:
        kpier = koladaio.standard_kpier(rid, verksamheter(data, rid))
    base = Jamforelse(rid, namn, period, senaste, kpier, text="")
    if not kpier:
        base.text = (
            f"Inga nyckeltal från Kolada är valda för {namn}, så jämförelsen med andra kommuner "
            "saknas. Välj dem i `data/raw/kolada/jamforelse.csv` (kolumnerna `rapport;kpi`, en "
            f"rad per nyckeltal, t.ex. `{rid};N00090`) och hämta dem med "
            f"{HAMTA_HJALP}."
        )
        return base
    cache = koladaio.load_kolada(data.raw_dir)
    if cache is None:
        base.text = (
            "Jämförelsen med andra kommuner saknas: det finns ingen Kolada-cache i "
            f"`data/raw/kolada/`. Hämta den med {HAMTA_HJALP}; rapporten läser sedan "
            "bara den sparade cachen."
        )
        return base
    k = cache.as_of(period)
    tabell, saknas = jamforelsetabell(k, kpier, senaste, antal_ar)
    kommun = k.kommuner.get(k.kommun, k.kommun)
    members = tuple(m for m in k.jamfor if m != k.kommun)
    if members:
        grupp_namn = f"jämförelsegruppen {k.grupp_namn}" if k.grupp_namn else "jämförelsegruppen"
        medlem_namn = lista([k.kommuner.get(m, m) for m in members])
        grupp_text = (
            f"med {grupp_namn} och riket. Jämförelsegruppen visas som ovägt medelvärde av de "
            f"kommuner i gruppen som har ett värde för året ({medlem_namn}); {kommun} ingår "
            "inte i medelvärdet."
        )
    else:
        grupp_text = "med riket (ingen jämförelsegrupp är hämtad)."
    text = (
        f"Tabellen jämför {kommun} {grupp_text} Nyckeltalen avser kvinnor och män "
        f"tillsammans och de senaste åren Kolada redovisar till och med {senaste}: ett års "
        f"värden publiceras först efter årets slut, så uppgifter för {period.year} ingår inte "
        f"i en rapport för {period.label.lower()}."
    )
    if saknas:
        text += (
            f" För {lista(list(saknas))} finns inga värden i Kolada-cachen till och med "
            f"{senaste} (visas med –); hämta dem med {HAMTA_HJALP}."
        )
    if k.fiktiv:
        text = (
            "**Observera: jämförelsedata i detta avsnitt är påhittade (exempelkommunens "
            "fiktiva Kolada-cache) och inte hämtade från Kolada.**\n\n" + text
        )
    kalla = f"Källa: Kolada (KPI {lista(list(kpier))}), hämtad {_hamtad(k.hamtad)}."
    if k.fiktiv:
        kalla += " Påhittade uppgifter i Koladas format, inte Koladas siffror."
    return Jamforelse(
        rapport=rid,
        namn=namn,
        period=period,
        senaste_ar=senaste,
        kpier=kpier,
        text=text,
        tabell=tabell,
        kalla=kalla,
        fiktiv=k.fiktiv,
        saknas=saknas,
        kommun_kolumn=kommun,
        kolada=k,
        raw_dir=data.raw_dir,
        grupp_medlemmar=members,
    )


def visa_jamforelse(j: Jamforelse) -> None:
    """The section: the intro (or why the comparison is missing), the table, the source."""
    display(Markdown(j.text))
    if j.tabell is None:
        return
    value_cols = [c for c in j.tabell.columns if c not in (NYCKELTAL, AR, GRUPP_ANTAL)]
    shown = j.tabell.copy()
    # the KPI's name once, on its first year's row (the export keeps it on every row)
    shown[NYCKELTAL] = shown[NYCKELTAL].where(~shown[NYCKELTAL].duplicated(), "")
    show_table(
        shown,
        f"Jämförelse med andra kommuner, {j.namn}",
        name=f"kolada_{j.rapport}",
        decimals={c: 1 for c in value_cols},
        note=j.kalla,
    )


def _raw_values(raw_dir: Path) -> dict[tuple[str, str, int], float]:
    """(kpi, kommun, år) → value of gender T, read straight from the cache files with
    :mod:`json` (the second path of :func:`kontrollera_jamforelse`)."""
    out: dict[tuple[str, str, int], float] = {}
    for path in sorted((raw_dir / koladaio.FOLDER).glob("*.json")):
        if path.name.startswith("."):
            continue
        body = read_bytes(path, f"{koladaio.FOLDER}/{path.name}", raw_dir)
        doc = json.loads(body.decode("utf-8-sig"))
        for item in doc["values"]:
            for v in item["values"]:
                if v.get("gender") == "T" and not v.get("isdeleted"):
                    value = v.get("value")
                    out[(item["kpi"], item["municipality"], int(item["period"]))] = (
                        math.nan if value is None else float(value)
                    )
    return out


def kontrollera_jamforelse(k: Kontroller, j: Jamforelse) -> None:
    """Every figure of the table against the cache files read again with plain :mod:`json`
    (the kommun's and riket's values, the group's mean and count recomputed from the
    members' values), and that no year after ``senaste_ar`` is shown."""
    if j.tabell is None or j.raw_dir is None or j.kolada is None:
        return
    raw = _raw_values(j.raw_dir)
    kommun = j.kolada.kommun
    label_kpi = {}
    for kpi in j.kpier:
        titel = j.kolada.kpier.get(kpi) or koladaio.TITLAR.get(kpi, "")
        label_kpi[f"{titel} ({kpi})" if titel else kpi] = kpi
    for row in j.tabell.itertuples(index=False):
        values = dict(zip(j.tabell.columns, row, strict=True))
        kpi = label_kpi[str(values[NYCKELTAL])]
        ar = values[AR]
        if ar is pd.NA or (isinstance(ar, float) and math.isnan(ar)):
            ok = not any(key[0] == kpi and key[2] <= j.senaste_ar for key in raw)
            k.villkor(KONTROLL_GRUPP, f"{kpi}: inga värden till och med {j.senaste_ar}", ok)
            continue
        ar = int(ar)
        k.villkor(KONTROLL_GRUPP, f"{kpi} {ar}: året är senast {j.senaste_ar}", ar <= j.senaste_ar)
        k.lika(
            KONTROLL_GRUPP,
            f"{kpi} {ar}: {j.kommun_kolumn} mot cachefilen",
            values[j.kommun_kolumn],
            raw.get((kpi, kommun, ar), math.nan),
            tolerans=1e-9,
        )
        k.lika(
            KONTROLL_GRUPP,
            f"{kpi} {ar}: riket mot cachefilen",
            values[RIKET_KOLUMN],
            raw.get((kpi, RIKET, ar), math.nan),
            tolerans=1e-9,
        )
        if GRUPP in values:
            members = [
                raw[(kpi, m, ar)]
                for m in j.grupp_medlemmar
                if (kpi, m, ar) in raw and not math.isnan(raw[(kpi, m, ar)])
            ]
            expected = sum(members) / len(members) if members else math.nan
            k.lika(
                KONTROLL_GRUPP,
                f"{kpi} {ar}: jämförelsegruppens medelvärde mot cachefilerna",
                values[GRUPP],
                expected,
                tolerans=1e-9,
            )
            k.lika(
                KONTROLL_GRUPP,
                f"{kpi} {ar}: antal kommuner i gruppen med värde",
                float(values[GRUPP_ANTAL]),
                float(len(members)),
                tolerans=0,
            )


def blad(data: Dataset, period: Period | str) -> dict[str, pd.DataFrame]:
    """The comparison tables for the Excel export: one sheet per report that has a table
    (``kolada_kommun``, ``kolada_personal``, ``kolada_<nämnd>``), each with the source as
    its last row. Empty without a cache."""
    out: dict[str, pd.DataFrame] = {}
    for rapport in (*koladaio.RAPPORTER, *data.register.namnder):
        j = forbered_jamforelse(data, period, rapport)
        if j.tabell is None:
            continue
        source = pd.DataFrame({NYCKELTAL: [j.kalla]})
        out[f"kolada_{j.rapport}"] = pd.concat([j.tabell, source], ignore_index=True)
    return out
