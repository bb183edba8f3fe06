"""Swedish commentary for a nämnd's economy, in the register of the published reports.

The text follows the published delårsrapporter: amounts in mkr with one decimal and a
decimal comma (:func:`analysis.core.format.mkr`), a minus sign (U+2212) kept next to a
negative word ("underskott med −19,4 mkr"),
a plus sign on favourable deviations, the largest contributors named in descending
order, and the change against the previous forecast with the month's Swedish name.

The ekonom's own text (``data/raw/kommentarer/<YYYY-MM>/<namnd-id>.md``) comes first when
present. The file may start with a status line (``status: klar`` / ``status: utkast``) and
be divided by ``##`` headings; a section ``## Underlag …`` holds the facts of a draft and,
like the status line and HTML comments, is never printed (:func:`tolka_kommentar`,
:class:`Kommentar`; the layout is described in :mod:`analysis.rapport.kommentarer`). It
is untrusted input: it is returned as markdown text only (control characters
removed, length capped) for the sanitising exporter to render; it is never executed or
interpreted here. Only a regular file inside ``data/raw`` is read: a comment file that
is a symbolic link (``sn.md → /etc/passwd``), a device or a file reached through a
linked folder outside ``data/raw`` is refused with an :class:`~analysis.core.errors.InputError`
and nothing of it is shown. The generated text follows under the heading
"Automatiskt genererad kommentar".
"""

from __future__ import annotations

import math
import os
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from analysis.core.format import lista, mkr
from analysis.core.labels import TOTALT
from analysis.core.period import MONTH_NAMES, Period
from analysis.ekonomi.avvikelse import avvikelsetabell
from analysis.ekonomi.drift import compute_driftsredovisning, prognoses_kr
from analysis.io.dataset import Dataset
from analysis.io.readers import open_input_file

GENERERAD_RUBRIK = "Automatiskt genererad kommentar"
EKONOM_RUBRIK = "Ekonomens kommentar"
#: The most characters of an ekonom's file that are shown.
MAX_TECKEN = 20_000
#: Deviations smaller than this (tkr) are "i nivå med" (they round to 0,0 mkr).
TROSKEL_TKR = 50.0

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def namn_i_text(name: str) -> str:
    """A name as it reads inside a sentence: 'Personalkostnader' → 'personalkostnader';
    acronyms ('SFI') are kept.

    >>> namn_i_text("Personalkostnader"), namn_i_text("SFI")
    ('personalkostnader', 'SFI')
    """
    if len(name) > 1 and name[0].isupper() and name[1].islower():
        return name[0].lower() + name[1:]
    return name


def jamfort(avvikelse_tkr: float) -> str:
    """How a deviation compares in words: ``"bättre än"`` (positive), ``"sämre än"``
    (negative) or ``"i nivå med"`` when it is smaller than :data:`TROSKEL_TKR`.

    >>> jamfort(120.0), jamfort(-120.0), jamfort(-49.0)
    ('bättre än', 'sämre än', 'i nivå med')
    """
    if abs(avvikelse_tkr) < TROSKEL_TKR:
        return "i nivå med"
    return "bättre än" if avvikelse_tkr > 0 else "sämre än"


@dataclass
class Underlag:
    """The numbers a commentary is written from (tkr, report sign).

    ``bidrag_kontogrupp`` and ``bidrag_verksamhet`` are the period deviations per row
    (without the total).
    """

    namn: str
    period: Period
    utfall_period: float
    budget_period: float
    prognos_helar: float = math.nan
    budget_helar: float = math.nan
    prognos_foregaende: float = math.nan
    foregaende_manad: int | None = None
    bidrag_kontogrupp: pd.Series = field(default_factory=lambda: pd.Series(dtype=float))
    bidrag_verksamhet: pd.Series = field(default_factory=lambda: pd.Series(dtype=float))


def _bidrag(series: pd.Series, vad: str, n: int = 2) -> str | None:
    """'Per kontogrupp finns de största negativa avvikelserna inom … (−10,2 mkr), och de
    största positiva inom … (+4,0 mkr).' (or None when nothing deviates)."""
    s = series[series.abs() >= TROSKEL_TKR]
    neg = s[s < 0].sort_values().head(n)
    pos = s[s > 0].sort_values(ascending=False).head(n)
    if neg.empty and pos.empty:
        return None
    parts = []
    if len(neg):
        parts.append(
            "de största negativa avvikelserna inom "
            + lista([f"{namn_i_text(k)} ({mkr(v, tecken=True)})" for k, v in neg.items()])
        )
    if len(pos):
        ord_ = "de största positiva inom " if parts else "de största positiva avvikelserna inom "
        parts.append(
            ord_ + lista([f"{namn_i_text(k)} ({mkr(v, tecken=True)})" for k, v in pos.items()])
        )
    text = ", och ".join(parts)
    return f"Per {vad} finns {text}."


