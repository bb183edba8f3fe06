"""The kommun-wide delårsrapport's presentation: display tables in mkr, the texts that
compose several rooms (the summary, the population paragraph, the personnel table), the
chart of the short version, and the sections of ``notebooks/kommun.ipynb``
(:func:`forbered`, ``visa_*``, ``figur_*``, :func:`kontrollera`) and
``notebooks/kortversion.ipynb`` (:func:`forbered_kort`, … , :func:`kontrollera_kort`).

The numbers come from the domain rooms (:mod:`analysis.ekonomi.block`,
:mod:`analysis.ekonomi.investering`, :mod:`analysis.ekonomi.nyckeltal`, the personal,
befolkning and mal rooms); this module only labels, scales to mkr and writes. The checks
(:mod:`analysis.kontroller`) are made on the very figures and texts the report shows.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from IPython.display import Markdown, display
from matplotlib.figure import Figure

from analysis.befolkning import prognos as befolkningsprognos
from analysis.befolkning.historik import BefolkningData, period_components
from analysis.befolkning.text import flyttnetto_delar
from analysis.core.errors import InputError
from analysis.core.format import antal, lista, mkr, tal
from analysis.core.labels import DRIFT, HELA_KOMMUNEN, TOTALT
from analysis.core.period import MONTH_NAMES, Period
from analysis.ekonomi import block as eblock
from analysis.ekonomi import investering, resultat
from analysis.ekonomi import nyckeltal as ekonyckeltal
from analysis.ekonomi.block import NAMN_TROSKEL_TKR, NUMERIC
from analysis.ekonomi.drift import compute_driftsredovisning, compute_investeringsredovisning
from analysis.ekonomi.nyckeltal import BELOPP
from analysis.ekonomi.text import jamfort, namn_i_text
from analysis.io.dataset import Dataset
from analysis.kontroller import ekonomi as ekonomikontroller
from analysis.kontroller import text as textkontroller
from analysis.kontroller.bas import (
    AVRUNDNING,
    Kontroller,
    kontrollera_andelar,
    kontrollera_vagt_medel,
)
from analysis.kontroller.befolkning import kontrollera_befolkning
from analysis.kontroller.text import TEXT_GRUPP
from analysis.mal import matetal, status
from analysis.personal import text as personaltext
from analysis.personal.nyckeltal import SUPPRESSION_NOTE, compute_frisknarvaro
from analysis.personal.serier import (
    forandring_per_forvaltning,
    hittills_i_ar,
    kontrollvarden,
    manadstrend,
)
from analysis.personal.text import variation_text
from analysis.personal.trender import jamforelse_test
from analysis.rapport import arbetsmarknad as arbetsmarknadsrapport
from analysis.rapport import bokslut as bokslutrapport
from analysis.rapport import charts, kommentarer
from analysis.rapport import finans as finansrapport
from analysis.rapport import jamforelse as jamforelserapport
from analysis.rapport import mal as malrapport
from analysis.rapport import personalstruktur as strukturrapport
from analysis.rapport.notebook import kommun_namn
from analysis.rapport.personal import diagram_manadstrend
from analysis.rapport.tables import show_table

#: The headings of the key figures' amounts (:func:`nyckeltal_tabell`).
NYCKELTAL_RUBRIKER = {
    "utfall_prognos": "Utfall/prognos",
    "budget": "Budget",
    "avvikelse": "Avvikelse",
}
#: The column of the change in :func:`personal_per_forvaltning` (not a share).
FORANDRING_PE = "Förändring, procentenheter"
#: The check group of the texts against the tables (:func:`kontrollera`).


def _miljoner(tkr: float, tecken: bool = True) -> str:
    return mkr(tkr, tecken=tecken, decimaler=None, enhet="miljoner kronor")


def _i_mkr(frame: pd.DataFrame, label: str, cols: list[str]) -> pd.DataFrame:
    out = frame[[label, *cols]].rename(columns={label: "", **DRIFT}).copy()
    headings = [DRIFT[c] for c in cols]
    out[headings] = out[headings] / 1000
    return out.reset_index(drop=True)


# --- display tables -----------------------------------------------------------------------
def block_tabell(block: pd.DataFrame) -> pd.DataFrame:
    """The driftsredovisning in blocks (:func:`analysis.ekonomi.block.drift_block`) for the
    report: mkr, Swedish column headings, without the previous forecast."""
    return _i_mkr(block, "rad", [c for c in NUMERIC if c != "prognos_foregaende"])


def rr_tabell(rr: pd.DataFrame, period: Period | None = None) -> pd.DataFrame:
    """The resultaträkning for the report (mkr, Swedish column headings); with ``period``,
    the same months of the previous year's utfall after the period's utfall (empty where
    that year has no utfall)."""
    out = _i_mkr(
        rr,
        "rad",
        [
            "utfall_period",
            "budget_period",
            "avvikelse_period",
            "prognos_helar",
            "budget_helar",
            "avvikelse_helar",
        ],
    )
    if period is not None and resultat.FG_PERIOD in rr:
        fg = Period.parse(period).previous_year
        out.insert(2, f"Utfall {fg.range_text} {fg.year}", rr[resultat.FG_PERIOD].to_numpy() / 1000)
    return out


def invest_tabell(data: Dataset, period: Period | str) -> pd.DataFrame:
    """The investeringsredovisning for the report (mkr; spending negative): one row per
    nämnd (its name) and a *Summa* row, the eight amounts and the genomförandegrad of
    utfall and prognos (%), from :func:`analysis.ekonomi.investering.investeringar`."""
    inv = investering.investeringar(data, period)
    inv["namnd"] = [("Summa" if u == TOTALT else data.register.namn(u)) for u in inv["namnd"]]
    out = _i_mkr(inv, "namnd", investering.NUMERIC)
    out["Genomförandegrad utfall, %"] = inv["genomforandegrad_utfall"].to_numpy()
    out["Genomförandegrad prognos, %"] = inv["genomforandegrad_prognos"].to_numpy()
    return out


def nyckeltal_tabell(nyckeltal: pd.DataFrame) -> pd.DataFrame:
    """The key figures (:func:`analysis.ekonomi.nyckeltal.nyckeltal`) for the report: the
    label in the first column (no heading), *Utfall/prognos*, *Budget*, *Avvikelse* in mkr."""
    out = nyckeltal[["rad", *BELOPP]].rename(columns={"rad": "", **NYCKELTAL_RUBRIKER})
    out[list(NYCKELTAL_RUBRIKER.values())] = out[list(NYCKELTAL_RUBRIKER.values())] / 1000
    return out.reset_index(drop=True)


# --- personal ---------------------------------------------------------------------------
def personal_per_forvaltning(
    personal: pd.DataFrame, period: Period | str, max_dagar: int = 8
) -> pd.DataFrame:
    """Per förvaltning and for the whole kommun: sick leave year to date, the same months
    last year, the change (procentenheter) and frisknärvaro (fewer than ``max_dagar``
    sick days) over the period. Groups of 10 or fewer employees are NaN (suppressed), and
    so are the förvaltningar hidden with them so that the kommun minus the shown ones does
    not give a small group (the period's pattern, :func:`analysis.personal.sekretess.monster`); the
    change is NaN when either year is."""
    period = Period.parse(period)
    present = set(np.unique(personal["period"]).tolist())
    months = [m for m in period.month_codes if m in present]
    forvaltningar = (
        [str(f) for f in personal["forvaltning"].cat.categories]
        if hasattr(personal["forvaltning"], "cat")
        else sorted(personal["forvaltning"].unique())
    )
    per = forandring_per_forvaltning(personal, period, forvaltningar)
    hela = hittills_i_ar(personal, period)
    rows = [
        {
            "forvaltning": HELA_KOMMUNEN,
            "procent": hela["procent"],
            "procent_foregaende": hela["procent_foregaende"],
            "skillnad": hela["skillnad"],
        }
    ]
    table = pd.concat([pd.DataFrame(rows), per], ignore_index=True)
    table["frisknarvaro"] = [
        compute_frisknarvaro(personal, months, None if f == HELA_KOMMUNEN else f, max_dagar)[
            "procent"
        ]
        for f in table["forvaltning"]
    ]
    return table.rename(
        columns={
            "forvaltning": "Förvaltning",
            "procent": f"Sjukfrånvaro {period.year}",
            "procent_foregaende": f"Sjukfrånvaro {period.year - 1}",
            "skillnad": FORANDRING_PE,
            "frisknarvaro": "Frisknärvaro",
        }
    )


def kontrollera_personal(
    k: Kontroller,
    tabell: pd.DataFrame,
    personal: pd.DataFrame,
    period: Period | str,
    forvaltningar: list[str],
) -> None:
    """The checks of the personnel table (:func:`personal_per_forvaltning`): every share
    within 0–100, and the whole kommun's sick leave and frisknärvaro between the smallest
    and largest of the förvaltningar's (their unsuppressed values, for the check only)."""
    period = Period.parse(period)
    rows = tabell.set_index("Förvaltning")
    shares = rows.drop(columns=[FORANDRING_PE])
    kontrollera_andelar(
        k,
        "Personal: andelar",
        {f"{f}, {c}": v for f, row in shares.iterrows() for c, v in row.items()},
    )
    delar = kontrollvarden(personal, period, forvaltningar)
    hela = rows.loc[HELA_KOMMUNEN]
    kontrollera_vagt_medel(
        k,
        "Personal: hela kommunen",
        hela[f"Sjukfrånvaro {period.year}"],
        delar["procent"],
        "Sjukfrånvaron för hela kommunen",
    )
    kontrollera_vagt_medel(
        k,
        "Personal: hela kommunen",
        hela["Frisknärvaro"],
        delar["frisknarvaro"],
        "Frisknärvaron för hela kommunen",
    )


# --- befolkning -----------------------------------------------------------------------
def befolkning_underlag(
    data: Dataset, period: Period | str
) -> tuple[BefolkningData | None, pd.DataFrame | None, str | None]:
    """What the kommun report's population section is written from: ``(the population
    data, the period's components, None)``, or ``(None, None, why)`` when the population
    files are missing or do not cover the period (the report then says so)."""
    period = Period.parse(period)
    for kind in ("folkmangd", "fodda", "doda", "flyttningar"):
        if data.frames.get(kind) is None:
            return None, None, str(data.missing(kind))
    try:
        bd = BefolkningData(data.folkmangd, data.fodda, data.doda, data.flyttningar)
        return bd, period_components(bd, period.year, period.month), None
    except (InputError, KeyError) as fel:
        return None, None, str(fel)


def _befolkning_grund(komp: pd.DataFrame, period: Period) -> tuple[bool, int]:
    """``(whole year shown instead of the period, the year shown)`` from the attrs that
    :func:`analysis.befolkning.prognos.period_components` sets (``grund``, ``ar``)."""
    shown = int(komp.attrs.get("ar", period.year))
    return komp.attrs.get("grund", "manad") == "ar" or shown != period.year, shown


def _saknas(period: Period) -> str:
    what = (
        f"helåret {period.year}"
        if period.month == 12
        else f"januari–{MONTH_NAMES[period.month - 1]} {period.year}"
    )
    return f"Befolkningsuppgifter per månad för {what} finns inte än"


def befolkning_text(komp: pd.DataFrame, period: Period | str, kommun: str) -> str:
    """The population paragraph (seed001 §6 style).

    '… befolkning har totalt minskat med 2 personer sedan årsskiftet, …' when the
    components cover the period (``komp.attrs['grund']`` ``'manad'`` or absent). When they
    fall back to the last complete year (``'ar'``, the year in ``attrs['ar']``), the text
    says so and speaks of that year: 'Befolkningsuppgifter per månad för januari–april
    2023 finns inte än; texten avser helåret 2022. Under 2022 minskade …'.
    """
    period = Period.parse(period)
    c = komp.set_index("komponent")["antal"]

    def n(v: float, sign: bool = True) -> str:
        return antal(float(v), tecken=sign)

    def personer(v: float) -> str:
        """The size of a change after its verb (ökat/minskat): no sign, '1 person'."""
        size = abs(float(v))
        return f"{antal(size)} {'person' if round(size) == 1 else 'personer'}"

    helar, shown = _befolkning_grund(komp, period)
    change = float(c["forandring"])
    prev = c.get("forandring_foregaende_ar")
    prev = float(prev) if prev is not None and math.isfinite(float(prev)) else None
    better = (
        None
        if prev is None
        else (
            "en förbättring"
            if change > prev
            else "en försämring"
            if change < prev
            else "samma utveckling"
        )
    )
    if helar:
        verb = "ökade" if change > 0 else "minskade" if change < 0 else "var oförändrad"
        text = (
            f"{_saknas(period)}; texten avser helåret {shown}. Under {shown} {verb} "
            f"{kommun}s befolkning" + (f" med {personer(change)}" if change else "")
        )
        if better:
            text += (
                f", vilket är {better} jämfört med {shown - 1} då förändringen var "
                f"{n(prev)} invånare"
            )
        verb_netto = "var"
    else:
        verb = "ökat" if change > 0 else "minskat" if change < 0 else "varit oförändrad"
        since = "under året" if period.month == 12 else "sedan årsskiftet"
        text = (
            f"{kommun}s befolkning har totalt {verb} med {personer(change)} {since}"
            if change
            else f"{kommun}s befolkning har varit oförändrad {since}"
        )
        if better:
            same = "föregående år" if period.month == 12 else "samma period föregående år"
            text += (
                f", vilket är {better} jämfört med {same} då förändringen var {n(prev)} invånare"
            )
        verb_netto = "är"
    text += (
        f". Födelsenettot {verb_netto} {n(c['fodelsenetto'])} ({n(c['fodda'], False)} "
        f"födda och {n(c['doda'], False)} döda) och flyttnettot {n(c['flyttnetto'])}"
    )
    known = flyttnetto_delar(c)
    if known:
        text += " (" + ", ".join(f"{t} {n(v)}" for t, v in known) + ")"
    text += "."
    adj = float(c.get("justering", 0.0))
    if abs(adj) >= 0.5:
        text += (
            f" Övriga förändringar, som rättelser i folkbokföringen, {verb_netto} "
            f"{n(adj)} personer; de förklarar skillnaden mellan komponenterna och den "
            "totala förändringen."
        )
    return text


# --- the short version for citizens -------------------------------------------------------
def diagram_100kr(df: pd.DataFrame, titel: str):
    """'Så används 100 kronor': horizontal bars with the amount written at each bar
    (the frame of :func:`analysis.ekonomi.nyckeltal.nettokostnad_per_100kr`)."""
    from matplotlib.figure import Figure

    d = df.iloc[::-1]
    fig = Figure(figsize=(7.0, 0.22 * len(d) + 0.7))
    ax = fig.subplots()
    bars = ax.barh(d["verksamhet"], d["kronor"], color="#1f4e79")
    for bar, v in zip(bars, d["kronor"], strict=False):
        ax.text(
            bar.get_width() + 0.5,
            bar.get_y() + bar.get_height() / 2,
            f"{tal(v)} kr",
            va="center",
            fontsize=8,
        )
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
    skillnad = float(sjuk["procent"] - sjuk["procent_foregaende"])
    if "tydlig" in sjuk:
        test = {"tydlig": sjuk["tydlig"]}
    elif data.frames.get("sjukfranvaro") is None:
        return ""
    else:
        test = jamforelse_test(data.frames["sjukfranvaro"], period)
    return variation_text(test, skillnad)


def klartext(
    data: Dataset,
    period: Period | str,
    kommun: str,
    rr: pd.DataFrame,
    block: pd.DataFrame,
    inv: pd.DataFrame,
    befolkning: pd.DataFrame | None,
    sjuk: dict | None,
    mal_text: str | None,
) -> str:
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
    text = [
        f"- **Ekonomin:** {kommun} fick {plus} på {_miljoner(abs(res), False)} under "
        f"{months}. Det är {_miljoner(abs(dev), False)} {jamfort(dev)} vad kommunen hade "
        "planerat."
    ]
    if period.month < 12 and rr.attrs.get("har_prognos", True):
        p = float(r.loc["arets_resultat", "prognos_helar"])
        word = "ett överskott" if p >= 0 else "ett underskott"
        text[-1] += f" För hela året räknar kommunen med {word} på {_miljoner(abs(p), False)}."
    n = b.loc["summa_namnder"]
    col = "avvikelse_period" if period.month == 12 else "avvikelse_helar"
    d = float(n[col])
    if abs(d) >= 50 and (period.month == 12 or block.attrs.get("har_prognos", True)):
        more = "mer" if d < 0 else "mindre"
        if period.month == 12:  # the year is over: what was used, not a forecast
            text.append(
                f"- **Verksamheterna:** nämnderna använde {_miljoner(abs(d), False)} "
                f"{more} än budgeten under året."
            )
        else:
            text.append(
                f"- **Verksamheterna:** nämnderna använder {_miljoner(abs(d), False)} "
                f"{more} än budgeten under året, enligt prognosen."
            )
    tot = inv.set_index("namnd").loc[TOTALT]
    line = (
        f"- **Investeringar:** {_miljoner(-float(tot['utfall_period']), False)} "
        f"{'under året' if period.month == 12 else 'hittills i år'}"
    )
    spent = (-inv[inv["namnd"] != TOTALT].set_index("namnd")["utfall_period"]).sort_values(
        ascending=False
    )
    spent = spent[spent >= NAMN_TROSKEL_TKR].head(2)
    if len(spent):
        line += ", mest inom " + lista([namn_i_text(data.register.namn(u)) for u in spent.index])
    text.append(line + ".")
    if befolkning is not None:
        c = befolkning.set_index("komponent")["antal"]
        change = float(c["forandring"])
        verb = "fler" if round(change) >= 0 else "färre"
        folk = antal(float(c["folkmangd"]))
        helar, shown = _befolkning_grund(befolkning, period)
        if helar:
            text.append(
                f"- **Invånare:** {folk} personer den 31 december {shown}, "
                f"{antal(abs(change))} {verb} än ett år tidigare "
                f"({_saknas(period).lower()})."
            )
        else:
            since = "under året" if period.month == 12 else "sedan årsskiftet"
            text.append(f"- **Invånare:** {folk} personer, {antal(abs(change))} {verb} {since}.")
    if sjuk and math.isfinite(sjuk.get("procent", math.nan)):
        line = (
            f"- **Sjukfrånvaro:** {tal(sjuk['procent'], 1)} procent av arbetstiden bland "
            "kommunens anställda"
        )
        if math.isfinite(sjuk.get("procent_foregaende", math.nan)):
            jmf = "lägre" if sjuk["procent"] < sjuk["procent_foregaende"] else "högre"
            same = "förra året" if period.month == 12 else "samma period förra året"
            line += f", {jmf} än {same} ({tal(sjuk['procent_foregaende'], 1)} procent)"
            variation = _sjuk_variation(data, period, sjuk)
            if variation:
                line += f", {variation}"
        text.append(line + ".")
    if mal_text:
        text.append(f"- **Mål:** {mal_text}")
    return "\n".join(text)


# --------------------------------------------------------------------------------------
# The sections of the kommun report (notebooks/kommun.ipynb) and of the short version
# (notebooks/kortversion.ipynb)
# --------------------------------------------------------------------------------------


@dataclass
class Kommununderlag:
    """What both kommun-wide reports show, as known at the end of ``period``.

    ``mt`` may be empty (no mål och mätetal for the period); ``oversikt`` is then
    ``None``. ``bd``, ``komp`` and ``folkmangd`` are ``None`` when the population files
    are missing or do not cover the period (``befolkning_saknas`` says why,
    :func:`befolkning_underlag`). ``mal_text`` is the goals' sentence of the summary and
    ``sammanfattning`` the summary itself (:func:`klartext`).
    """

    data: Dataset
    period: Period
    namn: str
    rr: pd.DataFrame
    drift: pd.DataFrame
    block: pd.DataFrame
    inv: pd.DataFrame
    mt: pd.DataFrame
    oversikt: pd.DataFrame | None
    bd: BefolkningData | None
    komp: pd.DataFrame | None
    befolkning_saknas: str | None
    folkmangd: pd.DataFrame | None
    sjuk: dict | None
    mal_text: str | None
    sammanfattning: str


@dataclass
class Kommunrapport(Kommununderlag):
    """What the kommun report to fullmäktige shows (made by :func:`forbered`).

    Besides :class:`Kommununderlag`: the key figures; the texts of the resultaträkning, the
    driftsredovisning, the investments, the population (``None`` without population data)
    and the personnel; the personnel table (:func:`personal_per_forvaltning`); the kommun's
    monthly sick leave (Tabell 1.1); the statutory statements (balansräkning,
    kassaflödesanalys, balanskravsutredning: :mod:`analysis.rapport.bokslut`); the financial
    goals, pension obligations and companies (:mod:`analysis.rapport.finans`); the labour
    market (:mod:`analysis.rapport.arbetsmarknad`), the personnel structure
    (:mod:`analysis.rapport.personalstruktur`) and the comparison with other kommuner
    (:mod:`analysis.rapport.jamforelse`).
    """

    nyckeltal: pd.DataFrame
    rr_text: str
    drift_text: str
    invest: pd.DataFrame
    invest_text: str
    befolkning_text: str | None
    personal_text: str
    personal: pd.DataFrame | None
    manadstrend: pd.DataFrame | None
    bokslut: bokslutrapport.Bokslut
    finans: finansrapport.Finansrapport
    arbetsmarknad: arbetsmarknadsrapport.Arbetsmarknadsavsnitt
    struktur: strukturrapport.Personalstruktur
    jamforelse: jamforelserapport.Jamforelse


@dataclass
class Kortversion(Kommununderlag):
    """What the short version for citizens shows (made by :func:`forbered_kort`): besides
    :class:`Kommununderlag` the opening sentence and the nämnder's net cost per 100
    kronor (:func:`analysis.ekonomi.nyckeltal.nettokostnad_per_100kr`)."""

    inledning: str
    hundra: pd.DataFrame


def _underlag(data: Dataset, period: Period, kort: bool) -> dict:
    """The fields of :class:`Kommununderlag`; the goals' sentence of the summary is
    :func:`analysis.mal.status.status_kort` in the short version, else
    :func:`analysis.mal.status.status_text` (none without mätetal)."""
    namn = kommun_namn(data)
    rr = resultat.compute_resultatrakning(data, period)
    drift = compute_driftsredovisning(data, period)
    block_drift = eblock.drift_block(data, period)
    inv = compute_investeringsredovisning(data, period)
    mt = matetal.matetal(data, period)
    bd, komp, saknas = befolkning_underlag(data, period)
    sjuk = None if data.sjukfranvaro is None else hittills_i_ar(data.sjukfranvaro, period)
    if kort:
        mal_text = status.status_kort(mt)
    else:
        mal_text = None if mt.empty else status.status_text(mt)
    return {
        "data": data,
        "period": period,
        "namn": namn,
        "rr": rr,
        "drift": drift,
        "block": block_drift,
        "inv": inv,
        "mt": mt,
        "oversikt": None if mt.empty else matetal.oversikt(mt, data),
        "bd": bd,
        "komp": komp,
        "befolkning_saknas": saknas,
        "folkmangd": None if bd is None else befolkningsprognos.befolkning_sheet(bd, horizon=10),
        "sjuk": sjuk,
        "mal_text": mal_text,
        "sammanfattning": klartext(data, period, namn, rr, block_drift, inv, komp, sjuk, mal_text),
    }


def forbered(data: Dataset, period: Period | str) -> Kommunrapport:
    """Everything the kommun report shows for ``period``, computed once; the checks are
    made on these figures and texts by :func:`kontrollera`."""
    p = Period.parse(period)
    u = _underlag(data, p, kort=False)
    personal = data.sjukfranvaro
    return Kommunrapport(
        **u,
        nyckeltal=ekonyckeltal.nyckeltal(data, p, u["rr"], u["block"]),
        rr_text=eblock.rr_text(u["rr"], p),
        drift_text=eblock.drift_text(data, u["block"], p),
        invest=invest_tabell(data, p),
        invest_text=investering.invest_text(data, p, u["namn"]),
        befolkning_text=None if u["komp"] is None else befolkning_text(u["komp"], p, u["namn"]),
        personal_text=(
            f"Personaluppgifter saknas: {data.missing('sjukfranvaro')}."
            if personal is None
            else personaltext.kommentar(personal, p)
        ),
        personal=None if personal is None else personal_per_forvaltning(personal, p),
        manadstrend=None if personal is None else manadstrend(personal, p),
        bokslut=bokslutrapport.forbered(data, p),
        finans=finansrapport.forbered(data, p),
        arbetsmarknad=arbetsmarknadsrapport.forbered(data, p),
        struktur=strukturrapport.forbered(data, p),
        jamforelse=jamforelserapport.forbered_jamforelse(data, p, "kommun"),
    )


def forbered_kort(data: Dataset, period: Period | str) -> Kortversion:
    """Everything the short version shows for ``period``, computed once; the checks are
    made on these figures and texts by :func:`kontrollera_kort`."""
    p = Period.parse(period)
    u = _underlag(data, p, kort=True)
    perioden = "hela året" if p.month == 12 else f"januari till {p.month_name}"
    return Kortversion(
        **u,
        inledning=(
            f"Här är det viktigaste om hur det har gått för {u['namn']} under {perioden} "
            f"{p.year}: kommunens ekonomi, invånare, personal och mål. Siffrorna kommer från "
            "samma underlag som den fullständiga rapporten till kommunfullmäktige."
        ),
        hundra=ekonyckeltal.nettokostnad_per_100kr(u["block"]),
    )


def _not(*delar: str | None) -> str:
    """The notes under a table, the missing ones left out."""
    return " ".join(d for d in delar if d)


def visa_sammanfattning(r: Kommununderlag) -> None:
    """The key figures in plain Swedish (:func:`klartext`)."""
    display(Markdown(r.sammanfattning))


def visa_nyckeltal(r: Kommunrapport) -> None:
    """The key figures in mkr (:func:`nyckeltal_tabell`)."""
    show_table(
        nyckeltal_tabell(r.nyckeltal),
        f"Nyckeltal {r.period.short_label}, mkr",
        name="nyckeltal",
        decimals=1,
        deviation=["Avvikelse"],
    )


def visa_utkast(r: Kommunrapport) -> None:
    """The notice that the kommun's text is an utkast, or nothing
    (:func:`analysis.rapport.kommentarer.visa_utkast_notis`)."""
    kommentarer.visa_utkast_notis(r.data, "kommun", r.period)


def visa_viktiga_handelser(r: Kommunrapport) -> None:
    """The ekonom's "Viktiga händelser", or a visible placeholder naming the file and heading
    to write it under (:func:`analysis.rapport.kommentarer.visa_viktiga_handelser`)."""
    kommentarer.visa_viktiga_handelser(r.data, r.period)


def visa_framtiden(r: Kommunrapport) -> None:
    """The ekonom's "Framtiden", or a visible placeholder."""
    kommentarer.visa_framtiden(r.data, r.period)


def visa_kf_mal(r: Kommunrapport) -> None:
    """The follow-up per KF-mål (:func:`analysis.rapport.mal.visa_kf_mal`)."""
    malrapport.visa_kf_mal(r.mt, r.data, r.period, rubrikniva=4)


def visa_balansrakning(r: Kommunrapport) -> None:
    """The balansräkning at the period's end, the previous year-end and a year earlier."""
    bokslutrapport.visa_balansrakning(r.bokslut)


def visa_kassaflode(r: Kommunrapport) -> None:
    """The kassaflödesanalys of the period and of the same period a year earlier."""
    bokslutrapport.visa_kassaflode(r.bokslut)


def visa_balanskrav(r: Kommunrapport) -> None:
    """The balanskravsutredning."""
    bokslutrapport.visa_balanskrav(r.bokslut)


def visa_finansiella_mal(r: Kommunrapport) -> None:
    """The financial goals of god ekonomisk hushållning and their key figures."""
    finansrapport.visa_finansiella_mal(r.finans)


def visa_pension(r: Kommunrapport) -> None:
    """The pension obligations of the latest calculation known at the period's end."""
    finansrapport.visa_pension(r.finans)


def visa_bolag(r: Kommunrapport) -> None:
    """The companies' results and forecasts."""
    finansrapport.visa_bolag(r.finans)


def visa_sysselsattning(r: Kommunrapport) -> None:
    """The labour market: unemployment against a year earlier, the län and riket."""
    arbetsmarknadsrapport.visa_sysselsattning(r.arbetsmarknad)


def figur_arbetsloshet(r: Kommunrapport) -> Figure | None:
    """Unemployment per month, kommun, län and riket; ``None`` without data."""
    return arbetsmarknadsrapport.figur_arbetsloshet(r.arbetsmarknad)


def visa_personalstruktur(r: Kommunrapport) -> None:
    """The personnel structure: månadsanställda, age, chefer, personalomsättning."""
    strukturrapport.visa_personalstruktur(r.struktur)


def visa_mal(r: Kommunrapport) -> None:
    """The goals' sentence and the status per nämnd, or that there are no mätetal."""
    if r.oversikt is None:
        display(Markdown("Kommunen har inga mål och mätetal för perioden (filen mal/matetal.csv)."))
        return
    display(Markdown(r.mal_text or ""))
    show_table(
        r.oversikt, f"Mätetalens status per nämnd, {r.period.short_label}", name="maloversikt"
    )


def figur_mal(r: Kommunrapport) -> Figure | None:
    """The status per nämnd as bars (:func:`analysis.rapport.mal.diagram_oversikt`);
    ``None`` without mätetal."""
    if r.oversikt is None:
        return None
    return malrapport.diagram_oversikt(r.oversikt, "Mätetalens status per nämnd")


def visa_resultatrakning(r: Kommunrapport) -> None:
    """The resultaträkning in mkr with its notes."""
    show_table(
        rr_tabell(r.rr, r.period),
        f"Resultaträkning {r.period.short_label}, mkr",
        name="resultatrakning",
        decimals=0,
        deviation=["Avvikelse perioden", "Avvikelse helår"],
        sum_rows=eblock.summarader(r.rr),
        note=_not(resultat.rr_not(r.rr), eblock.prognos_not(r.block), AVRUNDNING),
    )


def visa_rr_text(r: Kommunrapport) -> None:
    """The text on the resultaträkning (:func:`analysis.ekonomi.block.rr_text`)."""
    display(Markdown(r.rr_text))


def visa_driftsredovisning(r: Kommunrapport) -> None:
    """The driftsredovisning in blocks, in mkr, with its notes."""
    show_table(
        block_tabell(r.block),
        f"Driftsredovisning {r.period.short_label}, mkr",
        name="driftsredovisning",
        decimals=0,
        deviation=["Avvikelse perioden", "Avvikelse helår", "Förändring mot föregående prognos"],
        sum_rows=eblock.summarader(r.block),
        note=_not(eblock.prognos_not(r.block), AVRUNDNING),
    )


def visa_drift_text(r: Kommunrapport) -> None:
    """The text on the driftsredovisning (:func:`analysis.ekonomi.block.drift_text`)."""
    display(Markdown(r.drift_text))


def visa_investeringar(r: Kommunrapport) -> None:
    """The investeringsredovisning in mkr and its text."""
    show_table(
        r.invest,
        f"Investeringsredovisning {r.period.short_label}, mkr",
        name="investeringar",
        decimals=1,
        deviation=["Avvikelse perioden", "Avvikelse helår", "Förändring mot föregående prognos"],
        note=AVRUNDNING,
    )
    display(Markdown(r.invest_text))


def visa_befolkning(r: Kommunrapport) -> None:
    """The population paragraph and the period's components, or why they are missing."""
    if r.komp is None:
        display(Markdown(f"Befolkningsuppgifter för perioden saknas: {r.befolkning_saknas}"))
        return
    display(Markdown(r.befolkning_text or ""))
    show_table(
        r.komp[["text", "antal"]].rename(columns={"text": "Komponent", "antal": "Antal"}),
        f"Befolkningsförändring {r.period.short_label}",
        name="befolkning",
    )


def figur_befolkning(r: Kommunrapport) -> Figure | None:
    """The population on 31 December, history and forecast; ``None`` without data."""
    if r.komp is None or r.folkmangd is None:
        return None
    return charts.population(r.folkmangd, "Folkmängd 31 december, utfall och prognos")


def visa_personal(r: Kommunrapport) -> None:
    """The personnel comment and the sick leave and frisknärvaro per förvaltning."""
    print(r.personal_text)
    if r.personal is None:
        return
    show_table(
        r.personal,
        f"Sjukfrånvaro och frisknärvaro per förvaltning, {r.period.short_label}, procent",
        name="personal",
        decimals=1,
        note=SUPPRESSION_NOTE,
    )


def figur_personal(r: Kommunrapport) -> Figure | None:
    """The kommun's sick leave per month against earlier years (Tabell 1.1); ``None``
    without personnel data (:func:`visa_personal` has said so)."""
    if r.manadstrend is None:
        return None
    return diagram_manadstrend(r.manadstrend, "Sjukfrånvaro per månad, hela kommunen, procent")


def visa_jamforelse(r: Kommunrapport) -> None:
    """The comparison with the jämförelsegrupp and riket from the Kolada cache
    (:func:`analysis.rapport.jamforelse.visa_jamforelse`)."""
    jamforelserapport.visa_jamforelse(r.jamforelse)


def visa_malbilaga(r: Kommunrapport) -> None:
    """The appendix: every nämnd's goals (:func:`analysis.rapport.mal.visa_bilaga`)."""
    malrapport.visa_bilaga(r.mt, r.data, r.period)


def kontrollera(k: Kontroller, r: Kommunrapport) -> None:
    """The kommun report's checks, on the figures and texts it shows: the
    driftsredovisning against the ledger, the resultaträkning against the
    driftsredovisning, the blocks against both, the goals' sentence and the texts on the
    resultaträkning and the driftsredovisning against their tables, the population's
    components against the stocks, the personnel table (:func:`kontrollera_personal`), the
    follow-up per KF-mål, and the checks of the statutory statements, the financial goals,
    the labour market, the personnel structure and the Kolada comparison (each section's
    ``kontrollera``)."""
    p = r.period
    ekonomikontroller.kontrollera_huvudbok(k, "Driftsredovisning", r.drift, r.data, p)
    ekonomikontroller.kontrollera_rr(k, r.rr, r.drift)
    ekonomikontroller.kontrollera_block(k, r.block, r.drift, r.rr)
    if r.oversikt is not None and r.mal_text is not None:
        textkontroller.kontrollera_text(
            k, TEXT_GRUPP, r.mal_text, textkontroller.mal_textkontroller(r.oversikt)
        )
    textkontroller.kontrollera_text(
        k,
        TEXT_GRUPP,
        r.rr_text + "\n" + r.drift_text,
        textkontroller.kommun_textkontroller(r.rr, r.block, p),
    )
    if r.komp is not None:
        kontrollera_befolkning(k, r.komp)
    if r.personal is not None and r.data.sjukfranvaro is not None:
        kontrollera_personal(k, r.personal, r.data.sjukfranvaro, p, r.data.register.forvaltningar)
    malrapport.kontrollera_kf(k, r.mt, r.data, p)
    bokslutrapport.kontrollera(k, r.bokslut)
    finansrapport.kontrollera(k, r.finans)
    arbetsmarknadsrapport.kontrollera(k, r.arbetsmarknad)
    strukturrapport.kontrollera(k, r.struktur)
    jamforelserapport.kontrollera_jamforelse(k, r.jamforelse)


# --- the short version's sections ---------------------------------------------------------
def visa_inledning_kort(r: Kortversion) -> None:
    """The short version's opening sentence."""
    display(Markdown(r.inledning))


def figur_100kr(r: Kortversion) -> Figure:
    """'Så används 100 kronor' (:func:`diagram_100kr`)."""
    return diagram_100kr(
        r.hundra, f"Så används 100 kronor av nämndernas nettokostnad, {r.period.short_label}"
    )


def figur_befolkning_kort(r: Kortversion) -> Figure | None:
    """The inhabitants on 31 December, history and forecast (small); ``None`` without
    population data (the report then says why)."""
    if r.bd is None or r.folkmangd is None:
        display(Markdown(f"Befolkningsuppgifter saknas: {r.befolkning_saknas or 'okänd orsak'}."))
        return None
    return charts.population(
        r.folkmangd, "Antal invånare 31 december, utfall och prognos", figsize=(7.0, 2.6)
    )


def figur_mal_kort(r: Kortversion) -> Figure | None:
    """The mätetal per nämnd as bars, or (``None``) the sentence that there are none."""
    if r.oversikt is None:
        display(Markdown("Kommunen har inga mätetal för perioden."))
        return None
    return malrapport.diagram_oversikt(r.oversikt, "Mätetal per nämnd", radhojd=0.26)


def kontrollera_kort(k: Kontroller, r: Kortversion) -> None:
    """The short version's checks, on the figures and texts it shows: the resultaträkning
    against the driftsredovisning, the blocks against both, the driftsredovisning against
    the ledger, the population's components against the stocks and the goals' sentence
    against the overview."""
    ekonomikontroller.kontrollera_rr(k, r.rr, r.drift)
    ekonomikontroller.kontrollera_block(k, r.block, r.drift, r.rr)
    ekonomikontroller.kontrollera_huvudbok(k, "Driftsredovisning", r.drift, r.data, r.period)
    if r.komp is not None:
        kontrollera_befolkning(k, r.komp)
    if r.oversikt is not None and r.mal_text is not None:
        textkontroller.kontrollera_text(
            k, TEXT_GRUPP, r.mal_text, textkontroller.mal_textkontroller(r.oversikt)
        )
