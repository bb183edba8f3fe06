"""The checks of the labour-market section: its text and tables against the files.

Every expected figure is looked up again straight in the ``arbetsloshet`` frame as known
at the end of the period (plain pandas filters, not :mod:`analysis.befolkning.arbetsmarknad`):

* :func:`kontrollera_manad`: the month shown is the latest month up to the period with the
  kommun's share 16–64 år;
* :func:`kontrollera_tabeller`: every cell of the shares' and the counts' tables, and
  their changes, against the rows of the file;
* :func:`kontrollera_arbetsmarknadstext`: every figure the text prints (read back from
  the text) against the file, and no comparison printed that the file does not give;
* :func:`kontrollera_rimlighet`: shares within 0–100 %, share × arbetskraft = count where
  a file gives all three, the kommun's count within the län's and the län's within
  riket's, and a group's count within the 16–64 år count of its area.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd

from analysis.befolkning.arbetsmarknad import GRUPPNAMN, Arbetsloshet
from analysis.core.format import MINUS
from analysis.core.period import Period
from analysis.kontroller.bas import Kontroller, kontrollera_andelar, som_tal
from analysis.kontroller.text import kontrollera_text

GRUPP_TABELL = "Arbetsmarknad: tabellerna = filerna"
GRUPP_TEXT = "Arbetsmarknad: texten = filerna"
GRUPP_RIMLIG = "Arbetsmarknad: rimlighet"
#: Half a tenth of a percent of the arbetskraft, and half a person: what the rounding of
#: a share to one decimal and of a count to whole persons allows.
AVRUNDNING_ANDEL = 0.05


def _manad_kod(code: int, years: int) -> int:
    return int(code) - 100 * years


def rad(frame: pd.DataFrame, omrade: str, grupp: str, code: int) -> pd.Series | None:
    """The file's row of one area, group and month, or ``None``."""
    hit = frame[
        (frame["omrade"] == omrade)
        & (frame["grupp"] == grupp)
        & (frame["period"].astype("int64") == int(code))
    ]
    return hit.iloc[0] if len(hit) else None


def filvarde(frame: pd.DataFrame, omrade: str | None, grupp: str, code: int, kolumn: str) -> float:
    """A value of the file (``andel`` or ``antal``), NaN when the file has none."""
    if omrade is None:
        return math.nan
    r = rad(frame, omrade, grupp, code)
    return math.nan if r is None else som_tal(r[kolumn])


def kontrollera_manad(k: Kontroller, radata: pd.DataFrame, a: Arbetsloshet) -> None:
    """The month shown is the latest month up to the period's last with the kommun's
    share 16–64 år in the file."""
    own = radata[
        (radata["omrade"] == a.kommun)
        & (radata["grupp"] == "16-64")
        & radata["andel"].notna()
        & (radata["period"].astype("int64") <= a.period.code)
    ]
    latest = int(own["period"].max()) if len(own) else math.nan
    k.lika(
        GRUPP_TABELL,
        "månaden som visas är den senaste med uppgift för kommunen",
        a.manad.code,
        latest,
        0,
    )


def _grupp_av(label: str) -> str:
    inverse = {v: g for g, v in GRUPPNAMN.items()}
    return inverse[str(label)]


