"""The sample kommun's economy: ledger, budgets, periodisation, forecasts, investments.

Monthly utfall by unit, verksamhet and account for 2019–2023, built so that January–April
2023 reproduces the published driftsredovisning and investeringsredovisning (see
:mod:`analysis.sample.targets`). Amounts are integer öre internally and written in
kronor with two decimals, in the accounting sign of an ekonomisystem (costs +,
revenues −). Internal transactions (PO-pålägg charged by the finansförvaltning, internal
rent charged by Stadsbyggnadsnämnden) net to exactly zero every month.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analysis.sample.targets import (
    KS_STAB_HELAR,
    NAMND_IDS,
    NAMNDER_MARS_AVVIKELSE,
    UNITS,
    solve_driftsredovisning,
    solve_investeringar,
)

YEARS = (2019, 2020, 2021, 2022, 2023)
#: The register row naming the kommun (for report covers); it has no data of its own.
KOMMUN = ("kommun", "Exempelkommunen", "ovrig", "", "")
MONTHS = np.arange(1, 13)

#: The sample kontoplan (Kommun-Bas based). ``intern`` marks transactions between the
#: kommun's own units; ``semesterloneskuld`` marks the account for the change of the
#: holiday-pay liability.
KONTOPLAN = [
    (3000, 3899, "Verksamhetens intäkter", "nej"),
    (3900, 3999, "Interna intäkter", "ja"),
    (4000, 4999, "Material och tjänster", "nej"),
    (5000, 5499, "Personalkostnader", "nej"),
    (5500, 5599, "Interna personalomkostnader", "ja"),
    (5600, 5819, "Personalkostnader", "nej"),
    (5820, 5829, "Förändring av semesterlöneskuld", "nej"),
    (5830, 5999, "Personalkostnader", "nej"),
    (6000, 6099, "Lokalkostnader", "nej"),
    (6100, 6199, "Interna lokalhyror", "ja"),
    (6200, 7699, "Övriga kostnader", "nej"),
    (7700, 7799, "Interna kapitalkostnader", "ja"),
    (7800, 7899, "Avskrivningar och nedskrivningar", "nej"),
    (7900, 7999, "Övriga kostnader", "nej"),
    (8000, 8199, "Skatteintäkter", "nej"),
    (8200, 8399, "Generella statsbidrag och utjämning", "nej"),
    (8400, 8499, "Finansiella intäkter", "nej"),
    (8500, 8599, "Finansiella kostnader", "nej"),
]

K_TAXOR, K_BIDRAG, K_INT_INTAKT, K_INT_PO_INTAKT = 3110, 3510, 3910, 3920
K_MATERIAL, K_ENTREPRENAD, K_BIDRAG_LAMNADE = 4010, 4610, 4910
K_LON, K_LON_TIM, K_PO_INTERN = 5010, 5110, 5510
K_ARBGIV, K_PENSION, K_SEMESTER = 5610, 5710, 5820
K_LOKAL, K_INT_HYRA, K_OVRIGT, K_INT_KAPITAL = 6010, 6110, 7010, 7710
K_AVSKR, K_NEDSKR, K_REALFORLUST = 7810, 7820, 7910
K_REALVINST, K_SKATT, K_UTJAMNING, K_RANTA_IN, K_RANTA_UT = 3610, 8010, 8210, 8410, 8510


@dataclass
class Profile:
    """How a nämnd's gross costs and revenues are made up."""

    verksamheter: dict[str, float]  # verksamhet → share of gross cost
    revenue_ratio: float  # external revenue / gross cost
    personal: float  # salaries / gross cost
    rent: float  # internal rent / gross cost
    season: str = "personal"
    extra: dict[int, float] = field(default_factory=dict)  # other cost accounts → share


