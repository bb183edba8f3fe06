"""Population (befolkning): the data, the history and the year to date.

The input is :class:`BefolkningData`, the four processed population tables of the data
contract. From it this module computes

* :func:`yearly_components` — folkmängd on 31 December and the year's components of
  change (födda, döda, in- och utflyttade) with the unexplained rest (``justering``);
* :func:`period_components` — the development from New Year up to a month, as in the
  delårsrapport ("Befolkningen har minskat med 2 personer sedan årsskiftet …"), or the
  last complete year when the period's monthly data are missing (``attrs`` say which);
* :func:`base_year` — the forecast's jump-off year for a report period: the last
  31 December at or before the period's end;
* :func:`complete_years`, :func:`last_complete_year` and :func:`annual_rows`, the
  building blocks the assumptions (:mod:`analysis.befolkning.antaganden`) and the
  forecast (:mod:`analysis.befolkning.prognos`) share.

Conventions
-----------
Ages are whole years 0–100 (100 = 100 and older). The folkmängd on 31 December is by age
in completed years; the flows are by the age reached during the year (SCB's "uppnådd
ålder under året", = age on 31 December), which is the same number for a person's
birth cohort. Rates are "medelfolkmängd" rates: the year's events at age *x* divided by
the mean of the folkmängd aged *x* on 31 December of the year before and of the year;
the half-year difference between the two age definitions is not corrected for.

A problem in the content of a table is an :class:`~analysis.core.errors.InputError` that
names the table as the loaders show its files (``befolkning/folkmangd``, …).
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.core.errors import ArgumentError, InputError, ModellError, Problem
from analysis.core.period import MONTH_NAMES

__all__ = [
    "AGES",
    "MAX_AGE",
    "LAN_SPLIT",
    "OMRADEN",
    "PERIOD_COMPONENTS",
    "RIKTNINGAR",
    "SEXES",
    "SHEET_COLUMNS",
    "BefolkningData",
    "annual_rows",
    "base_year",
    "complete_years",
    "last_complete_year",
    "period_components",
    "table_file",
    "yearly_components",
]

SEXES = ("K", "M")
#: The areas of ``flyttningar``: domestic moves either split by län (``inom_lanet``,
#: ``annat_lan``) or, as SCB's BE0101 tables give them, not split (``inrikes``); moves
#: abroad ``utlandet``.
OMRADEN = ("inom_lanet", "annat_lan", "inrikes", "utlandet")
#: The areas that split the domestic moves by län.
LAN_SPLIT = ("inom_lanet", "annat_lan")
RIKTNINGAR = ("in", "ut")
MAX_AGE = 100
AGES = np.arange(MAX_AGE + 1)

#: Columns of the ``befolkning`` sheet, in order.
SHEET_COLUMNS = [
    "ar",
    "folkmangd",
    "fodda",
    "doda",
    "inflyttade",
    "utflyttade",
    "flyttnetto",
    "justering",
    "typ",
]

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
    "flyttnetto_inrikes": "Flyttnetto inrikes",
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
def table_file(name: str) -> str:
    """The population table ``name`` as the loaders show its files: ``befolkning/folkmangd``.

    >>> table_file("fodda")
    'befolkning/fodda'
    """
    return f"befolkning/{name}"


def _require_columns(df: object, name: str, columns: list[str]) -> pd.DataFrame:
    if not isinstance(df, pd.DataFrame):
        raise ArgumentError(
            name, (f"förväntade en tabell (pandas.DataFrame), fick {type(df).__name__}.")
        )
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise InputError(
            Problem(
                file=table_file(name),
                message=(
                    f"kolumn saknas: {', '.join(missing)} (tabellen har: "
                    f"{', '.join(map(str, df.columns)) or 'inga kolumner'})."
                ),
            )
        )
    return df


def _check_values(df: pd.DataFrame, name: str, column: str, allowed: tuple[str, ...]) -> None:
    unknown = sorted(set(df[column].dropna().astype(str)) - set(allowed))
    if unknown or df[column].isna().any():
        shown = ", ".join(map(repr, unknown)) if unknown else "tomma värden"
        raise InputError(
            Problem(
                file=table_file(name),
                column=column,
                message=(f"okända värden {shown}; kända värden: {', '.join(map(repr, allowed))}."),
            )
        )


def _integer_column(
    df: pd.DataFrame, name: str, column: str, lo: int, hi: int, nullable: bool = False
) -> pd.Series:
    values = pd.to_numeric(df[column], errors="coerce")
    bad = values.notna() & ((values != values.round()) | (values < lo) | (values > hi))
    if not nullable:
        bad |= values.isna()
    if bad.any():
        shown = ", ".join(repr(v) for v in df.loc[bad, column].head(5))
        raise InputError(
            Problem(
                file=table_file(name),
                column=column,
                message=(
                    f"ogiltiga värden {shown}; förväntade heltal {lo}–{hi}"
                    f"{' eller tomt' if nullable else ''}."
                ),
            )
        )
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
            df = _require_columns(getattr(self, name), name, list(columns)).copy()
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
                shown = ", ".join(
                    repr(v) for v in df.loc[antal.isna() | (antal < 0), "antal"].head(5)
                )
                raise InputError(
                    Problem(
                        file=table_file(name),
                        column="antal",
                        message=(f"ogiltiga värden {shown}; förväntade ett antal ≥ 0."),
                    )
                )
            df["antal"] = antal.astype(float)
            setattr(self, name, df.reset_index(drop=True))

    @classmethod
    def from_frames(cls, frames: Mapping[str, pd.DataFrame]) -> BefolkningData:
        """Build from a mapping with the keys ``folkmangd``, ``fodda``, ``doda``,
        ``flyttningar`` (e.g. the raw tables of
        :func:`analysis.sample.befolkning.generate_befolkning`)."""
        missing = [k for k in _REQUIRED if k not in frames]
        if missing:
            raise ArgumentError("frames", f"tabell saknas: {', '.join(missing)}.")
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
        np.add.at(
            out,
            ((rows["kon"] == "M").to_numpy().astype(int), rows["alder"].to_numpy()),
            rows["antal"].to_numpy(),
        )
        return out


# --------------------------------------------------------------------------------------
# flows: which years are complete, annual sums, period sums
# --------------------------------------------------------------------------------------
def _flow_frames(data: BefolkningData) -> dict[str, pd.DataFrame]:
    return {"fodda": data.fodda, "doda": data.doda, "flyttningar": data.flyttningar}


def annual_rows(df: pd.DataFrame) -> pd.DataFrame:
    """The rows of a flow table (``fodda``, ``doda``, ``flyttningar`` of
    :class:`BefolkningData`) that make up each year's total: the annual rows (``manad``
    empty) if the year has any, else the monthly rows."""
    annual = df["manad"].isna()
    years_with_annual = set(df.loc[annual, "ar"])
    return df[annual | ~df["ar"].isin(years_with_annual)]


def complete_years(data: BefolkningData) -> list[int]:
    """The years, in order, whose flows are complete (annual totals or all 12 months) and
    that have a folkmängd on 31 December."""
    frames = _flow_frames(data)
    months: dict[int, set[int]] = {}
    for df in frames.values():
        monthly = df[df["manad"].notna()]
        for year, m in zip(monthly["ar"], monthly["manad"], strict=True):
            months.setdefault(int(year), set()).add(int(m))
    stock_years = set(data.folkmangd.loc[data.folkmangd["manad"] == 12, "ar"])
    complete: list[int] = []
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


def last_complete_year(data: BefolkningData) -> int:
    """The last of :func:`complete_years`: the default jump-off year of a forecast.

    Raises
    ------
    analysis.core.errors.ModellError
        If no year is complete.
    """
    complete = complete_years(data)
    if not complete:
        raise ModellError("det finns inget fullständigt år med befolkningsdata att utgå från.")
    return complete[-1]


def _year_totals(data: BefolkningData) -> pd.DataFrame:
    """fodda, doda, inflyttade, utflyttade by year (all years with any flows)."""
    fodda = annual_rows(data.fodda).groupby("ar")["antal"].sum()
    doda = annual_rows(data.doda).groupby("ar")["antal"].sum()
    fl = annual_rows(data.flyttningar)
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
    years = complete_years(data)
    totals = _year_totals(data).reindex(years).fillna(0.0)
    rows = []
    for year in years:
        stock = data.stock_total(year)
        previous = data.stock_total(year - 1)
        t = totals.loc[year]
        netto = t["inflyttade"] - t["utflyttade"]
        just = np.nan if previous is None else stock - previous - (t["fodda"] - t["doda"] + netto)
        rows.append(
            {
                "ar": year,
                "folkmangd": stock,
                "fodda": t["fodda"],
                "doda": t["doda"],
                "inflyttade": t["inflyttade"],
                "utflyttade": t["utflyttade"],
                "flyttnetto": netto,
                "justering": just,
                "typ": "utfall",
            }
        )
    out = pd.DataFrame(rows, columns=SHEET_COLUMNS)
    out["ar"] = out["ar"].astype(np.int64)
    for c in SHEET_COLUMNS[1:-1]:
        out[c] = out[c].astype(float)
    return out


def period_components(
    data: BefolkningData, year: int, month: int, *, fallback: bool = True
) -> pd.DataFrame:
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
        ``flyttnetto_inom_lanet``, ``flyttnetto_annat_lan`` (NaN when any domestic move of
        the period is given only as ``inrikes``: the split by län is then not known and
        is not invented), ``flyttnetto_inrikes`` (all domestic moves: ``inrikes`` plus
        the two län parts), ``flyttnetto_utlandet``, and ``justering`` = forandring −
        fodelsenetto − flyttnetto (changes the flows do not explain, e.g. register
        corrections).

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
    analysis.core.errors.ArgumentError
        If ``month`` is not 1–12.
    analysis.core.errors.InputError
        If the data do not cover the period and (with ``fallback``) there is no complete
        year before it either.
    """
    if not (isinstance(month, (int, np.integer)) and 1 <= month <= 12):
        raise ArgumentError("month", f"månaden måste vara ett heltal 1–12, fick {month!r}.")
    year, month = int(year), int(month)
    problem = _period_gap(data, year, month)
    if problem is None:
        out = _period_table(data, year, month)
        out.attrs.update(
            grund="manad", ar=year, manad=month, beskrivning=_period_description(year, month)
        )
        return out
    usable = [
        y for y in complete_years(data) if y < year and data.stock_total(y - 1, 12) is not None
    ]
    if not fallback or not usable:
        raise InputError(problem)
    shown = usable[-1]
    out = _period_table(data, shown, 12)
    what = f"helåret {year}" if month == 12 else f"januari–{MONTH_NAMES[month - 1]} {year}"
    out.attrs.update(
        grund="ar",
        ar=shown,
        manad=12,
        beskrivning=(
            f"Befolkningsuppgifter per månad saknas för {what}; tabellen visar helåret "
            f"{shown} (folkmängd 31 december {shown})."
        ),
    )
    return out


