"""The ekonom's texts in the reports, and the drafts the ekonom starts from.

Layout (one file per nämnd and one for the kommun, ``data/raw/kommentarer/<YYYY-MM>/``)::

    status: utkast                       ← or "status: klar"; first line
    # Socialnämnden, januari–april 2023  ← optional title, not printed

    ## Underlag (skrivs inte ut i rapporten)
    - the facts written by `analysis kommentarer` …

    ## Analys                            ← a nämnd: Analys, Åtgärder
    …                                    ← the kommun: Viktiga händelser, Framtiden
    ## Åtgärder
    …

**What is printed.** A report prints only what the ekonom wrote under the headings, each
in its place; the facts section (``## Underlag …``), the status line and HTML comments
(``<!-- … -->``, the draft's writing hints) are never printed. The facts are the
system's own figures, which the report already shows in its tables: printed as prose
they would read as the ekonom's analysis. A heading that is missing or empty gives a
visible box ("Text saknas: …") naming the file and the heading to write, never silently
nothing. A file without any ``##`` heading (the layout before this one) is printed whole
in the first section (the nämnd's *Analys*, the kommun's *Viktiga händelser*).

**Status.** A report built from a file with ``status: utkast`` (or an unrecognised
status line) says so at its start (:func:`utkast_notis`); the index page shows the status
of every unit (``klar`` / ``utkast`` / ``saknas``).

**Drafts.** :func:`skriv_utkast` (``analysis kommentarer --period P``) writes a draft
for every nämnd and the kommun that has no file yet, never overwriting one.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from IPython.display import Markdown, display

from analysis.core.atomic import atomic_path
from analysis.core.errors import InputError
from analysis.core.format import lista, mkr, tal
from analysis.core.labels import TOTALT
from analysis.core.period import MONTH_NAMES, Period
from analysis.ekonomi.avvikelse import avvikelsetabell
from analysis.ekonomi.drift import compute_driftsredovisning, prognoses_kr
from analysis.ekonomi.prognos import INTERVALL_METOD, helarsprognoser, prognos_utanfor_intervall
from analysis.ekonomi.text import UNDERLAG, Kommentar, kommentarfil, las_kommentar
from analysis.io.dataset import Dataset
from analysis.mal import matetal as mal_matetal
from analysis.mal.status import STATUS_TEXT

#: The id of the kommun's own file (``kommentarer/<YYYY-MM>/kommun.md``).
KOMMUN = "kommun"
#: The sections a nämnd's file has, in order (the first takes a file without headings).
NAMND_AVSNITT = ("Analys", "Åtgärder")
#: The sections of the kommun's file, in order.
KOMMUN_AVSNITT = ("Viktiga händelser", "Framtiden")
#: The heading of the facts section of a draft (never printed).
UNDERLAG_RUBRIK = f"{UNDERLAG} (skrivs inte ut i rapporten)"
#: How many rows of each drill-down the draft lists.
ANTAL_STORSTA = 3


def avsnitt_for(enhet: str) -> tuple[str, ...]:
    """The sections of a unit's file: :data:`KOMMUN_AVSNITT` or :data:`NAMND_AVSNITT`."""
    return KOMMUN_AVSNITT if enhet == KOMMUN else NAMND_AVSNITT


def platshallare(fil: str, rubrik: str) -> str:
    """The visible box for a text that is not written (Markdown).

    >>> platshallare("kommentarer/2023-04/kommun.md", "Framtiden").splitlines()[0]
    '> **Text saknas: Framtiden.**'
    """
    return (
        f"> **Text saknas: {rubrik}.**\n>\n> Texten skrivs i `{fil}` under rubriken `## {rubrik}`."
    )


def avsnitt_text(data: Dataset, enhet: str, period: Period | str, rubrik: str) -> str:
    """What the ekonom wrote under ``rubrik`` in the unit's file, or the placeholder
    (:func:`platshallare`) when the file or the heading is missing or empty."""
    k = las_kommentar(data.raw_dir, enhet, period)
    text = k.text(rubrik, hela_texten=rubrik == avsnitt_for(enhet)[0])
    return text if text else platshallare(k.fil, rubrik)


