"""Person-month HR data (``personal/sjukfranvaro``) for the sample kommun.

:func:`generate_personal` returns raw contract rows — one per employee and month,
2019-01 … 2023-12 — for a kommun modelled on Luleå: seven förvaltningar, månadsanställda
with turnover and retirements, timanställda with ordinary time in some months, and sick
leave simulated as spells (start day, length in calendar days, omfattning).

The data reproduce, to the printed two decimals and computed with the data contract's
definitions, the figures Luleå published:

* the whole kommun's sick-leave rate January–March 2019–2023
  (Delårsrapport jan–apr 2023, "Sjukfrånvaro jan–mars");
* frisknärvaro (share of employees with fewer than eight sick days in the year) per
  förvaltning and for the kommun, 2019–2022 (Delårsrapport, Tabell 2.2);
* KS/Kommunstab's seven nyckeltal 2020–2023 (verksamhetsberättelse 2023, "Sjukfrånvaro,
  procent"). Its 2019 column cannot be produced by any data — the total 3.78 lies below
  every age group's rate — so 2019 keeps the published total and långtid share, and the
  groups' published rates rescaled to that total (their ratios kept).

The published kommun frisknärvaro is a headcount-weighted mean of the förvaltningar's,
and with the small förvaltningar at their usual sizes it needs the two large ones to be
bigger than their månadsanställda suggest: Barn- o utbildningsförvaltningen about
4 100–5 000 and Socialförvaltningen about 4 000–5 000 distinct employees a year, through
large pools of timanställda (substitutes). The whole kommun has about 11 100–11 600
employees with ordinary time in a year, of whom about 7 200–7 500 are månadsanställda at
any one time.

How: the staff are simulated first. Frisknärvaro is a ratio of integer counts, so each
förvaltning-year headcount is chosen such that an integer number of "healthy" employees
gives the printed value (and the kommun total, a sum of the förvaltningar, too), the
timanställda pool is sized to that headcount, and sick days are then added to or removed
from a few employees near the eight-day limit until exactly that many stay under it.
Rates are ratios of hours: Kommunstaben's ordinary hours are scaled per sex×age cell
(sysselsättningsgrad) so the women's and the age groups' shares of the hours fit the
published rates; its spells are drawn per cell and year until close to the published
rates, and its sick hours are then filled per cell (each row within 1.5× — rarely 2.5× —
of what its sick days give); the other förvaltningar get one scale factor per year that
fits the kommun's January–March rate. Scaling hours never changes sick days, so
frisknärvaro is untouched.

The personnel structure (columns ``anstallningsform``, ``chef``, ``sysselsattningsgrad``,
``chef_id``) reproduces, with the definitions of :mod:`analysis.personal.struktur`:

* the whole kommun in April 2023 (delårsrapport jan–apr 2023): 6 729 månadsanställda,
  6 019 tillsvidareanställda, 77 % kvinnor, 302 chefer, 79 with more than 25
  tillsvidareanställda in their grupp;
* Kommunstaben's månadsanställda on 31 December 2019–2023 by anställningsform and kön
  and by age band (verksamhetsberättelse 2023).

How: the simulated staff are *labelled*, their hours untouched. Outside Kommunstaben each
månadsanställd gets one anställningsform for the whole employment (drawn, then fixed
among those employed in April 2023 so that the counts and the share of women come out;
the ~690 beyond the published månadsanställda are labelled timavlönade — staff with
scheduled hours paid by the hour); the simulated timanställda are timavlönade. For
Kommunstaben the simulated population cannot give the published December counts by
labelling alone (too few aged 50–59), so — before any sick leave is drawn and the
calibration above runs — its spans are adjusted so that exactly the published number is
employed each December (leavers of the coming year leave in December, or recent leavers
stay to January, plus December hires), its employees' kön and birth years are chosen
(annealed local search from the simulated ones) to give the published kön and age-band
counts each December, and each December's visstidsanställda are picked with the published
counts by kön and age band. Chefer are drawn among the tillsvidareanställda (302 in
April 2023, at the same rate outside it), each förvaltning has a förvaltningschef over
its chefer, and the April 2023 grupper are sized so that exactly 79 are larger than 25;
other months keep an employee's April 2023 chef while that chef is a chef. The labels use
their own random stream (``[seed, 2]``); sysselsättningsgrad is the month's ordinary hours
in percent of full time (empty for timavlönade).

The published figures below are the calibration targets; the published tables themselves
live in the project's domain notes.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = ["FORVALTNINGAR", "generate_personal"]

FIRST_YEAR, LAST_YEAR = 2019, 2023
YEARS = tuple(range(FIRST_YEAR, LAST_YEAR + 1))
N_MONTHS = 12 * len(YEARS)

BUF = "Barn- o utbildningsförvaltningen"
SOC = "Socialförvaltningen"
SBF = "Stadsbyggnadsförvaltningen"
AMF = "KS/Arbetsmarknadsförvaltningen"
KFF = "Kultur- o fritidsförvaltningen"
RTJ = "KS/Räddningstjänsten"
KS = "KS/Kommunstab"

#: The förvaltningar as named in the kommun's HR system.
FORVALTNINGAR = (BUF, SOC, SBF, AMF, KFF, RTJ, KS)

# --- published figures (the calibration targets) -------------------------------------

#: Whole kommun, sick leave January–March in % of ordinary time.
JAN_MARS_PROCENT = {2019: 6.53, 2020: 7.16, 2021: 7.24, 2022: 9.28, 2023: 7.14}

#: Frisknärvaro (% of employees with fewer than eight sick days in the year).
FRISKNARVARO = {
    "Luleå kommun": {2019: 68.12, 2020: 57.08, 2021: 62.06, 2022: 58.29},
    AMF: {2019: 70.59, 2020: 63.77, 2021: 74.55, 2022: 69.46},
    BUF: {2019: 69.84, 2020: 54.32, 2021: 57.55, 2022: 54.15},
    KS: {2019: 75.15, 2020: 78.82, 2021: 82.85, 2022: 79.06},
    KFF: {2019: 80.17, 2020: 74.22, 2021: 70.32, 2022: 67.55},
    RTJ: {2019: 84.85, 2020: 74.19, 2021: 84.52, 2022: 76.83},
    SOC: {2019: 63.50, 2020: 53.87, 2021: 60.88, 2022: 57.25},
    SBF: {2019: 73.99, 2020: 67.01, 2021: 71.53, 2022: 65.17},
}
KOMMUN = "Luleå kommun"

#: Kommunstaben's nyckeltal: total, langtid_andel, kvinnor, män, <=29, 30-49, >=50.
KS_NYCKELTAL = {
    2019: (3.78, 34.61, 6.20, 2.68, 6.24, 5.04, 5.87),
    2020: (3.15, 30.59, 3.60, 2.13, 3.28, 3.00, 3.28),
    2021: (2.04, 30.56, 2.45, 1.17, 4.85, 1.96, 1.75),
    2022: (3.02, 25.49, 2.90, 3.28, 4.77, 2.11, 3.77),
    2023: (2.79, 37.54, 3.25, 1.69, 6.43, 2.22, 3.04),
}
#: Years whose published total cannot be a weighted mean of its groups (2019: the total
#: 3.78 lies below every age group). The data keep the total and the långtid share and
#: rescale the groups' published rates to the total (keeping their ratios).
KS_INCONSISTENT = frozenset({2019})

# --- the sample kommun ---------------------------------------------------------------


@dataclass(frozen=True)
class _Forvaltning:
    stock: tuple[int, int]  # månadsanställda 2019-01 and 2023-12 (linear in between)
    turnover: float  # leavers per year / stock (retirements come on top)
    women: float  # share of women
    hourly: int  # timanställda with ordinary time per year (nominal)
    part_time: float  # share of månadsanställda working part time
    sick: float  # sick-leave intensity (relative)
    yearly: tuple[float, ...]  # the intensity's factor per year 2019-2023, fitted to
    # the published frisknärvaro
    young: tuple[float, float, float] = (0.10, 0.38, 0.6)  # share aged up to 29 among
    # the staff of 2019-01, new månadsanställda, timanställda


_FORV = {
    BUF: _Forvaltning((2880, 2960), 0.085, 0.81, 450, 0.25, 1.00, (0.77, 1.57, 1.62, 1.64, 1.29)),
    SOC: _Forvaltning((2620, 2700), 0.10, 0.86, 550, 0.45, 1.12, (1.01, 1.38, 1.16, 1.22, 1.01)),
    SBF: _Forvaltning((630, 650), 0.08, 0.45, 45, 0.12, 0.72, (0.78, 0.94, 0.96, 1.11, 0.88)),
    AMF: _Forvaltning((345, 355), 0.11, 0.62, 30, 0.15, 0.80, (0.84, 0.96, 0.64, 0.72, 0.68)),
    KFF: _Forvaltning((285, 295), 0.09, 0.62, 60, 0.20, 0.62, (0.64, 0.85, 1.29, 1.37, 1.07)),
    RTJ: _Forvaltning((200, 206), 0.06, 0.12, 8, 0.03, 0.55, (0.49, 0.85, 0.51, 0.71, 0.53)),
    KS: _Forvaltning(
        (256, 299),
        0.075,
        0.67,
        8,
        0.12,
        0.38,
        (1.40, 0.84, 0.73, 0.66, 0.73),
        young=(0.04, 0.15, 0.35),
    ),
}

#: Nominal headcounts (distinct employees with ordinary time in a year) of the two large
#: förvaltningar. Their actual yearly headcount is set by the size of the timanställda
#: pool so that the published kommun frisknärvaro, a headcount-weighted mean of the
#: förvaltningar's, comes out.
_NOMINAL = {BUF: 3400, SOC: 3100}

_HOURS_PER_DAY = 7.6  # full time, per working day
_JULY_FACTOR = 0.8  # ordinary time in July (summer schedules)
_LONG = 60  # a spell of >= 60 days is långtid
_SHORT = 14  # a spell of <= 14 days is korttid
_FRISK_LIMIT = 8  # frisknärvaro: fewer than 8 sick days in the year
_EPS = 0.0049  # distance to the printed value that still rounds to it


# --- calendar ------------------------------------------------------------------------


def _easter(year: int) -> dt.date:
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    ell = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * ell) // 451
    month, day = divmod(h + ell - 7 * m + 114, 31)
    return dt.date(year, month, day + 1)


def _holidays(year: int) -> set[dt.date]:
    easter = _easter(year)
    midsummer_eve = next(
        dt.date(year, 6, d) for d in range(19, 26) if dt.date(year, 6, d).weekday() == 4
    )
    fixed = [(1, 1), (1, 6), (5, 1), (6, 6), (12, 24), (12, 25), (12, 26), (12, 31)]
    days = {dt.date(year, m, d) for m, d in fixed}
    days |= {
        easter - dt.timedelta(days=2),
        easter + dt.timedelta(days=1),
        easter + dt.timedelta(days=39),
        midsummer_eve,
    }
    return days


@dataclass(frozen=True)
class _Calendar:
    day_month: np.ndarray  # month index (0..59) of each day
    month_start: np.ndarray  # first day index of each month (60,)
    dim: np.ndarray  # days in each month
    full_time_h: np.ndarray  # full-time ordinary hours per month
    year_start: np.ndarray  # first day index of each year (6,) incl. the end

    @property
    def n_days(self) -> int:
        return len(self.day_month)


def _calendar() -> _Calendar:
    first, last = dt.date(FIRST_YEAR, 1, 1), dt.date(LAST_YEAR, 12, 31)
    dates = pd.date_range(first, last, freq="D")
    month = np.asarray((dates.year - FIRST_YEAR) * 12 + dates.month - 1)
    holidays = set().union(*(_holidays(y) for y in YEARS))
    is_holiday = np.array([d.date() in holidays for d in dates])
    workday = np.asarray(dates.day_of_week < 5) & ~is_holiday
    workdays = np.bincount(month, weights=workday, minlength=N_MONTHS)
    full_time = _HOURS_PER_DAY * workdays
    full_time[6::12] *= _JULY_FACTOR
    dim = np.bincount(month, minlength=N_MONTHS)
    month_start = np.r_[0, np.cumsum(dim)[:-1]]
    year_start = np.r_[month_start[::12], len(dates)]
    return _Calendar(month, month_start, dim, full_time, year_start)


# --- staff ---------------------------------------------------------------------------


@dataclass
class _Staff:
    forv: np.ndarray  # index into FORVALTNINGAR
    woman: np.ndarray  # bool
    fodelsear: np.ndarray
    hourly: np.ndarray  # bool: timanställd
    has_row: np.ndarray  # (E, 60) bool: a row in that month
    ord_h: np.ndarray  # (E, 60) ordinary hours (0 where no row)

    @property
    def n(self) -> int:
        return len(self.forv)


def _ages(rng: np.random.Generator, n: int, young: float, hire: bool) -> np.ndarray:
    """Ages of månadsanställda (``hire``: of new hires); ``young``: share aged 22-29."""
    if hire:
        edges, weights = [22, 30, 40, 50, 60, 64], [0.30, 0.18, 0.11, 0.03]
    else:
        edges, weights = [22, 30, 40, 50, 60, 66], [0.23, 0.27, 0.28, 0.12]
    weights = [young] + [(1 - young) * w / sum(weights) for w in weights]
    band = rng.choice(len(weights), size=n, p=weights)
    lo, hi = np.array(edges[:-1])[band], np.array(edges[1:])[band]
    return rng.integers(lo, hi)


def _monthly_staff(rng: np.random.Generator) -> list[dict]:
    """Månadsanställda of every förvaltning: employment spans and attributes."""
    out = []
    for fi, name in enumerate(FORVALTNINGAR):
        p = _FORV[name]
        target = np.linspace(p.stock[0], p.stock[1], N_MONTHS)
        q = 1 - (1 - p.turnover) ** (1 / 12)  # monthly leaving hazard
        start, birth, leave = [], [], []
        departures = np.zeros(N_MONTHS + 1, dtype=int)
        hired = 0
        for t in range(N_MONTHS):
            if t == 0:
                n_hire = int(round(target[0]))
            else:
                active = hired - departures[: t + 1].sum()
                n_hire = int(round(target[t] - active + rng.normal(0, 1.5)))
            if n_hire <= 0:
                continue
            age = _ages(rng, n_hire, p.young[1] if t > 0 else p.young[0], hire=t > 0)
            b = FIRST_YEAR + t // 12 - age
            ret_age = np.maximum(rng.choice([65, 66, 67], size=n_hire, p=[0.5, 0.3, 0.2]), age + 1)
            ret_month = (b + ret_age - FIRST_YEAR) * 12 + rng.integers(0, 12, size=n_hire)
            lv = np.minimum(t + rng.geometric(q, size=n_hire), np.maximum(ret_month, t + 1))
            lv = np.minimum(lv, N_MONTHS)
            np.add.at(departures, lv, 1)
            hired += n_hire
            start.append(np.full(n_hire, t))
            birth.append(b)
            leave.append(lv)
        s, lv, b = (np.concatenate(x) for x in (start, leave, birth))
        n = len(s)
        woman = rng.random(n) < p.women
        part = rng.random(n) < p.part_time
        syss = np.where(part, rng.choice([0.75, 0.8, 0.85, 0.9, 0.95], size=n), 1.0)
        out.append(
            dict(forv=np.full(n, fi), woman=woman, fodelsear=b, start=s, leave=lv, syss=syss)
        )
    return out


def _assemble_monthly(groups: list[dict], cal: _Calendar) -> _Staff:
    forv = np.concatenate([g["forv"] for g in groups])
    woman = np.concatenate([g["woman"] for g in groups])
    fodelsear = np.concatenate([g["fodelsear"] for g in groups])
    start = np.concatenate([g["start"] for g in groups])
    leave = np.concatenate([g["leave"] for g in groups])
    syss = np.concatenate([g["syss"] for g in groups])
    months = np.arange(N_MONTHS)
    has_row = (months >= start[:, None]) & (months < leave[:, None])
    ord_h = np.where(has_row, np.round(syss[:, None] * cal.full_time_h[None, :], 2), 0.0)
    return _Staff(forv, woman, fodelsear, np.zeros(len(forv), bool), has_row, ord_h)


def _distinct_with_time(staff: _Staff, fi: int, year: int) -> int:
    sl = slice((year - FIRST_YEAR) * 12, (year - FIRST_YEAR + 1) * 12)
    return int(((staff.ord_h[staff.forv == fi, sl] > 0).any(axis=1)).sum())


def _frisk_ok(k: int, n: int, printed: float) -> bool:
    return n > 0 and abs(100 * k / n - printed) <= _EPS


def _frisk_candidates(n_lo: int, n_hi: int, printed: float) -> list[tuple[int, int]]:
    out = []
    for n in range(max(n_lo, 1), n_hi + 1):
        k = int(round(printed * n / 100))
        if _frisk_ok(k, n, printed):
            out.append((n, k))
    return out


def _large_headcounts(
    small_n: dict[tuple[int, int], int], years: list[int], lower: dict[tuple[int, int], int]
) -> dict[tuple[int, int], float]:
    """Headcounts of the two large förvaltningar that give the kommun's frisknärvaro.

    The kommun's frisknärvaro is the headcount-weighted mean of the förvaltningar's, so
    each year sum_f n_f (p_f - P) = 0. Given the small förvaltningar, the large ones'
    headcounts are the least-squares solution closest (relatively) to nominal with a
    penalty on year-to-year changes.
    """
    big = [FORVALTNINGAR.index(BUF), FORVALTNINGAR.index(SOC)]
    ny = len(years)
    n0 = np.repeat([_NOMINAL[FORVALTNINGAR[fi]] for fi in big], ny).astype(float)
    smooth = 3.0
    q = np.diag(2 / n0**2)
    for j in range(2):
        for t in range(1, ny):
            a, b = j * ny + t - 1, j * ny + t
            v = np.zeros(2 * ny)
            v[a], v[b] = -1 / n0[a], 1 / n0[b]
            q += 2 * smooth * np.outer(v, v)
    a_eq = np.zeros((ny, 2 * ny))
    b_eq = np.zeros(ny)
    for t, year in enumerate(years):
        total = FRISKNARVARO[KOMMUN][year]
        for j, fi in enumerate(big):
            a_eq[t, j * ny + t] = FRISKNARVARO[FORVALTNINGAR[fi]][year] - total
        b_eq[t] = -sum(
            n * (FRISKNARVARO[FORVALTNINGAR[fi]][year] - total)
            for (fi, y), n in small_n.items()
            if y == year
        )
    kkt = np.block([[q, a_eq.T], [a_eq, np.zeros((ny, ny))]])
    x = np.linalg.solve(kkt, np.r_[2 * n0 / n0**2, b_eq])[: 2 * ny]
    out = {}
    for j, fi in enumerate(big):
        for t, year in enumerate(years):
            if x[j * ny + t] < lower[fi, year]:
                raise RuntimeError(f"no headcounts give the kommun's frisknärvaro {year}")
            out[fi, year] = x[j * ny + t]
    return out


def _headcounts(monthly: dict[tuple[int, int], int]) -> dict[tuple[int, int], tuple[int, int]]:
    """Headcount n and healthy count k per (förvaltning, year) 2019-2022.

    ``monthly``: distinct månadsanställda with ordinary time; the rest of a headcount
    are timanställda. Only some headcounts n admit an integer k with round(100 k / n, 2)
    equal to the printed value; the small förvaltningar take the one nearest to their
    nominal size, the two large ones those nearest to :func:`_large_headcounts` for
    which the kommun total rounds right too.
    """
    big = [FORVALTNINGAR.index(BUF), FORVALTNINGAR.index(SOC)]
    small = [i for i in range(len(FORVALTNINGAR)) if i not in big]
    years = [y for y in YEARS if y in FRISKNARVARO[KOMMUN]]
    chosen: dict[tuple[int, int], tuple[int, int]] = {}
    for year in years:
        for fi in small:
            name = FORVALTNINGAR[fi]
            n0 = monthly[fi, year] + _FORV[name].hourly
            cands = _frisk_candidates(monthly[fi, year] + 3, n0 + 80, FRISKNARVARO[name][year])
            if not cands:
                raise RuntimeError(f"no headcount reproduces frisknärvaro {name} {year}")
            chosen[fi, year] = min(cands, key=lambda c, n0=n0: abs(c[0] - n0))
    lower = {(fi, y): monthly[fi, y] + 100 for fi in big for y in years}
    large = _large_headcounts(
        {(fi, y): chosen[fi, y][0] for fi in small for y in years}, years, lower
    )
    for year in years:
        total = FRISKNARVARO[KOMMUN][year]
        big_cands = []
        for fi in big:
            t = large[fi, year]
            c = _frisk_candidates(
                max(int(t) - 40, lower[fi, year]),
                int(t) + 40,
                FRISKNARVARO[FORVALTNINGAR[fi]][year],
            )
            big_cands.append(c)
        n_small = sum(chosen[fi, year][0] for fi in small)
        k_small = sum(chosen[fi, year][1] for fi in small)
        best = None
        for a in big_cands[0]:
            for b in big_cands[1]:
                if _frisk_ok(k_small + a[1] + b[1], n_small + a[0] + b[0], total):
                    score = abs(a[0] - large[big[0], year]) + abs(b[0] - large[big[1], year])
                    if best is None or score < best[0]:
                        best = (score, a, b)
        if best is None:
            raise RuntimeError(f"no headcounts reproduce the kommun's frisknärvaro {year}")
        chosen[big[0], year], chosen[big[1], year] = best[1], best[2]
    return chosen


def _hourly_staff(rng: np.random.Generator, counts: dict[tuple[int, int], int]) -> _Staff:
    """Timanställda: ``counts[f, year]`` of them have ordinary time in that year."""
    forv, woman, birth, hours = [], [], [], []
    for fi, name in enumerate(FORVALTNINGAR):
        p = _FORV[name]
        prev: list[int] = []  # indices (into this förvaltning's lists) of last year
        base = len(forv)
        for yi, year in enumerate(YEARS):
            want = counts[fi, year]
            keep = [i for i in prev if rng.random() < 0.45 and year - birth[base + i] < 67]
            if len(keep) > want:
                keep = list(rng.choice(keep, size=want, replace=False))
            new = want - len(keep)
            for _ in range(new):
                forv.append(fi)
                woman.append(rng.random() < p.women)
                age = (
                    int(rng.integers(18, 30))
                    if rng.random() < p.young[2]
                    else int(rng.integers(30, 67))
                )
                birth.append(year - age)
                hours.append({})
            current = keep + list(range(len(forv) - base - new, len(forv) - base))
            for i in current:
                share = rng.beta(1.2, 2.2)
                n_months = 1 + rng.binomial(11, share)
                months = rng.choice(12, size=n_months, replace=False)
                level = float(np.exp(rng.normal(np.log(35), 0.6)))
                for m in months:
                    h = level * np.exp(rng.normal(0, 0.3))
                    h = min(max(h, 4.0), 120.0)
                    hours[base + i][yi * 12 + m] = round(h, 2)
                if rng.random() < 0.08 and n_months < 12:
                    free = np.setdiff1d(np.arange(12), months)
                    hours[base + i][yi * 12 + int(rng.choice(free))] = 0.0
            prev = current
    n = len(forv)
    has_row = np.zeros((n, N_MONTHS), bool)
    ord_h = np.zeros((n, N_MONTHS))
    for i, h in enumerate(hours):
        idx = np.fromiter(h.keys(), int)
        has_row[i, idx] = True
        ord_h[i, idx] = np.fromiter(h.values(), float)
    return _Staff(
        np.array(forv), np.array(woman, bool), np.array(birth), np.ones(n, bool), has_row, ord_h
    )


def _concat(a: _Staff, b: _Staff) -> _Staff:
    return _Staff(
        *(
            np.concatenate([getattr(a, f), getattr(b, f)])
            for f in ("forv", "woman", "fodelsear", "hourly", "has_row", "ord_h")
        )
    )


# --- Kommunstaben's hours: the shares of women and of age groups ------------------------


def _age_group(year: int, fodelsear: np.ndarray) -> np.ndarray:
    age = year - fodelsear
    return np.where(age <= 29, 0, np.where(age <= 49, 1, 2))


def _rake(table: np.ndarray, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    t = table.astype(float).copy()
    for _ in range(500):
        t *= (rows / t.sum(axis=1))[:, None]
        t *= (cols / t.sum(axis=0))[None, :]
        if np.allclose(t.sum(axis=1), rows, rtol=1e-13, atol=0):
            break
    return t


def _fit_shares(natural: np.ndarray, rates: np.ndarray, total: float) -> np.ndarray:
    """Shares closest (relatively) to ``natural`` with sum 1 and rates @ shares = total."""
    w = 1 / natural**2
    a = np.vstack([np.ones_like(rates), rates])
    b = np.array([1.0, total])
    winv = np.diag(1 / w)
    shares = natural + winv @ a.T @ np.linalg.solve(a @ winv @ a.T, b - a @ natural)
    if (shares <= 0.01).any():
        raise RuntimeError("Kommunstaben's published rates need impossible hour shares")
    return shares


def _ks_margins(year: int, o: np.ndarray) -> tuple[float, float, np.ndarray, np.ndarray]:
    """Kommunstaben's target total, långtid share, (women, men) and age-group rates.

    ``o``: ordinary hours per sex × age cell. Published figures, except in
    :data:`KS_INCONSISTENT` years, where the group rates are rescaled to the total.
    """
    total, langtid, kv, man, *ages = KS_NYCKELTAL[year]
    sex, age = np.array([kv, man]), np.array(ages)
    if year in KS_INCONSISTENT:
        sex = sex * total / (sex @ o.sum(axis=1) / o.sum())
        age = age * total / (age @ o.sum(axis=0) / o.sum())
    return total, langtid, sex, age


def _ks_hours(staff: _Staff) -> None:
    """Scale Kommunstaben's ordinary hours per sex × age cell and year (in place).

    A total is the hours-weighted mean of its groups, so the women's share w of the
    ordinary hours must satisfy w·kvinnor + (1 − w)·män = total, and the age groups'
    shares likewise. The shares are set to the ones closest to the simulated staff
    that satisfy this (sysselsättningsgrad scaled down per cell, never up).
    """
    ks = np.flatnonzero(staff.forv == FORVALTNINGAR.index(KS))
    for year, (total, _, kv, man, *ages) in KS_NYCKELTAL.items():
        if year in KS_INCONSISTENT:
            continue
        sl = slice((year - FIRST_YEAR) * 12, (year - FIRST_YEAR + 1) * 12)
        o = staff.ord_h[ks, sl]
        sex = np.where(staff.woman[ks], 0, 1)
        age = _age_group(year, staff.fodelsear[ks])
        cell = np.zeros((2, 3))
        np.add.at(cell, (sex, age), o.sum(axis=1))
        tot = cell.sum()
        w = (total - man) / (kv - man)
        a = _fit_shares(cell.sum(axis=0) / tot, np.array(ages), total)
        target = _rake(cell, np.array([w, 1 - w]) * tot, a * tot)
        factor = target / cell
        factor /= factor.max()
        staff.ord_h[ks, sl] = np.round(o * factor[sex, age][:, None], 2)


# --- sick leave ----------------------------------------------------------------------

#: Days simulated before 2019-01-01 so that spells are already under way at the start.
_BURN_IN = 400
#: Kommunstaben's spells are drawn to give this much more than its published rates:
#: sick hours can always be scaled down to fit, but up only as far as ordinary time
#: on the sick days allows.
_KS_HEADROOM = 1.12
_SPELL_RATE = 0.0062  # new spells per day at intensity 1


@functools.lru_cache(maxsize=1)
def _intensity_profile() -> tuple[np.ndarray, np.ndarray]:
    """Relative intensity of new spells per förvaltning and day (burn-in included):
    season × year × epidemic waves; and each day's year index (0 before 2019)."""
    dates = pd.date_range(
        dt.date(FIRST_YEAR, 1, 1) - dt.timedelta(days=_BURN_IN),
        dt.date(LAST_YEAR, 12, 31),
        freq="D",
    )
    doy = np.asarray(dates.day_of_year - 1)
    season = 1 + 0.18 * np.cos(2 * np.pi * (doy - 25) / 365.25)
    year_idx = np.clip(np.asarray(dates.year) - FIRST_YEAR, 0, None)
    t = np.arange(len(dates)) - _BURN_IN  # days since 2019-01-01
    epi = 1 + sum(h * np.exp(-0.5 * ((t - c) / wd) ** 2) for c, wd, h in _WAVES)
    prof = np.empty((len(FORVALTNINGAR), len(dates)))
    for fi, name in enumerate(FORVALTNINGAR):
        p = _FORV[name]
        prof[fi] = p.sick * season * epi * np.array(p.yearly)[year_idx]
    return prof, year_idx


