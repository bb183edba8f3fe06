"""Issue 12, items 14 and 15: names as they really arrive, and registers as big as they come.

14. Files from macOS hold NFD names ('o' + combining diaeresis): they look the same and
    must match the register. Cyrillic or Greek look-alike letters in the register make a
    second unit that looks like the first: refused, naming the line and the character.
15. A 50 000-row organisation.csv must load in well under a few seconds (the duplicate
    check was quadratic), and an unknown name must not list every unit (20 MB of error).
"""

from __future__ import annotations

import signal
import unicodedata

import numpy as np
import pandas as pd
import pytest

from analysis.core.errors import InputError
from analysis.core.register import Register
from analysis.io.contract import load_register
from analysis.io.dataset import load_data


def _nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


# --- 14: NFD ------------------------------------------------------------------------
def test_nfd_names_from_a_mac_match_the_register(tiny):
    raw = tiny / "raw"
    utfall = raw / "ekonomi" / "utfall_2023.csv"
    utfall.write_text(
        utfall.read_text(encoding="utf-8") + _nfd("2023-04;Socialnämnden;5010;1000;Äldreomsorg\n"),
        encoding="utf-8",
    )
    pers = raw / "personal" / "sjukfranvaro.csv"
    pers.write_text(
        pers.read_text(encoding="utf-8")
        + _nfd("2023-02;A000002;Socialförvaltningen;M;1995;150;0;0;0\n"),
        encoding="utf-8",
    )
    assert _nfd("Socialnämnden") != "Socialnämnden"
    data = load_data(tiny)
    u = data.utfall
    assert u.loc[u["period"] == 202304, "namnd"].tolist().count("sn") == 1
    # the verksamhet is NFC too: one category, not two that look alike
    assert sorted({str(v) for v in u["verksamhet"].dropna()} - {""}) == sorted(
        {"Förskola", "Grundskola", "Äldreomsorg", "Försörjningsstöd"}
    )
    p = data.sjukfranvaro
    assert (p["forvaltning"] == "Socialförvaltningen").sum() == 2


def test_an_nfd_register_matches_nfc_data(tiny):
    org = tiny / "raw" / "organisation.csv"
    org.write_text(_nfd(org.read_text(encoding="utf-8")), encoding="utf-8")
    data = load_data(tiny)
    assert data.register.namn("sn") == "Socialnämnden"  # stored as NFC
    assert "Barn- och utbildningsförvaltningen" in data.register.forvaltningar
    assert len(data.sjukfranvaro) == 3


# --- 14: confusables ----------------------------------------------------------------
def _register(rows: list[tuple[str, str, str, str, str]]) -> Register:
    return Register(pd.DataFrame(rows, columns=["id", "namn", "typ", "forvaltning", "alias"]))


@pytest.mark.parametrize(
    "column, value, char",
    [
        ("namn", "Soci\u0430lnämnden", "U+0430 CYRILLIC SMALL LETTER A"),
        ("alias", "BUN|\u0412UN", "U+0412 CYRILLIC CAPITAL LETTER VE"),
        ("forvaltning", "S\u03bfcialförvaltningen", "U+03BF GREEK SMALL LETTER OMICRON"),
    ],
)
def test_look_alike_letters_in_the_register_are_refused(column, value, char):
    row = {
        "id": "sn",
        "namn": "Socialnämnden",
        "typ": "namnd",
        "forvaltning": "Socialförvaltningen",
        "alias": "",
    }
    row[column] = value
    rows = [("bun", "Barn- och utbildningsnämnden", "namnd", "BUF", "")]
    rows.append(tuple(row[c] for c in ("id", "namn", "typ", "forvaltning", "alias")))
    with pytest.raises(InputError) as e:
        _register(rows)
    msg = str(e.value)
    assert "organisation.csv, rad 3" in msg and f"kolumn '{column}'" in msg
    assert char in msg


