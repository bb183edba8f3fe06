"""The ekonom's texts in the reports (analysis.rapport.kommentarer): the drafts on the
tiny and the sample kommun (their facts against figures recomputed here in plain pandas),
never overwriting a file, the placeholder and the utkast notice."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pandas as pd
import pytest

from analysis.core.errors import InputError
from analysis.core.format import tal
from analysis.ekonomi.text import tolka_kommentar
from analysis.io.dataset import load_data
from analysis.rapport import kommentarer as km
from tests.conftest import write_tiny


@pytest.fixture
def tiny_data(tmp_path):
    write_tiny(tmp_path / "data" / "raw")
    return load_data(tmp_path / "data").as_of("2023-04")


@pytest.fixture
def sample_copy(sample_data, tmp_path):
    """A private copy of the loaded sample (raw/ and its cache: loads in a blink)."""
    shutil.copytree(sample_data.data_dir, tmp_path / "data", symlinks=True)
    return load_data(tmp_path / "data").as_of("2023-04")


def folder(data) -> Path:
    return Path(data.raw_dir) / "kommentarer" / "2023-04"


def tkr(value: float) -> str:
    return f"{tal(value, 0, tecken=True)} tkr"


def deviations_by_hand(data) -> pd.Series:
    """Per nämnd: utfall January–April minus the periodised budget (tkr, report sign),
    from the loaded input frames in plain pandas (twelfths without periodisering rows)."""
    u = data.frames["utfall"]
    u = u[(u["period"] >= 202301) & (u["period"] <= 202304)]
    utfall = u.groupby("namnd")["belopp_kr"].sum() / 1000  # report sign
    b = data.frames["budget"]
    b = b[(b["typ"].astype(str) == "drift") & (b["ar"] == 2023)]
    annual = b.groupby("namnd")["belopp_kr"].sum() / 1000
    per = data.frames.get("periodisering")
    share = {}
    for unit in annual.index:
        rows = None if per is None else per[(per["ar"] == 2023) & (per["namnd"] == unit)]
        if rows is not None and "typ" in rows:
            rows = rows[rows["typ"].astype(str) == "drift"]
        if rows is None or rows.empty:
            share[unit] = 4 / 12
        else:
            share[unit] = rows[rows["manad"] <= 4]["andel"].sum()
    budget = annual * pd.Series(share)
    units = data.register.namnder
    return (utfall.reindex(units, fill_value=0) - budget.reindex(units, fill_value=0)).round(6)


# --- the drafts ------------------------------------------------------------------------


def test_tiny_draft_has_the_facts_and_empty_headings(tiny_data):
    dev = deviations_by_hand(tiny_data)
    assert dev["bun"] == pytest.approx(50.0) and dev["sn"] == pytest.approx(0.0)  # by hand
    written = km.skriv_utkast(tiny_data, "2023-04")
    assert [(u.enhet, u.skriven) for u in written] == [
        ("kommun", True),
        ("bun", True),
        ("sn", True),
    ]
    bun = (folder(tiny_data) / "bun.md").read_text(encoding="utf-8")
    assert bun.startswith("status: utkast\n")
    # utfall −330 tkr (costs 350, revenue 20), budget 1 140 × 4/12 = 380 tkr
    assert "−330 tkr" in bun and "−380 tkr" in bun and "avvikelse +50 tkr" in bun
    # the forecast: 1 170 (April) against budget 1 140, changed by −10 since March
    assert "−1\xa0170 tkr" in bun and "mars): −10 tkr" in bun
    assert "## Analys" in bun and "## Åtgärder" in bun
    kommun = (folder(tiny_data) / "kommun.md").read_text(encoding="utf-8")
    largest = dev.abs().idxmax()
    line = next(ln for ln in kommun.splitlines() if ln.startswith("  - "))
    assert tiny_data.register.namn(largest) in line and tkr(dev[largest]) in line
    assert "## Viktiga händelser" in kommun and "## Framtiden" in kommun


def test_a_draft_prints_nothing_of_its_facts(tiny_data):
    km.skriv_utkast(tiny_data, "2023-04", ["bun"])
    k = tolka_kommentar((folder(tiny_data) / "bun.md").read_text(encoding="utf-8"), "x")
    assert k.status == "utkast" and "+50 tkr" in k.underlag
    assert k.utskrift() is None  # nothing written under the headings yet
    text = km.avsnitt_text(tiny_data, "bun", "2023-04", "Analys")
    assert "Text saknas: Analys" in text and "+50" not in text


def test_sample_draft_names_the_largest_deviation(sample_copy):
    for f in folder(sample_copy).glob("*.md"):
        f.unlink()  # the shipped texts: draft every unit
    dev = deviations_by_hand(sample_copy)
    largest = dev.abs().idxmax()
    km.skriv_utkast(sample_copy, "2023-04", ["kommun", largest])
    kommun = (folder(sample_copy) / "kommun.md").read_text(encoding="utf-8")
    first = next(ln for ln in kommun.splitlines() if ln.startswith("  - "))
    assert first.startswith(f"  - {sample_copy.register.namn(largest)}: {tkr(dev[largest])}")
    unit = (folder(sample_copy) / f"{largest}.md").read_text(encoding="utf-8")
    assert f"avvikelse {tkr(dev[largest])}" in unit
    assert "Största avvikelser per verksamhet:" in unit
    assert "Största avvikelser per kontogrupp:" in unit


def test_sample_draft_lists_the_goals_not_reached(sample_copy):
    shutil.rmtree(folder(sample_copy))
    km.skriv_utkast(sample_copy, "2023-04", ["ofn"])
    text = (folder(sample_copy) / "ofn.md").read_text(encoding="utf-8")
    # seed001: granskade årsräkningar 20 % against 100 %, the nämnd's own status röd
    assert "Granskade årsräkningar till den 30 september: utfall 20, målvärde 100 (Röd)" in text


def test_an_existing_file_is_never_overwritten(sample_copy):
    before = {p.name: p.read_bytes() for p in folder(sample_copy).glob("*.md")}
    assert set(before) == {"kommun.md", "sn.md", "bun.md"}  # the shipped texts
    empty = folder(sample_copy) / "kfn.md"
    empty.write_bytes(b"")
    link = folder(sample_copy) / "mbn.md"
    link.symlink_to(folder(sample_copy) / "does-not-exist.md")
    units = ["kommun", "sn", "bun", "kfn", "mbn", "valn"]
    result = {u.enhet: u.skriven for u in km.skriv_utkast(sample_copy, "2023-04", units)}
    assert result == {
        "kommun": False,
        "sn": False,
        "bun": False,
        "kfn": False,
        "mbn": False,
        "valn": True,
    }
    for name, content in before.items():
        assert (folder(sample_copy) / name).read_bytes() == content
    assert empty.read_bytes() == b""
    assert link.is_symlink() and not os.path.exists(link)
    again = km.skriv_utkast(sample_copy, "2023-04", units)
    assert not any(u.skriven for u in again)
    assert not [p for p in folder(sample_copy).iterdir() if p.name.startswith(".")]


def test_mutation_writing_over_would_be_seen(sample_copy):
    # the byte comparison above is not vacuous: a draft differs from the shipped text
    path = folder(sample_copy) / "sn.md"
    before = path.read_bytes()
    assert km.utkast_text(sample_copy, "sn", "2023-04").encode() != before


# --- in the reports ---------------------------------------------------------------------


def test_shipped_texts_klar_utkast_saknas(sample_copy):
    assert km.status(sample_copy, "kommun", "2023-04") == "klar"
    assert km.status(sample_copy, "sn", "2023-04") == "klar"
    assert km.status(sample_copy, "bun", "2023-04") == "utkast"
    assert km.status(sample_copy, "kfn", "2023-04") == "saknas"
    assert km.utkast_notis(sample_copy, "sn", "2023-04") is None
    assert km.utkast_notis(sample_copy, "kfn", "2023-04") is None
    notis = km.utkast_notis(sample_copy, "bun", "2023-04")
    assert "Utkast" in notis and "kommentarer/2023-04/bun.md" in notis


def test_placeholder_names_file_and_heading(sample_copy):
    text = km.avsnitt_text(sample_copy, "kfn", "2023-04", "Analys")
    assert "Text saknas: Analys" in text
    assert "`kommentarer/2023-04/kfn.md`" in text and "`## Analys`" in text
    # bun's Åtgärder heading is there but empty: the placeholder too
    assert "Text saknas: Åtgärder" in km.avsnitt_text(sample_copy, "bun", "2023-04", "Åtgärder")
    assert "försämrats" in km.avsnitt_text(sample_copy, "bun", "2023-04", "Analys")


def test_kommun_sections(sample_copy, monkeypatch):
    shown = []
    monkeypatch.setattr(km, "display", lambda m: shown.append(m.data))
    km.visa_viktiga_handelser(sample_copy, "2023-04")
    km.visa_framtiden(sample_copy, "2023-04")
    assert "inflationen" in shown[0] and "Text saknas" not in shown[0]
    assert "Skatteintäkterna" in shown[1] and "inflationen" not in shown[1]
    (folder(sample_copy) / "kommun.md").unlink()
    km.visa_framtiden(sample_copy, "2023-04")
    assert "Text saknas: Framtiden" in shown[2]
    assert "kommentarer/2023-04/kommun.md" in shown[2] and "## Framtiden" in shown[2]


def test_a_legacy_kommun_file_is_its_viktiga_handelser(tiny_data):
    path = folder(tiny_data) / "kommun.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("Ett år med stora förändringar.", encoding="utf-8")
    assert (
        km.avsnitt_text(tiny_data, "kommun", "2023-04", "Viktiga händelser")
        == "Ett år med stora förändringar."
    )
    assert "Text saknas" in km.avsnitt_text(tiny_data, "kommun", "2023-04", "Framtiden")


def test_garbage_status_gives_the_notice_with_the_note(tiny_data):
    path = folder(tiny_data) / "sn.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("status: nästan klar\n## Analys\nText.\n", encoding="utf-8")
    notis = km.utkast_notis(tiny_data, "sn", "2023-04")
    assert "Utkast" in notis and "känns inte igen" in notis


def test_no_draft_is_written_through_a_linked_folder(tiny_data, tmp_path):
    outside = tmp_path / "utanfor"
    outside.mkdir()
    (Path(tiny_data.raw_dir) / "kommentarer").mkdir()
    folder(tiny_data).symlink_to(outside, target_is_directory=True)
    with pytest.raises(InputError) as e:
        km.skriv_utkast(tiny_data, "2023-04")
    assert "kommentarer/2023-04" in str(e.value) and "symbolisk länk" in str(e.value)
    assert list(outside.iterdir()) == []