def visa_avsnitt(
    data: Dataset, enhet: str, period: Period | str, rubrik: str, niva: int | None = 4
) -> None:
    """Show one section (:func:`avsnitt_text`) under a heading at level ``niva`` (none
    when ``niva`` is None)."""
    text = avsnitt_text(data, enhet, period, rubrik)
    display(Markdown(text if niva is None else f"{'#' * niva} {rubrik}\n\n{text}"))


def visa_viktiga_handelser(data: Dataset, period: Period | str) -> None:
    """The kommun's *Viktiga händelser* (``kommun.md``), or the placeholder."""
    visa_avsnitt(data, KOMMUN, period, KOMMUN_AVSNITT[0], niva=None)


def visa_framtiden(data: Dataset, period: Period | str) -> None:
    """The kommun's *Framtiden* (``kommun.md``), or the placeholder."""
    visa_avsnitt(data, KOMMUN, period, KOMMUN_AVSNITT[1], niva=None)


def utkast_notis(data: Dataset, enhet: str, period: Period | str) -> str | None:
    """The notice for the first page when the unit's text is an utkast (or its status
    line is not understood), else None."""
    k = las_kommentar(data.raw_dir, enhet, period)
    if k.status != "utkast":
        return None
    text = (
        f"> **Utkast.** Texterna i rapporten är inte färdiga: `{k.fil}` har status "
        "utkast. Rapporten ska inte publiceras förrän texten är klar och filen har "
        "raden `status: klar`."
    )
    if k.anmarkning:
        text += f"\n>\n> {k.anmarkning}"
    return text


def visa_utkast_notis(data: Dataset, enhet: str, period: Period | str) -> None:
    """Show :func:`utkast_notis`, if any."""
    text = utkast_notis(data, enhet, period)
    if text:
        display(Markdown(text))


def status(data: Dataset, enhet: str, period: Period | str) -> str:
    """``klar``, ``utkast`` or ``saknas`` for the unit's file."""
    return las_kommentar(data.raw_dir, enhet, period).status


# --- the drafts ------------------------------------------------------------------------


def _belopp(tkr: float, tecken: bool = True) -> str:
    """'+50 tkr (+0,1 mkr)': a draft gives tkr, the report's mkr in brackets."""
    if not math.isfinite(tkr):
        return "uppgift saknas"
    return f"{tal(tkr, 0, tecken=tecken)} tkr ({mkr(tkr, tecken=tecken)})"


def _storsta(data: Dataset, namnd: str, period: Period, dim: str) -> str | None:
    """'Förskola (+50 tkr (+0,1 mkr)), …' — the rows with the largest deviations."""
    t = avvikelsetabell(data, namnd, period, dim)
    t = t[t[dim] != TOTALT]
    t = t[t["avvikelse_period"].abs() >= 0.5]
    if t.empty:
        return None
    t = t.reindex(t["avvikelse_period"].abs().sort_values(ascending=False).index)
    return lista(
        [f"{r[dim]} {_belopp(r['avvikelse_period'])}" for _, r in t.head(ANTAL_STORSTA).iterrows()]
    )


def _mal_ej_nadda(mt: pd.DataFrame, data: Dataset, med_namnd: bool) -> list[str]:
    """One line per mätetal with status gul or röd."""
    lines = []
    for r in mt[mt["status"].isin(["rod", "gul"])].itertuples(index=False):
        vem = f"{data.register.namn(r.namnd)}: " if med_namnd else ""
        lines.append(
            f"- {vem}{r.mal} – {r.matetal}: utfall {r.utfall_text}, målvärde "
            f"{r.malvarde_text} ({STATUS_TEXT[r.status]})"
        )
    return lines


