"""The resultaträkning's previous-year column (utfall of the same months a year before)."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.ekonomi import resultat
from analysis.io.dataset import load_data


def test_previous_year_column_by_hand(tiny):
    rr = resultat.compute_resultatrakning(load_data(tiny), "2023-12").set_index("id")
    # 2022's only row: bun 5010 cost 1 000 kr in December
    assert rr.loc["kostnader", "utfall_fg_period"] == pytest.approx(-1.0)
    assert rr.loc["intakter", "utfall_fg_period"] == pytest.approx(0.0)
    assert rr.loc["arets_resultat", "utfall_fg_period"] == pytest.approx(-1.0)
    # the same months only: January–April 2022 holds nothing
    april = resultat.compute_resultatrakning(load_data(tiny), "2023-04").set_index("id")
    assert april.loc["arets_resultat", "utfall_fg_period"] == pytest.approx(0.0)


def test_no_previous_year_gives_nan(tiny):
    (tiny / "raw" / "ekonomi" / "utfall_2022.csv").unlink()
    rr = resultat.compute_resultatrakning(load_data(tiny), "2023-04")
    assert rr["utfall_fg_period"].isna().all()
    assert list(rr.columns) == ["id", "rad", *resultat.COLUMNS, "utfall_fg_period"]


def test_sample_previous_year_equals_that_years_utfall(sample_data):
    now = resultat.compute_resultatrakning(sample_data, "2023-04").set_index("id")
    before = resultat.compute_resultatrakning(sample_data, "2022-04").set_index("id")
    pd.testing.assert_series_equal(
        now["utfall_fg_period"].drop("exkl_semesterloneskuld", errors="ignore"),
        before["utfall_period"].reindex(now.index).drop("exkl_semesterloneskuld", errors="ignore"),
        check_names=False,
        atol=1e-6,
    )
