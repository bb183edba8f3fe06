"""The checks of the financial goals, pensions and companies (analysis.kontroller.finans):
they hold on the sample, and break one path (monkeypatched) and the check must fail."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from analysis.core.period import Period
from analysis.ekonomi import balans as ebalans
from analysis.ekonomi import bolag as ebolag
from analysis.ekonomi import finansiella_mal as fmal
from analysis.ekonomi import pension as epension
from analysis.io.dataset import load_data
from analysis.kontroller import finans as kf
from analysis.kontroller.bas import Kontroller
from analysis.rapport import finans as rfinans

PERIOD = "2023-04"


@pytest.fixture(scope="module")
def data(sample_data):
    return sample_data.as_of(PERIOD)


def run(data, period: str = PERIOD) -> Kontroller:
    k = Kontroller()
    rfinans.kontrollera(k, rfinans.forbered(data, period))
    return k


def failing(k: Kontroller) -> set[str]:
    return {f.kontroll for f in k.fel}


def bryt_cell(monkeypatch, modul, namn, rad, kolumn, *, plus=0.0, ganger=1.0):
    """Break one path: ``modul.namn`` returns its frame with one cell changed (the rows
    where column ``rad[0]`` is ``rad[1]``, in ``kolumn``: × ``ganger`` + ``plus``)."""
    real = getattr(modul, namn)

    def broken(*args):
        t = real(*args)
        rows = t[rad[0]] == rad[1]
        assert rows.any(), rad  # the mutation must hit something
        t.loc[rows, kolumn] = t.loc[rows, kolumn] * ganger + plus
        return t

    monkeypatch.setattr(modul, namn, broken)


def test_all_checks_hold_on_the_sample(data):
    k = run(data)
    assert not k.fel, k.tabell()[k.tabell()["Resultat"] == "Avviker"]
    groups = {r.grupp for r in k.rader}
    assert {
        kf.GRUPP_NYCKELTAL,
        kf.GRUPP_PENSION,
        kf.GRUPP_PENSION_BR,
        kf.GRUPP_BOLAG,
        kf.GRUPP_MAL,
    } <= groups


def test_a_wrong_result_breaks_the_resultat_and_self_financing_checks(data, monkeypatch):
    bryt_cell(
        monkeypatch,
        rfinans,
        "compute_resultatrakning",
        ("id", "arets_resultat"),
        "utfall_period",
        plus=1000.0,
    )
    bad = failing(run(data))
    assert "Resultat i procent av skatteintäkter och generella statsbidrag" in bad
    assert "Självfinansieringsgrad av investeringar" in bad


def test_wrong_taxes_break_the_nettokostnadsandel_check(data, monkeypatch):
    bryt_cell(
        monkeypatch,
        rfinans,
        "compute_resultatrakning",
        ("id", "skatt"),
        "utfall_period",
        plus=1000.0,
    )
    assert "Nettokostnadsandel" in failing(run(data))


def test_wrong_investments_break_the_self_financing_check(data, monkeypatch):
    bryt_cell(
        monkeypatch,
        rfinans,
        "compute_investeringsredovisning",
        ("namnd", "Totalt"),
        "utfall_period",
        ganger=1.1,
    )
    assert failing(run(data)) == {"Självfinansieringsgrad av investeringar"}


def test_a_wrong_balance_sheet_breaks_the_soliditet_checks(data, monkeypatch):
    bryt_cell(
        monkeypatch, ebalans, "balansrakning", ("rad", fmal.BR_TILLGANGAR), "period", ganger=1.01
    )
    bad = failing(run(data))
    assert "Soliditet (balansfilen: eget kapital inkl. periodens resultat / tillgångar)" in bad
    assert "Soliditet inkl. pensionsförpliktelser (balansfilen och pensionsfilen)" in bad


def test_wrong_long_term_debt_breaks_the_laneskuld_check(data, monkeypatch):
    bryt_cell(
        monkeypatch, ebalans, "balansrakning", ("rad", fmal.BR_LANGFRISTIGA), "period", plus=10.0
    )
    assert "Låneskuld per invånare (balansfilen och befolkningsfilen)" in failing(run(data))


def test_a_wrong_population_breaks_the_laneskuld_check(data, monkeypatch):
    real = fmal.folkmangd_vid
    monkeypatch.setattr(fmal, "folkmangd_vid", lambda f, p: (real(f, p)[0] + 100, None))
    assert failing(run(data)) == {"Låneskuld per invånare (balansfilen och befolkningsfilen)"}


def test_a_wrong_ansvarsforbindelse_breaks_the_soliditet_incl_pension_check(data, monkeypatch):
    real = epension.ansvarsforbindelse_tkr
    monkeypatch.setattr(epension, "ansvarsforbindelse_tkr", lambda f, p: real(f, p) * 0.9)
    assert failing(run(data)) == {
        "Soliditet inkl. pensionsförpliktelser (balansfilen och pensionsfilen)"
    }


def test_a_wrong_pension_table_breaks_the_pension_checks(data, monkeypatch):
    bryt_cell(
        monkeypatch,
        epension,
        "pensionsforpliktelser",
        ("id", "ansvarsforbindelse"),
        "tkr",
        plus=1.0,
    )
    assert "Ansvarsförbindelse inkl. löneskatt" in failing(run(data))


def test_a_pension_file_not_matching_the_balance_sheet_fails(data, monkeypatch):
    bryt_cell(monkeypatch, ebalans, "balansrakning", ("rad", kf.BR_PENSIONER), "period", plus=1.0)
    k = run(data)
    assert any(f.grupp == kf.GRUPP_PENSION_BR for f in k.fel)


def test_a_wrong_loneskatt_row_fails_the_rate_condition():
    f = pd.DataFrame(
        {
            "period": [202304] * 3,
            "post": ["avsattning", "avsattning_loneskatt", "ansvarsforbindelse"],
            "belopp_kr": [100_000.0, 20_000.0, 5_000.0],  # 20 %, not 24,26 %
        }
    )
    k = Kontroller()
    kf.kontrollera_pension(k, epension.pensionsforpliktelser(f, "2023-04"), f, "2023-04")
    assert failing(k) == {"löneskatten på avsattning är 24,26 % av underlaget"}


def test_a_wrong_company_table_breaks_the_company_checks(data, monkeypatch):
    bryt_cell(monkeypatch, ebolag, "bolagen", ("bolag", ebolag.SUMMA), "resultat", plus=1.0)
    assert failing(run(data)) == {"Summa resultat"}


def test_a_company_left_out_breaks_the_count(data, monkeypatch):
    real = ebolag.bolagen

    def broken(f, p):
        t = real(f, p)
        return t.drop(index=0).reset_index(drop=True)

    monkeypatch.setattr(ebolag, "bolagen", broken)
    assert "antal bolag med uppgifter" in failing(run(data))


def test_companies_figures_of_an_older_month_are_caught(data, sample_data):
    august = sample_data.as_of("2023-08")
    t = ebolag.bolagen(data.bolag, "2023-04")  # April's table in an August report
    k = Kontroller()
    kf.kontrollera_bolag(k, t, august.bolag, "2023-08")
    assert {"Summa resultat", "senaste månad med uppgifter"} <= failing(k)


def test_a_goal_left_out_breaks_the_goal_check(data, monkeypatch):
    real = fmal.bedomning
    monkeypatch.setattr(fmal, "bedomning", lambda m, t, p: real(m, t, p).iloc[1:])
    assert "antal finansiella mål 2023" in failing(run(data))


def test_ledger_figures_by_hand(tiny):
    d = load_data(tiny)
    f = kf.ledger_figures(d, Period.parse("2023-04"))
    # January–April of bun, sn and the finans unit skatt (the company unit is left out):
    # taxes 1 200 tkr, revenue 20 tkr, costs 100 + 110 + 90 + 50 + 300 + 60 = 710 tkr
    assert f["resultat"] == pytest.approx(510.0)
    assert f["skatt_statsbidrag"] == pytest.approx(1200.0)
    assert f["nettokostnad"] == pytest.approx(-690.0)
    assert f["avskrivningar"] == 0.0
    assert math.isnan(f["nettoinvesteringar"])  # the tiny kommun has no investment ledger
    assert kf.balance_figures(d, Period.parse("2023-04"), 510.0) is None  # no balance file