PROFILES: dict[str, Profile] = {
    "ks-stab": Profile(
        {
            "Ledning och styrning": 0.3,
            "Ekonomi och upphandling": 0.25,
            "HR och lön": 0.2,
            "Kommunikation och service": 0.25,
        },
        0.12,
        0.40,
        0.05,
        extra={K_MATERIAL: 0.2},
    ),
    "ks-koll": Profile(
        {"Kollektivtrafik": 1.0}, 0.02, 0.0, 0.0, "flat", extra={K_ENTREPRENAD: 0.88}
    ),
    "ks-amf": Profile(
        {"Arbetsmarknadsåtgärder": 0.55, "Vuxenutbildning och SFI": 0.45},
        0.35,
        0.45,
        0.08,
        "termin",
    ),
    "ks-rtj": Profile({"Räddningstjänst": 0.85, "Förebyggande": 0.15}, 0.15, 0.45, 0.1),
    "bun": Profile(
        {
            "Förskola": 0.28,
            "Grundskola": 0.45,
            "Gymnasieskola": 0.17,
            "Grundsärskola": 0.04,
            "Resurscentrum": 0.06,
        },
        0.1,
        0.42,
        0.14,
        "termin",
    ),
    "kfn": Profile({"Kultur": 0.4, "Fritid": 0.45, "Ung i Luleå": 0.15}, 0.15, 0.35, 0.2, "flat"),
    "mbn": Profile({"Miljö- och hälsoskydd": 0.5, "Bygglov": 0.5}, 0.45, 0.5, 0.05, "flat"),
    "sn": Profile(
        {
            "Äldreomsorg": 0.45,
            "Funktionshinder": 0.3,
            "Individ- och familjeomsorg": 0.15,
            "Försörjningsstöd": 0.1,
        },
        0.12,
        0.42,
        0.08,
        "personal",
        extra={K_BIDRAG_LAMNADE: 0.08},
    ),
    "sbn": Profile(
        {"Gata och park": 0.45, "Fastighetsförvaltning": 0.45, "Plan och geodata": 0.1},
        0.25,
        0.25,
        0.0,
        "vinter",
        extra={K_ENTREPRENAD: 0.2},
    ),
    "valn": Profile({"Val": 1.0}, 0.0, 0.55, 0.0, "flat"),
    "ofn": Profile({"Överförmyndarverksamhet": 1.0}, 0.05, 0.5, 0.05, "flat"),
    "krev": Profile({"Revision": 1.0}, 0.0, 0.2, 0.0, "flat", extra={K_ENTREPRENAD: 0.6}),
}

#: Single-account finans units: unit → (account, verksamhet).
FINANS_ACCOUNTS = {
    "fin-naringsliv": (K_BIDRAG_LAMNADE, "Näringslivsbefrämjande åtgärder"),
    "fin-realvinst": (K_REALVINST, "Realisationsvinster"),
    "fin-realforlust": (K_REALFORLUST, "Realisationsförluster"),
    "fin-nedskrivning": (K_NEDSKR, "Nedskrivningar"),
    "fin-ovrigt": (K_OVRIGT, "Övrigt"),
    "avskrivningar": (K_AVSKR, "Avskrivningar"),
    "skatteintakter": (K_SKATT, "Kommunalskatt"),
    "statsbidrag": (K_UTJAMNING, "Generella statsbidrag och utjämning"),
    "finansiella-intakter": (K_RANTA_IN, "Finansiella intäkter"),
    "finansiella-kostnader": (K_RANTA_UT, "Finansiella kostnader"),
}

SEASONS = {
    "flat": np.ones(12),
    "personal": np.array([1.0, 0.98, 1.0, 0.99, 1.0, 1.03, 0.85, 0.95, 1.02, 1.03, 1.02, 1.13]),
    "termin": np.array([1.0, 1.0, 1.02, 0.98, 1.0, 0.97, 0.7, 0.95, 1.05, 1.06, 1.06, 1.21]),
    "vinter": np.array([1.55, 1.45, 1.3, 1.05, 0.8, 0.75, 0.6, 0.7, 0.75, 0.85, 1.0, 1.2]),
    "pension": np.array([1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.35]),
}

