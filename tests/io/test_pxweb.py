"""Fetching SCB's BE0101 tables (PxWeb API v2) into ``data/raw/befolkning/``.

No network: ``hamta_url`` is replaced by recorded answers — the hand-made JSON-stat2
fixtures of ``tests/data/scb/`` (SCB's real shape and Luleå's figures), cut to the years
a request asks for, as SCB would answer.
"""

from __future__ import annotations

import io
import json
import shutil
import urllib.error
import urllib.parse
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.core.errors import ArgumentError, InputError
from analysis.io import pxweb
from analysis.io.contract import KINDS, load_kind, load_register
from analysis.io.dataset import load_domain
from tests.conftest import SAMPLE_RAW, TESTS

FIXTURES = TESTS / "data" / "scb"
BY_TABLE = {t.table_id: kind for kind, t in pxweb.TABELLER.items()}
YEARS = range(2017, 2019)


def _query(url: str) -> tuple[str, dict[str, str]]:
    parts = urllib.parse.urlsplit(url)
    table = parts.path.split("/tables/")[1].split("/")[0]
    return table, dict(urllib.parse.parse_qsl(parts.query))


def _cut(doc: dict, years: list[str]) -> dict:
    """The recorded answer for only ``years`` (SCB answers what was asked)."""
    t = doc["id"].index("Tid")
    codes = list(doc["dimension"]["Tid"]["category"]["index"])
    keep = [codes.index(y) for y in years]
    values = np.array(doc["value"], dtype=object).reshape(doc["size"]).take(keep, axis=t)
    out = json.loads(json.dumps(doc))
    out["size"][t] = len(years)
    out["dimension"]["Tid"]["category"] = {
        "index": {y: i for i, y in enumerate(years)},
        "label": {y: y for y in years},
    }
    out["value"] = values.reshape(-1).tolist()
    return out


class Recorded:
    """``hamta_url`` answering from the fixtures; records every URL asked for."""

    def __init__(self, answer_for: dict[str, str] | None = None) -> None:
        self.urls: list[str] = []
        self.answer_for = answer_for or {}

    def __call__(self, url: str) -> bytes:
        self.urls.append(url)
        table, query = _query(url)
        kind = self.answer_for.get(table, BY_TABLE[table])
        doc = json.loads((FIXTURES / f"{kind}_scb.json").read_text(encoding="utf-8"))
        years = query["valueCodes[Tid]"].split(",")
        return (json.dumps(_cut(doc, years), ensure_ascii=False, indent=2) + "\n").encode()


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A data dir with only organisation.csv and an empty befolkning/."""
    raw = tmp_path / "data" / "raw"
    (raw / "befolkning").mkdir(parents=True)
    shutil.copy(SAMPLE_RAW / "organisation.csv", raw / "organisation.csv")
    return tmp_path / "data"


def _files(data_dir: Path) -> list[str]:
    return sorted(p.name for p in (data_dir / "raw" / "befolkning").iterdir())


def _from_csv_twin(tmp: Path, kind: str, years: range) -> pd.DataFrame:
    """The independent path: SCB's CSV export of the same figures, through the contract."""
    raw = tmp / kind / "raw"
    (raw / "befolkning").mkdir(parents=True)
    shutil.copy(FIXTURES / f"{kind}_scb.csv", raw / "befolkning" / f"{kind}_scb.csv")
    k = KINDS[kind]
    frame = load_kind(k, k.files(raw), raw, load_register(SAMPLE_RAW / "organisation.csv"))
    assert frame is not None
    return frame[frame["ar"].isin(list(years))].reset_index(drop=True)


# --------------------------------------------------------------------------------------
# requests
# --------------------------------------------------------------------------------------
def test_url_of_a_v2_data_request():
    url = pxweb.url_for(pxweb.TABELLER["folkmangd"], "2580", [2017, 2018])
    assert url == (
        "https://statistikdatabasen.scb.se/api/v2/tables/TAB638/data?lang=sv"
        "&outputFormat=json-stat2&valueCodes[Region]=2580&valueCodes[ContentsCode]=BE0101N1"
        "&valueCodes[Alder]=*&valueCodes[Kon]=*&valueCodes[Tid]=2017,2018"
    )
    flows = pxweb.url_for(pxweb.TABELLER["flyttningar"], "2580", [2018], "https://x/api/v2/")
    assert flows.startswith("https://x/api/v2/tables/TAB1212/data?")
    assert "valueCodes[ContentsCode]=BE0101AX,BE0101AY,BE0101A2,BE0101A3" in flows


@pytest.mark.parametrize(
    ("text", "years"),
    [
        ("2006-2018", range(2006, 2019)),
        ("2006–2018", range(2006, 2019)),
        (" 2018 ", range(2018, 2019)),
    ],
)
def test_years_of_the_command_line(text, years):
    assert pxweb.tolka_ar(text) == years


@pytest.mark.parametrize("text", ["2018-2006", "18", "2006..2018", ""])
def test_bad_years_of_the_command_line(text):
    with pytest.raises(ArgumentError) as e:
        pxweb.tolka_ar(text)
    assert e.value.argument == "ar"


