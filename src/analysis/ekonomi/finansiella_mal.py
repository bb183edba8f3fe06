"""God ekonomisk hushållning: the kommun's financial key figures and its financial goals.

The key figures (codes of :data:`analysis.io.finans.NYCKELTAL_KODER`), each for the
period year to date (``utfall``) and, where the inputs have one, for the full year
(``prognos``). Amounts are tkr in the report sign (revenue +, cost −) as in the
resultaträkning; balance-sheet amounts are positive (assets and credit balances).

=========================  =======================================================================
code                       definition
=========================  =======================================================================
resultatandel              årets resultat / (skatteintäkter + generella statsbidrag och
                           utjämning) × 100. For a part of the year: the period's result over the
                           period's taxes (jan–apr over jan–apr).
sjalvfinansieringsgrad     (årets resultat + avskrivningar) / nettoinvesteringar × 100 (the
                           share of the investments paid by the year's own funds; none when
                           nothing was invested).
nettokostnadsandel         (verksamhetens nettokostnader + finansnetto) / (skatteintäkter +
                           generella statsbidrag och utjämning) × 100, the costs as positive.
soliditet                  eget kapital / summa tillgångar × 100, at the period's end.
soliditet_inkl_pension     (eget kapital − ansvarsförbindelse för pensioner inkl. löneskatt) /
                           summa tillgångar × 100, the ansvarsförbindelse from the latest
                           pension calculation known at the period's end.
laneskuld_per_invanare     långfristiga skulder (kr) / folkmängd, the folkmängd at the period's
                           end or the latest known before it.
=========================  =======================================================================

The balance sheet is not forecast, so soliditet and låneskuld have no forecast ("ingen
prognos"), never a made-up one. A figure whose input is missing is NaN with the reason in
``saknas`` (shown as "uppgift saknas"), never 0.

A goal's status compares the figure **rounded as printed** (one decimal for percent, whole
kronor) with its target, so the printed figure and the status agree.
"""

from __future__ import annotations

import calendar
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.core.format import tal
from analysis.core.period import Period
from analysis.io.finans import NYCKELTAL_KODER

#: The label of each key figure.
NAMN: dict[str, str] = {
    "resultatandel": "Resultat i procent av skatteintäkter och generella statsbidrag",
    "sjalvfinansieringsgrad": "Självfinansieringsgrad av investeringar",
    "nettokostnadsandel": "Nettokostnadsandel",
    "soliditet": "Soliditet",
    "soliditet_inkl_pension": "Soliditet inklusive pensionsförpliktelser",
    "laneskuld_per_invanare": "Låneskuld per invånare",
}
#: The lines of the balance sheet (:func:`analysis.ekonomi.balans.balansrakning`) read.
BR_TILLGANGAR = "Summa tillgångar"
BR_EGET_KAPITAL = "Summa eget kapital"
BR_PENSIONER = "Avsättningar för pensioner och liknande förpliktelser"
BR_LANGFRISTIGA = "Långfristiga skulder"
#: Decimals a key figure is printed (and judged) with, by unit.
DECIMALER = {"procent": 1, "kr": 0}
#: The reason shown for a forecast of a balance-sheet figure.
INGEN_PROGNOS = "ingen prognos"
#: The columns of :func:`nyckeltal`.
KOLUMNER = ["nyckeltal", "namn", "enhet", "utfall", "prognos", "saknas", "prognos_saknas"]


@dataclass(frozen=True)
class Underlag:
    """The inputs of the key figures (tkr; NaN where missing).

    Result lines in the report sign (``avskrivningar`` and ``nettoinvesteringar`` as
    positive amounts: what was written off, what was invested); balance lines positive.
    """

    resultat: float = math.nan
    skatt_statsbidrag: float = math.nan
    avskrivningar: float = math.nan
    nettoinvesteringar: float = math.nan
    nettokostnad: float = math.nan  # vnk + finansnetto, report sign (negative = cost)
    resultat_prognos: float = math.nan
    skatt_statsbidrag_prognos: float = math.nan
    avskrivningar_prognos: float = math.nan
    nettoinvesteringar_prognos: float = math.nan
    nettokostnad_prognos: float = math.nan
    eget_kapital: float = math.nan
    tillgangar: float = math.nan
    langfristiga_skulder: float = math.nan
    ansvarsforbindelse: float = math.nan  # tkr incl. löneskatt
    folkmangd: float = math.nan
    #: Why balance-sheet, pension and population inputs are missing (Swedish), if they are.
    saknas_balans: str = ""
    saknas_pension: str = ""
    saknas_folkmangd: str = ""
    saknas_prognos: str = ""
    saknas_investeringsprognos: str = ""