def kontrollera_tabeller(
    k: Kontroller,
    radata: pd.DataFrame,
    manad: Period,
    andelar: pd.DataFrame,
    antal: pd.DataFrame,
) -> None:
    """Every cell of the shares' table (columns ``Grupp``, ``Område``, the three months,
    the change) and of the counts' table (the three months, the two changes) against
    the file's rows of that group, area and month."""
    months = [_manad_kod(manad.code, y) for y in range(3)]
    for tabell, kolumn, changes in (
        (andelar, "andel", ((1,),)),
        (antal, "antal", ((1,), (2,))),
    ):
        cells = list(tabell.columns[2:5])
        change_cols = list(tabell.columns[5 : 5 + len(changes)])
        for _, r in tabell.iterrows():
            grupp, omrade = _grupp_av(r["Grupp"]), str(r["Område"])
            values = [filvarde(radata, omrade, grupp, m, kolumn) for m in months]
            for col, expected in zip(cells, values, strict=True):
                k.lika(
                    GRUPP_TABELL,
                    f"{kolumn} {r['Grupp']} {omrade} {col}",
                    som_tal(r[col]),
                    expected,
                    1e-9,
                )
            for col, (years,) in zip(change_cols, changes, strict=True):
                k.lika(
                    GRUPP_TABELL,
                    f"{col} {r['Grupp']} {omrade}",
                    som_tal(r[col]),
                    values[0] - values[years],
                    1e-6,
                )


def _pat(text: str) -> str:
    return re.escape(text)


def kontrollera_arbetsmarknadstext(
    k: Kontroller, radata: pd.DataFrame, a: Arbetsloshet, text: str
) -> None:
    """The figures the text prints against the file, read back from the text: the
    kommun's, the län's and riket's share, the young's and the foreign-born's, the count
    and its changes. A comparison the file does not give must not be printed."""
    m0, m1, m2 = (_manad_kod(a.manad.code, y) for y in range(3))
    fv = filvarde
    lan = _pat(a.lan) if a.lan else None
    checks: list[tuple[str, str, float, bool]] = []
    absent: list[tuple[str, str]] = []

    def want(what: str, pattern: str | None, value: float, absolute: bool = False) -> None:
        if pattern is None:
            return
        if math.isfinite(value):
            checks.append((what, pattern, value, absolute))
        else:
            absent.append((what, pattern))

    want(
        "Arbetslösheten i kommunen",
        r"Arbetslösheten i .+? var {tal} procent",
        fv(radata, a.kommun, "16-64", m0, "andel"),
    )
    want(
        "Arbetslösheten ett år tidigare",
        r"jämfört med {tal} procent ett år tidigare",
        fv(radata, a.kommun, "16-64", m1, "andel"),
    )
    if lan:
        want(
            "Arbetslösheten i länet",
            rf"I {lan} var den {{tal}} procent",
            fv(radata, a.lan, "16-64", m0, "andel"),
        )
    want(
        "Arbetslösheten i riket",
        r"[Ii] riket(?: var den)? {tal} procent",
        fv(radata, a.riket, "16-64", m0, "andel"),
    )
    want(
        "Arbetslösheten bland ungdomar",
        r"ungdomar 18–24 år var arbetslösheten {tal} procent",
        fv(radata, a.kommun, "18-24", m0, "andel"),
    )
    if math.isfinite(fv(radata, a.kommun, "18-24", m0, "andel")):
        want(
            "Arbetslösheten bland ungdomar ett år tidigare",
            r"\({tal} procent året innan\)",
            fv(radata, a.kommun, "18-24", m1, "andel"),
        )
    want(
        "Arbetslösheten bland utrikes födda",
        r"utrikes födda(?: var arbetslösheten)? {tal} procent",
        fv(radata, a.kommun, "utrikes_fodda", m0, "andel"),
    )
    if lan and math.isfinite(fv(radata, a.kommun, "utrikes_fodda", m0, "andel")):
        want(
            "Arbetslösheten bland utrikes födda i länet",
            rf"\({{tal}} procent i {lan}\)",
            fv(radata, a.lan, "utrikes_fodda", m0, "andel"),
        )
    n = [fv(radata, a.kommun, "16-64", m, "antal") for m in (m0, m1, m2)]
    want("Antalet inskrivna arbetslösa", r"Antalet inskrivna arbetslösa var {tal}", n[0])
    if math.isfinite(n[0]):
        for years, when in ((1, "ett år tidigare"), (2, "två år tidigare")):
            change = n[0] - n[years]
            want(
                f"Förändringen av antalet på {when[:-8].strip()}",
                rf"{{tal}} (?:färre|fler) än {when}|lika många som {when}",
                change,
                True,
            )
            if math.isfinite(change) and round(change) != 0:
                word = "färre" if change < 0 else "fler"
                k.villkor(
                    GRUPP_TEXT,
                    f"texten säger '{word}' om förändringen {when}",
                    re.search(rf"\d {word} än {when}", text) is not None,
                    change,
                )
    # "lika många som" prints no number: compare it as zero
    text_for_numbers = re.sub(r"lika många som", "0 färre än", text)
    kontrollera_text(k, GRUPP_TEXT, text_for_numbers, checks)
    for what, pattern in absent:
        found = re.search(
            pattern.replace("{tal}", r"[+\-" + MINUS + r"]?\d[\d\u00a0 ]*(?:,\d+)?"), text
        )
        k.villkor(GRUPP_TEXT, f"{what}: saknas i filen och nämns inte", found is None)