def _period_description(year: int, month: int) -> str:
    if month == 12:
        return f"Tabellen visar helåret {year} (folkmängd 31 december {year})."
    day = calendar.monthrange(year, month)[1]
    return (
        f"Tabellen visar januari–{MONTH_NAMES[month - 1]} {year} (folkmängd "
        f"{day} {MONTH_NAMES[month - 1]} {year}) från befolkningsuppgifter per månad."
    )


def _period_gap(data: BefolkningData, year: int, month: int) -> Problem | None:
    """Why the data do not cover January–``month`` of ``year``, or None if they do."""
    for y, m in ((year, month), (year - 1, 12)):
        if data.stock_total(y, m) is None:
            return Problem(
                file=table_file("folkmangd"),
                message=(
                    f"folkmängd saknas för {y}-{m:02d}; den behövs för perioden "
                    f"januari–{MONTH_NAMES[month - 1]} {year}."
                ),
            )
    covered: set[int] = set()
    monthly_tables: list[str] = []
    all_annual = True
    for name, df in _flow_frames(data).items():
        rows = df[df["ar"] == year]
        has_annual = bool(rows["manad"].isna().any())
        if month == 12 and has_annual:
            continue  # the year's totals, dated 31 December
        all_annual = False
        # only the months of the period: later rows (and a later annual total) are
        # not looked at, so they cannot change the outcome
        monthly = rows[rows["manad"].notna() & (rows["manad"] <= month)]
        if monthly.empty:
            if has_annual:
                return Problem(
                    file=table_file(name),
                    column="manad",
                    message=(
                        f"år {year} finns bara som helårssiffror; perioden januari–"
                        f"{MONTH_NAMES[month - 1]} kräver månadsuppgifter."
                    ),
                )
            return Problem(file=table_file(name), message=f"uppgifter saknas för år {year}.")
        covered |= set(monthly["manad"].astype(int))
        monthly_tables.append(table_file(name))
    if not all_annual and not set(range(1, month + 1)) <= covered:
        missing = sorted(set(range(1, month + 1)) - covered)
        return Problem(
            file=", ".join(monthly_tables),
            column="manad",
            message=(f"månadsuppgifter saknas för {year}: månad {', '.join(map(str, missing))}."),
        )
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
    split_unknown = bool((fl["omrade"] == "inrikes").any())
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
        "flyttnetto_inom_lanet": np.nan if split_unknown else netto_by["inom_lanet"],
        "flyttnetto_annat_lan": np.nan if split_unknown else netto_by["annat_lan"],
        "flyttnetto_inrikes": netto_by["inrikes"] + netto_by["inom_lanet"] + netto_by["annat_lan"],
        "flyttnetto_utlandet": netto_by["utlandet"],
        "justering": forandring - (fodda - doda) - netto,
    }
    return pd.DataFrame(
        {
            "komponent": list(PERIOD_COMPONENTS),
            "text": list(PERIOD_COMPONENTS.values()),
            "antal": [float(values[k]) for k in PERIOD_COMPONENTS],
        }
    )


def base_year(data: BefolkningData, year: int, month: int = 12) -> int:
    """The forecast's jump-off year for a report on January–``month`` of ``year``: the
    last complete year (:func:`yearly_components`) whose 31 December is at or before
    the period's end — ``year`` itself only for December, else at most ``year − 1``.

    Rows dated after the period cannot change it (for an April 2023 report it is 2022
    whether or not the data already hold 31 December 2023).

    Raises
    ------
    analysis.core.errors.ModellError
        If no complete year ends at or before the period's end.
    """
    last = int(year) if int(month) == 12 else int(year) - 1
    complete = [y for y in complete_years(data) if y <= last]
    if not complete:
        raise ModellError(
            f"inget fullständigt år med befolkningsdata till och med {last} att utgå från "
            f"för perioden januari–{MONTH_NAMES[int(month) - 1]} {year}."
        )
    return complete[-1]
