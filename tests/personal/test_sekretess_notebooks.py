"""The executed personal notebooks of the attack kommun (issue 12, items 4 and 17).

The notebooks kept for audit under ``reports/<period>/_notebooks/`` hold the tables'
unrounded values. They must not hold a figure of a suppressed group, nor of the groups
it could be subtracted from; and a förvaltning of the register without personnel rows
gets a report that says so instead of failing.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import pytest

from .test_sekretess_angrepp import (
    LITEN,
    PERIOD,
    SEX,
    SIZES,
    TOM,
    _prepared,
    staff_rows,
    write_kommun,
)

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def _notebooks() -> Path:
    import analysis

    return Path(analysis.__file__).resolve().parents[2] / "notebooks"


def run_personal(data_dir: Path, out: Path, forvaltning: str | None) -> str:
    import papermill as pm

    params = {"period": PERIOD, "data_dir": str(data_dir)}
    if forvaltning is not None:
        params["forvaltning"] = forvaltning
    pm.execute_notebook(
        str(_notebooks() / "personal.ipynb"),
        str(out),
        parameters=params,
        cwd=str(_notebooks()),
        kernel_name="python3",
        progress_bar=False,
    )
    return out.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def kommun_dir(tmp_path_factory):
    personal = staff_rows(SIZES)
    data_dir = tmp_path_factory.mktemp("sekretess_nb") / "data"
    write_kommun(data_dir / "raw", personal)
    return data_dir, personal


def hidden_values(personal) -> dict[str, float]:
    """The true figures (computed here from the rows) of the small groups and of the
    groups a small one follows from by subtraction (the 14's total and women), except
    those that equal a figure of a large group by chance."""
    df = _prepared(personal)
    hidden = _values(
        df,
        {
            "Lill män": (df["forvaltning"] == LITEN) & (df["kon"] == "M"),
            "Lill kvinnor": (df["forvaltning"] == LITEN) & (df["kon"] == "K"),
            "Lill totalt": df["forvaltning"] == LITEN,
            "Sex totalt": df["forvaltning"] == SEX,
            "Sex kvinnor": (df["forvaltning"] == SEX) & (df["kon"] == "K"),
            "Sex män": (df["forvaltning"] == SEX) & (df["kon"] == "M"),
        },
    )
    big = ~df["forvaltning"].isin([LITEN, SEX])
    public = _values(
        df,
        {
            "kommunen": df["forvaltning"] != "",
            "kvinnor": df["kon"] == "K",
            "män": df["kon"] == "M",
            "stora": big,
            **{
                f"{f} {k}": (df["forvaltning"] == f) & (df["kon"].isin(k))
                for f in set(df["forvaltning"]) - {LITEN, SEX}
                for k in (("K",), ("M",), ("K", "M"))
            },
        },
    )
    return {
        k: v
        for k, v in hidden.items()
        if not any(math.isclose(v, x, abs_tol=1e-9) for x in public.values())
    }


def _values(df, groups) -> dict[str, float]:
    values: dict[str, float] = {}
    for year in (2022, 2023):
        in_year = df["period"] // 100 == year
        for name, sel in groups.items():
            g = df[sel & in_year]
            values[f"{name} {year} sjuk"] = 100 * g["sjuk_h"].sum() / g["ordinarie_tid_h"].sum()
            values[f"{name} {year} kort"] = (
                100 * g["sjuk_h_kort"].sum() / g["ordinarie_tid_h"].sum()
            )
            if g["sjuk_h"].sum() > 0:
                values[f"{name} {year} langtid"] = (
                    100 * g["sjuk_h_langtid"].sum() / g["sjuk_h"].sum()
                )
            if year == 2023:  # the period's frisknärvaro
                days = g.groupby("anstalld")["sjukdagar"].sum()
                values[f"{name} {year} frisk"] = 100 * (days < 8).mean()
            for m, gm in g.groupby("period"):
                values[f"{name} {m} sjuk"] = 100 * gm["sjuk_h"].sum() / gm["ordinarie_tid_h"].sum()
    return values


def _payload_numbers(text: str) -> set[float]:
    nb = json.loads(text)
    found: set[float] = set()

    def walk(x):
        if isinstance(x, float):
            found.add(x)
        elif isinstance(x, list):
            for y in x:
                walk(y)
        elif isinstance(x, dict):
            for y in x.values():
                walk(y)

    for cell in nb["cells"]:
        for out in cell.get("outputs", []):
            for key, data in out.get("data", {}).items():
                if key.endswith("+json"):
                    walk(data.get("rows", []))
    return found


def _leaked(text: str, values: dict[str, float]) -> list[str]:
    """The hidden values found in an executed notebook: unrounded (as stored in the
    tables' data part) or, where the rounded text is not also a shown value's, rounded."""
    shown = _payload_numbers(text)
    shown_text = {f"{x:.2f}".replace(".", ",") for x in shown} | {
        f"{x:.1f}".replace(".", ",") for x in shown
    }
    html = "\n".join(re.findall(r"<td[^>]*>[^<]*</td>", text))
    leaks = []
    for name, v in values.items():
        if not math.isfinite(v) or v in (0.0, 100.0):  # no sick leave / all healthy
            continue
        if any(math.isclose(v, x, rel_tol=0, abs_tol=1e-9) for x in shown) or repr(v) in text:
            leaks.append(f"{name} = {v!r}")
            continue
        for txt in (f"{v:.2f}".replace(".", ","),):
            if txt not in shown_text and f">{txt}<" in html:
                leaks.append(f"{name} ≈ {txt}")
    return leaks


def test_the_scan_finds_a_published_value(kommun_dir, tmp_path):
    """The scanner works: the kommun's own rate (shown) is found in the notebook."""
    data_dir, personal = kommun_dir
    text = run_personal(data_dir, tmp_path / "kommun.ipynb", None)
    df = _prepared(personal)
    y = df[df["period"] // 100 == 2023]
    kommun = 100 * y["sjuk_h"].sum() / y["ordinarie_tid_h"].sum()
    assert _leaked(text, {"kommunen": kommun})
    assert not _leaked(text, hidden_values(personal)), _leaked(text, hidden_values(personal))


def test_the_14s_executed_notebook_holds_no_figure_of_a_suppressed_group(kommun_dir, tmp_path):
    """The 14's own report: its total and women's figures would give the 2 men."""
    data_dir, personal = kommun_dir
    text = run_personal(data_dir, tmp_path / "personal.ipynb", LITEN)
    assert not _leaked(text, hidden_values(personal))
    assert "redovisas inte" in text


def test_forvaltning_in_the_register_without_personnel_rows(kommun_dir, tmp_path):
    """Item 17: its report says 'inga personaldata' instead of failing."""
    data_dir, _ = kommun_dir
    text = run_personal(data_dir, tmp_path / "tom.ipynb", TOM)
    assert f"Det finns inga personaldata för {TOM} till och med april 2023" in text
    assert "Traceback" not in text and "ValueError" not in text
