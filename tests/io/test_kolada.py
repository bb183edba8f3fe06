"""The Kolada client, cache and configuration (analysis.io.kolada), on recorded answers in
Kolada's v3 shape (tests/data/kolada, hand-written; see its README) — never the network."""

from __future__ import annotations

import datetime as dt
import io
import json
import math
import urllib.error
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.core.errors import InputError
from analysis.core.register import Register
from analysis.io import kolada as k
from tests.conftest import TESTS

FIXTURES = TESTS / "data" / "kolada"
B = "https://api.kolada.se/v3"
M = "2580,0000,2581,2584,2523"
DATA_N00090 = f"{B}/data/kpi/N00090/municipality/{M}/year/2021,2022,2023?per_page=5000"
DATA_N03001 = f"{B}/data/kpi/N03001/municipality/{M}/year/2021,2022,2023?per_page=5000"
ANSWERS = {
    f"{B}/kpi/N00090,N03001": "kpi.json",
    f"{B}/municipality/2580,2581,2584,2523": "municipality.json",
    f"{B}/municipality_groups/G12345": "municipality_groups.json",
    DATA_N00090: "data_N00090_sida1.json",
    DATA_N00090 + "&page=2": "data_N00090_sida2.json",
    DATA_N03001: "data_N03001.json",
}
NU = dt.datetime(2024, 5, 2, 9, 30, tzinfo=dt.UTC)


class Recorded:
    """``hamta_url`` answering from the recorded files; ``fail`` maps a URL to an error."""

    def __init__(self, fail: dict[str, BaseException | bytes] | None = None) -> None:
        self.calls: list[str] = []
        self.fail = fail or {}

    def __call__(self, url: str) -> bytes:
        self.calls.append(url)
        if url in self.fail:
            what = self.fail[url]
            if isinstance(what, bytes):
                return what
            raise what
        assert url in ANSWERS, f"unexpected URL {url}"
        return (FIXTURES / ANSWERS[url]).read_bytes()


def fetch(raw: Path, fetcher: Recorded | None = None, **kw) -> list[Path]:
    return k.hamta(
        raw,
        "2580",
        range(2021, 2024),
        kw.pop("jamfor", "G12345"),
        kw.pop("kpier", ["N00090", "N03001"]),
        fetcher or Recorded(),
        nu=lambda: NU,
        **kw,
    )


@pytest.fixture
def cache(tmp_path: Path) -> Path:
    raw = tmp_path / "raw"
    fetch(raw)
    return raw


# --- fetching ---------------------------------------------------------------------------
def test_fetch_follows_next_url_and_joins_the_pages(tmp_path):
    rec = Recorded()
    written = fetch(tmp_path, rec)
    assert [p.name for p in written] == ["N00090.json", "N03001.json"]
    assert DATA_N00090 + "&page=2" in rec.calls  # the second page was asked for
    doc = json.loads((tmp_path / "kolada" / "N00090.json").read_text(encoding="utf-8"))
    # 5 items on page 1 + 10 on page 2, in order
    assert doc["count"] == 15 and len(doc["values"]) == 15
    assert [v["municipality"] for v in doc["values"][4:7]] == ["0000", "0000", "2581"]


def test_the_cache_file_holds_source_date_kommun_and_group(cache):
    doc = json.loads((cache / "kolada" / "N03001.json").read_text(encoding="utf-8"))
    assert doc["kalla"] == f"Kolada API v3, {DATA_N03001}"
    assert doc["hamtad"] == "2024-05-02T09:30:00+00:00"
    assert doc["kommun"] == "2580"
    assert doc["jamfor"] == ["2581", "2584", "2523"]  # the kommun itself is not its own peer
    assert doc["jamforelsegrupp"] == {"id": "G12345", "title": "Testgrupp Norrbotten"}
    assert doc["fiktiv"] is False
    assert doc["kommuner"]["0000"] == "Riket" and doc["kommuner"]["2584"] == "Kiruna"
    assert doc["kpi"]["title"].startswith("Resultat före extraord. poster")


