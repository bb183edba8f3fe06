"""As of the period's end: a report for period P uses only what was known at P's last day.

The property: deleting every input row dated after P from the raw files changes nothing
in the export workbook or in any report for P. The truncation here is the test's own,
working on the raw text files (not on :func:`analysis.io.dataset.dated_mask`), so the test
and the product reach the cut by two paths.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis.batch.export import export_tables
from analysis.core.period import Period
from analysis.io.dataset import dated_mask, load_data
from tests.conftest import ROOT, SAMPLE_RAW


# --- the date of a row, kind by kind (hand-made frames) ------------------------------------
def test_dated_mask_by_kind():
    cut = Period(2023, 4)
    assert dated_mask(
        "utfall", pd.DataFrame({"period": [202303, 202304, 202305]}), cut
    ).tolist() == [True, True, False]
    assert dated_mask("budget", pd.DataFrame({"ar": [2022, 2023, 2024]}), cut).tolist() == [
        True,
        True,
        False,
    ]
    prognos = pd.DataFrame({"ar": [2022, 2023, 2023, 2024], "prognosmanad": [11, 4, 5, 1]})
    assert dated_mask("prognos", prognos, cut).tolist() == [True, True, False, False]
    # a stock without month is 31 December; a month's stock is that month's end
    folk = pd.DataFrame({"ar": [2022, 2023, 2023, 2023], "manad": [12, 4, 5, 12]})
    assert dated_mask("folkmangd", folk, cut).tolist() == [True, True, False, False]
    # a yearly total of events is known when the year is over
    fodda = pd.DataFrame(
        {"ar": [2022, 2023, 2023], "manad": pd.array([pd.NA, 3, pd.NA], dtype="Int64")}
    )
    assert dated_mask("fodda", fodda, cut).tolist() == [True, True, False]
    assert dated_mask("fodda", fodda, Period(2023, 12)).tolist() == [True, True, True]
    # a dated goal row by its month; an undated one (the year's goal) from its year
    mal = pd.DataFrame({"ar": [2023, 2023, 2023, 2024], "period": [202304, 202308, 0, 0]})
    assert dated_mask("matetal", mal, cut).tolist() == [True, False, True, False]
    assert dated_mask("kontoplan", pd.DataFrame({"konto_fran": [3000]}), cut).tolist() == [True]


def test_as_of_is_lazy_and_never_widens(tiny):
    data = load_data(tiny)
    april = data.as_of("2023-04")
    assert april.cutoff == Period(2023, 4)
    assert int(april.utfall["period"].max()) == 202304
    assert int(april.prognos["prognosmanad"].max()) == 4  # May's forecast is later
    assert april.as_of("2023-12").cutoff == Period(2023, 4)  # cannot see more
    assert april.as_of("2023-02").cutoff == Period(2023, 2)
    assert data.cutoff is None and int(data.utfall["period"].max()) == 202305


# --- truncating raw files (the test's own rule) ----------------------------------------------
def _read(path: Path) -> pd.DataFrame:
    import gzip

    opener = gzip.open if path.name.lower().endswith(".gz") else open
    with opener(path, "rb") as f:
        header = f.readline()
    sep = max((";", ",", "\t"), key=lambda c: header.count(c.encode()))
    for encoding in ("utf-8-sig", "cp1252"):  # the sample has files of both
        try:
            return pd.read_csv(
                path,
                sep=sep,
                dtype=str,
                encoding=encoding,
                keep_default_na=False,
                compression="infer",
            )
        except UnicodeDecodeError:
            continue
    raise AssertionError(f"{path}: neither UTF-8 nor Windows-1252")


def _keep(kind: str, df: pd.DataFrame, p: Period) -> np.ndarray:
    cols = {c.strip().lower(): c for c in df.columns}

    def num(c: str) -> pd.Series:
        return pd.to_numeric(df[cols[c]].str.strip().replace("", np.nan), errors="coerce")

    if kind in ("folkmangd", "fodda", "doda", "flyttningar"):
        month = num("manad").fillna(12) if "manad" in cols else 12
        return ((num("ar") * 100 + month) <= p.code).to_numpy()
    if kind == "prognos":
        return ((num("ar") * 100 + num("prognosmanad")) <= p.code).to_numpy()
    if kind == "matetal":
        per = df[cols["period"]].str.strip()
        dated = per != ""
        return np.where(
            dated,
            per.str.replace("-", "").replace("", "0").astype(int) <= p.code,
            num("ar") <= p.year,
        )
    if "period" in cols:
        return (df[cols["period"]].str.strip().str[:7] <= str(p)).to_numpy()
    if "ar" in cols:
        return (num("ar") <= p.year).to_numpy()
    return np.ones(len(df), dtype=bool)


def truncated_copy(raw: Path, dest: Path, p: Period) -> int:
    """Copy ``raw`` to ``dest`` without the rows dated after ``p``; return rows dropped."""
    shutil.copytree(raw, dest)
    dropped = 0
    for path in sorted(dest.rglob("*")):
        if not path.is_file() or path.name.startswith("organisation"):
            continue
        name = path.name.lower()
        if not (name.endswith(".csv") or name.endswith(".csv.gz")):
            continue
        kind = name.split(".")[0].split("_")[0]
        df = _read(path)
        keep = _keep(kind, df, p)
        if keep.all():
            continue
        dropped += int((~keep).sum())
        df[keep].to_csv(
            path,
            sep=";",
            index=False,
            encoding="utf-8",
            compression="gzip" if name.endswith(".gz") else None,
        )
    return dropped


def assert_same_tables(a: dict[str, pd.DataFrame], b: dict[str, pd.DataFrame]) -> None:
    assert a.keys() == b.keys()
    for name in a:
        pd.testing.assert_frame_equal(
            a[name].reset_index(drop=True),
            b[name].reset_index(drop=True),
            check_dtype=False,
            obj=name,
        )


@pytest.fixture(scope="module")
def sample_dirs(tmp_path_factory):
    """The sample, and copies of it truncated at April and at August 2023."""
    base = tmp_path_factory.mktemp("asof")
    dirs = {"full": base / "full"}
    shutil.copytree(SAMPLE_RAW, dirs["full"] / "raw")
    for p in ("2023-04", "2023-08"):
        dirs[p] = base / p
        assert truncated_copy(SAMPLE_RAW, dirs[p] / "raw", Period.parse(p)) > 1000
    return dirs


@pytest.mark.parametrize("period", ["2023-04", "2023-08"])
def test_export_unchanged_by_deleting_later_rows(sample_dirs, period):
    full = export_tables(load_data(sample_dirs["full"]), period)
    cut = export_tables(load_data(sample_dirs[period]), period)
    assert_same_tables(full, cut)
    # the population sheet ends with the last 31 December known in the period
    bef = full["befolkning"]
    assert int(bef.loc[bef["typ"] == "utfall", "ar"].max()) == 2022
    assert int(bef.loc[bef["typ"] == "prognos", "ar"].min()) == 2023


@pytest.fixture(scope="module")
def full_sample(sample_dirs):
    return load_data(sample_dirs["full"])


@settings(
    max_examples=3, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(code=st.sampled_from([202102, 202106, 202112, 202203, 202209, 202301, 202305, 202311]))
def test_property_export_unchanged_for_any_period(tmp_path_factory, full_sample, code):
    p = Period.from_code(code)
    dest = tmp_path_factory.mktemp(f"cut{code}")
    truncated_copy(SAMPLE_RAW, dest / "raw", p)
    assert_same_tables(export_tables(full_sample, p), export_tables(load_data(dest), p))


def test_tiny_kommun_future_rows_are_ignored(tiny, tmp_path):
    # the tiny kommun has a May utfall of 999 999 kr and a May forecast of 2 000 000 kr
    # (its population has one year only: no forecast, so the economy is compared)
    from analysis.ekonomi.drift import compute_driftsredovisning

    full = compute_driftsredovisning(load_data(tiny).as_of("2023-04"), "2023-04")
    cut_dir = tmp_path / "cut"
    truncated_copy(tiny / "raw", cut_dir / "raw", Period(2023, 4))
    pd.testing.assert_frame_equal(full, compute_driftsredovisning(load_data(cut_dir), "2023-04"))
    bun = full.set_index("namnd").loc["bun"]
    assert bun["prognos_helar"] == pytest.approx(-1170.0)  # April's, not May's


# --- every report ------------------------------------------------------------------------------
REPORTS = [
    ("kommun", {}),
    ("kortversion", {}),
    ("namnd", {"namnd": "bun"}),
    ("ekonomi", {"namnd": "bun"}),
    ("personal", {}),
    ("befolkning", {}),
]


def _outputs(nb: dict) -> list:
    """What a reader sees: text, markdown, charts and table data of every output (the
    charts' SVG is made reproducible by the test's matplotlibrc and SOURCE_DATE_EPOCH)."""
    out = []
    for cell in nb["cells"]:
        for o in cell.get("outputs", []):
            if o.get("output_type") == "stream":
                out.append(("stream", o.get("text")))
            data = o.get("data") or {}
            for mime in (
                "text/markdown",
                "image/svg+xml",
                "application/vnd.kommun-analysis.table+json",
                "application/vnd.kommun-analysis.checks+json",
            ):
                if mime in data:
                    out.append((mime, json.dumps(data[mime], sort_keys=True)))
    return out


@pytest.mark.parametrize("notebook,params", REPORTS, ids=[r[0] for r in REPORTS])
def test_reports_unchanged_by_deleting_later_rows(
    sample_dirs, tmp_path, monkeypatch, notebook, params
):
    import papermill as pm

    rc = tmp_path / "mpl"
    rc.mkdir()
    (rc / "matplotlibrc").write_text("svg.hashsalt: as-of-test\n", encoding="utf-8")
    monkeypatch.setenv("MPLCONFIGDIR", str(rc))  # the kernels inherit these
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")

    period = "2023-04"
    runs = []
    for which in ("full", period):
        data_dir = sample_dirs[which]
        out = tmp_path / f"{notebook}-{which.replace('-', '')}.ipynb"
        pm.execute_notebook(
            str(ROOT / "notebooks" / f"{notebook}.ipynb"),
            str(out),
            parameters={"period": period, "data_dir": str(data_dir), **params},
            cwd=str(ROOT / "notebooks"),
            kernel_name="python3",
            progress_bar=False,
        )
        runs.append(_outputs(json.loads(out.read_text(encoding="utf-8"))))
    assert len(runs[0]) > 3
    assert runs[0] == runs[1]


def test_an_extra_column_named_like_a_date_is_not_a_date(tiny):
    """A drill-down column called ``period`` in a budget file (text, as extra columns are
    kept) must neither break the cut nor filter rows: budgets are dated by ``ar``."""
    from analysis.ekonomi.drift import compute_driftsredovisning

    budget = tiny / "raw" / "ekonomi" / "budget.csv"
    lines = budget.read_text(encoding="utf-8").splitlines()
    budget.write_text(
        "\n".join([lines[0] + ",period"] + [x + ",helår" for x in lines[1:]]) + "\n",
        encoding="utf-8",
    )
    data = load_data(tiny)
    assert "period" in data.budget.columns
    drift = compute_driftsredovisning(data.as_of("2023-04"), "2023-04").set_index("namnd")
    assert drift.loc["bun", "budget_helar"] == pytest.approx(-1140.0)
    kontoplan = pd.DataFrame({"konto_fran": [3000], "konto_till": [3999], "ar": [2099]})
    assert dated_mask("kontoplan", kontoplan, Period(2023, 4)).tolist() == [True]
