"""Shared fixtures: a tiny hand-computable kommun and the shipped sample."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

TESTS = Path(__file__).parent
ROOT = TESTS.parent
DOMAIN = TESTS / "data" / "domain"
BROKEN = TESTS / "data" / "broken"
SAMPLE_RAW = ROOT / "data" / "raw"
#: Real files made by others, beside the project (see shared/real/README.md): used as they are.
REAL = ROOT.parent / "shared" / "real"
#: SCB's population statistics for Luleå 2006–2018, in the contract's layout.
SCB_LULEA = REAL / "scb_lulea"


TINY = {
    "organisation.csv": (
        "id;namn;typ;forvaltning;alias\n"
        "bun;Barn- och utbildningsnämnden;namnd;Barn- och utbildningsförvaltningen;"
        "BUN|Barn- och utbildningsnämnd\n"
        "sn;Socialnämnden;namnd;Socialförvaltningen;SN\n"
        "skatt;Skatteintäkter;finans;;\n"
        "bolag;Kommunens bolag;ovrig;;\n"
    ),
    # costs +, revenues − (accounting sign); one file per year
    "ekonomi/utfall_2022.csv": ("period,namnd,konto,belopp\n2022-12,bun,5010,1000\n"),
    "ekonomi/utfall_2023.csv": (
        "period;namnd;konto;belopp;verksamhet\n"
        "2023-01;BUN;5010;100 000,00;Förskola\n"
        "2023-01;bun;3110;-20 000,00;Förskola\n"
        "2023-02;Barn- och utbildningsnämnd;5010;110000;Grundskola\n"
        "2023-03;bun;5010;90000;Grundskola\n"
        "2023-04;bun;4010;50000;Grundskola\n"
        "2023-05;bun;5010;999999;Grundskola\n"
        "2023-01;sn;5010;300000;Äldreomsorg\n"
        "2023-03;sn;4910;60000;Försörjningsstöd\n"
        "2023-02;skatt;8010;-1200000;\n"
        "2023-01;bolag;3110;-5000;\n"
    ),
    "ekonomi/budget.csv": (
        "ar,namnd,konto,belopp,typ\n"
        "2023,bun,5010,1200000,drift\n"
        "2023,bun,3110,-60000,\n"
        "2023,sn,5010,900000,drift\n"
        "2023,skatt,8010,-3600000,drift\n"
        "2023,bun,1210,500000,investering\n"
    ),
    "ekonomi/periodisering.csv": (
        "ar;namnd;manad;andel\n"
        + "".join(f"2023;sn;{m};0,1\n" for m in range(1, 5))
        + "".join(f"2023;sn;{m};0,075\n" for m in range(5, 13))
    ),
    "ekonomi/prognos.csv": (
        "ar;prognosmanad;namnd;belopp\n"
        "2023;2;bun;1150000\n"
        "2023;3;bun;1160000\n"
        "2023;4;bun;1170000\n"
        "2023;5;bun;2000000\n"
        "2023;3;skatt;-3650000\n"
    ),
    "personal/sjukfranvaro.csv": (
        "period;anstalld;forvaltning;kon;fodelsear;ordinarie_tid_h;sjuk_h;sjuk_h_langtid;sjukdagar\n"
        "2023-01;A000001;Barn- och utbildningsförvaltningen;K;1980;160;8;0;1\n"
        "2023-01;A000002;Socialförvaltningen;M;1995;150,5;0;0;0\n"
        "2023-02;A000001;Barn- och utbildningsförvaltningen;K;1980;152;0;0;0\n"
    ),
    "befolkning/folkmangd.csv": ("ar,kon,alder,antal\n2022,K,0,10\n2022,M,0,11\n2022,K,100+,2\n"),
    "befolkning/fodda.csv": "ar,moderns_alder,kon,antal\n2022,30,K,10\n2022,31,M,11\n",
    "befolkning/doda.csv": "ar,kon,alder,antal\n2022,K,90,1\n",
    "befolkning/flyttningar.csv": (
        "ar,kon,alder,riktning,omrade,antal\n2022,K,20,in,inom_lanet,3\n2022,M,25,ut,utlandet,1\n"
    ),
}


def write_tiny(raw: Path) -> Path:
    for rel, text in TINY.items():
        path = raw / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return raw


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    """A data dir (raw/ + processed/) holding the tiny kommun; returns the data dir."""
    write_tiny(tmp_path / "data" / "raw")
    return tmp_path / "data"


@pytest.fixture(scope="session")
def sample_data(tmp_path_factory):
    """The shipped sample kommun, loaded through a private copy of data/ (the repository's
    own data/processed is never touched by tests)."""
    from analysis.io.dataset import load_data

    if not (SAMPLE_RAW / "organisation.csv").exists():
        pytest.fail("data/raw holds no sample kommun; run `analysis sample` (see README)")
    data_dir = tmp_path_factory.mktemp("sample") / "data"
    shutil.copytree(SAMPLE_RAW, data_dir / "raw")
    return load_data(data_dir)


@pytest.fixture(scope="module")
def sample_dir(tmp_path_factory):
    """A private copy of the shipped sample (raw/ only), for tests that run notebooks or
    commands on it; the repository's own data/ is never touched."""
    data_dir = tmp_path_factory.mktemp("sample_copy") / "data"
    shutil.copytree(SAMPLE_RAW, data_dir / "raw")
    return data_dir
