"""Assumptions of the population forecast: life tables, fertility, mortality, migration.

* :func:`life_table` — a single-year life table from death rates, the last age open;
* :func:`estimate_assumptions` — fertility, mortality (a life table), migration and the
  sex ratio at birth estimated from the last years of :class:`BefolkningData`
  (:mod:`analysis.befolkning.historik`), smoothed over age;
* :func:`mortality_improvement` — the annual decline of the death rates by age: the
  national rate (:data:`NATIONAL_IMPROVEMENT`) pooled with the kommun's own trend;
* :func:`migration_weights` — the years and weights of the migration assumption;
* :class:`Assumptions` — what the forecast (:mod:`analysis.befolkning.prognos`) projects
  with.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analysis.befolkning.historik import (
    AGES,
    MAX_AGE,
    RIKTNINGAR,
    SEXES,
    BefolkningData,
    annual_rows,
    complete_years,
)
from analysis.core.errors import ArgumentError, ModellError

__all__ = [
    "MIGRATION_HALF_LIFE",
    "MIGRATION_YEARS",
    "NATIONAL_IMPROVEMENT",
    "NATIONAL_IMPROVEMENT_SD",
    "RADIX",
    "Assumptions",
    "MortalityImprovement",
    "estimate_assumptions",
    "life_table",
    "migration_weights",
    "mortality_improvement",
    "out_exposure",
]

#: l0 of the life tables.
RADIX = 100_000

#: The national mortality improvement: the annual relative decline of the death rate m(x)
#: by age 0–100 assumed for Sweden. Statistics Sweden (SCB), *Sveriges framtida
#: befolkning 2012–2060* (Demografiska rapporter 2012:2), measured the decline of
#: mortality at 0–44 between the life tables of 1996–2000 and 2006–2010 at 2 % a year and
#: projects the ages 50+ with a Lee–Carter model; the decline has been slower among the
#: oldest (SCB's Lee–Carter rates fall with age above the mid-80s). This schedule holds
#: 2 % a year up to 65 and falls linearly to 1.5 % at 85 and 0.5 % at 100; it is the
#: prior that the kommun's own trend is pooled with (:func:`mortality_improvement`).
NATIONAL_IMPROVEMENT: np.ndarray = np.interp(
    np.arange(101.0), [0.0, 65.0, 85.0, 100.0], [0.02, 0.02, 0.015, 0.005]
)
#: The uncertainty (standard deviation, per year) of a kommun's improvement around the
#: national one, used to pool the two (one percentage point).
NATIONAL_IMPROVEMENT_SD = 0.01
#: Years of history (at most) behind the migration assumption.
MIGRATION_YEARS = 10
#: Half-life in years of the weights of the migration years (the latest year weighs most).
MIGRATION_HALF_LIFE = 3.0
#: The ages whose trend in mortality is estimated from the kommun's history.
_TREND_AGES = slice(50, MAX_AGE + 1)


# --------------------------------------------------------------------------------------
# life table
# --------------------------------------------------------------------------------------
def _a0(m0: float, kon: str) -> float:
    """Andreev & Kingkade (2015) a0 from the infant death rate m0."""
    if kon == "M":
        if m0 < 0.02300:
            return 0.14929 - 1.99545 * m0
        if m0 < 0.08307:
            return 0.02832 + 3.26021 * m0
        return 0.29915
    if m0 < 0.01724:
        return 0.14903 - 2.05527 * m0
    if m0 < 0.06891:
        return 0.04667 + 3.88089 * m0
    return 0.31411


def life_table(dodstal, kon: str = "K", radix: float = RADIX) -> pd.DataFrame:
    """A single-year life table from death rates, the last age open.

    Parameters
    ----------
    dodstal : array-like of float
        Death rates m(x) for ages 0, 1, …, the last one for the open age group.
    kon : {'K', 'M'}
        Sex, for a0.
    radix : float
        l0.

    Returns
    -------
    pandas.DataFrame
        ``alder``, ``mx``, ``ax``, ``qx``, ``lx``, ``dx``, ``Lx``, ``Tx``, ``ex``. The
        ``Lx`` of the open group is T(x) = l(x)/m(x), the form the engine expects.

    Notes
    -----
    q = m/(1 + (1 − a)m) (capped at 1), a0 by Andreev & Kingkade (2015) from m0, a = 0.5
    at ages 1 and over, L = l(x+1) + a·d(x).

    Examples
    --------
    >>> lt = life_table([0.01, 0.02, 0.5], kon="K", radix=1000)
    >>> lt["lx"].round(3).tolist()
    [1000.0, 990.086, 970.481]
    >>> float(lt["Lx"].iloc[2].round(3))  # T(2) = l2 / m2
    1940.961
    """
    m = np.asarray(dodstal, dtype=float)
    if m.ndim != 1 or len(m) < 2 or not np.isfinite(m).all() or (m < 0).any():
        raise ArgumentError(
            "dodstal",
            ("dödstalen måste vara minst två tal ≥ 0 (det sista för den öppna åldersgruppen)."),
        )
    if m[-1] <= 0:
        raise ArgumentError(
            "dodstal", "dödstalet för den öppna åldersgruppen måste vara större än 0."
        )
    n = len(m)
    a = np.full(n, 0.5)
    a[0] = _a0(float(m[0]), kon)
    q = np.minimum(m / (1 + (1 - a) * m), 1.0)
    q[-1] = 1.0
    lx = np.empty(n)
    lx[0] = radix
    lx[1:] = radix * np.cumprod(1 - q[:-1])
    dx = lx * q
    Lx = np.empty(n)
    Lx[:-1] = lx[1:] + a[:-1] * dx[:-1]
    Lx[-1] = lx[-1] / m[-1]
    a[-1] = Lx[-1] / lx[-1] if lx[-1] > 0 else np.nan
    Tx = np.cumsum(Lx[::-1])[::-1]
    with np.errstate(invalid="ignore", divide="ignore"):
        ex = np.where(lx > 0, Tx / lx, 0.0)
    return pd.DataFrame(
        {
            "alder": np.arange(n),
            "mx": m,
            "ax": a,
            "qx": q,
            "lx": lx,
            "dx": dx,
            "Lx": Lx,
            "Tx": Tx,
            "ex": ex,
        }
    )


# --------------------------------------------------------------------------------------
# assumptions
# --------------------------------------------------------------------------------------
@dataclass
class Assumptions:
    """Assumptions of the base forecast, estimated by :func:`estimate_assumptions`.

    Attributes
    ----------
    base_year : int
        The last year of the estimation window (the forecast's jump-off year).
    years : list of int
        The years the rates are estimated from.
    asfr : pandas.DataFrame
        ``alder`` 0–100, ``asfr``: births per woman and year by the mother's age
        (zero outside 15–49).
    dodstal : pandas.DataFrame
        ``kon``, ``alder`` 0–100, ``dodstal``: the (smoothed) death rates m(x).
    nLx : pandas.DataFrame
        ``kon``, ``alder``, ``nLx``: the life table's person-years for ages 0–99 and
        T(100) for 100+, radix :attr:`radix`.
    utflyttningsrisk : pandas.DataFrame
        ``kon``, ``alder``, ``risk``: out-migrants per inhabitant and year.
    inflyttade : float
        In-migrants per year (the weighted mean of the migration years).
    inflyttningsprofil : pandas.DataFrame
        ``kon``, ``alder``, ``andel``: the in-migrants' distribution (sums to 1).
    srb : float
        Sex ratio at birth, boys per girl.
    radix : float
        l0 of the life table.
    anmarkningar : list of str
        Notes for the report (Swedish) on estimation steps that failed and what was used
        instead, e.g. a Gompertz fit that did not converge; empty when all went as
        described in :func:`estimate_assumptions`.
    utflyttade : pandas.DataFrame, optional
        ``kon``, ``alder``, ``antal``: out-migrants per year by sex and age (the weighted
        mean of the migration years). When given, the forecast's out-migrants at an age
        are the smaller of this number and ``utflyttningsrisk`` × the population (see
        :func:`analysis.befolkning.prognos.forecast`); when None only the risk is used.
    forbattring : pandas.DataFrame, optional
        ``kon``, ``alder``, ``takt``: the annual relative decline of the death rates
        (:func:`mortality_improvement`); None means constant mortality.
    dodstal_ar : float, optional
        The year the death rates ``dodstal`` describe (the middle of :attr:`years`);
        the improvement runs from there. By default :attr:`base_year`.
    flyttar : list of int
        The years of the migration assumption (by default :attr:`years`).
    flyttvikter : list of float
        Their weights (sum 1; by default equal).
    """

    base_year: int
    years: list[int]
    asfr: pd.DataFrame
    dodstal: pd.DataFrame
    nLx: pd.DataFrame  # noqa: N815 - the demographers' name
    utflyttningsrisk: pd.DataFrame
    inflyttade: float
    inflyttningsprofil: pd.DataFrame
    srb: float = 1.05
    radix: float = RADIX
    anmarkningar: list[str] = field(default_factory=list)
    utflyttade: pd.DataFrame | None = None
    forbattring: pd.DataFrame | None = None
    dodstal_ar: float | None = None
    flyttar: list[int] = field(default_factory=list)
    flyttvikter: list[float] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.dodstal_ar is None:
            self.dodstal_ar = float(self.base_year)
        if not self.flyttar:
            self.flyttar = list(self.years)
        if not self.flyttvikter:
            self.flyttvikter = [1.0 / len(self.flyttar)] * len(self.flyttar)

    def nLx_ar(self, year: float) -> pd.DataFrame:  # noqa: N802 - the demographers' name
        """The life table's ``kon``, ``alder``, ``nLx`` for the death rates of ``year``.

        The rates are ``dodstal`` × (1 − ``takt``)^(year − :attr:`dodstal_ar`) by sex and
        age (:attr:`forbattring`); without an improvement, or for the year
        :attr:`dodstal_ar` itself, this is :attr:`nLx`.
        """
        if self.forbattring is None or year == self.dodstal_ar:
            return self.nLx
        m = _grid(self.dodstal, "dodstal")
        r = _grid(self.forbattring, "takt")
        improved = m * (1.0 - r) ** (float(year) - float(self.dodstal_ar))  # type: ignore[arg-type]
        lx = np.vstack(
            [life_table(improved[s], SEXES[s], self.radix)["Lx"].to_numpy() for s in range(2)]
        )
        return _by_sex_age(lx, "nLx")

    @property
    def tfr(self) -> float:
        """Total fertility: the sum of the age-specific rates."""
        return float(self.asfr["asfr"].sum())

    @property
    def medellivslangd(self) -> dict[str, float]:
        """Life expectancy at birth by sex (T0 / l0)."""
        return {k: float(g["nLx"].sum() / self.radix) for k, g in self.nLx.groupby("kon")}


def _kernel_ratio(
    num: np.ndarray, den: np.ndarray, kernel: np.ndarray, lo: int, hi: int
) -> np.ndarray:
    """Smoothed rate Σ w·num / Σ w·den over a moving window restricted to ages lo..hi."""
    mask = np.zeros(len(num), dtype=bool)
    mask[lo : hi + 1] = True
    n = np.convolve(np.where(mask, num, 0.0), kernel, mode="same")
    d = np.convolve(np.where(mask, den, 0.0), kernel, mode="same")
    with np.errstate(invalid="ignore", divide="ignore"):
        out = np.where(d > 0, n / d, 0.0)
    return np.where(mask, out, 0.0)


def _gompertz(
    deaths: np.ndarray, exposure: np.ndarray, ages: np.ndarray
) -> tuple[tuple[float, float] | None, str | None]:
    """Poisson maximum-likelihood Gompertz fit log m = α + β(x − 70).

    Returns ``((α, β), None)``, or ``(None, reason)`` with a Swedish reason when the fit
    cannot be made or does not converge (the caller falls back on the kernel smoother
    and reports the reason)."""
    ok = exposure > 0
    D, E, x = deaths[ok], exposure[ok], ages[ok] - 70.0
    if D.sum() < 20 or len(D) < 5:
        return None, "för få dödsfall i åldrarna 40–99 (under 20)"
    alpha, beta = np.log(D.sum() / E.sum()), 0.09
    converged = False
    for _ in range(100):
        mu = E * np.exp(alpha + beta * x)
        g = np.array([(D - mu).sum(), (x * (D - mu)).sum()])
        H = np.array([[mu.sum(), (x * mu).sum()], [(x * mu).sum(), (x * x * mu).sum()]])
        try:
            step = np.linalg.solve(H, g)
        except np.linalg.LinAlgError:
            return None, "ekvationssystemet gick inte att lösa (singulär matris)"
        alpha, beta = alpha + step[0], beta + step[1]
        if not np.all(np.isfinite(step)):
            break
        if np.abs(step).max() < 1e-10:
            converged = True
            break
    if not converged or not (np.isfinite(alpha) and np.isfinite(beta)):
        return None, "skattningen konvergerade inte på 100 iterationer"
    if beta <= 0:
        return None, "dödligheten ökade inte med åldern (lutning ≤ 0)"
    return (float(alpha), float(beta)), None


def _smooth_mortality(D: np.ndarray, E: np.ndarray) -> tuple[np.ndarray, str | None]:
    """Death rates 0–100 for one sex: observed at age 0, a kernel smoother (weights
    1-2-3-2-1) at 1–49, a Gompertz fit to ages 40–99 from age 50 (blended linearly with the
    kernel over 40–50), and for 100+ the observed rate when there are at least 10 deaths,
    else the Gompertz rate at 101. Returns the rates and, when the Gompertz fit failed
    (the kernel is then used at all ages 1–99), the reason."""
    m = np.zeros(MAX_AGE + 1)
    with np.errstate(invalid="ignore", divide="ignore"):
        observed = np.where(E > 0, D / E, 0.0)
    m[0] = observed[0]
    kernel = _kernel_ratio(D, E, np.array([1.0, 2, 3, 2, 1]), 1, MAX_AGE - 1)
    fit, reason = _gompertz(D[40:MAX_AGE], E[40:MAX_AGE], AGES[40:MAX_AGE].astype(float))
    if fit is None:
        m[1:MAX_AGE] = kernel[1:MAX_AGE]
        gomp_open = None
    else:
        alpha, beta = fit
        gomp = np.exp(alpha + beta * (AGES - 70.0))
        w = np.clip((AGES - 40) / 10.0, 0.0, 1.0)
        m[1:MAX_AGE] = ((1 - w) * kernel + w * gomp)[1:MAX_AGE]
        gomp_open = float(np.exp(alpha + beta * 31.0))
    if D[MAX_AGE] >= 10 or gomp_open is None:
        m[MAX_AGE] = observed[MAX_AGE]
    else:
        m[MAX_AGE] = gomp_open
    return m, reason


def _flows_by_age(data: BefolkningData, years: list[int]) -> dict[str, np.ndarray]:
    """Sums over ``years`` by sex and age: births by mother's age (101) and by child's sex
    (2), deaths, in- and out-migrants (2 × 101)."""
    out = {
        "fodda_mor": np.zeros(MAX_AGE + 1),
        "fodda_kon": np.zeros(2),
        "doda": np.zeros((2, MAX_AGE + 1)),
        "in": np.zeros((2, MAX_AGE + 1)),
        "ut": np.zeros((2, MAX_AGE + 1)),
    }
    fb = annual_rows(data.fodda)
    fb = fb[fb["ar"].isin(years)]
    mother = fb["moderns_alder"].clip(15, 49).to_numpy()
    np.add.at(out["fodda_mor"], mother, fb["antal"].to_numpy())
    np.add.at(out["fodda_kon"], (fb["kon"] == "M").to_numpy().astype(int), fb["antal"].to_numpy())
    dd = annual_rows(data.doda)
    dd = dd[dd["ar"].isin(years)]
    np.add.at(
        out["doda"],
        ((dd["kon"] == "M").to_numpy().astype(int), dd["alder"].to_numpy()),
        dd["antal"].to_numpy(),
    )
    fl = annual_rows(data.flyttningar)
    fl = fl[fl["ar"].isin(years)]
    for r in RIKTNINGAR:
        part = fl[fl["riktning"] == r]
        np.add.at(
            out[r],
            ((part["kon"] == "M").to_numpy().astype(int), part["alder"].to_numpy()),
            part["antal"].to_numpy(),
        )
    return out


class _History:
    """The population data as arrays by year, built once per estimation: the folkmängd on
    31 December (2 × 101) and each year's flows (those of :func:`_flows_by_age`)."""

    def __init__(self, data: BefolkningData) -> None:
        self.complete = set(complete_years(data))
        fm = data.folkmangd[data.folkmangd["manad"] == 12]
        self.stock: dict[int, np.ndarray] = {}
        for year, part in fm.groupby("ar"):
            a = np.zeros((2, MAX_AGE + 1))
            np.add.at(
                a,
                ((part["kon"] == "M").to_numpy().astype(int), part["alder"].to_numpy()),
                part["antal"].to_numpy(),
            )
            self.stock[int(year)] = a  # type: ignore[call-overload]
        years = sorted(set(data.fodda["ar"]) | set(data.doda["ar"]) | set(data.flyttningar["ar"]))
        self.index = {int(y): i for i, y in enumerate(years)}
        n = len(years)
        self.fodda_mor = np.zeros((n, MAX_AGE + 1))
        self.fodda_kon = np.zeros((n, 2))
        self.doda = np.zeros((n, 2, MAX_AGE + 1))
        self.flows = {r: np.zeros((n, 2, MAX_AGE + 1)) for r in RIKTNINGAR}
        fb = annual_rows(data.fodda)
        yi = fb["ar"].map(self.index).to_numpy(dtype=int)
        np.add.at(
            self.fodda_mor,
            (yi, fb["moderns_alder"].clip(15, 49).to_numpy()),
            fb["antal"].to_numpy(),
        )
        np.add.at(
            self.fodda_kon, (yi, (fb["kon"] == "M").to_numpy().astype(int)), fb["antal"].to_numpy()
        )
        dd = annual_rows(data.doda)
        np.add.at(
            self.doda,
            (
                dd["ar"].map(self.index).to_numpy(dtype=int),
                (dd["kon"] == "M").to_numpy().astype(int),
                dd["alder"].to_numpy(),
            ),
            dd["antal"].to_numpy(),
        )
        fl = annual_rows(data.flyttningar)
        for r in RIKTNINGAR:
            part = fl[fl["riktning"] == r]
            np.add.at(
                self.flows[r],
                (
                    part["ar"].map(self.index).to_numpy(dtype=int),
                    (part["kon"] == "M").to_numpy().astype(int),
                    part["alder"].to_numpy(),
                ),
                part["antal"].to_numpy(),
            )

    def usable(self, first: int, last: int) -> list[int]:
        """Complete years first..last with a folkmängd on the 31 December before."""
        return [y for y in range(first, last + 1) if y in self.complete and (y - 1) in self.stock]

    def exposure(self, year: int) -> np.ndarray:
        """The mean of the folkmängd on the 31 December before and of ``year``."""
        return (self.stock[year - 1] + self.stock[year]) / 2

    def sums(self, years: list[int], weights: np.ndarray | None = None) -> dict[str, np.ndarray]:
        """The flows of :func:`_flows_by_age`, summed over ``years`` (weighted if given)."""
        idx = [self.index[y] for y in years if y in self.index]
        w = np.ones(len(idx)) if weights is None else np.asarray(weights, dtype=float)
        return {
            "fodda_mor": np.tensordot(w, self.fodda_mor[idx], axes=1),
            "fodda_kon": np.tensordot(w, self.fodda_kon[idx], axes=1),
            "doda": np.tensordot(w, self.doda[idx], axes=1),
            "in": np.tensordot(w, self.flows["in"][idx], axes=1),
            "ut": np.tensordot(w, self.flows["ut"][idx], axes=1),
        }


def out_exposure(start: np.ndarray) -> np.ndarray:
    """The people exposed to out-migration at each age x in a year: the smaller of the
    folkmängd aged x and aged x − 1 at the start of the year (2 × 101; x = 0: those aged
    0). Out-migrants of the age x (reached during the year) come from both: the forecast
    takes half of them from each (the engine's timing, see
    :func:`analysis.befolkning.prognos.forecast`), and the smaller one bounds them.

    >>> out_exposure(np.array([[5.0, 9.0, 4.0], [1.0, 2.0, 3.0]])).tolist()
    [[5.0, 5.0, 4.0], [1.0, 1.0, 2.0]]
    """
    out = start.copy()
    out[:, 1:] = np.minimum(start[:, 1:], start[:, :-1])
    return out


def _grid(df: pd.DataFrame, column: str) -> np.ndarray:
    """A frame ``kon``, ``alder``, ``column`` as a 2 × 101 array (K first)."""
    out = np.zeros((2, MAX_AGE + 1))
    out[(df["kon"] == "M").to_numpy().astype(int), df["alder"].to_numpy()] = df[column].to_numpy()
    return out


def _smooth_121(values: np.ndarray) -> np.ndarray:
    """The 1-2-1 moving average over age within each sex (2 × 101)."""
    return np.vstack(
        [np.convolve(values[s], np.array([1.0, 2, 1]) / 4, mode="same") for s in range(2)]
    )


def _by_sex_age(values: np.ndarray, column: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "kon": np.repeat(np.array(SEXES, dtype=object), MAX_AGE + 1),
            "alder": np.tile(AGES, 2),
            column: values.reshape(-1),
        }
    )


