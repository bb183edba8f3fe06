"""The statutory statements in a report: balansräkning, kassaflödesanalys and
balanskravsutredning, in mkr, with their short texts and checks.

A notebook calls :func:`forbered` once, then :func:`visa_balansrakning`,
:func:`visa_kassaflode`, :func:`visa_balanskrav` and :func:`kontrollera`. The figures come
from :mod:`analysis.ekonomi.balans`, :mod:`analysis.ekonomi.kassaflode` and
:mod:`analysis.ekonomi.balanskrav`; :func:`exportblad` gives the same tables unrounded
(tkr) for the Excel export.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
import re
from dataclasses import dataclass

import pandas as pd
from IPython.display import Markdown, display

from analysis.core.format import datum, mkr
from analysis.core.period import Period
from analysis.ekonomi import balans as ebalans
from analysis.ekonomi import balanskrav as ebalanskrav
from analysis.ekonomi import kassaflode as ekassaflode
from analysis.ekonomi.resultat import compute_resultatrakning
from analysis.io.dataset import Dataset
from analysis.kontroller import bokslut as kbokslut
from analysis.kontroller import text as textkontroller
from analysis.kontroller.bas import AVRUNDNING, Kontroller
from analysis.kontroller.text import TEXT_GRUPP
from analysis.rapport.tables import show_table


@dataclass
class Bokslut:
    """What the section shows for one period (made by :func:`forbered`)."""

    data: Dataset
    period: Period
    rr: pd.DataFrame
    balans: pd.DataFrame | None
    kassaflode: pd.DataFrame | None
    balanskrav: pd.DataFrame
    saknas: str | None
    text_balans: str
    text_kassaflode: str
    text_balanskrav: str


def _miljoner(tkr: float) -> str:
    return mkr(abs(tkr), decimaler=None, enhet="miljoner kronor")


def _slutdatum(year: int, month: int) -> str:
    return datum(dt.date(year, month, calendar.monthrange(year, month)[1]))


def text_balans(br: pd.DataFrame | None, saknas: str | None, helar: bool = False) -> str:
    """The balansräkning's sentence: the balansomslutning and its change since the
    year-end (or why there is no balansräkning)."""
    if br is None:
        return saknas or "Balansräkning saknas."
    now = ebalans.rad(br, ebalans.SUMMA_TILLGANGAR)
    ib = ebalans.rad(br, ebalans.SUMMA_TILLGANGAR, "ib")
    change = now - ib
    if abs(change) < 50:  # less than 0,05 mkr: 0,0 miljoner kronor in print
        jamfort = "ungefär lika mycket som vid årsskiftet"
    else:
        jamfort = f"{_miljoner(change)} {'mer' if change > 0 else 'mindre'} än vid årsskiftet"
    resultat = ebalans.rad(br, ebalans.ARETS_RESULTAT)
    belopp = f"{'−' if resultat < 0 else ''}{_miljoner(resultat)}"
    if helar:
        sist = f"Årets resultat ({belopp}) förs till det egna kapitalet i bokslutet."
    else:
        sist = f"Periodens resultat ({belopp}) ingår i det egna kapitalet som årets resultat."
    return f"Balansomslutningen uppgår till {_miljoner(now)}, {jamfort}. {sist}"


def text_kassaflode(kf: pd.DataFrame | None, period: Period, saknas: str | None) -> str:
    """The kassaflödesanalys's sentence: the operating and investing flows and the change
    in likvida medel."""
    if kf is None:
        return (saknas or "Balansräkning saknas.").replace(
            "Balansräkning saknas", "Kassaflödesanalys saknas"
        )
    t = kf.set_index("rad")["period"]
    lopande = float(t[ekassaflode.LOPANDE])
    inv = float(t[ekassaflode.INVESTERINGAR])
    flode = float(t[ekassaflode.KASSAFLODE])
    ub = float(t[ekassaflode.LIKVIDA_UB])
    if math.isnan(inv):
        investeringar = (
            "investeringarna saknas (filen ekonomi/investeringar.csv finns inte), så "
            "kassaflödet kan inte beräknas"
        )
        return (
            f"Kassaflödet från den löpande verksamheten uppgår till "
            f"{'−' if lopande < 0 else ''}{_miljoner(lopande)}; {investeringar}. Likvida "
            f"medel uppgår till {_miljoner(ub)} den {_slutdatum(period.year, period.month)}."
        )
    riktning = "ökat" if flode > 0 else "minskat"
    return (
        f"Kassaflödet från den löpande verksamheten uppgår till "
        f"{'−' if lopande < 0 else ''}{_miljoner(lopande)} {period.range_text} och "
        f"investeringarna till {_miljoner(inv)}. Likvida medel har {riktning} med "
        f"{_miljoner(flode)} sedan årsskiftet, till {_miljoner(ub)}."
    )


def text_balanskrav(bk: pd.DataFrame, period: Period) -> str:
    """The balanskravsutredning's sentences: the (forecast) balanskravsresultat, whether
    the balanskrav is met, what is left of earlier deficits, and what the figures rest on."""
    t = bk.set_index("rad")
    col = "period" if period.is_full_year else "prognos"
    krav = float(t.loc[ebalanskrav.BALANSKRAVSRESULTAT, col])
    tecken = "−" if krav < 0 else ""
    if period.is_full_year:
        first = f"Balanskravsresultatet för {period.year} uppgår till {tecken}{_miljoner(krav)}."
    elif bk.attrs.get("har_prognos", True):
        first = (
            f"Balanskravsresultatet för helåret {period.year} beräknas enligt prognosen till "
            f"{tecken}{_miljoner(krav)}."
        )
    else:
        first = (
            f"Ingen prognos är lämnad; med budgeten som helårsbedömning blir "
            f"balanskravsresultatet {tecken}{_miljoner(krav)}."
        )
    if period.is_full_year:
        uppfylls = "Balanskravet uppfylls." if krav >= 0 else "Balanskravet uppfylls inte."
    else:  # a judgement on a forecast, not a fact
        uppfylls = (
            "Balanskravet bedöms uppfyllas." if krav >= 0 else "Balanskravet bedöms inte uppfyllas."
        )
    parts = [first, uppfylls]
    underskott = float(t.loc[ebalanskrav.UNDERSKOTT, col])
    if underskott > 0:
        kvar = max(underskott - max(krav, 0.0), 0.0)
        parts.append(
            f"Ej återställda underskott från tidigare år uppgår till {_miljoner(underskott)}"
            + (
                f"; av dem återstår {_miljoner(kvar)} att återställa efter årets resultat."
                if kvar > 0
                else ", och de återställs med årets resultat."
            )
        )
    if not bk.attrs.get("justeringar_angivna", False):
        parts.append(
            "Inga balanskravsjusteringar är angivna (filen ekonomi/balanskrav.csv finns "
            "inte), så justeringarna för undantag och resultatutjämningsreserv är noll."
        )
    vinster = float(t.loc[ebalanskrav.REALISATIONSVINSTER_RAD, "period"])
    if not period.is_full_year and bk.attrs.get("prognos_realisationsvinster") == "utfall":
        if vinster != 0:
            parts.append(
                "Prognosen anger inte realisationsvinster för helåret; de realisationsvinster "
                f"som har uppstått {period.range_text} ({_miljoner(vinster)}) räknas av."
            )
        else:
            parts.append("Prognosen anger inga realisationsvinster för helåret.")
    return " ".join(parts)


def forbered(data: Dataset, period: Period | str) -> Bokslut:
    """The three statements of ``period`` and their texts, computed once."""
    period = Period.parse(period)
    rr = compute_resultatrakning(data, period)
    saknas = ebalans.saknas(data, period)
    br = ebalans.balansrakning(data, period)
    kf = ekassaflode.kassaflodesanalys(data, period)
    bk = ebalanskrav.balanskravsutredning(data, period, rr)
    return Bokslut(
        data=data,
        period=period,
        rr=rr,
        balans=br,
        kassaflode=kf,
        balanskrav=bk,
        saknas=saknas,
        text_balans=text_balans(br, saknas, period.is_full_year),
        text_kassaflode=text_kassaflode(kf, period, saknas),
        text_balanskrav=text_balanskrav(bk, period),
    )


def _i_mkr(frame: pd.DataFrame, columns: dict[str, str]) -> tuple[pd.DataFrame, list[int]]:
    """The table without heading rows, in mkr, with the given column labels; and the
    positions of its sum rows."""
    shown = frame[frame["niva"] != "rubrik"].reset_index(drop=True)
    out = pd.DataFrame({"": shown["rad"]})
    for col, label in columns.items():
        out[label] = shown[col].astype(float) / 1000
    return out, [i for i, n in enumerate(shown["niva"]) if n == "summa"]


def balans_tabell(u: Bokslut) -> tuple[pd.DataFrame, list[int]] | None:
    """The balansräkning as shown (mkr) and its sum rows; ``None`` without one."""
    if u.balans is None:
        return None
    y, m = u.period.year, u.period.month
    return _i_mkr(
        u.balans,
        {
            "period": _slutdatum(y, m),
            "ib": _slutdatum(y - 1, 12),
            "fg_ar": _slutdatum(y - 1, m),
        },
    )


def visa_balansrakning(u: Bokslut) -> None:
    """The balansräkning (mkr) with its sentence, or the text saying why it is missing."""
    display(Markdown(u.text_balans))
    shown = balans_tabell(u)
    if shown is None:
        return
    table, sums = shown
    show_table(
        table,
        f"Balansräkning {u.period.short_label}, mkr",
        name="balansrakning",
        decimals=0,
        sum_rows=sums,
        note=(
            "Årets resultat är resultaträkningens resultat för perioden enligt utfallet; det "
            "förs till eget kapital först i bokslutet. " + AVRUNDNING
        ),
    )


def visa_kassaflode(u: Bokslut) -> None:
    """The kassaflödesanalys (mkr) with its sentence."""
    display(Markdown(u.text_kassaflode))
    if u.kassaflode is None:
        return
    fg = u.period.previous_year
    table, sums = _i_mkr(
        u.kassaflode,
        {"period": u.period.short_label, "fg_ar": fg.short_label},
    )
    show_table(
        table,
        f"Kassaflödesanalys {u.period.short_label}, mkr",
        name="kassaflodesanalys",
        decimals=0,
        sum_rows=sums,
        note="Likvida medel är kassa, bank och kortfristiga placeringar. " + AVRUNDNING,
    )


def visa_balanskrav(u: Bokslut) -> None:
    """The balanskravsutredning (mkr) with its sentences."""
    display(Markdown(u.text_balanskrav))
    prognos = "Prognos helår" if u.balanskrav.attrs.get("har_prognos", True) else "Budget helår"
    table, sums = _i_mkr(
        u.balanskrav,
        {
            "period": f"Utfall {u.period.short_label}",
            "prognos": f"{prognos} {u.period.year}",
            "fg_ar": f"Utfall {u.period.year - 1}",
        },
    )
    show_table(
        table,
        f"Balanskravsutredning {u.period.short_label}, mkr",
        name="balanskravsutredning",
        decimals=0,
        sum_rows=sums,
        note=AVRUNDNING,
    )


def kontrollera(k: Kontroller, u: Bokslut) -> None:
    """The checks of the three statements (:mod:`analysis.kontroller.bokslut`)."""
    if u.balans is not None:
        kbokslut.kontrollera_balansrakning(k, u.data, u.period, u.balans, u.rr)
        kbokslut.kontrollera_ingaende_balans(k, u.data, u.period.year)
    if u.kassaflode is not None:
        kbokslut.kontrollera_kassaflode(k, u.data, u.period, u.kassaflode)
    kbokslut.kontrollera_balanskrav(k, u.data, u.period, u.balanskrav)
    texterna = "\n".join((u.text_balans, u.text_kassaflode, u.text_balanskrav))
    textkontroller.kontrollera_text(
        k,
        TEXT_GRUPP,
        texterna,
        textkontroller.bokslut_textkontroller(u.balans, u.kassaflode, u.balanskrav, u.period),
    )
    col = "period" if u.period.is_full_year else "prognos"
    krav = float(u.balanskrav.set_index("rad").loc[ebalanskrav.BALANSKRAVSRESULTAT, col])
    k.villkor(
        TEXT_GRUPP,
        "Balanskravet: texten säger att det uppfylls precis när balanskravsresultatet är ≥ 0",
        (re.search(r"uppfylls inte|inte uppfyllas", u.text_balanskrav) is None) == (krav >= 0),
    )


def exportblad(data: Dataset, period: Period | str) -> dict[str, pd.DataFrame]:
    """The Excel sheets (unrounded tkr): ``balansrakning`` and ``kassaflode`` when the
    kommun has balance files, and ``balanskrav``."""
    u = forbered(data, period)
    out: dict[str, pd.DataFrame] = {}
    if u.balans is not None:
        out["balansrakning"] = u.balans.reset_index(drop=True)
    if u.kassaflode is not None:
        out["kassaflode"] = u.kassaflode.reset_index(drop=True)
    out["balanskrav"] = u.balanskrav.reset_index(drop=True)
    return out