# --------------------------------------------------------------------------------------
# fetch → files the contract reads
# --------------------------------------------------------------------------------------
def test_fetch_writes_the_four_files_load_domain_reads(data_dir, tmp_path):
    fake = Recorded()
    written = pxweb.hamta(data_dir / "raw", "2580", YEARS, hamta_url=fake, paus=0)
    assert [p.name for p in written] == [
        "folkmangd_scb.json",
        "fodda_scb.json",
        "doda_scb.json",
        "flyttningar_scb.json",
    ]
    assert len(fake.urls) == 4 and all("valueCodes[Region]=2580" in u for u in fake.urls)
    frames = load_domain(data_dir, "befolkning")
    for kind in ("folkmangd", "fodda", "doda", "flyttningar"):
        got = frames[kind].reset_index(drop=True)
        pd.testing.assert_frame_equal(got, _from_csv_twin(tmp_path, kind, YEARS))
        assert sorted(set(got["ar"])) == [2017, 2018]


def test_a_single_answer_is_written_as_downloaded(data_dir):
    fake = Recorded()
    (path,) = pxweb.hamta(data_dir / "raw", "2580", YEARS, ["doda"], hamta_url=fake, paus=0)
    assert path.read_bytes() == fake(fake.urls[0])


def test_a_long_range_is_split_by_year_and_joined(data_dir, tmp_path):
    """With at most one year of cells a request, two requests; the joined file reads as
    the one answer for both years."""
    per_year = pxweb.TABELLER["folkmangd"].cells_per_year
    fake = Recorded()
    (path,) = pxweb.hamta(
        data_dir / "raw", "2580", YEARS, ["folkmangd"], hamta_url=fake, paus=0, max_cells=per_year
    )
    assert [_query(u)[1]["valueCodes[Tid]"] for u in fake.urls] == ["2017", "2018"]
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert list(doc["dimension"]["Tid"]["category"]["index"]) == ["2017", "2018"]
    k = KINDS["folkmangd"]
    raw = data_dir / "raw"
    joined = load_kind(k, k.files(raw), raw, load_register(raw / "organisation.csv"))
    pd.testing.assert_frame_equal(joined, _from_csv_twin(tmp_path, "folkmangd", YEARS))


def test_requests_are_paced(data_dir, monkeypatch):
    pauses: list[float] = []
    monkeypatch.setattr(pxweb.time, "sleep", pauses.append)
    pxweb.hamta(data_dir / "raw", "2580", YEARS, ["folkmangd", "doda"], hamta_url=Recorded())
    assert pauses == [pxweb.PAUS_S]  # between the two calls, not before the first


# --------------------------------------------------------------------------------------
# failures: a clear message, nothing written
# --------------------------------------------------------------------------------------
def _failing(error: BaseException, after: int = 0):
    fake = Recorded()

    def call(url: str) -> bytes:
        if len(fake.urls) >= after:
            raise error
        return fake(url)

    return call


@pytest.mark.parametrize(
    ("error", "words"),
    [
        (urllib.error.URLError("Name or service not known"), "kunde inte nå SCB"),
        (TimeoutError("timed out"), "svarade inte inom"),
        (
            urllib.error.HTTPError(
                "https://x",
                400,
                "Bad Request",
                {},  # type: ignore[arg-type]
                io.BytesIO(b'{"title":"Bad Request","detail":"Non-existent value"}'),
            ),
            "HTTP 400 (Bad Request): Non-existent value",
        ),
        (
            urllib.error.HTTPError("https://x", 429, "Too Many Requests", {}, io.BytesIO(b"")),  # type: ignore[arg-type]
            "för många anrop",
        ),
    ],
)
def test_network_errors_give_a_message_and_write_nothing(data_dir, error, words):
    # the last of the four tables fails: the three fetched before are not written either
    with pytest.raises(InputError) as e:
        pxweb.hamta(data_dir / "raw", "2580", YEARS, hamta_url=_failing(error, after=3), paus=0)
    text = str(e.value)
    assert words in text and "Ingenting har skrivits" in text and "TAB1212" in text
    assert _files(data_dir) == []


@pytest.mark.parametrize(
    ("body", "words"),
    [
        (b"<html>Service Unavailable</html>", "inte JSON"),
        (b'{"type":"about:blank","title":"Not Found","status":404}', "felsvar från SCB"),
        (b'{"columns":[],"data":[]}', "API v1"),
    ],
)
def test_an_answer_that_is_no_table_writes_nothing(data_dir, body, words):
    with pytest.raises(InputError) as e:
        pxweb.hamta(data_dir / "raw", "2580", YEARS, hamta_url=lambda url: body, paus=0)
    assert words in str(e.value) and "Ingenting har skrivits" in str(e.value)
    assert _files(data_dir) == []


