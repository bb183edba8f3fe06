"""The checks of the economic tables: every figure against a second, independent path.

* the driftsredovisning by unit against the ledger recomputed straight from the input
  frames (:func:`huvudbok_drift`, plain pandas, not :mod:`analysis.ekonomi.drift`);
* the resultaträkning by account class against the driftsredovisning by unit
  (:func:`kontrollera_rr`);
* the kommun's block table against the resultaträkning (verksamhetens nettokostnad) and
  the driftsredovisning (the result) (:func:`kontrollera_block`), and the key figures
  against the tables they come from (:func:`kontrollera_nyckeltal`);
* a nämnd's tables by kontogrupp and verksamhet (:mod:`analysis.ekonomi.avvikelse`) against
  its row of the driftsredovisning (:func:`kontrollera_namnd`).

The functions :func:`kontrollera_avvikelser` and :func:`kontrollera_totalrad` check
tables made by people (a published report, a file): on the package's own tables, where
the avvikelse is computed as utfall − budget and the total as the sum of the rows, they
cannot fail, so the reports do not use them there.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

import pandas as pd

from analysis.core.labels import TOTALT, i_text
from analysis.core.period import Period
from analysis.ekonomi.drift import (
    compute_driftsredovisning,
    compute_investeringsredovisning,
    prognos_eller_budget,
)
from analysis.kontroller.bas import TOLERANS_TKR, Kontroller

#: The base columns of a driftsredovisning-shaped table (tkr), the ones the checks compare.
DRIFT_COLUMNS = ["utfall_period", "budget_period", "prognos_helar", "budget_helar"]


def kontrollera_avvikelser(
    k: Kontroller, tabell: str, frame: pd.DataFrame, label: str = "namnd"
) -> None:
    """Every row: avvikelse = utfall − budget (period), prognos − budget (year), and the
    change against the previous forecast = prognos − föregående prognos."""
    grupp = f"{tabell}: avvikelse = utfall − budget"
    for _, r in frame.iterrows():
        k.lika(
            grupp,
            f"{r[label]}, perioden",
            r["avvikelse_period"],
            r["utfall_period"] - r["budget_period"],
        )
        if pd.notna(r["prognos_helar"]):
            k.lika(
                grupp,
                f"{r[label]}, helår",
                r["avvikelse_helar"],
                r["prognos_helar"] - r["budget_helar"],
            )
        if "prognos_forandring" in frame and pd.notna(r.get("prognos_foregaende")):
            k.lika(
                grupp,
                f"{r[label]}, förändring mot föregående prognos",
                r["prognos_forandring"],
                r["prognos_helar"] - r["prognos_foregaende"],
            )


def kontrollera_totalrad(
    k: Kontroller, tabell: str, frame: pd.DataFrame, total: str = TOTALT, label: str = "namnd"
) -> None:
    """The total row is the sum of the rows above it, column by column (a unit without a
    forecast counts at its budget in the forecast column)."""
    rows = frame[frame[label] != total]
    tot = frame[frame[label] == total]
    grupp = f"{tabell}: delarna summerar till totalen"
    if tot.empty:
        k.villkor(grupp, "tabellen har en totalrad", False)
        return
    tot = tot.iloc[0]
    for col in DRIFT_COLUMNS:
        if col == "prognos_helar" and pd.isna(tot[col]) and rows[col].isna().all():
            continue  # no forecast anywhere: nothing to sum
        parts = prognos_eller_budget(rows) if col == "prognos_helar" else rows[col]
        k.summa(grupp, i_text(col), parts, tot[col])


def huvudbok_drift(data, period: Period | str) -> pd.DataFrame:
    """The driftsredovisning's base columns per unit, recomputed straight from the input
    frames with plain pandas — the second, independent path that the reports' tables
    are checked against. It shares no code with :mod:`analysis.ekonomi.drift`.

    Returns a frame indexed by unit id (register order: nämnder, finans units) plus
    ``Totalt`` with ``utfall_period``, ``budget_period``, ``prognos_helar`` (NaN without
    a forecast; ``Totalt`` counts such a unit at its budget) and ``budget_helar``, tkr in
    the report sign (the frames' ``belopp_kr`` already is).
    """
    period = Period.parse(period)
    reg = data.register
    units = list(reg.namnder) + list(reg.finans)
    months = set(period.month_codes)

    u = data.frames["utfall"]
    u = u[u["period"].isin(months)]
    utfall = u.groupby(u["namnd"].astype(str))["belopp_kr"].sum()

    b = data.frames["budget"]
    typ = b["typ"].astype(str) if "typ" in b else pd.Series("drift", index=b.index)
    b = b[(b["ar"] == period.year) & (typ == "drift")]
    annual = b.groupby(b["namnd"].astype(str))["belopp_kr"].sum()

    share = pd.Series(period.month / 12.0, index=units)
    w = data.frames.get("periodisering")
    if w is not None and len(w):
        wtyp = w["typ"].astype(str) if "typ" in w else pd.Series("drift", index=w.index)
        w = w[(w["ar"] == period.year) & (wtyp == "drift")]
        given = w.groupby(w["namnd"].astype(str))
        for unit, rows in given:
            if unit in share.index:
                share[unit] = float(rows.loc[rows["manad"] <= period.month, "andel"].sum())

    pr = data.frames["prognos"]
    ptyp = pr["typ"].astype(str) if "typ" in pr else pd.Series("drift", index=pr.index)
    pr = pr[(pr["ar"] == period.year) & (ptyp == "drift") & (pr["prognosmanad"] <= period.month)]
    prognos = {}
    for unit, rows in pr.groupby(pr["namnd"].astype(str)):
        last = rows["prognosmanad"].max()
        prognos[unit] = float(rows.loc[rows["prognosmanad"] == last, "belopp_kr"].sum())

    out = pd.DataFrame(index=pd.Index(units, name="namnd"))
    out["utfall_period"] = [utfall.get(x, 0.0) / 1000 for x in units]
    out["budget_helar"] = [annual.get(x, 0.0) / 1000 for x in units]
    out["budget_period"] = out["budget_helar"] * share.reindex(units).to_numpy()
    out["prognos_helar"] = [prognos[x] / 1000 if x in prognos else math.nan for x in units]
    total = out.sum()
    total["prognos_helar"] = out["prognos_helar"].fillna(out["budget_helar"]).sum()
    out.loc[TOTALT] = total
    return out[DRIFT_COLUMNS]


def kontrollera_huvudbok(
    k: Kontroller,
    tabell: str,
    frame: pd.DataFrame,
    data,
    period: Period | str,
    units: Iterable[str] | None = None,
    label: str = "namnd",
    ids: Mapping[str, str] | None = None,
) -> None:
    """Each unit's row (and ``Totalt``) of a driftsredovisning-shaped table equals the
    ledger recomputed straight from the input (:func:`huvudbok_drift`).

    ``ids`` maps a row label to the unit id when the table shows names."""
    ledger = huvudbok_drift(data, period)
    grupp = f"{tabell} = huvudboken"
    wanted = None if units is None else set(units) | {TOTALT}
    seen = 0
    for _, r in frame.iterrows():
        unit = (ids or {}).get(r[label], r[label])
        if unit not in ledger.index or (wanted is not None and unit not in wanted):
            continue
        seen += 1
        for col in DRIFT_COLUMNS:
            if col not in frame:
                continue
            k.lika(grupp, f"{r[label]}, {i_text(col)}", r[col], ledger.loc[unit, col])
    k.villkor(grupp, "tabellen har rader för enheterna i huvudboken", seen > 0, seen)


def kontrollera_drift(
    k: Kontroller, drift: pd.DataFrame, tabell: str = "Driftsredovisning"
) -> None:
    """A table made by people: its total row and its avvikelser (see the module doc)."""
    kontrollera_totalrad(k, tabell, drift)
    kontrollera_avvikelser(k, tabell, drift)


def kontrollera_rr(k: Kontroller, rr: pd.DataFrame, drift: pd.DataFrame) -> None:
    """The resultaträkning: signs of the lines, the internal eliminations (from the data),
    and the result by account class against the driftsredovisning by unit."""
    r = rr.set_index("id")
    grupp = "Resultaträkning: tecken"
    for line, sign in (("intakter", 1), ("skatt", 1), ("kostnader", -1), ("avskrivningar", -1)):
        for col in ("utfall_period", "budget_helar"):
            v = float(r.loc[line, col])
            k.villkor(
                grupp,
                f"{r.loc[line, 'rad']} ({i_text(col)}) {'≥' if sign > 0 else '≤'} 0",
                v * sign >= -TOLERANS_TKR,
                v,
            )
    d = drift.set_index("namnd").loc[TOTALT]
    grupp = "Resultaträkning = driftsredovisning"
    # by account class (internal items eliminated, their rest as its own line, forecast
    # deviations placed on lines) against by unit: a different aggregation in every column
    for col in ("utfall_period", "budget_period", "prognos_helar", "budget_helar"):
        k.lika(grupp, f"Årets resultat, {i_text(col)}", r.loc["arets_resultat", col], d[col])
    checks = rr.attrs.get("kontroller")
    if checks is not None:
        for row in checks.itertuples(index=False):
            k.villkor(
                "Resultaträkning: interna poster", row.kontroll, bool(row.ok), row.differens_tkr
            )


def kontrollera_block(
    k: Kontroller, block: pd.DataFrame, drift: pd.DataFrame, rr: pd.DataFrame | None = None
) -> None:
    """The kommun's driftsredovisning in blocks (:func:`analysis.ekonomi.block.drift_block`):
    every unit of the driftsredovisning in exactly one block (then the block table's
    result is the driftsredovisning's total by construction, and is not compared), and
    verksamhetens nettokostnad, summed over the blocks' units, equal to the
    resultaträkning's, summed by account class."""
    grupp = "Driftsredovisning i block = driftsredovisning"
    rows = block[block["typ"] == "rad"]
    units = [u for u in drift["namnd"] if u != TOTALT]
    counts = rows["id"].value_counts()
    missing = [u for u in units if counts.get(u, 0) != 1]
    k.villkor(
        grupp,
        "varje enhet i driftsredovisningen står i precis ett block"
        + (f" (avviker: {', '.join(missing[:5])})" if missing else ""),
        not missing,
        len(missing),
    )
    if rr is not None and "vnk" in set(block["id"]):
        r = rr.set_index("id")
        vnk = block[block["id"] == "vnk"].iloc[0]
        for col in DRIFT_COLUMNS:
            k.lika(
                "Samma tal i två tabeller",
                f"verksamhetens nettokostnad i resultaträkning och driftsredovisning "
                f"({i_text(col)})",
                vnk[col],
                r.loc["vnk", col],
            )


def kontrollera_nyckeltal(
    k: Kontroller, nyckeltal: pd.DataFrame, rr: pd.DataFrame, block: pd.DataFrame, inv: pd.DataFrame
) -> None:
    """The key figures (:func:`analysis.ekonomi.nyckeltal.nyckeltal`, mkr) are the same numbers as
    in the resultaträkning, the driftsredovisning and the investeringsredovisning."""
    r, b = rr.set_index("id"), block.set_index("id")
    i = inv.set_index("namnd").loc[TOTALT]
    period_cols = ("utfall_period", "budget_period", "avvikelse_period")
    source = {
        "Resultat för perioden": ("resultaträkningen", r.loc["arets_resultat"], period_cols),
        "Årets resultat": ("resultaträkningen", r.loc["arets_resultat"], period_cols),
        "Nämndernas nettokostnad": ("driftsredovisningen", b.loc["summa_namnder"], period_cols),
        "Nettoinvesteringar": ("investeringsredovisningen", i, period_cols),
        "Årets resultat, prognos": (
            "resultaträkningen",
            r.loc["arets_resultat"],
            ("prognos_helar", "budget_helar", "avvikelse_helar"),
        ),
        "Nämndernas nettokostnad, prognos": (
            "driftsredovisningen",
            b.loc["summa_namnder"],
            ("prognos_helar", "budget_helar", "avvikelse_helar"),
        ),
        "Nettoinvesteringar, prognos": (
            "investeringsredovisningen",
            i,
            ("prognos_helar", "budget_helar", "avvikelse_helar"),
        ),
    }
    if "exkl_semesterloneskuld" in r.index:
        source["Resultat exklusive semesterlöneskuldens förändring"] = (
            "resultaträkningen",
            r.loc["exkl_semesterloneskuld"],
            ("utfall_period",),
        )
    grupp = "Samma tal i två tabeller"
    rows = nyckeltal.set_index(nyckeltal.columns[0])
    if not set(rows.index) <= set(source):
        k.villkor(grupp, "varje nyckeltal har en källtabell", False)
    for label, (table, src, cols) in source.items():
        if label not in rows.index:
            continue
        for shown, col in zip(("Utfall/prognos", "Budget", "Avvikelse"), cols, strict=False):
            k.lika(
                grupp,
                f"{label} ({shown.lower()}) i nyckeltalen och {table}",
                rows.loc[label, shown] * 1000,
                src[col],
            )


def kontrollera_namnd(
    k: Kontroller,
    data,
    namnd: str,
    period,
    tabeller: Mapping[str, pd.DataFrame] | None = None,
    investeringar: pd.DataFrame | None = None,
    samma_periodisering: bool = True,
) -> None:
    """A nämnd's report: its row of the driftsredovisning against the ledger recomputed
    straight from the input (:func:`huvudbok_drift`), and every detail table (built by
    :mod:`analysis.ekonomi.avvikelse` from the ledger's rows by kontogrupp or verksamhet) against
    that row: the rows' utfall sum to it, the total's budget is its budget, and where
    the rows carry forecasts (from the ``prognos`` rows of that dimension) they sum to the
    nämnd's forecast.

    ``tabeller``: title → a table whose first column labels the rows and ends with
    ``Totalt`` (tkr). ``samma_periodisering=False`` when the tables use another
    periodisation key than the driftsredovisning (the period budget then differs by
    design and is not compared). The key figures are the driftsredovisning's row in mkr
    and are not compared again. ``investeringar``: the project table, compared with the
    nämnd's row of the investeringsredovisning.
    """
    drift = compute_driftsredovisning(data, period)
    row = drift[drift["namnd"] == namnd]
    kontrollera_huvudbok(k, "Driftsredovisning", row, data, period, units=[namnd])
    d = row.iloc[0]
    grupp = "Samma tal i två tabeller"
    compared = ["budget_helar"] + (["budget_period"] if samma_periodisering else [])
    for title, table in (tabeller or {}).items():
        label = table.columns[0]
        tot = table[table[label] == TOTALT]
        parts = table[table[label] != TOTALT]
        k.summa(
            grupp,
            f"{title}: raderna summerar till driftsredovisningens utfall",
            parts["utfall_period"],
            d["utfall_period"],
        )
        if len(tot):
            for col in compared:
                k.lika(
                    grupp,
                    f"{title}: totalt {i_text(col)} = driftsredovisningen",
                    tot.iloc[0][col],
                    d[col],
                )
        if "prognos_helar" in parts and parts["prognos_helar"].notna().any():
            k.summa(
                grupp,
                f"{title}: radernas prognoser summerar till nämndens prognos",
                parts["prognos_helar"],
                d["prognos_helar"],
            )
    if investeringar is not None and len(investeringar) > 1:  # projects and a total
        label = investeringar.columns[0]
        inv = compute_investeringsredovisning(data, period)
        irow = inv[inv["namnd"] == namnd]
        parts = investeringar[investeringar[label] != TOTALT]
        if len(irow):
            k.summa(
                grupp,
                "investeringar per projekt: projekten summerar till "
                "investeringsredovisningens utfall",
                parts["utfall_period"],
                irow.iloc[0]["utfall_period"],
            )
            k.summa(
                grupp,
                "investeringar per projekt: projektens budget summerar till "
                "investeringsredovisningens budget",
                parts["budget_helar"],
                irow.iloc[0]["budget_helar"],
            )
