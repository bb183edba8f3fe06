"""The texts on the statutory statements against their tables
(:func:`analysis.kontroller.text.bokslut_textkontroller`): on the sample every figure a
text prints is the table's, and a text that prints another figure, or says the balanskrav
is met when it is not, fails its check."""

from __future__ import annotations

import dataclasses

import pytest

from analysis.kontroller.bas import Kontroller
from analysis.kontroller.text import TEXT_GRUPP
from analysis.rapport import bokslut


def _texts(k: Kontroller) -> list:
    return [c for c in k.rader if c.grupp == TEXT_GRUPP]


@pytest.fixture(scope="module", params=["2023-04", "2023-12", "2021-12"])
def avsnitt(request, sample_data):
    return bokslut.forbered(sample_data.as_of(request.param), request.param)


def test_every_printed_figure_is_the_tables(avsnitt):
    k = Kontroller()
    bokslut.kontrollera(k, avsnitt)
    rows = _texts(k)
    assert len(rows) == 9  # balans 3, kassaflöde 4, balanskrav 2
    assert all(c.ok for c in rows), [c for c in rows if not c.ok]


@pytest.mark.parametrize(
    "field, old, new",
    [
        ("text_balans", "Balansomslutningen uppgår till 1", "Balansomslutningen uppgår till 2"),
        ("text_kassaflode", "Likvida medel har", "Likvida medel har nästan"),
        ("text_balanskrav", "balanskravsresultatet", "balanskravsresultatet inte"),
    ],
)
def test_a_wrong_text_fails(avsnitt, field, old, new):
    text = getattr(avsnitt, field)
    if field == "text_balanskrav":  # say the opposite of whether the balanskrav is met
        swaps = [
            ("bedöms inte uppfyllas", "bedöms uppfyllas"),
            ("uppfylls inte.", "uppfylls."),
        ]
        for a, b in swaps:
            if a in text:
                old, new = a, b
                break
            if b in text:
                old, new = b, a
                break
    if old not in text:
        pytest.skip(f"the {field} of this period does not say '{old}'")
    broken = dataclasses.replace(avsnitt, **{field: text.replace(old, new, 1)})
    k = Kontroller()
    bokslut.kontrollera(k, broken)
    assert [c for c in _texts(k) if not c.ok]


def test_a_deficit_is_not_called_met(sample_data):
    """2021 has a negative balanskravsresultat in the sample: the text says so."""
    u = bokslut.forbered(sample_data.as_of("2021-12"), "2021-12")
    krav = u.balanskrav.set_index("rad").loc["Årets balanskravsresultat", "period"]
    assert krav < 0
    assert "Balanskravet uppfylls inte." in u.text_balanskrav
