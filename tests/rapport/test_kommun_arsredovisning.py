"""The kommun notebook as delår 2 and årsredovisning: for 2023-08 and 2023-12 of the
sample it runs (Papermill, the real notebook) with every section of the statutory report —
balansräkning, kassaflödesanalys, balanskravsutredning, finansiella mål,
pensionsförpliktelser, bolagen, sysselsättning, personalstruktur and the follow-up per
KF-mål — and every one of its checks holds."""

from __future__ import annotations

import json

import pytest

from tests.conftest import ROOT

TABELLER = {
    "resultatrakning",
    "balansrakning",
    "kassaflodesanalys",
    "balanskravsutredning",
    "finansiella-mal",
    "pensionsforpliktelser",
    "bolagen",
    "arbetsloshet-andel",
    "manadsanstallda",
    "aldersfordelning",
    "chefer",
    "personalomsattning",
    "kf-mal",
}
TABLE = "application/vnd.kommun-analysis.table+json"
CHECKS = "application/vnd.kommun-analysis.checks+json"


@pytest.mark.parametrize("period", ["2023-08", "2023-12"])
def test_the_statutory_report_runs_with_every_section(sample_dir, tmp_path, period):
    import papermill as pm

    out = tmp_path / f"kommun-{period}.ipynb"
    pm.execute_notebook(
        str(ROOT / "notebooks" / "kommun.ipynb"),
        str(out),
        parameters={"period": period, "data_dir": str(sample_dir)},
        cwd=str(ROOT / "notebooks"),
        kernel_name="python3",
        progress_bar=False,
    )
    nb = json.loads(out.read_text(encoding="utf-8"))
    outputs = [o for c in nb["cells"] if c["cell_type"] == "code" for o in c["outputs"]]
    tables = {
        o["data"][TABLE]["name"]: o["data"][TABLE] for o in outputs if TABLE in o.get("data", {})
    }
    assert TABELLER <= set(tables), TABELLER - set(tables)
    checks = [o["data"][CHECKS] for o in outputs if CHECKS in o.get("data", {})]
    assert checks and checks[0]["antal"] > 400 and checks[0]["avvikande"] == 0, checks[0]["fel"]
    # the balance sheet is at the period's end: "31 augusti 2023" / "31 december 2023"
    month = {"2023-08": "31 augusti 2023", "2023-12": "31 december 2023"}[period]
    assert tables["balansrakning"]["columns"][1] == month
    rows = {r[0]: r for r in tables["balansrakning"]["rows"]}
    summa = rows["Summa tillgångar"][1]
    assert summa > 1000  # mkr
    assert summa == pytest.approx(rows["Summa eget kapital, avsättningar och skulder"][1], abs=1e-6)
