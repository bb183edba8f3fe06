"""Resultaträkning for the whole kommun, reconciled with the driftsredovisning.

Lines follow the kommunal resultaträkning (Kommun-Bas account classes):

==========================================  =========================================
line                                        accounts (first digits)
==========================================  =========================================
Verksamhetens intäkter                      3
Verksamhetens kostnader                     4, 5, 6, 7 except 78
Avskrivningar                               78 (avskrivningar och nedskrivningar)
Skatteintäkter                              80, 81
Generella statsbidrag och utjämning         82, 83
Finansiella intäkter                        84
Finansiella kostnader                       85
Extraordinära poster                        86–89
==========================================  =========================================

Accounts marked ``intern`` in the kontoplan (transactions between the kommun's own units)
are eliminated. What they net to across the kommun is zero when both sides of every
internal transaction are booked and periodised with the same key. When they do not —
one side not yet booked, or the two sides of an internal charge periodised with
different keys (PO-pålägg at each nämnd's key, the finansförvaltning's side in twelfths)
— the rest is never hidden among the costs: it is shown as its own line, *Interna poster
som inte tar ut varandra*, inside verksamhetens nettokostnader, with a note
(:func:`rr_not`). The driftsredovisning keeps the internal items on both sides, so with
that line ``Årets resultat`` equals its ``Totalt`` column by column; the check compares
the two, reached by independent paths (account classes straight from the ledger against
the units' sums).

The period budget of a line is each unit's annual budget on that line times the unit's
periodisation share (the same weights as the driftsredovisning). A unit's forecast is a
net amount; its deviation from budget is placed on the unit's dominant line (largest
absolute annual budget; for a unit without budget, largest absolute utfall), so revenue
forecasts stay at budget for the nämnder — as the published reports show them — and a
unit without a forecast counts at its budget. Verksamhetens intäkter are forecast at
budget: a deviation of a unit whose dominant line is revenue is shown among the costs.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.core.kommunbas import konto_key, rr_rad
from analysis.core.period import Period
from analysis.ekonomi.drift import annual_budget_kr, periodisation_weights, prognoses_kr
from analysis.io.dataset import Dataset

LINES = [
    ("intakter", "Verksamhetens intäkter"),
    ("kostnader", "Verksamhetens kostnader"),
    ("intern_differens", "Interna poster som inte tar ut varandra"),
    ("avskrivningar", "Avskrivningar"),
    ("vnk", "Verksamhetens nettokostnader"),
    ("skatt", "Skatteintäkter"),
    ("statsbidrag", "Generella statsbidrag och utjämning"),
    ("verksamhetens_resultat", "Verksamhetens resultat"),
    ("fin_intakter", "Finansiella intäkter"),
    ("fin_kostnader", "Finansiella kostnader"),
    ("resultat_finansiella", "Resultat efter finansiella poster"),
    ("extraordinara", "Extraordinära poster"),
    ("arets_resultat", "Årets resultat"),
]
BASE_LINES = [
    "intakter",
    "kostnader",
    "avskrivningar",
    "skatt",
    "statsbidrag",
    "fin_intakter",
    "fin_kostnader",
    "extraordinara",
]
SUBTOTALS = {
    "vnk": ["intakter", "kostnader", "intern_differens", "avskrivningar"],
    "verksamhetens_resultat": ["vnk", "skatt", "statsbidrag"],
    "resultat_finansiella": ["verksamhetens_resultat", "fin_intakter", "fin_kostnader"],
    "arets_resultat": ["resultat_finansiella", "extraordinara"],
}
COLUMNS = [
    "utfall_period",
    "budget_period",
    "avvikelse_period",
    "prognos_helar",
    "budget_helar",
    "avvikelse_helar",
]
#: The previous year's utfall for the same months (tkr); NaN when that year has no utfall.
FG_PERIOD = "utfall_fg_period"


def rr_line(konto: np.ndarray | pd.Series) -> np.ndarray:
    """The resultaträkning line of each account (Kommun-Bas classes,
    :func:`analysis.core.kommunbas.rr_rad`); '' for balance accounts (classes 1–2), which
    do not belong in the resultaträkning."""
    return rr_rad(np.asarray(konto))


def _flagged(data: Dataset, konto: np.ndarray, column: str) -> np.ndarray:
    """Accounts whose kontoplan range has ``column`` set (intern / semesterloneskuld)."""
    kp = data.frames.get("kontoplan")
    out = np.zeros(len(konto), dtype=bool)
    if kp is None or column not in kp:
        return out
    values = kp[column]
    flags = (
        values
        if values.dtype == bool
        else values.astype(str)
        .str.strip()
        .str.casefold()
        .isin(["ja", "j", "x", "1", "true", "sant"])
    )
    key = konto_key(np.asarray(konto))
    for lo, hi in kp.loc[flags.to_numpy(), ["_lo", "_hi"]].itertuples(index=False):
        out |= (key >= lo) & (key <= hi)
    return out


def belopp_per_rad(frame: pd.DataFrame, data: Dataset) -> tuple[pd.DataFrame, float, float]:
    """Σ belopp_kr by unit (rows) and resultaträkning line (columns, :data:`BASE_LINES`),
    without the accounts the kontoplan marks internal and without balance accounts; also
    the net of the internal accounts and the amount on semesterlöneskuld accounts.

    The one rule for which amounts belong in the resultaträkning: the resultaträkning and
    the kommun's block table (:func:`analysis.ekonomi.block.unit_blocks`) both use it."""
    konto = frame["konto"].to_numpy()
    intern = _flagged(data, konto, "intern")
    sem = _flagged(data, konto, "semesterloneskuld")
    lines = rr_line(konto)
    amounts = frame["belopp_kr"].to_numpy(dtype=float)
    keep = ~intern & (lines != "")
    table = (
        pd.DataFrame(
            {
                "namnd": frame["namnd"].astype(str).to_numpy()[keep],
                "rad": lines[keep],
                "kr": amounts[keep],
            }
        )
        .groupby(["namnd", "rad"])["kr"]
        .sum()
        .unstack(fill_value=0.0)
    )
    table = table.reindex(columns=BASE_LINES, fill_value=0.0)
    return table, float(amounts[intern].sum()), float(amounts[sem].sum())