@dataclass
class MortalityImprovement:
    """The mortality improvement of a forecast (:func:`mortality_improvement`).

    Attributes
    ----------
    takt : pandas.DataFrame
        ``kon``, ``alder``, ``takt``: the annual relative decline of m(x) used.
    nationell : float
        The national schedule's mean decline at ages 50+, weighted by the kommun's deaths.
    kommun : float or None
        The kommun's own annual decline of its age-standardised mortality at 50+, or None
        with fewer than three years of history.
    kommun_sd : float or None
        Its standard error.
    vikt : float
        The weight of the kommun's estimate in the pooled rate (0–1).
    pooled : float
        The pooled decline at 50+ (≥ 0): ``vikt`` × kommun + (1 − ``vikt``) × nationell.
    ar : list of int
        The years the kommun's trend is estimated from.
    """

    takt: pd.DataFrame
    nationell: float
    kommun: float | None
    kommun_sd: float | None
    vikt: float
    pooled: float
    ar: list[int]


def _poisson_trend(
    deaths: np.ndarray, expected: np.ndarray, t: np.ndarray
) -> tuple[float, float] | None:
    """Poisson (quasi-likelihood) fit of log E[D_t] = log expected_t + α + β·t.

    Returns β and its standard error (inflated by the Pearson dispersion when it is
    above 1), or None when the fit cannot be made."""
    if deaths.sum() <= 0 or (expected <= 0).any():
        return None
    alpha, beta = float(np.log(deaths.sum() / expected.sum())), 0.0
    for _ in range(50):
        mu = expected * np.exp(alpha + beta * t)
        g = np.array([(deaths - mu).sum(), (t * (deaths - mu)).sum()])
        H = np.array([[mu.sum(), (t * mu).sum()], [(t * mu).sum(), (t * t * mu).sum()]])
        try:
            step = np.linalg.solve(H, g)
        except np.linalg.LinAlgError:
            return None
        alpha, beta = alpha + float(step[0]), beta + float(step[1])
        if not np.all(np.isfinite(step)):
            return None
        if np.abs(step).max() < 1e-12:
            break
    mu = expected * np.exp(alpha + beta * t)
    H = np.array([[mu.sum(), (t * mu).sum()], [(t * mu).sum(), (t * t * mu).sum()]])
    det = float(np.linalg.det(H))
    if not np.isfinite(beta) or det <= 0:
        return None
    dispersion = 1.0
    if len(t) > 2:
        dispersion = max(1.0, float(((deaths - mu) ** 2 / mu).sum() / (len(t) - 2)))
    return beta, float(np.sqrt(dispersion * H[0, 0] / det))


