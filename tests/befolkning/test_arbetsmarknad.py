"""The labour-market figures and paragraph (analysis.befolkning.arbetsmarknad): hand-made
frames with hand-computed comparisons, the month rule, missing comparisons left out, and
the published figures of the delårsrapport (seed001 n04) from the shipped sample."""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.befolkning.arbetsmarknad import (
    SAKNAS,
    arbetsloshet,
    arbetsloshet_text,
    manad_bakat,
)
from analysis.core.errors import ModellError

NAN = math.nan


def frame(rows: list[tuple]) -> pd.DataFrame:
    """Rows (yyyymm, area, type, group, andel[, antal[, arbetskraft]]) as the parser gives."""
    full = [(*r, *([NAN] * (7 - len(r)))) for r in rows]
    f = pd.DataFrame(
        full, columns=["period", "omrade", "omradestyp", "grupp", "andel", "antal", "arbetskraft"]
    )
    f["period"] = f["period"].astype(np.int32)
    return f.astype({"andel": float, "antal": float, "arbetskraft": float})


TINY = frame(
    [
        (202104, "Ort", "kommun", "16-64", 7.3, 2751),
        (202204, "Ort", "kommun", "16-64", 5.5, 2076),
        (202303, "Ort", "kommun", "16-64", 5.2, 1990),
        (202304, "Ort", "kommun", "16-64", 4.9, 1861),
        (202305, "Ort", "kommun", "16-64", 4.0, 1500),
        (202304, "Länet län", "lan", "16-64", 4.4),
        (202304, "Riket", "riket", "16-64", 6.2),
        (202204, "Ort", "kommun", "18-24", 6.5),
        (202304, "Ort", "kommun", "18-24", 5.0),
        (202304, "Ort", "kommun", "utrikes_fodda", 12.4),
        (202304, "Länet län", "lan", "utrikes_fodda", 11.6),
    ]
)


def test_the_comparisons_by_hand():
    a = arbetsloshet(TINY, "2023-04")
    assert (a.manad.code, a.kommun, a.lan, a.riket) == (202304, "Ort", "Länet län", "Riket")
    j = a.jamforelse.set_index(["grupp", "omrade"])
    k = j.loc[("16-64", "Ort")]
    assert (k["andel"], k["andel_1ar"], k["andel_2ar"]) == (4.9, 5.5, 7.3)
    assert k["andel_forandring_1ar"] == pytest.approx(-0.6)
    assert (k["antal"], k["antal_forandring_1ar"], k["antal_forandring_2ar"]) == (
        1861,
        1861 - 2076,
        1861 - 2751,
    )
    lan = j.loc[("16-64", "Länet län")]
    assert lan["andel"] == 4.4 and math.isnan(lan["andel_1ar"]) and math.isnan(lan["antal"])
    assert j.loc[("18-24", "Ort"), "andel_1ar"] == 6.5
    # order: groups, then kommun, län, riket
    assert list(a.jamforelse["omrade"]) == ["Ort", "Länet län", "Riket", "Ort", "Ort", "Länet län"]


def test_the_text_in_the_words_of_the_published_report():
    text = arbetsloshet_text(arbetsloshet(TINY, "2023-04"), "Orten")
    assert text == (
        "Arbetslösheten i Orten var 4,9 procent i april, jämfört med 5,5 procent ett år "
        "tidigare. I Länet län var den 4,4 procent och i riket 6,2 procent. Bland ungdomar "
        "18–24 år var arbetslösheten 5,0 procent (6,5 procent året innan) och bland utrikes "
        "födda 12,4 procent (11,6 procent i Länet län). Antalet inskrivna arbetslösa var "
        "1\u00a0861 i april, 215 färre än ett år tidigare och 890 färre än två år tidigare."
    )


def test_the_report_month_ignores_later_months():
    a = arbetsloshet(TINY, "2023-04")
    assert a.serier["period"].max() == 202304
    assert 202305 not in set(a.serier["period"])


def test_the_latest_month_before_the_period_is_used_and_printed():
    a = arbetsloshet(TINY[TINY["period"] != 202304], "2023-04")
    assert a.manad.code == 202303
    text = arbetsloshet_text(a)
    assert text.startswith(
        "Arbetslösheten i Ort var 5,2 procent i mars 2023 (den senaste månaden med uppgifter)."
    )
    # March a year earlier is not in the file: no comparison, no län, no youth figure
    assert "ett år tidigare" not in text.split(".")[0]
    assert "Länet" not in text and "ungdomar" not in text
    assert "Antalet inskrivna arbetslösa var 1\u00a0990 i mars." in text


def test_missing_comparisons_are_left_out_not_zero():
    f = frame([(202304, "Ort", "kommun", "16-64", 4.9)])
    a = arbetsloshet(f, "2023-04")
    assert arbetsloshet_text(a) == "Arbetslösheten i Ort var 4,9 procent i april."
    assert math.isnan(a.varde("16-64", "kommun", "andel_1ar"))
    assert math.isnan(a.varde("16-64", "lan", "andel"))


