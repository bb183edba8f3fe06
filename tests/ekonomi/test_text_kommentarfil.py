"""The ekonom's comment file (analysis.ekonomi.text): the status line (klar, utkast,
missing, unrecognised), the sections, the draft's facts and HTML comments never printed,
and the layout without headings still printed whole."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.core.errors import InputError
from analysis.ekonomi.text import (
    ekonomens_text,
    kommentarfil,
    las_kommentar,
    tolka_kommentar,
)

FIL = "kommentarer/2023-04/sn.md"


def write(raw: Path, unit: str, text: str) -> Path:
    path = raw / "kommentarer" / "2023-04" / f"{unit}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_kommentarfil_names_the_file():
    assert kommentarfil("sn", "2023-04") == FIL
    assert kommentarfil("kommun", "2023-12") == "kommentarer/2023-12/kommun.md"


@pytest.mark.parametrize(
    "first,status",
    [
        ("status: klar", "klar"),
        ("status: utkast", "utkast"),
        ("Status: Klar", "klar"),
        ("  STATUS :  UTKAST  ", "utkast"),
        ("status: klar.", "klar"),
    ],
)
def test_status_line(first, status):
    k = tolka_kommentar(f"\n{first}\n\n## Analys\n\nText.\n", FIL)
    assert (k.status, k.anmarkning) == (status, None)
    assert k.text("Analys") == "Text."
    assert "status" not in (k.utskrift() or "").casefold()


def test_status_in_front_matter():
    k = tolka_kommentar("---\nstatus: utkast\nförfattare: A\n---\n## Analys\nText.\n", FIL)
    assert k.status == "utkast"
    assert k.text("Analys") == "Text."
    assert "---" not in k.utskrift() and "författare" not in k.utskrift()


def test_without_a_status_line_the_file_is_klar():
    # the documented default: files written before the status line existed are finished
    k = tolka_kommentar("Budgeten håller.", FIL)
    assert (k.status, k.anmarkning) == ("klar", None)


def test_no_file_is_saknas():
    k = tolka_kommentar(None, FIL)
    assert k.status == "saknas"
    assert k.text("Analys") is None and k.utskrift() is None


@pytest.mark.parametrize("value", ["kanske", "", "klar utkast", "färdig"])
def test_an_unrecognised_status_is_an_utkast_with_a_swedish_note(value):
    k = tolka_kommentar(f"status: {value}\n## Analys\nText.\n", FIL)
    assert k.status == "utkast"
    assert FIL in k.anmarkning
    assert "status: klar" in k.anmarkning and "känns inte igen" in k.anmarkning
    assert k.text("Analys") == "Text."  # the text itself is still read


def test_the_facts_and_html_comments_are_never_printed():
    text = (
        "status: utkast\n# Socialnämnden\n<!-- hint -->\n"
        "## Underlag (skrivs inte ut i rapporten)\n- Avvikelse −11 440 tkr.\n"
        "## Analys\n<!-- Skriv analys här. -->\nVerklig analys.\n"
        "## Åtgärder\n<!-- Skriv åtgärder här. -->\n"
    )
    k = tolka_kommentar(text, FIL)
    assert k.underlag == "- Avvikelse −11 440 tkr."
    assert k.text("Analys") == "Verklig analys."
    assert k.text("åtgärder") is None  # only the hint: not written
    printed = k.utskrift()
    assert printed == "#### Analys\n\nVerklig analys."
    for hidden in ("11 440", "hint", "Skriv", "Underlag", "Socialnämnden", "status"):
        assert hidden not in printed


def test_an_unclosed_html_comment_hides_the_rest():
    k = tolka_kommentar("## Analys\nSynlig.\n<!-- aldrig stängd\nDold.\n", FIL)
    assert k.text("Analys") == "Synlig."


def test_a_file_without_headings_is_one_text():
    k = tolka_kommentar("status: klar\nNämnden håller budget.\n\nAndra stycket.", FIL)
    assert not k.har_rubriker
    assert k.text("Analys") is None
    assert k.text("Analys", hela_texten=True) == "Nämnden håller budget.\n\nAndra stycket."
    assert k.utskrift() == "Nämnden håller budget.\n\nAndra stycket."


def test_headings_match_case_and_space_insensitively_and_repeat():
    k = tolka_kommentar("## viktiga  HÄNDELSER\nEtt.\n## Viktiga händelser\nTvå.\n", FIL)
    assert k.text("Viktiga händelser") == "Ett.\n\nTvå."
    assert k.utskrift().startswith("#### viktiga  HÄNDELSER")


def test_level_three_headings_stay_inside_their_section():
    k = tolka_kommentar("## Analys\n### Förskola\nText.\n", FIL)
    assert k.text("Analys") == "### Förskola\nText."


_LINE = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=30
).filter(lambda s: s.strip() and not s.lstrip().startswith(("#", "<!--", "---", "status")))


@settings(max_examples=60, deadline=None)
@given(analys=st.lists(_LINE, min_size=1, max_size=4), fakta=st.lists(_LINE, max_size=4))
def test_property_what_is_written_is_printed_and_the_facts_never(analys, fakta):
    body = "\n".join(analys)
    text = "status: klar\n## Underlag\n" + "\n".join(fakta) + "\n## Analys\n" + body + "\n"
    k = tolka_kommentar(text, FIL)
    assert k.text("Analys") == body.strip()
    assert k.underlag == "\n".join(fakta).strip()
    assert list(k.avsnitt) == ["analys"]


# --- reading from data/raw -----------------------------------------------------------


def test_las_kommentar_and_ekonomens_text_from_disk(tmp_path):
    raw = tmp_path / "raw"
    write(raw, "sn", "status: utkast\n## Underlag\nFakta.\n## Analys\nAnalysen.\n")
    k = las_kommentar(raw, "sn", "2023-04")
    assert (k.status, k.fil, k.text("Analys")) == ("utkast", FIL, "Analysen.")
    assert ekonomens_text(raw, "sn", "2023-04") == "#### Analys\n\nAnalysen."
    assert las_kommentar(raw, "bun", "2023-04").status == "saknas"
    assert ekonomens_text(raw, "bun", "2023-04") is None


def test_a_legacy_file_is_returned_as_written(tmp_path):
    raw = tmp_path / "raw"
    write(raw, "kommun", "Budgeten håller.\n\n*Viktigt.*\n")
    assert ekonomens_text(raw, "kommun", "2023-04") == "Budgeten håller.\n\n*Viktigt.*"


def test_a_link_is_still_refused(tmp_path):
    raw = tmp_path / "raw"
    target = tmp_path / "hemlig.md"
    target.write_text("status: klar\nHemligt", encoding="utf-8")
    (raw / "kommentarer" / "2023-04").mkdir(parents=True)
    (raw / "kommentarer" / "2023-04" / "sn.md").symlink_to(target)
    with pytest.raises(InputError) as e:
        las_kommentar(raw, "sn", "2023-04")
    assert FIL in str(e.value) and "Hemligt" not in str(e.value)


def test_the_ekonomi_commentary_prints_only_the_written_sections(tiny):
    from analysis.ekonomi.text import EKONOM_RUBRIK, GENERERAD_RUBRIK, kommentar
    from analysis.io.dataset import load_data

    data = load_data(tiny)
    write(data.raw_dir, "bun", "status: utkast\n## Underlag\nHemlig fakta.\n## Analys\nAnalysen.\n")
    text = kommentar(data, "bun", "2023-04")
    assert text.index(EKONOM_RUBRIK) < text.index("##### Analys\n\nAnalysen.")
    assert text.index("Analysen.") < text.index(GENERERAD_RUBRIK)
    assert "Utkast: texten är inte färdig" in text and "Hemlig fakta" not in text
    write(data.raw_dir, "bun", "status: klar\n## Underlag\nHemlig fakta.\n")
    text = kommentar(data, "bun", "2023-04")
    assert EKONOM_RUBRIK not in text and "Hemlig" not in text  # nothing written yet