#: Epidemic waves and quiet winters: (day since 2019-01-01, width in days, height).
#: Influenza Feb 2019; covid-19 spring 2020 (April-May), autumn 2020 and 2021, omicron
#: Jan 2022 and later waves; mild winters 2020 and 2021 (restrictions, little flu) and a
#: quiet summer 2020.
_WAVES = [
    (40, 20, 0.75),
    (400, 25, -0.2),
    (480, 25, 1.3),
    (565, 30, -0.25),
    (670, 40, 0.7),
    (760, 35, -0.25),
    (1000, 30, 0.35),
    (1115, 20, 0.5),
    (1190, 20, 0.3),
    (1380, 35, 0.4),
    (1450, 30, 0.25),
    (1475, 25, -0.1),
]


def _group_factor(
    forv: np.ndarray, woman: np.ndarray, age: np.ndarray, year_idx: np.ndarray
) -> np.ndarray:
    """Relative intensity by sex and age; Kommunstaben's follows its published rates."""
    general = np.where(woman, 1.12, 0.85) * np.where(
        age <= 29, 1.25, np.where(age >= 50, 0.95, 1.0)
    )
    group = np.where(age <= 29, 0, np.where(age <= 49, 1, 2))
    ks = _ks_factors()[year_idx, np.where(woman, 0, 1), group]
    return np.where(forv == FORVALTNINGAR.index(KS), ks, general)


