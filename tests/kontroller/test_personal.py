"""The personnel-structure checks pass on consistent tables and fail when one path is
broken (mutation tests)."""

from __future__ import annotations

import pandas as pd

from analysis.kontroller.bas import Kontroller
from analysis.kontroller.personal import kontrollera_personalstruktur
from analysis.personal import struktur
from analysis.personal.struktur import TOTALT

DEC, M = 202212, 202304
FORV = ["F1", "F2"]


def _personal() -> pd.DataFrame:
    rows = []
    for i in range(30):
        forv = FORV[i % 2]
        kon = "K" if i % 3 else "M"
        form = "visstid" if i % 7 == 0 else "tillsvidare"
        chef = i in (1, 2)
        chef_id = "" if chef else ("E1" if i < 26 else "E2")
        for period in (DEC, M):
            if period == M and i in (5, 6):
                continue  # two leavers
            rows.append(
                dict(
                    period=period,
                    anstalld=f"E{i}",
                    forvaltning=forv,
                    kon=kon,
                    fodelsear=1960 + i,
                    ordinarie_tid_h=160.0,
                    anstallningsform=form,
                    chef=chef,
                    sysselsattningsgrad=50.0 + i,
                    chef_id=chef_id,
                )
            )
    rows.append(
        dict(
            period=M,
            anstalld="T1",
            forvaltning="F1",
            kon="K",
            fodelsear=2000,
            ordinarie_tid_h=10.0,
            anstallningsform="timavlonad",
            chef=False,
            sysselsattningsgrad=float("nan"),
            chef_id="",
        )
    )
    df = pd.DataFrame(rows)
    df["forvaltning"] = pd.Categorical(df["forvaltning"], categories=FORV)
    return df


def _tables(p: pd.DataFrame) -> dict[str, pd.DataFrame]:
    return {
        "anstallda": struktur.anstallda(p, M),
        "alder": struktur.aldersfordelning(p, M),
        "chefer": struktur.chefer(p, M),
        "arsarbetare": struktur.arsarbetare(p, M),
        "omsattning": struktur.personalomsattning(p, M),
    }


def _run(p: pd.DataFrame, t: dict[str, pd.DataFrame]) -> Kontroller:
    k = Kontroller()
    kontrollera_personalstruktur(k, p, M, **t)
    return k


def test_all_checks_pass_on_consistent_tables():
    p = _personal()
    k = _run(p, _tables(p))
    assert len(k) > 40
    assert not k.fel, [(f.kontroll, f.varde, f.forvantat) for f in k.fel]
    # the tiny frame really has what the checks look at
    t = _tables(p)
    assert t["chefer"].at[TOTALT, "chefer_over_25"] == 0
    assert t["omsattning"].at[TOTALT, "slutat"] == 2


def _fails(p, t, words: str) -> None:
    k = _run(p, t)
    assert any(words in f.kontroll for f in k.fel), [f.kontroll for f in k.fel]


def test_mutation_kommun_row_differs_from_the_forvaltningar():
    p = _personal()
    t = _tables(p)
    t["anstallda"].at["F1", "tillsvidare_kvinnor"] += 1
    _fails(p, t, "tillsvidare_kvinnor: kommunen = summan")


def test_mutation_kvinnor_plus_man_is_not_the_total():
    p = _personal()
    t = _tables(p)
    t["anstallda"].loc[["F2", TOTALT], "visstid_man"] += 1
    _fails(p, t, "F2, visstid: kvinnor + män = totalt")


def test_mutation_table_against_the_raw_rows():
    p = _personal()
    t = _tables(p)
    # one row's form changes in the file after the tables were made: the table path
    # and the plain recount of the file no longer agree
    q = p.copy()
    q.loc[(q["period"] == M) & (q["anstalld"] == "E3"), "anstallningsform"] = "visstid"
    _fails(q, t, "kommunens tillsvidare = anställda med raden tillsvidare")


def test_mutation_age_shares_do_not_add_up():
    p = _personal()
    t = _tables(p)
    a = t["alder"]
    i = a.index[(a["forvaltning"] == "F1") & (a["anstallningsform"] == "tillsvidare")][2]
    a.at[i, "andel"] += 0.5
    _fails(p, t, "F1, tillsvidare: åldersgruppernas andelar summerar till 100")


def test_mutation_age_counts_differ_from_the_form_count():
    p = _personal()
    t = _tables(p)
    a = t["alder"]
    i = a.index[(a["forvaltning"] == TOTALT) & (a["anstallningsform"] == "visstid")][3]
    a.at[i, "antal"] += 1
    _fails(p, t, "Totalt, visstid: åldersgruppernas antal")


def test_mutation_more_large_grupper_than_chefer():
    p = _personal()
    t = _tables(p)
    t["chefer"].at["F2", "chefer_over_25"] = t["chefer"].at["F2", "chefer"] + 1
    _fails(p, t, "F2: chefer med fler än 25 anställda ≤ chefer")


def test_mutation_chefer_against_the_file():
    p = _personal()
    t = _tables(p)
    t["chefer"].loc[["F1", TOTALT], "chefer"] += 1
    _fails(p, t, "kommunens chefer = anställda med chef = ja")


def test_mutation_more_arsarbetare_than_manadsanstallda():
    p = _personal()
    t = _tables(p)
    t["arsarbetare"].at["F1", "arsarbetare"] = t["arsarbetare"].at["F1", "manadsanstallda"] + 1
    _fails(p, t, "F1: årsarbetare ≤ månadsanställda")


def test_mutation_arsarbetare_against_the_file():
    p = _personal()
    t = _tables(p)
    t["arsarbetare"].at[TOTALT, "arsarbetare"] -= 0.5
    _fails(p, t, "Σ sysselsättningsgrad / 100 i personalfilen")


def test_mutation_personalomsattning():
    p = _personal()
    t = _tables(p)
    t["omsattning"].at[TOTALT, "procent"] += 1
    _fails(p, t, "kommunens personalomsättning")
    t = _tables(p)
    t["omsattning"].at["F1", "slutat"] += 1
    _fails(p, t, "personalomsättning, slutat: kommunen = summan")
