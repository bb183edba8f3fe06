"""The sick-leave report's sentences, generated from the numbers.

Every sentence is written from the aggregates of :mod:`analysis.personal.serier` and the
tests of :mod:`analysis.personal.trender`; a suppressed group (NaN) is never named with a
number. Numbers are written with :mod:`analysis.core.format`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from analysis.core.format import tal
from analysis.core.period import MONTH_NAMES, Period
from analysis.personal.sekretess import MIN_GROUP
from analysis.personal.serier import forandring_per_forvaltning, hittills_i_ar
from analysis.personal.trender import jamforelse_test

#: Differences smaller than this (in procentenheter) are called "oförändrad".
OFORANDRAD = 0.05


def inga_personaldata_text(vem: str, till: Period | str) -> str:
    """The sentence of a report without personnel data.

    >>> print(inga_personaldata_text("Kulturförvaltningen", "2023-04"))
    ... # doctest: +NORMALIZE_WHITESPACE
    Det finns inga personaldata för Kulturförvaltningen till och med april 2023, så
    rapporten redovisar ingen sjukfrånvaro.
    """
    p = Period.parse(till)
    return (
        f"Det finns inga personaldata för {vem} till och med {MONTH_NAMES[p.month - 1]} "
        f"{p.year}, så rapporten redovisar ingen sjukfrånvaro."
    )


def anmarkningar_text(anmarkningar: Sequence[str]) -> str:
    """The notes of :func:`analysis.personal.trender.analys` for the report, one line
    each (Markdown list).

    >>> anmarkningar_text([])
    'Inga anmärkningar: alla modeller kunde skattas och konvergerade.'
    >>> anmarkningar_text(["Trendtestet: skattningen konvergerade inte."])
    '- Trendtestet: skattningen konvergerade inte.'
    """
    if not anmarkningar:
        return "Inga anmärkningar: alla modeller kunde skattas och konvergerade."
    return "\n".join(f"- {a}" for a in anmarkningar)


def _manadstext(months: Sequence[int]) -> str:
    first, last = MONTH_NAMES[months[0] % 100 - 1], MONTH_NAMES[months[-1] % 100 - 1]
    return first if first == last else f"{first}–{last}"


def variation_text(test: dict | None, skillnad: float) -> str:
    """The clause on significance for a year-to-date difference
    (:func:`analysis.personal.trender.jamforelse_test`): ``"en tydlig minskning"``,
    ``"en tydlig ökning"``, ``"en skillnad inom den normala variationen mellan åren"``,
    or ``""`` when no test could be made or the difference is below :data:`OFORANDRAD`
    (then nothing is claimed).

    >>> variation_text({"tydlig": False}, -2.1)
    'en skillnad inom den normala variationen mellan åren'
    >>> variation_text({"tydlig": True}, -2.1)
    'en tydlig minskning'
    >>> variation_text({"tydlig": None}, -2.1)
    ''
    """
    if (
        test is None
        or test.get("tydlig") is None
        or not math.isfinite(skillnad)
        or abs(skillnad) < OFORANDRAD
    ):
        return ""
    if not test["tydlig"]:
        return "en skillnad inom den normala variationen mellan åren"
    return "en tydlig ökning" if skillnad > 0 else "en tydlig minskning"


def jamforelse_text(
    procent: float,
    skillnad: float,
    manader: Sequence[int],
    ar_foregaende: int,
    vem: str = "Sjukfrånvaron",
    test: dict | None = None,
) -> str:
    """One sentence: the rate of the period and the change from the same period last
    year, with what the test of that change says (:func:`variation_text`).

    Without ``test`` (or when no test could be made) the change is stated as a fact
    and nothing is said about whether it is more than chance.

    >>> jamforelse_text(7.14, -2.1, [202301, 202302, 202303], 2022)
    'Sjukfrånvaron för januari–mars är 7,1 procent, 2,1 procentenheter lägre än samma period 2022.'
    >>> print(jamforelse_text(7.14, -2.1, [202301, 202302, 202303], 2022,
    ...                       test={"tydlig": False}))  # doctest: +NORMALIZE_WHITESPACE
    Sjukfrånvaron för januari–mars är 7,1 procent, 2,1 procentenheter lägre än samma
    period 2022, en skillnad inom den normala variationen mellan åren.
    """
    head = f"{vem} för {_manadstext(manader)} är {tal(procent, 1)} procent"
    if np.isnan(skillnad):
        return head + f"; jämförelse med samma period {ar_foregaende} saknas."
    if abs(skillnad) < OFORANDRAD:
        return head + f", oförändrat jämfört med samma period {ar_foregaende}."
    riktning = "högre" if skillnad > 0 else "lägre"
    tillagg = variation_text(test, skillnad)
    return head + (
        f", {tal(abs(skillnad), 1)} procentenheter {riktning} "
        f"än samma period {ar_foregaende}" + (f", {tillagg}." if tillagg else ".")
    )


def forvaltning_text(forandring: pd.DataFrame) -> str:
    """Name the förvaltningar with the largest increase and decrease (suppressed
    förvaltningar, NaN, are never named)."""
    ok = forandring.dropna(subset=["skillnad"])
    up = ok[ok["skillnad"] >= OFORANDRAD].sort_values("skillnad", ascending=False)
    down = ok[ok["skillnad"] <= -OFORANDRAD].sort_values("skillnad")
    parts = []
    if len(up):
        r = up.iloc[0]
        parts.append(
            f"Störst ökning har {r['forvaltning']} (+{tal(r['skillnad'], 1)} procentenheter)"
        )
    if len(down):
        r = down.iloc[0]
        parts.append(
            f"störst minskning {r['forvaltning']} (−{tal(abs(r['skillnad']), 1)} procentenheter)"
            if parts
            else f"Störst minskning har {r['forvaltning']} "
            f"(−{tal(abs(r['skillnad']), 1)} procentenheter)"
        )
    if not parts:
        if ok.empty:
            return ""
        return (
            "Sjukfrånvaron är i stort sett oförändrad i alla förvaltningar."
            if len(ok) == len(forandring)
            else "Sjukfrånvaron är i stort sett oförändrad i alla redovisade förvaltningar."
        )
    text = ", ".join(parts) + "."
    # with suppressed förvaltningar, "no förvaltning" speaks only of those shown
    ingen = (
        "Ingen förvaltning"
        if len(ok) == len(forandring)
        else "Ingen av de redovisade förvaltningarna"
    )
    if len(ok) and not len(down):
        text += f" {ingen} har minskat sin sjukfrånvaro."
    elif len(ok) and not len(up):
        text = text + f" {ingen} har ökat sin sjukfrånvaro."
    return text


def trend_text(res: dict) -> str:
    """The trend-change result (:func:`analysis.personal.trender.trendforandring`) in
    words, with its 95 % interval.

    A change is called a change only when the test says it is significant
    (``signifikant``); otherwise the sentence says that the level has not changed more
    than the normal variation, and the estimate is given only with its interval. When the
    model did not converge no conclusion is drawn.
    """
    fore = res.get("antal_manader", 2 * res["manader"]) - res["manader"]
    if not res.get("konvergerade", True):
        return (
            "Trendtestet kunde inte skattas säkert (modellen konvergerade inte), så "
            "ingen slutsats dras om sjukfrånvarons nivå de senaste "
            f"{res['manader']} månaderna."
        )
    b = res["forandring"]
    ci = f"{tal(res['ci_lag'], 1)} till {tal(res['ci_hog'], 1)}"
    stat = f"95 % konfidensintervall {ci} procentenheter, p = {tal(res['p_varde'], 2)}"
    if not res["signifikant"]:
        return (
            f"Rensat för säsong skiljer sig sjukfrånvaron de senaste {res['manader']} "
            f"månaderna inte mer från de {fore} månaderna före än den normala "
            f"variationen: skattningen är {tal(b, 1, tecken=True)} procentenheter ({stat}). "
            "Förändringen kan vara slumpmässig (inte statistiskt säkerställd)."
        )
    niva = f"{tal(abs(b), 1)} procentenheter {'högre' if b > 0 else 'lägre'}"
    return (
        f"Rensat för säsong är sjukfrånvaron de senaste {res['manader']} månaderna "
        f"{niva} än under de {fore} månaderna före ({stat}). "
        "Förändringen är statistiskt säkerställd."
    )


def kommentar(
    personal: pd.DataFrame,
    period: Period | str,
    forvaltning: str | None = None,
    forvaltningar: Sequence[str] | None = None,
    trend: dict | None = None,
    jamforelse: dict | None = None,
) -> str:
    """Swedish commentary generated from the numbers, as known at the end of ``period``.

    The first sentence gives the rate of the period and its change from the same
    period last year, and whether that change is more than the normal variation between
    years (:func:`analysis.personal.trender.jamforelse_test`, the rule is defined there);
    when no test can be made (a short series) nothing is said about significance.

    Parameters
    ----------
    personal : DataFrame
        Processed ``sjukfranvaro`` rows (months after ``period`` are never used).
    period : Period or str
        The report month.
    forvaltning : str, optional
        ``None`` = the whole kommun.
    forvaltningar : list of str, optional
        For the kommun: the förvaltningar to compare (largest increase and decrease).
    trend : dict, optional
        :func:`analysis.personal.trender.trendforandring` output, described in a last
        sentence.
    jamforelse : dict, optional
        :func:`analysis.personal.trender.jamforelse_test` output, when already computed
        (else it is computed).

    Returns
    -------
    str
        A few sentences; suppressed groups are never mentioned with a number.
    """
    period = Period.parse(period)
    personal = personal[personal["period"] <= period.code]
    h = hittills_i_ar(personal, period, forvaltning)
    vem = "Sjukfrånvaron" if forvaltning is None else f"Sjukfrånvaron i {forvaltning}"
    if not h["manader"]:
        return f"Det finns ingen personaldata för {period.range_text} {period.year}."
    if np.isnan(h["procent"]):
        return (
            f"{vem} redovisas inte för perioden eftersom gruppen har "
            f"{MIN_GROUP} eller färre anställda."
        )
    if jamforelse is None and not np.isnan(h["skillnad"]):
        jamforelse = jamforelse_test(personal, period, forvaltning)
    parts = [
        jamforelse_text(
            h["procent"], h["skillnad"], h["manader"], period.year - 1, vem, test=jamforelse
        )
    ]
    if forvaltning is None and forvaltningar:
        text = forvaltning_text(forandring_per_forvaltning(personal, period, forvaltningar))
        if text:
            parts.append(text)
    if trend is not None:
        parts.append(trend_text(trend))
    return " ".join(parts)