#: External revenue (verksamhetens intäkter) Jan–Apr 2023 and in the 2023 budget, mkr.
EXTERN_INTAKT_2023_04 = 342.0
EXTERN_INTAKT_BUDGET_2023 = 785.0
#: Share of the internally charged costs (fin-intern) that is PO-pålägg; the rest is
#: internal capital cost.
PO_SHARE = 0.7

#: Budget growth per year before 2023 (budgets are deflated backwards from 2023).
GROWTH = 1.035

#: Investment projects per nämnd (name, share of the nämnd's investment budget).
PROJECTS = {
    "ks-stab": [
        ("IT-infrastruktur", 0.55),
        ("Servicecenter Mården", 0.3),
        ("Strategiska markköp", 0.15),
    ],
    "ks-amf": [("Inventarier vuxenutbildning", 1.0)],
    "ks-rtj": [("Räddningsfordon", 0.8), ("Övningsfält", 0.2)],
    "bun": [("Ny förskola Hertsön", 0.5), ("Skolgårdar", 0.2), ("Inventarier skola", 0.3)],
    "kfn": [("Konstgräsplan", 0.6), ("Kulturens hus teknik", 0.4)],
    "sn": [("Välfärdsteknik", 0.6), ("Inventarier särskilt boende", 0.4)],
    "mbn": [("Mätinstrument", 1.0)],
    "sbn": [
        ("Gator och vägar", 0.35),
        ("Skolbyggnader", 0.3),
        ("Cykelvägar", 0.12),
        ("Energieffektivisering", 0.08),
        ("Parker och lekplatser", 0.15),
    ],
}
INVEST_KONTO = 1210  # Kommun-Bas class 1: pågående nyanläggningar


def _ore(mkr: float | np.ndarray) -> np.ndarray:
    return np.rint(np.asarray(mkr, dtype=float) * 1e8).astype(np.int64)


def _split_int(total: int, weights: np.ndarray) -> np.ndarray:
    """Split an integer into integer parts proportional to ``weights`` (largest remainder)."""
    weights = np.asarray(weights, dtype=float)
    if weights.sum() == 0:
        weights = np.ones_like(weights)
    raw = total * weights / weights.sum()
    base = np.floor(raw).astype(np.int64)
    rest = int(total - base.sum())
    order = np.argsort(-(raw - base), kind="stable")
    base[order[:rest]] += 1
    return base


def _monthly(
    total_ore: int, profile: np.ndarray, rng: np.random.Generator, noise: float
) -> np.ndarray:
    w = profile * (1 + rng.normal(0, noise, len(profile)))
    return _split_int(total_ore, np.maximum(w, 0.05))


@dataclass
class Economy:
    utfall: pd.DataFrame
    budget: pd.DataFrame
    prognos: pd.DataFrame
    periodisering: pd.DataFrame
    investeringar: pd.DataFrame
    kontoplan: pd.DataFrame
    organisation: pd.DataFrame


def _year_targets(rng: np.random.Generator, sol) -> dict:
    """Annual budget, final outcome and Jan–Apr profile per unit and year (mkr, report sign)."""
    out: dict[int, dict[str, dict[str, float]]] = {}
    for year in YEARS:
        out[year] = {}
        for uid, *_ in UNITS:
            y23 = sol.budget[uid]
            if year == 2023:
                budget = y23
                if uid == "ks-stab":
                    final = -KS_STAB_HELAR[2023][0] / 1000
                else:
                    final = sol.prognos[uid] + rng.normal(0, 0.006) * abs(y23)
            else:
                scale = GROWTH ** (year - 2023) * (1 + rng.normal(0, 0.01))
                budget = y23 * scale
                if uid == "valn":  # elections 2019 (EU) and 2022 (general)
                    budget = {2019: -3.1, 2022: -6.4}.get(year, 0.0)
                if uid == "ks-stab" and year in KS_STAB_HELAR:
                    budget = -KS_STAB_HELAR[year][1] / 1000
                dev = rng.normal(-0.004, 0.012) * abs(budget)
                final = budget + dev
                if uid == "ks-stab" and year in KS_STAB_HELAR:
                    final = -KS_STAB_HELAR[year][0] / 1000
            out[year][uid] = {"budget": budget, "final": final}
    return out