def _kvot(taljare: float, namnare: float, skala: float = 100.0) -> float:
    if not (math.isfinite(taljare) and math.isfinite(namnare)) or namnare <= 0:
        return math.nan
    return taljare / namnare * skala


def nyckeltal(u: Underlag) -> pd.DataFrame:
    """The key figures of ``u``: one row per code of :data:`NAMN`, columns
    :data:`KOLUMNER` (``utfall``/``prognos`` in percent or kr; ``saknas``/``prognos_saknas``
    the Swedish reason where NaN).

    >>> u = Underlag(resultat=20.0, skatt_statsbidrag=1000.0, avskrivningar=30.0,
    ...              nettoinvesteringar=100.0, eget_kapital=300.0, tillgangar=1000.0,
    ...              ansvarsforbindelse=200.0, langfristiga_skulder=4000.0, folkmangd=100.0)
    >>> t = nyckeltal(u).set_index("nyckeltal")["utfall"].round(1)
    >>> t.to_dict()  # doctest: +NORMALIZE_WHITESPACE
    {'resultatandel': 2.0, 'sjalvfinansieringsgrad': 50.0, 'nettokostnadsandel': nan,
     'soliditet': 30.0, 'soliditet_inkl_pension': 10.0, 'laneskuld_per_invanare': 40000.0}
    """
    rows = []

    def add(kod: str, utfall: float, prognos: float, saknas: str, prognos_saknas: str) -> None:
        rows.append(
            (
                kod,
                NAMN[kod],
                NYCKELTAL_KODER[kod],
                utfall,
                prognos,
                "" if math.isfinite(utfall) else (saknas or "uppgift saknas"),
                "" if math.isfinite(prognos) else (prognos_saknas or "uppgift saknas"),
            )
        )

    add(
        "resultatandel",
        _kvot(u.resultat, u.skatt_statsbidrag),
        _kvot(u.resultat_prognos, u.skatt_statsbidrag_prognos),
        "resultaträkningen saknas",
        u.saknas_prognos,
    )
    inv_saknas = "inga nettoinvesteringar under perioden"
    add(
        "sjalvfinansieringsgrad",
        _kvot(u.resultat + u.avskrivningar, u.nettoinvesteringar),
        _kvot(u.resultat_prognos + u.avskrivningar_prognos, u.nettoinvesteringar_prognos),
        inv_saknas,
        u.saknas_prognos or u.saknas_investeringsprognos or "inga prognostiserade investeringar",
    )
    add(
        "nettokostnadsandel",
        _kvot(-u.nettokostnad, u.skatt_statsbidrag),
        _kvot(-u.nettokostnad_prognos, u.skatt_statsbidrag_prognos),
        "resultaträkningen saknas",
        u.saknas_prognos,
    )
    add(
        "soliditet",
        _kvot(u.eget_kapital, u.tillgangar),
        math.nan,
        u.saknas_balans,
        INGEN_PROGNOS,
    )
    add(
        "soliditet_inkl_pension",
        _kvot(u.eget_kapital - u.ansvarsforbindelse, u.tillgangar),
        math.nan,
        u.saknas_balans or u.saknas_pension,
        INGEN_PROGNOS,
    )
    add(
        "laneskuld_per_invanare",
        _kvot(u.langfristiga_skulder * 1000, u.folkmangd, 1.0),
        math.nan,
        u.saknas_balans or u.saknas_folkmangd,
        INGEN_PROGNOS,
    )
    return pd.DataFrame(rows, columns=KOLUMNER)


def br_rad(balans: pd.DataFrame | None, rad: str, kolumn: str = "period") -> float:
    """A balance-sheet line's amount (tkr), NaN when the frame or the line is missing."""
    if balans is None or not len(balans):
        return math.nan
    hit = balans.loc[balans["rad"].astype(str) == rad, kolumn]
    return float(hit.iloc[0]) if len(hit) and pd.notna(hit.iloc[0]) else math.nan


def folkmangd_vid(folkmangd: pd.DataFrame | None, period: Period) -> tuple[float, int | None]:
    """The population at the end of ``period`` or the latest month before it: the number
    and the month (yyyymm), ``(nan, None)`` without any."""
    if folkmangd is None or not len(folkmangd):
        return math.nan, None
    manad = folkmangd["manad"].astype("Float64").fillna(12).to_numpy(dtype=np.int64)
    code = folkmangd["ar"].to_numpy(dtype=np.int64) * 100 + manad
    known = code <= period.code
    if not known.any():
        return math.nan, None
    last = int(code[known].max())
    return float(folkmangd["antal"].to_numpy(dtype=float)[code == last].sum()), last


