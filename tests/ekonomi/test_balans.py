"""The balansräkning: a hand-computed tiny kommun, the sample, and as-of.

The tiny kommun (tests.conftest.TINY) has, for its nämnder and finans units, an utfall
of (accounting sign, kr) Jan 380 000, Feb −1 090 000, Mar 150 000, Apr 50 000,
May 999 999 (the ``bolag`` row is outside the resultaträkning), so the result
January–April is +510 000 kr; 2022's one row is a cost of 1 000 kr. :data:`BALANS` moves
the balance accounts by minus that each month (double entry).
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.ekonomi import balans
from analysis.io.dataset import Dataset, load_data

BALANS = (
    "period;konto;belopp;benamning\n"
    "2023-00;1110;1000000;Byggnader\n"
    "2023-00;1930;200000;Bank\n"
    "2023-00;2010;-700000;Eget kapital\n"
    "2023-00;2350;-400000;Lån\n"
    "2023-00;2440;-100000;Leverantörsskulder\n"
    "2023-01;1930;-300000;Bank\n"
    "2023-01;2440;-80000;Leverantörsskulder\n"
    "2023-02;1930;1090000;Bank\n"
    "2023-03;1110;100000;Byggnader\n"
    "2023-03;1930;-250000;Bank\n"
    "2023-04;1510;20000;Kundfordringar\n"
    "2023-04;1930;-70000;Bank\n"
    "2023-05;1930;-999999;Bank\n"
)
INVESTERINGAR = "period;namnd;projekt;belopp\n2023-03;bun;Skola;100000\n"


def write_bokslut(data_dir: Path, balanskrav: str | None = None) -> Dataset:
    """The tiny kommun with :data:`BALANS`, an investment ledger and (optionally) a
    balanskrav file, loaded."""
    raw = data_dir / "raw" / "ekonomi"
    (raw / "balans_2023.csv").write_text(BALANS, encoding="utf-8")
    (raw / "investeringar.csv").write_text(INVESTERINGAR, encoding="utf-8")
    if balanskrav is not None:
        (raw / "balanskrav.csv").write_text(balanskrav, encoding="utf-8")
    return load_data(data_dir)


@pytest.fixture
def tiny_bokslut(tiny) -> Dataset:
    return write_bokslut(tiny)


def values(table: pd.DataFrame, column: str = "period") -> dict[str, float]:
    return dict(zip(table["rad"], table[column], strict=True))


def test_tiny_balance_sheet_by_hand(tiny_bokslut):
    br = balans.balansrakning(tiny_bokslut, "2023-04")
    v = values(br)
    assert v["Mark, byggnader och tekniska anläggningar"] == pytest.approx(1100.0)
    assert v["Fordringar"] == pytest.approx(20.0)
    assert v["Kassa och bank"] == pytest.approx(670.0)  # 200 − 300 + 1090 − 250 − 70
    assert v["Summa tillgångar"] == pytest.approx(1790.0)
    assert v["Årets resultat"] == pytest.approx(510.0)
    assert v["Övrigt eget kapital"] == pytest.approx(700.0)
    assert v["Summa eget kapital"] == pytest.approx(1210.0)
    assert v["Långfristiga skulder"] == pytest.approx(400.0)
    assert v["Kortfristiga skulder"] == pytest.approx(180.0)
    assert v["Summa eget kapital, avsättningar och skulder"] == pytest.approx(1790.0)
    # at the year-end: the ingående balans, with 2022's result (a cost of 1 000 kr) split out
    ib = values(br, "ib")
    assert ib["Summa tillgångar"] == pytest.approx(1200.0)
    assert ib["Årets resultat"] == pytest.approx(-1.0)
    assert ib["Övrigt eget kapital"] == pytest.approx(701.0)
    assert ib["Summa eget kapital"] == pytest.approx(700.0)
    # no balance file for 2022: the previous year's column is unknown, never zero
    assert br.loc[br["niva"] != "rubrik", "fg_ar"].isna().all()
    # no RUR account in the file: no RUR row
    assert "Resultatutjämningsreserv" not in set(br["rad"])


def test_rows_order_and_levels(tiny_bokslut):
    br = balans.balansrakning(tiny_bokslut, "2023-04")
    shown = [r for r in br.loc[br["niva"] != "rubrik", "rad"]]
    assert shown == [r for r in balans.RADER if r != "Resultatutjämningsreserv"]
    assert set(br.loc[br["rad"].str.startswith("Summa"), "niva"]) == {"summa"}
    assert br.loc[br["niva"] == "rubrik", ["period", "ib", "fg_ar"]].isna().all().all()


def test_january_and_the_month_without_rows(tiny_bokslut):
    v = values(balans.balansrakning(tiny_bokslut, "2023-01"))
    assert v["Kassa och bank"] == pytest.approx(-100.0)
    assert v["Årets resultat"] == pytest.approx(-380.0)
    assert v["Summa tillgångar"] == pytest.approx(v["Summa eget kapital, avsättningar och skulder"])
    # June has no balance rows: no balansräkning rather than May's balances
    assert balans.balansrakning(tiny_bokslut, "2023-06") is None
    assert "2023-06" in balans.saknas(tiny_bokslut, "2023-06")


def test_without_a_balance_file_there_is_no_balance_sheet(tiny):
    data = load_data(tiny)
    assert balans.balansrakning(data, "2023-04") is None
    assert balans.saknas(data, "2023-04") == (
        "Balansräkning saknas: filen ekonomi/balans*.csv finns inte."
    )


def test_a_year_without_ingaende_balans_is_missing(tiny_bokslut):
    assert balans.balansrakning(tiny_bokslut, "2022-12") is None
    assert "2022-00" in balans.saknas(tiny_bokslut, "2022-12")


def test_kontogrupper_map_to_rows():
    rows = balans.balansrad(
        np.array([1019, 1310, 1380, 1410, 1710, 1810, 2030, 2110, 2240, 2250, 2990])
    )
    assert list(rows) == [
        "Immateriella anläggningstillgångar",
        "Finansiella anläggningstillgångar",
        "Finansiella anläggningstillgångar",
        "Förråd, lager och exploateringsfastigheter",
        "Fordringar",
        "Kortfristiga placeringar",
        "Resultatutjämningsreserv",
        "Övrigt eget kapital",
        "Avsättningar för pensioner och liknande förpliktelser",
        "Andra avsättningar",
        "Kortfristiga skulder",
    ]
    assert list(balans.balansrad(np.array([3010, 8010]))) == ["", ""]


@pytest.mark.parametrize("period", ["2023-04", "2023-08", "2023-12"])
def test_the_sample_balances(sample_data, period):
    br = balans.balansrakning(sample_data.as_of(period), period)
    v = values(br)
    assert abs(v["Summa tillgångar"] - v["Summa eget kapital, avsättningar och skulder"]) < 0.0005
    for col in ("ib", "fg_ar"):
        c = values(br, col)
        assert (
            abs(c["Summa tillgångar"] - c["Summa eget kapital, avsättningar och skulder"]) < 0.0005
        )
    # plausible for a kommun of ~80 000 inhabitants
    assert 8e6 < v["Summa tillgångar"] < 14e6
    assert 0.35 < v["Summa eget kapital"] / v["Summa tillgångar"] < 0.55
    assert v["Kassa och bank"] > 0
    assert "Resultatutjämningsreserv" in v


def test_the_sample_year_end_moves_the_result_into_eget_kapital(sample_data):
    dec = values(balans.balansrakning(sample_data, "2022-12"))
    ib = values(balans.balansrakning(sample_data, "2023-01"), "ib")
    for rad in ("Summa tillgångar", "Summa eget kapital", "Långfristiga skulder", "Kassa och bank"):
        assert ib[rad] == pytest.approx(dec[rad], abs=0.0005)
    assert ib["Årets resultat"] == pytest.approx(dec["Årets resultat"], abs=0.0005)


def test_april_is_unchanged_by_deleting_may_to_december(sample_data):
    full = balans.balansrakning(sample_data.as_of("2023-04"), "2023-04")
    b = sample_data.balans
    kept = b[~((b["ar"] == 2023) & (b["manad"] > 4))].reset_index(drop=True)
    u = sample_data.utfall
    cut = Dataset(
        data_dir=sample_data.data_dir,
        register=sample_data.register,
        frames={
            **{k: sample_data.frames[k] for k in ("budget", "prognos", "investeringar")},
            "utfall": u[u["period"] <= 202304].reset_index(drop=True),
            "balans": kept,
        },
    )
    pd.testing.assert_frame_equal(balans.balansrakning(cut, "2023-04"), full)
    # as_of leaves out the later months of the balance file itself
    assert sample_data.as_of("2023-04").balans["period"].max() == 202304


def test_result_from_the_ledger_is_nan_without_utfall(tiny_bokslut):
    assert math.isnan(balans.arets_resultat(tiny_bokslut, 2021, 12))
    assert balans.arets_resultat(tiny_bokslut, 2023, 4) == pytest.approx(510.0)
