"""Fetch SCB's population tables (BE0101) from the PxWeb API v2 into ``data/raw/befolkning/``.

This is the one module of the package that talks to a network, and only when called
(the command ``analysis scb hamta``): reports never fetch, they read the files written
here like any other input file. One call fetches, for one region (a kommun's code, e.g.
'2580' Luleå) and a range of years, each asked-for table as JSON-stat2
(``/tables/{id}/data?lang=sv&outputFormat=json-stat2``) and writes it as
``befolkning/<kind>_scb.json`` — the name makes the file one of the contract's kind
(``folkmangd_scb.json`` is read as ``folkmangd``) and :mod:`analysis.io.scb` reads it.

The tables (:data:`TABELLER`; ids, dimension and value codes as published by SCB, see
the hand-over notes in the documentation):

======================  ========  ===============================================  ==========
kind                    table     ContentsCode                                     years
======================  ========  ===============================================  ==========
folkmangd               TAB638    BE0101N1 Folkmängd (31 december)                 1968–2024
fodda                   TAB1264   BE0101E2 Levande födda (moderns ålder, barnets   1968–2024
                                  kön)
doda                    TAB960    BE0101D9 Döda (ålder, kön)                       1968–2024
flyttningar             TAB1212   BE0101AX/AY inrikes in-/utflyttningar,           1997–2024
                                  BE0101A2/A3 in-/utvandringar
======================  ========  ===============================================  ==========

Every other dimension is asked for whole (``*``: all ages, both sexes, and the table's
total, which the reader skips) or left out when SCB allows it (``Civilstand``: SCB then
sums it). From 2025 SCB publishes these statistics in new tables with disclosure
protection (Cell Key Method: TAB5557, TAB6401, TAB6757 …) and other ContentsCodes; years
after 2024 are refused with that explanation rather than guessed.

Safety:

* every answer is read with the JSON-stat2 reader and the contract's parser **before**
  anything is written; an answer for another region or other years is refused;
* nothing is written unless every table was fetched and read: a network, HTTP or JSON
  error gives one Swedish message (:class:`analysis.core.errors.InputError`) and leaves
  ``data/raw`` as it was;
* an existing ``<kind>_scb.json`` is replaced only with ``force=True``; another file of
  the same kind (the kommun's own ``folkmangd.csv``) holding any of the years is never
  touched and the fetch is refused (the two would overlap);
* SCB's limits: at most :data:`MAX_CELLS` cells a request (a longer range of years is
  split and the answers joined along ``Tid``) and a pause between requests (SCB allows
  30 calls in 10 seconds);
* files are written atomically (:mod:`analysis.core.atomic`).
"""

from __future__ import annotations

import copy
import json
import re
import socket
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from analysis.core.atomic import atomic_write_bytes
from analysis.core.errors import ArgumentError, InputError, Problem
from analysis.core.register import Register
from analysis.io import scb
from analysis.io.contract import KINDS, load_kind

__all__ = [
    "BASE_URL",
    "MAX_CELLS",
    "TABELLER",
    "Tabell",
    "hamta",
    "hamta_url",
    "tolka_ar",
    "url_for",
]

#: SCB's PxWeb API v2 (Statistikdatabasen).
BASE_URL = "https://statistikdatabasen.scb.se/api/v2"
#: SCB's largest answer, in cells (``maxDataCells`` of ``/config``).
MAX_CELLS = 150_000
#: Seconds to wait for SCB's answer.
TIMEOUT_S = 60.0
#: Seconds between two requests (SCB: at most 30 calls in 10 seconds).
PAUS_S = 0.5


@dataclass(frozen=True)
class Tabell:
    """One SCB table and how it is asked for."""

    kind: str
    table_id: str
    title: str
    #: The ContentsCode values asked for.
    contents: tuple[str, ...]
    #: The dimensions asked for whole (``*``), besides Region, ContentsCode and Tid.
    whole: tuple[str, ...]
    #: An upper bound of the cells of one year for one region (for splitting requests).
    cells_per_year: int
    first_year: int
    last_year: int


