import numpy as np
import pandas as pd
import pytest

from analysis.core.errors import ArgumentError, InputError
from analysis.core.register import Register

UNITS = pd.DataFrame(
    [
        ("ks-stab", "KS/Kommunstaben", "namnd", "KS/Kommunstab", "KS/ Kommunstaben|Kommunstaben"),
        (
            "bun",
            "Barn- och utbildningsnämnden",
            "namnd",
            "Barn- o utbildningsförvaltningen",
            "Barn- och utbildningsnämnd|BUN",
        ),
        ("mbn", "Miljö- och byggnadsnämnden", "namnd", "Stadsbyggnadsförvaltningen", ""),
        ("sbn", "Stadsbyggnadsnämnden", "namnd", "Stadsbyggnadsförvaltningen", ""),
        ("skatt", "Skatteintäkter", "finans", "", ""),
        ("ovr", "Bolag", "ovrig", "", ""),
    ],
    columns=["id", "namn", "typ", "forvaltning", "alias"],
)


def test_resolution_by_id_name_and_alias_ignores_case_and_whitespace():
    reg = Register(UNITS)
    for name in (
        "bun",
        "BUN",
        "Barn- och utbildningsnämnden",
        "barn- och  utbildningsnämnd",
        " KS/Kommunstaben",
        "ks/ kommunstaben",
        "KOMMUNSTABEN",
    ):
        assert reg.resolve(name) in ("bun", "ks-stab")
    assert reg.resolve("KS/ Kommunstaben") == "ks-stab"


def test_types_and_shared_forvaltning():
    reg = Register(UNITS)
    assert reg.namnder == ["ks-stab", "bun", "mbn", "sbn"]
    assert reg.finans == ["skatt"]
    assert reg.forvaltningar == [
        "KS/Kommunstab",
        "Barn- o utbildningsförvaltningen",
        "Stadsbyggnadsförvaltningen",
    ]
    assert reg.units_of_forvaltning("stadsbyggnadsförvaltningen") == ["mbn", "sbn"]


def test_unknown_names_list_the_known_ones_with_line_numbers():
    reg = Register(UNITS)
    values = pd.Series(["bun", "BUN", "Tekniska nämnden", "bun"])
    with pytest.raises(InputError) as e:
        reg.resolve_column(
            values, file="ekonomi/utfall.csv", column="namnd", lines=np.array([2, 3, 4, 5])
        )
    msg = str(e.value)
    assert "ekonomi/utfall.csv, rad 4, kolumn 'namnd'" in msg
    assert "Tekniska nämnden" in msg and "bun: Barn- och utbildningsnämnden" in msg


def test_duplicate_alias_and_bad_type_are_errors():
    bad = UNITS.copy()
    bad.loc[2, "alias"] = "BUN"
    bad.loc[3, "typ"] = "bolag"
    with pytest.raises(InputError) as e:
        Register(bad)
    msg = str(e.value)
    assert "rad 4" in msg and "'BUN'" in msg
    assert "rad 5" in msg and "okänd typ 'bolag'" in msg


def test_forvaltning_resolution_accepts_unit_names():
    reg = Register(UNITS)
    out = reg.resolve_forvaltning_column(
        pd.Series(["ks/kommunstab", "BUN"]), file="f", column="forvaltning", lines=np.array([2, 3])
    )
    assert list(out) == ["KS/Kommunstab", "Barn- o utbildningsförvaltningen"]
    with pytest.raises(InputError, match="okänd förvaltning 'Tekniska'"):
        reg.resolve_forvaltning_column(
            pd.Series(["Tekniska"]), file="f", column="forvaltning", lines=np.array([2])
        )


def test_a_frame_without_the_register_columns_is_an_argument_error():
    with pytest.raises(ArgumentError) as err:
        Register(UNITS.drop(columns=["typ"]))
    assert err.value.argument == "units" and "typ" in str(err.value)


def test_lines_must_give_one_line_per_row():
    with pytest.raises(ArgumentError) as err:
        Register(UNITS, lines=[2, 3])
    assert err.value.argument == "lines"
    assert Register(UNITS, lines=range(10, 16)).ids[0] == "ks-stab"


def test_an_unknown_name_is_a_key_error():
    with pytest.raises(KeyError):
        Register(UNITS).resolve("Tekniska nämnden")


def test_resolve_categorical_maps_names_to_ids_and_reports_unknown_ones():
    reg = Register(UNITS)
    values = pd.Categorical(["BUN", "Kommunstaben", "bun", "Bolag"])
    out = reg.resolve_categorical(values, file="f", column="namnd", lines=np.array([2, 3, 4, 5]))
    assert list(out) == ["bun", "ks-stab", "bun", "ovr"]
    assert list(out.categories) == reg.ids
    unused = pd.Categorical(["bun"], categories=["bun", "Okänd"])  # unused: no error
    assert list(reg.resolve_categorical(unused, file="f", column="namnd", lines=np.array([2]))) == [
        "bun"
    ]
    with pytest.raises(InputError, match="f, rad 3, kolumn 'namnd': okänd enhet 'Okänd'"):
        reg.resolve_categorical(
            pd.Categorical(["bun", "Okänd"]), file="f", column="namnd", lines=np.array([2, 3])
        )
