"""Each domain optional: a kommun with one domain alone loads, a domain folder that
exists must be complete, and at least one domain must be there."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from analysis.core.errors import InputError
from analysis.io.dataset import OPTIONAL_DOMAINS, domain_absent, load_data

PERSONAL = ("sjukfranvaro",)
BEFOLKNING = ("folkmangd", "fodda", "doda", "flyttningar")


def _files(e: InputError) -> list[str]:
    return [p.file for p in e.problems]


@pytest.mark.parametrize(
    "removed", [("personal",), ("befolkning",), ("personal", "befolkning")], ids="+".join
)
def test_a_missing_optional_domain_gives_none_frames_and_a_reason(tiny: Path, removed):
    for folder in removed:
        shutil.rmtree(tiny / "raw" / folder)
    data = load_data(tiny)
    kinds = {"personal": PERSONAL, "befolkning": BEFOLKNING}
    assert set(kinds) < set(OPTIONAL_DOMAINS)
    for folder in kinds:
        for kind in kinds[folder]:
            if folder in removed:
                assert data.frames[kind] is None
                assert data.missing(kind) == f"mappen {folder}/ saknas i data/raw"
            else:
                assert data.frames[kind] is not None and len(data.frames[kind])
                assert data.missing(kind) is None
    assert set(data.absent) == set(removed)
    # the economy is loaded as before, and the reason survives as_of
    assert data.utfall is not None and data.missing("utfall") is None
    assert data.as_of("2023-04").absent == data.absent
    # loaded again from the cache: the same answer
    again = load_data(tiny)
    assert again.absent == data.absent and again.rebuilt == []


def test_an_empty_domain_folder_counts_as_absent(tiny: Path):
    folder = tiny / "raw" / "personal"
    shutil.rmtree(folder)
    folder.mkdir()
    (folder / ".gitkeep").write_text("", encoding="utf-8")
    data = load_data(tiny)
    assert data.sjukfranvaro is None
    assert data.missing("sjukfranvaro") == "mappen personal/ i data/raw är tom"


def test_a_domain_folder_with_files_must_hold_every_required_kind(tiny: Path):
    (tiny / "raw" / "befolkning" / "fodda.csv").unlink()
    with pytest.raises(InputError) as e:
        load_data(tiny)
    assert _files(e.value) == ["befolkning/fodda*.csv"]
    assert "inga filer hittades i befolkning/" in str(e.value)
    assert "moderns_alder" in str(e.value)  # names the columns expected


def test_a_personal_folder_with_other_files_only_is_refused(tiny: Path):
    raw = tiny / "raw"
    (raw / "personal" / "sjukfranvaro.csv").unlink()
    (raw / "personal" / "README.txt").write_text("tom\n", encoding="utf-8")
    with pytest.raises(InputError) as e:
        load_data(tiny)
    assert _files(e.value) == ["personal/sjukfranvaro*.csv"]
    assert "ordinarie_tid_h" in str(e.value)  # names the columns expected


def test_a_kommun_without_the_economy_loads(tiny: Path):
    shutil.rmtree(tiny / "raw" / "ekonomi")
    data = load_data(tiny)
    assert data.absent == {"ekonomi": "mappen ekonomi/ saknas i data/raw"}
    for kind in ("utfall", "budget", "prognos", "balans"):
        assert data.frames[kind] is None
        assert data.missing(kind) == "mappen ekonomi/ saknas i data/raw"
    assert data.sjukfranvaro is not None and data.folkmangd is not None
    # the period the kommun's data reach: the sick-leave file's last month
    assert data.senaste_period.code == int(data.sjukfranvaro["period"].max())


def test_without_economy_and_personnel_the_period_is_the_last_population_year(tiny: Path):
    shutil.rmtree(tiny / "raw" / "ekonomi")
    shutil.rmtree(tiny / "raw" / "personal")
    data = load_data(tiny)
    folk = data.folkmangd
    last = int(folk.loc[folk["manad"] == 12, "ar"].max())
    assert str(data.senaste_period) == f"{last}-12"


def test_no_domain_at_all_is_refused(tiny: Path):
    for folder in OPTIONAL_DOMAINS:
        shutil.rmtree(tiny / "raw" / folder)
    with pytest.raises(InputError) as e:
        load_data(tiny)
    assert _files(e.value) == ["raw/"]
    assert "ekonomi/, personal/, befolkning/" in str(e.value)


def test_an_economy_folder_without_utfall_is_refused(tiny: Path):
    for path in (tiny / "raw" / "ekonomi").glob("utfall*.csv"):
        path.unlink()
    with pytest.raises(InputError) as e:
        load_data(tiny)
    assert _files(e.value) == ["ekonomi/utfall*.csv"]


def test_a_missing_non_domain_kind_names_its_files(tiny: Path):
    data = load_data(tiny)
    assert data.bolag is None
    assert data.missing("bolag") == "inga filer bolag/bolag*.csv i data/raw"


def test_domain_absent(tmp_path: Path):
    assert domain_absent(tmp_path, "personal") == "mappen personal/ saknas i data/raw"
    (tmp_path / "personal").mkdir()
    assert domain_absent(tmp_path, "personal") == "mappen personal/ i data/raw är tom"
    (tmp_path / "personal" / "x.csv").write_text("a\n", encoding="utf-8")
    assert domain_absent(tmp_path, "personal") is None


def test_the_kolada_cache_is_an_input_of_every_report(tiny: Path):
    """Reports read data/raw/kolada/ outside the kinds: its files are hashed into the run
    manifest, so a new fetch rebuilds the reports (and only regular files count)."""
    data = load_data(tiny)
    assert not any(k.startswith("kolada/") for k in data.input_hashes())
    folder = tiny / "raw" / "kolada"
    folder.mkdir()
    (folder / "N00090.json").write_text('{"values": []}', encoding="utf-8")
    first = data.input_hashes()["kolada/N00090.json"]
    (folder / "N00090.json").write_text('{"values": [1]}', encoding="utf-8")
    assert data.input_hashes("2023-04")["kolada/N00090.json"] != first
    (folder / "lank.json").symlink_to(folder / "N00090.json")
    assert "kolada/lank.json" not in data.input_hashes()
