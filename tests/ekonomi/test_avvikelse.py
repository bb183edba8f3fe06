"""Deviation tables of one nämnd and periodisation keys: hand-computed cases and
invariants (hypothesis)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis.core.errors import ArgumentError
from analysis.core.period import Period
from analysis.ekonomi import avvikelse as A
from analysis.ekonomi.drift import compute_driftsredovisning, indata_anmarkningar
from analysis.ekonomi.text import kommentar
from analysis.io.dataset import Dataset, load_data

EMPTY = {
    "personal/sjukfranvaro.csv": "period;anstalld;forvaltning;kon;fodelsear;ordinarie_tid_h;"
    "sjuk_h;sjuk_h_langtid;sjukdagar\n",
    "befolkning/folkmangd.csv": "ar,kon,alder,antal\n",
    "befolkning/fodda.csv": "ar,moderns_alder,kon,antal\n",
    "befolkning/doda.csv": "ar,kon,alder,antal\n",
    "befolkning/flyttningar.csv": "ar,kon,alder,riktning,omrade,antal\n",
}

# accounting sign in the files: costs +, revenues −
HAND = {
    "organisation.csv": "id;namn;typ\na;Alfanämnden;namnd\nr;Taxenämnden;namnd\n"
    "h;Historiknämnden;namnd\ntom;Tomma nämnden;namnd\n",
    "ekonomi/utfall.csv": (
        "period;namnd;konto;belopp;verksamhet\n"
        "2023-01;a;5010;100000;Skola\n"
        "2023-01;a;3110;-20000;Skola\n"
        "2023-02;a;4010;30000;Fritid\n"  # 4010: utfall but no budget
        # no postings for a in March
        "2023-04;a;5010;50000;Fritid\n"
        "2023-05;a;5010;999999;Skola\n"  # after the period
        "2023-01;r;3110;-500000;Taxa\n"  # revenue larger than cost
        "2023-02;r;5010;100000;Taxa\n"
        # h: 2021 Dec doubled, 2022 without postings in March, 2023 Jan–Apr
        + "".join(f"2021-{m:02d};h;5010;{2000 if m == 12 else 1000};\n" for m in range(1, 13))
        + "".join(f"2022-{m:02d};h;5010;1000;\n" for m in range(1, 13) if m != 3)
        + "".join(f"2023-{m:02d};h;5010;1500;\n" for m in range(1, 5))
    ),
    "ekonomi/budget.csv": (
        "ar;namnd;konto;belopp;verksamhet;typ;projekt\n"
        "2023;a;5010;1200000;Skola;drift;\n"
        "2023;a;3110;-120000;Skola;drift;\n"
        "2023;r;3110;-1200000;Taxa;drift;\n"
        "2023;r;5010;600000;Taxa;drift;\n"
        "2023;h;5010;12000;;drift;\n"
        "2023;a;1210;240000;;investering;Skolgård\n"
        "2023;a;1220;120000;;investering;Bil\n"
    ),
    "ekonomi/prognos.csv": (
        "ar;prognosmanad;namnd;belopp;typ\n"
        "2023;2;a;1100000;drift\n"
        "2023;3;a;1110000;drift\n"
        "2023;6;a;5000000;drift\n"  # made after the period: ignored
        "2023;4;a;330000;investering\n"
    ),
    "ekonomi/investeringar.csv": (
        "period;namnd;projekt;belopp\n"
        "2023-02;a;Skolgård;50000\n"
        "2023-03;a;Bil;10000\n"
        "2023-06;a;Bil;99999\n"
    ),
    **EMPTY,
}


def _write(root, files):
    for rel, text in files.items():
        path = root / "data" / "raw" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root / "data"


@pytest.fixture(scope="module")
def hand(tmp_path_factory) -> Dataset:
    return load_data(_write(tmp_path_factory.mktemp("hand"), HAND))


def _rows(frame, dim):
    return frame.set_index(dim)


# --- deviation tables -----------------------------------------------------------------
def test_kontogrupp_table_by_hand(hand):
    t = _rows(A.avvikelsetabell(hand, "a", "2023-04", "kontogrupp"), "kontogrupp")
    assert list(t.index) == [
        "Verksamhetens intäkter",
        "Material och tjänster",
        "Personalkostnader",
        "Totalt",
    ]
    intakt, mat, pers, tot = (t.loc[k] for k in t.index)
    assert intakt.utfall_period == pytest.approx(20.0)
    assert intakt.budget_period == pytest.approx(40.0)  # 120 × 4/12
    assert intakt.avvikelse_period == pytest.approx(-20.0)
    # 4010: utfall but no budget
    assert mat.utfall_period == pytest.approx(-30.0) and mat.budget_helar == 0
    assert mat.avvikelse_period == pytest.approx(-30.0)
    assert pers.utfall_period == pytest.approx(-150.0)  # May is outside the period
    assert pers.avvikelse_period == pytest.approx(250.0)
    # forecast −1 110 (March; the June forecast is ignored), made for the nämnd as a
    # whole: only Totalt has it, the rows' year columns are empty (never estimated)
    assert tot.prognos_helar == pytest.approx(-1110.0)
    assert tot.avvikelse_helar == pytest.approx(-30.0)
    for r in (intakt, mat, pers):
        assert math.isnan(r.prognos_helar) and math.isnan(r.avvikelse_helar)
    assert tot.utfall_period == pytest.approx(-160.0)
    assert tot.avvikelse_period == pytest.approx(200.0)


def test_totals_equal_the_driftsredovisning(hand):
    drift = compute_driftsredovisning(hand, "2023-04").set_index("namnd")
    for unit in ("a", "r", "h", "tom"):
        for dim in ("kontogrupp", "verksamhet"):
            tot = A.avvikelsetabell(hand, unit, "2023-04", dim).iloc[-1]
            assert tot[dim] == "Totalt"
            for col in A.AVVIKELSE_COLUMNS:
                assert tot[col] == pytest.approx(drift.loc[unit, col], nan_ok=True), (unit, col)


def test_verksamhet_table_and_revenue_unit(hand):
    t = _rows(A.avvikelsetabell(hand, "a", "2023-04", "verksamhet"), "verksamhet")
    assert t.loc["Skola", "utfall_period"] == pytest.approx(-80.0)
    assert t.loc["Skola", "avvikelse_period"] == pytest.approx(280.0)
    assert t.loc["Fritid", "avvikelse_period"] == pytest.approx(-80.0)
    r = _rows(A.avvikelsetabell(hand, "r", "2023-04", "verksamhet"), "verksamhet")
    assert r.loc["Taxa", "utfall_period"] == pytest.approx(400.0)
    assert r.loc["Taxa", "budget_period"] == pytest.approx(200.0)
    assert r.loc["Taxa", "avvikelse_period"] == pytest.approx(200.0)  # better: +
    assert math.isnan(r.loc["Totalt", "prognos_helar"])  # no forecast
    # h has no verksamhet: "Ej angiven"
    h = A.avvikelsetabell(hand, "h", "2023-04", "verksamhet")
    assert list(h["verksamhet"]) == ["Ej angiven", "Totalt"]


def test_kontoplan_is_used_when_present(tmp_path):
    files = dict(HAND)
    files["ekonomi/kontoplan.csv"] = (
        "konto_fran;konto_till;grupp\n3000;3999;Intäkter\n4000;5999;Kostnader\n"
    )
    data = load_data(_write(tmp_path, files))
    assert list(A.kontogrupp(data, [3110, 4010, 50101, 8010])) == [
        "Intäkter",
        "Kostnader",
        "Kostnader",
        "Ej i kontoplanen",
    ]
    t = _rows(A.avvikelsetabell(data, "a", "2023-04"), "kontogrupp")
    assert t.loc["Kostnader", "utfall_period"] == pytest.approx(-180.0)


def test_default_kommun_bas_mapping(hand):
    got = A.kontogrupp(hand, [3110, 4010, 5010, 6110, 7010, 7810, 8010, 8210, 8410, 8510, 1210])
    assert list(got) == [
        "Verksamhetens intäkter",
        "Material och tjänster",
        "Personalkostnader",
        "Övriga kostnader",
        "Övriga kostnader",
        "Avskrivningar",
        "Skatteintäkter",
        "Generella statsbidrag och utjämning",
        "Finansiella intäkter",
        "Finansiella kostnader",
        "Övriga konton",
    ]


def test_kontogrupp_follows_the_resultatrakning_classes(hand):
    # 81xx are taxes and 83xx general grants, as in the resultaträkning; 3-digit accounts
    # are read by their first two digits; 86–89 are Övriga konton
    got = A.kontogrupp(hand, [8110, 8310, 301, 795, 8610])
    assert list(got) == [
        "Skatteintäkter",
        "Generella statsbidrag och utjämning",
        "Verksamhetens intäkter",
        "Övriga kostnader",
        "Övriga konton",
    ]


def test_investments_by_projekt(hand):
    t = _rows(A.investeringstabell(hand, "a", "2023-04"), "projekt")
    assert t.loc["Skolgård", "utfall_period"] == pytest.approx(-50.0)
    assert t.loc["Skolgård", "budget_period"] == pytest.approx(-80.0)  # 240 × 4/12
    assert t.loc["Skolgård", "avvikelse_period"] == pytest.approx(30.0)  # less spent: +
    assert t.loc["Bil", "utfall_period"] == pytest.approx(-10.0)  # June outside
    assert t.loc["Totalt", "budget_helar"] == pytest.approx(-360.0)
    assert t.loc["Totalt", "prognos_helar"] == pytest.approx(-330.0)
    # the investment forecast is a total: no project gets an invented share of it
    assert t.loc[["Bil", "Skolgård"], "prognos_helar"].isna().all()
    assert t.attrs["anmarkningar"] and "projekt" in t.attrs["anmarkningar"][0]


def test_missing_budget_gives_messages_not_a_crash(hand):
    msgs = indata_anmarkningar(hand, "tom", "2023-04")
    assert any("ingen driftbudget" in m for m in msgs)
    assert any("inget utfall" in m for m in msgs)
    t = A.avvikelsetabell(hand, "tom", "2023-04")
    assert list(t["kontogrupp"]) == ["Totalt"] and t["utfall_period"].iloc[0] == 0
    assert indata_anmarkningar(hand, "okand", "2023-04")[0].startswith("Nämnden 'okand'")
    assert "Tomma nämnden redovisar" in kommentar(hand, "tom", "2023-04")


# --- periodisation keys ---------------------------------------------------------------
def test_historisk_key_by_hand(hand):
    w = A.historiska_vikter(hand, "h", 2023, n_ar=3)
    y2021 = np.array([1] * 11 + [2]) / 13
    y2022 = np.array([1, 1, 0] + [1] * 9) / 11  # March without postings
    assert w == pytest.approx((y2021 + y2022) / 2)  # 2020 has no data
    keys = A.periodiseringsvikter(hand, 2023, {"h": "historisk", "a": "tolftedelar"})
    assert keys.loc["h"].to_numpy() == pytest.approx(w)
    assert keys.loc["a"].to_numpy() == pytest.approx(np.full(12, 1 / 12))
    t = A.avvikelsetabell(hand, "h", "2023-04", nyckel="historisk")
    assert t.iloc[-1]["budget_period"] == pytest.approx(-12.0 * w[:4].sum())
    with pytest.raises(ArgumentError, match="Okänd periodiseringsnyckel") as e:
        A.periodiseringsvikter(hand, 2023, {"h": "kvartal"})
    assert e.value.argument == "nycklar"


def test_an_unknown_dimension_is_an_argument_error(hand):
    with pytest.raises(ArgumentError) as e:
        A.avvikelsetabell(hand, "a", "2023-04", "projekt")
    assert e.value.argument == "dimension" and "Okänd dimension 'projekt'" in str(e.value)


def test_manadsnetto_and_hela_ar_by_hand(hand):
    s = A.manadsnetto(hand, "h", upto=202212)
    # every calendar month from the first posting, tkr in the report sign; March 2022 has
    # no postings and is 0
    assert list(s.index[:2]) == [202101, 202102] and s.index[-1] == 202212 and len(s) == 24
    assert s[202101] == pytest.approx(-1.0) and s[202112] == pytest.approx(-2.0)
    assert s[202203] == 0.0
    assert len(A.manadsnetto(hand, "h")) == 28  # up to the last posting
    assert A.manadsnetto(hand, "tom").empty
    years = A.hela_ar(s, [2020, 2021, 2022])
    assert list(years) == [2021, 2022]  # 2020 has no months
    assert years[2021].sum() == pytest.approx(-13.0) and years[2022].sum() == pytest.approx(-11.0)


def test_anvandbart_ar():
    assert A.anvandbart_ar(np.ones(12))
    assert A.anvandbart_ar(np.array([100.0] * 6 + [-99.0] * 6))  # net 6 of 1 194
    assert not A.anvandbart_ar(np.array([100.0] * 6 + [-99.99] * 6))  # net 0,06 < 0,1 %
    assert not A.anvandbart_ar(np.zeros(12))


def test_kumulativ_andel_by_hand(hand):
    assert A.kumulativ_andel(hand, "a", "2023-04") == pytest.approx(4 / 12)
    assert A.kumulativ_andel(hand, "a", Period(2023, 12)) == pytest.approx(1.0)
    assert A.kumulativ_andel(hand, "h", "2023-04", nyckel="historisk") == pytest.approx(
        (4 / 13 + 3 / 11) / 2
    )
    assert A.kumulativ_andel(hand, "a", "2023-04", "investering") == pytest.approx(4 / 12)


def test_periodiseringsnyckel():
    assert A.periodiseringsnyckel("historisk", "a") == "historisk"
    assert A.periodiseringsnyckel({"a": "tolftedelar"}, "a") == "tolftedelar"
    assert A.periodiseringsnyckel({"a": "tolftedelar"}, "h") == "fil"
    with pytest.raises(ArgumentError) as e:
        A.periodiseringsnyckel({"a": "kvartal"}, "a")
    assert e.value.argument == "periodisering"


# --- hypothesis: parts sum to totals; twelve months give the annual budget -------------
@pytest.fixture(scope="module")
def base(tmp_path_factory) -> Dataset:
    return load_data(_write(tmp_path_factory.mktemp("base"), HAND))


KONTON = [3110, 4010, 5010, 6110, 7810, 8010, 1210]
VERKSAMHETER = ["Skola", "Fritid", None]

row = st.tuples(
    st.integers(1, 12),
    st.sampled_from(KONTON),
    st.sampled_from(VERKSAMHETER),
    st.integers(-(10**6), 10**6),
)


def _frames(base, utfall_rows, budget_rows, prognos, history=()):
    utfall = pd.DataFrame(
        [
            {
                "period": 2023 * 100 + m,
                "namnd": "a",
                "konto": k,
                "belopp_kr": float(v),
                "verksamhet": vh,
            }
            for m, k, vh, v in utfall_rows
        ]
        + [
            {"period": code, "namnd": "a", "konto": 5010, "belopp_kr": float(v), "verksamhet": None}
            for code, v in history
        ],
        columns=["period", "namnd", "konto", "belopp_kr", "verksamhet"],
    )
    budget = pd.DataFrame(
        [
            {
                "ar": 2023,
                "namnd": "a",
                "konto": k,
                "typ": "drift",
                "belopp_kr": float(v),
                "verksamhet": vh or "",
                "projekt": "",
            }
            for _m, k, vh, v in budget_rows
        ],
        columns=["ar", "namnd", "konto", "typ", "belopp_kr", "verksamhet", "projekt"],
    )
    prog = pd.DataFrame(
        [
            {"ar": 2023, "prognosmanad": pm, "namnd": "a", "typ": "drift", "belopp_kr": float(v)}
            for pm, v in prognos
        ],
        columns=["ar", "prognosmanad", "namnd", "typ", "belopp_kr"],
    )
    frames = dict(base.frames.items())
    frames.update(
        utfall=utfall,
        budget=budget,
        prognos=prog,
        periodisering=None,
        kontoplan=None,
        investeringar=None,
    )
    return Dataset(data_dir=base.data_dir, register=base.register, frames=frames)


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(row, max_size=12),
    st.lists(row, max_size=6),
    st.lists(st.tuples(st.integers(1, 12), st.integers(-(10**7), 10**7)), max_size=3),
    st.integers(1, 12),
)
def test_parts_sum_to_the_total_and_the_total_to_the_driftsredovisning(
    base, utfall_rows, budget_rows, prognos, month
):
    data = _frames(base, utfall_rows, budget_rows, prognos)
    drift = compute_driftsredovisning(data, f"2023-{month:02d}").set_index("namnd").loc["a"]
    for dim in ("kontogrupp", "verksamhet"):
        t = A.avvikelsetabell(data, "a", f"2023-{month:02d}", dim)
        body, tot = t.iloc[:-1], t.iloc[-1]
        for col in A.AVVIKELSE_COLUMNS:
            assert tot[col] == pytest.approx(drift[col], abs=1e-6, nan_ok=True)
            if col in ("prognos_helar", "avvikelse_helar"):
                # the forecast is for the nämnd: the rows have none (nothing invented);
                # only a nämnd without any row shows it as "Ej fördelat"
                rows = body[body[dim] != A.EJ_FORDELAT]
                assert rows[col].isna().all()
                if len(rows) < len(body):
                    assert body[col].sum() == pytest.approx(tot[col], abs=1e-6)
            elif np.isfinite(tot[col]):
                assert body[col].sum() == pytest.approx(tot[col], abs=1e-6)
        dev = body["utfall_period"] - body["budget_period"]
        assert (dev - body["avvikelse_period"]).abs().max() < 1e-9 if len(body) else True


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(st.integers(-(10**6), 10**6), min_size=36, max_size=36),
    st.lists(row, min_size=1, max_size=5),
    st.sampled_from(A.NYCKLAR),
)
def test_twelve_periodised_months_equal_the_annual_budget_for_every_key(
    base, history, budget_rows, nyckel
):
    codes = [y * 100 + m for y in (2020, 2021, 2022) for m in range(1, 13)]
    data = _frames(base, [], budget_rows, [], history=list(zip(codes, history, strict=False)))
    w = A.periodiseringsvikter(data, 2023, {"a": nyckel}, ["a"])
    assert w.loc["a"].sum() == pytest.approx(1.0)
    t = A.avvikelsetabell(data, "a", "2023-12", nyckel=nyckel)
    assert t["budget_period"].to_numpy() == pytest.approx(
        t["budget_helar"].to_numpy(), rel=1e-9, abs=1e-6
    )