def _season(uid: str) -> np.ndarray:
    if uid in PROFILES:
        return SEASONS[PROFILES[uid].season]
    if uid == "fin-pension":
        return SEASONS["pension"]
    return SEASONS["flat"]


def _weights_for(uid: str, share_first4: float | None) -> np.ndarray:
    """Budget periodisation weights from the unit's season, rescaled to a Jan–Apr share."""
    w = _season(uid) / _season(uid).sum()
    if share_first4 is None:
        return w
    first, rest = w[:4].sum(), w[4:].sum()
    out = w.copy()
    out[:4] *= share_first4 / first
    out[4:] *= (1 - share_first4) / rest
    return out


def _rebalance(budget: pd.DataFrame, idx: pd.Index, target: int, absorb_in: str) -> None:
    """Scale the lines ``idx`` to sum to ``target``; each unit keeps its own total by
    moving the change to its first ``absorb_in`` (material) line."""
    lines = np.abs(budget.loc[idx, "ore"].to_numpy(dtype=float))
    new = _split_int(target, np.maximum(lines, 1)) if target else np.zeros(len(idx), np.int64)
    delta = new - budget.loc[idx, "ore"].to_numpy()
    budget.loc[idx, "ore"] = new
    for i, d in zip(idx, delta, strict=False):
        uid, year = budget.at[i, "namnd"], budget.at[i, "ar"]
        same = budget[
            (budget["namnd"] == uid) & (budget["ar"] == year) & (budget["konto"] == K_MATERIAL)
        ].index
        budget.loc[same[0], "ore"] -= d


def _balance_internal_budget(budget: pd.DataFrame) -> None:
    """Make internal budget lines net to exactly zero, as internal utfall does."""
    for year in YEARS:
        yr = budget["ar"] == year
        fin = budget[yr & (budget["namnd"] == "fin-intern")]["ore"].sum()  # revenue, −
        po = budget[yr & budget["konto"].isin([K_PO_INTERN, K_INT_KAPITAL])].index
        _rebalance(budget, po, int(-fin), K_MATERIAL)
        rent = budget[yr & (budget["konto"] == K_INT_HYRA)]["ore"].sum()  # cost, +
        sbn = budget[yr & (budget["konto"] == K_INT_INTAKT)].index
        lines = budget.loc[sbn, "ore"].to_numpy(dtype=float)
        new = -_split_int(int(rent), np.maximum(-lines, 1))
        delta = new - budget.loc[sbn, "ore"].to_numpy()
        budget.loc[sbn, "ore"] = new
        mat = budget[yr & (budget["namnd"] == "sbn") & (budget["konto"] == K_MATERIAL)].index
        budget.loc[mat[0], "ore"] -= int(delta.sum())
    # the 2023 budget's external revenue is the published 785 mkr
    yr = budget["ar"] == 2023
    revenue = budget[yr & budget["konto"].isin([K_TAXOR, K_BIDRAG])].index
    _rebalance(budget, revenue, int(-_ore(EXTERN_INTAKT_BUDGET_2023)), K_MATERIAL)