def _internal_by_unit(frame: pd.DataFrame, data: Dataset, units: list[str]) -> pd.Series:
    intern = _flagged(data, frame["konto"].to_numpy(), "intern")
    rows = frame.loc[intern]
    return rows.groupby(rows["namnd"].astype(str))["belopp_kr"].sum().reindex(units, fill_value=0.0)


def compute_resultatrakning(data: Dataset, period: Period | str) -> pd.DataFrame:
    """The resultaträkning (tkr, report sign) with the same six columns as the
    driftsredovisning, plus a row for the result excluding the semesterlöneskuld change
    when the kontoplan marks that account.

    ``attrs['kontroller']`` lists the reconciliation checks (name, difference in tkr, ok).
    """
    period = Period.parse(period)
    units = data.register.namnder + data.register.finans
    u = data.utfall
    u = u[u["period"].isin(period.month_codes) & u["namnd"].isin(units)]
    utfall, intern_utfall, sem_utfall = belopp_per_rad(u, data)
    fg = _utfall_fg(data, period, units)

    b = data.budget
    b = b[(b["ar"] == period.year) & (b["typ"] == "drift") & b["namnd"].isin(units)]
    budget, intern_budget, _ = belopp_per_rad(b, data)
    weights = periodisation_weights(data, period.year, units)
    share = weights.loc[:, 1 : period.month].sum(axis=1)

    budget = budget.reindex(units, fill_value=0.0)
    utfall = utfall.reindex(units, fill_value=0.0)
    budget_period = budget.mul(share, axis=0)
    # Internal transactions are eliminated; what is left of them (a side not booked, or
    # the two sides periodised with different keys) is its own line, never hidden.
    intern_period = float(_internal_by_unit(b, data, units).mul(share).sum())

    # forecasts: the deviation on the unit's dominant line; no forecast = budget
    prog = prognoses_kr(data, period.year, period.month).reindex(units)["senaste"]
    annual = annual_budget_kr(data, period.year).reindex(units, fill_value=0.0)
    prognos = budget.copy()
    for unit in units:
        if pd.isna(prog.get(unit)):
            continue
        deviation = float(prog[unit]) - float(annual[unit])
        row = budget.loc[unit].abs()
        if row.max() == 0:
            row = utfall.loc[unit].abs()
        line = row.idxmax() if row.max() > 0 else "kostnader"
        if line == "intakter":  # verksamhetens intäkter are forecast at budget
            line = "kostnader"
        prognos.loc[unit, line] += deviation

    columns = {
        "utfall_period": utfall.sum(),
        "budget_period": budget_period.sum(),
        "prognos_helar": prognos.sum(),
        "budget_helar": budget.sum(),
    }
    rr = pd.DataFrame(columns).reindex(BASE_LINES) / 1000
    rr.loc["intern_differens"] = {
        "utfall_period": intern_utfall / 1000,
        "budget_period": intern_period / 1000,
        "prognos_helar": intern_budget / 1000,
        "budget_helar": intern_budget / 1000,
    }
    rr[FG_PERIOD] = fg
    for total, parts in SUBTOTALS.items():
        rr.loc[total] = rr.loc[parts].sum()
        rr.loc[total, FG_PERIOD] = rr.loc[parts, FG_PERIOD].sum(min_count=len(parts))
    keys = [key for key, _ in LINES]
    if (rr.loc["intern_differens"].fillna(0.0).abs() < 0.0005).all():
        keys.remove("intern_differens")  # nothing left: no line
    rr = rr.reindex(keys)
    rr["avvikelse_period"] = rr["utfall_period"] - rr["budget_period"]
    rr["avvikelse_helar"] = rr["prognos_helar"] - rr["budget_helar"]
    rr.insert(0, "rad", [dict(LINES)[key] for key in keys])
    kp = data.frames.get("kontoplan")
    if kp is not None and "semesterloneskuld" in kp:
        # as the published reports: the period's result without the change of the
        # holiday-pay liability (utfall only)
        rr.loc["exkl_semesterloneskuld"] = {
            "rad": "Resultat exklusive semesterlöneskuldens förändring",
            "utfall_period": rr.loc["arets_resultat", "utfall_period"] - sem_utfall / 1000,
        }
    rr = rr[["rad", *COLUMNS, FG_PERIOD]]

    checks = [
        ("Interna poster netto (utfall, perioden)", intern_utfall / 1000, abs(intern_utfall) < 0.5),
        ("Interna poster netto (budget, året)", intern_budget / 1000, abs(intern_budget) < 0.5),
    ]
    rr.attrs["kontroller"] = pd.DataFrame(checks, columns=["kontroll", "differens_tkr", "ok"])
    # a unit without a forecast counts at its budget; when no unit has one, the year's
    # "prognos" is only the budget, and the texts must not call it a forecast
    rr.attrs["har_prognos"] = bool(prog.notna().any())
    return rr.reset_index(names="id")