def kontrollera_rimlighet(k: Kontroller, radata: pd.DataFrame, a: Arbetsloshet) -> None:
    """Shares within 0–100 %; share × arbetskraft = count (within the rounding) where the
    file gives all three; the kommun's count at most the län's and the län's at most
    riket's; a group's count at most the 16–64 år count of its area (the young and the
    foreign-born are part of 16–64 år)."""
    months = [_manad_kod(a.manad.code, y) for y in range(3)]
    areas = [n for n in (a.kommun, a.lan, a.riket) if n is not None]
    used = radata[radata["omrade"].isin(areas) & radata["period"].astype("int64").isin(months)]
    kontrollera_andelar(
        k,
        GRUPP_RIMLIG,
        {f"andel {r.grupp} {r.omrade} {int(r.period)}": float(r.andel) for r in used.itertuples()},
    )
    full = used[used["andel"].notna() & used["antal"].notna() & used["arbetskraft"].notna()]
    for r in full.itertuples():
        tol = AVRUNDNING_ANDEL / 100 * float(r.arbetskraft) + 0.5
        k.lika(
            GRUPP_RIMLIG,
            f"andel × arbetskraft = antal, {r.grupp} {r.omrade} {int(r.period)}",
            float(r.andel) / 100 * float(r.arbetskraft),
            float(r.antal),
            tol,
        )
    for grupp in GRUPPNAMN:
        chain = [
            (n, filvarde(radata, n, grupp, months[0], "antal"))
            for n in (a.kommun, a.lan, a.riket)
            if n is not None
        ]
        chain = [(n, v) for n, v in chain if math.isfinite(v)]
        for (small, vs), (big, vb) in zip(chain, chain[1:], strict=False):
            k.villkor(
                GRUPP_RIMLIG,
                f"antal {grupp}: {small} högst {big}",
                vs <= vb,
                vs - vb,
            )
    for n in areas:
        total = filvarde(radata, n, "16-64", months[0], "antal")
        for grupp in ("18-24", "utrikes_fodda"):
            part = filvarde(radata, n, grupp, months[0], "antal")
            if math.isfinite(total) and math.isfinite(part):
                k.villkor(
                    GRUPP_RIMLIG,
                    f"antal {grupp} högst antal 16–64 år, {n}",
                    part <= total,
                    part - total,
                )


def kontrollera_arbetsmarknad(
    k: Kontroller,
    radata: pd.DataFrame,
    a: Arbetsloshet,
    text: str,
    andelar: pd.DataFrame,
    antal: pd.DataFrame,
) -> None:
    """All the checks of the section (see the module)."""
    radata = radata[np.asarray(radata["period"].astype("int64") <= a.period.code)]
    kontrollera_manad(k, radata, a)
    kontrollera_tabeller(k, radata, a.manad, andelar, antal)
    kontrollera_arbetsmarknadstext(k, radata, a, text)
    kontrollera_rimlighet(k, radata, a)
