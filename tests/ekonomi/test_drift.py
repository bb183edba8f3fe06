"""Driftsredovisning: hand-computed on the tiny kommun, and invariants with hypothesis."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.core.period import Period
from analysis.ekonomi.drift import (
    DRIFTSREDOVISNING_COLUMNS,
    budget_helar_tkr,
    compute_driftsredovisning,
    indata_anmarkningar,
    senaste_prognos_kr,
)
from analysis.io.dataset import load_data


@pytest.fixture
def drift(tiny):
    return compute_driftsredovisning(load_data(tiny), "2023-04").set_index("namnd")


def test_rows_and_order(drift):
    # nämnder, then finans units, then Totalt; the ovrig unit (bolag) is not in the sheet
    assert list(drift.index) == ["bun", "sn", "skatt", "Totalt"]
    assert list(drift.reset_index().columns) == DRIFTSREDOVISNING_COLUMNS


def test_hand_computed_bun(drift):
    bun = drift.loc["bun"]
    # Jan–Apr: costs 100 000 + 110 000 + 90 000 + 50 000, revenue 20 000; May is outside
    assert bun.utfall_period == pytest.approx(-330.0)
    # annual −1 140 tkr in twelfths (no periodisering rows for bun): 4/12
    assert bun.budget_period == pytest.approx(-380.0)
    assert bun.avvikelse_period == pytest.approx(50.0)  # better than budget: +
    # the latest forecast at or before April (the May forecast is ignored)
    assert bun.prognos_helar == pytest.approx(-1170.0)
    assert bun.budget_helar == pytest.approx(-1140.0)
    assert bun.avvikelse_helar == pytest.approx(-30.0)
    assert bun.prognos_foregaende == pytest.approx(-1160.0)
    assert bun.prognos_forandring == pytest.approx(-10.0)


def test_hand_computed_sn_with_periodisation_and_months_without_postings(drift):
    sn = drift.loc["sn"]
    assert sn.utfall_period == pytest.approx(-360.0)  # no postings in Feb and Apr
    assert sn.budget_period == pytest.approx(-900.0 * 0.4)  # weights 0,1 × 4
    assert sn.avvikelse_period == pytest.approx(0.0)
    assert np.isnan(sn.prognos_helar) and np.isnan(sn.avvikelse_helar)  # no forecast
    assert sn.budget_helar == pytest.approx(-900.0)


def test_budget_helar_tkr_by_hand(tiny):
    data = load_data(tiny)
    # bun: 1 200 000 − 60 000 kr (accounting sign) = −1 140 tkr in the report sign
    assert budget_helar_tkr(data, "bun", "2023-04") == pytest.approx(-1140.0)
    assert budget_helar_tkr(data, "bun", Period(2023, 12), "investering") == pytest.approx(-500.0)
    assert budget_helar_tkr(data, "bun", "2024-01") == 0.0  # no budget for 2024
    assert budget_helar_tkr(data, "bolag", "2023-04") == 0.0


def test_senaste_prognos_kr_by_hand(tiny):
    data = load_data(tiny)
    assert senaste_prognos_kr(data, "bun", "2023-04") == pytest.approx(-1_170_000.0)
    assert senaste_prognos_kr(data, "bun", "2023-02") == pytest.approx(-1_150_000.0)
    assert np.isnan(senaste_prognos_kr(data, "bun", "2023-01"))  # none made yet
    assert np.isnan(senaste_prognos_kr(data, "sn", "2023-04"))
    assert senaste_prognos_kr(data, "skatt", Period(2023, 12)) == pytest.approx(3_650_000.0)


def test_indata_anmarkningar_by_hand(tiny):
    data = load_data(tiny)
    assert indata_anmarkningar(data, "bun", "2023-04") == []
    # sn: budget and utfall but no forecast
    assert indata_anmarkningar(data, "sn", "2023-04") == [
        "Ekonomen har inte lämnat någon helårsprognos för 2023 (senast per april); "
        "prognoskolumnerna är tomma."
    ]
    assert indata_anmarkningar(data, "bun", "2023-01") == [
        "Ekonomen har inte lämnat någon helårsprognos för 2023 (senast per januari); "
        "prognoskolumnerna är tomma."
    ]
    assert indata_anmarkningar(data, "x", "2023-04") == [
        "Nämnden 'x' finns inte i registret (organisation.csv)."
    ]


def test_revenue_unit_and_totals(drift):
    skatt = drift.loc["skatt"]
    assert skatt.utfall_period == pytest.approx(1200.0)
    assert skatt.budget_period == pytest.approx(1200.0)
    assert skatt.prognos_helar == pytest.approx(3650.0)
    assert np.isnan(skatt.prognos_foregaende)
    tot = drift.loc["Totalt"]
    assert tot.utfall_period == pytest.approx(-330 - 360 + 1200)
    assert tot.budget_period == pytest.approx(-380 - 360 + 1200)
    # sn has no forecast and is counted at its budget
    assert tot.prognos_helar == pytest.approx(-1170 - 900 + 3650)
    assert tot.avvikelse_helar == pytest.approx(20.0)
    assert np.isnan(tot.prognos_foregaende) and np.isnan(tot.prognos_forandring)


def test_an_account_with_utfall_but_no_budget_counts_in_utfall(drift):
    # bun's account 4010 has utfall (50 000) but no budget row: it is in utfall_period
    # and the budget is unaffected
    assert drift.loc["bun"].utfall_period == pytest.approx(-330.0)
    assert drift.loc["bun"].budget_helar == pytest.approx(-1140.0)


def _kommun(tmp_path, units, amounts, budgets, weights):
    raw = tmp_path / "data" / "raw"
    (raw / "ekonomi").mkdir(parents=True)
    org = "id;namn;typ\n" + "".join(f"{u};Enhet {u};namnd\n" for u in units)
    (raw / "organisation.csv").write_text(org, encoding="utf-8")
    lines = ["period;namnd;konto;belopp"]
    for (u, m), v in amounts.items():
        lines.append(f"2023-{m:02d};{u};4010;{v:.2f}".replace(".", ","))
    (raw / "ekonomi" / "utfall.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (raw / "ekonomi" / "budget.csv").write_text(
        "ar;namnd;konto;belopp\n" + "".join(f"2023;{u};4010;{b}\n" for u, b in budgets.items()),
        encoding="utf-8",
    )
    (raw / "ekonomi" / "prognos.csv").write_text("ar;prognosmanad;namnd;belopp\n", encoding="utf-8")
    w = "ar;namnd;manad;andel\n" + "".join(
        f"2023;{u};{m + 1};{x!r}\n" for u, ws in weights.items() for m, x in enumerate(ws)
    )
    (raw / "ekonomi" / "periodisering.csv").write_text(w, encoding="utf-8")
    for sub, text in {
        "personal/sjukfranvaro.csv": "period;anstalld;forvaltning;kon;fodelsear;ordinarie_tid_h;"
        "sjuk_h;sjuk_h_langtid;sjukdagar\n",
        "befolkning/folkmangd.csv": "ar,kon,alder,antal\n",
        "befolkning/fodda.csv": "ar,moderns_alder,kon,antal\n",
        "befolkning/doda.csv": "ar,kon,alder,antal\n",
        "befolkning/flyttningar.csv": "ar,kon,alder,riktning,omrade,antal\n",
    }.items():
        (raw / sub).parent.mkdir(parents=True, exist_ok=True)
        (raw / sub).write_text(text, encoding="utf-8")
    return load_data(tmp_path / "data")


weights_strategy = st.lists(st.floats(0.01, 10), min_size=12, max_size=12).map(
    lambda w: [x / sum(w) for x in w]
)


@settings(max_examples=25, deadline=None)
@given(
    st.lists(st.integers(-(10**7), 10**7), min_size=3, max_size=3),
    st.lists(st.integers(-(10**8), 10**8), min_size=3, max_size=3),
    weights_strategy,
    st.integers(1, 12),
)
def test_parts_sum_to_total_and_twelve_months_give_the_annual_budget(
    tmp_path_factory, amounts, budgets, weights, month
):
    tmp_path = tmp_path_factory.mktemp("h")
    units = ["a", "b", "c"]
    data = _kommun(
        tmp_path,
        units,
        {(u, (i * 5) % 12 + 1): v for i, (u, v) in enumerate(zip(units, amounts, strict=False))},
        dict(zip(units, budgets, strict=False)),
        {"b": weights},
    )
    drift = compute_driftsredovisning(data, f"2023-{month:02d}").set_index("namnd")
    body = drift.drop(index="Totalt")
    for col in ("utfall_period", "budget_period", "budget_helar"):
        assert drift.loc["Totalt", col] == pytest.approx(body[col].sum(), abs=1e-6)
    assert (
        body["avvikelse_period"] - (body["utfall_period"] - body["budget_period"])
    ).abs().max() < 1e-9
    full = compute_driftsredovisning(data, "2023-12").set_index("namnd")
    assert full["budget_period"].to_numpy() == pytest.approx(full["budget_helar"].to_numpy())
    # b's weights: the period budget is the annual budget times the weights so far
    expected_b = -budgets[1] / 1000 * sum(weights[:month])
    assert drift.loc["b", "budget_period"] == pytest.approx(expected_b, rel=1e-6, abs=1e-6)
