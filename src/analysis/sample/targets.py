"""Published figures the sample kommun is built to reproduce, and the solver that finds
unrounded amounts consistent with all of them at once.

A printed table rounds every cell and computes totals and deviations from unrounded
figures, so the printed numbers are not themselves consistent (−652 − (−640) = −12, but
−11 is printed). :func:`solve_driftsredovisning` finds amounts that round to every
printed cell, whose deviations round to every printed deviation and whose subtotals
round to every printed subtotal — a linear feasibility problem solved with HiGHS.

Source: Luleå kommun, Delårsrapport januari–april 2023, "Driftsredovisning, mkr" and
"Investeringsredovisning (mkr)" (see the project's domain notes).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import linprog

#: Sample register: id, namn, typ, forvaltning (as in the HR system), aliases.
UNITS: list[tuple[str, str, str, str, str]] = [
    (
        "ks-stab",
        "KS/Kommunstaben",
        "namnd",
        "KS/Kommunstab",
        "KS/ Kommunstaben|KS-Kommunstaben|Kommunstaben|KS/Kommunstab",
    ),
    (
        "ks-koll",
        "KS/Kollektivtrafiken",
        "namnd",
        "",
        "KS/ Kollektivtrafiken|KS/kollektivtrafikanslag|Kollektivtrafiken",
    ),
    (
        "ks-amf",
        "KS/Arbetsmarknadsförvaltningen",
        "namnd",
        "KS/Arbetsmarknadsförvaltningen",
        "KS/ Arbetsmarknadsförvaltningen|KS-Arbetsmarknadsförvaltning|Arbetsmarknadsförvaltningen|AMF",  # noqa: E501 - one organisation row
    ),
    (
        "ks-rtj",
        "KS/Räddningstjänsten",
        "namnd",
        "KS/Räddningstjänsten",
        "KS/ Räddningstjänsten|KS-Räddningstjänst|Räddningstjänsten",
    ),
    (
        "bun",
        "Barn- och utbildningsnämnden",
        "namnd",
        "Barn- o utbildningsförvaltningen",
        "Barn- och utbildningsnämnd|BUN",
    ),
    (
        "kfn",
        "Kultur- och fritidsnämnden",
        "namnd",
        "Kultur- o fritidsförvaltningen",
        "Kultur- och fritidsnämnd|KFN",
    ),
    (
        "mbn",
        "Miljö- och byggnadsnämnden",
        "namnd",
        "Stadsbyggnadsförvaltningen",
        "Miljö- och byggnadsnämnd|MBN",
    ),
    ("sn", "Socialnämnden", "namnd", "Socialförvaltningen", "Socialnämnd|SN"),
    (
        "sbn",
        "Stadsbyggnadsnämnden",
        "namnd",
        "Stadsbyggnadsförvaltningen",
        "Stadsbyggnadsnämnd|SBN",
    ),
    ("valn", "Valnämnden", "namnd", "", "Valnämnd"),
    ("ofn", "Överförmyndarnämnden", "namnd", "", "Överförmyndarnämnd|ÖFN"),
    ("krev", "Kommunrevisionen", "namnd", "", "Kommunrevision"),
    (
        "fin-pension",
        "Pensioner, löneskuld, arbetsgivaravgifter",
        "finans",
        "",
        "-Pensioner, löneskuld, arbetsgivaravgifter",
    ),
    ("fin-intern", "Internt återförda kostnader", "finans", "", "-Internt återförda kostnader"),
    (
        "fin-naringsliv",
        "Anslag för näringslivsbefrämjande åtgärder",
        "finans",
        "",
        "-Anslag för näringslivsbefrämjande åtgärder",
    ),
    ("fin-realvinst", "Realisationsvinster", "finans", "", "-Realisationsvinster"),
    ("fin-realforlust", "Realisationsförluster", "finans", "", "-Realisationsförluster"),
    ("fin-nedskrivning", "Nedskrivningar", "finans", "", "-Nedskrivningar"),
    ("fin-ovrigt", "Övrigt, finansförvaltningen", "finans", "", "-Övrigt"),
    ("avskrivningar", "Avskrivningar", "finans", "", ""),
    ("skatteintakter", "Skatteintäkter", "finans", "", ""),
    (
        "statsbidrag",
        "Generella statsbidrag och utjämning",
        "finans",
        "",
        "Generella stadsbidrag|Generella statsbidrag",
    ),
    ("finansiella-intakter", "Finansiella intäkter", "finans", "", ""),
    ("finansiella-kostnader", "Finansiella kostnader", "finans", "", ""),
]

NAMND_IDS = [u[0] for u in UNITS if u[2] == "namnd"]
FINANS_IDS = [u[0] for u in UNITS[12:19]]  # the finansförvaltning sub-rows
ALL_IDS = [u[0] for u in UNITS]

#: Driftsredovisning Jan–Apr 2023 (mkr): utfall, budget, avvikelse for the period;
#: prognos, budget, avvikelse for the year — one row per unit, in register order.
DRIFT_2023_04 = {
    "ks-stab": (-96, -96, 0, -288, -288, 0),
    "ks-koll": (-53, -51, -1, -158, -154, -4),
    "ks-amf": (-33, -37, 4, -116, -118, 2),
    "ks-rtj": (-22, -24, 2, -71, -71, 0),
    "bun": (-675, -677, 2, -2054, -2034, -19),
    "kfn": (-104, -113, 9, -339, -340, 1),
    "mbn": (-7, -8, 1, -28, -26, -2),
    "sn": (-652, -640, -11, -1973, -1973, 0),
    "sbn": (-121, -96, -25, -271, -249, -22),
    "valn": (0, 0, 0, 0, 0, 0),
    "ofn": (-3, -3, 1, -10, -10, 0),
    "krev": (0, -1, 1, -3, -3, 0),
    "fin-pension": (-517, -436, -81, -1402, -1401, -1),
    "fin-intern": (534, 557, -23, 1653, 1671, -18),
    "fin-naringsliv": (0, -3, 3, -10, -10, 0),
    "fin-realvinst": (3, 0, 3, 8, 0, 8),
    "fin-realforlust": (-1, 0, -1, -1, 0, -1),
    "fin-nedskrivning": (0, 0, 0, 0, 0, 0),
    "fin-ovrigt": (0, -1, 1, -4, -4, 0),
    "avskrivningar": (-121, -124, 3, -363, -372, 9),
    "skatteintakter": (1600, 1592, 9, 4790, 4775, 16),
    "statsbidrag": (259, 225, 34, 713, 675, 39),
    "finansiella-intakter": (8, 4, 5, 12, 11, 2),
    "finansiella-kostnader": (-13, -20, 8, -61, -61, 0),
}

#: Printed subtotals (same six columns) and the rows they add up.
DRIFT_SUBTOTALS = {
    "VERKSAMHETENS NETTOKOSTNAD": (ALL_IDS[:20], (-1867, -1753, -113, -5429, -5382, -47)),
    "SKATTER OCH UTJÄMNING": (["skatteintakter", "statsbidrag"], (1860, 1816, 43, 5504, 5449, 54)),
    "FINANSIELLA INTÄKTER OCH KOSTNADER": (
        ["finansiella-intakter", "finansiella-kostnader"],
        (-4, -17, 13, -49, -51, 2),
    ),
    "RESULTAT EFTER FINANSIELLA POSTER": (ALL_IDS, (-11, 46, -58, 26, 16, 10)),
}

#: Figures the report's text gives (mkr): the nämnder's period deviation (−18) and
#: forecast deviation (−44), and the finansförvaltning's (−98 and −12).
DRIFT_TEXT_SUMS = {
    ("namnd", "avvikelse_period"): -18,
    ("namnd", "avvikelse_helar"): -44,
    ("finans", "avvikelse_period"): -98,
    ("finans", "avvikelse_helar"): -12,
}
#: Result excluding the semesterlöneskuld effect (+72), and the finansförvaltning's
#: period deviation excluding it (−15).
RESULTAT_EXKL_SEMESTERLONESKULD = 72
FINANS_AVVIKELSE_EXKL_SEMESTERLONESKULD = -15
#: The nämnder's full-year forecast deviation in the March forecast.
NAMNDER_MARS_AVVIKELSE = -31

#: Investeringsredovisning Jan–Apr 2023 (mkr, one decimal; spending negative).
INVEST_2023_04 = {
    "ks-stab": (-9.3, -25.2, 15.9, -75.7, -75.7, 0.0),
    "ks-amf": (0.0, -0.1, 0.1, -0.8, -0.8, 0.0),
    "ks-rtj": (-0.3, -2.3, 2.0, -11.3, -7.0, -4.3),
    "bun": (-2.9, -45.3, 42.4, -135.8, -135.8, 0.0),
    "kfn": (-3.3, -23.7, 20.4, -23.7, -71.2, 47.5),
    "sn": (-1.1, -9.2, 8.0, -7.0, -27.5, 20.5),
    "mbn": (0.0, 0.0, 0.0, 0.0, 0.0, 0.0),
    "sbn": (-128.8, -242.3, 113.5, -813.1, -726.8, -86.3),
}
INVEST_SUMMA = (-145.8, -348.1, 202.3, -1067.4, -1044.9, -22.6)

#: Kommunstaben's full-year figures from its verksamhetsberättelse 2023 (tkr, net cost
#: positive): utfall and budget (kommunbidrag) 2023 and 2022.
KS_STAB_HELAR = {2023: (307_662, 287_901), 2022: (280_390, 290_693)}


@dataclass
class Solution:
    """Unrounded amounts (mkr, report sign) per unit."""

    utfall: dict[str, float]  # the period
    budget_period: dict[str, float]
    prognos: dict[str, float]
    budget: dict[str, float]  # the year
    twelfths: set[str]  # units whose period budget is 4/12 of the year
    semesterloneskuld: float = 0.0  # utfall of the semesterlöneskuld change (period)


def _solve(
    rows: dict[str, tuple],
    margin: float,
    months: int,
    subtotals: list[tuple[list[str], tuple]],
    extra: list[tuple[dict, float, float]],
    fixed_budget: dict[str, float],
    twelfth_candidates: set[str],
) -> Solution:
    """Feasibility LP: every printed figure within ``margin``; L1-closest to printed."""
    ids = list(rows)
    n = len(ids)
    # variables: u, b, p, y per row (4n), then |dev| helpers (4n)
    nv = 8 * n
    U, B, P, Y = (lambda i: i, lambda i: n + i, lambda i: 2 * n + i, lambda i: 3 * n + i)
    a_ub: list[np.ndarray] = []
    b_ub: list[float] = []
    a_eq: list[np.ndarray] = []
    b_eq: list[float] = []

    def band(coefs: dict[int, float], target: float, m: float) -> None:
        row = np.zeros(nv)
        for k, c in coefs.items():
            row[k] += c
        a_ub.append(row.copy())
        b_ub.append(target + m)
        a_ub.append(-row)
        b_ub.append(-(target - m))

    for i, uid in enumerate(ids):
        tu, tb, tav, tp, ty, tay = rows[uid]
        band({U(i): 1}, tu, margin)
        band({B(i): 1}, tb, margin)
        band({U(i): 1, B(i): -1}, tav, margin)
        band({P(i): 1}, tp, margin)
        band({Y(i): 1}, ty, margin)
        band({P(i): 1, Y(i): -1}, tay, margin)
        if uid in twelfth_candidates:
            row = np.zeros(nv)
            row[B(i)] = 1
            row[Y(i)] = -months / 12
            a_eq.append(row)
            b_eq.append(0.0)
        if uid in fixed_budget:
            row = np.zeros(nv)
            row[Y(i)] = 1
            a_eq.append(row)
            b_eq.append(fixed_budget[uid])
        # |v - target| <= t  for u, b, p, y
        for var, tgt, k in (
            (U(i), tu, 4 * n + i),
            (B(i), tb, 5 * n + i),
            (P(i), tp, 6 * n + i),
            (Y(i), ty, 7 * n + i),
        ):
            for sign in (1, -1):
                row = np.zeros(nv)
                row[var] = sign
                row[k] = -1
                a_ub.append(row)
                b_ub.append(sign * tgt)
    index = {uid: i for i, uid in enumerate(ids)}
    for members, printed in subtotals:
        tu, tb, tav, tp, ty, tay = printed
        mi = [index[m] for m in members]
        band({U(i): 1 for i in mi}, tu, margin)
        band({B(i): 1 for i in mi}, tb, margin)
        band({**{U(i): 1 for i in mi}, **{B(i): -1 for i in mi}}, tav, margin)
        band({P(i): 1 for i in mi}, tp, margin)
        band({Y(i): 1 for i in mi}, ty, margin)
        band({**{P(i): 1 for i in mi}, **{Y(i): -1 for i in mi}}, tay, margin)
    for spec, target, m in extra:
        coefs: dict[int, float] = {}
        for (uid, what), c in spec.items():
            k = {"u": U, "b": B, "p": P, "y": Y}[what](index[uid])
            coefs[k] = coefs.get(k, 0.0) + c
        band(coefs, target, m)
    cost = np.r_[np.zeros(4 * n), np.ones(4 * n)]
    res = linprog(
        cost,
        A_ub=np.array(a_ub),
        b_ub=np.array(b_ub),
        A_eq=np.array(a_eq) if a_eq else None,
        b_eq=np.array(b_eq) if b_eq else None,
        bounds=[(None, None)] * (4 * n) + [(0, None)] * (4 * n),
        method="highs",
    )
    if not res.success:
        raise RuntimeError(f"no amounts reproduce the published table: {res.message}")
    x = res.x
    return Solution(
        utfall={uid: x[U(i)] for uid, i in index.items()},
        budget_period={uid: x[B(i)] for uid, i in index.items()},
        prognos={uid: x[P(i)] for uid, i in index.items()},
        budget={uid: x[Y(i)] for uid, i in index.items()},
        twelfths=set(twelfth_candidates),
    )


def _twelfth_feasible(row: tuple, margin: float, months: int) -> bool:
    _, tb, _, _, ty, _ = row
    lo, hi = (ty - margin) * months / 12, (ty + margin) * months / 12
    return max(lo, tb - margin) <= min(hi, tb + margin)


def solve_driftsredovisning(margin: float = 0.44) -> Solution:
    """Unrounded mkr amounts that reproduce the published driftsredovisning."""
    rows = DRIFT_2023_04
    twelfths = {uid for uid, row in rows.items() if _twelfth_feasible(row, margin, 4)}
    extra = []
    for (typ, what), target in DRIFT_TEXT_SUMS.items():
        members = NAMND_IDS if typ == "namnd" else FINANS_IDS
        pair = ("u", "b") if what == "avvikelse_period" else ("p", "y")
        spec = {}
        for m in members:
            spec[(m, pair[0])] = 1.0
            spec[(m, pair[1])] = -1.0
        extra.append((spec, float(target), margin))
    fixed = {"ks-stab": -KS_STAB_HELAR[2023][1] / 1000}
    subtotals = list(DRIFT_SUBTOTALS.values())
    sol = _solve(rows, margin, 4, subtotals, extra, fixed, twelfths)
    # The semesterlöneskuld change s (booked on fin-pension, unbudgeted) must make
    # result − s round to +72 and the finansförvaltning's deviation − s round to −15.
    result = sum(sol.utfall.values())
    fin_dev = sum(sol.utfall[m] - sol.budget_period[m] for m in FINANS_IDS)
    lo = max(
        result - RESULTAT_EXKL_SEMESTERLONESKULD - margin,
        fin_dev - FINANS_AVVIKELSE_EXKL_SEMESTERLONESKULD - margin,
    )
    hi = min(
        result - RESULTAT_EXKL_SEMESTERLONESKULD + margin,
        fin_dev - FINANS_AVVIKELSE_EXKL_SEMESTERLONESKULD + margin,
    )
    if lo > hi:
        raise RuntimeError("no semesterlöneskuld effect fits both published figures")
    sol.semesterloneskuld = (lo + hi) / 2
    return sol


def solve_investeringar(margin: float = 0.044) -> Solution:
    """Unrounded mkr amounts that reproduce the published investeringsredovisning."""
    rows = INVEST_2023_04
    twelfths = {uid for uid, row in rows.items() if _twelfth_feasible(row, margin, 4)}
    return _solve(rows, margin, 4, [(list(rows), INVEST_SUMMA)], [], {}, twelfths)