def mortality_improvement(
    data: BefolkningData,
    base_year: int,
    national: np.ndarray = NATIONAL_IMPROVEMENT,
    prior_sd: float = NATIONAL_IMPROVEMENT_SD,
    history: int = 15,
) -> MortalityImprovement:
    """The annual decline of the death rates: the national rate pooled with the kommun's.

    Parameters
    ----------
    data : BefolkningData
    base_year : int
        The last year used.
    national : array of 101 floats
        The national decline by age (default :data:`NATIONAL_IMPROVEMENT`).
    prior_sd : float
        The spread of kommuner's improvement around the national one (per year).
    history : int
        At most this many complete years up to ``base_year`` give the kommun's trend.

    Returns
    -------
    MortalityImprovement

    Notes
    -----
    The kommun's trend is that of its age-standardised mortality at 50+ (both sexes,
    where nearly all deaths are): with m̄(x) the death rates of all the years together,
    the expected deaths of year t are Σ m̄(x)·E_t(x), and log D_t = log expected_t + α +
    β·t is fitted by Poisson maximum likelihood; its standard error is inflated by the
    Pearson dispersion (deaths vary more than Poisson). The kommun's decline −β and the
    national schedule's death-weighted mean decline at 50+ are pooled by their precision
    (the national one with standard deviation ``prior_sd``): a small kommun or a short
    history gets close to the national rate, a large kommun with a long history close to
    its own. The national schedule at 50+ is then scaled by pooled / national (the
    pooled rate is held at ≥ 0: a rising mortality is not projected to go on). Below 50
    the national rate is used as it is. With fewer than three years of history the
    national rate is used.
    """
    return _mortality_improvement(_History(data), base_year, national, prior_sd, history)


