"""The kommun report at year end (period December): ``block.drift_text``, ``block.rr_text``,
``investering.invest_text``, ``rapport.kommun.klartext`` and ``nyckeltal.nyckeltal`` speak of
the year's outcomes, never of a forecast. Expectations are computed by hand: for the tiny
kommun of conftest in the comments, for the sample straight from the raw CSV files (read
here with pandas, not through the package)."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.core.format import MINUS
from analysis.ekonomi import block as kommun_block
from analysis.ekonomi import investering
from analysis.ekonomi.drift import compute_investeringsredovisning
from analysis.ekonomi.nyckeltal import nyckeltal
from analysis.ekonomi.resultat import compute_resultatrakning
from analysis.io.dataset import load_data
from analysis.rapport import kommun
from tests.conftest import SAMPLE_RAW, write_tiny

DEC = "2023-12"


# --- the tiny kommun, by hand -------------------------------------------------------------
# utfall 2023 (accounting sign, kr): bun 100 000 − 20 000 + 110 000 + 90 000 + 50 000 +
# 999 999 = 1 329 999; sn 300 000 + 60 000 = 360 000; skatt −1 200 000 (bolag is ovrig).
# drift budget: bun 1 200 000 − 60 000 = 1 140 000; sn 900 000; skatt −3 600 000.
# Report sign, tkr: bun −1 329,999 against −1 140 (−189,999); sn −360 against −900 (+540);
# nämnder −1 689,999 against −2 040 (+350,001); result −489,999 against +1 560
# (−2 049,999). Investments: budget 500 000 for bun, nothing spent: 0 against −500 (+500).
@pytest.fixture(scope="module")
def tiny_dec(tmp_path_factory):
    root = tmp_path_factory.mktemp("tiny_dec")
    write_tiny(root / "data" / "raw")
    data = load_data(root / "data")
    rr = compute_resultatrakning(data, DEC)
    block = kommun_block.drift_block(data, DEC)
    inv = compute_investeringsredovisning(data, DEC)
    return data, rr, block, inv


def test_tiny_drift_text_at_year_end(tiny_dec):
    data, _, block, _ = tiny_dec
    text = kommun_block.drift_text(data, block, DEC)
    assert text == (
        "Nämndernas utfall för året är +0,4 miljoner kronor bättre än budget, det "
        "beror till stor del på positiva avvikelser för socialnämnden +0,5 miljoner "
        "kronor."
    )
    # bun's May forecast (2,0 mkr, −0,9 against budget) is not news at year end
    assert "Prognos" not in text and "prognos" not in text


def test_tiny_rr_text_at_year_end(tiny_dec):
    _, rr, _, _ = tiny_dec
    assert kommun_block.rr_text(rr, DEC) == (
        "Kommunen redovisar ett negativt resultat för 2023 på \u22120,5 miljoner kronor, vilket är "
        "2,0 miljoner kronor sämre än budgeterat resultat."
    )


def test_tiny_invest_text_at_year_end(tiny_dec):
    data, _, _, _ = tiny_dec
    assert investering.invest_text(data, DEC, "Lillby") == (
        "Under 2023 har Lillby investerat för 0,0 miljoner kronor, vilket är 0,5 miljoner "
        "kronor lägre än budget. Avvikelserna mot budget finns i huvudsak inom barn- och "
        "utbildningsnämnden (+0,5 mkr)."
    )


def test_tiny_klartext_at_year_end(tiny_dec):
    data, rr, block, inv = tiny_dec
    komp = pd.DataFrame({"komponent": ["folkmangd", "forandring"], "antal": [1234.0, -5.0]})
    komp.attrs.update(grund="manad", ar=2023, manad=12)
    text = kommun.klartext(
        data,
        DEC,
        "Lillby",
        rr,
        block,
        inv,
        komp,
        {"procent": 6.04, "procent_foregaende": 6.5, "tydlig": False},
        "Tre av fyra når målet.",
    )
    assert text.split("\n") == [
        "- **Ekonomin:** Lillby fick ett underskott på 0,5 miljoner kronor under hela året. "
        "Det är 2,0 miljoner kronor sämre än vad kommunen hade planerat.",
        "- **Verksamheterna:** nämnderna använde 0,4 miljoner kronor mindre än budgeten "
        "under året.",
        "- **Investeringar:** 0,0 miljoner kronor under året.",
        "- **Invånare:** 1\u00a0234 personer, 5 färre under året.",
        "- **Sjukfrånvaro:** 6,0 procent av arbetstiden bland kommunens anställda, lägre än "
        "förra året (6,5 procent), en skillnad inom den normala variationen mellan åren.",
        "- **Mål:** Tre av fyra når målet.",
    ]


@pytest.mark.parametrize(
    "period,tydlig,end",
    [
        ("2023-04", True, "lägre än samma period förra året (6,5 procent), en tydlig minskning."),
        ("2023-04", None, "lägre än samma period förra året (6,5 procent)."),  # no test made
        (
            "2023-12",
            False,
            "lägre än förra året (6,5 procent), en skillnad inom den normala "
            "variationen mellan åren.",
        ),
    ],
)
def test_sick_leave_line_says_what_the_test_says(tiny_dec, period, tydlig, end):
    data, _, _, _ = tiny_dec
    rr = compute_resultatrakning(data, period)
    block = kommun_block.drift_block(data, period)
    inv = compute_investeringsredovisning(data, period)
    text = kommun.klartext(
        data,
        period,
        "Lillby",
        rr,
        block,
        inv,
        None,
        {"procent": 6.04, "procent_foregaende": 6.5, "tydlig": tydlig},
        None,
    )
    (line,) = [x for x in text.split("\n") if x.startswith("- **Sjukfrånvaro:**")]
    assert line.endswith(end)


def test_tiny_nyckeltal_at_year_end(tiny_dec):
    data, rr, block, _ = tiny_dec
    nt = nyckeltal(data, DEC, rr, block)
    assert list(nt["rad"]) == ["Årets resultat", "Nämndernas nettokostnad", "Nettoinvesteringar"]
    assert list(nt["id"]) == ["resultat", "namnder", "investeringar"]
    expected = [[-489.999, 1560, -2049.999], [-1689.999, -2040, 350.001], [0.0, -500, 500]]
    got = nt[["utfall_prognos", "budget", "avvikelse"]].to_numpy().ravel().tolist()
    assert got == pytest.approx(sum(expected, []), abs=1e-6)


# --- the sample, from the raw files -------------------------------------------------------
def _read(rel: str, **kw) -> pd.DataFrame:
    return pd.read_csv(SAMPLE_RAW / rel, **kw)


@pytest.fixture(scope="module")
def raw():
    """2023 outcomes and budgets per unit from the raw CSV files (mkr, report sign)."""
    org = _read("organisation.csv", sep=";", encoding="utf-8-sig")
    typ = dict(zip(org["id"], org["typ"], strict=False))
    namn = dict(zip(org["id"], org["namn"], strict=False))
    u = _read("ekonomi/utfall_2023.csv", sep=";", decimal=",", encoding="cp1252")
    b = _read("ekonomi/budget_2023.csv")
    inv = _read("ekonomi/investeringar.csv", sep=";", decimal=",", encoding="cp1252")
    kp = _read(
        "ekonomi/kontoplan.csv", sep=";", encoding="utf-8-sig", dtype=str, keep_default_na=False
    )
    units = [i for i, t in typ.items() if t in ("namnd", "finans")]
    drift = b[b["typ"] == "drift"]
    out = {
        "utfall": -u.groupby("namnd")["belopp"].sum().reindex(units, fill_value=0) / 1e6,
        "budget": -drift.groupby("namnd")["belopp"].sum().reindex(units, fill_value=0) / 1e6,
        "namnder": [i for i in units if typ[i] == "namnd"],
        "fin": [i for i in units if i.startswith("fin-")],
        "namn": namn,
        "inv_utfall": -inv[inv["period"].str.startswith("2023")].groupby("namnd")["belopp"].sum()
        / 1e6,
        "inv_budget": -b[b["typ"] == "investering"].groupby("namnd")["belopp"].sum() / 1e6,
    }
    sem = kp[kp["semesterloneskuld"] == "ja"]

    def flagged(konto):
        return any(
            int(r.konto_fran) <= konto <= int(r.konto_till)  # noqa: E731
            for r in sem.itertuples()
        )

    out["sem_utfall"] = -u.loc[u["konto"].map(flagged), "belopp"].sum() / 1e6
    out["sem_budget"] = -drift.loc[drift["konto"].map(flagged), "belopp"].sum() / 1e6
    return out


@pytest.fixture(scope="module")
def sample_dec(sample_data):
    rr = compute_resultatrakning(sample_data, DEC)
    block = kommun_block.drift_block(sample_data, DEC)
    inv = compute_investeringsredovisning(sample_data, DEC)
    return sample_data, rr, block, inv


def _whole(mkr: float, sign: bool = True) -> str:
    """Whole mkr as the report writes amounts of 10 mkr and more."""
    v = round(mkr)
    text = f"{abs(v):,}".replace(",", "\u00a0")
    return (MINUS if v < 0 else "+" if sign and v > 0 else "") + text


def test_sample_rr_text_at_year_end(sample_dec, raw):
    _, rr, _, _ = sample_dec
    res = raw["utfall"].sum()  # 73,85 mkr
    dev = res - raw["budget"].sum()  # against 16,32 mkr: +57,53
    assert (round(res), round(dev)) == (74, 58)
    exkl = res - raw["sem_utfall"]  # the semesterlöneskuld's cost removed
    assert kommun_block.rr_text(rr, DEC) == (
        f"Kommunen redovisar ett positivt resultat för 2023 på {_whole(res)} miljoner kronor, "
        f"vilket är {_whole(dev, False)} miljoner kronor bättre än budgeterat resultat. Om "
        f"semesterlöneskuldens resultatpåverkan exkluderas är resultatet {_whole(exkl)} "
        "miljoner kronor."
    )


def test_sample_drift_text_at_year_end(sample_dec, raw):
    data, _, block, _ = sample_dec
    dev = raw["utfall"] - raw["budget"]
    namnder = dev[raw["namnder"]]
    worst = namnder[namnder <= -0.5].sort_values().head(3)
    assert list(worst.index) == ["sbn", "ks-stab", "bun"]  # −21,7, −19,8, −15,8
    names = [raw["namn"][i] for i in worst.index]
    names = [n[0].lower() + n[1:] if n[1].islower() else n for n in names]
    fin = dev[raw["fin"]].sum()
    sem = raw["sem_utfall"] - raw["sem_budget"]  # the whole year's budget at year end
    parts = kommun_block.drift_text(data, block, DEC).split("\n\n")
    sem_text = f"{sem:+.1f}".replace(".", ",").replace("-", MINUS)
    assert parts[1] == (
        f"Finansförvaltningen avviker med {_whole(fin)} miljoner kronor mot budget för året, "
        f"varav semesterlöneskuldens förändring {sem_text} miljoner kronor; exklusive "
        f"semesterlöneskulden är avvikelsen {_whole(fin - sem)} miljoner kronor."
    )
    assert parts[0] == (
        f"Nämndernas utfall för året är {_whole(namnder.sum())} miljoner kronor sämre än "
        "budget, det beror till stor del på negativa avvikelser för "
        f"{names[0]} {_whole(worst.iloc[0])} miljoner kronor, {names[1]} "
        f"{_whole(worst.iloc[1])} miljoner kronor samt {names[2]} {_whole(worst.iloc[2])} "
        "miljoner kronor."
    )
    assert len(parts) == 2  # no forecast paragraphs at year end


def test_sample_invest_text_at_year_end(sample_dec, raw):
    data, _, _, _ = sample_dec
    spent, budget = raw["inv_utfall"], raw["inv_budget"]
    dev = spent.reindex(budget.index, fill_value=0) - budget
    assert (round(-spent.sum()), round(dev.sum())) == (1088, -43)
    big = dev[dev.abs() >= 0.5].reindex(dev.abs().sort_values(ascending=False).index).dropna()
    big = big.head(3)
    assert list(big.index) == ["sbn", "kfn", "sn"]
    named = ", ".join(
        f"{raw['namn'][i][0].lower() + raw['namn'][i][1:]} ({_whole(v)} mkr)"
        for i, v in big.items()
    )
    named = named.rsplit(", ", 1)
    assert investering.invest_text(data, DEC, "Exempelkommunen") == (
        f"Under 2023 har Exempelkommunen investerat för {_whole(-spent.sum(), False)} miljoner "
        f"kronor, vilket är {_whole(-dev.sum(), False)} miljoner kronor högre än budget. "
        f"Avvikelserna mot budget finns i huvudsak inom {named[0]} samt {named[1]}."
    )


def test_sample_nyckeltal_at_year_end(sample_dec, raw):
    data, rr, block, _ = sample_dec
    nt = (
        nyckeltal(data, DEC, rr, block).set_index("rad")[["utfall_prognos", "budget", "avvikelse"]]
        / 1000
    )
    assert list(nt.index) == [
        "Årets resultat",
        "Resultat exklusive semesterlöneskuldens förändring",
        "Nämndernas nettokostnad",
        "Nettoinvesteringar",
    ]
    res, bud = raw["utfall"].sum(), raw["budget"].sum()
    n_u, n_b = raw["utfall"][raw["namnder"]].sum(), raw["budget"][raw["namnder"]].sum()
    i_u, i_b = raw["inv_utfall"].sum(), raw["inv_budget"].sum()
    assert nt.loc["Årets resultat"].tolist() == pytest.approx([res, bud, res - bud], abs=1e-6)
    assert nt.loc["Nämndernas nettokostnad"].tolist() == pytest.approx(
        [n_u, n_b, n_u - n_b], abs=1e-6
    )
    assert nt.loc["Nettoinvesteringar"].tolist() == pytest.approx([i_u, i_b, i_u - i_b], abs=1e-6)
    assert nt.loc[
        "Resultat exklusive semesterlöneskuldens förändring", "utfall_prognos"
    ] == pytest.approx(res - raw["sem_utfall"], abs=1e-6)


def test_sample_klartext_at_year_end(sample_dec, raw):
    data, rr, block, inv = sample_dec
    stock = _read("befolkning/folkmangd.csv")
    year_end = stock[stock["manad"].isna() | (stock["manad"] == 12)].groupby("ar")["antal"].sum()
    komp = pd.DataFrame(
        {
            "komponent": ["folkmangd", "forandring"],
            "antal": [float(year_end[2023]), float(year_end[2023] - year_end[2022])],
        }
    )
    komp.attrs.update(grund="manad", ar=2023, manad=12)
    assert (year_end[2023], year_end[2023] - year_end[2022]) == (79555, 60)
    lines = kommun.klartext(data, DEC, "Exempelkommunen", rr, block, inv, komp, None, None).split(
        "\n"
    )
    res, dev = raw["utfall"].sum(), raw["utfall"].sum() - raw["budget"].sum()
    n_dev = (raw["utfall"] - raw["budget"])[raw["namnder"]].sum()
    assert lines == [
        f"- **Ekonomin:** Exempelkommunen fick ett överskott på {_whole(res, False)} miljoner "
        f"kronor under hela året. Det är {_whole(dev, False)} miljoner kronor bättre än vad "
        "kommunen hade planerat.",
        f"- **Verksamheterna:** nämnderna använde {_whole(-n_dev, False)} miljoner kronor mer "
        "än budgeten under året.",
        f"- **Investeringar:** {_whole(-raw['inv_utfall'].sum(), False)} miljoner kronor under "
        "året, mest inom stadsbyggnadsnämnden och barn- och utbildningsnämnden.",
        "- **Invånare:** 79\u00a0555 personer, 60 fler under året.",
    ]
