"""The kommun report's population text (analysis.rapport.kommun) under the as-of rule
(issue 11 §3): when
``befolkning.period_components`` falls back to the last complete year (``attrs['grund']``
``'ar'``), the text speaks of that year and says that the monthly figures are missing — it
never says "sedan årsskiftet" about figures that are not this year's."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

from analysis.befolkning import historik as befolkning
from analysis.rapport import kommun
from tests.conftest import SAMPLE_RAW, write_tiny

# a hand-made year: −50 − 100 + 30 = −120; the parts of the flyttnetto: +20 − 150 + 30
YEAR_2022 = {
    "folkmangd": 50_000,
    "forandring": -120,
    "forandring_foregaende_ar": 35,
    "fodda": 400,
    "doda": 450,
    "fodelsenetto": -50,
    "inflyttade": 1_000,
    "utflyttade": 1_100,
    "flyttnetto": -100,
    "flyttnetto_inom_lanet": 20,
    "flyttnetto_annat_lan": -150,
    "flyttnetto_utlandet": 30,
    "justering": 30,
}


def components(values: dict, **attrs) -> pd.DataFrame:
    komp = pd.DataFrame(
        {
            "komponent": list(values),
            "text": list(values),
            "antal": [float(v) for v in values.values()],
        }
    )
    komp.attrs.update(attrs)
    return komp


def test_fallback_to_the_last_year_says_so():
    komp = components(YEAR_2022, grund="ar", ar=2022, manad=12, beskrivning="…")
    text = kommun.befolkning_text(komp, "2023-04", "Lillby")
    assert text == (
        "Befolkningsuppgifter per månad för januari–april 2023 finns inte än; texten avser "
        "helåret 2022. Under 2022 minskade Lillbys befolkning med 120 personer, vilket är en "
        "försämring jämfört med 2021 då förändringen var +35 invånare. Födelsenettot var \u221250 "
        "(400 födda och 450 döda) och flyttnettot \u2212100 (inom länet +20, "
        "från andra län \u2212150, från utlandet +30). Övriga förändringar, "
        "som rättelser i folkbokföringen, var +30 personer; de förklarar skillnaden mellan "
        "komponenterna och den totala förändringen."
    )
    assert "sedan årsskiftet" not in text


def test_fallback_at_year_end():
    komp = components(
        YEAR_2022 | {"forandring": 80, "justering": 230}, grund="ar", ar=2022, manad=12
    )
    text = kommun.befolkning_text(komp, "2023-12", "Lillby")
    assert text.startswith(
        "Befolkningsuppgifter per månad för helåret 2023 finns inte än; "
        "texten avser helåret 2022. Under 2022 ökade Lillbys befolkning "
        "med 80 personer, vilket är en förbättring jämfört med 2021"
    )
    assert "under året" not in text


def test_monthly_figures_keep_the_published_sentence():
    komp = components(YEAR_2022, grund="manad", ar=2023, manad=4)
    text = kommun.befolkning_text(komp, "2023-04", "Lillby")
    assert text.startswith(
        "Lillbys befolkning har totalt minskat med 120 personer sedan "
        "årsskiftet, vilket är en försämring jämfört med samma period "
        "föregående år då förändringen var +35 invånare. Födelsenettot är"
    )
    # at year end the comparison is with the previous year, not "the same period"
    komp.attrs.update(manad=12)
    text = kommun.befolkning_text(komp, "2023-12", "Lillby")
    assert text.startswith(
        "Lillbys befolkning har totalt minskat med 120 personer under "
        "året, vilket är en försämring jämfört med föregående år då"
    )


def test_klartext_says_which_date_the_population_is_from(tmp_path):
    from analysis.ekonomi.block import drift_block
    from analysis.ekonomi.drift import compute_investeringsredovisning
    from analysis.ekonomi.resultat import compute_resultatrakning
    from analysis.io.dataset import load_data

    write_tiny(tmp_path / "data" / "raw")
    data = load_data(tmp_path / "data")
    rr = compute_resultatrakning(data, "2023-04")
    block = drift_block(data, "2023-04")
    inv = compute_investeringsredovisning(data, "2023-04")

    def line(komp):
        text = kommun.klartext(data, "2023-04", "Lillby", rr, block, inv, komp, None, None)
        (out,) = [x for x in text.split("\n") if x.startswith("- **Invånare:**")]
        return out

    assert line(components(YEAR_2022, grund="ar", ar=2022, manad=12)) == (
        "- **Invånare:** 50\u00a0000 personer den 31 december 2022, 120 färre än ett år "
        "tidigare (befolkningsuppgifter per månad för januari–april 2023 finns inte än)."
    )
    assert line(components(YEAR_2022, grund="manad", ar=2023, manad=4)) == (
        "- **Invånare:** 50\u00a0000 personer, 120 färre sedan årsskiftet."
    )


# --- the sample without its 2023 rows: the engine falls back, the text follows ------------
@pytest.fixture(scope="module")
def sample_without_2023(sample_data):
    bd = befolkning.BefolkningData(
        sample_data.folkmangd, sample_data.fodda, sample_data.doda, sample_data.flyttningar
    )
    keep = {f.name: getattr(bd, f.name) for f in dataclasses.fields(bd)}
    keep = {
        k: (v[v["ar"] < 2023] if isinstance(v, pd.DataFrame) and "ar" in v else v)
        for k, v in keep.items()
    }
    return befolkning.BefolkningData(**keep)


def test_sample_without_monthly_2023_figures(sample_without_2023):
    komp = befolkning.period_components(sample_without_2023, 2023, 4)
    assert (komp.attrs["grund"], komp.attrs["ar"]) == ("ar", 2022)
    stock = pd.read_csv(SAMPLE_RAW / "befolkning" / "folkmangd.csv")
    year_end = stock[stock["manad"].isna() | (stock["manad"] == 12)].groupby("ar")["antal"].sum()
    change = int(year_end[2022] - year_end[2021])  # from the raw file
    text = kommun.befolkning_text(komp, "2023-04", "Exempelkommunen")
    verb = "ökade" if change > 0 else "minskade"
    assert text.startswith(
        "Befolkningsuppgifter per månad för januari–april 2023 finns inte än; texten avser "
        f"helåret 2022. Under 2022 {verb} Exempelkommunens befolkning med {abs(change):,d}".replace(
            ",", "\u00a0"
        )
        + " personer"  # the size after the verb, without a sign
    )
    assert "sedan årsskiftet" not in text
