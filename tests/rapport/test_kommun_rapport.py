"""The sections of the kommun report and of the short version (analysis.rapport.kommun:
forbered, forbered_kort, visa_*, figur_*, kontrollera, kontrollera_kort): what they
show, and that the checks are made on the very figures and texts shown."""

from __future__ import annotations

import dataclasses

import pytest
from matplotlib.figure import Figure

from analysis.core.period import Period
from analysis.ekonomi import drift as economy
from analysis.io.dataset import load_data
from analysis.kontroller.bas import Kontroller
from analysis.rapport import kommun

PERIOD = "2023-04"

#: The check groups of the kommun report, in the order the report made them before the
#: sections moved into the module (setup, goals, texts, population, personnel).
GRUPPER_KOMMUN = [
    "Driftsredovisning = huvudboken",
    "Resultaträkning: tecken",
    "Resultaträkning = driftsredovisning",
    "Resultaträkning: interna poster",
    "Driftsredovisning i block = driftsredovisning",
    "Samma tal i två tabeller",
    "Texten = tabellerna",
    "Befolkning: komponenterna mot folkmängden",
    "Personal: andelar",
    "Personal: hela kommunen",
    "Mål per KF-mål",
    "Balansräkningen",
    "Ingående balans = föregående års utgående balans",
    "Kassaflödesanalysen = förändringen av likvida medel",
    "Balanskravsutredningen",
    "Finansiella nyckeltal = huvudboken",
    "Finansiella mål = målfilen",
    "Pensionsförpliktelser = pensionsberäkningen",
    "Pensionsavsättning = balansräkningen",
    "Bolagen = bolagens uppgifter",
    "Arbetsmarknad: tabellerna = filerna",
    "Arbetsmarknad: texten = filerna",
    "Arbetsmarknad: rimlighet",
    "Personalstruktur",
    "Jämförelse (Kolada)",
]
#: ... and of the short version (the ledger after the blocks; no personnel table).
GRUPPER_KORT = [
    "Resultaträkning: tecken",
    "Resultaträkning = driftsredovisning",
    "Resultaträkning: interna poster",
    "Driftsredovisning i block = driftsredovisning",
    "Samma tal i två tabeller",
    "Driftsredovisning = huvudboken",
    "Befolkning: komponenterna mot folkmängden",
    "Texten = tabellerna",
]


def grupper(k: Kontroller) -> list[str]:
    return list(dict.fromkeys(c.grupp for c in k.rader))


@pytest.fixture(scope="module")
def data(sample_data):
    return sample_data.as_of(PERIOD)


@pytest.fixture(scope="module")
def r(data):
    return kommun.forbered(data, PERIOD)


@pytest.fixture(scope="module")
def rk(data):
    return kommun.forbered_kort(data, PERIOD)


@pytest.fixture
def shown(monkeypatch):
    """What the module displays as Markdown (its own ``display`` calls)."""
    out: list[str] = []
    monkeypatch.setattr(kommun, "display", lambda obj, **kw: out.append(obj.data))
    return out


def test_the_kommun_report_of_the_sample(r, shown, capsys):
    assert r.period == Period(2023, 4) and r.namn == "Exempelkommunen"
    assert r.komp is not None and r.folkmangd is not None and r.oversikt is not None
    assert r.mal_text.startswith("Av 38 mätetal är 18 gröna, 10 gula och 2 röda")
    # the summary's goal line is the sentence the goals section shows and checks
    assert r.sammanfattning.endswith(f"- **Mål:** {r.mal_text}")
    kommun.visa_sammanfattning(r)
    kommun.visa_mal(r)
    kommun.visa_rr_text(r)
    kommun.visa_drift_text(r)
    kommun.visa_befolkning(r)
    assert shown == [r.sammanfattning, r.mal_text, r.rr_text, r.drift_text, r.befolkning_text]
    for section in (
        kommun.visa_nyckeltal,
        kommun.visa_viktiga_handelser,
        kommun.visa_resultatrakning,
        kommun.visa_driftsredovisning,
        kommun.visa_investeringar,
        kommun.visa_malbilaga,
    ):
        section(r)
    capsys.readouterr()
    kommun.visa_personal(r)
    assert capsys.readouterr().out.startswith(r.personal_text + "\n")
    for chart in (kommun.figur_mal, kommun.figur_befolkning, kommun.figur_personal):
        assert isinstance(chart(r), Figure)


def test_the_kommun_reports_checks_hold_in_the_reports_order(r):
    k = Kontroller()
    kommun.kontrollera(k, r)
    assert k.fel == [] and grupper(k) == GRUPPER_KOMMUN