def test_genders_riket_and_deleted_values_in_the_loaded_frame(cache):
    kol = k.load_kolada(cache)
    v = kol.varden
    luleå_2022 = v[(v["kpi"] == "N00090") & (v["kommun"] == "2580") & (v["ar"] == 2022)]
    assert dict(zip(luleå_2022["kon"], luleå_2022["varde"], strict=True)) == {
        "K": 9.0,
        "M": 5.9,
        "T": 8.1,
    }
    riket = v[(v["kommun"] == "0000") & (v["kpi"] == "N00090") & (v["kon"] == "T")]
    assert list(riket["ar"]) == [2021, 2022, 2023] and list(riket["varde"]) == [7.4, 7.6, 7.3]
    kiruna_2022 = v[(v["kommun"] == "2584") & (v["ar"] == 2022) & (v["kpi"] == "N00090")]
    assert list(kiruna_2022["varde"]) == [6.0]  # the deleted 60.0 is not read
    kiruna_2021 = v[(v["kommun"] == "2584") & (v["ar"] == 2021)]
    assert math.isnan(kiruna_2021["varde"].iloc[0])
    assert kiruna_2021["status"].iloc[0] == "Uppgift saknas"
    assert kol.kommun == "2580" and kol.jamfor == ("2581", "2584", "2523")
    assert kol.grupp_namn == "Testgrupp Norrbotten" and kol.fiktiv is False
    assert kol.kpier["N00090"] == "Sjukfrånvaro kommunalt anställda totalt, (%)"
    assert list(v.columns) == ["kpi", "kommun", "ar", "kon", "varde", "status"]


def test_row_count_of_the_loaded_frame(cache):
    v = k.load_kolada(cache).varden
    # N00090 page 1: 5 items × 3 genders; page 2: 10 items of T, one deleted duplicate skipped
    assert (v["kpi"] == "N00090").sum() == 15 + 10
    assert (v["kpi"] == "N03001").sum() == 5


def test_a_list_of_kommun_codes_instead_of_a_group(tmp_path):
    rec = Recorded()
    fetch(tmp_path, rec, jamfor="2581, 2584,2523")
    assert f"{B}/municipality_groups/G12345" not in rec.calls
    kol = k.load_kolada(tmp_path)
    assert kol.jamfor == ("2581", "2584", "2523") and kol.grupp_id is None


@pytest.mark.parametrize(
    ("error", "words"),
    [
        (urllib.error.URLError("Name or service not known"), "Kunde inte nå Kolada"),
        (
            urllib.error.HTTPError(DATA_N03001, 500, "Internal Server Error", None, io.BytesIO()),
            "HTTP-status 500",
        ),
        (TimeoutError("timed out"), "svarade inte i tid"),
        (b"<html>Bad gateway</html>", "inte med giltig JSON"),
        (b'{"count": 1}', "listan 'values'"),
    ],
)
def test_a_network_http_or_json_error_writes_nothing(tmp_path, error, words):
    # the error comes on the last request, after N00090 was fetched in full
    rec = Recorded(fail={DATA_N03001: error})
    with pytest.raises(k.KoladaFel) as info:
        fetch(tmp_path, rec)
    message = str(info.value)
    assert words in message and DATA_N03001 in message
    assert "Ingenting har sparats i data/raw/kolada/" in message
    assert not (tmp_path / "kolada").exists()
    assert DATA_N00090 + "&page=2" in rec.calls  # N00090 was fetched, yet not written


def test_an_error_leaves_an_earlier_cache_untouched(cache):
    before = {p.name: p.read_bytes() for p in (cache / "kolada").iterdir()}
    with pytest.raises(k.KoladaFel):
        fetch(cache, Recorded(fail={DATA_N00090: urllib.error.URLError("refused")}))
    assert {p.name: p.read_bytes() for p in (cache / "kolada").iterdir()} == before


def test_retries_are_off_by_default_and_on_when_asked():
    calls = []

    def flaky(url):
        calls.append(url)
        if len(calls) == 1:
            raise urllib.error.HTTPError(url, 503, "Unavailable", None, io.BytesIO())
        return b'{"values": [], "count": 0}'

    with pytest.raises(k.KoladaFel, match="HTTP-status 503"):
        k.hamta_json(f"{B}/kpi/N00090", flaky)
    assert len(calls) == 1
    calls.clear()
    waits = []
    assert k.hamta_json(f"{B}/kpi/N00090", flaky, forsok=2, vanta=waits.append)["values"] == []
    assert len(calls) == 2 and waits == [1.0]


