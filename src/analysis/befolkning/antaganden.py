"""Assumptions of the population forecast: life tables, fertility, mortality, migration.

* :func:`life_table` — a single-year life table from death rates, the last age open;
* :func:`estimate_assumptions` — fertility, mortality (a life table), migration and the
  sex ratio at birth estimated from the last years of :class:`BefolkningData`
  (:mod:`analysis.befolkning.historik`), smoothed over age;
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

__all__ = ["RADIX", "Assumptions", "estimate_assumptions", "life_table"]

#: l0 of the life tables.
RADIX = 100_000


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
        In-migrants per year (the mean of the years).
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


def _by_sex_age(values: np.ndarray, column: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "kon": np.repeat(np.array(SEXES, dtype=object), MAX_AGE + 1),
            "alder": np.tile(AGES, 2),
            column: values.reshape(-1),
        }
    )


def estimate_assumptions(
    data: BefolkningData, base_year: int, years: int = 5, smooth: bool = True
) -> Assumptions:
    """Estimate fertility, mortality, migration and the sex ratio at birth.

    Parameters
    ----------
    data : BefolkningData
    base_year : int
        The last year used.
    years : int
        The window: the complete years ``base_year − years + 1`` … ``base_year`` that
        also have a folkmängd on 31 December of the year before.
    smooth : bool
        Smooth the rates over age (see Notes). Without smoothing the observed rates are
        used as they are.

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
      over 49 at 49) over the women, ages 15–49, other ages zero; smoothed with the
      weights 1-2-1 over age (ratio of smoothed sums).
    * Mortality, by sex: age 0 observed; ages 1–49 a 1-2-3-2-1 kernel; a Gompertz curve
      fitted by Poisson maximum likelihood to ages 40–99, used from 50 and blended
      linearly with the kernel over 40–50; 100+ observed if it has at least 10 deaths,
      else the Gompertz rate at 101. If the Gompertz fit cannot be made or does not
      converge, the kernel is used at 1–99 and ``Assumptions.anmarkningar`` says why.
      The rates give a life table (:func:`life_table`,
      a0 by Andreev–Kingkade, 0.5 at other ages) with radix 100 000: nLx for 0–99 and
      T(100).
    * Out-migration: out-migrants over the exposure by sex and age, smoothed 1-2-1.
    * In-migration: the mean number of in-migrants per year and their distribution by sex
      and age (smoothed 1-2-1 within each sex, then normalised to sum 1).
    * Sex ratio at birth: boys / girls over the window if there are at least 1 000 births,
      else 1.05.
    """
    complete = set(complete_years(data))
    window = [
        y
        for y in range(base_year - years + 1, base_year + 1)
        if y in complete and data.stock_total(y - 1) is not None
    ]
    if not window:
        raise ModellError(
            f"inget fullständigt år {base_year - years + 1}–{base_year} med folkmängd vid "
            "föregående årsskifte; antagandena kan inte skattas."
        )
    exposure = np.zeros((2, MAX_AGE + 1))
    for y in window:
        exposure += (data.stock_by_age(y - 1) + data.stock_by_age(y)) / 2
    flows = _flows_by_age(data, window)

    # fertility
    women = exposure[0]
    if smooth:
        asfr = _kernel_ratio(flows["fodda_mor"], women, np.array([1.0, 2, 1]), 15, 49)
    else:
        with np.errstate(invalid="ignore", divide="ignore"):
            asfr = np.where(women > 0, flows["fodda_mor"] / women, 0.0)
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

    # migration
    with np.errstate(invalid="ignore", divide="ignore"):
        if smooth:
            risk = np.vstack(
                [
                    _kernel_ratio(flows["ut"][s], exposure[s], np.array([1.0, 2, 1]), 0, MAX_AGE)
                    for s in range(2)
                ]
            )
        else:
            risk = np.where(exposure > 0, flows["ut"] / exposure, 0.0)
    inflow = flows["in"]
    if smooth:
        inflow = np.vstack(
            [np.convolve(inflow[s], np.array([1.0, 2, 1]) / 4, mode="same") for s in range(2)]
        )
    total_in = flows["in"].sum()
    profile = inflow / inflow.sum() if inflow.sum() > 0 else np.full((2, MAX_AGE + 1), 1 / 202)

    girls, boys = flows["fodda_kon"]
    srb = float(boys / girls) if girls + boys >= 1000 and girls > 0 else 1.05

    return Assumptions(
        base_year=int(base_year),
        years=window,
        asfr=pd.DataFrame({"alder": AGES, "asfr": asfr}),
        dodstal=_by_sex_age(m, "dodstal"),
        nLx=_by_sex_age(L, "nLx"),
        utflyttningsrisk=_by_sex_age(risk, "risk"),
        inflyttade=float(total_in / len(window)),
        inflyttningsprofil=_by_sex_age(profile, "andel"),
        srb=srb,
        radix=RADIX,
        anmarkningar=notes,
    )