def test_a_cyrillic_letter_in_an_id_is_named():
    with pytest.raises(InputError, match=r"rad 2, kolumn 'id'.*U\+0455 CYRILLIC SMALL LETTER DZE"):
        _register([("\u0455n", "Socialnämnden", "namnd", "", "")])


def test_latin_names_with_accents_still_pass():
    reg = _register(
        [
            (
                "sn",
                "Socialnämnden Ærø Ødegård Müller Åsa",
                "namnd",
                "Vård- och omsorgsförvaltningen",
                "SN|Soc. nämnd (Öst)",
            )
        ]
    )
    assert reg.resolve("soc.nämnd(öst)") == "sn"


def test_an_unknown_name_with_a_look_alike_letter_says_so(tiny):
    utfall = tiny / "raw" / "ekonomi" / "utfall_2023.csv"
    utfall.write_text(
        utfall.read_text(encoding="utf-8") + "2023-04;\u0412UN;5010;1;\n", encoding="utf-8"
    )
    with pytest.raises(InputError, match="U\\+0412 CYRILLIC CAPITAL LETTER VE"):
        load_data(tiny)


# --- 15: size -----------------------------------------------------------------------
class _TooSlow(Exception):
    pass


def _big_register(n: int) -> str:
    lines = ["id;namn;typ;forvaltning;alias"]
    lines += [f"e{i};Enhet nummer {i};namnd;Förvaltning {i % 500};E{i}|Alias {i}" for i in range(n)]
    return "\n".join(lines) + "\n"


def test_a_50000_row_register_loads_in_seconds(tmp_path):
    path = tmp_path / "organisation.csv"
    path.write_text(_big_register(50_000), encoding="utf-8")

    def too_slow(signum, frame):
        raise _TooSlow

    previous = signal.signal(signal.SIGALRM, too_slow)
    signal.alarm(20)  # the quadratic check takes minutes
    try:
        reg = load_register(path)
    except _TooSlow:
        pytest.fail("organisation.csv med 50 000 rader tog mer än 20 s")
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    assert len(reg.ids) == 50_000


def test_duplicate_ids_in_a_big_register_are_all_found_and_the_list_capped(tmp_path):
    text = _big_register(30_000) + "".join(f"e{i};Dubblett {i};namnd;;\n" for i in range(25))
    path = tmp_path / "organisation.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as e:
        load_register(path)
    dup = [p for p in e.value.problems if "flera gånger" in p.message]
    assert len(dup) == 1 and "… och 5 till" in dup[0].message
    assert dup[0].message.startswith("id förekommer flera gånger: e0, e1, e10,")


def test_an_unknown_name_lists_only_the_first_20_known_units(tmp_path):
    reg = load_register(_write(tmp_path, _big_register(50_000)))
    values = pd.Series(["e1", "Tekniska nämnden"])
    with pytest.raises(InputError) as e:
        reg.resolve_column(
            values, file="ekonomi/utfall.csv", column="namnd", lines=np.array([2, 3])
        )
    msg = str(e.value)
    assert "rad 3" in msg and "'Tekniska nämnden'" in msg
    assert "e19: Enhet nummer 19" in msg and "e20: Enhet nummer 20" not in msg
    assert "… och 49980 till" in msg
    assert len(msg) < 2_000


def test_an_unknown_forvaltning_lists_only_the_first_20(tmp_path):
    reg = load_register(_write(tmp_path, _big_register(1_000)))
    with pytest.raises(InputError) as e:
        reg.resolve_forvaltning_column(
            pd.Series(["Okänd förvaltning"]),
            file="personal/x.csv",
            column="forvaltning",
            lines=np.array([2]),
        )
    assert "… och 480 till" in str(e.value) and len(str(e.value)) < 2_000


def _write(tmp_path, text: str):
    path = tmp_path / "organisation.csv"
    path.write_text(text, encoding="utf-8")
    return path
