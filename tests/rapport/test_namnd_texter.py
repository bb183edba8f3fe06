"""The nämnd report's texts (analysis.rapport.namnd): the ekonom's analysis and åtgärder
under their headings, the placeholder when missing, the utkast notice on the first page,
and the notebook calling them."""

from __future__ import annotations

import json
import shutil

import pytest

from analysis.io.dataset import load_data
from analysis.rapport import namnd as rn
from tests.conftest import ROOT


@pytest.fixture(scope="module")
def sample(sample_data, tmp_path_factory):
    path = tmp_path_factory.mktemp("namnd_texter") / "data"
    shutil.copytree(sample_data.data_dir, path, symlinks=True)
    return load_data(path).as_of("2023-04")


def shown(monkeypatch) -> list[str]:
    out: list[str] = []
    monkeypatch.setattr(rn, "display", lambda m: out.append(m.data))
    return out


def test_a_finished_text_is_shown_without_notice(sample, monkeypatch):
    r = rn.forbered(sample, "sn", "2023-04")
    out = shown(monkeypatch)
    rn.visa_utkast(r)
    assert out == [] and r.utkast is None
    rn.visa_analys(r)
    text = out[0]
    assert text.startswith("### Analys\n\n")
    assert "funktionshinderområdet" in text and "### Åtgärder" in text
    assert "Text saknas" not in text and "status" not in text


def test_an_utkast_says_so_and_its_missing_section_shows_the_placeholder(sample, monkeypatch):
    r = rn.forbered(sample, "bun", "2023-04")
    out = shown(monkeypatch)
    rn.visa_utkast(r)
    assert len(out) == 1 and "Utkast" in out[0] and "kommentarer/2023-04/bun.md" in out[0]
    rn.visa_analys(r)
    assert "försämrats" in out[1]
    assert "Text saknas: Åtgärder" in out[1]


def test_without_a_file_both_placeholders(sample, monkeypatch):
    r = rn.forbered(sample, "kfn", "2023-04")
    assert r.utkast is None
    out = shown(monkeypatch)
    rn.visa_analys(r)
    assert out[0].count("Text saknas") == 2
    assert "`kommentarer/2023-04/kfn.md`" in out[0] and "`## Åtgärder`" in out[0]


def test_the_notebook_calls_the_sections_in_order():
    nb = json.loads((ROOT / "notebooks" / "namnd.ipynb").read_text(encoding="utf-8"))
    calls = ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code"]
    assert "namndrapport.visa_utkast(r)" in calls
    assert "namndrapport.visa_analys(r)" in calls
    # the notice comes before every other section, right after the setup
    setup = next(i for i, c in enumerate(calls) if "namndrapport.forbered" in c)
    assert calls[setup + 1] == "namndrapport.visa_utkast(r)"
    assert calls.index("namndrapport.visa_analys(r)") > calls.index("namndrapport.visa_drift(r)")
    assert all(not c.get("outputs") for c in nb["cells"] if c["cell_type"] == "code")
