"""The kommun's driftsredovisning in blocks, and the commentary on it and on the result.

Mirrors the published delårsrapport: the nämnder, the finansförvaltning, avskrivningar,
taxes and general grants and financial items, each with its sum row, down to *Resultat
efter finansiella poster*. The texts are written in the kommun's style: amounts as
"miljoner kronor", the largest contributors named in descending order, comparisons against
the period budget, the annual budget and the previous forecast.

Every frame is in tkr with the report sign (revenue +, cost −, avvikelse + = better than
budget). Display tables (mkr, Swedish headings) are in :mod:`analysis.rapport.kommun`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import pandas as pd

from analysis.core.format import lista, mkr
from analysis.core.labels import DRIFT, TOTALT
from analysis.core.period import MONTH_NAMES, Period
from analysis.ekonomi.drift import compute_driftsredovisning, prognos_eller_budget, prognoses_kr
from analysis.ekonomi.resultat import SUBTOTALS, belopp_per_rad, semesterloneskuld_avvikelse
from analysis.ekonomi.text import jamfort, namn_i_text
from analysis.io.dataset import Dataset

#: Deviations smaller than this (tkr) are not named in the texts.
NAMN_TROSKEL_TKR = 500.0
#: The amount columns of :func:`drift_block` (those of the driftsredovisning).
NUMERIC = list(DRIFT)
#: The blocks in the order of the published table.
BLOCK_ORDER = ["summa_namnder", "summa_finans", "avskrivningar", "summa_skatt", "summa_finansiellt"]
#: The block rows of the kommun's driftsredovisning: (id, label, blocks summed).
BLOCK_SUMS = [
    ("summa_namnder", "Summa nämnder", ["summa_namnder"]),
    ("summa_finans", "Summa finansförvaltning", ["summa_finans"]),
    ("vnk", "Verksamhetens nettokostnad", ["summa_namnder", "summa_finans", "avskrivningar"]),
    ("summa_skatt", "Summa skatter och utjämning", ["summa_skatt"]),
    ("summa_finansiellt", "Summa finansiella poster", ["summa_finansiellt"]),
    (
        "resultat",
        "Resultat efter finansiella poster",
        ["summa_namnder", "summa_finans", "avskrivningar", "summa_skatt", "summa_finansiellt"],
    ),
]
#: The block of the kommun's driftsredovisning a finans unit belongs to, by its dominant
#: resultaträkning line.
_BLOCK_OF_LINE = {
    "skatt": "summa_skatt",
    "statsbidrag": "summa_skatt",
    "fin_intakter": "summa_finansiellt",
    "fin_kostnader": "summa_finansiellt",
    "avskrivningar": "avskrivningar",
}


# --- which block a unit belongs to -----------------------------------------------------
def unit_blocks(data: Dataset, year: int) -> dict[str, str]:
    """Which block of the kommun's driftsredovisning each unit belongs to.

    Nämnder are ``summa_namnder``. A finans unit goes by the resultaträkning line that
    dominates its annual budget (its utfall in the year when it has no budget):
    taxes and general grants ``summa_skatt``, financial items ``summa_finansiellt``,
    depreciation ``avskrivningar``, anything else the finansförvaltning
    ``summa_finans`` (pensions, internal items, gains and losses). Nothing depends on
    the units' names, so any kommun's register works.
    """
    reg = data.register
    out = {u: "summa_namnder" for u in reg.namnder}
    b = data.budget
    budget = belopp_per_rad(
        b[(b["ar"] == year) & (b["typ"] == "drift") & b["namnd"].isin(reg.finans)], data
    )[0]
    u = data.utfall
    utfall = belopp_per_rad(u[(u["period"] // 100 == year) & u["namnd"].isin(reg.finans)], data)[0]
    for unit in reg.finans:
        row = budget.loc[unit].abs() if unit in budget.index else None
        if row is None or row.max() == 0:
            row = utfall.loc[unit].abs() if unit in utfall.index else None
        line = row.idxmax() if row is not None and row.max() > 0 else ""
        out[unit] = _BLOCK_OF_LINE.get(line, "summa_finans")
    return out


# --- the driftsredovisning in blocks --------------------------------------------------
def drift_block(data: Dataset, period: Period | str) -> pd.DataFrame:
    """The kommun's driftsredovisning in the published layout (tkr).

    Rows: the nämnder, *Summa nämnder*; the finansförvaltning's units, *Summa
    finansförvaltning*; avskrivningar; *Verksamhetens nettokostnad*; taxes and general
    grants, *Summa skatter och utjämning*; financial items, *Summa financiella poster*;
    *Resultat efter finansiella poster* (= the driftsredovisning's ``Totalt``). Which
    block a finans unit belongs to follows its accounts (:func:`unit_blocks`).

    Columns ``id``, ``typ`` (``rad``/``summa``/``rubrik``), ``block``, ``rad`` (label) and
    the eight amounts. In sum rows a unit without a forecast counts at its budget
    (:func:`analysis.ekonomi.drift.prognos_eller_budget`), and one without a previous
    forecast at its latest forecast (it adds no change). ``attrs['har_prognos']`` says
    whether any unit has forecast the year.
    """
    period = Period.parse(period)
    drift = compute_driftsredovisning(data, period)
    rows = drift[drift["namnd"] != TOTALT].copy()
    blocks = unit_blocks(data, period.year)
    rows["block"] = rows["namnd"].map(blocks)
    rows["typ"] = "rad"
    rows["id"] = rows["namnd"]
    reg = data.register
    rows["rad"] = [
        ("– " if blocks[u] == "summa_finans" else "") + reg.namn(u) for u in rows["namnd"]
    ]
    prognos = prognos_eller_budget(rows)
    foreg = rows["prognos_foregaende"].where(rows["prognos_foregaende"].notna(), prognos)

    def summa(key: str, label: str, parts: list[str]) -> dict:
        sel = rows["block"].isin(parts)
        out = {"id": key, "typ": "summa", "block": key, "rad": label}
        for col in ("utfall_period", "budget_period", "budget_helar"):
            out[col] = float(rows.loc[sel, col].sum())
        out["prognos_helar"] = float(prognos[sel].sum())
        out["prognos_foregaende"] = float(foreg[sel].sum())
        out["avvikelse_period"] = out["utfall_period"] - out["budget_period"]
        out["avvikelse_helar"] = out["prognos_helar"] - out["budget_helar"]
        out["prognos_forandring"] = out["prognos_helar"] - out["prognos_foregaende"]
        return out

    sums = {key: summa(key, label, parts) for key, label, parts in BLOCK_SUMS}
    pieces: list[pd.DataFrame] = []
    for block in BLOCK_ORDER:
        part = rows[rows["block"] == block]
        if block == "summa_finans" and len(part):
            pieces.append(
                pd.DataFrame(
                    [
                        {
                            "id": "rubrik_finans",
                            "typ": "rubrik",
                            "block": block,
                            "rad": "Finansförvaltning",
                        }
                    ]
                )
            )
        pieces.append(part)
        if block in sums and (len(part) or block == "summa_namnder"):
            pieces.append(pd.DataFrame([sums[block]]))
        if block == "avskrivningar":
            pieces.append(pd.DataFrame([sums["vnk"]]))
    pieces.append(pd.DataFrame([sums["resultat"]]))
    out = pd.concat([p for p in pieces if len(p)], ignore_index=True)
    out.attrs["har_prognos"] = bool(rows["prognos_helar"].notna().any())
    return out[["id", "typ", "block", "rad", *NUMERIC]]


def prognos_not(block: pd.DataFrame) -> str | None:
    """The note under a table with a *Prognos helår* column when some units have made no
    forecast: they count at their budget there (the contract's rule), and the reader is
    told which; ``None`` when every unit has a forecast, or none has (then the texts say
    that no forecast has been made)."""
    rows = block[block["typ"] == "rad"]
    missing = rows.loc[rows["prognos_helar"].isna(), "rad"].str.lstrip("– ").tolist()
    if not missing or len(missing) == len(rows):
        return None
    names = ", ".join(missing[:5]) + (f" och {len(missing) - 5} till" if len(missing) > 5 else "")
    return (
        f"{len(missing)} av {len(rows)} enheter har inte lämnat någon helårsprognos "
        f"({names}); de räknas med sin budget i kolumnen Prognos helår."
    )


def summarader(frame: pd.DataFrame) -> list[int]:
    """Positions of the sum rows of :func:`drift_block` or a resultaträkning (bold)."""
    if "typ" in frame:
        return [i for i, t in enumerate(frame["typ"]) if t in ("summa", "rubrik")]
    return [i for i, key in enumerate(frame["id"]) if key in SUBTOTALS]


# --- helpers of the texts ----------------------------------------------------------------
def storsta(frame: pd.DataFrame, col: str, sign: float, n: int = 3) -> list[tuple[str, float]]:
    """The ``n`` rows (label in ``rad``, a leading "– " removed) with the largest values of
    ``col`` in the direction ``sign`` (+1 or −1), largest first; values smaller than
    :data:`NAMN_TROSKEL_TKR` are left out.

    >>> f = pd.DataFrame({"rad": ["a", "– b", "c"], "x": [-900.0, -2000.0, 700.0]})
    >>> storsta(f, "x", -1)
    [('b', -2000.0), ('a', -900.0)]
    """
    s = frame.set_index("rad")[col].dropna()
    s = s[(s * sign) >= NAMN_TROSKEL_TKR]
    s = s.reindex(s.abs().sort_values(ascending=False).index).head(n)
    return [(str(k).lstrip("– "), float(v)) for k, v in s.items()]


def upprakning(items: Iterable[str]) -> str:
    """The kommun texts' enumeration: ``"a och b"`` (:func:`analysis.core.format.lista`),
    and from three items ``"a, b samt c"``.

    >>> upprakning(["a", "b", "c"])
    'a, b samt c'
    """
    items = list(items)
    return lista(items, sista="samt" if len(items) > 2 else "och")


def _miljoner(tkr: float, tecken: bool = True) -> str:
    return mkr(tkr, tecken=tecken, decimaler=None, enhet="miljoner kronor")


def _mkr(tkr: float) -> str:
    return mkr(tkr, tecken=True, decimaler=None)


def _previous_month(data: Dataset, period: Period, units: list[str]) -> int | None:
    prog = prognoses_kr(data, period.year, period.month).reindex(units)
    months = prog["foregaende_manad"].dropna()
    return int(months.mode().iloc[0]) if len(months) else None


def _period_ord(period: Period) -> str:
    return "för året" if period.month == 12 else f"per {MONTH_NAMES[period.month - 1]}"


# --- the texts ---------------------------------------------------------------------------
def drift_text(data: Dataset, block: pd.DataFrame, period: Period | str) -> str:
    """The commentary on the driftsredovisning (seed001 §3.2 style), markdown."""
    period = Period.parse(period)
    b = block.set_index("id")
    rows = block[block["typ"] == "rad"]
    namnder = rows[rows["block"] == "summa_namnder"]
    n = b.loc["summa_namnder"]
    parts = []

    dev = float(n["avvikelse_period"])
    when = "året" if period.month == 12 else "perioden"
    text = f"Nämndernas utfall för {when} är {_miljoner(dev)} {jamfort(dev)} budget"
    big = storsta(namnder, "avvikelse_period", -1 if dev < 0 else 1)
    if big and abs(dev) >= 50:
        ord_ = "negativa" if dev < 0 else "positiva"
        text += f", det beror till stor del på {ord_} avvikelser för " + upprakning(
            [f"{namn_i_text(k)} {_miljoner(v)}" for k, v in big]
        )
    parts.append(text + ".")

    if "summa_finans" in b.index:
        f = float(b.loc["summa_finans", "avvikelse_period"])
        text = f"Finansförvaltningen avviker med {_miljoner(f)} mot budget för {when}"
        sem = semesterloneskuld_avvikelse(data, period)
        if sem is not None and abs(sem) >= 50:
            text += (
                f", varav semesterlöneskuldens förändring {_miljoner(sem)}; exklusive "
                f"semesterlöneskulden är avvikelsen {_miljoner(f - sem)}"
            )
        parts.append(text + ".")

    if period.month < 12 and not namnder["prognos_helar"].notna().any():
        parts.append("Nämnderna har ännu inte lämnat någon helårsprognos.")
    elif period.month < 12:
        y = float(n["avvikelse_helar"])
        word = "ett underskott" if y < 0 else "ett överskott"
        text = (
            f"Prognosen för helåret visar på {word} med {_miljoner(y)} för nämnderna "
            "jämfört med budget"
        )
        big = storsta(namnder, "avvikelse_helar", -1 if y < 0 else 1)
        if big and abs(y) >= 50:
            text += ", de stora avvikelserna finns inom " + upprakning(
                [f"{namn_i_text(k)} ({_mkr(v)})" for k, v in big]
            )
        parts.append(text + ".")

        prev_month = _previous_month(data, period, data.register.namnder)
        change = float(n["prognos_forandring"])
        if prev_month is not None and math.isfinite(change):
            prev_dev = y - change
            how = (
                "ser något sämre ut"
                if change < -50
                else "ser något bättre ut"
                if change > 50
                else "är i stort sett oförändrad"
            )
            text = (
                f"Prognosen för nämnderna {_miljoner(y)} {how}, {_miljoner(change)}, "
                f"jämfört med den prognos som gjordes i {MONTH_NAMES[prev_month - 1]} "
                f"{period.year} på {_miljoner(prev_dev)}"
            )
            moved = storsta(namnder, "prognos_forandring", -1 if change < 0 else 1)
            if moved and abs(change) >= 50:
                text += "; förändringarna finns främst hos " + upprakning(
                    [f"{namn_i_text(k)} ({_mkr(v)})" for k, v in moved]
                )
            parts.append(text + ".")
    return "\n\n".join(parts)


def rr_text(rr: pd.DataFrame, period: Period | str) -> str:
    """The commentary on the resultaträkning (seed001 §3.1 style)."""
    period = Period.parse(period)
    r = rr.set_index("id")
    res = float(r.loc["arets_resultat", "utfall_period"])
    dev = float(r.loc["arets_resultat", "avvikelse_period"])
    sign = "positivt" if res >= 0 else "negativt"
    if period.month == 12:
        parts = [
            f"Kommunen redovisar ett {sign} resultat för {period.year} på "
            f"{_miljoner(res)}, vilket är {_miljoner(abs(dev), False)} {jamfort(dev)} "
            "budgeterat resultat."
        ]
    else:
        parts = [
            f"Kommunen redovisar ett {sign} periodresultat {_period_ord(period)} på "
            f"{_miljoner(res)}, vilket är {_miljoner(abs(dev), False)} {jamfort(dev)} "
            "budgeterat resultat för samma period."
        ]
    if "exkl_semesterloneskuld" in r.index:
        parts.append(
            "Om semesterlöneskuldens resultatpåverkan exkluderas är resultatet "
            f"{_miljoner(float(r.loc['exkl_semesterloneskuld', 'utfall_period']))}."
        )
    if period.month < 12 and not rr.attrs.get("har_prognos", True):
        parts.append("Någon helårsprognos har ännu inte lämnats för året.")
    elif period.month < 12:
        p = float(r.loc["arets_resultat", "prognos_helar"])
        d = float(r.loc["arets_resultat", "avvikelse_helar"])
        word = "ett överskott" if p >= 0 else "ett underskott"
        parts.append(
            f"Prognosen för helåret visar på {word} med {_miljoner(abs(p), False)} "
            f"vilket är {_miljoner(abs(d), False)} {jamfort(d)} budgeterat resultat "
            "för året."
        )
        lines = {
            "verksamhetens nettokostnader": float(r.loc["vnk", "avvikelse_helar"]),
            "skatteintäkter och generella statsbidrag": float(
                r.loc["skatt", "avvikelse_helar"] + r.loc["statsbidrag", "avvikelse_helar"]
            ),
            "finansnettot": float(
                r.loc["fin_intakter", "avvikelse_helar"] + r.loc["fin_kostnader", "avvikelse_helar"]
            ),
        }
        same = {k: v for k, v in lines.items() if v * d > 0 and abs(v) >= NAMN_TROSKEL_TKR}
        if same:
            k, v = max(same.items(), key=lambda kv: abs(kv[1]))
            parts.append(f"Den främsta förklaringen är avvikelsen för {k}, {_miljoner(v)}.")
    return " ".join(parts)
