"""The statements' report section (analysis.rapport.bokslut): texts, tables in mkr, the
missing-file texts, the checks and the export sheets."""

from __future__ import annotations

import pytest

from analysis.io.dataset import load_data
from analysis.kontroller.bas import Kontroller
from analysis.rapport import bokslut as rb
from tests.ekonomi.test_balans import write_bokslut


@pytest.fixture
def shown(monkeypatch):
    """What the section displays: Markdown texts and table payloads."""
    out: list = []
    monkeypatch.setattr(rb, "display", lambda obj: out.append(("text", obj.data)))
    monkeypatch.setattr(
        rb, "show_table", lambda frame, title, **kw: out.append(("table", title, frame, kw))
    )
    return out


def test_tiny_texts_by_hand(tiny):
    data = write_bokslut(tiny, "ar,post,belopp\n2023,disposition_rur,50000\n")
    u = rb.forbered(data, "2023-04")
    # 1 790 tkr against 1 200 tkr at the year-end
    assert u.text_balans.startswith(
        "Balansomslutningen uppgår till 1,8 miljoner kronor, 0,6 miljoner kronor mer än vid "
        "årsskiftet."
    )
    assert "Likvida medel har ökat med 0,5 miljoner kronor sedan årsskiftet, till 0,7 " in (
        u.text_kassaflode
    )
    assert "Balanskravet bedöms uppfyllas." in u.text_balanskrav  # a forecast: a judgement
    assert "Inga balanskravsjusteringar" not in u.text_balanskrav


def test_without_files_the_texts_say_so(tiny, shown):
    u = rb.forbered(load_data(tiny), "2023-04")
    assert u.balans is None and u.kassaflode is None
    assert u.text_balans == "Balansräkning saknas: filen ekonomi/balans*.csv finns inte."
    assert u.text_kassaflode.startswith("Kassaflödesanalys saknas")
    assert "Inga balanskravsjusteringar är angivna" in u.text_balanskrav
    rb.visa_balansrakning(u)
    rb.visa_kassaflode(u)
    assert [s[0] for s in shown] == ["text", "text"]  # no table of zeros
    sheets = rb.exportblad(load_data(tiny), "2023-04")
    assert set(sheets) == {"balanskrav"}


def test_sample_tables_in_mkr(sample_data, shown):
    data = sample_data.as_of("2023-04")
    u = rb.forbered(data, "2023-04")
    rb.visa_balansrakning(u)
    rb.visa_kassaflode(u)
    rb.visa_balanskrav(u)
    tables = [s for s in shown if s[0] == "table"]
    assert [t[1] for t in tables] == [
        "Balansräkning jan–apr 2023, mkr",
        "Kassaflödesanalys jan–apr 2023, mkr",
        "Balanskravsutredning jan–apr 2023, mkr",
    ]
    bal = tables[0][2].set_index("")
    assert list(bal.columns) == ["30 april 2023", "31 december 2022", "30 april 2022"]
    tkr = u.balans.set_index("rad")
    assert bal.loc["Summa tillgångar", "30 april 2023"] == pytest.approx(
        tkr.loc["Summa tillgångar", "period"] / 1000
    )
    sums = tables[0][3]["sum_rows"]
    assert [bal.index[i] for i in sums][-1] == "Summa eget kapital, avsättningar och skulder"
    assert "Anläggningstillgångar" not in bal.index  # headings are not rows of numbers
    assert u.text_balanskrav.startswith("Balanskravsresultatet för helåret 2023 beräknas")


def test_sample_checks_and_export(sample_data):
    data = sample_data.as_of("2023-08")
    u = rb.forbered(data, "2023-08")
    k = Kontroller()
    rb.kontrollera(k, u)
    assert len(k) == 28 and k.fel == []  # 19 on the statements, 9 on their texts
    sheets = rb.exportblad(data, "2023-08")
    assert set(sheets) == {"balansrakning", "kassaflode", "balanskrav"}
    b = sheets["balansrakning"].set_index("rad")
    assert b.loc["Summa tillgångar", "period"] == pytest.approx(
        b.loc["Summa eget kapital, avsättningar och skulder", "period"], abs=0.0005
    )