def _mortality_improvement(
    hist: _History, base_year: int, national: np.ndarray, prior_sd: float, history: int
) -> MortalityImprovement:
    national = np.asarray(national, dtype=float)
    years = hist.usable(base_year - int(history) + 1, base_year)
    ages = np.arange(MAX_AGE + 1)[_TREND_AGES]
    deaths = np.zeros((len(years), 2, len(ages)))
    expo = np.zeros_like(deaths)
    for i, y in enumerate(years):
        deaths[i] = hist.sums([y])["doda"][:, _TREND_AGES]
        expo[i] = hist.exposure(y)[:, _TREND_AGES]
    total_d, total_e = deaths.sum(axis=0), expo.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        mbar = np.where(total_e > 0, total_d / total_e, 0.0)
    weight_by_age = total_d.sum(axis=0)
    nat_mean = (
        float((national[_TREND_AGES] * weight_by_age).sum() / weight_by_age.sum())
        if weight_by_age.sum() > 0
        else float(national[_TREND_AGES].mean())
    )
    kommun = kommun_sd = None
    vikt = 0.0
    if len(years) >= 3:
        t = np.array(years, dtype=float)
        fit = _poisson_trend(
            deaths.sum(axis=(1, 2)), (mbar[None] * expo).sum(axis=(1, 2)), t - t.mean()
        )
        if fit is not None:
            kommun, kommun_sd = -fit[0], fit[1]
            vikt = float(prior_sd**2 / (prior_sd**2 + kommun_sd**2))
    pooled = nat_mean if kommun is None else vikt * kommun + (1 - vikt) * nat_mean
    pooled = max(pooled, 0.0)
    scale = pooled / nat_mean if nat_mean > 0 else 0.0
    rate = national.copy()
    rate[_TREND_AGES] = national[_TREND_AGES] * scale
    return MortalityImprovement(
        takt=_by_sex_age(np.vstack([rate, rate]), "takt"),
        nationell=nat_mean,
        kommun=kommun,
        kommun_sd=kommun_sd,
        vikt=vikt,
        pooled=float(pooled),
        ar=years,
    )


