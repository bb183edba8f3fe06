"""How a report shows its checks (analysis.rapport.kontroller): the one-line form, the
warning that lists every failed check (numbers in Swedish, the minus sign U+2212), the
summary table, and the data part emitted exactly once."""

from __future__ import annotations

import pytest

from analysis.kontroller.bas import KONTROLL_MIMETYPE, Kontroller
from analysis.rapport import kontroller as visning
from analysis.rapport.tables import TABLE_MIMETYPE


@pytest.fixture
def shown(monkeypatch):
    out = []
    monkeypatch.setattr("IPython.display.display", lambda obj, raw=False: out.append(obj))
    return out


def holding(n: int) -> Kontroller:
    k = Kontroller()
    for i in range(n):
        k.lika("Summor", f"rad {i}", 1.0, 1.0)
    return k


def test_rad_when_every_check_holds():
    assert visning.rad(holding(3)) == "Alla 3 kontroller av siffrorna stämmer."
    assert visning.rad(holding(3), bilaga=True) == (
        "Alla 3 kontroller av siffrorna stämmer (se bilagan Kontroller)."
    )
    assert visning.rad(holding(1234)).startswith("Alla 1\u00a0234 kontroller")


def test_rad_names_the_first_five_failures_and_counts_the_rest():
    k = holding(2)
    for i in range(7):
        k.lika("G", f"k{i}", 1.0, 2.0)
    assert visning.rad(k) == (
        "Varning: 7 av 9 kontroller avviker (G: k0; G: k1; G: k2; G: k3; G: k4 och 2 till). "
        "Siffrorna som berörs ska utredas innan rapporten används."
    )


def test_visa_lists_the_failures_with_swedish_numbers(shown):
    k = holding(1)
    k.lika("Driftsredovisning = huvudboken", "bun, utfall perioden", -1234.5, -1235.5)
    k.villkor("Tecken", "intäkter ≥ 0", False, -0.25)
    visning.visa(k)
    warning, bundle = shown
    text = warning.data
    assert text.startswith("**Varning: 2 av 3 kontroller avviker.**")
    assert (
        "- Driftsredovisning = huvudboken: bun, utfall perioden (värde "
        "\u22121\u00a0234,500, förväntat \u22121\u00a0235,500)"
    ) in text
    assert "- Tecken: intäkter ≥ 0 (värde \u22120,250, förväntat –)" in text
    # the summary table and the data part in one output
    assert bundle[TABLE_MIMETYPE]["title"] == "Kontroller"
    assert bundle[KONTROLL_MIMETYPE] == k.payload()


def test_visa_when_every_check_holds_and_in_compact_form(shown):
    visning.visa(holding(4))
    assert shown[0].data.startswith("Alla 4 kontroller stämmer: varje tal är jämfört")
    assert shown[1][KONTROLL_MIMETYPE] == {"antal": 4, "avvikande": 0, "fel": []}
    shown.clear()
    k = holding(4)
    k.lika("G", "k", 1.0, 2.0)
    visning.visa(k, kompakt=True, bilaga=True)
    (only,) = shown  # one output: text and data part
    assert only["text/markdown"].startswith("**Varning: 1 av 5 kontroller avviker")
    assert only[KONTROLL_MIMETYPE]["avvikande"] == 1
    shown.clear()
    visning.visa_bilaga(k)  # the table, no second data part
    (table,) = shown
    assert KONTROLL_MIMETYPE not in table and TABLE_MIMETYPE in table
