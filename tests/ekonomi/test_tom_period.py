"""A period without data is refused with a clear Swedish message — in every notebook and in
``analysis run`` — instead of rendering zeros and "Alla kontroller stämmer"."""

from __future__ import annotations

import shutil

import pytest

from analysis.cli import main
from tests.conftest import ROOT

NOTEBOOKS = [
    ("namnd", {"namnd": "bun"}),
    ("ekonomi", {"namnd": "bun"}),
    ("kommun", {}),
    ("kortversion", {}),
    ("personal", {}),
    ("befolkning", {}),
]


@pytest.mark.parametrize("notebook,params", NOTEBOOKS, ids=[n for n, _ in NOTEBOOKS])
def test_every_notebook_refuses_a_period_without_utfall(sample_dir, tmp_path, notebook, params):
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    with pytest.raises(PapermillExecutionError) as err:
        pm.execute_notebook(
            str(ROOT / "notebooks" / f"{notebook}.ipynb"),
            str(tmp_path / "out.ipynb"),
            parameters={"period": "2024-04", "data_dir": str(sample_dir), **params},
            cwd=str(ROOT / "notebooks"),
            kernel_name="python3",
            progress_bar=False,
        )
    text = str(err.value)
    assert "Det finns inget utfall för april 2024" in text
    assert "senaste månad med utfall: december 2023" in text


def test_run_refuses_a_period_without_utfall(sample_dir, tmp_path, capsys):
    code = main(
        [
            "run",
            "--period",
            "2024-04",
            "--data-dir",
            str(sample_dir),
            "--reports-dir",
            str(tmp_path / "reports"),
        ]
    )
    err = capsys.readouterr().err
    assert code == 2
    assert "Det finns inget utfall för april 2024" in err
    assert not (tmp_path / "reports" / "2024-04").exists()  # nothing written


def test_utfall_without_budget_or_forecast_is_warned(sample_dir, tmp_path, capsys):
    from analysis.rapport.notebook import open_data

    data_dir = tmp_path / "data"
    shutil.copytree(sample_dir / "raw", data_dir / "raw")
    for name in ("budget_2023.csv",):
        (data_dir / "raw" / "ekonomi" / name).unlink()
    prognos = data_dir / "raw" / "ekonomi" / "prognos.csv"
    lines = prognos.read_text(encoding="utf-8-sig").splitlines()
    prognos.write_text(
        "\n".join([lines[0]] + [x for x in lines[1:] if not x.startswith("2023")]) + "\n",
        encoding="utf-8",
    )
    open_data(data_dir, "2023-04")
    err = capsys.readouterr().err
    assert "VARNING" in err and "driftbudget för 2023" in err
    assert "prognos" in err


def test_export_refuses_a_period_without_utfall(sample_dir, tmp_path, capsys):
    out = tmp_path / "export.xlsx"
    code = main(["export", "--period", "2024-04", "--data-dir", str(sample_dir), "--out", str(out)])
    assert code == 2 and not out.exists()
    assert "Det finns inget utfall för april 2024" in capsys.readouterr().err