TABELLER: dict[str, Tabell] = {
    t.kind: t
    for t in (
        Tabell(
            "folkmangd",
            "TAB638",
            "Folkmängden efter region, civilstånd, ålder och kön. År 1968–2024",
            ("BE0101N1",),
            ("Alder", "Kon"),  # Civilstand left out: SCB sums it
            102 * 2,
            1968,
            2024,
        ),
        Tabell(
            "fodda",
            "TAB1264",
            "Levande födda efter region, moderns ålder och barnets kön. År 1968–2024",
            ("BE0101E2",),
            ("AlderModer", "Kon"),
            40 * 2,
            1968,
            2024,
        ),
        Tabell(
            "doda",
            "TAB960",
            "Döda efter region, ålder och kön. År 1968–2024",
            ("BE0101D9",),
            ("Alder", "Kon"),
            102 * 2,
            1968,
            2024,
        ),
        Tabell(
            "flyttningar",
            "TAB1212",
            "Flyttningar efter region, ålder och kön. År 1997–2024",
            ("BE0101AX", "BE0101AY", "BE0101A2", "BE0101A3"),
            ("Alder", "Kon"),
            4 * 102 * 2,
            1997,
            2024,
        ),
    )
}

_REGION = re.compile(r"^\d{2}(\d{2})?$")
_YEARS = re.compile(r"^\s*(\d{4})\s*(?:[-–]\s*(\d{4})\s*)?$")


def tolka_ar(text: str) -> range:
    """The years of a command-line argument: '2006-2018' (or '2006–2018') or '2018'.

    Raises
    ------
    analysis.core.errors.ArgumentError
    """
    m = _YEARS.match(text)
    if m is None:
        raise ArgumentError("ar", f"förväntade år som '2006-2018' eller '2018'; fann {text!r}.")
    first = int(m.group(1))
    last = int(m.group(2) or first)
    if last < first:
        raise ArgumentError("ar", f"sista året {last} är före det första {first}.")
    return range(first, last + 1)


def hamta_url(url: str) -> bytes:
    """The body of SCB's answer to a GET of ``url`` (urllib; raises its errors)."""
    request = urllib.request.Request(
        url, headers={"Accept": "application/json", "User-Agent": "analysis-kommunrapporter"}
    )
    with urllib.request.urlopen(request, timeout=TIMEOUT_S) as answer:  # noqa: S310 (https)
        body: bytes = answer.read()
    return body


def url_for(tabell: Tabell, region: str, years: Iterable[int], base: str = BASE_URL) -> str:
    """The v2 data request of one table, one region and some years (JSON-stat2, Swedish)."""
    selection = [
        ("Region", region),
        ("ContentsCode", ",".join(tabell.contents)),
        *((d, "*") for d in tabell.whole),
        ("Tid", ",".join(str(y) for y in years)),
    ]
    query = "&".join(f"valueCodes[{d}]={urllib.parse.quote(v, safe='*,')}" for d, v in selection)
    return (
        f"{base.rstrip('/')}/tables/{tabell.table_id}/data?lang=sv&outputFormat=json-stat2&{query}"
    )