def skriv_kommentar(u: Underlag) -> str:
    """The generated commentary (markdown paragraphs) from hand-made or computed numbers.

    Parameters
    ----------
    u : Underlag

    Returns
    -------
    str
    """
    p = u.period
    avv = u.utfall_period - u.budget_period
    sentences = []
    manader = f"januari–{MONTH_NAMES[p.month - 1]} {p.year}" if p.month > 1 else f"januari {p.year}"
    jamf = jamfort(avv)
    if jamf == "i nivå med":
        sentences.append(
            f"{u.namn} redovisar ett utfall för perioden {manader} på "
            f"{mkr(u.utfall_period, tecken=True)}, vilket är i nivå med periodiserad budget "
            f"({mkr(u.budget_period, tecken=True)})."
        )
    else:
        sentences.append(
            f"{u.namn} redovisar ett utfall för perioden {manader} på "
            f"{mkr(u.utfall_period, tecken=True)}, vilket är {mkr(abs(avv))} {jamf} "
            f"periodiserad budget ({mkr(u.budget_period, tecken=True)})."
        )
    if u.budget_period == 0 and (u.budget_helar == 0 or not math.isfinite(u.budget_helar)):
        sentences.append(
            "Observera att nämnden saknar budget för året, så avvikelserna motsvarar hela utfallet."
        )
    k = _bidrag(u.bidrag_kontogrupp, "kontogrupp")
    v = _bidrag(u.bidrag_verksamhet, "verksamhet")
    stycken = [" ".join(sentences + [t for t in (k, v) if t])]

    prognos = []
    if math.isfinite(u.prognos_helar):
        avv_helar = u.prognos_helar - u.budget_helar
        if abs(avv_helar) < TROSKEL_TKR:
            prognos.append(
                f"Prognosen för helåret är {mkr(u.prognos_helar, tecken=True)}, "
                "vilket är i nivå med budget för året."
            )
        else:
            ord_ = "ett överskott" if avv_helar > 0 else "ett underskott"
            prognos.append(
                f"Prognosen för helåret visar på {ord_} med "
                f"{mkr(avv_helar, tecken=True)} jämfört med budget "
                f"(prognos {mkr(u.prognos_helar, tecken=True)}, budget "
                f"{mkr(u.budget_helar, tecken=True)})."
            )
        if math.isfinite(u.prognos_foregaende) and u.foregaende_manad:
            manad = MONTH_NAMES[int(u.foregaende_manad) - 1]
            delta = u.prognos_helar - u.prognos_foregaende
            j = jamfort(delta)
            if j == "i nivå med":
                prognos.append(
                    f"Prognosen är i stort sett oförändrad jämfört med prognosen i "
                    f"{manad} ({mkr(u.prognos_foregaende, tecken=True)})."
                )
            else:
                prognos.append(
                    f"Prognosen är {mkr(abs(delta))} {j} prognosen i "
                    f"{manad} ({mkr(u.prognos_foregaende, tecken=True)})."
                )
    else:
        prognos.append("Någon helårsprognos har inte lämnats för perioden.")
    stycken.append(" ".join(prognos))
    return "\n\n".join(stycken)


def underlag(data: Dataset, namnd: str, period: Period | str) -> Underlag:
    """The :class:`Underlag` of a nämnd from the data (driftsredovisning and the
    deviation tables by kontogrupp and verksamhet)."""
    period = Period.parse(period)
    drift = compute_driftsredovisning(data, period).set_index("namnd")
    row = drift.loc[namnd] if namnd in drift.index else None

    prog = prognoses_kr(data, period.year, period.month)
    fg_manad = prog["foregaende_manad"].get(namnd) if len(prog) else None
    fg_manad = int(fg_manad) if fg_manad is not None and pd.notna(fg_manad) else None

    def dev(dim: str) -> pd.Series:
        t = avvikelsetabell(data, namnd, period, dim)
        t = t[t[dim] != TOTALT]
        return pd.Series(t["avvikelse_period"].to_numpy(), index=t[dim].to_numpy())

    def val(col: str) -> float:
        return float(row[col]) if row is not None and pd.notna(row[col]) else math.nan

    return Underlag(
        namn=data.register.namn(namnd),
        period=period,
        utfall_period=val("utfall_period"),
        budget_period=val("budget_period"),
        prognos_helar=val("prognos_helar"),
        budget_helar=val("budget_helar"),
        prognos_foregaende=val("prognos_foregaende"),
        foregaende_manad=fg_manad,
        bidrag_kontogrupp=dev("kontogrupp"),
        bidrag_verksamhet=dev("verksamhet"),
    )


