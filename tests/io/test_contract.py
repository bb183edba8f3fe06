"""Loading the tiny kommun, and the corpus of broken inputs in tests/data/broken/."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.core.errors import InputError
from analysis.core.kommunbas import KONTOGRUPPER
from analysis.io.contract import EJ_I_KONTOPLAN, kontogrupper, load_register
from analysis.io.dataset import load_data
from tests.conftest import BROKEN


def _snapshot(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_tiny_kommun_loads_with_names_resolved_and_report_sign(tiny):
    data = load_data(tiny)
    u = data.utfall
    assert set(u["namnd"]) == {"bun", "sn", "skatt", "bolag"}
    # accounting sign in the file (cost +100 000,00), report sign inside (−100 000)
    row = u[(u["period"] == 202301) & (u["konto"] == 5010) & (u["namnd"] == "bun")]
    assert row["belopp_kr"].tolist() == [-100000.0]
    assert u.loc[u["konto"] == 3110, "belopp_kr"].max() == 20000.0
    assert len(u) == 11  # both year files read together
    assert data.budget.loc[data.budget["konto"] == 1210, "typ"].item() == "investering"
    assert data.budget["typ"].value_counts()["drift"] == 4  # empty typ = drift
    f = data.folkmangd
    assert f.loc[f["alder"] == 100, "antal"].item() == 2  # '100+' is the open group
    assert (f["manad"] == 12).all()  # no month = 31 December
    p = data.sjukfranvaro
    assert p["ordinarie_tid_h"].tolist() == [160.0, 150.5, 152.0]
    assert str(data.last_period) == "2023-05"


def test_cache_is_reused_until_a_raw_file_changes(tiny):
    first = load_data(tiny)
    assert "utfall" in first.rebuilt
    second = load_data(tiny)
    assert second.rebuilt == []
    assert second.utfall.equals(first.utfall)
    path = tiny / "raw" / "ekonomi" / "budget.csv"
    path.write_text(
        path.read_text(encoding="utf-8") + "2023,sn,4010,1000,drift\n", encoding="utf-8"
    )
    third = load_data(tiny)
    assert third.rebuilt == ["budget"]
    assert len(third.budget) == len(first.budget) + 1


def test_same_data_as_swedish_excel_csv_and_utf8_gives_identical_frames(tiny, tmp_path):
    base = load_data(tiny).utfall
    other = tmp_path / "other"
    shutil.copytree(tiny / "raw", other / "raw")
    text = (tiny / "raw" / "ekonomi" / "utfall_2023.csv").read_text(encoding="utf-8")
    (other / "raw" / "ekonomi" / "utfall_2023.csv").write_bytes(
        text.replace("\n", "\r\n").encode("cp1252")
    )
    again = load_data(other).utfall
    assert again.equals(base)


CASES = {
    "wrong_delimiter": ["ekonomi/utfall_2023.csv", "period", "avgränsare"],
    "decimal_comma_in_comma_file": ["ekonomi/utfall_2023.csv", "rad 3"],
    "text_in_amount": ["ekonomi/utfall_2023.csv, rad 4, kolumn 'belopp'", "12x"],
    "missing_column": ["ekonomi/budget.csv", "belopp"],
    "unknown_namnd": [
        "ekonomi/utfall_2023.csv, rad 3, kolumn 'namnd'",
        "Tekniska nämnden",
        "bun: Barn- och utbildningsnämnden",
    ],
    "bad_period": ["ekonomi/utfall_2023.csv, rad 3, kolumn 'period'", "2023-13"],
    "overlapping_years": ["utfall_2023.csv", "2023-03", "utfall_2022.csv"],
    "weights_sum_09": ["ekonomi/periodisering.csv", "Socialnämnden 2023", "0,900000"],
    "personnummer": ["personal/sjukfranvaro.csv, rad 3, kolumn 'anstalld'", "personnummer"],
    "empty_file": ["ekonomi/prognos.csv", "tom"],
    "truncated_xlsx": ["ekonomi/budget.xlsx", "xlsx"],
    "sick_above_ordinary": ["personal/sjukfranvaro.csv, rad 2, kolumn 'sjuk_h'", "ordinarie_tid_h"],
    "negative_hours": ["personal/sjukfranvaro.csv, rad 2, kolumn 'ordinarie_tid_h'"],
    # issue 12: hostile input files
    "personnummer_en_dash": ["personal/sjukfranvaro.csv, rad 3, kolumn 'anstalld'", "personnummer"],
    "mixed_encoding": ["ekonomi/utfall_2023.csv, rad 4", "teckenkodningar", "fÃ¶r Ã¤ldre"],
    "absurd_amount": ["ekonomi/utfall_2023.csv, rad 3, kolumn 'belopp'", "1,7e308"],
    "cyrillic_in_register": [
        "organisation.csv, rad 3, kolumn 'namn'",
        "U+0430 CYRILLIC SMALL LETTER A",
    ],
}


def test_every_broken_case_has_a_file():
    assert sorted(p.name for p in BROKEN.iterdir()) == sorted(CASES)


@pytest.mark.parametrize("case", sorted(CASES))
def test_broken_input_gives_clear_error_and_writes_nothing(tiny, case):
    load_data(tiny)  # a good load fills the cache
    processed_before = _snapshot(tiny / "processed")
    shutil.copytree(BROKEN / case, tiny / "raw", dirs_exist_ok=True)
    raw_before = _snapshot(tiny / "raw")
    with pytest.raises(InputError) as e:
        load_data(tiny)
    msg = str(e.value)
    for expected in CASES[case]:
        assert expected in msg, f"{expected!r} not in:\n{msg}"
    assert "198001011234" not in msg  # never echo a personnummer
    assert "800101" not in msg
    assert _snapshot(tiny / "processed") == processed_before
    assert _snapshot(tiny / "raw") == raw_before


def test_several_broken_files_are_all_reported(tiny):
    for case in ("text_in_amount", "weights_sum_09", "personnummer"):
        shutil.copytree(BROKEN / case, tiny / "raw", dirs_exist_ok=True)
    with pytest.raises(InputError) as e:
        load_data(tiny)
    files = {p.file for p in e.value.problems}
    assert {
        "ekonomi/utfall_2023.csv",
        "ekonomi/periodisering.csv",
        "personal/sjukfranvaro.csv",
    } <= files


def test_missing_required_kind_names_folder_and_columns(tiny):
    """In a present economy folder utfall is required (it gives the periods); budget and
    prognos are not (a kommun starting from its SIE export has neither): the reports that
    need them are skipped, each with its reason (tests/io/test_domaner.py)."""
    for path in (tiny / "raw" / "ekonomi").glob("utfall*.csv"):
        path.unlink()
    with pytest.raises(InputError, match=r"ekonomi/utfall.*period, namnd, konto, belopp"):
        load_data(tiny)


def test_a_missing_forecast_file_is_no_forecast_made(tiny):
    """Without prognos*.csv the kommun has made no forecast: an empty frame of the kind's
    columns and dtypes (the reports show empty forecast columns and say so), not a
    skipped report; without the economy there is no frame at all."""
    full = load_data(tiny).prognos
    (tiny / "raw" / "ekonomi" / "prognos.csv").unlink()
    data = load_data(tiny)
    assert data.prognos is not None and len(data.prognos) == 0
    assert list(data.prognos.columns) == list(full.columns)
    assert data.prognos.dtypes.to_dict() == full.dtypes.to_dict()
    assert data.missing("prognos") is None and data.sources["prognos"] == {}
    from analysis.ekonomi.drift import kontrollera_period

    assert any("ingen helårsprognos för 2023" in w for w in kontrollera_period(data, "2023-04"))


def test_a_missing_personnel_folder_is_an_absent_domain(tiny):
    shutil.rmtree(tiny / "raw" / "personal")
    data = load_data(tiny)
    assert data.sjukfranvaro is None
    assert data.utfall is not None and len(data.utfall)


def test_a_damaged_cache_is_rebuilt(tiny):
    load_data(tiny)
    damaged = list((tiny / "processed").glob("utfall*.parquet"))  # whatever the cache names it
    assert damaged
    for path in damaged:
        path.write_bytes(b"not parquet")
    again = load_data(tiny)
    assert "utfall" in again.rebuilt
    assert np.isclose(again.utfall["belopp_kr"].sum(), load_data(tiny).utfall["belopp_kr"].sum())


def test_kontogrupper_are_kommun_bas_without_a_kontoplan_and_the_plan_with_one():
    assert kontogrupper(None) == list(KONTOGRUPPER)
    assert kontogrupper(pd.DataFrame(columns=["grupp", "_lo"])) == list(KONTOGRUPPER)
    plan = pd.DataFrame({"grupp": ["Lokaler", "Intäkter", "Lokaler"], "_lo": [50000, 30000, 60000]})
    assert kontogrupper(plan) == ["Intäkter", "Lokaler", EJ_I_KONTOPLAN]


def test_load_register_reads_the_register_file(tiny):
    reg = load_register(tiny / "raw" / "organisation.csv")
    assert reg.file == "organisation.csv"
    assert reg.namnder == ["bun", "sn"]
    assert reg.resolve("BUN") == "bun"
    with pytest.raises(InputError, match=r"^org.csv, rad 1: saknar kolumnen 'typ'"):
        path = tiny / "raw" / "org.csv"
        path.write_text("id;namn\nbun;BUN\n", encoding="utf-8")
        load_register(path, "org.csv")


def test_a_weight_sum_is_written_by_the_one_formatter(tiny):
    # the unit's own name keeps its points; only the sum has a decimal comma
    org = tiny / "raw" / "organisation.csv"
    org.write_text(
        org.read_text(encoding="utf-8").replace("Socialnämnden;", "Soc.nämnden;"), encoding="utf-8"
    )
    (tiny / "raw" / "ekonomi" / "periodisering.csv").write_text(
        "ar;namnd;manad;andel\n" + "".join(f"2023;sn;{m};0,1\n" for m in range(1, 13)),
        encoding="utf-8",
    )
    with pytest.raises(InputError) as e:
        load_data(tiny)
    assert "andelarna för Soc.nämnden 2023 summerar till 1,200000; de måste summera till 1" in str(
        e.value
    )