def _chunks(tabell: Tabell, years: list[int], max_cells: int) -> list[list[int]]:
    per = max(1, max_cells // tabell.cells_per_year)
    return [years[i : i + per] for i in range(0, len(years), per)]


def _placeholder_register() -> Register:
    # the population parsers never consult the register; load_kind wants one
    return Register(
        pd.DataFrame({"id": ["kommun"], "namn": ["Kommunen"], "typ": ["ovrig"]}),
        file="(inget register)",
    )


def _fetch_error(where: str, url: str, e: BaseException) -> InputError:
    if isinstance(e, urllib.error.HTTPError):
        detail = ""
        try:
            body = json.loads(e.read().decode("utf-8", "replace"))
            if isinstance(body, dict):
                detail = str(body.get("detail") or body.get("title") or "")
        except (ValueError, OSError):
            pass
        hint = {
            400: "frågan godtogs inte (finns regionen och åren i tabellen?)",
            404: "tabellen finns inte (har SCB bytt tabell-id?)",
            429: "för många anrop; vänta en stund och försök igen",
        }.get(e.code, "försök igen senare")
        message = (
            f"SCB svarade HTTP {e.code} ({e.reason}){': ' + detail if detail else ''}; {hint}."
        )
    elif isinstance(e, (TimeoutError, socket.timeout)):
        message = f"SCB svarade inte inom {TIMEOUT_S:.0f} sekunder; försök igen senare."
    elif isinstance(e, urllib.error.URLError):
        message = (
            f"kunde inte nå SCB ({e.reason}); kontrollera nätverket (eller proxyn) och försök igen."
        )
    else:
        message = f"hämtningen misslyckades ({type(e).__name__}: {e})."
    return InputError(
        Problem(file=where, message=f"{message} Ingenting har skrivits. Adress: {url}")
    )


def _dense(doc: dict[str, Any]) -> tuple[np.ndarray, np.ndarray]:
    """The value and status of ``doc`` as object arrays shaped by its ``size``."""
    n = int(np.prod(doc["size"]))
    raw = doc["value"]
    values = np.empty(n, dtype=object)
    if isinstance(raw, dict):
        for k, v in raw.items():
            values[int(k)] = v
    else:
        values[:] = list(raw)
    status = np.empty(n, dtype=object)
    s = doc.get("status")
    if isinstance(s, str):
        status[:] = s
    elif isinstance(s, list) and len(s) == n:
        status[:] = s
    elif isinstance(s, dict):
        for k, v in s.items():
            status[int(k)] = v
    return values.reshape(doc["size"]), status.reshape(doc["size"])


def _join(where: str, docs: list[dict[str, Any]]) -> dict[str, Any]:
    """One JSON-stat2 dataset of several answers that differ only in their years."""
    first = docs[0]
    ids: list[str] = first["id"]
    if "Tid" not in ids:
        raise InputError(Problem(where, "SCB:s svar saknar dimensionen Tid.", column="id"))
    t = ids.index("Tid")
    values: list[np.ndarray] = []
    statuses: list[np.ndarray] = []
    codes: list[str] = []
    labels: dict[str, str] = {}
    for doc in docs:
        same = doc["id"] == ids and all(
            a == b
            for k, (a, b) in enumerate(zip(doc["size"], first["size"], strict=True))
            if k != t
        )
        if not same:
            raise InputError(
                Problem(where, "SCB:s delsvar har olika dimensioner och kan inte slås ihop.")
            )
        v, s = _dense(doc)
        values.append(v)
        statuses.append(s)
        category = doc["dimension"]["Tid"]["category"]
        index = category["index"]
        ordered = index if isinstance(index, list) else sorted(index, key=index.get)
        codes += ordered
        labels.update(category.get("label") or {c: c for c in ordered})
    out = copy.deepcopy(first)
    out["size"][t] = len(codes)
    out["dimension"]["Tid"]["category"] = {
        "index": {c: i for i, c in enumerate(codes)},
        "label": {c: labels.get(c, c) for c in codes},
    }
    out["value"] = np.concatenate(values, axis=t).reshape(-1).tolist()
    status = np.concatenate(statuses, axis=t).reshape(-1)
    out.pop("status", None)
    if any(x is not None for x in status):
        out["status"] = {str(i): x for i, x in enumerate(status) if x is not None}
    return out


def _check_answer(tabell: Tabell, body: bytes, display: str, region: str, years: list[int]) -> None:
    """Read SCB's answer as the contract reads the written file; refuse another region
    or other years."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / Path(display).name
        path.write_bytes(body)
        table = scb.wide_table(tabell.kind, path, display, root=tmp)
        if table is None:  # pragma: no cover - a .json file is always read as SCB's
            raise InputError(Problem(display, "SCB:s svar lästes inte som JSON-stat2."))
        frame = KINDS[tabell.kind].parser(table, _placeholder_register())
        long = scb.read_jsonstat2(path, display, root=tmp)
    regions = set(long["region"]) if "region" in long.columns else set()
    if regions and not all(str(r).split(" ")[0] == region for r in regions):
        raise InputError(
            Problem(
                display,
                (
                    f"SCB svarade med regionen {', '.join(sorted(map(str, regions)))}, inte "
                    f"{region}. Ingenting har skrivits."
                ),
                column="dimension.Region",
            )
        )
    got = sorted({int(y) for y in frame["ar"]})
    if got != years:
        raise InputError(
            Problem(
                display,
                (
                    f"SCB svarade med åren {got[:5]}{'…' if len(got) > 5 else ''}, inte de "
                    f"begärda {years[0]}–{years[-1]}. Ingenting har skrivits."
                ),
                column="dimension.Tid",
            )
        )


def _existing(
    raw_dir: Path, tabell: Tabell, target: Path, years: list[int], force: bool
) -> list[Problem]:
    """Why writing ``target`` would harm the kommun's own files (empty: it would not)."""
    kind = KINDS[tabell.kind]
    problems: list[Problem] = []
    for path in kind.files(raw_dir):
        name = f"{kind.folder}/{path.name}"
        if path.name.lower() == target.name.lower():
            if not force:
                problems.append(
                    Problem(
                        name,
                        (
                            "filen finns redan och ersätts inte utan vidare; hämta med "
                            "--force (force=True) för att ersätta den med SCB:s nya svar."
                        ),
                    )
                )
            continue
        try:
            frame = load_kind(kind, [path], raw_dir, _placeholder_register())
        except InputError as e:
            problems.append(
                Problem(
                    name,
                    (
                        f"en befintlig fil av slaget {tabell.kind} går inte att läsa "
                        f"({e.problems[0].message if e.problems else e}); rätta eller flytta "
                        "den innan hämtningen, så att inga år räknas två gånger."
                    ),
                )
            )
            continue
        common = sorted(set(years) & {int(y) for y in frame["ar"]} if frame is not None else set())
        if common:
            problems.append(
                Problem(
                    name,
                    (
                        f"kommunens egen fil har redan åren {common[0]}–{common[-1]}; SCB:s "
                        f"fil {target.name} skulle räkna dem två gånger. Filen lämnas orörd: "
                        "hämta andra år, eller flytta filen om SCB:s siffror ska ersätta den."
                    ),
                    column="ar",
                )
            )
    return problems


def hamta(
    raw_dir: str | Path,
    region: str,
    ar: range,
    tabeller: Iterable[str] = ("folkmangd", "fodda", "doda", "flyttningar"),
    hamta_url: Callable[[str], bytes] = hamta_url,
    *,
    force: bool = False,
    base_url: str = BASE_URL,
    max_cells: int = MAX_CELLS,
    paus: float = PAUS_S,
) -> list[Path]:
    """Fetch SCB's BE0101 tables for one region and write ``befolkning/<kind>_scb.json``.

    Parameters
    ----------
    raw_dir : path
        The input folder (``data/raw``); the files go to its ``befolkning/``.
    region : str
        SCB's region code: a kommun's four digits ('2580'), a län's two ('25').
    ar : range
        The years, consecutive (``range(2006, 2019)``; see :func:`tolka_ar`).
    tabeller : iterable of str
        The kinds to fetch (:data:`TABELLER`).
    hamta_url : callable
        ``url -> bytes`` of SCB's answer (default :func:`hamta_url`, urllib); tests pass
        recorded answers.
    force : bool
        Replace an existing ``<kind>_scb.json``. Never touches other files.
    base_url, max_cells, paus
        SCB's API root, the most cells of one request (longer ranges are split by year)
        and the seconds between requests.

    Returns
    -------
    list of pathlib.Path
        The files written, in the order of ``tabeller``.

    Raises
    ------
    analysis.core.errors.ArgumentError
        A bad region, range of years or table name (nothing fetched).
    analysis.core.errors.InputError
        An existing file in the way, a network, HTTP or JSON error, or an answer that
        does not read as the kind's table; nothing has been written.
    """
    raw_dir = Path(raw_dir)
    region = str(region).strip()
    if not _REGION.match(region):
        raise ArgumentError(
            "region",
            f"förväntade SCB:s regionkod, t.ex. '2580' (Luleå) eller '25' (län); fann {region!r}.",
        )
    names = list(dict.fromkeys(tabeller))
    unknown = [t for t in names if t not in TABELLER]
    if unknown or not names:
        raise ArgumentError(
            "tabeller", f"okända tabeller {unknown or names}; kända: {', '.join(TABELLER)}."
        )
    if not isinstance(ar, range) or ar.step != 1 or len(ar) == 0:
        raise ArgumentError(
            "ar", f"förväntade en följd av år, t.ex. range(2006, 2019); fann {ar!r}."
        )
    years = list(ar)
    for name in names:
        tabell = TABELLER[name]
        if years[0] < tabell.first_year or years[-1] > tabell.last_year:
            later = (
                " SCB redovisar år 2025 och senare i nya tabeller med röjandeskydd (Cell Key "
                "Method), som inte hämtas här än; hämta dem som JSON-stat2 eller CSV från "
                "Statistikdatabasen och lägg filen i befolkning/."
                if years[-1] > tabell.last_year
                else ""
            )
            raise ArgumentError(
                "ar",
                (
                    f"{tabell.table_id} ({tabell.kind}) har åren {tabell.first_year}–"
                    f"{tabell.last_year}; begärt {years[0]}–{years[-1]}.{later}"
                ),
            )
    targets = {name: raw_dir / "befolkning" / f"{name}_scb.json" for name in names}
    problems: list[Problem] = []
    for name in names:
        problems += _existing(raw_dir, TABELLER[name], targets[name], years, force)
    if problems:
        raise InputError(problems)

    answers: dict[str, bytes] = {}
    first_call = True
    for name in names:
        tabell = TABELLER[name]
        display = f"befolkning/{targets[name].name}"
        where = f"SCB {tabell.table_id} ({display})"
        docs: list[dict[str, Any]] = []
        bodies: list[bytes] = []
        for chunk in _chunks(tabell, years, max_cells):
            url = url_for(tabell, region, chunk, base_url)
            if not first_call and paus > 0:
                time.sleep(paus)
            first_call = False
            try:
                body = hamta_url(url)
            except (urllib.error.URLError, TimeoutError, OSError) as e:
                raise _fetch_error(where, url, e) from None
            try:
                doc = json.loads(body.decode("utf-8-sig"))
            except (UnicodeDecodeError, json.JSONDecodeError) as e:
                raise InputError(
                    Problem(
                        where,
                        (f"SCB:s svar är inte JSON ({e}). Ingenting har skrivits. Adress: {url}"),
                    )
                ) from None
            if not (isinstance(doc, dict) and doc.get("class") == "dataset"):
                raise InputError(
                    Problem(
                        where,
                        (
                            f"SCB:s svar är inte en JSON-stat2-tabell: {scb.describe_json(doc)} "
                            f"Ingenting har skrivits. Adress: {url}"
                        ),
                    )
                )
            docs.append(doc)
            bodies.append(body)
        body = (
            bodies[0]
            if len(bodies) == 1
            else (json.dumps(_join(where, docs), ensure_ascii=False, indent=2) + "\n").encode()
        )
        try:
            _check_answer(tabell, body, display, region, years)
        except InputError as e:
            raise InputError(
                [
                    *e.problems,
                    Problem(
                        where,
                        (
                            "SCB:s svar kunde inte läsas som tabellen (se ovan). Ingenting "
                            "har skrivits."
                        ),
                    ),
                ]
            ) from None
        answers[name] = body
    for name in names:
        atomic_write_bytes(targets[name], answers[name])
    return [targets[name] for name in names]