def generate_ekonomi(seed: int = 2023) -> Economy:
    """Build the sample kommun's economy files (raw contract format)."""
    rng = np.random.default_rng(seed)
    sol = solve_driftsredovisning()
    inv = solve_investeringar()
    targets = _year_targets(rng, sol)

    # --- periodisation weights: seasonal units get a key, the others twelfths ------------
    weights: dict[tuple[int, str], np.ndarray] = {}
    period_rows = []
    for uid, *_ in UNITS:
        if uid in sol.twelfths:
            continue
        for year in YEARS:
            share = (sol.budget_period[uid] / sol.budget[uid]) if year == 2023 else None
            w = _weights_for(uid, share)
            weights[(year, uid)] = w
            for m in MONTHS:
                period_rows.append((year, uid, int(m), float(w[m - 1])))
    periodisering = pd.DataFrame(period_rows, columns=["ar", "namnd", "manad", "andel"])
    # write rounded weights that still sum to exactly 1
    periodisering["andel"] = periodisering["andel"].round(10)
    for _, grp in periodisering.groupby(["ar", "namnd"]):
        fix = 1.0 - grp["andel"].sum()
        periodisering.loc[grp.index[-1], "andel"] = round(
            periodisering.loc[grp.index[-1], "andel"] + fix, 10
        )

    # --- monthly net per unit (öre, report sign) --------------------------------------------
    net: dict[tuple[int, str], np.ndarray] = {}
    for year in YEARS:
        for uid, *_ in UNITS:
            t = targets[year][uid]
            season = _season(uid)
            if year == 2023:
                first = _ore(sol.utfall[uid])
                if uid == "fin-pension":
                    first = _ore(sol.utfall[uid])
                rest = _ore(t["final"]) - first
                months = np.r_[
                    _monthly(int(first), season[:4], rng, 0.04),
                    _monthly(int(rest), season[4:], rng, 0.04),
                ]
            else:
                months = _monthly(int(_ore(t["final"])), season, rng, 0.04)
            net[(year, uid)] = months

    # --- the semesterlöneskuld change inside fin-pension ------------------------------------
    sem: dict[int, np.ndarray] = {}
    for year in YEARS:
        shape = np.array(
            [-0.25, -0.25, -0.25, -0.25, -0.05, 0.3, 0.6, 0.2, 0.0, -0.05, -0.02, -0.05]
        )
        build = 83.1 * GROWTH ** (year - 2023)
        if year == 2023:
            first4 = _split_int(int(_ore(sol.semesterloneskuld)), np.ones(4))
        else:
            first4 = _split_int(int(_ore(-build)), np.ones(4))
        rest = _split_int(int(_ore(build * 0.97)), np.maximum(shape[4:], 0) + 0.01)
        later_cost = _split_int(int(_ore(-build * 0.05)), np.array([0, 0, 0, 0, 0, 1, 1, 1.0]))
        sem[year] = np.r_[first4, rest + later_cost]

    # --- PO-pålägg: the nämnder's internal cost equals fin-intern's revenue every month ------
    rows: list[tuple] = []

    def add(year: int, month: int, uid: str, konto: int, verksamhet: str, ore: int) -> None:
        if ore != 0:
            rows.append((year * 100 + month, uid, konto, verksamhet, int(ore)))

    for year in YEARS:
        intern = net[(year, "fin-intern")]  # revenue, positive (report sign)
        gross = {
            u: np.maximum(-net[(year, u)] / (1 - PROFILES[u].revenue_ratio), 0) for u in NAMND_IDS
        }
        # external revenue per unit and month (before the period-1 scaling below)
        revenue = {
            u: gross[u] * PROFILES[u].revenue_ratio * (1 + rng.normal(0, 0.03, 12))
            for u in NAMND_IDS
        }
        if year == 2023:
            # the published resultaträkning: external revenue 342 mkr in Jan–Apr, of which
            # fin-realvinst's gains are part
            target = _ore(EXTERN_INTAKT_2023_04) - int(net[(year, "fin-realvinst")][:4].sum())
            have = sum(revenue[u][:4].sum() for u in NAMND_IDS)
            for u in NAMND_IDS:
                revenue[u][:4] *= target / have
        # fin-intern's revenue is charged to the nämnder: PO-pålägg by salaries and
        # internal capital costs by premises
        salary_base = {u: gross[u] * PROFILES[u].personal for u in NAMND_IDS}
        kapital_base = {u: gross[u] * (PROFILES[u].rent + 0.05) for u in NAMND_IDS}
        po = {u: np.zeros(12, dtype=np.int64) for u in NAMND_IDS}
        kap = {u: np.zeros(12, dtype=np.int64) for u in NAMND_IDS}
        for m in range(12):
            po_total = int(round(int(intern[m]) * PO_SHARE))
            for target_map, base, total in (
                (po, salary_base, po_total),
                (kap, kapital_base, int(intern[m]) - po_total),
            ):
                parts = _split_int(total, np.array([base[u][m] for u in NAMND_IDS]))
                for u, part in zip(NAMND_IDS, parts, strict=False):
                    target_map[u][m] = part
        rent_paid = {u: np.rint(gross[u] * PROFILES[u].rent).astype(np.int64) for u in NAMND_IDS}
        rent_total = sum(rent_paid.values())

        for uid in NAMND_IDS:
            p = PROFILES[uid]
            verks = list(p.verksamheter)
            vshare = np.array([p.verksamheter[v] for v in verks])
            for m in range(12):
                n_ore = int(net[(year, uid)][m])
                g = gross[uid][m]
                if g == 0 and n_ore == 0:
                    continue
                rev = int(round(revenue[uid][m]))
                int_rev = int(rent_total[m]) if uid == "sbn" else 0
                salary = int(round(g * p.personal * 0.9))
                salary_tim = int(round(g * p.personal * 0.1))
                extras = {k: int(round(g * sh)) for k, sh in p.extra.items()}
                fixed_costs = (
                    salary
                    + salary_tim
                    + int(po[uid][m])
                    + int(kap[uid][m])
                    + int(rent_paid[uid][m])
                    + sum(extras.values())
                )
                taxor = int(round(rev * 0.6))
                bidrag = rev - taxor
                # the balancing costs make the month's net exact
                other = rev + int_rev - fixed_costs - n_ore
                material = int(round(other * 0.55))
                lokal = int(round(other * 0.25))
                ovrigt = other - material - lokal
                lines = [
                    (K_TAXOR, -taxor),
                    (K_BIDRAG, -bidrag),
                    (K_INT_INTAKT, -int_rev),
                    (K_LON, salary),
                    (K_LON_TIM, salary_tim),
                    (K_PO_INTERN, int(po[uid][m])),
                    (K_INT_KAPITAL, int(kap[uid][m])),
                    (K_INT_HYRA, int(rent_paid[uid][m])),
                    (K_MATERIAL, material),
                    (K_LOKAL, lokal),
                    (K_OVRIGT, ovrigt),
                    *extras.items(),
                ]
                for konto, amount in lines:  # accounting sign: costs +, revenues −
                    if amount == 0:
                        continue
                    jitter = (1 + rng.normal(0, 0.02, len(vshare))).clip(0.5)
                    for v, part in zip(verks, _split_int(amount, vshare * jitter), strict=False):
                        add(year, m + 1, uid, konto, v, part)

        # finans units
        for m in range(12):
            add(
                year,
                m + 1,
                "fin-intern",
                K_INT_PO_INTAKT,
                "Internt återförda kostnader",
                -int(net[(year, "fin-intern")][m]),
            )
            pension_total = -int(net[(year, "fin-pension")][m])  # cost, accounting sign
            s = -int(sem[year][m])
            rest = pension_total - s
            arbgiv = int(round(rest * 0.62))
            add(year, m + 1, "fin-pension", K_ARBGIV, "Arbetsgivaravgifter", arbgiv)
            add(year, m + 1, "fin-pension", K_PENSION, "Pensioner", rest - arbgiv)
            add(year, m + 1, "fin-pension", K_SEMESTER, "Semesterlöneskuld", s)
            for uid, (konto, verks) in FINANS_ACCOUNTS.items():
                add(year, m + 1, uid, konto, verks, -int(net[(year, uid)][m]))

    utfall = pd.DataFrame(rows, columns=["period", "namnd", "konto", "verksamhet", "ore"])

    # --- budgets by account (annual), in the same structure as utfall -----------------------
    budget_rows = []
    for year in YEARS:
        share = {}
        sub = utfall[(utfall["period"] // 100 == year)]
        for uid, *_ in UNITS:
            total = _ore(targets[year][uid]["budget"])
            lines = sub[sub["namnd"] == uid].groupby(["konto", "verksamhet"])["ore"].sum()
            if uid == "fin-pension":
                lines = lines.drop(index=[k for k in lines.index if k[0] == K_SEMESTER])
            if len(lines) == 0:
                if total != 0:
                    konto = FINANS_ACCOUNTS.get(uid, (K_OVRIGT, "Övrigt"))
                    budget_rows.append((year, uid, konto[0], konto[1], -int(total)))
                continue
            share = lines.to_numpy(dtype=float)
            # scale the actual structure to the budget: accounting-sign budget = −total
            scaled = share * (-int(total)) / share.sum() if share.sum() != 0 else share
            parts = np.rint(scaled).astype(np.int64)
            parts[np.argmax(np.abs(parts))] += -int(total) - parts.sum()
            for (konto, verks), amount in zip(lines.index, parts, strict=False):
                budget_rows.append((year, uid, int(konto), verks, int(amount)))
    budget = pd.DataFrame(budget_rows, columns=["ar", "namnd", "konto", "verksamhet", "ore"])
    budget["typ"] = "drift"
    _balance_internal_budget(budget)

    # --- forecasts: monthly from February to November ---------------------------------------
    prognos_rows = []
    mars_change = {"bun": -7.0, "sbn": -4.0, "mbn": -1.0, "ks-koll": -1.0}
    namnder_april = sum(sol.prognos[u] - sol.budget[u] for u in NAMND_IDS)
    # the March forecast: the change since March is exactly −13 (−44 against −31)
    change_total = namnder_april - (NAMNDER_MARS_AVVIKELSE + (namnder_april + 44.0))
    for year in YEARS:
        for uid, *_ in UNITS:
            t = targets[year][uid]
            for m in range(2, 12):
                if year == 2023 and m == 4:
                    value = sol.prognos[uid]
                elif year == 2023 and m == 3:
                    value = sol.prognos[uid] - mars_change.get(uid, 0.0) * change_total / -13.0
                else:
                    progress = m / 12
                    drift_ = (t["final"] - t["budget"]) * progress**0.7
                    noise = rng.normal(0, 0.006 * (1 - progress)) * abs(t["budget"])
                    value = t["budget"] + drift_ + noise
                    if year == 2023 and m < 3:
                        value = t["budget"] + (sol.prognos[uid] - t["budget"]) * m / 5
                    if year == 2023 and m > 4:
                        w = (m - 4) / 8
                        value = sol.prognos[uid] * (1 - w) + t["final"] * w + noise * 0.5
                if uid == "valn" and t["budget"] == 0 and t["final"] == 0:
                    value = 0.0
                prognos_rows.append((year, m, uid, int(_ore(value))))
    prognos = pd.DataFrame(prognos_rows, columns=["ar", "prognosmanad", "namnd", "ore"])
    prognos["typ"] = "drift"

    # --- investments ------------------------------------------------------------------------
    inv_rows, inv_budget_rows, inv_prognos_rows, inv_period_rows = [], [], [], []
    # each project's spending varies by month around its share (its own generator, so the
    # rest of the sample is unchanged by it)
    project_rng = np.random.default_rng(20231)
    for year in YEARS:
        for uid, projects in PROJECTS.items():
            y23 = -inv.budget[uid]  # spending positive, mkr
            if year == 2023:
                annual = y23
                first4 = -inv.utfall[uid]
                final = -inv.prognos[uid] * (1 + rng.normal(0, 0.03))
            else:
                annual = y23 * (0.8 + 0.4 * rng.random()) * GROWTH ** (year - 2023)
                first4 = None
                final = annual * (0.75 + 0.3 * rng.random())
            shares = np.array([s for _, s in projects])
            ann_parts = _split_int(int(_ore(annual)), shares)
            for (proj, _), part in zip(projects, ann_parts, strict=False):
                inv_budget_rows.append((year, uid, INVEST_KONTO, proj, int(part)))
            season = SEASONS["vinter"][::-1] if uid == "sbn" else np.ones(12)
            if first4 is not None:
                m1 = _monthly(int(_ore(first4)), season[:4], rng, 0.2)
                m2 = _monthly(int(_ore(final)) - int(m1.sum()), season[4:], rng, 0.2)
                monthly = np.r_[m1, m2]
            else:
                monthly = _monthly(int(_ore(final)), season, rng, 0.2)
            for m in range(12):
                jitter = np.maximum(1 + project_rng.normal(0, 0.3, len(shares)), 0.2)
                for (proj, _), part in zip(
                    projects, _split_int(int(monthly[m]), shares * jitter), strict=False
                ):
                    if part:
                        inv_rows.append((year * 100 + m + 1, uid, proj, int(part)))
            for m in range(2, 12):
                if year == 2023 and m < 4:
                    continue  # as published: no investment forecast before April 2023
                if year == 2023 and m == 4:
                    value = -inv.prognos[uid]
                else:
                    w = m / 12
                    value = annual * (1 - w) + final * w
                inv_prognos_rows.append((year, m, uid, int(_ore(-value))))  # report sign
            if year == 2023 and uid not in inv.twelfths:
                share4 = inv.budget_period[uid] / inv.budget[uid]
                w = np.r_[np.full(4, share4 / 4), np.full(8, (1 - share4) / 8)]
                w = np.round(w, 6)
                w[-1] = round(1 - w[:-1].sum(), 6)
                for m in range(12):
                    inv_period_rows.append((year, uid, m + 1, float(w[m]), "investering"))

    investeringar = pd.DataFrame(inv_rows, columns=["period", "namnd", "projekt", "ore"])
    inv_budget = pd.DataFrame(inv_budget_rows, columns=["ar", "namnd", "konto", "projekt", "ore"])
    inv_budget["typ"] = "investering"
    inv_budget["verksamhet"] = ""
    budget["projekt"] = ""
    budget = pd.concat([budget, inv_budget[budget.columns]], ignore_index=True)
    inv_prognos = pd.DataFrame(inv_prognos_rows, columns=["ar", "prognosmanad", "namnd", "ore"])
    inv_prognos["typ"] = "investering"
    prognos = pd.concat([prognos, inv_prognos], ignore_index=True)
    periodisering["typ"] = "drift"
    if inv_period_rows:
        periodisering = pd.concat(
            [
                periodisering,
                pd.DataFrame(inv_period_rows, columns=["ar", "namnd", "manad", "andel", "typ"]),
            ],
            ignore_index=True,
        )

    # accounting sign for everything written: costs/spending +, revenues −
    utfall["belopp"] = utfall.pop("ore") / 100  # already accounting sign
    utfall["period"] = utfall["period"].map(lambda c: f"{c // 100}-{c % 100:02d}")
    budget["belopp"] = budget.pop("ore") / 100
    prognos["belopp"] = -prognos.pop("ore") / 100
    investeringar["belopp"] = investeringar.pop("ore") / 100
    investeringar["period"] = investeringar["period"].map(lambda c: f"{c // 100}-{c % 100:02d}")

    organisation = pd.DataFrame(
        UNITS + [KOMMUN], columns=["id", "namn", "typ", "forvaltning", "alias"]
    )
    kontoplan = pd.DataFrame(KONTOPLAN, columns=["konto_fran", "konto_till", "grupp", "intern"])
    kontoplan["semesterloneskuld"] = np.where(kontoplan["konto_fran"] == 5820, "ja", "")
    return Economy(
        utfall=utfall[["period", "namnd", "konto", "verksamhet", "belopp"]],
        budget=budget[["ar", "namnd", "konto", "verksamhet", "projekt", "typ", "belopp"]],
        prognos=prognos[["ar", "prognosmanad", "namnd", "typ", "belopp"]],
        periodisering=periodisering[["ar", "namnd", "manad", "andel", "typ"]],
        investeringar=investeringar[["period", "namnd", "projekt", "belopp"]],
        kontoplan=kontoplan,
        organisation=organisation,
    )