def _las_fil(raw_dir: Path, namnd: str, period: Period) -> tuple[str, str | None]:
    """The relative name of the unit's comment file and its sanitised text (``None``
    when there is no file). See :func:`ekonomens_text` for the rules."""
    relative = kommentarfil(namnd, period)
    path = Path(raw_dir) / relative
    if not re.fullmatch(r"[A-Za-z0-9_-]+", namnd) or not os.path.lexists(path):
        return relative, None
    with open_input_file(path, relative, root=raw_dir) as handle:
        raw = handle.read(4 * MAX_TECKEN + 4)  # at most MAX_TECKEN characters are shown
    text = raw.decode("utf-8-sig", errors="replace")
    text = unicodedata.normalize("NFC", text)
    text = _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    if len(text) > MAX_TECKEN:
        text = text[:MAX_TECKEN] + "\n\n*(Kommentaren är avkortad.)*"
    return relative, text


def kommentarfil(namnd: str, period: Period | str) -> str:
    """The comment file of a unit (a register id, or ``kommun``) relative to
    ``data/raw``: ``kommentarer/2023-04/sn.md``."""
    period = Period.parse(period)
    return f"kommentarer/{period.year}-{period.month:02d}/{namnd}.md"


# --- the comment file: status line, sections, the draft's facts -------------------------

#: The statuses of a comment file; ``saknas`` when there is no file.
STATUSAR = ("klar", "utkast", "saknas")
#: A section whose heading starts with this word holds the draft's facts: never printed.
UNDERLAG = "Underlag"
_STATUSRAD = re.compile(r"^\s*status\s*:\s*(.*?)\s*$", re.IGNORECASE)
_RUBRIK2 = re.compile(r"^##(?!#)\s*(.*?)\s*#*\s*$")
_RUBRIK1 = re.compile(r"^#(?!#)\s")
_HTMLKOMMENTAR = re.compile(r"<!--.*?(?:-->|\Z)", re.DOTALL)


def _nyckel(rubrik: str) -> str:
    return " ".join(unicodedata.normalize("NFC", rubrik).casefold().split())


@dataclass
class Kommentar:
    """A parsed comment file (:func:`tolka_kommentar`).

    ``status`` is ``klar``, ``utkast`` or ``saknas`` (no file). ``anmarkning`` is a
    Swedish note when the status line is not understood (the text then counts as an
    utkast). ``avsnitt`` maps each ``##`` heading the ekonom wrote (in file order, the
    facts section :data:`UNDERLAG` left out) to its text (HTML comments removed);
    ``inledning`` is the text before the first ``##`` heading, ``underlag`` the draft's
    facts (never printed). A file without any ``##`` heading is one text, ``inledning``.
    """

    fil: str
    status: str
    anmarkning: str | None = None
    inledning: str = ""
    avsnitt: dict[str, str] = field(default_factory=dict)
    rubriker: dict[str, str] = field(default_factory=dict)
    underlag: str | None = None

    @property
    def har_rubriker(self) -> bool:
        """Whether the file is divided by ``##`` headings (else it is one text)."""
        return bool(self.rubriker) or self.underlag is not None

    def text(self, rubrik: str, hela_texten: bool = False) -> str | None:
        """What the ekonom wrote under ``## <rubrik>`` (case-insensitive), or None when
        the heading is missing or empty. With ``hela_texten``, a file without any ``##``
        heading (the layout before headings were used) gives its whole text instead."""
        if hela_texten and not self.har_rubriker:
            return self.inledning or None
        return self.avsnitt.get(_nyckel(rubrik)) or None

    def utskrift(self, niva: int = 4) -> str | None:
        """The printable text: the introduction and every section but the facts, the
        headings at level ``niva``; None when nothing is written."""
        parts = [self.inledning] if self.inledning else []
        for key, text in self.avsnitt.items():
            if text:
                parts += [f"{'#' * niva} {self.rubriker[key]}", text]
        return "\n\n".join(parts) or None