def migration_weights(years: list[int], base_year: int, half_life: float | None) -> np.ndarray:
    """The weights of the migration years: halving every ``half_life`` years back from
    ``base_year`` (equal weights when None), summing to 1.

    >>> migration_weights([2020, 2021, 2022], 2022, 1.0).round(4).tolist()
    [0.1429, 0.2857, 0.5714]
    """
    y = np.asarray(years, dtype=float)
    w = np.ones(len(y)) if half_life is None else 0.5 ** ((base_year - y) / float(half_life))
    return w / w.sum()


def estimate_assumptions(
    data: BefolkningData,
    base_year: int,
    years: int = 5,
    smooth: bool = True,
    migration_years: int = MIGRATION_YEARS,
    half_life: float | None = MIGRATION_HALF_LIFE,
    improvement: bool = True,
    fertility_half_life: float | None = None,
) -> Assumptions:
    """Estimate fertility, mortality, migration and the sex ratio at birth.

    Parameters
    ----------
    data : BefolkningData
    base_year : int
        The last year used.
    years : int
        The window of fertility and mortality: the complete years ``base_year − years +
        1`` … ``base_year`` that also have a folkmängd on 31 December of the year before.
    smooth : bool
        Smooth the rates over age (see Notes). Without smoothing the observed rates are
        used as they are.
    migration_years : int
        The window of migration, chosen the same way (at most this many years; fewer when
        the history is shorter — down to the one year that the fertility window needs).
    half_life : float or None
        The migration years are weighted by 0.5^((base_year − year)/half_life)
        (:func:`migration_weights`); None gives equal weights.
    improvement : bool
        Let mortality decline over the forecast (:func:`mortality_improvement`); False
        holds the death rates at the window's level.
    fertility_half_life : float or None
        Weight the years of the fertility window by 0.5^((base_year − year)/
        ``fertility_half_life``) (:func:`migration_weights`), births and women alike;
        None (the default) pools the window's years with equal weights. Tested in
        hindsight and not the default: on Luleå 2009–2013 a half-life of 3 years brings
        the 5-year error of ages 0–5 from 1.8 % to 1.6 % on average, but on the sample
        kommun, whose fertility has no period swings, it adds noise (see
        :mod:`analysis.befolkning.eftertest`).

    Returns
    -------
    Assumptions

    Raises
    ------
    analysis.core.errors.ModellError
        If no year of the window can be used.

    Notes
    -----
    The exposure of a year is the mean of the folkmängd by sex and age on 31 December of
    the year before and of the year; rates are Σ events / Σ exposure over the window.

    * Fertility: births by the mother's age (births to mothers under 15 counted at 15,
      over 49 at 49) over the women, ages 15–49, other ages zero, summed over the window
      (weighted by year when ``fertility_half_life`` is given); smoothed with the
      weights 1-2-1 over age (ratio of smoothed sums).
    * Mortality, by sex: age 0 observed; ages 1–49 a 1-2-3-2-1 kernel; a Gompertz curve
      fitted by Poisson maximum likelihood to ages 40–99, used from 50 and blended
      linearly with the kernel over 40–50; 100+ observed if it has at least 10 deaths,
      else the Gompertz rate at 101. If the Gompertz fit cannot be made or does not
      converge, the kernel is used at 1–99 and ``Assumptions.anmarkningar`` says why.
      The rates give a life table (:func:`life_table`,
      a0 by Andreev–Kingkade, 0.5 at other ages) with radix 100 000: nLx for 0–99 and
      T(100).
    * Mortality improvement: the rates describe the middle of the window
      (:attr:`Assumptions.dodstal_ar`); from there they decline by the annual rates of
      :func:`mortality_improvement` (the national rate pooled with the kommun's trend).
      Without it a forecast keeps the mortality of a few years before the jump-off and
      has too few old people.
    * Migration, over the longer migration window with weights that halve every
      ``half_life`` years back (a level that follows lasting shifts but not one odd year,
      as in simple exponential smoothing), with the years that exist when the history is
      shorter: the weighted mean number of in-migrants per year and their distribution by
      sex and age (smoothed 1-2-1 within each sex, then normalised to sum 1); the weighted
      mean number of out-migrants by sex and age (smoothed 1-2-1, total kept) and the
      out-migration risk (weighted out-migrants over the weighted exposure, smoothed
      1-2-1). The forecast takes the smaller of the number and risk × population at each
      age (:func:`analysis.befolkning.prognos.forecast`).
    * Sex ratio at birth: boys / girls over the window if there are at least 1 000 births,
      else 1.05.
    """
    hist = _History(data)
    window = hist.usable(base_year - years + 1, base_year)
    if not window:
        raise ModellError(
            f"inget fullständigt år {base_year - years + 1}–{base_year} med folkmängd vid "
            "föregående årsskifte; antagandena kan inte skattas."
        )
    exposure = np.zeros((2, MAX_AGE + 1))
    for y in window:
        exposure += hist.exposure(y)
    flows = hist.sums(window)

    # fertility
    fert_w = migration_weights(window, base_year, fertility_half_life)
    women = np.tensordot(fert_w, np.array([hist.exposure(y)[0] for y in window]), axes=1)
    births = hist.sums(window, fert_w)["fodda_mor"]
    if smooth:
        asfr = _kernel_ratio(births, women, np.array([1.0, 2, 1]), 15, 49)
    else:
        with np.errstate(invalid="ignore", divide="ignore"):
            asfr = np.where(women > 0, births / women, 0.0)
        asfr[(AGES < 15) | (AGES > 49)] = 0.0

    # mortality and life table
    m = np.zeros((2, MAX_AGE + 1))
    notes: list[str] = []
    sex_text = {"K": "kvinnor", "M": "män"}
    for s in range(2):
        if smooth:
            m[s], reason = _smooth_mortality(flows["doda"][s], exposure[s])
            if reason is not None:
                notes.append(
                    f"Dödligheten för {sex_text[SEXES[s]]} kunde inte anpassas till en "
                    f"Gompertzkurva ({reason}); dödstalen 1–99 år är i stället utjämnade "
                    "med ett glidande medelvärde."
                )
        else:
            with np.errstate(invalid="ignore", divide="ignore"):
                m[s] = np.where(exposure[s] > 0, flows["doda"][s] / exposure[s], 0.0)
        if m[s, MAX_AGE] <= 0:
            # no deaths in 100+ (a small kommun): fall back on the highest rate 90–99
            m[s, MAX_AGE] = max(m[s, 90:MAX_AGE].max(), 0.5)
            notes.append(
                f"Inga dödsfall bland {sex_text[SEXES[s]]} 100 år och äldre under "
                f"{window[0]}–{window[-1]}; dödstalet där är satt till det högsta i "
                f"åldrarna 90–99 år (minst 0,5)."
            )
    L = np.vstack([life_table(m[s], SEXES[s], RADIX)["Lx"].to_numpy() for s in range(2)])

    # migration: a longer window, the latest years weighing most
    mig_years = hist.usable(base_year - int(migration_years) + 1, base_year) or window
    weights = migration_weights(mig_years, base_year, half_life)
    mig = hist.sums(mig_years, weights)
    mig_in, mig_out = mig["in"], mig["ut"]
    mig_expo = np.zeros((2, MAX_AGE + 1))
    for w, y in zip(weights, mig_years, strict=True):
        mig_expo += w * out_exposure(hist.stock[y - 1])
    with np.errstate(invalid="ignore", divide="ignore"):
        if smooth:
            risk = np.vstack(
                [
                    _kernel_ratio(mig_out[s], mig_expo[s], np.array([1.0, 2, 1]), 0, MAX_AGE)
                    for s in range(2)
                ]
            )
        else:
            risk = np.where(mig_expo > 0, mig_out / mig_expo, 0.0)
    inflow, outflow = mig_in, mig_out
    if smooth:
        inflow = _smooth_121(mig_in)
        outflow = _smooth_121(mig_out)
        if outflow.sum() > 0:
            outflow = outflow * (mig_out.sum() / outflow.sum())
    total_in = mig_in.sum()
    profile = inflow / inflow.sum() if inflow.sum() > 0 else np.full((2, MAX_AGE + 1), 1 / 202)
    forbattring = (
        _mortality_improvement(
            hist, base_year, NATIONAL_IMPROVEMENT, NATIONAL_IMPROVEMENT_SD, 15
        ).takt
        if improvement
        else None
    )

    girls, boys = flows["fodda_kon"]
    srb = float(boys / girls) if girls + boys >= 1000 and girls > 0 else 1.05

    return Assumptions(
        base_year=int(base_year),
        years=window,
        asfr=pd.DataFrame({"alder": AGES, "asfr": asfr}),
        dodstal=_by_sex_age(m, "dodstal"),
        nLx=_by_sex_age(L, "nLx"),
        utflyttningsrisk=_by_sex_age(risk, "risk"),
        inflyttade=float(total_in),
        inflyttningsprofil=_by_sex_age(profile, "andel"),
        srb=srb,
        radix=RADIX,
        anmarkningar=notes,
        utflyttade=_by_sex_age(outflow, "antal"),
        forbattring=forbattring,
        dodstal_ar=float(np.mean(window)),
        flyttar=list(mig_years),
        flyttvikter=[float(w) for w in weights],
    )
