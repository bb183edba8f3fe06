"""Goal status: green, yellow or red, and the sentences that count them.

Status rule
-----------
A status given in the file (``gron``, ``gul``, ``rod``) is always used as it is: the
nämnd's own judgement, which may weigh things the numbers do not show (a count for
January–April against a target for the whole year, say). When it is absent the status is
computed from the numbers (:func:`bedom_status`):

* **Grön** – the målvärde is reached: ``utfall ≥ målvärde`` when higher is better,
  ``utfall ≤ målvärde`` when lower is better;
* **Gul** – not reached, but within :data:`GUL_MARGINAL` (10 %) of the målvärde
  (``|utfall − målvärde| ≤ 0,10 × |målvärde|``; with målvärde 0 there is no margin);
* **Röd** – further from the målvärde than that;
* **Ej bedömd** – the utfall or the målvärde is not a number (``Nytt mätetal``, ``-``,
  ``Ja (upp till tre LCA)``). The text is shown as it is.

Where the rule does not apply (a målvärde for a later year, cells in different units)
the mätetal is *ej bedömd* and :func:`analysis.mal.matetal.matetal` gives the reason.

Whether a mätetal *reaches* its målvärde (``nar_malvardet``) is always the plain
comparison of the numbers, whoever set the status: a nämnd may call a count of 70 against
a year target of 250 *grön* (it follows the plan), but it has not reached the target.
"""

from __future__ import annotations

import math

import pandas as pd

from analysis.core.errors import ArgumentError
from analysis.core.format import antal

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


def bedom_status(
    utfall: float, malvarde: float, riktning: str, marginal: float = GUL_MARGINAL
) -> str:
    """The computed status (``gron``, ``gul``, ``rod``, or ``""`` = ej bedömd).

    >>> bedom_status(94, 100, "hogre"), bedom_status(43, 32, "lagre")
    ('gul', 'rod')
    >>> bedom_status(16.4, 16.4, "lagre")
    'gron'
    """
    if riktning not in RIKTNING_TEXT:
        raise ArgumentError("riktning", f"måste vara hogre eller lagre, inte {riktning!r}.")
    if utfall is None or malvarde is None:
        return ""
    u, m = float(utfall), float(malvarde)
    if not (math.isfinite(u) and math.isfinite(m)):
        return ""
    kvar = (m - u) if riktning == "hogre" else (u - m)  # > 0: short of the målvärde
    tol = 1e-9 * max(1.0, abs(m))
    if kvar <= tol:
        return "gron"
    if kvar <= marginal * abs(m) + tol:
        return "gul"
    return "rod"


def status_label(status: str) -> str:
    """'gron' → 'Grön' (the text that always accompanies the colour)."""
    return STATUS_TEXT[status]


#: The colour words agreeing with "mätetal" (neuter): one, several.
_FARGORD = {"gron": ("grönt", "gröna"), "gul": ("gult", "gula"), "rod": ("rött", "röda")}


def _farger(c: pd.Series) -> tuple[str, str, str]:
    """'12 gröna', '1 gult', '0 röda': the counts of the three statuses, each with its
    colour word in the right number."""
    out = []
    for status in ("gron", "gul", "rod"):
        k = int(c.get(status, 0))
        one, many = _FARGORD[status]
        out.append(f"{antal(k)} {one if k == 1 else many}")
    return out[0], out[1], out[2]


def status_text(mt: pd.DataFrame) -> str:
    """'Av 24 mätetal är 12 gröna, 6 gula och 3 röda; 3 kan inte bedömas än. …'

    Says how many statuses the nämnder set themselves, how many mätetal have a målvärde
    for a later year (not judged against this year's value) and how many cannot be
    judged because of their units."""
    if mt.empty:
        return "Det finns inga mätetal för perioden."
    c = mt["status"].value_counts()
    kalla = mt["status_kalla"]
    parts = _farger(c)
    text = f"Av {antal(len(mt))} mätetal är {parts[0]}, {parts[1]} och {parts[2]}"
    ej_tal = int(((mt["status"] == "") & (kalla == "beräknad")).sum())
    if ej_tal:
        text += (
            f"; {antal(ej_tal)} kan inte bedömas med siffror (nytt mätetal eller utfall som text)"
        )
    orsak = mt["status_orsak"] if "status_orsak" in mt else pd.Series("", index=mt.index)
    ej = kalla == "ej bedömd"
    senare = int((ej & orsak.str.startswith("målvärdet avser")).sum())
    enhet = int(ej.sum()) - senare
    if senare:
        text += (
            f"; {antal(senare)} har ett målvärde för ett senare år och bedöms inte mot årets "
            "utfall (utvecklingen visas i stället)"
        )
    if enhet:
        text += f"; {antal(enhet)} bedöms inte eftersom utfall och målvärde har olika enheter"
    angiven = int((kalla == "angiven").sum())
    text += (
        f". {antal(angiven)} av bedömningarna är nämndernas egna, övriga beräknade mot "
        f"målvärdet (gul = högst {antal(GUL_MARGINAL * 100)} procent från målvärdet)."
    )
    return text


def status_kort(mt: pd.DataFrame) -> str | None:
    """The goals in plain Swedish for the short version, or None without goals.

    The first sentence counts exactly the mätetal whose latest utfall reaches the
    målvärde (``nar_malvardet``), whoever set the status; the second gives the
    statuses. 'Av 38 mätetal når 12 sitt målvärde och 19 gör det inte än; 7 kan inte
    jämföras med målvärdet. Nämndernas och de beräknade bedömningarna: 18 gröna, …'"""
    if mt.empty:
        return None
    nar = mt["nar_malvardet"]
    ja = int((nar == True).sum())  # noqa: E712 (None is neither)
    nej = int((nar == False).sum())  # noqa: E712
    ovriga = len(mt) - ja - nej
    text = (
        f"Av {antal(len(mt))} mätetal når {antal(ja)} sitt målvärde enligt det senaste "
        f"utfallet och {antal(nej)} gör det inte än"
    )
    if ovriga:
        text += (
            f"; {antal(ovriga)} kan inte jämföras med målvärdet (nytt mätetal, utfall "
            "som text eller olika enheter)"
        )
    c = mt["status"].value_counts()
    ej = int(c.get("", 0))
    gron, gul, rod = _farger(c)
    text += f". Bedömningen, av nämnderna själva eller beräknad: {gron}, {gul} och {rod}" + (
        f"; {antal(ej)} är inte {'bedömt' if ej == 1 else 'bedömda'}." if ej else "."
    )
    return text
