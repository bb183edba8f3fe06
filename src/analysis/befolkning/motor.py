"""The cohort-component population projection (kohort-komponentmetoden).

One engine, :func:`project_cohort_component`, is used by interactive users and by the
kommun forecast in :mod:`analysis.befolkning.prognos`. It follows Preston, Heuveline and Guillot
(2001), *Demography*, ch. 6:

* age groups of width *n* (1 or 5 years) equal to the projection step; the last group is
  open and its row in the life table holds T(x) instead of nLx;
* a person in age group x at the start of a step is in group x+n at its end with the
  survival ratio nL(x+n)/nLx; the last two groups are survived together into the open
  group with T(x)/(nL(x−n) + T(x));
* births over a step are n × Σ asfr × (women at start + women at end)/2 by the mother's
  age group; they are split by the sex ratio at birth (boys = births·srb/(1+srb)) and
  survive into the first age group with nL0/(n·l0) of the child's sex;
* net migrants (per step, by sex and age group) are spread evenly over the step, the
  "even" timing of the UN Population Division's ccmppWPP package: half arrive at the
  start of the step — they are added to the start population and survived with it — and
  half at the end, where they are added to the same age group of the end population.
  The women exposed to fertility are the mean of the women at the start *including the
  start half* of the migrants and the women at the end *including both halves*. The
  migrants' children are among these births (their mothers are in the exposure); the
  first age group gets the survived births plus the end half of the migrants aged 0–n,
  and nothing else. This reproduces the published Sweden 1993–1998 case of Preston,
  Heuveline and Guillot (2001), Box 6.2, as stored in ccmppWPP's test data
  ``sweden_1993`` (see ``tests/test_population_engine.py``).

Without any males (``kon == 'M'``) in ``population`` the projection is *female-dominant*:
only women are projected and returned, only the girls among the births
(births/(1+srb)) enter the first age group, and ``nLx`` rows for men are ignored.
The births reported in ``result.attrs['fodda']`` are always all births (both sexes).

Several kommuner are projected in one call when ``population`` has a ``kommun`` column:
the rate frames may have one (rates per kommun) or not (rates shared by all). The
computation is vectorised over kommun × kön × ålder and loops over steps only.

Examples
--------
A female-dominant projection with three five-year groups, the last one open:

>>> import pandas as pd
>>> pop = pd.DataFrame({"kon": "K", "alder": [0, 5, 10], "antal": [1000.0, 800.0, 600.0]})
>>> lt = pd.DataFrame({"kon": "K", "alder": [0, 5, 10],
...                    "nLx": [480_000.0, 432_000.0, 1_728_000.0]})
>>> fert = pd.DataFrame({"alder": [5, 10], "asfr": [0.1, 0.05]})
>>> res = project_cohort_component(pop, lt, fert, width=5, srb=1.0)
>>> res["antal"].round(6).tolist()
[307.2, 900.0, 1120.0]
>>> res.attrs["fodda"]["antal"].round(6).tolist()
[425.0, 215.0]
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.core.errors import MAX_LISTED_PROBLEMS, ArgumentError

__all__ = ["project_cohort_component", "SEXES"]

#: The sexes in the order used internally: women first (the female-dominant case).
SEXES: tuple[str, str] = ("K", "M")

_ALLOWED_WIDTHS = (1, 5)


# --------------------------------------------------------------------------------------
# validation helpers
# --------------------------------------------------------------------------------------
def _fel(argument: str, message: str, column: str | None = None) -> ArgumentError:
    """The error for a bad table or parameter passed to the engine (named by argument)."""
    return ArgumentError(argument, f"kolumn '{column}': {message}" if column else message)


def _require_frame(df: object, name: str, columns: list[str]) -> pd.DataFrame:
    if not isinstance(df, pd.DataFrame):
        raise _fel(name, (f"förväntade en tabell (pandas.DataFrame), fick {type(df).__name__}."))
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise _fel(
            name,
            (
                f"kolumn saknas: {', '.join(missing)} (tabellen har: "
                f"{', '.join(map(str, df.columns)) or 'inga kolumner'})."
            ),
        )
    return df


def _numeric(
    df: pd.DataFrame, name: str, column: str, *, positive: bool = False, non_negative: bool = False
) -> np.ndarray:
    values = pd.to_numeric(df[column], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    bad = ~np.isfinite(values)
    if positive:
        bad |= ~(values > 0)
        expected = "ett positivt tal"
    elif non_negative:
        bad |= values < 0
        expected = "ett tal ≥ 0"
    else:
        expected = "ett tal"
    if bad.any():
        raw = df[column].tolist()  # plain Python values: '-1.0', not 'np.float64(-1.0)'
        shown = [
            f"värdet {raw[i]!r} på rad {i + 1} i tabellen är inte {expected}"
            for i in np.flatnonzero(bad)
        ]
        rest = len(shown) - MAX_LISTED_PROBLEMS
        text = "; ".join(shown[:MAX_LISTED_PROBLEMS])
        raise _fel(name, text + (f" ... och {rest} till." if rest > 0 else "."), column=column)
    return values


def _ages(df: pd.DataFrame, name: str) -> np.ndarray:
    raw = pd.to_numeric(df["alder"], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    bad = ~np.isfinite(raw) | (raw != np.round(raw))
    if bad.any():
        vals = ", ".join(repr(df["alder"].iloc[i]) for i in np.flatnonzero(bad)[:5])
        raise _fel(
            name,
            (f"åldern måste vara ett heltal (början av åldersgruppen); fann {vals}."),
            column="alder",
        )
    return raw.astype(np.int64)


def _sexes(df: pd.DataFrame, name: str) -> np.ndarray:
    kon = df["kon"].astype(str).str.strip().str.upper().to_numpy()
    unknown = sorted(set(kon) - set(SEXES))
    if unknown:
        raise _fel(
            name,
            (f"okänt kön {', '.join(map(repr, unknown))}; kända värden: 'K', 'M'."),
            column="kon",
        )
    return kon


def _age_index(ages: np.ndarray, grid: np.ndarray, width: int, name: str) -> np.ndarray:
    idx = ages // width
    ok = (ages % width == 0) & (idx >= 0) & (idx < len(grid))
    if not ok.all():
        bad = sorted(set(ages[~ok].tolist()))
        raise _fel(
            name,
            (
                f"åldrarna {bad[:10]} finns inte bland befolkningens åldersgrupper "
                f"{grid[0]}, {grid[1]}, …, {grid[-1]} (bredd {width})."
            ),
            column="alder",
        )
    return idx


def _kommun_index(
    df: pd.DataFrame, name: str, kommuner: pd.Index | None
) -> tuple[np.ndarray | None, np.ndarray]:
    """Return (kommun index per row or None for shared rates, mask of rows to use)."""
    if "kommun" not in df.columns:
        return None, np.ones(len(df), dtype=bool)
    if kommuner is None:
        raise _fel(
            name,
            (
                "tabellen har kolumnen 'kommun' men befolkningen har den inte; lägg till "
                "'kommun' i befolkningen eller ta bort den här."
            ),
            column="kommun",
        )
    codes = kommuner.get_indexer(df["kommun"])
    present = set(codes[codes >= 0].tolist())
    missing = [k for i, k in enumerate(kommuner) if i not in present]
    if missing:
        raise _fel(
            name,
            (
                f"rader saknas för kommun {', '.join(map(str, missing[:10]))}; tabellen måste ha "
                "rader för varje kommun i befolkningen (eller sakna kolumnen 'kommun')."
            ),
            column="kommun",
        )
    return codes, codes >= 0


def _fill(
    shape: tuple[int, ...],
    index: tuple[np.ndarray, ...],
    values: np.ndarray,
    name: str,
    what: str,
    *,
    complete: bool,
) -> np.ndarray:
    """Scatter values into an array, rejecting duplicates (and holes if ``complete``)."""
    out = np.zeros(shape, dtype=float)
    count = np.zeros(shape, dtype=np.int64)
    np.add.at(count, index, 1)
    if (count > 1).any():
        raise _fel(
            name,
            (f"samma {what} förekommer på flera rader; varje kombination får bara finnas en gång."),
        )
    if complete and (count == 0).any():
        n_missing = int((count == 0).sum())
        raise _fel(
            name,
            (
                f"{n_missing} kombinationer av {what} saknas; alla åldersgrupper måste finnas "
                "för varje kön (och kommun)."
            ),
        )
    out[index] = values
    return out


# --------------------------------------------------------------------------------------
# the engine
# --------------------------------------------------------------------------------------
def project_cohort_component(
    population: pd.DataFrame,
    nLx: pd.DataFrame,  # noqa: N803 - the demographers' name, part of the data contract
    asfr: pd.DataFrame,
    net_migrants: pd.DataFrame | None = None,
    width: int = 1,
    steps: int = 1,
    srb: float = 1.05,
    radix: float = 100_000,
) -> pd.DataFrame:
    """Project a population with the cohort-component method.

    Parameters
    ----------
    population : pandas.DataFrame
        Columns ``kon`` ('K'/'M'), ``alder`` (start of the age group: 0, n, 2n, …; the
        last group is open) and ``antal``; optionally ``kommun``. Every sex present must
        have every age group (per kommun). Without any 'M' rows the projection is
        female-dominant.
    nLx : pandas.DataFrame
        Columns ``kon``, ``alder``, ``nLx``: life-table person-years in each age group for
        a life table with ``l0 = radix``; the row of the open group holds T(x). Same age
        groups as ``population``; values must be positive. Optional ``kommun``.
    asfr : pandas.DataFrame
        Columns ``alder`` (the mother's age group) and ``asfr`` (births per woman and year).
        Age groups not listed have zero fertility; the first age group must be zero.
        Optional ``kommun``.
    net_migrants : pandas.DataFrame, optional
        Columns ``kon``, ``alder``, ``antal``: net migrants during one step (may be
        negative); missing rows are zero. The same numbers are used in every step.
        Optional ``kommun``. In a female-dominant projection rows for men are ignored.
    width : {1, 5}
        Width of the age groups in years, equal to the projection step.
    steps : int
        Number of steps to project.
    srb : float
        Sex ratio at birth, boys per girl.
    radix : float
        l0 of the life table behind ``nLx``.

    Returns
    -------
    pandas.DataFrame
        Columns ``steg`` (1..steps), ``kommun`` (only if given), ``kon``, ``alder``,
        ``antal``: the population at the end of each step. ``result.attrs['fodda']`` is a
        DataFrame ``steg``, (``kommun``), ``alder`` (the mother's age group, those listed in
        ``asfr``), ``antal``: all births (boys and girls) during the step.

    Raises
    ------
    analysis.core.errors.ArgumentError
        (naming the argument) When a table lacks a column, has unknown sexes, ages that
        are not consecutive multiples of ``width`` starting at 0, missing or duplicated
        age groups, non-positive
        ``nLx`` or negative rates, or when a parameter is out of range.

    Notes
    -----
    With the survival ratios S(x) and the net migrants I(x) of one step ("even" timing:
    half at the start, half at the end), the end population is
    ``K(x+n) = (K(x) + I(x)/2)·S(x) + I(x+n)/2`` (the open group takes the last two
    groups), births are ``B = n·Σ F(x)·((K_F(x, t) + I_F(x)/2) + K_F(x, t+n))/2`` — the
    women at the start include the start half of the female migrants, those at the end
    (``K_F(x, t+n)``) include both halves — and the first group is
    ``K(0) = B·share·nL0/(n·l0) + I(0)/2``. This is the convention of
    ``project_ccmpp_z_by_z(..., mig_assumption = "even")`` in the UN Population
    Division's R package ccmppWPP; it reproduces the package's test case ``sweden_1993``
    (Preston, Heuveline and Guillot 2001, Box 6.2) to the published whole persons.
    Unlike ccmppWPP, negative end populations (large net emigration) are not replaced by
    0,0005.

    pandas cannot compare ``attrs`` that hold DataFrames: remove them
    (``result.attrs.pop('fodda')``) before ``pandas.concat`` of several results.
    """
    # ---- parameters --------------------------------------------------------------
    try:
        width_i = int(width)
    except (TypeError, ValueError):
        width_i = -1
    if width_i != width or width_i not in _ALLOWED_WIDTHS:
        raise _fel("width", (f"åldersgruppernas bredd måste vara 1 eller 5 år, fick {width!r}."))
    try:
        steps_i = int(steps)
    except (TypeError, ValueError):
        steps_i = -1
    if steps_i != steps or steps_i < 1:
        raise _fel("steps", (f"antalet steg måste vara ett heltal ≥ 1, fick {steps!r}."))
    if not (np.isfinite(srb) and srb > 0):
        raise _fel("srb", (f"könskvoten vid födseln måste vara ett positivt tal, fick {srb!r}."))
    if not (np.isfinite(radix) and radix > 0):
        raise _fel("radix", (f"livstabellens radix måste vara ett positivt tal, fick {radix!r}."))
    width, steps = width_i, steps_i

    # ---- population ----------------------------------------------------------------
    pop = _require_frame(population, "population", ["kon", "alder", "antal"])
    if pop.empty:
        raise _fel("population", "befolkningen är tom.")
    pop_kon = _sexes(pop, "population")
    pop_age = _ages(pop, "population")
    pop_antal = _numeric(pop, "population", "antal", non_negative=True)
    grid = np.unique(pop_age)
    expected = np.arange(len(grid)) * width
    if len(grid) < 2 or not np.array_equal(grid, expected):
        raise _fel(
            "population",
            (
                f"åldrarna måste vara på varandra följande multiplar av bredden {width} med "
                f"början i 0 (minst två grupper, den sista öppen); fann {grid[:12].tolist()}"
                f"{' …' if len(grid) > 12 else ''}."
            ),
            column="alder",
        )
    n_age = len(grid)
    if "K" not in set(pop_kon):
        raise _fel(
            "population",
            ("befolkningen saknar kvinnor ('K'); födslarna beräknas från kvinnorna."),
            column="kon",
        )
    sexes = ["K", "M"] if "M" in set(pop_kon) else ["K"]
    n_sex = len(sexes)

    if "kommun" in pop.columns:
        kommuner: pd.Index | None = pd.Index(pd.unique(pop["kommun"]))
        pop_c = kommuner.get_indexer(pop["kommun"])
    else:
        kommuner = None
        pop_c = np.zeros(len(pop), dtype=np.int64)
    n_kom = 1 if kommuner is None else len(kommuner)
    pop_s = (pop_kon == "M").astype(np.int64)
    what = "kön och ålder" + (" och kommun" if kommuner is not None else "")
    pop_arr = _fill(
        (n_kom, n_sex, n_age),
        (pop_c, pop_s, pop_age // width),
        pop_antal,
        "population",
        what,
        complete=True,
    )

    # ---- nLx -------------------------------------------------------------------------
    lt = _require_frame(nLx, "nLx", ["kon", "alder", "nLx"])
    lt_kon = _sexes(lt, "nLx")
    lt_c, use = _kommun_index(lt, "nLx", kommuner)
    use = use & np.isin(lt_kon, sexes)
    lt = lt.loc[use]
    lt_kon = lt_kon[use]
    lt_c = None if lt_c is None else lt_c[use]
    for k in sexes:
        if k not in set(lt_kon):
            raise _fel(
                "nLx", (f"livstabell saknas för kön '{k}', som finns i befolkningen."), column="kon"
            )
    lt_age = _age_index(_ages(lt, "nLx"), grid, width, "nLx")
    lt_val = _numeric(lt, "nLx", "nLx", positive=True)
    lt_kom = n_kom if lt_c is not None else 1
    lt_s = (lt_kon == "M").astype(np.int64)
    L = _fill(
        (lt_kom, n_sex, n_age),
        (lt_c if lt_c is not None else np.zeros(len(lt), np.int64), lt_s, lt_age),
        lt_val,
        "nLx",
        "kön och ålder" + (" och kommun" if lt_c is not None else ""),
        complete=True,
    )

    # ---- asfr ------------------------------------------------------------------------
    fr = _require_frame(asfr, "asfr", ["alder", "asfr"])
    fr_c, use = _kommun_index(fr, "asfr", kommuner)
    fr = fr.loc[use]
    fr_c = None if fr_c is None else fr_c[use]
    fr_age = _age_index(_ages(fr, "asfr"), grid, width, "asfr")
    fr_val = _numeric(fr, "asfr", "asfr", non_negative=True)
    fr_kom = n_kom if fr_c is not None else 1
    F = _fill(
        (fr_kom, n_age),
        (fr_c if fr_c is not None else np.zeros(len(fr), np.int64), fr_age),
        fr_val,
        "asfr",
        "ålder" + (" och kommun" if fr_c is not None else ""),
        complete=False,
    )
    if (F[:, 0] != 0).any():
        raise _fel(
            "asfr", ("fruktsamheten i den första åldersgruppen måste vara 0."), column="asfr"
        )
    birth_idx = np.unique(fr_age)

    # ---- net migrants ----------------------------------------------------------------
    if net_migrants is None:
        mig_half = np.zeros((1, n_sex, n_age))
    else:
        mg = _require_frame(net_migrants, "net_migrants", ["kon", "alder", "antal"])
        mg_kon = _sexes(mg, "net_migrants")
        mg_c, use = _kommun_index(mg, "net_migrants", kommuner)
        use = use & np.isin(mg_kon, sexes)
        mg = mg.loc[use]
        mg_kon = mg_kon[use]
        mg_c = None if mg_c is None else mg_c[use]
        mg_age = _age_index(_ages(mg, "net_migrants"), grid, width, "net_migrants")
        mg_val = _numeric(mg, "net_migrants", "antal")
        mg_kom = n_kom if mg_c is not None else 1
        mg_s = (mg_kon == "M").astype(np.int64)
        mig = _fill(
            (mg_kom, n_sex, n_age),
            (mg_c if mg_c is not None else np.zeros(len(mg), np.int64), mg_s, mg_age),
            mg_val,
            "net_migrants",
            "kön och ålder" + (" och kommun" if mg_c is not None else ""),
            complete=False,
        )
        mig_half = mig / 2.0

    # ---- survival ratios -------------------------------------------------------------
    surv = L[..., 1:-1] / L[..., :-2]  # group i -> i+1, i = 0..A-3
    surv_open = L[..., -1] / (L[..., -2] + L[..., -1])  # last two groups -> open group
    first = L[..., 0] / (width * radix)  # births -> first age group
    share = np.array([1.0 / (1.0 + srb), srb / (1.0 + srb)])[:n_sex]
    birth_factor = share * first  # (kom, sex)

    # ---- projection: loop over steps only ---------------------------------------------
    out = np.empty((steps, n_kom, n_sex, n_age))
    births = np.empty((steps, n_kom, n_age))
    current = pop_arr
    for t in range(steps):
        start = current + mig_half
        end = np.empty_like(current)
        end[..., 1:-1] = start[..., :-2] * surv
        end[..., -1] = (start[..., -2] + start[..., -1]) * surv_open
        end[..., 1:] += mig_half[..., 1:]
        # women exposed: start incl. the start half of the migrants, end incl. both
        by_age = width * F * (start[:, 0, :] + end[:, 0, :]) / 2.0
        by_age[:, 0] = 0.0
        total = by_age.sum(axis=1)
        end[..., 0] = total[:, None] * birth_factor + mig_half[..., 0]
        out[t] = end
        births[t] = by_age
        current = end

    # ---- tidy output ------------------------------------------------------------------
    cells = n_kom * n_sex * n_age
    data: dict[str, np.ndarray] = {"steg": np.repeat(np.arange(1, steps + 1), cells)}
    if kommuner is not None:
        data["kommun"] = np.tile(np.repeat(kommuner.to_numpy(), n_sex * n_age), steps)
    data["kon"] = np.tile(np.repeat(np.array(sexes, dtype=object), n_age), steps * n_kom)
    data["alder"] = np.tile(grid, steps * n_kom * n_sex)
    data["antal"] = out.reshape(-1)
    result = pd.DataFrame(data)

    b = births[:, :, birth_idx]
    nb = len(birth_idx)
    bdata: dict[str, np.ndarray] = {"steg": np.repeat(np.arange(1, steps + 1), n_kom * nb)}
    if kommuner is not None:
        bdata["kommun"] = np.tile(np.repeat(kommuner.to_numpy(), nb), steps)
    bdata["alder"] = np.tile(grid[birth_idx], steps * n_kom)
    bdata["antal"] = b.reshape(-1)
    result.attrs["fodda"] = pd.DataFrame(bdata)
    return result