def _ks_factors() -> np.ndarray:
    """(year, sex, age group): Kommunstaben's relative intensity from its group rates."""
    table = np.ones((len(YEARS), 2, 3))
    for year, (_, _, kv, man, *ages) in KS_NYCKELTAL.items():
        sex = np.array([kv, man]) / (0.7 * kv + 0.3 * man)
        age = np.array(ages) / (np.array([0.12, 0.5, 0.38]) @ ages)
        table[year - FIRST_YEAR] = np.outer(sex, age)
    return table


def _spells(
    rng: np.random.Generator,
    forv: np.ndarray,
    woman: np.ndarray,
    fodelsear: np.ndarray,
    ok: np.ndarray,
    frailty: np.ndarray,
    days: slice | None = None,
) -> np.ndarray:
    """Simulate spells; the (E, burn-in + days) sick degree in % (0 = not sick).

    ``ok``: the days an employee can be sick on (employed, with ordinary time that month).
    Spells start at random days (within ``days`` if given) with the intensity of
    :func:`_intensity_profile` times a personal ``frailty`` (most employees are rarely
    sick, a few often).
    """
    n_e, n_d = ok.shape
    prof, year_idx = _intensity_profile()
    base = _SPELL_RATE * frailty
    can_start = ok if days is None else np.zeros_like(ok)
    if days is not None:
        can_start[:, days] = ok[:, days]
    first = np.argmax(can_start, axis=1)
    last = n_d - np.argmax(can_start[:, ::-1], axis=1)
    span = np.where(can_start.any(axis=1), last - first, 0)
    bound = prof.max(axis=1)[forv] * max(1.4, _ks_factors().max())
    n_cand = rng.poisson(base * bound * span)
    e = np.repeat(np.arange(n_e), n_cand)
    day = first[e] + (rng.random(len(e)) * span[e]).astype(int)
    age = FIRST_YEAR + year_idx[day] - fodelsear[e]
    lam = base[e] * prof[forv[e], day] * _group_factor(forv[e], woman[e], age, year_idx[day])
    accept = (rng.random(len(e)) * base[e] * bound[e] < lam) & can_start[e, day]
    e, day, age = e[accept], day[accept], age[accept]
    n_s = len(e)
    # length: short (1-7 days), 8-14, 15-59, long (>= 60); long ones more common with age
    p_long = np.where(age <= 29, 0.012, np.where(age >= 50, 0.04, 0.025))
    # Kommunstaben: fewer but longer short-term spells (high frisknärvaro, rate ~3 %)
    p_mid = np.where(forv[e] == FORVALTNINGAR.index(KS), 0.14, 0.06)
    u = rng.random(n_s)
    cat = np.where(
        u < p_long, 3, np.where(u < p_long + p_mid, 2, np.where(u < p_long + p_mid + 0.10, 1, 0))
    )
    short = rng.choice(np.arange(1, 8), size=n_s, p=[0.2, 0.22, 0.2, 0.13, 0.11, 0.07, 0.07])
    length = np.select(
        [cat == 0, cat == 1, cat == 2],
        [
            short,
            rng.integers(8, 15, size=n_s),
            np.exp(rng.uniform(np.log(15), np.log(60), size=n_s)).astype(int),
        ],
        60 + rng.exponential(80, size=n_s).astype(int),
    )
    length = np.minimum(length, 500)
    degree = np.where(
        cat == 3, rng.choice([100, 75, 50, 25], size=n_s, p=[0.55, 0.15, 0.2, 0.1]), 100
    )
    diff = np.zeros(n_e * (n_d + 1), dtype=np.int16)
    np.add.at(diff, e * (n_d + 1) + day, degree.astype(np.int16))
    np.add.at(diff, e * (n_d + 1) + np.minimum(day + length, n_d), (-degree).astype(np.int16))
    diff = diff.reshape(n_e, n_d + 1)
    np.cumsum(diff, axis=1, out=diff)
    np.minimum(diff, 100, out=diff)
    deg = diff[:, :n_d].astype(np.uint8)
    del diff
    deg[~ok] = 0
    return deg