def test_only_utrikes_fodda_gets_its_own_verb_and_equal_counts_are_said_so():
    f = frame(
        [
            (202204, "Ort", "kommun", "16-64", 5.0, 100),
            (202304, "Ort", "kommun", "16-64", 5.0, 100),
            (202304, "Ort", "kommun", "utrikes_fodda", 9.0),
        ]
    )
    text = arbetsloshet_text(arbetsloshet(f, "2023-04"))
    assert "Bland utrikes födda var arbetslösheten 9,0 procent." in text
    assert "100 i april, lika många som ett år tidigare." in text


def test_no_file_and_no_month_are_model_errors():
    with pytest.raises(ModellError, match="mappen arbetsmarknad/"):
        arbetsloshet(None, "2023-04")
    assert str(SAKNAS) == "Uppgifter om arbetslösheten saknas (mappen arbetsmarknad/)."
    with pytest.raises(ModellError, match="saknas för mars 2021"):
        arbetsloshet(TINY, "2021-03")


def test_several_kommuner_are_told_apart_by_the_kommuns_name():
    other = frame([(202304, "Grannby", "kommun", "16-64", 8.0)])
    both = pd.concat([other, TINY], ignore_index=True)
    assert arbetsloshet(both, "2023-04", "Ort").kommun == "Ort"
    assert arbetsloshet(both, "2023-04", "ort kommun").kommun == "Ort"
    with pytest.raises(ModellError, match="flera kommuner"):
        arbetsloshet(both, "2023-04", "Annanstans")


def test_the_series_covers_the_last_36_months():
    rows = [
        (y * 100 + m, n, t, "16-64", 5.0)
        for y in range(2019, 2024)
        for m in range(1, 13)
        for n, t in (("Ort", "kommun"), ("Riket", "riket"))
    ]
    a = arbetsloshet(frame(rows), "2023-04")
    own = a.serier[a.serier["omrade"] == "Ort"]["period"]
    assert (own.min(), own.max(), len(own)) == (202005, 202304, 36)
    assert list(dict.fromkeys(a.serier["omrade"])) == ["Ort", "Riket"]


def test_manad_bakat():
    assert manad_bakat(202301, 1) == 202201


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from([202104, 202204, 202304]), st.floats(0, 100, allow_nan=False)),
        min_size=1,
        max_size=3,
        unique_by=lambda t: t[0],
    )
)
def test_property_every_printed_share_is_in_the_file(rows):
    f = frame([(p, "Ort", "kommun", "16-64", round(v, 1)) for p, v in rows])
    if 202304 not in f["period"].tolist():
        return
    text = arbetsloshet_text(arbetsloshet(f, "2023-04"))
    printed = [float(x.replace(",", ".")) for x in re.findall(r"(\d+,\d) procent", text)]
    shares = set(f["andel"].round(1))
    assert printed and all(p in shares for p in printed)


def test_the_published_figures_of_april_2023_from_the_sample(sample_data):
    """seed001 n04: 4,9 % (5,5 % a year earlier), Norrbotten 4,4 %, ungdomar 5,0 % (6,5 %),
    utrikes födda 12,4 % (Norrbotten 11,6 %), 1 861 arbetslösa, −890 over two years, and
    Västerbotten 4,1 % in April 2022."""
    a = arbetsloshet(sample_data.as_of("2023-04").arbetsloshet, "2023-04", "Exempelkommunen")
    v = a.varde
    assert a.manad.code == 202304 and a.lan == "Norrbottens län"
    assert (v("16-64", "kommun", "andel"), v("16-64", "kommun", "andel_1ar")) == (4.9, 5.5)
    assert v("16-64", "lan", "andel") == 4.4
    assert (v("18-24", "kommun", "andel"), v("18-24", "kommun", "andel_1ar")) == (5.0, 6.5)
    assert (v("utrikes_fodda", "kommun", "andel"), v("utrikes_fodda", "lan", "andel")) == (
        12.4,
        11.6,
    )
    assert v("16-64", "kommun", "antal") == 1861
    assert v("16-64", "kommun", "antal_forandring_2ar") == -890
    j = a.jamforelse.set_index(["grupp", "omrade"])
    assert j.loc[("16-64", "Västerbottens län"), "andel_1ar"] == 4.1
    text = arbetsloshet_text(a)
    for part in (
        "var 4,9 procent i april, jämfört med 5,5 procent ett år tidigare",
        "I Norrbottens län var den 4,4 procent",
        "ungdomar 18–24 år var arbetslösheten 5,0 procent (6,5 procent året innan)",
        "utrikes födda 12,4 procent (11,6 procent i Norrbottens län)",
        "1\u00a0861 i april",
        "890 färre än två år tidigare",
    ):
        assert part in text