def _namnd_fakta(data: Dataset, namnd: str, period: Period) -> list[str]:
    drift = compute_driftsredovisning(data, period).set_index("namnd")
    row = drift.loc[namnd]
    perioden = f"januari–{MONTH_NAMES[period.month - 1]} {period.year}"
    lines = [
        f"- Utfall {perioden}: {_belopp(row['utfall_period'])} mot periodiserad budget "
        f"{_belopp(row['budget_period'])}; avvikelse {_belopp(row['avvikelse_period'])}."
    ]
    for dim in ("verksamhet", "kontogrupp"):
        text = _storsta(data, namnd, period, dim)
        if text:
            lines.append(f"- Största avvikelser per {dim}: {text}.")
    if math.isfinite(row["prognos_helar"]):
        lines.append(
            f"- Ekonomens helårsprognos: {_belopp(row['prognos_helar'])} mot budget "
            f"{_belopp(row['budget_helar'])}; avvikelse {_belopp(row['avvikelse_helar'])}."
        )
        prog = prognoses_kr(data, period.year, period.month)
        manad = prog["foregaende_manad"].get(namnd) if len(prog) else None
        if manad is not None and pd.notna(manad) and math.isfinite(row["prognos_foregaende"]):
            lines.append(
                f"- Förändring mot föregående prognos ({MONTH_NAMES[int(manad) - 1]}): "
                f"{_belopp(row['prognos_forandring'])}."
            )
        else:
            lines.append("- Föregående prognos: uppgift saknas (ingen tidigare prognos i år).")
        prognoser = helarsprognoser(data, namnd, period, metoder=["manuell", INTERVALL_METOD])
        utanfor = prognos_utanfor_intervall(prognoser)
        modell = prognoser.set_index("metod").loc[INTERVALL_METOD]
        if utanfor:
            lines.append(f"- {utanfor}")
        elif math.isfinite(modell["nedre_95"]):
            lines.append(
                "- Ekonomens prognos ligger inom den statistiska modellens 95-procentiga "
                f"intervall ({_belopp(modell['nedre_95'])} till {_belopp(modell['ovre_95'])})."
            )
        else:
            lines.append(
                "- Den statistiska modellens intervall: uppgift saknas (för kort historik)."
            )
    else:
        lines.append("- Ekonomens helårsprognos: uppgift saknas (ingen prognos för perioden).")
    mt = mal_matetal.matetal(data, period, namnd)
    ej = _mal_ej_nadda(mt, data, med_namnd=False)
    if mt.empty:
        lines.append("- Mål och mätetal: nämnden har inga mätetal för perioden.")
    elif ej:
        lines.append("- Mätetal som inte når målvärdet (gul eller röd):")
        lines += ["  " + ln for ln in ej]
    else:
        lines.append("- Mål och mätetal: inget mätetal har status gul eller röd.")
    return lines


def _kommun_fakta(data: Dataset, period: Period) -> list[str]:
    drift = compute_driftsredovisning(data, period)
    namnder = drift[drift["namnd"].isin(data.register.namnder)]
    total = drift[drift["namnd"] == TOTALT].iloc[0]
    lines = [
        f"- Driftsredovisningen totalt: avvikelse mot periodiserad budget "
        f"{_belopp(total['avvikelse_period'])}; helårsprognos mot budget "
        f"{_belopp(total['avvikelse_helar'])}."
    ]
    big = namnder[namnder["avvikelse_period"].abs() >= 0.5]
    big = big.reindex(big["avvikelse_period"].abs().sort_values(ascending=False).index)
    if len(big):
        lines.append("- Nämnderna med störst avvikelse mot periodiserad budget:")
        for r in big.head(5).itertuples(index=False):
            lines.append(
                f"  - {data.register.namn(r.namnd)}: {_belopp(r.avvikelse_period)} "
                f"; helårsprognos mot budget {_belopp(r.avvikelse_helar)}"
            )
    changed = namnder[namnder["prognos_forandring"].abs() >= 0.5]
    if len(changed):
        lines.append(
            "- Ändrad prognos sedan föregående prognos: "
            + lista(
                [
                    f"{data.register.namn(r.namnd)} {_belopp(r.prognos_forandring)}"
                    for r in changed.itertuples(index=False)
                ]
            )
            + "."
        )
    mt = mal_matetal.matetal(data, period)
    ej = _mal_ej_nadda(mt, data, med_namnd=True)
    if mt.empty:
        lines.append("- Mål och mätetal: kommunen har inga mätetal för perioden.")
    elif ej:
        lines.append("- Mätetal som inte når målvärdet (gul eller röd):")
        lines += ["  " + ln for ln in ej]
    return lines


