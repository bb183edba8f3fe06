"""The labour-market section (analysis.rapport.arbetsmarknad): the published figures of
April 2023 from the sample, the April report that ignores May, a kommun without the
folder, the chart and the export sheet."""

from __future__ import annotations

import math

import numpy as np
import pytest
from matplotlib.figure import Figure

from analysis.io.dataset import load_data
from analysis.kontroller.bas import Kontroller
from analysis.rapport import arbetsmarknad as am


@pytest.fixture
def shown(monkeypatch):
    """What the section displays: Markdown texts and (title, frame, options) of tables."""
    out: dict[str, list] = {"text": [], "tables": []}
    monkeypatch.setattr(am, "display", lambda obj: out["text"].append(obj.data))
    monkeypatch.setattr(
        am, "show_table", lambda df, title, **kw: out["tables"].append((title, df, kw))
    )
    return out


def test_the_published_april_2023_section(sample_data, shown):
    u = am.forbered(sample_data, "2023-04")
    assert u.namn == "Exempelkommunen"
    am.visa_sysselsattning(u)
    [text] = shown["text"]
    assert text.startswith(
        "Arbetslösheten i Exempelkommunen var 4,9 procent i april, jämfört med 5,5 procent "
        "ett år tidigare. I Norrbottens län var den 4,4 procent"
    )
    assert "(6,5 procent året innan)" in text and "12,4 procent (11,6 procent i" in text
    assert "1\u00a0861 i april" in text and "890 färre än två år tidigare" in text
    (t1, andelar, kw1), (t2, antal, kw2) = shown["tables"]
    assert t1.endswith("april 2023") and kw1["decimals"]["April 2023"] == 1
    row = andelar[(andelar["Grupp"] == "16–64 år") & (andelar["Område"] == "Exempelkommunen")]
    assert row[["April 2023", "April 2022"]].to_numpy().tolist() == [[4.9, 5.5]]
    kommun = antal.iloc[0]
    assert (kommun["April 2023"], kommun["Förändring på två år"]) == (1861, -890)
    assert kw2["decimals"] == 0 and kw2["deviation"] == [
        "Förändring på ett år",
        "Förändring på två år",
    ]


def test_every_check_of_the_sample_passes(sample_data):
    k = Kontroller()
    am.kontrollera(k, am.forbered(sample_data, "2023-04"))
    assert len(k) > 100 and not k.fel


def test_the_april_report_ignores_may(sample_data):
    april = am.forbered(sample_data, "2023-04")
    may = am.forbered(sample_data, "2023-05")
    assert april.resultat.manad.code == 202304 and may.resultat.manad.code == 202305
    assert april.radata["period"].max() == 202304
    assert april.resultat.serier["period"].max() == 202304
    # May's figure is in the data, but not in April's text
    may_share = may.resultat.varde("16-64", "kommun", "andel")
    assert may_share != 4.9 and "4,9 procent i april" in april.text


def test_a_kommun_without_the_folder_gets_a_visible_text(tiny, shown):
    data = load_data(tiny)
    u = am.forbered(data, "2023-04")
    am.visa_sysselsattning(u)
    assert shown["text"] == ["Uppgifter om arbetslösheten saknas (mappen arbetsmarknad/)."]
    assert shown["tables"] == []
    assert am.figur_arbetsloshet(u) is None
    k = Kontroller()
    am.kontrollera(k, u)
    assert len(k) == 0
    sheet = am.exportblad(data, "2023-04")["arbetsmarknad"]
    assert sheet.empty and list(sheet.columns)[:4] == ["grupp", "omradestyp", "omrade", "manad"]


def test_a_report_before_the_first_month_says_so(tiny, shown):
    raw = tiny / "raw" / "arbetsmarknad"
    raw.mkdir(parents=True)
    (raw / "arbetsloshet.csv").write_text(
        "period;omrade;grupp;andel\n2023-05;Tiny;16-64;4,6\n", encoding="utf-8"
    )
    am.visa_sysselsattning(am.forbered(load_data(tiny), "2023-04"))
    assert shown["text"] == [
        "Uppgifter om arbetslösheten saknas för april 2023 och tidigare (mappen arbetsmarknad/)."
    ]


def test_the_chart_has_the_kommun_the_lan_and_riket(sample_data):
    fig = am.figur_arbetsloshet(am.forbered(sample_data, "2023-04"))
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    assert [line.get_label() for line in ax.get_lines()] == [
        "Exempelkommunen",
        "Norrbottens län",
        "Riket",
    ]
    x, y = ax.get_lines()[0].get_data()
    assert len(x) == am.MANADER_I_FIGUR and y[-1] == 4.9
    assert math.isclose(x[-1], 2023 + 3 / 12)
    assert [t.get_text() for t in ax.get_xticklabels()] == ["2020", "2021", "2022", "2023"]
    assert all("," in t.get_text() or t.get_text() == "" for t in ax.get_yticklabels())


def test_the_export_sheet(sample_data):
    sheet = am.exportblad(sample_data, "2023-04")["arbetsmarknad"]
    own = sheet[(sheet["omrade"] == "Exempelkommunen") & (sheet["grupp"] == "16-64")]
    assert own["manad"].tolist() == ["2023-04", "2022-04", "2021-04"]
    np.testing.assert_array_equal(own["andel"], [4.9, 5.5, 7.3])
    np.testing.assert_array_equal(own["antal"], [1861, 2076, 2751])
    assert set(am.BLAD_FORMAT) <= set(sheet.columns)
    assert set(sheet["manad"]) == {"2023-04", "2022-04", "2021-04"}
    # one row per group, area and month shown in the tables
    u = am.forbered(sample_data, "2023-04")
    assert len(sheet) == 3 * len(u.resultat.jamforelse)


def test_manadsrubrik():
    assert am.manadsrubrik(202212) == "December 2022"