def _utfall_fg(data: Dataset, period: Period, units: list[str]) -> pd.Series:
    """The previous year's utfall for the same months by line (tkr, :data:`BASE_LINES` and
    ``intern_differens``), all NaN when the previous year has no utfall at all."""
    index = [*BASE_LINES, "intern_differens"]
    u = data.utfall
    prev = period.previous_year
    if not (u["period"] // 100 == prev.year).any():
        return pd.Series(np.nan, index=index)
    u = u[u["period"].isin(prev.month_codes) & u["namnd"].isin(units)]
    lines, intern, _ = belopp_per_rad(u, data)
    out = lines.sum().reindex(BASE_LINES, fill_value=0.0) / 1000
    out["intern_differens"] = intern / 1000
    return out


def rr_not(rr: pd.DataFrame) -> str | None:
    """The note under the resultaträkning when internal items do not cancel out: what
    the line *Interna poster som inte tar ut varandra* is, per column where it is not
    zero; ``None`` when there is no such line."""
    r = rr.set_index("id")
    if "intern_differens" not in r.index:
        return None
    line = r.loc["intern_differens"]
    parts = []
    if abs(float(line["utfall_period"])) >= 0.0005:
        parts.append("i utfallet för perioden är interna poster bokförda hos bara den ena parten")
    if abs(float(line["budget_period"]) - float(line["budget_helar"])) >= 0.0005:
        parts.append(
            "i den periodiserade budgeten är de två sidorna av interna poster "
            "periodiserade med olika nycklar (varje nämnds egen periodisering)"
        )
    if abs(float(line["budget_helar"])) >= 0.0005:
        parts.append("i årsbudgeten tar de interna posterna inte ut varandra")
    if not parts:
        return None
    return (
        "Interna poster mellan kommunens enheter elimineras i resultaträkningen. Raden "
        "”Interna poster som inte tar ut varandra” visar det som blir kvar: "
        + "; ".join(parts)
        + ". Den redovisas öppet i stället för att läggas bland "
        "kostnaderna, så att resultaträkningen stämmer med driftsredovisningen."
    )


def semesterloneskuld_avvikelse(data: Dataset, period: Period | str) -> float | None:
    """The semesterlöneskuld accounts' period deviation (utfall − periodised budget, tkr),
    or ``None`` when the kontoplan marks no such account.

    The accounts are those of the kontoplan's ranges with ``semesterloneskuld`` set; their
    utfall counts over every unit, their budget is each nämnd's and finans unit's annual
    budget on them times the unit's periodisation share (as in the driftsredovisning).
    """
    period = Period.parse(period)
    kp = data.frames.get("kontoplan")
    if kp is None or "semesterloneskuld" not in kp:
        return None
    units = data.register.namnder + data.register.finans
    u = data.utfall
    u = u[u["period"].isin(period.month_codes)]
    utfall = float(
        u.loc[_flagged(data, u["konto"].to_numpy(), "semesterloneskuld"), "belopp_kr"].sum()
    )
    b = data.budget
    b = b[(b["ar"] == period.year) & (b["typ"] == "drift") & b["namnd"].isin(units)]
    b = b[_flagged(data, b["konto"].to_numpy(), "semesterloneskuld")]
    budget = 0.0
    if len(b):
        per_unit = b.groupby(b["namnd"].astype(str))["belopp_kr"].sum()
        share = (
            periodisation_weights(data, period.year, list(per_unit.index))
            .loc[:, 1 : period.month]
            .sum(axis=1)
        )
        budget = float((per_unit * share).sum())
    return (utfall - budget) / 1000
