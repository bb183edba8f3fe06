"""The export workbook, read back from the file, against the ledger recomputed straight
from the input (:func:`analysis.kontroller.ekonomi.huvudbok_drift`): two independent paths."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.batch.export import export_workbook
from analysis.kontroller.ekonomi import DRIFT_COLUMNS, huvudbok_drift


@pytest.mark.parametrize("period", ["2023-04", "2023-08", "2023-12"])
def test_export_driftsredovisning_equals_the_ledger(sample_data, tmp_path, period):
    out = export_workbook(sample_data, period, tmp_path / "export.xlsx", horizon=3)
    sheet = pd.read_excel(out, sheet_name="driftsredovisning").set_index("namnd")
    ledger = huvudbok_drift(sample_data.as_of(period), period)
    assert list(sheet.index) == list(ledger.index)
    for col in DRIFT_COLUMNS:
        pd.testing.assert_series_equal(
            sheet[col].astype(float),
            ledger[col].astype(float),
            check_names=False,
            atol=0.0005,
            rtol=0,
        )
    # avvikelse columns are the difference of the two paths' figures
    assert (
        sheet["avvikelse_period"] - (ledger["utfall_period"] - ledger["budget_period"])
    ).abs().max() < 0.0005