def _ks_cell_targets(staff: _Staff, ks: np.ndarray, year: int) -> np.ndarray:
    """Kommunstaben's target sick-leave rate (%) per sex × age cell in ``year``.

    A 2×3 table with the target margins (women/men, the three age groups), raked
    from a multiplicative start.
    """
    sl = slice((year - FIRST_YEAR) * 12, (year - FIRST_YEAR + 1) * 12)
    o = np.zeros((2, 3))
    np.add.at(
        o,
        (np.where(staff.woman[ks], 0, 1), _age_group(year, staff.fodelsear[ks])),
        staff.ord_h[ks, sl].sum(axis=1),
    )
    total, _, sex, age = _ks_margins(year, o)
    h = _rake(o * np.outer(sex, age) / total, sex * o.sum(axis=1) / 100, age * o.sum(axis=0) / 100)
    return 100 * h / o


def _ks_cell_score(
    staff: _Staff, members: np.ndarray, deg: np.ndarray, cal: _Calendar, year: int, rate: float
) -> float:
    """Distance of a draw for one Kommunstaben cell from its targets in ``year``."""
    _, langtid, *_ = KS_NYCKELTAL[year]
    natural, share = _ks_natural(staff, members, deg, cal, year)
    score = np.log(max(natural, 1e-3) / rate) ** 2
    score += 8 * (share - langtid / 100) ** 2
    if year in FRISKNARVARO[KS]:
        y0 = _BURN_IN + cal.year_start[year - FIRST_YEAR]
        y1 = _BURN_IN + cal.year_start[year - FIRST_YEAR + 1]
        frisk = 100 * ((deg[:, y0:y1] > 0).sum(axis=1) < _FRISK_LIMIT).mean()
        score += ((frisk - FRISKNARVARO[KS][year]) / 10) ** 2
    return score


