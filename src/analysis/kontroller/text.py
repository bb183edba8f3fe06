"""The figures a text prints against the tables they come from.

A text is checked by the figures it prints: :func:`kontrollera_text` finds each figure
with a pattern and compares it, rounded as printed, with the table's unrounded value.
:func:`kommun_textkontroller` and :func:`mal_textkontroller` say what the kommun's texts
and the goal texts must print.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import pandas as pd

from analysis.core.format import MINUS
from analysis.core.labels import TOTALT
from analysis.core.period import Period
from analysis.kontroller.bas import Kontroller

#: The check group of every text-against-table check.
TEXT_GRUPP = "Texten = tabellerna"

#: A Swedish number as the texts print it (the minus sign, or a hyphen in older texts).
_TAL = r"([+\-" + MINUS + r"]?\d{1,3}(?:[\u00a0 ]\d{3})*(?:,\d+)?)"


def _las_tal(text: str) -> tuple[float, int]:
    """A Swedish number as printed ('−1 234,5') and its number of decimals."""
    t = text.replace("\u00a0", "").replace(" ", "").replace(MINUS, "-")
    decimals = len(t.split(",")[1]) if "," in t else 0
    return float(t.replace(",", ".")), decimals


def kontrollera_text(
    k: Kontroller, grupp: str, text: str, forvantat: Iterable[tuple[str, str, float, bool]]
) -> None:
    """The figures a text prints are the table's figures, rounded as printed.

    ``forvantat``: (description, pattern, value in the text's unit, absolute) where the
    pattern is a regular expression whose ``{tal}`` marks the printed number; with
    ``absolute`` the text prints the magnitude (the sign is in a word such as *sämre*).
    The printed number must lie within half a unit of its last printed digit of the
    value. A pattern the text does not contain is reported as a failed check too: the
    text no longer says what it is checked for."""
    for what, pattern, value, absolute in forvantat:
        m = re.search(pattern.replace("{tal}", _TAL), text)
        if m is None:
            k.villkor(grupp, f"{what}: texten nämner talet", False)
            continue
        shown, decimals = _las_tal(m.group(1))
        v = abs(float(value)) if absolute else float(value)
        k.lika(grupp, f"{what} i texten = tabellen", shown, v, 0.5 * 10**-decimals + 1e-9)


def kommun_textkontroller(
    rr: pd.DataFrame, block: pd.DataFrame, period: Period | str
) -> list[tuple[str, str, float, bool]]:
    """What the kommun report's texts on the resultaträkning
    (:func:`analysis.ekonomi.block.rr_text`) and the driftsredovisning
    (:func:`analysis.ekonomi.block.drift_text`) must print, in mkr, taken from the tables."""
    period = Period.parse(period)
    r, b = rr.set_index("id"), block.set_index("id")
    res = r.loc["arets_resultat"]
    out = [
        (
            "Resultat för perioden",
            r"redovisar ett \w+ (?:periodresultat [^,]*?|resultat för \d{4}) på {tal} miljoner",
            res["utfall_period"] / 1000,
            False,
        ),
        (
            "Resultatets avvikelse mot budget",
            # the result itself may carry a decimal comma ("på +0,5 miljoner kronor, ...")
            r"på [^.]*?miljoner kronor, vilket är {tal} miljoner kronor "
            r"(?:bättre än|sämre än|i nivå med)",
            res["avvikelse_period"] / 1000,
            True,
        ),
    ]
    if "exkl_semesterloneskuld" in r.index:
        out.append(
            (
                "Resultat exklusive semesterlöneskulden",
                r"exkluderas är resultatet {tal} miljoner",
                r.loc["exkl_semesterloneskuld", "utfall_period"] / 1000,
                False,
            )
        )
    if period.month < 12 and rr.attrs.get("har_prognos", True):
        out.append(
            (
                "Årets resultat, prognos",
                r"Prognosen för helåret visar på ett \w+ med {tal} miljoner",
                res["prognos_helar"] / 1000,
                True,
            )
        )
    if "summa_namnder" in b.index:
        out.append(
            (
                "Nämndernas avvikelse för perioden",
                r"Nämndernas utfall för (?:perioden|året) är {tal} miljoner",
                b.loc["summa_namnder", "avvikelse_period"] / 1000,
                False,
            )
        )
        if period.month < 12 and block.attrs.get("har_prognos", True):
            out.append(
                (
                    "Nämndernas avvikelse mot budget, prognos",
                    r"visar på ett \w+ med {tal} miljoner kronor för nämnderna",
                    b.loc["summa_namnder", "avvikelse_helar"] / 1000,
                    False,
                )
            )
    if "summa_finans" in b.index:
        out.append(
            (
                "Finansförvaltningens avvikelse",
                r"Finansförvaltningen avviker med {tal} miljoner",
                b.loc["summa_finans", "avvikelse_period"] / 1000,
                False,
            )
        )
    return out


def mal_textkontroller(oversikt: pd.DataFrame) -> list[tuple[str, str, float, bool]]:
    """What the goal texts (:func:`analysis.mal.status.status_text`,
    :func:`analysis.mal.status.status_kort`) must print, from the overview table's ``Totalt``
    row (:func:`analysis.mal.matetal.oversikt`, counted per nämnd)."""
    tot = oversikt[oversikt["Nämnd"] == TOTALT].iloc[0]
    out = [("Antal mätetal", r"Av {tal} mätetal", float(tot["Mätetal"]), False)]
    # the colour word agrees with "mätetal": 1 grönt, 2 gröna (also the plain 'grön')
    for column, word, forms in (
        ("Grön", "grön", "grön|grönt|gröna"),
        ("Gul", "gul", "gul|gult|gula"),
        ("Röd", "röd", "röd|rött|röda"),
    ):
        if column in tot and float(tot[column]) > 0:
            out.append((f"Antal {word}a", rf"{{tal}} (?:{forms})\b", float(tot[column]), False))
    return out


def bokslut_textkontroller(
    br: pd.DataFrame | None, kf: pd.DataFrame | None, bk: pd.DataFrame, period: Period | str
) -> list[tuple[str, str, float, bool]]:
    """What the texts on the balansräkning, the kassaflödesanalys and the
    balanskravsutredning (:mod:`analysis.rapport.bokslut`) must print, in mkr, taken from
    the tables (:func:`analysis.ekonomi.balans.balansrakning`,
    :func:`analysis.ekonomi.kassaflode.kassaflodesanalys`,
    :func:`analysis.ekonomi.balanskrav.balanskravsutredning`); nothing for a statement
    that is missing."""
    period = Period.parse(period)
    out: list[tuple[str, str, float, bool]] = []
    if br is not None:
        b = br.set_index("rad")
        tillgangar = float(b.loc["Summa tillgångar", "period"])
        andring = tillgangar - float(b.loc["Summa tillgångar", "ib"])
        out.append(
            (
                "Balansomslutningen",
                r"Balansomslutningen uppgår till {tal} miljoner",
                tillgangar / 1000,
                True,
            )
        )
        if abs(andring) >= 50:
            out.append(
                (
                    "Balansomslutningens förändring sedan årsskiftet",
                    r"miljoner kronor, {tal} miljoner kronor (?:mer|mindre) än vid årsskiftet",
                    andring / 1000,
                    True,
                )
            )
        out.append(
            (
                "Årets resultat i balansräkningen",
                r"resultat \({tal} miljoner kronor\)",
                float(b.loc["Årets resultat", "period"]) / 1000,
                False,
            )
        )
    if kf is not None:
        f = kf.set_index("rad")["period"]
        lopande = "Kassaflöde från den löpande verksamheten"
        out.append(
            (
                "Kassaflöde, löpande verksamhet",
                r"löpande verksamheten uppgår till {tal} miljoner",
                float(f[lopande]) / 1000,
                False,
            )
        )
        inv = float(f["Investering i materiella och immateriella anläggningstillgångar"])
        if inv == inv:  # not NaN: the text gives the flow only with an investment ledger
            out += [
                ("Investeringar", r"investeringarna till {tal} miljoner", inv / 1000, True),
                (
                    "Periodens kassaflöde",
                    r"Likvida medel har \w+ med {tal} miljoner",
                    float(f["Periodens kassaflöde"]) / 1000,
                    True,
                ),
                (
                    "Likvida medel vid periodens slut",
                    r"sedan årsskiftet, till {tal} miljoner",
                    float(f["Likvida medel vid periodens slut"]) / 1000,
                    True,
                ),
            ]
    col = "period" if period.is_full_year else "prognos"
    krav = float(bk.set_index("rad").loc["Årets balanskravsresultat", col])
    out.append(
        (
            "Balanskravsresultatet",
            r"(?i:balanskravsresultatet) [^.]*?{tal} miljoner",
            krav / 1000,
            False,
        )
    )
    return out