def test_a_404_is_not_retried():
    calls = []

    def missing(url):
        calls.append(url)
        raise urllib.error.HTTPError(url, 404, "Not Found", None, io.BytesIO())

    with pytest.raises(k.KoladaFel, match="Finns KPI:n"):
        k.hamta_json(f"{B}/kpi/N99999", missing, forsok=3, vanta=lambda s: None)
    assert len(calls) == 1


def test_a_next_url_elsewhere_or_in_a_loop_is_refused():
    page = {"values": [], "next_url": "https://evil.example/v3/kpi?page=2"}
    with pytest.raises(k.KoladaFel, match="ligger inte under"):
        k.hamta_alla(f"{B}/kpi", lambda u: json.dumps(page).encode())
    loop = {"values": [], "next_url": f"{B}/kpi"}
    with pytest.raises(k.KoladaFel, match="tar inte slut"):
        k.hamta_alla(f"{B}/kpi", lambda u: json.dumps(loop).encode())


def test_an_unknown_kpi_writes_nothing(tmp_path):
    only_one = json.dumps({"values": [{"id": "N00090", "title": "x"}], "count": 1}).encode()
    rec = Recorded(fail={f"{B}/kpi/N00090,N03001": only_one})
    with pytest.raises(k.KoladaFel, match="känner inte till KPI:n N03001"):
        fetch(tmp_path, rec)
    assert not (tmp_path / "kolada").exists()


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"kpier": ["N0009"]}, "inget KPI-id"),
        ({"jamfor": "Piteå"}, "varken en fyrsiffrig kommunkod"),
        ({"jamfor": ["G12345", "2581"]}, "inte båda"),
    ],
)
def test_bad_arguments_are_refused_before_any_request(tmp_path, kwargs, words):
    rec = Recorded()
    with pytest.raises(k.KoladaFel, match=words):
        fetch(tmp_path, rec, **kwargs)
    assert rec.calls == []


def test_riket_is_no_kommun(tmp_path):
    with pytest.raises(k.KoladaFel, match="riket"):
        k.hamta(tmp_path, "0000", range(2021, 2023), None, ["N00090"], Recorded())


def test_tolka_jamfor():
    assert k.tolka_jamfor(None) == ([], None)
    assert k.tolka_jamfor("2581,2584, 2581") == (["2581", "2584"], None)
    assert k.tolka_jamfor(["g37421"]) == ([], "G37421")


# --- the cache ----------------------------------------------------------------------------
def test_no_cache_is_none(tmp_path):
    assert k.load_kolada(tmp_path) is None
    (tmp_path / "kolada").mkdir()
    (tmp_path / "kolada" / "jamforelse.csv").write_text("rapport;kpi\n", encoding="utf-8")
    assert k.load_kolada(tmp_path) is None


def test_as_of_a_period_keeps_the_years_before_its_year(cache):
    kol = k.load_kolada(cache)
    assert kol.varden["ar"].max() == 2023
    assert kol.as_of("2023-04").varden["ar"].max() == 2022
    assert kol.as_of("2023-12").varden["ar"].max() == 2022
    assert kol.as_of("2024-01").varden["ar"].max() == 2023
    assert set(kol.as_of("2022-08").varden["ar"]) == {2021}