def test_the_short_version_of_the_sample(rk, data, shown):
    assert rk.inledning == (
        "Här är det viktigaste om hur det har gått för Exempelkommunen under januari till "
        "april 2023: kommunens ekonomi, invånare, personal och mål. Siffrorna kommer från "
        "samma underlag som den fullständiga rapporten till kommunfullmäktige."
    )
    assert rk.mal_text.startswith("Av 38 mätetal når 14 sitt målvärde")
    assert rk.sammanfattning.endswith(f"- **Mål:** {rk.mal_text}")
    assert rk.hundra["kronor"].sum() == pytest.approx(100.0)
    kommun.visa_inledning_kort(rk)
    kommun.visa_sammanfattning(rk)
    assert shown == [rk.inledning, rk.sammanfattning]
    for chart in (kommun.figur_100kr, kommun.figur_befolkning_kort, kommun.figur_mal_kort):
        assert isinstance(chart(rk), Figure)
    k = Kontroller()
    kommun.kontrollera_kort(k, rk)
    assert k.fel == [] and grupper(k) == GRUPPER_KORT


def test_the_short_version_at_year_end(sample_data):
    rk = kommun.forbered_kort(sample_data.as_of("2023-12"), "2023-12")
    assert rk.inledning.startswith(
        "Här är det viktigaste om hur det har gått för Exempelkommunen under hela året 2023: "
    )


def test_the_texts_checked_are_the_texts_shown(r, rk):
    """A text that no longer matches its table fails the check of the report that shows it."""
    wrong = r.rr_text.replace("+", "+1")  # every signed amount printed wrong
    k = Kontroller()
    kommun.kontrollera(k, dataclasses.replace(r, rr_text=wrong))
    assert {f.grupp for f in k.fel} == {"Texten = tabellerna"}
    # a goal sentence that counts 19 green instead of 18
    for report, check in ((r, kommun.kontrollera), (rk, kommun.kontrollera_kort)):
        k = Kontroller()
        check(
            k, dataclasses.replace(report, mal_text=report.mal_text.replace("18 gröna", "19 gröna"))
        )
        assert [f.kontroll for f in k.fel] == ["Antal gröna i texten = tabellen"]


def test_a_broken_ledger_path_fails_both_reports(data, monkeypatch):
    real = economy.utfall_kr

    def broken(data, months):  # a thousand kronor too much for bun
        s = real(data, months).copy()
        s["bun"] += 1000.0
        return s

    monkeypatch.setattr(economy, "utfall_kr", broken)
    for prepare, check in (
        (kommun.forbered, kommun.kontrollera),
        (kommun.forbered_kort, kommun.kontrollera_kort),
    ):
        k = Kontroller()
        check(k, prepare(data, PERIOD))
        assert "Driftsredovisning = huvudboken" in {f.grupp for f in k.fel}


def test_without_goals_and_population(tiny, shown):
    """The tiny kommun has no mätetal and no population files: the sections say so, draw
    nothing and make no goal or population checks."""
    data = load_data(tiny).as_of(PERIOD)
    r = kommun.forbered(data, PERIOD)
    assert r.mt.empty and r.oversikt is None and r.mal_text is None
    assert r.komp is None and r.folkmangd is None and r.befolkning_text is None
    assert "- **Mål:**" not in r.sammanfattning and "- **Invånare:**" not in r.sammanfattning
    kommun.visa_mal(r)
    kommun.visa_befolkning(r)
    assert shown == [
        "Kommunen har inga mål och mätetal för perioden (filen mal/matetal.csv).",
        f"Befolkningsuppgifter för perioden saknas: {r.befolkning_saknas}",
    ]
    assert kommun.figur_mal(r) is None and kommun.figur_befolkning(r) is None
    k = Kontroller()
    kommun.kontrollera(k, r)
    assert "Befolkning: komponenterna mot folkmängden" not in grupper(k)

    rk = kommun.forbered_kort(data, PERIOD)
    assert rk.mal_text is None and rk.bd is None
    shown.clear()
    assert kommun.figur_mal_kort(rk) is None
    assert shown == ["Kommunen har inga mätetal för perioden."]
    assert kommun.figur_befolkning_kort(rk) is None
    k = Kontroller()
    kommun.kontrollera_kort(k, rk)
    assert k.fel == [] and grupper(k) == GRUPPER_KORT[:6]


@pytest.mark.slow
@pytest.mark.parametrize("notebook", ["kommun", "kortversion"])
def test_the_notebooks_catch_a_broken_ledger_path(tmp_path, monkeypatch, sample_dir, notebook):
    """End to end: the real notebook in a kernel whose package has a broken ledger path
    (:data:`tests.kontroller.test_kontroller_mutationer.BROKEN_LEDGER`) emits the failed
    check."""
    from tests.kontroller.test_kontroller_mutationer import BROKEN_LEDGER, run_broken

    checks = run_broken(tmp_path, monkeypatch, sample_dir, notebook, BROKEN_LEDGER)
    assert checks["avvikande"] > 0
    assert "Driftsredovisning = huvudboken" in {f["grupp"] for f in checks["fel"]}
