"""Property tests: for any double-entry ledger and balance file the balansräkning
balances, and the kassaflödesanalys reconciles with likvida medel when the fixed assets
move only by the investment ledger and the avskrivningar (and eget kapital only by the
result)."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis.ekonomi import balans, kassaflode
from analysis.io.dataset import Dataset, load_data

RESULTATKONTON = [3110, 4010, 5010, 8010, 8410, 8510]
OVRIGA = [1310, 1380, 1410, 1510, 1710, 1810, 2990, 2210, 2290, 2350, 2440, 2920]
kronor = st.integers(min_value=-5_000_000, max_value=5_000_000)
month = st.fixed_dictionaries(
    {
        "utfall": st.lists(st.tuples(st.sampled_from(RESULTATKONTON), kronor), max_size=4),
        "ovrigt": st.lists(st.tuples(st.sampled_from(OVRIGA), kronor), max_size=4),
        "invest": st.integers(min_value=0, max_value=3_000_000),
        "avskr": st.integers(min_value=0, max_value=1_000_000),
    }
)


@pytest.fixture(scope="module")
def register(tmp_path_factory):
    from tests.conftest import write_tiny

    data_dir = tmp_path_factory.mktemp("egenskaper") / "data"
    write_tiny(data_dir / "raw")
    return load_data(data_dir).register


def build(register, ib: list[tuple[int, int]], months: list[dict]) -> Dataset:
    utfall, rows, inv = [], [], []
    ib_total = sum(a for _, a in ib)
    for konto, amount in [*ib, (1930, -ib_total)]:
        rows.append((0, konto, amount))
    for m, mon in enumerate(months, start=1):
        period = 202300 + m
        entries = [*mon["utfall"], (7810, mon["avskr"])]
        for konto, amount in entries:
            utfall.append((period, "bun", konto, -float(amount)))
        moves = [*mon["ovrigt"], (1110, mon["invest"]), (1119, -mon["avskr"])]
        total = sum(a for _, a in entries) + sum(a for _, a in moves)
        moves.append((1930, -total))  # the bank balances the month
        for konto, amount in moves:
            rows.append((m, konto, amount))
        inv.append((period, "bun", "P", -float(mon["invest"])))
    b = pd.DataFrame(rows, columns=["manad", "konto", "belopp"])
    b["ar"] = 2023
    b["period"] = 202300 + b["manad"]
    b["belopp"] = b["belopp"].astype(float)
    b["belopp_kr"] = b["belopp"].where(b["konto"] < 2000, -b["belopp"])
    b["handelse"] = ""
    frames = {
        "utfall": pd.DataFrame(utfall, columns=["period", "namnd", "konto", "belopp_kr"]),
        "balans": b,
        "investeringar": pd.DataFrame(inv, columns=["period", "namnd", "projekt", "belopp_kr"]),
    }
    return Dataset(data_dir=None, register=register, frames=frames)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    ib=st.lists(st.tuples(st.sampled_from(OVRIGA + [1110]), kronor), max_size=5),
    months=st.lists(month, min_size=1, max_size=4),
)
def test_any_double_entry_balances_and_reconciles(register, ib, months):
    data = build(register, ib, months)
    period = f"2023-{len(months):02d}"
    br = balans.balansrakning(data, period)
    v = dict(zip(br["rad"], br["period"], strict=True))
    assert v["Summa tillgångar"] == pytest.approx(
        v["Summa eget kapital, avsättningar och skulder"], abs=0.0005
    )
    kf = dict(
        zip(*kassaflode.kassaflodesanalys(data, period)[["rad", "period"]].T.values, strict=True)
    )
    likvida = v["Kassa och bank"] + v["Kortfristiga placeringar"]
    assert kf["Periodens kassaflöde"] == pytest.approx(
        likvida - kf["Likvida medel vid årets början"], abs=0.0005
    )
    assert kf["Likvida medel vid periodens slut"] == pytest.approx(likvida, abs=0.0005)