def test_answer_of_another_table_is_refused_before_writing(data_dir):
    fake = Recorded(answer_for={"TAB638": "fodda"})  # SCB sent births for folkmängd
    with pytest.raises(InputError) as e:
        pxweb.hamta(data_dir / "raw", "2580", YEARS, ["folkmangd"], hamta_url=fake, paus=0)
    text = str(e.value)
    assert "'Levande födda'" in text and "Ingenting har skrivits" in text
    assert _files(data_dir) == []


def test_answer_for_another_region_is_refused(data_dir):
    with pytest.raises(InputError) as e:
        pxweb.hamta(data_dir / "raw", "0180", YEARS, ["doda"], hamta_url=Recorded(), paus=0)
    assert "2580 Luleå" in str(e.value) and "0180" in str(e.value)
    assert _files(data_dir) == []


def test_answer_with_other_years_is_refused(data_dir):
    def stale(url: str) -> bytes:
        return Recorded()(url.replace("valueCodes[Tid]=2017,2018", "valueCodes[Tid]=2018"))

    with pytest.raises(InputError) as e:
        pxweb.hamta(data_dir / "raw", "2580", YEARS, ["doda"], hamta_url=stale, paus=0)
    assert "åren [2018]" in str(e.value) and "2017–2018" in str(e.value)
    assert _files(data_dir) == []


# --------------------------------------------------------------------------------------
# the kommun's own files
# --------------------------------------------------------------------------------------
def test_existing_scb_file_is_kept_without_force_and_replaced_with_it(data_dir):
    target = data_dir / "raw" / "befolkning" / "doda_scb.json"
    target.write_text("tidigare hämtning", encoding="utf-8")
    fake = Recorded()
    with pytest.raises(InputError) as e:
        pxweb.hamta(data_dir / "raw", "2580", YEARS, ["doda"], hamta_url=fake, paus=0)
    assert "--force" in str(e.value) and "befolkning/doda_scb.json" in str(e.value)
    assert fake.urls == [] and target.read_text(encoding="utf-8") == "tidigare hämtning"
    pxweb.hamta(data_dir / "raw", "2580", YEARS, ["doda"], hamta_url=fake, paus=0, force=True)
    assert json.loads(target.read_text(encoding="utf-8"))["class"] == "dataset"


def test_kommuns_own_file_with_the_same_years_is_never_touched(data_dir):
    own = data_dir / "raw" / "befolkning" / "doda.csv"
    own.write_text("ar,kon,alder,antal\n2018,K,80,7\n", encoding="utf-8")
    for force in (False, True):
        with pytest.raises(InputError) as e:
            pxweb.hamta(
                data_dir / "raw", "2580", YEARS, ["doda"], hamta_url=Recorded(), paus=0, force=force
            )
        assert "befolkning/doda.csv" in str(e.value) and "2018–2018" in str(e.value)
    assert own.read_text(encoding="utf-8") == "ar,kon,alder,antal\n2018,K,80,7\n"
    assert _files(data_dir) == ["doda.csv"]


def test_kommuns_own_file_of_other_years_is_fine(data_dir):
    own = data_dir / "raw" / "befolkning" / "doda_2010.csv"
    own.write_text("ar,kon,alder,antal\n2010,K,80,7\n", encoding="utf-8")
    pxweb.hamta(data_dir / "raw", "2580", YEARS, ["doda"], hamta_url=Recorded(), paus=0)
    assert _files(data_dir) == ["doda_2010.csv", "doda_scb.json"]


def test_unreadable_own_file_stops_the_fetch(data_dir):
    own = data_dir / "raw" / "befolkning" / "folkmangd.csv"
    own.write_text("ar,kon,alder,antal\n2018,X,1,5\n", encoding="utf-8")
    with pytest.raises(InputError) as e:
        pxweb.hamta(data_dir / "raw", "2580", YEARS, ["folkmangd"], hamta_url=Recorded(), paus=0)
    assert "befolkning/folkmangd.csv" in str(e.value) and "går inte att läsa" in str(e.value)


# --------------------------------------------------------------------------------------
# arguments
# --------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("kwargs", "argument", "words"),
    [
        ({"region": "Luleå"}, "region", "'2580'"),
        ({"region": "258"}, "region", "regionkod"),
        ({"ar": range(2020, 2026)}, "ar", "Cell Key"),
        ({"ar": range(1990, 2000), "tabeller": ["flyttningar"]}, "ar", "1997–2024"),
        ({"ar": range(2018, 2017)}, "ar", "följd av år"),
        ({"ar": range(2010, 2018, 2)}, "ar", "följd av år"),
        ({"tabeller": ["befolkning"]}, "tabeller", "'befolkning'"),
    ],
)
def test_bad_arguments_fetch_nothing(data_dir, kwargs, argument, words):
    fake = Recorded()
    args = {"region": "2580", "ar": YEARS, "hamta_url": fake, "paus": 0, **kwargs}
    with pytest.raises(ArgumentError) as e:
        pxweb.hamta(data_dir / "raw", **args)
    assert e.value.argument == argument and words in e.value.message
    assert fake.urls == [] and _files(data_dir) == []
