"""The goal checks (analysis.kontroller.mal): the overview against the list of mätetal on
the shipped sample (they hold) and on a wrong overview or a lost mätetal (they fail)."""

from __future__ import annotations

import pytest

from analysis.kontroller.bas import Kontroller
from analysis.kontroller.mal import kontrollera_mal
from analysis.mal import matetal as mal

PERIODS = ["2023-04", "2023-12"]
MAL = "Måluppföljning"


def failed(k: Kontroller) -> set[tuple[str, str]]:
    return {(f.grupp, f.kontroll) for f in k.fel}


@pytest.fixture(scope="module")
def frames(sample_data):
    out = {}
    for p in PERIODS:
        mt = mal.matetal(sample_data, p)
        out[p] = {"mt": mt, "ov": mal.oversikt(mt, sample_data)}
    return out


def run(f: dict) -> Kontroller:
    k = Kontroller()
    kontrollera_mal(k, f["mt"], f["ov"])
    return k


@pytest.mark.parametrize("period", PERIODS)
def test_the_goal_checks_hold_on_the_sample(frames, period):
    k = run(frames[period])
    assert len(k) >= 2  # the checks really ran
    assert k.fel == [] and k.payload()["avvikande"] == 0


def test_mal_detects_a_wrong_overview(frames):
    f = dict(frames["2023-04"])
    ov = f["ov"].copy()
    ov.loc[ov.index[-1], "Grön"] += 1
    f["ov"] = ov
    assert failed(run(f)) == {(MAL, "statusar summerar till antal mätetal")}
    ov = frames["2023-04"]["ov"].copy()
    ov.loc[ov.index[-1], ["Mätetal", "Gul"]] += 1
    f["ov"] = ov
    assert failed(run(f)) == {(MAL, "översiktens mätetal = antal mätetal")}
    f = dict(frames["2023-04"])
    f["mt"] = f["mt"].iloc[:-1]
    assert (MAL, "översiktens mätetal = antal mätetal") in failed(run(f))