@given(
    years=st.lists(st.integers(1995, 2030), min_size=1, max_size=20),
    cutoff=st.integers(1995, 2031).flatmap(lambda y: st.integers(1, 12).map(lambda m: y * 100 + m)),
)
@settings(max_examples=60, deadline=None)
def test_kolada_dated_is_the_years_before_the_cutoff_year(years, cutoff):
    mask = k.kolada_dated(pd.DataFrame({"ar": years}), cutoff)
    assert list(mask) == [y < cutoff // 100 for y in years]


def _write(raw: Path, name: str, text: str) -> None:
    (raw / "kolada").mkdir(parents=True, exist_ok=True)
    (raw / "kolada" / name).write_text(text, encoding="utf-8")


def test_a_file_that_is_not_json_names_line_and_column(tmp_path):
    _write(tmp_path, "N00090.json", '{\n "kommun": "2580",\n "values": [1, 2,]\n}\n')
    with pytest.raises(InputError) as info:
        k.load_kolada(tmp_path)
    (p,) = info.value.problems
    # the stray ']' after the trailing comma: line 3, character 18
    assert (p.file, p.line, p.column) == ("kolada/N00090.json", 3, "tecken 18")
    assert "ogiltig JSON" in p.message and "analysis kolada hamta" in p.message


def _doc(**changes) -> dict:
    doc = json.loads((FIXTURES / "data_N03001.json").read_text(encoding="utf-8"))
    out = {
        "kalla": "Kolada API v3, x",
        "hamtad": "2024-05-02T09:30:00+00:00",
        "kommun": "2580",
        "jamfor": ["2581", "2584", "2523"],
        "fiktiv": False,
        "values": doc["values"],
    }
    out.update(changes)
    return out


def test_a_bad_value_is_placed_at_its_own_line(tmp_path):
    doc = _doc()
    doc["values"][3]["values"][0]["gender"] = "X"
    doc["values"][4]["values"][0]["value"] = "4,0"
    text = json.dumps(doc, indent=1)
    _write(tmp_path, "N03001.json", text)
    with pytest.raises(InputError) as info:
        k.load_kolada(tmp_path)
    lines = text.splitlines()
    gender, value = info.value.problems
    assert '"gender": "X"' in lines[gender.line - 1]
    assert gender.column.startswith("values[3].values[0].gender (tecken ")
    assert "väntade kön T, K eller M" in gender.message
    assert '"value": "4,0"' in lines[value.line - 1]
    assert "väntade ett tal eller null" in value.message
    col = int(value.column.split("tecken ")[1].rstrip(")"))
    assert lines[value.line - 1][col - 1 :].startswith('"4,0"')


def test_a_value_twice_and_a_foreign_kommun_are_refused(tmp_path):
    doc = _doc()
    doc["values"].append(dict(doc["values"][0]))
    doc["values"][1]["municipality"] = "0180"
    _write(tmp_path, "N03001.json", json.dumps(doc, indent=1))
    with pytest.raises(InputError) as info:
        k.load_kolada(tmp_path)
    messages = [p.message for p in info.value.problems]
    assert any("väntade kommunen, riket (0000) eller en jämförelsekommun" in m for m in messages)
    assert any("finns två gånger" in m for m in messages)


def test_files_for_different_kommuner_are_refused(tmp_path):
    _write(tmp_path, "N03001.json", json.dumps(_doc()))
    other = _doc(kommun="2581", jamfor=["2580", "2584", "2523"])
    for v in other["values"]:
        v["kpi"] = "N00090"
    _write(tmp_path, "N00090.json", json.dumps(other))
    with pytest.raises(InputError) as info:
        k.load_kolada(tmp_path)
    assert any(p.column == "kommun" for p in info.value.problems)


def test_a_missing_field_and_a_bad_file_name(tmp_path):
    doc = _doc()
    del doc["hamtad"]
    _write(tmp_path, "sjukfranvaro.json", json.dumps(doc))
    with pytest.raises(InputError) as info:
        k.load_kolada(tmp_path)
    messages = " ".join(p.message for p in info.value.problems)
    assert "filnamnet ska vara KPI:ns id" in messages and "'hamtad'" in messages


@given(
    st.recursive(
        st.one_of(st.integers(), st.text(max_size=4), st.none(), st.booleans()),
        lambda c: st.one_of(
            st.lists(c, max_size=3), st.dictionaries(st.text(max_size=3), c, max_size=3)
        ),
        max_leaves=12,
    ),
    st.integers(0, 2),
)
@settings(max_examples=80, deadline=None)
def test_position_points_at_the_value_of_the_path(doc, indent):
    text = json.dumps(doc, indent=indent or None, ensure_ascii=False)

    def paths(x, cur=()):
        yield cur, x
        if isinstance(x, dict):
            for key, v in x.items():
                yield from paths(v, (*cur, key))
        elif isinstance(x, list):
            for i, v in enumerate(x):
                yield from paths(v, (*cur, i))

    lines = text.split("\n")
    for path, value in paths(doc):
        line, col = k._position(text, path)
        rest = "\n".join([lines[line - 1][col - 1 :], *lines[line:]])
        assert json.JSONDecoder().raw_decode(rest)[0] == value


# --- the configuration --------------------------------------------------------------------
REGISTER = Register(
    pd.DataFrame(
        {
            "id": ["bun", "sn", "skatt"],
            "namn": ["Barn- och utbildningsnämnden", "Socialnämnden", "Skatteintäkter"],
            "typ": ["namnd", "namnd", "finans"],
            "forvaltning": ["", "", ""],
            "alias": ["BUN", "", ""],
        }
    )
)


def test_the_configuration_per_report(tmp_path):
    _write(
        tmp_path,
        "jamforelse.csv",
        "rapport;kpi\nkommun;N03001\nkommun;n00090\nBUN;N15001\npersonal;-\n",
    )
    assert k.las_konfiguration(tmp_path, REGISTER) == {
        "kommun": ("N03001", "N00090"),
        "bun": ("N15001",),
        "personal": (),
    }
    assert k.las_konfiguration(tmp_path / "none", REGISTER) is None


def test_a_bad_configuration_names_line_and_column(tmp_path):
    _write(
        tmp_path,
        "jamforelse.csv",
        "rapport;kpi\nkommun;N03001\nkfn;N09022\nskatt;N03001\nsn;90\nkommun;N03001\n",
    )
    with pytest.raises(InputError) as info:
        k.las_konfiguration(tmp_path, REGISTER)
    where = [(p.line, p.column) for p in info.value.problems]
    assert where == [(3, "rapport"), (4, "rapport"), (5, "kpi"), (6, "kpi")]
    unknown, not_namnd, bad_kpi, twice = (p.message for p in info.value.problems)
    assert "okänd rapport 'kfn'" in unknown and "bun, sn" in unknown
    assert "ingen nämnd" in not_namnd
    assert "inget KPI-id" in bad_kpi and "två gånger" in twice


def test_the_configured_kpis_are_fetched_by_default(tmp_path):
    _write(tmp_path, "jamforelse.csv", "rapport;kpi\nkommun;N99001\n")
    seen = []

    def stop(url):
        seen.append(url)
        raise urllib.error.URLError("offline")

    with pytest.raises(k.KoladaFel):
        k.hamta(tmp_path, "2580", range(2022, 2023), None, None, stop)
    assert seen[0].startswith(f"{B}/kpi/N99001,N03001,N03067,N00097,N00090,N11024")


def test_default_kpis_follow_the_verksamheter():
    assert k.kpier_for_verksamheter(["Grundsärskola", "Resurscentrum"]) == ()
    assert k.kpier_for_verksamheter(["Fritid", "Kultur"]) == ("N09022", "N09018")
    assert k.kpier_for_verksamheter(["Fritidshem"]) == ("N13020",)
    assert k.kpier_for_verksamheter(["Individ- och  familjeomsorg", "LSS"]) == (
        "N28018",
        "N30001",
    )
    assert k.standard_kpier("personal", ["Förskola"]) == ("N00090",)
    assert k.standard_kpier("kommun", ["Äldreomsorg"]) == (
        "N03001",
        "N03067",
        "N00097",
        "N00090",
        "N20900",
    )
    assert k.standard_kpier("mbn", ["Bygglov"]) == ()


def test_tolka_ar():
    assert k.tolka_ar("2019-2023") == range(2019, 2024)
    assert k.tolka_ar("2019–2020") == range(2019, 2021)
    assert k.tolka_ar(" 2022 ") == range(2022, 2023)
    with pytest.raises(k.KoladaFel, match="efter sista"):
        k.tolka_ar("2023-2019")
    with pytest.raises(k.KoladaFel, match="väntade ett år"):
        k.tolka_ar("förra året")