def utkast_text(data: Dataset, enhet: str, period: Period | str) -> str:
    """The draft of a unit's file: the status line ``status: utkast``, a title, the
    facts under :data:`UNDERLAG_RUBRIK` and the empty headings to write under."""
    p = Period.parse(period)
    if enhet in data.register.ids:
        namn = data.register.namn(enhet)
    else:
        namn = "Kommunen" if enhet == KOMMUN else enhet
    if enhet == KOMMUN:
        fakta = _kommun_fakta(data, p)
    else:
        fakta = _namnd_fakta(data, enhet, p)
    parts = [
        "status: utkast",
        "",
        f"# {namn}, {p.label}",
        "",
        "<!-- Ändra första raden till 'status: klar' när texten är färdig. Avsnittet "
        "Underlag skrivs aldrig ut; rapporten visar bara det du skriver under de andra "
        "rubrikerna. -->",
        "",
        f"## {UNDERLAG_RUBRIK}",
        "",
        "Fakta ur systemet att förklara i texten (beräknade av analysis kommentarer):",
        "",
        *fakta,
    ]
    for rubrik in avsnitt_for(enhet):
        parts += ["", f"## {rubrik}", "", f"<!-- Skriv {rubrik.lower()} här. -->"]
    return "\n".join(parts) + "\n"


class _Finns(Exception):
    """The target appeared while the draft was written."""


def _skapa_ny(path: Path, data: bytes) -> bool:
    """Write ``data`` to ``path`` unless ``path`` exists (also as a link). The complete
    file is written next to it (:func:`analysis.core.atomic.atomic_path`) and hard-linked
    into place, which fails if a file appeared meanwhile: a reader never sees half a
    draft and an existing file is never replaced."""
    if os.path.lexists(path):
        return False
    try:
        with atomic_path(path, keep_suffix=False) as tmp:
            with open(tmp, "wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)  # an ordinary file for the ekonom to edit
            try:
                os.link(tmp, path)  # never replaces an existing file
            except FileExistsError:
                raise _Finns from None
            # leaving the block renames tmp onto path, the same file: nothing changes
    except _Finns:
        return False  # atomic_path removed the temporary file, path is untouched
    return True


@dataclass
class Utkast:
    """One file :func:`skriv_utkast` considered: ``fil`` relative to ``data/raw``,
    ``skriven`` whether it was written (else it existed and was left alone)."""

    enhet: str
    fil: str
    skriven: bool


def skriv_utkast(
    data: Dataset, period: Period | str, enheter: list[str] | None = None
) -> list[Utkast]:
    """Write a draft (:func:`utkast_text`) for every nämnd and the kommun (or
    ``enheter``) that has no comment file for ``period``; an existing file, even a link
    or an empty file, is never touched.

    Raises
    ------
    InputError
        When ``kommentarer/`` or the period's folder is a symbolic link (or not a
        folder): nothing is written through a link.
    """
    p = Period.parse(period)
    units = list(enheter) if enheter is not None else [KOMMUN, *data.register.namnder]
    raw = Path(data.raw_dir)
    for rel in ("kommentarer", f"kommentarer/{p.year}-{p.month:02d}"):
        if os.path.islink(raw / rel) or (os.path.lexists(raw / rel) and not (raw / rel).is_dir()):
            raise InputError(
                f"{rel} är en symbolisk länk eller inte en mapp; utkasten skrivs bara i en "
                "vanlig mapp i data/raw. Ersätt länken med en mapp.",
                file=rel,
            )
    out = []
    for enhet in units:
        fil = kommentarfil(enhet, p)
        path = Path(data.raw_dir) / fil
        if os.path.lexists(path):
            out.append(Utkast(enhet, fil, False))
            continue
        written = _skapa_ny(path, utkast_text(data, enhet, p).encode("utf-8"))
        out.append(Utkast(enhet, fil, written))
    return out


def kommentar_av(data: Dataset, enhet: str, period: Period | str) -> Kommentar:
    """The parsed file (:func:`analysis.ekonomi.text.las_kommentar`)."""
    return las_kommentar(data.raw_dir, enhet, period)