def underlag(
    rr: pd.DataFrame | None,
    inv: pd.DataFrame | None,
    balans: pd.DataFrame | None,
    ansvarsforbindelse_tkr: float,
    folkmangd: float,
    period: Period,
) -> Underlag:
    """The inputs from the resultaträkning
    (:func:`analysis.ekonomi.resultat.compute_resultatrakning`), the investeringsredovisning
    (its ``Totalt`` row), the balance sheet, the pension calculation's ansvarsförbindelse
    (tkr incl. löneskatt) and the folkmängd.

    The forecast inputs are used only before December (at year end the year's outcome is
    the figure) and only when some unit has forecast the year (``rr.attrs['har_prognos']``;
    for investments a forecast of some nämnd).
    """
    f: dict[str, float | str] = {}
    if rr is not None:
        r = rr.set_index("id")
        skatt = ["skatt", "statsbidrag"]
        netto = ["vnk", "fin_intakter", "fin_kostnader"]
        f["resultat"] = float(r.loc["arets_resultat", "utfall_period"])
        f["skatt_statsbidrag"] = float(r.loc[skatt, "utfall_period"].sum())
        f["avskrivningar"] = -float(r.loc["avskrivningar", "utfall_period"])
        f["nettokostnad"] = float(r.loc[netto, "utfall_period"].sum())
        if period.is_full_year:
            f["saknas_prognos"] = "året är slut; utfallet är årets"
        elif not rr.attrs.get("har_prognos", True):
            f["saknas_prognos"] = "ingen nämnd har lämnat prognos"
        else:
            f["resultat_prognos"] = float(r.loc["arets_resultat", "prognos_helar"])
            f["skatt_statsbidrag_prognos"] = float(r.loc[skatt, "prognos_helar"].sum())
            f["avskrivningar_prognos"] = -float(r.loc["avskrivningar", "prognos_helar"])
            f["nettokostnad_prognos"] = float(r.loc[netto, "prognos_helar"].sum())
    if inv is not None and len(inv):
        total = inv.set_index("namnd")
        if "Totalt" in total.index:
            f["nettoinvesteringar"] = -float(total.loc["Totalt", "utfall_period"])
            has = inv.loc[inv["namnd"] != "Totalt", "prognos_helar"].notna().any()
            if has and not period.is_full_year:
                f["nettoinvesteringar_prognos"] = -float(total.loc["Totalt", "prognos_helar"])
            else:
                f["saknas_investeringsprognos"] = "ingen nämnd har lämnat investeringsprognos"
    if balans is None:
        f["saknas_balans"] = "balansräkning saknas"
    else:
        f["eget_kapital"] = br_rad(balans, BR_EGET_KAPITAL)
        f["tillgangar"] = br_rad(balans, BR_TILLGANGAR)
        f["langfristiga_skulder"] = br_rad(balans, BR_LANGFRISTIGA)
    f["ansvarsforbindelse"] = ansvarsforbindelse_tkr
    if not math.isfinite(ansvarsforbindelse_tkr):
        f["saknas_pension"] = "pensionsberäkning saknas"
    f["folkmangd"] = folkmangd
    if not math.isfinite(folkmangd):
        f["saknas_folkmangd"] = "folkmängd saknas"
    return Underlag(**f)  # type: ignore[arg-type]


def _avrundad(value: float, enhet: str) -> float:
    # as :func:`analysis.core.format.tal` prints it (the same formatting, not round())
    return float(f"{value:.{DECIMALER[enhet]}f}") if math.isfinite(value) else math.nan


def uppfyllt(value: float, jamforelse: str, malvarde: float, enhet: str) -> bool | None:
    """Whether ``value`` (rounded as printed) meets the target; ``None`` when missing.

    >>> uppfyllt(1.96, ">=", 2.0, "procent"), uppfyllt(1.94, ">=", 2.0, "procent")
    (True, False)
    >>> uppfyllt(40000.4, "<=", 40000, "kr"), uppfyllt(float("nan"), "<=", 1, "kr") is None
    (True, True)
    """
    v = _avrundad(value, enhet)
    if not math.isfinite(v):
        return None
    return bool(v >= malvarde) if jamforelse == ">=" else bool(v <= malvarde)