def _sick_degree(
    rng: np.random.Generator, staff: _Staff, cal: _Calendar, tries: int = 30
) -> np.ndarray:
    """Sick degree per employee and day (burn-in included).

    Kommunstaben is small (about 300 employees), so its published rates per sex and age
    group hinge on a handful of spells. Year by year and for each sex × age cell, the
    spells starting in that year are drawn ``tries`` times and the draw closest to the
    cell's target rate (and långtid share and frisknärvaro) is kept.
    """
    ok = np.hstack(
        [
            np.repeat((~staff.hourly & (staff.ord_h[:, 0] > 0))[:, None], _BURN_IN, axis=1),
            (staff.ord_h > 0)[:, cal.day_month],
        ]
    )
    ks = np.flatnonzero(staff.forv == FORVALTNINGAR.index(KS))
    rest = np.flatnonzero(staff.forv != FORVALTNINGAR.index(KS))
    deg = np.zeros(ok.shape, np.uint8)
    deg[rest] = _spells(
        rng,
        staff.forv[rest],
        staff.woman[rest],
        staff.fodelsear[rest],
        ok[rest],
        rng.gamma(0.55, 1 / 0.55, size=len(rest)),
    )
    for year in YEARS:
        y0 = 0 if year == FIRST_YEAR else _BURN_IN + cal.year_start[year - FIRST_YEAR]
        y1 = _BURN_IN + cal.year_start[year - FIRST_YEAR + 1]
        sl = slice((year - FIRST_YEAR) * 12, (year - FIRST_YEAR + 1) * 12)
        rates = _KS_HEADROOM * _ks_cell_targets(staff, ks, year)
        active = ks[(staff.ord_h[ks, sl] > 0).any(axis=1)]
        sex = np.where(staff.woman[active], 0, 1)
        age = _age_group(year, staff.fodelsear[active])
        before = deg[ks].copy()
        best_year = None
        for _ in range(4):  # redo the year if its total or långtid share is far off
            deg[ks] = before
            for c in range(6):
                members = active[(sex == c // 3) & (age == c % 3)]
                if len(members) == 0:
                    continue
                args = (
                    staff.forv[members],
                    staff.woman[members],
                    staff.fodelsear[members],
                    ok[members],
                )
                best = None
                for _ in range(tries):
                    new = _spells(
                        rng, *args, rng.gamma(0.55, 1 / 0.55, size=len(members)), days=slice(y0, y1)
                    )
                    draw = np.minimum(deg[members].astype(np.int16) + new, 100).astype(np.uint8)
                    score = _ks_cell_score(staff, members, draw, cal, year, rates[c // 3, c % 3])
                    if best is None or score < best[0]:
                        best = (score, draw)
                deg[members] = best[1]
            total, langtid, *_ = KS_NYCKELTAL[year]
            total *= _KS_HEADROOM
            rate, share = _ks_natural(staff, active, deg[active], cal, year)
            score = np.log(rate / total) ** 2 + 8 * (share - langtid / 100) ** 2
            if best_year is None or score < best_year[0]:
                best_year = (score, deg[ks].copy())
            if abs(np.log(rate / total)) < 0.15 and abs(share - langtid / 100) < 0.06:
                break
        deg[ks] = best_year[1]
    return deg


def _ks_natural(
    staff: _Staff, members: np.ndarray, deg: np.ndarray, cal: _Calendar, year: int
) -> tuple[float, float]:
    """Sick-leave rate (%) and långtid share that ``members``' sick days give in ``year``
    with sick hours proportional to days."""
    sl = slice((year - FIRST_YEAR) * 12, (year - FIRST_YEAR + 1) * 12)
    _, dl, dm, dk = _month_parts(deg, cal)
    per_day = staff.ord_h[members, sl] / cal.dim[None, sl]
    b = ((dl[:, sl] + dm[:, sl] + dk[:, sl]) * per_day).sum()
    bl = (dl[:, sl] * per_day).sum()
    return 100 * b / staff.ord_h[members, sl].sum(), bl / max(b, 1e-9)


def _runs(row: np.ndarray) -> list[tuple[int, int]]:
    sick = np.r_[0, (row > 0).astype(np.int8), 0]
    d = np.diff(sick)
    return list(zip(np.flatnonzero(d == 1), np.flatnonzero(d == -1), strict=False))


def _force_frisk(
    rng: np.random.Generator,
    staff: _Staff,
    cal: _Calendar,
    deg: np.ndarray,
    chosen: dict[tuple[int, int], tuple[int, int]],
) -> None:
    """Add or remove sick days so exactly k employees stay under eight days (in place).

    Only days of the year in question change, so other years' sick days stay as they
    are. Sick days are added as one spell to employees closest to the limit; removed
    as whole spells (shortest first) from employees just over it.
    """
    for (fi, year), (n, k) in chosen.items():
        y0 = _BURN_IN + cal.year_start[year - FIRST_YEAR]
        y1 = _BURN_IN + cal.year_start[year - FIRST_YEAR + 1]
        sl = slice((year - FIRST_YEAR) * 12, (year - FIRST_YEAR + 1) * 12)
        members = np.flatnonzero((staff.forv == fi) & (staff.ord_h[:, sl] > 0).any(axis=1))
        if len(members) != n:
            raise RuntimeError(f"headcount {FORVALTNINGAR[fi]} {year}: {len(members)} != {n}")
        days = (deg[members, y0:y1] > 0).sum(axis=1)
        healthy = int((days < _FRISK_LIMIT).sum())
        if healthy > k:
            under = days < _FRISK_LIMIT
            pool, pdays = members[under], days[under]
            order = np.lexsort((rng.random(len(pool)), -pdays))
            for e in pool[order][: healthy - k]:
                ok_months = np.flatnonzero(staff.ord_h[e, sl] > 0)
                m = sl.start + int(rng.choice(ok_months))
                m0, dim = _BURN_IN + cal.month_start[m], int(cal.dim[m])
                have = int((deg[e, y0:y1] > 0).sum())
                length = min(dim, _FRISK_LIMIT - have + int(rng.integers(0, 4)))
                s0 = m0 + int(rng.integers(0, dim - length + 1))
                deg[e, s0 : s0 + length] = 100
                while (deg[e, y0:y1] > 0).sum() < _FRISK_LIMIT:  # overlap: extend
                    free = np.flatnonzero(deg[e, m0 : m0 + dim] == 0)
                    deg[e, m0 + free[0]] = 100
        elif healthy < k:
            over = days >= _FRISK_LIMIT
            pool, pdays = members[over], days[over]
            order = np.lexsort((rng.random(len(pool)), pdays))
            for e in pool[order][: k - healthy]:
                for a, b in sorted(_runs(deg[e, y0:y1]), key=lambda r: r[1] - r[0]):
                    deg[e, y0 + a : y0 + b] = 0
                    if (deg[e, y0:y1] > 0).sum() < _FRISK_LIMIT:
                        break
        if int(((deg[members, y0:y1] > 0).sum(axis=1) < _FRISK_LIMIT).sum()) != k:
            raise RuntimeError(f"frisknärvaro {FORVALTNINGAR[fi]} {year} not reached")


def _month_parts(deg: np.ndarray, cal: _Calendar, chunk: int = 1000) -> tuple[np.ndarray, ...]:
    """Per employee and month: sick days, and degree-days in long/middle/short spells.

    A spell is a run of consecutive sick days (burn-in included); its days are long
    (in a spell of >= 60 days), short (<= 14 days) or middle.
    """
    n_e, n_d = deg.shape
    out = [np.zeros((n_e, N_MONTHS)) for _ in range(4)]
    for c0 in range(0, n_e, chunk):
        block = deg[c0 : c0 + chunk]
        n_b = len(block)
        padded = np.zeros((n_b, n_d + 2), np.int8)
        padded[:, 1:-1] = block > 0
        d = np.diff(padded.ravel())
        starts, ends = np.flatnonzero(d == 1), np.flatnonzero(d == -1)
        lengths = ends - starts
        runlen = np.zeros(n_b * (n_d + 2), np.int32)
        runlen[padded.ravel().astype(bool)] = np.repeat(lengths, lengths)
        runlen = runlen.reshape(n_b, n_d + 2)[:, 1 + _BURN_IN : -1]
        w = block[:, _BURN_IN:].astype(np.float32) / 100
        long_ = np.where(runlen >= _LONG, w, np.float32(0))
        short = np.where((runlen > 0) & (runlen <= _SHORT), w, np.float32(0))
        middle = w - long_ - short
        for o, a in zip(out, (w > 0, long_, middle, short), strict=False):
            o[c0 : c0 + n_b] = np.add.reduceat(a, cal.month_start, axis=1, dtype=np.float64)
    days, long_, middle, short = out
    return days.astype(int), long_, middle, short


# --- calibration of sick hours -------------------------------------------------------


def _fill(base: np.ndarray, cap: np.ndarray, target: float, what: str = "") -> np.ndarray:
    """``min(c * base, cap)`` with c such that the sum is ``target``."""
    if target <= 0 or base.sum() == 0:
        if target > 1e-9:
            raise RuntimeError(f"{what}: sick hours asked for where there are no sick days")
        return np.zeros_like(base)
    if cap.sum() < target * (1 + 1e-9):
        raise RuntimeError(
            f"{what}: not enough ordinary time on sick days for the "
            f"published rate ({cap.sum():.1f} h < {target:.1f} h; "
            f"natural {base.sum():.1f} h)"
        )
    pos = base > 0
    lo, hi = 0.0, float((cap[pos] / base[pos]).max())
    for _ in range(200):
        mid = (lo + hi) / 2
        if np.minimum(mid * base, cap).sum() < target:
            lo = mid
        else:
            hi = mid
    return np.minimum(hi * base, cap)


def _odds_shift(
    share: np.ndarray,
    total: np.ndarray,
    target: float,
    lo: np.ndarray,
    hi: np.ndarray,
    what: str = "",
) -> np.ndarray:
    """Långtid hours per cell: ``share * total`` shifted on the odds scale (one factor
    for all cells) and clipped to [lo, hi], so that they add up to ``target``."""
    if not lo.sum() - 1e-6 <= target <= hi.sum() + 1e-6:
        raise RuntimeError(
            f"{what}: the published långtid share cannot be reached "
            f"({target:.1f} h not in [{lo.sum():.1f}, {hi.sum():.1f}])"
        )

    def hours(theta: float) -> np.ndarray:
        s = theta * share / np.maximum(1 - share + theta * share, 1e-300)
        return np.clip(s * total, lo, hi)

    a, b = 1e-12, 1e12
    for _ in range(300):
        mid = np.sqrt(a * b)
        if hours(mid).sum() < target:
            a = mid
        else:
            b = mid
    h = hours(np.sqrt(a * b))
    # the clipping may leave a tiny rest: put it where there is room
    rest = target - h.sum()
    room = (hi - h) if rest > 0 else (h - lo)
    if room.sum() > 0:
        h = h + rest * room / room.sum()
    return h


def _respect_capacity(h: np.ndarray, cap: np.ndarray) -> np.ndarray:
    """Move hours in a 2×k table so no cell exceeds ``cap``, keeping row and column sums
    (transfers around a rectangle: two cells up, two down)."""
    h = h.copy()
    for _ in range(100):
        over = h - cap
        if (over <= 1e-9).all():
            return h
        i, j = np.unravel_index(np.argmax(over), h.shape)
        k = 1 - i
        moved = False
        for col in np.argsort(-(cap[i] - h[i])):
            if col == j:
                continue
            delta = min(over[i, j], cap[i, col] - h[i, col], cap[k, j] - h[k, j], h[k, col])
            if delta > 1e-12:
                h[i, j] -= delta
                h[i, col] += delta
                h[k, j] += delta
                h[k, col] -= delta
                moved = True
                break
        if not moved:
            break
    raise RuntimeError(
        "Kommunstaben: not enough sick days for the published group rates "
        f"(hours {h.round(1).tolist()}, room {cap.round(1).tolist()})"
    )


def _limited(cap: np.ndarray, base: np.ndarray, limit: float) -> np.ndarray:
    return cap if np.isinf(limit) else np.minimum(cap, limit * base)


def _calibrate(
    staff: _Staff, parts: tuple[np.ndarray, ...], cal: _Calendar
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Sick hours (total, långtid, korttid) per employee and month."""
    _, dl, dm, dk = parts
    per_day = np.divide(staff.ord_h, cal.dim[None, :])
    bl, bm, bk = dl * per_day, dm * per_day, dk * per_day
    bn = bm + bk
    btot = bl + bn
    with np.errstate(invalid="ignore", divide="ignore"):
        cap_l = np.where(btot > 0, staff.ord_h * bl / btot, 0)
    cap_n = np.where(btot > 0, staff.ord_h - cap_l, 0)
    hl = np.zeros_like(bl)
    hn = np.zeros_like(bl)
    ks_i = FORVALTNINGAR.index(KS)
    ks = np.flatnonzero(staff.forv == ks_i)
    for year in KS_NYCKELTAL:
        sl = slice((year - FIRST_YEAR) * 12, (year - FIRST_YEAR + 1) * 12)
        o = staff.ord_h[ks, sl]
        sex = np.repeat(np.where(staff.woman[ks], 0, 1)[:, None], 12, axis=1)
        age = np.repeat(_age_group(year, staff.fodelsear[ks])[:, None], 12, axis=1)
        cell = (sex * 3 + age).ravel()
        o_cell = np.bincount(cell, weights=o.ravel(), minlength=6).reshape(2, 3)
        b_cell = np.bincount(cell, weights=btot[ks, sl].ravel(), minlength=6).reshape(2, 3)
        total, langtid, sex_r, age_r = _ks_margins(year, o_cell)
        htot = total / 100 * o_cell.sum()
        # margins in hours; the last group takes the rest so both add up to htot exactly
        rows = sex_r / 100 * o_cell.sum(axis=1)
        rows[1] = htot - rows[0]
        cols = age_r / 100 * o_cell.sum(axis=0)
        cols[1] = htot - cols[0] - cols[2]
        if (rows < 0).any() or (cols < 0).any():
            raise RuntimeError(f"Kommunstaben {year}: inconsistent margins")
        bl_cell = np.bincount(cell, weights=bl[ks, sl].ravel(), minlength=6)
        share = np.divide(bl_cell, b_cell.ravel(), out=np.zeros(6), where=b_cell.ravel() > 0)
        h_cell = _rake(b_cell + 1e-9 * b_cell.sum(), rows, cols)
        # Each row's långtid and other sick hours stay within ``limit`` times what its
        # sick days give (1.5, if need be more) and within its ordinary time.
        for limit in (1.5, 2.5, 5.0, np.inf):
            row_cap_l = _limited(cap_l[ks, sl], bl[ks, sl], limit).ravel()
            row_cap_n = _limited(cap_n[ks, sl], bn[ks, sl], limit).ravel()
            capl_cell = np.bincount(cell, weights=row_cap_l, minlength=6)
            capn_cell = np.bincount(cell, weights=row_cap_n, minlength=6)
            try:
                h_try = _respect_capacity(
                    h_cell, 0.995 * (capl_cell + capn_cell).reshape(2, 3)
                ).ravel()
                hl_cell = _odds_shift(
                    share,
                    h_try,
                    langtid / 100 * htot,
                    np.maximum(h_try - 0.999 * capn_cell, 0),
                    np.minimum(h_try, 0.999 * capl_cell),
                    f"Kommunstaben {year}",
                )
                break
            except RuntimeError:
                if limit == np.inf:
                    raise
        hn_cell = h_try - hl_cell
        sub = (ks[:, None], np.arange(sl.start, sl.stop)[None, :])
        for c in range(6):
            sel = cell == c
            for out, base, cap, tgt in (
                (hl, bl, row_cap_l, hl_cell[c]),
                (hn, bn, row_cap_n, hn_cell[c]),
            ):
                vals = out[sub].ravel()
                vals[sel] = _fill(
                    base[sub].ravel()[sel], cap[sel], tgt, f"Kommunstaben {year} cell {c}"
                )
                out[sub] = vals.reshape(len(ks), 12)
    # the other förvaltningar: one factor per year that fits the kommun's Jan-Mar rate
    other = staff.forv != ks_i
    for year, printed in JAN_MARS_PROCENT.items():
        m0 = (year - FIRST_YEAR) * 12
        q1, yr = slice(m0, m0 + 3), slice(m0, m0 + 12)
        o_all = staff.ord_h[:, q1].sum()
        h_ks = (hl[ks, q1] + hn[ks, q1]).sum()
        target = printed / 100 * o_all - h_ks
        b = btot[other][:, q1].ravel()
        cap = staff.ord_h[other][:, q1].ravel()
        filled = _fill(b, cap, target)
        pos = b > 0
        c = float((filled[pos] / b[pos]).max())
        total = np.minimum(c * btot[other][:, yr], staff.ord_h[other][:, yr])
        frac = np.divide(
            bl[other][:, yr],
            btot[other][:, yr],
            out=np.zeros_like(total),
            where=btot[other][:, yr] > 0,
        )
        hl_o, hn_o = hl[other], hn[other]
        hl_o[:, yr] = total * frac
        hn_o[:, yr] = total - total * frac
        hl[other], hn[other] = hl_o, hn_o
    kort_frac = np.divide(bk, bn, out=np.zeros_like(bk), where=bn > 0)
    return hl + hn, hl, hn * kort_frac


# --- personnel structure: anställningsform, chef, chef_id, sysselsättningsgrad ----------

#: Published månadsanställda (Luleå, delårsrapport jan–apr 2023): April 2023.
APRIL_2023 = {"manadsanstallda": 6729, "tillsvidare": 6019, "kvinnor_procent": 77}
#: Chefer in April 2023, and those with more than :data:`STOR_GRUPP` tillsvidareanställda.
CHEFER_APRIL_2023 = 302
CHEFER_STORA_APRIL_2023 = 79
STOR_GRUPP = 25
_APRIL_2023 = (2023 - FIRST_YEAR) * 12 + 3

#: Kommunstaben's månadsanställda on 31 December (verksamhetsberättelse 2023):
#: (form, kön) → counts 2019-2023.
KS_MANADSANSTALLDA = {
    ("tillsvidare", "K"): (162, 170, 175, 188, 202),
    ("tillsvidare", "M"): (79, 69, 80, 83, 81),
    ("visstid", "K"): (12, 4, 9, 9, 10),
    ("visstid", "M"): (3, 6, 4, 3, 6),
}
#: Age bands of the age distribution (lower bounds; the last is open).
ALDERSBAND = (0, 20, 30, 40, 50, 60)
#: Kommunstaben's månadsanställda on 31 December by age band (0-19, 20-29, 30-39, 40-49,
#: 50-59, 60-), derived from the published shares and totals; per year 2019-2023.
KS_ALDER = {
    "tillsvidare": (
        (0, 13, 34, 75, 84, 35),
        (0, 13, 39, 71, 85, 31),
        (0, 13, 48, 76, 81, 37),
        (0, 15, 59, 74, 84, 39),
        (0, 20, 65, 71, 85, 42),
    ),
    "visstid": (
        (0, 3, 3, 5, 2, 2),
        (0, 5, 1, 3, 0, 1),
        (0, 2, 3, 2, 6, 0),
        (0, 2, 4, 3, 2, 1),
        (0, 3, 4, 4, 1, 4),
    ),
}
_TV, _VS, _TIM = 0, 1, 2
FORMER = ("tillsvidare", "visstid", "timavlonad")


def _band(age: np.ndarray) -> np.ndarray:
    return np.searchsorted(np.array(ALDERSBAND), age, side="right") - 1


def _ks_december_spans(rng: np.random.Generator, g: dict) -> dict:
    """Kommunstaben's spans adjusted so that exactly the published number of
    månadsanställda is employed in each December: when too many, some of the coming
    year's leavers (drawn at random) leave in December; when too few, some of the last
    half-year's leavers stay until January, and December hires make up any rest."""
    g = {k: np.array(v, copy=True) for k, v in g.items()}
    for yi in range(len(YEARS)):
        t = 12 * yi + 11
        want = sum(v[yi] for v in KS_MANADSANSTALLDA.values())
        active = (g["start"] <= t) & (g["leave"] > t)
        n = int(active.sum())
        if n > want:
            # leavers of the coming year leave in December instead (drawn at random,
            # so the next year keeps its leavers spread over the months)
            cand = np.flatnonzero(active & (g["start"] < t))
            soon = g["leave"][cand] <= t + 12
            cand = cand[np.lexsort((rng.random(len(cand)), ~soon))]
            g["leave"][cand[: n - want]] = t
        elif n < want:
            cand = np.flatnonzero((g["leave"] <= t) & (g["leave"] > t - 6) & (g["start"] < t))
            cand = cand[np.lexsort((rng.random(len(cand)), -g["leave"][cand]))]
            take = cand[: want - n]
            g["leave"][take] = t + 1
            extra = want - n - len(take)
            if extra > 0:
                age = rng.integers(25, 60, size=extra)
                new = dict(
                    forv=np.full(extra, g["forv"][0]),
                    woman=rng.random(extra) < 0.67,
                    fodelsear=FIRST_YEAR + yi - age,
                    start=np.full(extra, t),
                    leave=np.minimum(t + 1 + rng.integers(12, 48, size=extra), N_MONTHS),
                    syss=np.ones(extra),
                )
                g = {k: np.r_[g[k], new[k]] for k in g}
    return g


def _ks_december_people(rng: np.random.Generator, g: dict) -> dict:
    """Kommunstaben's kön and birth years chosen (local search from the simulated ones)
    so that each December's månadsanställda have the published counts by kön and by age
    band; every employee stays 20-66 years old while employed."""
    g = {k: np.array(v, copy=True) for k, v in g.items()}
    dec = np.array([12 * yi + 11 for yi in range(len(YEARS))])
    present = (g["start"][:, None] <= dec[None, :]) & (g["leave"][:, None] > dec[None, :])
    years = np.array(YEARS)
    want_k = np.array([sum(KS_MANADSANSTALLDA[f, "K"][yi] for f in FORMER[:2]) for yi in range(5)])
    want_band = np.array(KS_ALDER["tillsvidare"]) + np.array(KS_ALDER["visstid"])
    first_year = FIRST_YEAR + g["start"] // 12
    last_year = FIRST_YEAR + (g["leave"] - 1) // 12
    lo_b, hi_b = last_year - 66, first_year - 20

    def counts(woman: np.ndarray, born: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        k = (present & woman[:, None]).sum(axis=0)
        band = _band(years[None, :] - born[:, None])
        b = np.zeros((5, len(ALDERSBAND)), int)
        for yi in range(5):
            b[yi] = np.bincount(band[present[:, yi], yi], minlength=len(ALDERSBAND))
        return k, b

    woman, born = g["woman"].astype(bool), g["fodelsear"].astype(int)
    born = np.clip(born, lo_b, hi_b)
    k, b = counts(woman, born)
    cost = int(np.abs(k - want_k).sum() + np.abs(b - want_band).sum())
    movers = np.flatnonzero(present.any(axis=1))
    steps = 600_000
    for step in range(steps):
        if cost == 0:
            break
        temp = 0.6 * (1 - step / steps) + 0.02  # simulated annealing, cooling linearly
        e = int(movers[rng.integers(len(movers))])
        yrs = np.flatnonzero(present[e])
        dk = np.zeros(5, int)
        db = np.zeros((5, len(ALDERSBAND)), int)
        if rng.random() < 0.3:
            s = -1 if woman[e] else 1
            dk[yrs] = s
            new_w, new_b = not woman[e], born[e]
        else:
            new_b = int(rng.integers(lo_b[e], hi_b[e] + 1))
            old = _band(years[yrs] - born[e])
            nb = _band(years[yrs] - new_b)
            db[yrs, old] -= 1
            db[yrs, nb] += 1
            new_w = woman[e]
        k2, b2 = k + dk, b + db
        c2 = int(np.abs(k2 - want_k).sum() + np.abs(b2 - want_band).sum())
        if c2 <= cost or rng.random() < np.exp((cost - c2) / temp):
            woman[e], born[e], k, b, cost = new_w, new_b, k2, b2, c2
    if cost:
        raise RuntimeError("Kommunstaben's published December counts not reached")
    g["woman"], g["fodelsear"] = woman, born
    return g


def _visstid_table(avail: np.ndarray, want_k: np.ndarray, want_b: np.ndarray) -> np.ndarray | None:
    """A kön × band table of counts with the margins ``want_k``, ``want_b`` and cells
    within ``avail`` (a depth-first search over the bands; None if there is none)."""
    nb = len(want_b)

    def dfs(b: int, women_left: int) -> list[int] | None:
        if b == nb:
            return [] if women_left == 0 else None
        lo = max(0, int(want_b[b] - avail[1, b]))
        hi = min(int(want_b[b]), int(avail[0, b]), women_left)
        for w in range(hi, lo - 1, -1):
            rest = dfs(b + 1, women_left - w)
            if rest is not None:
                return [w, *rest]
        return None

    women = dfs(0, int(want_k[0]))
    if women is None:
        return None
    w = np.array(women)
    return np.vstack([w, np.asarray(want_b) - w])


def _ks_forms(rng: np.random.Generator, start: np.ndarray, leave: np.ndarray, woman, born):
    """Kommunstaben: tillsvidare or visstid per employee and month. Each December's
    visstidsanställda are chosen with the published counts by kön and age band (new
    hires and last year's visstidsanställda first); other months take the label of the
    employee's next December (or last, after it; visstid for spells without one)."""
    n = len(start)
    years = np.array(YEARS)
    dec = np.array([12 * yi + 11 for yi in range(len(YEARS))])
    present = (start[:, None] <= dec[None, :]) & (leave[:, None] > dec[None, :])
    band = _band(years[None, :] - born[:, None])
    sex = np.where(woman, 0, 1)
    vis = np.zeros((n, len(YEARS)), bool)
    for yi in range(len(YEARS)):
        pool = np.flatnonzero(present[:, yi])
        want_k = np.array(
            [KS_MANADSANSTALLDA["visstid", "K"][yi], KS_MANADSANSTALLDA["visstid", "M"][yi]]
        )
        want_b = np.array(KS_ALDER["visstid"][yi])
        recent = start[pool] > dec[yi] - 12
        was_v = vis[pool, yi - 1] if yi else np.zeros(len(pool), bool)
        was_t = present[pool, yi - 1] & ~was_v if yi else np.zeros(len(pool), bool)
        penalty = np.where(was_t, 3, np.where(recent | was_v, 0, 1))
        cell = sex[pool] * len(ALDERSBAND) + band[pool, yi]
        avail = np.bincount(cell, minlength=2 * len(ALDERSBAND)).reshape(2, -1)
        x = _visstid_table(avail, want_k, want_b)
        if x is None:
            raise RuntimeError(f"Kommunstaben {YEARS[yi]}: visstid counts not reached")
        chosen = np.zeros(len(pool), bool)
        order = np.lexsort((rng.random(len(pool)), penalty))
        left = x.ravel().copy()
        for i in order:
            if left[cell[i]] > 0:
                chosen[i] = True
                left[cell[i]] -= 1
        vis[pool[chosen], yi] = True
    form = np.full((n, N_MONTHS), _VS, np.int8)
    for e in range(n):
        ys = np.flatnonzero(present[e])
        if not len(ys):
            continue
        for m in range(start[e], leave[e]):
            nxt = ys[dec[ys] >= m]
            yi = nxt[0] if len(nxt) else ys[-1]
            form[e, m] = _VS if vis[e, yi] else _TV
    return form


def _largest_remainder(total: int, weights: np.ndarray) -> np.ndarray:
    raw = total * weights / weights.sum()
    out = np.floor(raw).astype(int)
    rest = total - out.sum()
    out[np.argsort(-(raw - out), kind="stable")[:rest]] += 1
    return out


def _team_sizes(rng: np.random.Generator, members: int, n_big: int, n_small: int) -> np.ndarray:
    """Sizes (big first) adding up to ``members``: big ones 26-60, small ones 3-25."""
    lo = np.r_[np.full(n_big, STOR_GRUPP + 1), np.full(n_small, 3)]
    hi = np.r_[np.full(n_big, 60), np.full(n_small, STOR_GRUPP)]
    if not lo.sum() <= members <= hi.sum():
        raise RuntimeError(f"no team sizes for {members} members, {n_big} big, {n_small} small")
    size = lo.copy()
    rest = members - size.sum()
    while rest > 0:
        room = hi - size
        add = rng.multinomial(rest, room / room.sum())
        size = np.minimum(size + add, hi)
        rest = members - size.sum()
    return size


def _structure(
    rng: np.random.Generator, staff: _Staff, n_monthly: int, ks_form: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Anställningsform, chef and chef (an employee index, -1 for none) per employee
    and month, such that April 2023 has the published månadsanställda, tillsvidare,
    share of women, chefer and chefer with more than 25 tillsvidareanställda."""
    n = staff.n
    ks_i = FORVALTNINGAR.index(KS)
    t = _APRIL_2023
    form = np.full((n, N_MONTHS), _TIM, np.int8)
    monthly = np.arange(n) < n_monthly
    ks = np.flatnonzero(monthly & (staff.forv == ks_i))
    form[ks] = ks_form
    other = np.flatnonzero(monthly & (staff.forv != ks_i))
    label = np.where(
        rng.random(len(other)) < 0.093, _TIM, np.where(rng.random(len(other)) < 0.105, _VS, _TV)
    )
    act = staff.has_row[other, t]
    ks_act = staff.has_row[ks, t]
    ks_m = int(ks_act.sum())
    ks_t = int((ks_form[ks_act, t] == _TV).sum())
    ks_w = int(staff.woman[ks[ks_act]].sum())
    total_w = int(round(APRIL_2023["kvinnor_procent"] / 100 * APRIL_2023["manadsanstallda"]))
    n_m = APRIL_2023["manadsanstallda"] - ks_m
    n_t = APRIL_2023["tillsvidare"] - ks_t
    w_need = total_w - ks_w
    pool = np.flatnonzero(act)
    women = staff.woman[other[pool]]
    tim_w = int(women.sum()) - w_need
    tim_m = len(pool) - n_m - tim_w
    if tim_w < 0 or tim_m < 0:
        raise RuntimeError("April 2023: the published månadsanställda cannot be labelled")
    new = np.full(len(pool), _TV)
    for sel, k in ((women, tim_w), (~women, tim_m)):
        cand = np.flatnonzero(sel)
        order = cand[np.lexsort((rng.random(len(cand)), label[pool[cand]] != _TIM))]
        new[order[:k]] = _TIM
    cand = np.flatnonzero(new != _TIM)
    order = cand[np.lexsort((rng.random(len(cand)), label[pool[cand]] != _VS))]
    new[order[: n_m - n_t]] = _VS
    label[pool] = new
    form[other] = np.where(staff.has_row[other], label[:, None], _TIM).astype(np.int8)
    form = np.where(staff.has_row, form, _TIM).astype(np.int8)

    # chefer: chosen among the tillsvidareanställda of April 2023 (aged 30 or more
    # first), and at the same rate among the others who are ever tillsvidareanställda
    tv_now = np.flatnonzero(form[:, t] == _TV)
    per_forv = _largest_remainder(
        CHEFER_APRIL_2023,
        np.bincount(staff.forv[tv_now], minlength=len(FORVALTNINGAR)).astype(float),
    )
    is_chef = np.zeros(n, bool)
    for fi in range(len(FORVALTNINGAR)):
        cand = tv_now[staff.forv[tv_now] == fi]
        young = (2023 - staff.fodelsear[cand]) < 30
        order = cand[np.lexsort((rng.random(len(cand)), young))]
        is_chef[order[: per_forv[fi]]] = True
    ever_tv = (form == _TV).any(axis=1) & (form[:, t] != _TV)
    is_chef |= ever_tv & (rng.random(n) < CHEFER_APRIL_2023 / APRIL_2023["tillsvidare"])
    chef = is_chef[:, None] & (form == _TV)

    # teams in April 2023: one förvaltningschef over the other chefer; the non-chef
    # tillsvidareanställda in teams of which exactly the published number are big
    pref = np.full(n, -1)
    top_of: dict[int, int] = {}
    info = []
    for fi in range(len(FORVALTNINGAR)):
        chefs = np.flatnonzero(chef[:, t] & (staff.forv == fi))
        chefs = chefs[np.argsort(staff.fodelsear[chefs], kind="stable")]
        members = np.flatnonzero((form[:, t] == _TV) & ~chef[:, t] & (staff.forv == fi))
        info.append((chefs, members))
    top_big = [
        int(len(c) - 1 > STOR_GRUPP) if len(c) > 1 else int(len(m) > STOR_GRUPP) for c, m in info
    ]
    weights = np.array([len(m) if len(c) > 1 else 0 for c, m in info], float)
    big = _largest_remainder(CHEFER_STORA_APRIL_2023 - sum(top_big), weights)
    for fi, (chefs, members) in enumerate(info):
        if not len(chefs):
            continue
        top = int(chefs[0])
        top_of[fi] = top
        pref[chefs[1:]] = top
        if len(chefs) == 1:
            pref[members] = top
            continue
        under = chefs[1:]
        sizes = _team_sizes(rng, len(members), int(big[fi]), len(under) - int(big[fi]))
        order = rng.permutation(len(members))
        owner = np.repeat(rng.permutation(under), sizes)
        pref[members[order]] = owner
        vs = np.flatnonzero((form[:, t] == _VS) & (staff.forv == fi))
        pref[vs] = rng.choice(under, size=len(vs))
    # every other month: the April 2023 chef where still a chef, otherwise one of the
    # förvaltning's chefer of the month (a stable draw per employee)
    u = rng.random(n)
    chef_of = np.full((n, N_MONTHS), -1)
    for m in range(N_MONTHS):
        for fi in range(len(FORVALTNINGAR)):
            in_f = staff.forv == fi
            chefs = np.flatnonzero(chef[:, m] & in_f)
            if not len(chefs):
                continue
            top = top_of.get(fi, -1)
            if top not in set(chefs.tolist()):
                top = int(chefs[np.argmin(staff.fodelsear[chefs])])
            staff_m = np.flatnonzero(in_f & (form[:, m] != _TIM) & staff.has_row[:, m])
            p = pref[staff_m]
            ok = chef[np.maximum(p, 0), m] & (p >= 0)
            under = chefs[chefs != top] if len(chefs) > 1 else chefs
            fallback = under[(u[staff_m] * len(under)).astype(int)]
            chef_of[staff_m, m] = np.where(ok, p, fallback)
            is_c = chef[staff_m, m]
            chef_of[staff_m[is_c], m] = top
            chef_of[top, m] = -1
    # the published April 2023 figures, recomputed
    tv = form[:, t] == _TV
    n_chef = int(chef[:, t].sum())
    team = np.bincount(chef_of[tv & (chef_of[:, t] >= 0), t], minlength=n)
    n_big = int((team[chef[:, t]] > STOR_GRUPP).sum())
    if n_chef != CHEFER_APRIL_2023 or n_big != CHEFER_STORA_APRIL_2023:
        raise RuntimeError(f"April 2023 chefer {n_chef}, big {n_big}")
    return form, chef, chef_of


# --- public --------------------------------------------------------------------------


def generate_personal(seed: int = 2023) -> pd.DataFrame:
    """Person-month sick-leave rows (raw data contract) for the sample kommun.

    Deterministic for a given ``seed``. Columns: ``period``, ``anstalld``,
    ``forvaltning``, ``kon``, ``fodelsear``, ``ordinarie_tid_h``, ``sjuk_h``,
    ``sjuk_h_langtid``, ``sjukdagar``, ``sjuk_h_kort``.
    """
    rng = np.random.default_rng(seed)
    labels_rng = np.random.default_rng([seed, 2])
    cal = _calendar()
    groups = _monthly_staff(rng)
    ks_i = FORVALTNINGAR.index(KS)
    g = _ks_december_spans(labels_rng, groups[ks_i])
    groups[ks_i] = _ks_december_people(labels_rng, g)
    monthly = _assemble_monthly(groups, cal)
    ks_form = _ks_forms(
        labels_rng,
        groups[ks_i]["start"],
        groups[ks_i]["leave"],
        groups[ks_i]["woman"],
        groups[ks_i]["fodelsear"],
    )
    m_counts = {
        (fi, y): _distinct_with_time(monthly, fi, y)
        for fi in range(len(FORVALTNINGAR))
        for y in YEARS
    }
    chosen = _headcounts(m_counts)
    counts = {}
    for fi, name in enumerate(FORVALTNINGAR):
        for y in YEARS:
            if (fi, y) in chosen:
                counts[fi, y] = chosen[fi, y][0] - m_counts[fi, y]
            elif name in _NOMINAL:  # 2023: as many timanställda as in 2022
                counts[fi, y] = counts[fi, y - 1]
            else:
                counts[fi, y] = _FORV[name].hourly
    staff = _concat(monthly, _hourly_staff(rng, counts))
    _ks_hours(staff)
    form, chef, chef_of = _structure(labels_rng, staff, monthly.n, ks_form)

    for attempt in range(3):  # a new draw in the rare case the calibration cannot fit
        deg = _sick_degree(rng, staff, cal)
        _force_frisk(rng, staff, cal, deg, chosen)
        parts = _month_parts(deg, cal)
        del deg
        try:
            sjuk, lang, kort = _calibrate(staff, parts, cal)
            break
        except RuntimeError:
            if attempt == 2:
                raise
    sjukdagar = parts[0]

    # rows, rounded to öre-like hundredths of an hour
    e_idx, m_idx = np.nonzero(staff.has_row)
    ord_h = staff.ord_h[e_idx, m_idx]
    days = sjukdagar[e_idx, m_idx]
    s = np.round(sjuk[e_idx, m_idx], 2)
    s = np.where(days > 0, np.clip(s, 0.01, ord_h), 0.0)
    lt = np.minimum(np.round(lang[e_idx, m_idx], 2), s)
    kt = np.minimum(np.round(kort[e_idx, m_idx], 2), np.round(s - lt, 2))
    ids = rng.choice(np.arange(1, 1_000_000), size=staff.n, replace=False)
    years = FIRST_YEAR + m_idx // 12
    period = np.char.add(
        np.char.add(years.astype(str), "-"), np.char.zfill((m_idx % 12 + 1).astype(str), 2)
    )
    df = pd.DataFrame(
        {
            "period": period,
            "anstalld": np.char.add("A", np.char.zfill(ids[e_idx].astype(str), 6)),
            "forvaltning": np.array(FORVALTNINGAR, dtype=object)[staff.forv[e_idx]],
            "kon": np.where(staff.woman[e_idx], "K", "M"),
            "fodelsear": staff.fodelsear[e_idx].astype(int),
            "ordinarie_tid_h": ord_h,
            "sjuk_h": s,
            "sjuk_h_langtid": lt,
            "sjukdagar": days.astype(int),
            "sjuk_h_kort": kt,
        }
    )
    row_form = form[e_idx, m_idx]
    grad = np.clip(np.round(100 * ord_h / cal.full_time_h[m_idx]), 1, 100)
    boss = chef_of[e_idx, m_idx]
    df["anstallningsform"] = np.array(FORMER, dtype=object)[row_form]
    df["chef"] = np.where(chef[e_idx, m_idx], "ja", "nej")
    df["sysselsattningsgrad"] = np.where(row_form == _TIM, np.nan, grad)
    df["chef_id"] = np.where(
        boss >= 0, np.char.add("A", np.char.zfill(ids[np.maximum(boss, 0)].astype(str), 6)), ""
    )
    df = df.sort_values(["period", "forvaltning", "anstalld"], kind="stable")
    return df.reset_index(drop=True)