def tolka_kommentar(text: str | None, fil: str) -> Kommentar:
    """Parse the text of a comment file (``fil`` names it in messages).

    The status is the first non-empty line, ``status: klar`` or ``status: utkast``
    (case-insensitive), or a ``status:`` key in a front matter between two ``---``
    lines. Documented defaults: a file without a status line is ``klar`` (files written
    before the status line existed are finished texts); a status line with any other
    value makes the file an ``utkast`` with a note (:attr:`Kommentar.anmarkning`), so an
    unclear file is never published as finished. ``None`` (no file) is ``saknas``.
    """
    if text is None:
        return Kommentar(fil=fil, status="saknas")
    lines = text.split("\n")
    i = 0
    while i < len(lines) and not lines[i].strip():
        i += 1
    given: str | None = None
    if i < len(lines) and lines[i].strip() == "---":
        end = next((j for j in range(i + 1, len(lines)) if lines[j].strip() == "---"), None)
        if end is not None:
            for line in lines[i + 1 : end]:
                m = _STATUSRAD.match(line)
                if m:
                    given = m.group(1)
            i = end + 1
    elif i < len(lines) and _STATUSRAD.match(lines[i]):
        given = _STATUSRAD.match(lines[i]).group(1)  # type: ignore[union-attr]
        i += 1
    anmarkning = None
    if given is None:
        status = "klar"
    elif given.strip().strip(".").casefold() in ("klar", "utkast"):
        status = given.strip().strip(".").casefold()
    else:
        status = "utkast"
        anmarkning = (
            f"Statusraden i {fil} ('status: {given[:40]}') känns inte igen; skriv "
            "'status: klar' eller 'status: utkast' på första raden. Texten behandlas "
            "som ett utkast tills dess."
        )
    body = _HTMLKOMMENTAR.sub("", "\n".join(lines[i:]))
    out = Kommentar(fil=fil, status=status, anmarkning=anmarkning)
    current: str | None = None
    chunks: dict[str | None, list[str]] = {None: []}
    for line in body.split("\n"):
        m = _RUBRIK2.match(line)
        if m and m.group(1):
            current = m.group(1)
            chunks.setdefault(current, [])
            continue
        chunks[current].append(line)
    intro = [ln for ln in chunks.pop(None) if not (_RUBRIK1.match(ln) and chunks)]
    out.inledning = "\n".join(intro).strip()
    for rubrik, body_lines in chunks.items():
        assert rubrik is not None
        content = "\n".join(body_lines).strip()
        if _nyckel(rubrik).startswith(_nyckel(UNDERLAG)):
            out.underlag = content
            continue
        key = _nyckel(rubrik)
        out.rubriker.setdefault(key, rubrik)
        out.avsnitt[key] = (out.avsnitt.get(key, "") + "\n\n" + content).strip()
    return out


def las_kommentar(raw_dir: Path, namnd: str, period: Period | str) -> Kommentar:
    """The parsed comment file of ``namnd`` (a register id or ``kommun``) for ``period``
    (:func:`tolka_kommentar`); status ``saknas`` without a file.

    Raises
    ------
    InputError
        As :func:`ekonomens_text` (a link, not a regular file, outside ``raw_dir``).
    """
    fil, text = _las_fil(raw_dir, namnd, Period.parse(period))
    return tolka_kommentar(text, fil)


def ekonomens_text(raw_dir: Path, namnd: str, period: Period | str) -> str | None:
    """The ekonom's own markdown for the nämnd and period, as it is printed, or None.

    The text is untrusted: it is only read as UTF-8 (undecodable bytes replaced),
    stripped of control characters and capped at :data:`MAX_TECKEN` characters. The
    status line, HTML comments and the draft's facts (the section ``## Underlag …``,
    :func:`tolka_kommentar`) are never part of it; ``##`` headings are printed at
    level 4. A file without headings is returned as written.

    Raises
    ------
    InputError
        When the file is a symbolic link, not a regular file, or (through a linked
        folder) outside ``raw_dir``; the message names the file, never its target.
    """
    return las_kommentar(raw_dir, namnd, period).utskrift()


def kommentar(data: Dataset, namnd: str, period: Period | str) -> str:
    """The commentary of a nämnd's report as markdown.

    The ekonom's own text comes first, when present (what is written under the file's
    headings, at level 5, marked when the file is an utkast), then the generated text
    under the heading "Automatiskt genererad kommentar".

    Parameters
    ----------
    data : Dataset
    namnd : str
    period : Period or str

    Returns
    -------
    str
        Markdown.
    """
    period = Period.parse(period)
    parts = []
    egen = las_kommentar(data.raw_dir, namnd, period)
    own = egen.utskrift(niva=5)
    if own:
        parts += [f"#### {EKONOM_RUBRIK}"]
        if egen.status == "utkast":
            parts += [f"*Utkast: texten är inte färdig ({egen.fil} har status utkast).*"]
        parts += [own]
    parts += [
        f"#### {GENERERAD_RUBRIK}",
        "*Texten nedan är automatiskt genererad från siffrorna i rapporten.*",
        skriv_kommentar(underlag(data, namnd, period)),
    ]
    return "\n\n".join(parts)