def visat(value: float, enhet: str) -> str:
    """A key figure as printed: ``2,3 %``, ``38 400 kr``, ``–`` when missing."""
    if enhet == "kr":
        return tal(value, 0) + ("" if not math.isfinite(value) else "\u00a0kr")
    return tal(value, 1, procent=math.isfinite(value))


def periodens_slut(period: Period) -> str:
    """``den 30 april 2023``.

    >>> periodens_slut(Period.parse("2024-02"))
    'den 29 februari 2024'
    """
    dag = calendar.monthrange(period.year, period.month)[1]
    return f"den {dag} {period.month_name} {period.year}"


def _mening(rad: pd.Series, period: Period) -> str:
    namn, enhet = str(rad["namn"]), str(rad["enhet"])
    jmf = "minst" if rad["jamforelse"] == ">=" else "högst"
    mal = f"mål: {jmf} {visat(float(rad['malvarde']), enhet)}"
    if rad["nyckeltal"] in ("resultatandel", "sjalvfinansieringsgrad", "nettokostnadsandel"):
        nar = (
            f"för {period.year}"
            if period.is_full_year
            else f"för {period.range_text} {period.year}"
        )
    else:
        nar = periodens_slut(period)
    if rad["status"] == "uppgift saknas":
        text = f"{namn} {nar} kan inte beräknas ({rad['saknas']}; {mal})."
    else:
        text = (
            f"{namn} {nar} är {visat(float(rad['utfall']), enhet)} ({mal}); målet är "
            + ("uppfyllt" if rad["status"] == "uppfyllt" else "inte uppfyllt")
            + (" för perioden." if not period.is_full_year else ".")
        )
    if period.is_full_year:
        return text
    if rad["prognos_status"] == INGEN_PROGNOS:
        return text + " Någon prognos för balansräkningen görs inte, så helåret bedöms inte."
    if rad["prognos_status"] == "uppgift saknas":
        return text + f" Helårsprognos saknas ({rad['prognos_saknas']})."
    bedoms = (
        "bedöms uppfyllas"
        if rad["prognos_status"] == "bedöms uppfyllas"
        else ("bedöms inte uppfyllas")
    )
    return (
        text
        + f" Enligt prognosen blir det {visat(float(rad['prognos']), enhet)} för helåret, "
        + f"och målet {bedoms}."
    )


#: The columns of :func:`bedomning`.
BEDOMNING = [
    "mal",
    "nyckeltal",
    "namn",
    "enhet",
    "jamforelse",
    "malvarde",
    "utfall",
    "status",
    "prognos",
    "prognos_status",
    "saknas",
    "prognos_saknas",
    "kommentar",
    "mening",
]


def bedomning(mal: pd.DataFrame | None, tal_: pd.DataFrame, period: Period) -> pd.DataFrame | None:
    """Each goal of ``period``'s year against its key figure (:func:`nyckeltal`).

    ``status``: *uppfyllt*, *ej uppfyllt* or *uppgift saknas*; ``prognos_status``:
    *bedöms uppfyllas*, *bedöms inte uppfyllas*, *ingen prognos* (balance-sheet figures),
    *uppgift saknas*, or empty at year end; ``mening`` a Swedish sentence. ``None`` when the
    kommun has no goals for the year.
    """
    if mal is None:
        return None
    m = mal[mal["ar"] == period.year]
    if not len(m):
        return None
    t = tal_.drop(columns="enhet").set_index("nyckeltal")
    out = m[["mal", "nyckeltal", "enhet", "jamforelse", "malvarde", "kommentar"]].join(
        t, on="nyckeltal"
    )
    status, prognos_status = [], []
    for r in out.itertuples(index=False):
        ok = uppfyllt(float(r.utfall), str(r.jamforelse), float(r.malvarde), str(r.enhet))
        status.append("uppgift saknas" if ok is None else ("uppfyllt" if ok else "ej uppfyllt"))
        if period.is_full_year:
            prognos_status.append("")
            continue
        okp = uppfyllt(float(r.prognos), str(r.jamforelse), float(r.malvarde), str(r.enhet))
        if okp is None:
            prognos_status.append(
                INGEN_PROGNOS if r.prognos_saknas == INGEN_PROGNOS else "uppgift saknas"
            )
        else:
            prognos_status.append("bedöms uppfyllas" if okp else "bedöms inte uppfyllas")
    out["status"] = status
    out["prognos_status"] = prognos_status
    out["mening"] = [_mening(r, period) for _, r in out.iterrows()]
    return out[BEDOMNING].reset_index(drop=True)
