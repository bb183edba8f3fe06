"""Population (befolkning): history, the year to date, assumptions and the base forecast.

The input is :class:`BefolkningData`, the four processed population tables of the data
contract. From it this module computes

* :func:`yearly_components` — folkmängd on 31 December and the year's components of
  change (födda, döda, in- och utflyttade) with the unexplained rest (``justering``);
* :func:`period_components` — the development from New Year up to a month, as in the
  delårsrapport ("Befolkningen har minskat med 2 personer sedan årsskiftet …"), or the
  last complete year when the period's monthly data are missing (``attrs`` say which);
* :func:`base_year` — the forecast's jump-off year for a report period: the last
  31 December at or before the period's end;
* :func:`estimate_assumptions` — fertility, mortality (a life table), migration and the
  sex ratio at birth estimated from the last years;
* :func:`forecast` — the base projection, one year at a time with the cohort-component
  engine :func:`analysis.befolkning.motor.project_cohort_component`; its deaths come from the
  mortality assumption and ``justering`` is the residual (≈ 0), not a balancing item;
* :func:`befolkning_sheet` — the ``befolkning`` sheet of the export workbook.

Conventions
-----------
Ages are whole years 0–100 (100 = 100 and older). The folkmängd on 31 December is by age
in completed years; the flows are by the age reached during the year (SCB's "uppnådd
ålder under året", = age on 31 December), which is the same number for a person's
birth cohort. Rates are "medelfolkmängd" rates: the year's events at age *x* divided by
the mean of the folkmängd aged *x* on 31 December of the year before and of the year;
the half-year difference between the two age definitions is not corrected for.
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analysis.core.errors import InputError, Problem
from analysis.befolkning.motor import _require_frame, project_cohort_component

__all__ = [
    "Assumptions",
    "BefolkningData",
    "Forecast",
    "base_year",
    "befolkning_sheet",
    "estimate_assumptions",
    "forecast",
    "life_table",
    "period_components",
    "yearly_components",
]

SEXES = ("K", "M")
OMRADEN = ("inom_lanet", "annat_lan", "utlandet")
RIKTNINGAR = ("in", "ut")
MAX_AGE = 100
AGES = np.arange(MAX_AGE + 1)
RADIX = 100_000

#: Columns of the ``befolkning`` sheet, in order.
SHEET_COLUMNS = ["ar", "folkmangd", "fodda", "doda", "inflyttade", "utflyttade",
                 "flyttnetto", "justering", "typ"]

#: The rows of :func:`period_components`: id and Swedish label.
PERIOD_COMPONENTS: dict[str, str] = {
    "folkmangd": "Folkmängd vid periodens slut",
    "forandring": "Befolkningsförändring totalt sedan årsskiftet",
    "forandring_foregaende_ar": "Befolkningsförändring samma period föregående år",
    "fodda": "Antal födda",
    "doda": "Antal döda",
    "fodelsenetto": "Födelsenetto",
    "inflyttade": "Antal inflyttade",
    "utflyttade": "Antal utflyttade",
    "flyttnetto": "Flyttnetto totalt",
    "flyttnetto_inom_lanet": "Flyttnetto inom länet",
    "flyttnetto_annat_lan": "Flyttnetto annat län",
    "flyttnetto_utlandet": "Flyttnetto från annat land",
    "justering": "Övriga förändringar (justering)",
}

_REQUIRED = {
    "folkmangd": ["ar", "kon", "alder", "antal"],
    "fodda": ["ar", "moderns_alder", "kon", "antal"],
    "doda": ["ar", "kon", "alder", "antal"],
    "flyttningar": ["ar", "kon", "alder", "riktning", "omrade", "antal"],
}


# --------------------------------------------------------------------------------------
# input
# --------------------------------------------------------------------------------------
def _check_values(df: pd.DataFrame, name: str, column: str, allowed: tuple[str, ...]) -> None:
    unknown = sorted(set(df[column].dropna().astype(str)) - set(allowed))
    if unknown or df[column].isna().any():
        shown = ", ".join(map(repr, unknown)) if unknown else "tomma värden"
        raise InputError(Problem(file=name, column=column, message=(
            f"okända värden {shown}; kända värden: {', '.join(map(repr, allowed))}.")))


def _integer_column(df: pd.DataFrame, name: str, column: str, lo: int, hi: int,
                    nullable: bool = False) -> pd.Series:
    values = pd.to_numeric(df[column], errors="coerce")
    bad = values.notna() & ((values != values.round()) | (values < lo) | (values > hi))
    if not nullable:
        bad |= values.isna()
    if bad.any():
        shown = ", ".join(repr(v) for v in df.loc[bad, column].head(5))
        raise InputError(Problem(file=name, column=column, message=(
            f"ogiltiga värden {shown}; förväntade heltal {lo}–{hi}"
            f"{' eller tomt' if nullable else ''}.")))
    return values.astype("Int64")


@dataclass
class BefolkningData:
    """The processed population tables.

    Parameters
    ----------
    folkmangd : pandas.DataFrame
        ``ar``, ``manad`` (1–12, the population at the end of the month; 12 is also
        31 December; a missing column or value means 31 December), ``kon`` ('K'/'M'),
        ``alder`` (0–100, 100 = 100+), ``antal``.
    fodda : pandas.DataFrame
        ``ar``, ``manad`` (nullable: empty for an annual total), ``moderns_alder``,
        ``kon`` (the child's), ``antal``.
    doda : pandas.DataFrame
        ``ar``, ``manad`` (nullable), ``kon``, ``alder``, ``antal``.
    flyttningar : pandas.DataFrame
        ``ar``, ``manad`` (nullable), ``kon``, ``alder``, ``riktning`` ('in'/'ut'),
        ``omrade`` ('inom_lanet'/'annat_lan'/'utlandet'), ``antal``.

    Notes
    -----
    The tables are checked and normalised on construction (copies; the caller's frames
    are not changed): ``manad`` of ``folkmangd`` becomes an int with 12 for 31 December,
    ``manad`` of the flows a nullable ``Int64``, ``antal`` float. Ages above 100 are
    counted in 100+.
    """

    folkmangd: pd.DataFrame
    fodda: pd.DataFrame
    doda: pd.DataFrame
    flyttningar: pd.DataFrame

    def __post_init__(self) -> None:
        for name, columns in _REQUIRED.items():
            df = _require_frame(getattr(self, name), name, list(columns)).copy()
            df["ar"] = _integer_column(df, name, "ar", 1800, 2300).astype(np.int64)
            if "manad" not in df.columns:
                df["manad"] = pd.array([pd.NA] * len(df), dtype="Int64")
            df["manad"] = _integer_column(df, name, "manad", 1, 12, nullable=True)
            if name == "folkmangd":
                df["manad"] = df["manad"].fillna(12).astype(np.int64)
            age_col = "moderns_alder" if name == "fodda" else "alder"
            df[age_col] = _integer_column(df, name, age_col, 0, 200).astype(np.int64)
            if name != "fodda":
                df[age_col] = df[age_col].clip(upper=MAX_AGE)
            df["kon"] = df["kon"].astype(str).str.strip().str.upper()
            _check_values(df, name, "kon", SEXES)
            if name == "flyttningar":
                for col, allowed in (("riktning", RIKTNINGAR), ("omrade", OMRADEN)):
                    df[col] = df[col].astype(str).str.strip().str.lower()
                    _check_values(df, name, col, allowed)
            antal = pd.to_numeric(df["antal"], errors="coerce")
            if antal.isna().any() or (antal < 0).any():
                shown = ", ".join(repr(v) for v in df.loc[antal.isna() | (antal < 0),
                                                          "antal"].head(5))
                raise InputError(Problem(file=name, column="antal", message=(
                    f"ogiltiga värden {shown}; förväntade ett antal ≥ 0.")))
            df["antal"] = antal.astype(float)
            setattr(self, name, df.reset_index(drop=True))

    @classmethod
    def from_frames(cls, frames: Mapping[str, pd.DataFrame]) -> BefolkningData:
        """Build from a mapping with the keys ``folkmangd``, ``fodda``, ``doda``,
        ``flyttningar`` (e.g. the raw tables of
        :func:`analysis.sample.befolkning.generate_befolkning`)."""
        missing = [k for k in _REQUIRED if k not in frames]
        if missing:
            raise InputError(Problem(file="befolkning", message=(
                f"tabell saknas: {', '.join(missing)}.")))
        return cls(**{k: frames[k] for k in _REQUIRED})

    # ---- helpers used by the computations ------------------------------------------------
    def stock_total(self, year: int, month: int = 12) -> float | None:
        """The folkmängd at the end of a month (12 = 31 December), or None if absent."""
        fm = self.folkmangd
        rows = fm[(fm["ar"] == year) & (fm["manad"] == month)]
        return None if rows.empty else float(rows["antal"].sum())

    def stock_by_age(self, year: int, month: int = 12) -> np.ndarray | None:
        """The folkmängd by sex (K, M) and age 0–100 as a 2 × 101 array, or None."""
        fm = self.folkmangd
        rows = fm[(fm["ar"] == year) & (fm["manad"] == month)]
        if rows.empty:
            return None
        out = np.zeros((2, MAX_AGE + 1))
        np.add.at(out, ((rows["kon"] == "M").to_numpy().astype(int),
                        rows["alder"].to_numpy()), rows["antal"].to_numpy())
        return out


# --------------------------------------------------------------------------------------
# flows: which years are complete, annual sums, period sums
# --------------------------------------------------------------------------------------
def _flow_frames(data: BefolkningData) -> dict[str, pd.DataFrame]:
    return {"fodda": data.fodda, "doda": data.doda, "flyttningar": data.flyttningar}


def _annual_rows(df: pd.DataFrame) -> pd.DataFrame:
    """Rows that make up each year's total: the annual rows if the year has any, else the
    monthly rows."""
    annual = df["manad"].isna()
    years_with_annual = set(df.loc[annual, "ar"])
    return df[annual | ~df["ar"].isin(years_with_annual)]


def _complete_years(data: BefolkningData) -> list[int]:
    """Years whose flows are complete (annual totals or all 12 months) and that have a
    folkmängd on 31 December."""
    frames = _flow_frames(data)
    months: dict[int, set[int]] = {}
    for df in frames.values():
        monthly = df[df["manad"].notna()]
        for year, m in zip(monthly["ar"], monthly["manad"]):
            months.setdefault(int(year), set()).add(int(m))
    stock_years = set(data.folkmangd.loc[data.folkmangd["manad"] == 12, "ar"])
    complete = []
    for year in sorted(stock_years):
        ok = True
        for df in frames.values():
            rows = df[df["ar"] == year]
            if rows.empty:
                ok = False
                break
            if rows["manad"].isna().any():
                continue
            if months.get(year, set()) != set(range(1, 13)):
                ok = False
                break
        if ok:
            complete.append(int(year))
    return complete


def _year_totals(data: BefolkningData) -> pd.DataFrame:
    """fodda, doda, inflyttade, utflyttade by year (all years with any flows)."""
    fodda = _annual_rows(data.fodda).groupby("ar")["antal"].sum()
    doda = _annual_rows(data.doda).groupby("ar")["antal"].sum()
    fl = _annual_rows(data.flyttningar)
    inn = fl[fl["riktning"] == "in"].groupby("ar")["antal"].sum()
    ut = fl[fl["riktning"] == "ut"].groupby("ar")["antal"].sum()
    out = pd.DataFrame({"fodda": fodda, "doda": doda, "inflyttade": inn, "utflyttade": ut})
    return out.fillna(0.0)


def _period_rows(df: pd.DataFrame, year: int, month: int) -> pd.DataFrame:
    rows = df[df["ar"] == year]
    annual = rows["manad"].isna()
    if month == 12 and annual.any():
        return rows[annual]
    return rows[~annual & (rows["manad"] <= month)]


# --------------------------------------------------------------------------------------
# history
# --------------------------------------------------------------------------------------
def yearly_components(data: BefolkningData) -> pd.DataFrame:
    """The folkmängd on 31 December and the components of change of every complete year.

    Parameters
    ----------
    data : BefolkningData

    Returns
    -------
    pandas.DataFrame
        Columns ``ar``, ``folkmangd``, ``fodda``, ``doda``, ``inflyttade``, ``utflyttade``,
        ``flyttnetto`` (= inflyttade − utflyttade), ``justering`` (= folkmangd − the
        previous year's folkmangd − (fodda − doda + flyttnetto); NaN when the previous
        31 December is missing) and ``typ`` = 'utfall', one row per complete year: a
        year whose flows are annual totals or cover all twelve months and whose
        folkmängd on 31 December exists.
    """
    years = _complete_years(data)
    totals = _year_totals(data).reindex(years).fillna(0.0)
    rows = []
    for year in years:
        stock = data.stock_total(year)
        previous = data.stock_total(year - 1)
        t = totals.loc[year]
        netto = t["inflyttade"] - t["utflyttade"]
        just = (np.nan if previous is None
                else stock - previous - (t["fodda"] - t["doda"] + netto))
        rows.append({"ar": year, "folkmangd": stock, "fodda": t["fodda"], "doda": t["doda"],
                     "inflyttade": t["inflyttade"], "utflyttade": t["utflyttade"],
                     "flyttnetto": netto, "justering": just, "typ": "utfall"})
    out = pd.DataFrame(rows, columns=SHEET_COLUMNS)
    out["ar"] = out["ar"].astype(np.int64)
    for c in SHEET_COLUMNS[1:-1]:
        out[c] = out[c].astype(float)
    return out


def period_components(data: BefolkningData, year: int, month: int, *,
                      fallback: bool = True) -> pd.DataFrame:
    """The population development from New Year up to and including a month.

    Parameters
    ----------
    data : BefolkningData
    year, month : int
        The period: January–``month`` of ``year``.
    fallback : bool
        When the data do not cover the period (no folkmängd at its end, flows missing for
        some month, or only annual totals before December), show the last complete year
        before ``year`` instead and say so in ``attrs`` (see Returns). With
        ``fallback=False`` such a period is an error.

    Returns
    -------
    pandas.DataFrame
        Columns ``komponent`` (stable id), ``text`` (Swedish label) and ``antal``, one row
        per component in the order of :data:`PERIOD_COMPONENTS`:
        ``folkmangd`` at the end of the period, ``forandring`` since 31 December of the
        previous year, ``forandring_foregaende_ar`` (the same months a year earlier; NaN
        if the data are missing), ``fodda``, ``doda``, ``fodelsenetto`` (= fodda − doda),
        ``inflyttade``, ``utflyttade``, ``flyttnetto`` and its parts
        ``flyttnetto_inom_lanet``, ``flyttnetto_annat_lan``, ``flyttnetto_utlandet``, and
        ``justering`` = forandring − fodelsenetto − flyttnetto (changes the flows do not
        explain, e.g. register corrections).

        ``attrs`` says what the table covers:

        * ``attrs['grund']``: ``'manad'`` when the table covers the period asked for
          (January–``month`` of ``year``, from the monthly stock and flows; for December
          also from annual totals), ``'ar'`` when the data do not cover it and the table
          shows instead the last complete year Y before ``year`` (31 December Y−1 to
          31 December Y);
        * ``attrs['ar']``: the year shown (``year``, or Y);
        * ``attrs['manad']``: the last month shown (``month``, or 12);
        * ``attrs['beskrivning']``: one Swedish sentence for the report saying which.

        Only rows dated at or before the end of the period are used (the stocks at its
        end, on 31 December before it and the same two dates a year earlier; the flows of
        its months), so later rows in ``data`` cannot change the result.

    Raises
    ------
    analysis.core.errors.InputError
        If ``month`` is not 1–12, or the data do not cover the period and (with
        ``fallback``) there is no complete year before it either.
    """
    if not (isinstance(month, (int, np.integer)) and 1 <= month <= 12):
        raise InputError(Problem(file="period", message=(
            f"månaden måste vara ett heltal 1–12, fick {month!r}.")))
    year, month = int(year), int(month)
    problem = _period_gap(data, year, month)
    if problem is None:
        out = _period_table(data, year, month)
        out.attrs.update(grund="manad", ar=year, manad=month,
                         beskrivning=_period_description(year, month))
        return out
    usable = [y for y in _complete_years(data) if y < year
              and data.stock_total(y - 1, 12) is not None]
    if not fallback or not usable:
        raise InputError(problem)
    shown = usable[-1]
    out = _period_table(data, shown, 12)
    what = (f"helåret {year}" if month == 12
            else f"januari–{_MONTHS[month - 1]} {year}")
    out.attrs.update(grund="ar", ar=shown, manad=12, beskrivning=(
        f"Befolkningsuppgifter per månad saknas för {what}; tabellen visar helåret "
        f"{shown} (folkmängd 31 december {shown})."))
    return out


def _period_description(year: int, month: int) -> str:
    if month == 12:
        return f"Tabellen visar helåret {year} (folkmängd 31 december {year})."
    day = calendar.monthrange(year, month)[1]
    return (f"Tabellen visar januari–{_MONTHS[month - 1]} {year} (folkmängd "
            f"{day} {_MONTHS[month - 1]} {year}) från befolkningsuppgifter per månad.")


def _period_gap(data: BefolkningData, year: int, month: int) -> Problem | None:
    """Why the data do not cover January–``month`` of ``year``, or None if they do."""
    for y, m in ((year, month), (year - 1, 12)):
        if data.stock_total(y, m) is None:
            return Problem(file="folkmangd", message=(
                f"folkmängd saknas för {y}-{m:02d}; den behövs för perioden "
                f"januari–{_MONTHS[month - 1]} {year}."))
    covered: set[int] = set()
    all_annual = True
    for name, df in _flow_frames(data).items():
        rows = df[df["ar"] == year]
        has_annual = bool(rows["manad"].isna().any())
        if month == 12 and has_annual:
            continue                      # the year's totals, dated 31 December
        all_annual = False
        # only the months of the period: later rows (and a later annual total) are
        # not looked at, so they cannot change the outcome
        monthly = rows[rows["manad"].notna() & (rows["manad"] <= month)]
        if monthly.empty:
            if has_annual:
                return Problem(file=name, column="manad", message=(
                    f"år {year} finns bara som helårssiffror; perioden januari–"
                    f"{_MONTHS[month - 1]} kräver månadsuppgifter."))
            return Problem(file=name, message=f"uppgifter saknas för år {year}.")
        covered |= set(monthly["manad"].astype(int))
    if not all_annual and not set(range(1, month + 1)) <= covered:
        missing = sorted(set(range(1, month + 1)) - covered)
        return Problem(file="befolkning", column="manad", message=(
            f"månadsuppgifter saknas för {year}: månad {', '.join(map(str, missing))}."))
    return None


def _period_table(data: BefolkningData, year: int, month: int) -> pd.DataFrame:
    """The components of January–``month`` of ``year`` (the data must cover it)."""
    end = data.stock_total(year, month)
    start = data.stock_total(year - 1, 12)
    fodda = _period_rows(data.fodda, year, month)["antal"].sum()
    doda = _period_rows(data.doda, year, month)["antal"].sum()
    fl = _period_rows(data.flyttningar, year, month)
    sign = np.where(fl["riktning"] == "in", 1.0, -1.0)
    netto_by = (fl["antal"] * sign).groupby(fl["omrade"]).sum().reindex(OMRADEN, fill_value=0.0)
    inn = fl.loc[fl["riktning"] == "in", "antal"].sum()
    ut = fl.loc[fl["riktning"] == "ut", "antal"].sum()
    netto = inn - ut
    forandring = end - start

    prev_end = data.stock_total(year - 1, month)
    prev_start = data.stock_total(year - 2, 12)
    prev = np.nan if prev_end is None or prev_start is None else prev_end - prev_start

    values = {
        "folkmangd": end,
        "forandring": forandring,
        "forandring_foregaende_ar": prev,
        "fodda": fodda,
        "doda": doda,
        "fodelsenetto": fodda - doda,
        "inflyttade": inn,
        "utflyttade": ut,
        "flyttnetto": netto,
        "flyttnetto_inom_lanet": netto_by["inom_lanet"],
        "flyttnetto_annat_lan": netto_by["annat_lan"],
        "flyttnetto_utlandet": netto_by["utlandet"],
        "justering": forandring - (fodda - doda) - netto,
    }
    return pd.DataFrame({"komponent": list(PERIOD_COMPONENTS),
                         "text": list(PERIOD_COMPONENTS.values()),
                         "antal": [float(values[k]) for k in PERIOD_COMPONENTS]})


def base_year(data: BefolkningData, year: int, month: int = 12) -> int:
    """The forecast's jump-off year for a report on January–``month`` of ``year``: the
    last complete year (:func:`yearly_components`) whose 31 December is at or before
    the period's end — ``year`` itself only for December, else at most ``year − 1``.

    Rows dated after the period cannot change it (for an April 2023 report it is 2022
    whether or not the data already hold 31 December 2023).

    Raises
    ------
    analysis.core.errors.InputError
        If no complete year ends at or before the period's end.
    """
    last = int(year) if int(month) == 12 else int(year) - 1
    complete = [y for y in _complete_years(data) if y <= last]
    if not complete:
        raise InputError(Problem(file="befolkning", message=(
            f"inget fullständigt år med befolkningsdata till och med {last} att utgå från "
            f"för perioden januari–{_MONTHS[int(month) - 1]} {year}.")))
    return complete[-1]


_MONTHS = ("januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti",
           "september", "oktober", "november", "december")


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
        raise InputError(Problem(file="dodstal", message=(
            "dödstalen måste vara minst två tal ≥ 0 (det sista för den öppna "
            "åldersgruppen).")))
    if m[-1] <= 0:
        raise InputError(Problem(file="dodstal", message=(
            "dödstalet för den öppna åldersgruppen måste vara större än 0.")))
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
    return pd.DataFrame({"alder": np.arange(n), "mx": m, "ax": a, "qx": q, "lx": lx,
                         "dx": dx, "Lx": Lx, "Tx": Tx, "ex": ex})


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


def _kernel_ratio(num: np.ndarray, den: np.ndarray, kernel: np.ndarray,
                  lo: int, hi: int) -> np.ndarray:
    """Smoothed rate Σ w·num / Σ w·den over a moving window restricted to ages lo..hi."""
    mask = np.zeros(len(num), dtype=bool)
    mask[lo:hi + 1] = True
    n = np.convolve(np.where(mask, num, 0.0), kernel, mode="same")
    d = np.convolve(np.where(mask, den, 0.0), kernel, mode="same")
    with np.errstate(invalid="ignore", divide="ignore"):
        out = np.where(d > 0, n / d, 0.0)
    return np.where(mask, out, 0.0)


def _gompertz(deaths: np.ndarray, exposure: np.ndarray, ages: np.ndarray
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
    out = {"fodda_mor": np.zeros(MAX_AGE + 1), "fodda_kon": np.zeros(2),
           "doda": np.zeros((2, MAX_AGE + 1)), "in": np.zeros((2, MAX_AGE + 1)),
           "ut": np.zeros((2, MAX_AGE + 1))}
    fb = _annual_rows(data.fodda)
    fb = fb[fb["ar"].isin(years)]
    mother = fb["moderns_alder"].clip(15, 49).to_numpy()
    np.add.at(out["fodda_mor"], mother, fb["antal"].to_numpy())
    np.add.at(out["fodda_kon"], (fb["kon"] == "M").to_numpy().astype(int), fb["antal"].to_numpy())
    dd = _annual_rows(data.doda)
    dd = dd[dd["ar"].isin(years)]
    np.add.at(out["doda"], ((dd["kon"] == "M").to_numpy().astype(int), dd["alder"].to_numpy()),
              dd["antal"].to_numpy())
    fl = _annual_rows(data.flyttningar)
    fl = fl[fl["ar"].isin(years)]
    for r in RIKTNINGAR:
        part = fl[fl["riktning"] == r]
        np.add.at(out[r], ((part["kon"] == "M").to_numpy().astype(int), part["alder"].to_numpy()),
                  part["antal"].to_numpy())
    return out


def _by_sex_age(values: np.ndarray, column: str) -> pd.DataFrame:
    return pd.DataFrame({"kon": np.repeat(np.array(SEXES, dtype=object), MAX_AGE + 1),
                         "alder": np.tile(AGES, 2), column: values.reshape(-1)})


def estimate_assumptions(data: BefolkningData, base_year: int, years: int = 5,
                         smooth: bool = True) -> Assumptions:
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
    analysis.core.errors.InputError
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
    complete = set(_complete_years(data))
    window = [y for y in range(base_year - years + 1, base_year + 1)
              if y in complete and data.stock_total(y - 1) is not None]
    if not window:
        raise InputError(Problem(file="befolkning", message=(
            f"inget fullständigt år {base_year - years + 1}–{base_year} med folkmängd vid "
            "föregående årsskifte; antagandena kan inte skattas.")))
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
                    "med ett glidande medelvärde.")
        else:
            with np.errstate(invalid="ignore", divide="ignore"):
                m[s] = np.where(exposure[s] > 0, flows["doda"][s] / exposure[s], 0.0)
        if m[s, MAX_AGE] <= 0:
            # no deaths in 100+ (a small kommun): fall back on the highest rate 90–99
            m[s, MAX_AGE] = max(m[s, 90:MAX_AGE].max(), 0.5)
            notes.append(
                f"Inga dödsfall bland {sex_text[SEXES[s]]} 100 år och äldre under "
                f"{window[0]}–{window[-1]}; dödstalet där är satt till det högsta i "
                f"åldrarna 90–99 år (minst 0,5).")
    L = np.vstack([life_table(m[s], SEXES[s], RADIX)["Lx"].to_numpy() for s in range(2)])

    # migration
    with np.errstate(invalid="ignore", divide="ignore"):
        if smooth:
            risk = np.vstack([_kernel_ratio(flows["ut"][s], exposure[s], np.array([1.0, 2, 1]),
                                            0, MAX_AGE) for s in range(2)])
        else:
            risk = np.where(exposure > 0, flows["ut"] / exposure, 0.0)
    inflow = flows["in"]
    if smooth:
        inflow = np.vstack([np.convolve(inflow[s], np.array([1.0, 2, 1]) / 4, mode="same")
                            for s in range(2)])
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


# --------------------------------------------------------------------------------------
# forecast
# --------------------------------------------------------------------------------------
@dataclass
class Forecast:
    """The base forecast.

    Attributes
    ----------
    population : pandas.DataFrame
        ``ar``, ``kon``, ``alder``, ``antal``: the folkmängd on 31 December of every
        projected year.
    components : pandas.DataFrame
        The columns of the ``befolkning`` sheet, one row per projected year, ``typ`` =
        'prognos'. ``doda`` are the deaths the mortality assumption gives (see
        :func:`forecast`) and ``justering`` the residual folkmangd − the previous
        folkmangd − fodda + doda − flyttnetto, which is 0 (± rounding) when the
        projection is consistent with its own assumptions.
    assumptions : Assumptions
    """

    population: pd.DataFrame
    components: pd.DataFrame
    assumptions: Assumptions = field(repr=False)


def _array(df: pd.DataFrame, column: str) -> np.ndarray:
    out = np.zeros((2, MAX_AGE + 1))
    out[(df["kon"] == "M").to_numpy().astype(int), df["alder"].to_numpy()] = df[column].to_numpy()
    return out


def forecast(data: BefolkningData, base_year: int | None = None, horizon: int = 10,
             assumptions: Assumptions | None = None,
             extra_net_migration: float = 0.0) -> Forecast:
    """Project the folkmängd year by year with the cohort-component engine.

    Parameters
    ----------
    data : BefolkningData
    base_year : int, optional
        The jump-off year (its folkmängd on 31 December is the start); by default the
        last complete year.
    horizon : int
        Number of years to project.
    assumptions : Assumptions, optional
        By default ``estimate_assumptions(data, base_year)``.
    extra_net_migration : float
        Extra net migrants per year on top of the assumptions (a scenario), distributed
        by the in-migrants' age-sex profile; positive values are counted as extra
        in-migrants, negative ones as extra out-migrants.

    Returns
    -------
    Forecast

    Notes
    -----
    Each year: out-migrants = utflyttningsrisk × the folkmängd at the start of the year,
    in-migrants = inflyttade × inflyttningsprofil; their difference is the net migration
    by sex and age passed to :func:`analysis.befolkning.motor.project_cohort_component`
    (``width=1``, ``steps=1``), which gives the folkmängd at the end of the year and the
    births.

    The deaths are *not* a balancing item. They are computed here, independently of the
    engine's projection, from the mortality assumption and the population at risk:
    with the survival ratios S(x) = L(x+1)/L(x) of ``assumptions.nLx`` (the open group
    T(100)/(L(99) + T(100))) and the start population plus the first half of the year's
    net migrants (the engine's "even" timing),
    ``doda = Σ (P(x) + I(x)/2)·(1 − S(x)) + Σ_kön fodda·andel·(1 − L(0)/l0)``.
    ``justering`` is then the residual ``P(t) − P(t−1) − fodda + doda − flyttnetto``
    (rounded to 10⁻⁶ persons, which removes floating-point noise only):
    0 (well within ± 0,5) when the engine projects what the assumptions say; a
    projection that loses or invents people shows up there (the report's checks flag
    it).
    """
    if int(horizon) != horizon or horizon < 1:
        raise InputError(Problem(file="horizon", message=(
            f"prognosperioden måste vara ett heltal ≥ 1 år, fick {horizon!r}.")))
    if base_year is None:
        complete = _complete_years(data)
        if not complete:
            raise InputError(Problem(file="befolkning", message=(
                "det finns inget fullständigt år med befolkningsdata att utgå från.")))
        base_year = complete[-1]
    start = data.stock_by_age(base_year)
    if start is None:
        raise InputError(Problem(file="folkmangd", message=(
            f"folkmängd saknas för 31 december {base_year}, prognosens startår.")))
    if assumptions is None:
        assumptions = estimate_assumptions(data, base_year)

    risk = _array(assumptions.utflyttningsrisk, "risk")
    profile = _array(assumptions.inflyttningsprofil, "andel")
    extra_in = max(extra_net_migration, 0.0)
    extra_out = max(-extra_net_migration, 0.0)
    in_migrants = (assumptions.inflyttade + extra_in) * profile
    kon = np.repeat(np.array(SEXES, dtype=object), MAX_AGE + 1)
    alder = np.tile(AGES, 2)

    # the mortality assumption as survival ratios, for the deaths (independent of the engine)
    L = _array(assumptions.nLx, "nLx")
    surv = L[:, 1:-1] / L[:, :-2]
    surv_open = L[:, -1] / (L[:, -2] + L[:, -1])
    infant_death = (np.array([1.0, assumptions.srb]) / (1.0 + assumptions.srb)
                    * (1.0 - L[:, 0] / assumptions.radix)).sum()

    population = start
    pop_rows, comp_rows = [], []
    for year in range(base_year + 1, base_year + int(horizon) + 1):
        out_migrants = risk * population + extra_out * profile
        net = in_migrants - out_migrants
        result = project_cohort_component(
            pd.DataFrame({"kon": kon, "alder": alder, "antal": population.reshape(-1)}),
            assumptions.nLx, assumptions.asfr,
            pd.DataFrame({"kon": kon, "alder": alder, "antal": net.reshape(-1)}),
            width=1, steps=1, srb=assumptions.srb, radix=assumptions.radix)
        fodda = float(result.attrs.pop("fodda")["antal"].sum())
        new = _array(result, "antal")
        inflyttade, utflyttade = float(in_migrants.sum()), float(out_migrants.sum())
        flyttnetto = inflyttade - utflyttade
        at_risk = population + net / 2.0
        doda = ((at_risk[:, :-2] * (1.0 - surv)).sum()
                + ((at_risk[:, -2] + at_risk[:, -1]) * (1.0 - surv_open)).sum()
                + fodda * infant_death)
        folkmangd = float(new.sum())
        # the residual, to a millionth of a person (floating-point noise of ~1e-11 is
        # not shown; a projection that loses or invents people is still seen in full)
        justering = round(folkmangd - float(population.sum()) - fodda + doda - flyttnetto, 6)
        comp_rows.append({"ar": year, "folkmangd": folkmangd, "fodda": fodda,
                          "doda": float(doda), "inflyttade": inflyttade,
                          "utflyttade": utflyttade, "flyttnetto": flyttnetto,
                          "justering": float(justering), "typ": "prognos"})
        pop_rows.append(pd.DataFrame({"ar": year, "kon": kon, "alder": alder,
                                      "antal": new.reshape(-1)}))
        population = new

    components = pd.DataFrame(comp_rows, columns=SHEET_COLUMNS)
    pop = pd.concat(pop_rows, ignore_index=True)
    pop["kon"] = pop["kon"].astype(str)
    return Forecast(population=pop, components=components, assumptions=assumptions)


def befolkning_sheet(data: BefolkningData, horizon: int = 10,
                     base_year: int | None = None) -> pd.DataFrame:
    """The ``befolkning`` sheet of the export workbook.

    Parameters
    ----------
    data : BefolkningData
    horizon : int
        Years of the base projection after the jump-off year.
    base_year : int, optional
        The jump-off year (e.g. :func:`base_year` of the report's period): the history
        stops and the forecast starts there. By default the last complete year.

    Returns
    -------
    pandas.DataFrame
        Columns ``ar``, ``folkmangd``, ``fodda``, ``doda``, ``inflyttade``, ``utflyttade``,
        ``flyttnetto``, ``justering``, ``typ``: the history (:func:`yearly_components`,
        ``typ`` = 'utfall', up to the jump-off year) followed by the base forecast
        (``typ`` = 'prognos'; its ``justering`` is the residual of :func:`forecast`,
        ≈ 0). Unrounded.
    """
    history = yearly_components(data)
    if base_year is not None:
        history = history[history["ar"] <= int(base_year)]
    projection = forecast(data, base_year=base_year, horizon=horizon).components
    sheet = pd.concat([history, projection], ignore_index=True)[SHEET_COLUMNS]
    sheet["ar"] = sheet["ar"].astype(np.int64)
    return sheet
