"""The HR file's optional structure columns: anstallningsform, chef,
sysselsattningsgrad, chef_id (io/contract.parse_sjukfranvaro)."""

from __future__ import annotations

import numpy as np
import pytest

from analysis.core.errors import InputError
from analysis.io.dataset import load_data

HEADER = (
    "period;anstalld;forvaltning;kon;fodelsear;ordinarie_tid_h;sjuk_h;sjuk_h_langtid;"
    "sjukdagar;anstallningsform;chef;sysselsattningsgrad;chef_id\n"
)
GOOD = [
    "2023-01;A000001;Barn- och utbildningsförvaltningen;K;1980;160;8;0;1;"
    "Tillsvidareanställd;ja;100;\n",
    "2023-01;A000002;Socialförvaltningen;M;1995;150,5;0;0;0;Visstidsanställd;nej;75,5;A000001\n",
    "2023-01;A000003;Socialförvaltningen;K;1990;20;0;0;0;tim;;;A000001\n",
    "2023-02;A000001;Barn- och utbildningsförvaltningen;K;1980;152;0;0;0;tillsvidare;JA;100;\n",
]
PATH = ("raw", "personal", "sjukfranvaro.csv")


def _write(tiny, rows: list[str], header: str = HEADER) -> None:
    tiny.joinpath(*PATH).write_text(header + "".join(rows), encoding="utf-8")


def _error(tiny, rows: list[str]) -> str:
    _write(tiny, rows)
    with pytest.raises(InputError) as e:
        load_data(tiny)
    return str(e.value)


def test_aliases_are_read_to_canonical_values(tiny):
    _write(tiny, GOOD)
    p = load_data(tiny).sjukfranvaro.sort_values(["period", "anstalld"])
    assert p["anstallningsform"].astype(str).tolist() == [
        "tillsvidare",
        "visstid",
        "timavlonad",
        "tillsvidare",
    ]
    assert p["chef"].tolist() == [True, False, False, True]  # empty = nej
    assert np.allclose(
        p["sysselsattningsgrad"].to_numpy(), [100, 75.5, np.nan, 100], equal_nan=True
    )
    ids = p["chef_id"].astype(object).where(p["chef_id"].notna(), "").astype(str).tolist()
    assert ids == ["", "A000001", "A000001", ""]


@pytest.mark.parametrize(
    ("row", "column", "expected"),
    [
        (
            "2023-01;A000009;Socialförvaltningen;K;1980;160;0;0;0;fast;nej;100;\n",
            "anstallningsform",
            "'fast' är inte ett giltigt värde",
        ),
        (
            "2023-01;A000009;Socialförvaltningen;K;1980;160;0;0;0;tillsvidare;kanske;100;\n",
            "chef",
            "'kanske' är inte ett giltigt värde; förväntade ja eller nej",
        ),
        (
            "2023-01;A000009;Socialförvaltningen;K;1980;160;0;0;0;tillsvidare;nej;150;\n",
            "sysselsattningsgrad",
            "150",
        ),
    ],
)
def test_bad_values_name_file_line_and_column(tiny, row, column, expected):
    msg = _error(tiny, [GOOD[0], row])
    assert f"personal/sjukfranvaro.csv, rad 3, kolumn '{column}'" in msg
    assert expected in msg


@pytest.mark.parametrize("pnr", ["19800101-1234", "800101\u20131234", "P198001011234"])
def test_chef_id_personnummer_is_refused_and_never_echoed(tiny, pnr):
    row = f"2023-01;A000009;Socialförvaltningen;K;1980;160;0;0;0;tillsvidare;nej;100;{pnr}\n"
    msg = _error(tiny, [GOOD[0], row])
    assert "personal/sjukfranvaro.csv, rad 3, kolumn 'chef_id'" in msg
    assert "personnummer" in msg
    for digits in ("19800101", "800101", "1234"):
        assert digits not in msg
    processed = tiny / "processed"
    assert not processed.exists() or not list(processed.glob("*.parquet"))


def test_shares_instead_of_percent_are_refused(tiny):
    rows = [r.replace(";100;", ";1;").replace(";75,5;", ";0,75;") for r in GOOD]
    msg = _error(tiny, rows)
    assert "kolumn 'sysselsattningsgrad'" in msg
    assert "procent" in msg and "multiplicera med 100" in msg


def test_a_file_without_the_new_columns_still_loads(tiny):
    # the tiny kommun's file has only the sick-leave columns
    p = load_data(tiny).sjukfranvaro
    assert len(p) == 3
    for col in ("anstallningsform", "chef", "sysselsattningsgrad", "chef_id"):
        assert col not in p
