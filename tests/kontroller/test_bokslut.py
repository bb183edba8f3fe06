"""The checks of the statutory statements hold on the sample and fail when one input
path is broken (a balance row dropped, an investment changed, an ingående balans
changed, a balanskrav post or the realisationsvinster lost)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

import pandas as pd
import pytest

from analysis.ekonomi import balans, balanskrav, kassaflode, resultat
from analysis.io.dataset import Dataset
from analysis.kontroller import bokslut as kb
from analysis.kontroller.bas import Kontroller

PERIOD = "2023-04"


class _Override(Mapping):
    """The frames of a dataset with some replaced."""

    def __init__(self, base, **frames):
        self.base, self.frames = base, frames

    def __getitem__(self, key):
        return self.frames[key] if key in self.frames else self.base[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self.base)

    def __len__(self) -> int:
        return len(self.base)


def med(data: Dataset, **frames: pd.DataFrame) -> Dataset:
    return Dataset(data.data_dir, data.register, _Override(data.frames, **frames))


def checks(data: Dataset, period: str = PERIOD) -> Kontroller:
    k = Kontroller()
    rr = resultat.compute_resultatrakning(data, period)
    kb.kontrollera_balansrakning(k, data, period, balans.balansrakning(data, period), rr)
    kb.kontrollera_ingaende_balans(k, data, int(period[:4]))
    kb.kontrollera_kassaflode(k, data, period, kassaflode.kassaflodesanalys(data, period))
    kb.kontrollera_balanskrav(k, data, period, balanskrav.balanskravsutredning(data, period, rr))
    return k


def failing(k: Kontroller) -> dict[str, float]:
    return {f.kontroll: f.differens for f in k.fel}


@pytest.fixture(scope="module")
def data(sample_data):
    return sample_data.as_of(PERIOD)


@pytest.mark.parametrize("period", ["2023-04", "2023-08", "2023-12"])
def test_every_check_holds_on_the_sample(sample_data, period):
    k = checks(sample_data.as_of(period), period)
    assert len(k) == 19 and k.fel == []


def test_a_dropped_balance_row_unbalances_the_sheet(data):
    b = data.balans
    row = b[(b["ar"] == 2023) & (b["manad"] == 3) & (b["konto"] == 1510)].index[0]
    amount = float(b.loc[row, "belopp"]) / 1000
    fel = failing(checks(med(data, balans=b.drop(index=row).reset_index(drop=True))))
    name = "Summa tillgångar = summa eget kapital, avsättningar och skulder"
    assert fel[name] == pytest.approx(-amount, abs=1e-6)
    # the fordringar row is part of the working capital, not of likvida medel: the cash
    # flow no longer reconciles either
    assert any(n.startswith("Kassaflöde = förändring") for n in fel)


def test_a_changed_investment_breaks_the_cash_flow(data):
    inv = data.investeringar.copy()
    i = inv.index[inv["period"] == 202302][0]
    inv.loc[i, "belopp_kr"] -= 250_000.0  # 250 tkr more spent than the balance file shows
    fel = failing(checks(med(data, investeringar=inv)))
    assert set(fel) == {
        "Kassaflöde = förändring av kassa, bank och kortfristiga placeringar, perioden"
    }
    assert fel.popitem()[1] == pytest.approx(-250.0)


def test_a_changed_ingaende_balans_breaks_the_year_end(data):
    b = data.balans.copy()
    i = b.index[(b["ar"] == 2023) & (b["manad"] == 0) & (b["konto"] == 2350)][0]
    b.loc[i, "belopp"] -= 1_000_000.0
    b.loc[i, "belopp_kr"] += 1_000_000.0
    fel = failing(checks(med(data, balans=b)))
    assert fel["2023: tillgångar, avsättningar och skulder per konto (summa av avvikelserna)"] == (
        pytest.approx(1000.0)
    )
    assert "Summa tillgångar = summa eget kapital, avsättningar och skulder" in fel
    assert "Tillgångar = eget kapital och skulder, vid föregående årsskifte" in fel


def test_a_changed_eget_kapital_ib_breaks_the_result_move(data):
    b = data.balans.copy()
    i = b.index[(b["ar"] == 2023) & (b["manad"] == 0) & (b["konto"] == 2010)][0]
    b.loc[i, "belopp"] -= 5000.0
    b.loc[i, "belopp_kr"] += 5000.0
    fel = failing(checks(med(data, balans=b)))
    assert "2023: eget kapital = utgående eget kapital 2022 + årets resultat 2022" in fel


def test_the_result_path_of_the_balance_sheet_is_checked(data, monkeypatch):
    real = balans.arets_resultat
    monkeypatch.setattr(balans, "arets_resultat", lambda d, y, m: real(d, y, m) + 1.0)
    fel = failing(checks(data))
    assert fel["Årets resultat = resultaträkningens årets resultat"] == pytest.approx(1.0)
    assert "Summa tillgångar = summa eget kapital, avsättningar och skulder" in fel
    assert (
        "Summa eget kapital, avsättningar och skulder = balansfilens klass 2 + årets resultat "
        "enligt utfallet"
    ) in fel


def test_a_changed_investment_of_the_previous_year(data):
    inv = data.investeringar.copy()
    i = inv.index[inv["period"] == 202203][0]
    inv.loc[i, "belopp_kr"] += 10_000.0
    fel = failing(checks(med(data, investeringar=inv)))
    name = (
        "Kassaflöde = förändring av kassa, bank och kortfristiga placeringar, samma period "
        "föregående år"
    )
    assert set(fel) == {name} and fel[name] == pytest.approx(10.0)


def test_the_balanskrav_result_is_checked_against_the_ledger(data):
    rr = resultat.compute_resultatrakning(data, PERIOD)
    broken = rr.copy()
    broken.loc[broken["id"] == "arets_resultat", "utfall_period"] += 3.0
    k = Kontroller()
    bk = balanskrav.balanskravsutredning(data, PERIOD, broken)
    kb.kontrollera_balanskrav(k, data, PERIOD, bk)
    assert failing(k) == {"Årets resultat (perioden) = utfallet i klass 3–9": pytest.approx(3.0)}
    k = Kontroller()
    kb.kontrollera_balanskrav(k, data, PERIOD, balanskrav.balanskravsutredning(data, PERIOD, rr))
    assert k.fel == []


def test_the_row_mapping_is_checked_against_class_1(data, monkeypatch):
    real = balans.balansrad

    def lose_bank(konto):
        out = real(konto)
        out[out == "Kassa och bank"] = ""
        return out

    monkeypatch.setattr(balans, "balansrad", lose_bank)
    fel = failing(checks(data))
    assert "Summa tillgångar = balansfilens konton i klass 1" in fel


def test_balanskrav_posts_and_gains_are_checked(data, monkeypatch):
    real = balanskrav.poster

    def lose_a_post(d, year):
        out = real(d, year)
        out["realisationsvinst_undantag"] = 0.0
        return out

    monkeypatch.setattr(balanskrav, "poster", lose_a_post)
    assert "Realisationsvinster enligt undantagsmöjlighet = balanskravsfilen" in failing(
        checks(data)
    )
    monkeypatch.undo()
    real_konton = balans.utfall_konton
    monkeypatch.setattr(
        balans, "utfall_konton", lambda d, y, m, lo, hi: real_konton(d, y, m, lo, hi) / 2
    )
    fel = failing(checks(data))
    assert "Samtliga realisationsvinster (perioden) = utfallet i kontogrupp 36" in fel
