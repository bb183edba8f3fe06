"""The Kolada comparison section (analysis.rapport.jamforelse): figures by hand on the
recorded answers (tests/data/kolada), the as-of rule, the visible texts without a cache or
without KPIs, the fictional sample, and the check's mutations."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pandas as pd
import pytest

from analysis.core.errors import ArgumentError, InputError
from analysis.io.dataset import load_data
from analysis.kontroller.bas import Kontroller
from analysis.rapport import jamforelse as jf
from tests.conftest import write_tiny
from tests.io.test_kolada import FIXTURES, Recorded, fetch

KONFIG = "rapport;kpi\nkommun;N00090\nkommun;N03001\nbun;N00090\n"


def _data(
    tmp_path: Path,
    *,
    cache: bool = True,
    konfig: str | None = KONFIG,
    answers: dict | None = None,
    **kw,
):
    raw = write_tiny(tmp_path / "data" / "raw")
    if cache:
        fetch(raw, Recorded(fail=answers), **kw)
    if konfig is not None:
        (raw / "kolada").mkdir(exist_ok=True)
        (raw / "kolada" / "jamforelse.csv").write_text(konfig, encoding="utf-8")
    return load_data(tmp_path / "data")


@pytest.fixture
def data(tmp_path):
    return _data(tmp_path)


@pytest.fixture
def shown(monkeypatch):
    """What the section displays: Markdown texts and table payloads."""
    out: list = []
    monkeypatch.setattr(jf, "display", lambda obj: out.append(("text", obj.data)))
    monkeypatch.setattr(
        jf, "show_table", lambda frame, title, **kw: out.append(("table", title, frame, kw))
    )
    return out


def _rows(j, kpi):
    t = j.tabell
    return t[t[jf.NYCKELTAL].str.endswith(f"({kpi})")].reset_index(drop=True)


def test_the_table_by_hand(data):
    j = jf.forbered_jamforelse(data, "2023-04", "kommun")
    assert j.kpier == ("N00090", "N03001")
    sjuk = _rows(j, "N00090")
    assert list(sjuk[jf.AR]) == [2021, 2022]  # 2023 is not yet published in April 2023
    assert list(sjuk["Luleå"]) == [7.5, 8.1]
    assert list(sjuk[jf.RIKET_KOLUMN]) == [7.4, 7.6]
    # 2021: Kiruna has no value → (7.2 + 8.0) / 2 over 2; 2022: (7.0 + 6.0 + 8.5) / 3
    assert sjuk[jf.GRUPP].tolist() == pytest.approx([7.6, 21.5 / 3])
    assert list(sjuk[jf.GRUPP_ANTAL]) == [2, 3]
    res = _rows(j, "N03001")
    assert list(res[jf.AR]) == [2022]
    assert res[jf.GRUPP].iloc[0] == pytest.approx(5.0 / 3)
    assert (res["Luleå"].iloc[0], res[jf.RIKET_KOLUMN].iloc[0]) == (2.3, 3.1)
    assert j.kalla == "Källa: Kolada (KPI N00090 och N03001), hämtad 2 maj 2024."
    assert "Testgrupp Norrbotten" in j.text and "ovägt medelvärde" in j.text
    assert "Piteå, Kiruna och Gällivare" in j.text and "Luleå ingår inte" in j.text
    assert "till och med 2022" in j.text and not j.fiktiv


def test_a_later_report_shows_the_later_year(data):
    j = jf.forbered_jamforelse(data, "2024-08", "kommun", antal_ar=2)
    sjuk = _rows(j, "N00090")
    assert list(sjuk[jf.AR]) == [2022, 2023]
    assert sjuk["Luleå"].iloc[-1] == 7.9
    assert sjuk[jf.GRUPP].iloc[-1] == pytest.approx((6.8 + 6.2 + 8.3) / 3)


def test_an_early_report_has_no_year_and_says_so(data):
    j = jf.forbered_jamforelse(data, "2021-06", "kommun")
    assert j.saknas == ("N00090", "N03001")
    assert j.tabell[jf.AR].isna().all() and j.tabell["Luleå"].isna().all()  # –, never 0
    assert "inga värden i Kolada-cachen till och med 2020" in j.text


def test_without_a_cache_one_visible_sentence(tmp_path, shown):
    data = _data(tmp_path, cache=False)
    j = jf.forbered_jamforelse(data, "2023-04", "kommun")
    assert j.tabell is None and j.kolada is None
    assert "Jämförelsen med andra kommuner saknas" in j.text
    assert "analysis kolada hamta --kommun KOD" in j.text
    jf.visa_jamforelse(j)
    assert shown == [("text", j.text)]  # one sentence, no table


def test_the_section_shows_text_table_and_source(data, shown):
    j = jf.forbered_jamforelse(data, "2023-04", "kommun")
    jf.visa_jamforelse(j)
    (_, text), (_, title, frame, kw) = shown
    assert text == j.text
    # the table as computed, the KPI's name shown once, on its first year's row
    first = ~j.tabell[jf.NYCKELTAL].duplicated()
    assert (frame[jf.NYCKELTAL][first] == j.tabell[jf.NYCKELTAL][first]).all()
    assert (frame[jf.NYCKELTAL][~first] == "").all() and (~first).any()
    rest = [c for c in frame.columns if c != jf.NYCKELTAL]
    pd.testing.assert_frame_equal(frame[rest], j.tabell[rest])
    assert title == f"Jämförelse med andra kommuner, {j.namn}"
    assert kw["note"] == j.kalla and kw["name"] == "kolada_kommun"
    assert kw["decimals"] == {"Luleå": 1, jf.GRUPP: 1, jf.RIKET_KOLUMN: 1}


def test_a_nämnd_and_the_personnel_report(tmp_path):
    data = _data(tmp_path, konfig=None)
    bun = jf.forbered_jamforelse(data, "2023-04", "BUN")  # the register's alias
    assert bun.rapport == "bun" and bun.kpier == ("N11024", "N15001")  # Förskola, Grundskola
    assert bun.saknas == ("N11024", "N15001")  # not in the cache: shown as missing
    assert "N11024 och N15001" in bun.text
    personal = jf.forbered_jamforelse(data, "2023-04", "personal")
    assert personal.kpier == ("N00090",) and personal.saknas == ()
    kommun = jf.forbered_jamforelse(data, "2023-04", "kommun")
    assert kommun.kpier[:4] == ("N03001", "N03067", "N00097", "N00090")
    assert set(kommun.kpier[4:]) == {"N11024", "N15001", "N20900"}


def test_a_report_without_kpis_says_how_to_choose_them(tmp_path):
    data = _data(tmp_path, konfig="rapport;kpi\nsn;-\n")
    j = jf.forbered_jamforelse(data, "2023-04", "sn")
    assert j.tabell is None and j.kpier == ()
    assert "Inga nyckeltal från Kolada är valda för Socialnämnden" in j.text
    assert "`sn;N00090`" in j.text


def test_unknown_report_and_bad_configuration(tmp_path):
    data = _data(tmp_path, konfig="rapport;kpi\nkfn;N00090\n")
    with pytest.raises(ArgumentError, match="rapport"):
        jf.forbered_jamforelse(data, "2023-04", "skatt")
    with pytest.raises(InputError) as info:
        jf.forbered_jamforelse(data, "2023-04", "kommun")
    assert (info.value.problems[0].line, info.value.problems[0].column) == (2, "rapport")


def _riket_only() -> dict:
    """The recorded answers cut to Luleå and riket (what a fetch without --jamfor asks)."""
    b = "https://api.kolada.se/v3"
    out: dict = {f"{b}/municipality/2580": (FIXTURES / "municipality.json").read_bytes()}
    for kpi, files in (
        ("N00090", ["data_N00090_sida1.json", "data_N00090_sida2.json"]),
        ("N03001", ["data_N03001.json"]),
    ):
        values = [
            v
            for f in files
            for v in json.loads((FIXTURES / f).read_text(encoding="utf-8"))["values"]
            if v["municipality"] in ("2580", "0000")
        ]
        url = f"{b}/data/kpi/{kpi}/municipality/2580,0000/year/2021,2022,2023?per_page=5000"
        out[url] = json.dumps({"count": len(values), "values": values, "next_url": None}).encode()
    return out


def test_riket_only_has_no_group_columns(tmp_path):
    data = _data(tmp_path, jamfor=None, answers=_riket_only())
    j = jf.forbered_jamforelse(data, "2023-04", "kommun")
    assert jf.GRUPP not in j.tabell.columns and "ingen jämförelsegrupp" in j.text
    k = Kontroller()
    jf.kontrollera_jamforelse(k, j)
    assert len(k) and not k.fel


def test_the_sample_is_fictional_and_as_of(sample_data):
    j = jf.forbered_jamforelse(sample_data, "2023-04", "kommun")
    assert j.fiktiv and j.text.startswith(
        "**Observera: jämförelsedata i detta avsnitt är påhittade"
    )
    assert "Påhittade uppgifter" in j.kalla
    assert int(j.tabell[jf.AR].max()) == 2022 and j.saknas == ()
    k = Kontroller()
    jf.kontrollera_jamforelse(k, j)
    assert len(k) > 100 and not k.fel


# --- the check's mutations -----------------------------------------------------------------
def test_the_check_passes_on_the_true_table(data):
    j = jf.forbered_jamforelse(data, "2023-04", "kommun")
    k = Kontroller()
    jf.kontrollera_jamforelse(k, j)
    assert len(k) == 3 * 5 and not k.fel  # 3 rows × (year, kommun, riket, mean, count)


@pytest.mark.parametrize(
    ("column", "row"),
    [("Luleå", 1), (jf.RIKET_KOLUMN, 0), (jf.GRUPP, 1), (jf.GRUPP_ANTAL, 0)],
)
def test_the_check_fails_when_the_table_is_broken(data, column, row):
    j = jf.forbered_jamforelse(data, "2023-04", "kommun")
    j.tabell.loc[row, column] = j.tabell.loc[row, column] + 1
    k = Kontroller()
    jf.kontrollera_jamforelse(k, j)
    assert len(k.fel) == 1


def test_the_check_fails_when_a_cache_file_changes_after_the_table(data):
    j = jf.forbered_jamforelse(data, "2023-04", "kommun")
    path = data.raw_dir / "kolada" / "N00090.json"
    doc = json.loads(path.read_text(encoding="utf-8"))
    for item in doc["values"]:
        if item["municipality"] == "2523" and item["period"] == 2022:
            item["values"][0]["value"] = 9.5  # a member: the group mean changes
    path.write_text(json.dumps(doc), encoding="utf-8")
    k = Kontroller()
    jf.kontrollera_jamforelse(k, j)
    (fel,) = k.fel
    assert "medelvärde" in fel.kontroll and math.isclose(fel.forvantat, 22.5 / 3)


def test_the_check_fails_when_a_year_after_the_cutoff_is_shown(data):
    j = jf.forbered_jamforelse(data, "2023-04", "kommun")
    j.tabell.loc[1, jf.AR] = 2023
    k = Kontroller()
    jf.kontrollera_jamforelse(k, j)
    assert any("året är senast 2022" in f.kontroll for f in k.fel)


def test_the_export_sheets(data):
    sheets = jf.blad(data, "2023-04")
    # kommun and bun are configured and cached; personal's N00090 is cached; sn's default
    # N20900 is not cached, so its sheet shows the KPI as missing
    assert set(sheets) == {"kolada_kommun", "kolada_personal", "kolada_bun", "kolada_sn"}
    kommun = sheets["kolada_kommun"]
    assert kommun[jf.NYCKELTAL].iloc[-1].startswith("Källa: Kolada (KPI N00090 och N03001)")
    assert len(kommun) == 3 + 1
