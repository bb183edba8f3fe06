"""Kolada: fetch key figures (KPIs) from Kolada's API v3 into a cache, and read the cache.

Kolada (https://kolada.se, run by RKA) publishes standardised key figures for every
Swedish kommun. This module is the package's own thin layer over its REST API v3
(``https://api.kolada.se/v3``); only ``urllib.request`` is used, and every request goes
through an injectable ``hamta_url(url) -> bytes`` so that the tests never touch the
network.

Three parts:

* :func:`hamta` (the command ``analysis kolada hamta``) fetches the values of a list of
  KPIs for the kommun, riket (``0000``) and the comparison kommuner (a list of kommun codes,
  or a Kolada kommungrupp whose members are read from ``/municipality_groups/{id}``) from
  ``/data/kpi/{kpi}/municipality/{m,…}/year/{y,…}``, following ``next_url`` page by page,
  and writes one JSON file per KPI into ``data/raw/kolada/`` holding Kolada's raw v3
  ``values`` with the source URL and the time of the fetch. Everything is fetched before
  anything is written: a network, HTTP or JSON error writes nothing.
* :func:`load_kolada` reads the cache back into a :class:`Kolada` (a typed frame ``kpi``,
  ``kommun``, ``ar``, ``kon``, ``varde``, ``status``), refusing a damaged file with its
  line and column. The reports read only the cache, never the network.
* :func:`las_konfiguration` reads the optional ``data/raw/kolada/jamforelse.csv``
  (``rapport;kpi``) that chooses the KPIs of each report; :func:`standard_kpier` gives the
  defaults without it.

Dating (:func:`kolada_dated`): a Kolada value of year *Y* is published after *Y* is over,
so a report for a period of year *P* uses only the years up to *P* − 1.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, TypeAlias

import numpy as np
import numpy.typing as npt
import pandas as pd

from analysis import __version__
from analysis.core.atomic import atomic_write_bytes
from analysis.core.errors import AnalysisError, InputError, Problem
from analysis.core.period import Period
from analysis.core.register import Register
from analysis.io.readers import read_bytes, read_table, require_columns

#: The API's base URL.
BASE_URL = "https://api.kolada.se/v3"
#: Kolada's code for the whole country.
RIKET = "0000"
#: Rows per page asked of the API (its maximum).
PER_PAGE = 5000
#: Ids per comma-separated list in one request (the API's limit).
MAX_IDS = 25
#: Seconds to wait for one answer.
TIMEOUT_S = 30.0
#: Pages followed for one request before the fetch is refused as a loop.
MAX_PAGES = 200
#: The largest answer read (bytes); a bigger one is refused.
MAX_SVAR = 64 * 2**20
#: The cache's folder in ``data/raw``.
FOLDER = "kolada"
#: The configuration file in :data:`FOLDER`.
KONFIGURATION = "jamforelse.csv"
#: The genders of Kolada: T = totalt, K = kvinnor, M = män.
KON = ("T", "K", "M")
#: The reports of the configuration besides the nämnder.
RAPPORTER = ("kommun", "personal")

# --- the default KPIs ------------------------------------------------------------------
# Ids and titles as in Kolada's KPI list (``/kpi``); see docs/data-contract.md.
SJUKFRANVARO = "N00090"
RESULTAT_ANDEL = "N03001"
NETTOKOSTNAD_PER_INVANARE = "N03067"
NKA_TOTALT = "N00097"

#: The titles of the default KPIs, used when a cache file holds no KPI metadata.
TITLAR: dict[str, str] = {
    SJUKFRANVARO: "Sjukfrånvaro kommunalt anställda totalt, (%)",
    RESULTAT_ANDEL: (
        "Resultat före extraord. poster (kommunen), andel (%) av skatt & generella statsbidrag"
    ),
    NETTOKOSTNAD_PER_INVANARE: "Nettokostnad kommunens verksamhet totalt, kr/inv",
    NKA_TOTALT: "Nettokostnadsavvikelse totalt (exkl. LSS), andel (%)",
    "N11024": "Nettokostnadsavvikelse förskola inkl. öppen förskola, (%)",
    "N13020": "Nettokostnadsavvikelse fritidshem inkl. öppen fritidsverksamhet, (%)",
    "N15001": "Nettokostnadsavvikelse grundskola F-9, (%)",
    "N17001": "Nettokostnadsavvikelse gymnasieskola, (%)",
    "N20900": "Nettokostnadsavvikelse äldreomsorg, (%)",
    "N28018": "Nettokostnadsavvikelse LSS, (%)",
    "N30001": "Nettokostnadsavvikelse individ- och familjeomsorg, (%)",
    "N09022": "Nettokostnad kulturverksamhet, kr/inv",
    "N09018": "Nettokostnad fritidsverksamhet, kr/inv",
    "N40011": "Nettokostnad arbetsmarknadsåtgärder, kr/inv",
}

#: A verksamhet (its name in the ledger's ``verksamhet`` column, matched from the start,
#: case-insensitively) → the KPIs that compare it: the nettokostnadsavvikelse where Kolada
#: has one, else the nettokostnad per invånare.
VERKSAMHET_KPIER: tuple[tuple[re.Pattern[str], tuple[str, ...]], ...] = (
    (re.compile(r"^förskola"), ("N11024",)),
    (re.compile(r"^fritidshem"), ("N13020",)),
    (re.compile(r"^grundskola"), ("N15001",)),
    (re.compile(r"^gymnasieskola"), ("N17001",)),
    (re.compile(r"^äldreomsorg"), ("N20900",)),
    (re.compile(r"^(funktionshinder|funktionsnedsättning|lss\b)"), ("N28018",)),
    (re.compile(r"^(individ- ?och familjeomsorg|ifo\b)"), ("N30001",)),
    (re.compile(r"^kultur"), ("N09022",)),
    (re.compile(r"^fritid(?!shem)"), ("N09018",)),
    (re.compile(r"^arbetsmarknad"), ("N40011",)),
)
#: The kommun report's KPIs before those of its verksamheter.
KOMMUN_KPIER = (RESULTAT_ANDEL, NETTOKOSTNAD_PER_INVANARE, NKA_TOTALT, SJUKFRANVARO)
#: The personnel report's KPIs.
PERSONAL_KPIER = (SJUKFRANVARO,)
#: Every KPI a default can choose: what ``analysis kolada hamta`` fetches without ``--kpi``.
STANDARD_KPIER: tuple[str, ...] = tuple(
    dict.fromkeys(KOMMUN_KPIER + tuple(k for _, ks in VERKSAMHET_KPIER for k in ks))
)

_KPI_ID = re.compile(r"^[NU]\d{5}$")
_KOMMUN_ID = re.compile(r"^\d{4}$")
_GRUPP_ID = re.compile(r"^G\d{1,12}$")

#: The fetcher of one URL: its body as bytes (raises the errors of ``urllib``).
HamtaUrl: TypeAlias = Callable[[str], bytes]
Json: TypeAlias = dict[str, Any]


class KoladaFel(AnalysisError):
    """Kolada could not be reached, refused a request or gave an answer that is not
    Kolada's; nothing has been written. The message (Swedish) names the URL."""


# =======================================================================================
# The client
# =======================================================================================
def hamta_url_standard(url: str, timeout: float = TIMEOUT_S) -> bytes:
    """GET ``url`` with ``urllib`` (JSON accepted, a timeout of ``timeout`` seconds).

    Raises the errors of ``urllib`` (``HTTPError``, ``URLError``, ``TimeoutError``);
    :func:`hamta_json` turns them into a :class:`KoladaFel`.
    """
    request = urllib.request.Request(
        url,
        headers={"Accept": "application/json", "User-Agent": f"kommun-analysis/{__version__}"},
    )
    with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - https only
        body: bytes = response.read(MAX_SVAR + 1)
    return body


def _ingenting_sparat() -> str:
    return f"Ingenting har sparats i data/raw/{FOLDER}/."


def hamta_json(
    url: str,
    hamta_url: HamtaUrl = hamta_url_standard,
    *,
    forsok: int = 1,
    vanta: Callable[[float], None] = time.sleep,
) -> Json:
    """One answer of the API as a JSON object with a list ``values``.

    ``forsok`` is the number of attempts (1: no retry, the default); a retry follows a
    network error, a timeout, HTTP 429 or a 5xx status, after 1, 2, 4 … seconds.

    Raises
    ------
    KoladaFel
        On a network error, a timeout, an HTTP error status, an answer that is not JSON
        or not an object with a list ``values`` — naming the URL, in Swedish.
    """
    if forsok < 1:
        raise KoladaFel(f"antalet försök måste vara minst 1, inte {forsok}.")
    last: KoladaFel | None = None
    for attempt in range(forsok):
        if attempt:
            vanta(float(2 ** (attempt - 1)))
        try:
            body = hamta_url(url)
        except urllib.error.HTTPError as exc:
            code = int(exc.code)
            hint = {
                400: "Kontrollera KPI-id, kommunkoder och år.",
                404: "Finns KPI:n, kommunen eller gruppen i Kolada?",
                429: "Kolada tar emot för många frågor; vänta en stund och försök igen.",
            }.get(code, "Felet ligger hos Kolada; försök igen senare." if code >= 500 else "")
            last = KoladaFel(
                f"Kolada svarade med HTTP-status {code} ({exc.reason}) för {url}. "
                f"{hint} {_ingenting_sparat()}".replace("  ", " ")
            )
            if code == 429 or code >= 500:
                continue
            raise last from exc
        except TimeoutError as exc:
            last = KoladaFel(
                f"Kolada svarade inte i tid för {url}. Försök igen senare. {_ingenting_sparat()}"
            )
            last.__cause__ = exc
            continue
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", None) or exc
            if isinstance(reason, TimeoutError):
                last = KoladaFel(
                    f"Kolada svarade inte i tid för {url}. Försök igen senare. "
                    f"{_ingenting_sparat()}"
                )
                last.__cause__ = exc
                continue
            last = KoladaFel(
                f"Kunde inte nå Kolada ({reason}) för {url}. Kontrollera nätverksanslutningen "
                f"(och eventuell proxy). {_ingenting_sparat()}"
            )
            last.__cause__ = exc
            continue
        return _json_svar(body, url)
    assert last is not None
    raise last


def _json_svar(body: bytes, url: str) -> Json:
    if len(body) > MAX_SVAR:
        raise KoladaFel(
            f"Kolada svarade med mer än {MAX_SVAR // 2**20} MiB för {url}; frågan är för stor "
            f"(färre KPI:er, kommuner eller år per hämtning). {_ingenting_sparat()}"
        )
    try:
        text = body.decode("utf-8-sig")
        parsed = json.loads(text)
    except UnicodeDecodeError as exc:
        raise KoladaFel(
            f"Kolada svarade inte med UTF-8-text för {url}. {_ingenting_sparat()}"
        ) from exc
    except json.JSONDecodeError as exc:
        raise KoladaFel(
            f"Kolada svarade inte med giltig JSON för {url} (rad {exc.lineno}, tecken "
            f"{exc.colno}: {exc.msg}). {_ingenting_sparat()}"
        ) from exc
    if not isinstance(parsed, dict) or not isinstance(parsed.get("values"), list):
        raise KoladaFel(
            f"Kolada gav ett oväntat svar för {url}: väntade ett JSON-objekt med listan "
            f"'values'. {_ingenting_sparat()}"
        )
    return parsed


def _same_site(url: str, base_url: str) -> bool:
    a, b = urllib.parse.urlsplit(url), urllib.parse.urlsplit(base_url)
    return (a.scheme, a.netloc) == (b.scheme, b.netloc) and a.path.startswith(b.path)


def hamta_alla(
    url: str,
    hamta_url: HamtaUrl = hamta_url_standard,
    *,
    base_url: str = BASE_URL,
    forsok: int = 1,
    vanta: Callable[[float], None] = time.sleep,
) -> list[Json]:
    """The ``values`` of every page of a request, in order: the first page is ``url``, the
    next ones the answers' ``next_url`` (v3; ``next_page`` is read too) until an answer
    has none.

    Raises
    ------
    KoladaFel
        As :func:`hamta_json`; also when a ``next_url`` leads away from ``base_url``,
        repeats a page, or the pages do not end after :data:`MAX_PAGES`.
    """
    out: list[Json] = []
    seen: set[str] = set()
    current: str | None = url
    while current:
        if current in seen or len(seen) >= MAX_PAGES:
            raise KoladaFel(
                f"Kolada:s sidor tar inte slut (sidan {current} igen eller fler än {MAX_PAGES} "
                f"sidor). {_ingenting_sparat()}"
            )
        if not _same_site(current, base_url):
            raise KoladaFel(
                f"Kolada:s nästa sida {current} ligger inte under {base_url} och hämtas inte. "
                f"{_ingenting_sparat()}"
            )
        seen.add(current)
        page = hamta_json(current, hamta_url, forsok=forsok, vanta=vanta)
        for item in page["values"]:
            if not isinstance(item, dict):
                raise KoladaFel(
                    f"Kolada gav ett oväntat svar för {current}: ett element i 'values' är "
                    f"inget objekt. {_ingenting_sparat()}"
                )
            out.append(item)
        nxt = page.get("next_url") or page.get("next_page")
        if nxt is not None and not isinstance(nxt, str):
            raise KoladaFel(
                f"Kolada gav ett oväntat svar för {current}: 'next_url' är ingen text. "
                f"{_ingenting_sparat()}"
            )
        current = nxt or None
    return out


def tolka_ar(text: str) -> range:
    """``--ar`` read: ``2019-2023`` (or ``2019–2023``) or one year ``2022``.

    >>> tolka_ar("2019-2023")
    range(2019, 2024)

    Raises
    ------
    KoladaFel
        When the text is neither, or the first year is after the last.
    """
    m = re.fullmatch(r"\s*(\d{4})\s*(?:[-\u2013]\s*(\d{4}))?\s*", text)
    if not m:
        raise KoladaFel(
            f"--ar: väntade ett år (2022) eller ett intervall (2019-2023), fick {text!r}."
        )
    first, last = int(m.group(1)), int(m.group(2) or m.group(1))
    if first > last:
        raise KoladaFel(f"--ar: första året {first} är efter sista året {last}.")
    return range(first, last + 1)


def _chunks(items: Sequence[str], size: int = MAX_IDS) -> list[list[str]]:
    return [list(items[i : i + size]) for i in range(0, len(items), size)] or [[]]


def _q(text: str) -> str:
    return urllib.parse.quote(text, safe=",")


def data_url(base_url: str, kpi: str, kommuner: Sequence[str], ar: Sequence[int]) -> str:
    """The URL of the values of one KPI for some kommuner and years (first page)."""
    return (
        f"{base_url}/data/kpi/{_q(kpi)}/municipality/{_q(','.join(kommuner))}"
        f"/year/{_q(','.join(str(y) for y in ar))}?per_page={PER_PAGE}"
    )


@dataclass(frozen=True)
class Jamforelsegrupp:
    """The comparison kommuner: a Kolada kommungrupp (``id``, ``title``) or a plain list
    of kommun codes (``id`` and ``title`` ``None``)."""

    medlemmar: tuple[str, ...]
    id: str | None = None
    title: str | None = None


def tolka_jamfor(jamfor: Sequence[str] | str | None) -> tuple[list[str], str | None]:
    """``--jamfor`` read: (kommun codes, group id or ``None``).

    ``None`` or empty: no comparison kommuner (riket only). A text is split on commas.
    One item ``G…`` is a Kolada kommungrupp; otherwise every item must be a four-digit
    kommun code.

    Raises
    ------
    KoladaFel
        On an item that is neither, or a group mixed with codes.
    """
    if jamfor is None:
        return [], None
    items = jamfor.split(",") if isinstance(jamfor, str) else list(jamfor)
    items = [i.strip() for i in items if i and i.strip()]
    grupper = [i for i in items if _GRUPP_ID.match(i.upper())]
    if grupper:
        if len(items) != 1:
            raise KoladaFel(
                "--jamfor tar antingen en kommungrupp (G…) eller en lista med kommunkoder, "
                f"inte båda: {', '.join(items)}."
            )
        return [], grupper[0].upper()
    bad = [i for i in items if not _KOMMUN_ID.match(i)]
    if bad:
        raise KoladaFel(
            f"--jamfor: '{bad[0]}' är varken en fyrsiffrig kommunkod (t.ex. 2580) eller en "
            "kommungrupp i Kolada (t.ex. G37421)."
        )
    return list(dict.fromkeys(items)), None


def _grupp(grupp_id: str, hamta: Callable[[str], list[Json]], base_url: str) -> Jamforelsegrupp:
    url = f"{base_url}/municipality_groups/{_q(grupp_id)}"
    values = hamta(url)
    match = [v for v in values if str(v.get("id", "")).upper() == grupp_id]
    if not match:
        raise KoladaFel(
            f"Kolada känner inte till kommungruppen {grupp_id} ({url}). {_ingenting_sparat()}"
        )
    members: list[str] = []
    for m in match[0].get("members") or []:
        mid = m.get("id") if isinstance(m, dict) else m
        if isinstance(mid, str) and _KOMMUN_ID.match(mid):
            members.append(mid)
    if not members:
        raise KoladaFel(
            f"Kommungruppen {grupp_id} har inga kommuner som medlemmar i Kolada ({url}). "
            f"{_ingenting_sparat()}"
        )
    title = match[0].get("title")
    return Jamforelsegrupp(
        tuple(dict.fromkeys(members)), grupp_id, title if isinstance(title, str) else None
    )


def _metadata(
    endpoint: str, ids: Sequence[str], hamta: Callable[[str], list[Json]], base_url: str
) -> dict[str, Json]:
    out: dict[str, Json] = {}
    for part in _chunks(list(ids)):
        if not part:
            continue
        for v in hamta(f"{base_url}/{endpoint}/{_q(','.join(part))}"):
            if isinstance(v.get("id"), str):
                out[v["id"]] = v
    return out


def _check_args(kommun: str, ar: range, kpier: Sequence[str]) -> None:
    if not _KOMMUN_ID.match(kommun):
        raise KoladaFel(f"--kommun: '{kommun}' är ingen fyrsiffrig kommunkod (t.ex. 2580).")
    if kommun == RIKET:
        raise KoladaFel("--kommun: 0000 är riket i Kolada, ingen kommun.")
    if not len(ar) or ar.start < 1990 or ar[-1] > 2100:
        raise KoladaFel(f"--ar: väntade år mellan 1990 och 2100, fick {ar.start}–{ar[-1]}.")
    bad = [k for k in kpier if not _KPI_ID.match(k)]
    if bad:
        raise KoladaFel(
            f"--kpi: '{bad[0]}' är inget KPI-id i Kolada (en bokstav N eller U och fem siffror, "
            "t.ex. N00090)."
        )
    if not kpier:
        raise KoladaFel("--kpi: inga KPI:er att hämta.")


def hamta(
    raw_dir: str | Path,
    kommun: str,
    ar: range,
    jamfor: list[str] | str | None = None,
    kpier: list[str] | None = None,
    hamta_url: HamtaUrl = hamta_url_standard,
    *,
    base_url: str = BASE_URL,
    forsok: int = 1,
    nu: Callable[[], dt.datetime] | None = None,
) -> list[Path]:
    """Fetch KPI values from Kolada into ``raw_dir/kolada/``; the files written.

    Parameters
    ----------
    raw_dir : path
        ``data/raw``.
    kommun : str
        The kommun's four-digit code in Kolada (e.g. ``"2580"``).
    ar : range
        The years (``range(2019, 2024)`` for 2019–2023).
    jamfor : list of str, str or None
        The comparison kommuner: kommun codes (a list, or a comma-separated text), or the
        id of a Kolada kommungrupp (``"G37421"``), whose members are fetched. Riket
        (``0000``) is always fetched.
    kpier : list of str, optional
        The KPI ids; default: those the configuration ``kolada/jamforelse.csv`` names (when
        it exists) and every KPI a default can choose (:data:`STANDARD_KPIER`).
    hamta_url : callable
        ``url -> bytes``; the tests pass recorded answers.
    base_url : str
        The API (default :data:`BASE_URL`).
    forsok : int
        Attempts per request (1: no retries).
    nu : callable, optional
        The clock for ``hamtad`` (tests).

    Returns
    -------
    list of Path
        One ``kolada/<KPI>.json`` per KPI, written atomically once everything has been
        fetched.

    Raises
    ------
    KoladaFel
        On a bad argument, an unknown KPI, kommun or group, or a network, HTTP or JSON
        error; nothing is written then.
    """
    raw = Path(raw_dir)
    if kpier is None:
        kpier = list(STANDARD_KPIER)
        config = raw / FOLDER / KONFIGURATION
        if config.is_file():
            kpier = list(dict.fromkeys(_konfigurerade_kpier(config, raw) + kpier))
    kpier = [k.strip().upper() for k in kpier]
    kpier = list(dict.fromkeys(k for k in kpier if k))
    _check_args(kommun, ar, kpier)
    koder, grupp_id = tolka_jamfor(jamfor)

    def get(url: str) -> list[Json]:
        return hamta_alla(url, hamta_url, base_url=base_url, forsok=forsok)

    grupp = _grupp(grupp_id, get, base_url) if grupp_id else Jamforelsegrupp(tuple(koder))
    jamfor_ids = [m for m in grupp.medlemmar if m not in (kommun, RIKET)]
    kommuner = [kommun, RIKET, *jamfor_ids]

    kpi_meta = _metadata("kpi", kpier, get, base_url)
    okanda = [k for k in kpier if k not in kpi_meta]
    if okanda:
        raise KoladaFel(
            f"Kolada känner inte till KPI:n {', '.join(okanda)} ({base_url}/kpi). "
            f"{_ingenting_sparat()}"
        )
    namn_meta = _metadata("municipality", [kommun, *jamfor_ids], get, base_url)
    if kommun not in namn_meta:
        raise KoladaFel(
            f"Kolada känner inte till kommunkoden {kommun} ({base_url}/municipality). "
            f"{_ingenting_sparat()}"
        )
    namn = {k: str(v.get("title", k)) for k, v in namn_meta.items()}
    namn[RIKET] = "Riket"

    hamtad = (nu() if nu is not None else dt.datetime.now(dt.UTC)).isoformat(timespec="seconds")
    years = list(ar)
    payloads: dict[str, bytes] = {}
    for kpi in kpier:
        urls = [
            data_url(base_url, kpi, part, year_part)
            for part in _chunks(kommuner)
            for year_part in [years[i : i + MAX_IDS] for i in range(0, len(years), MAX_IDS)]
        ]
        values: list[Json] = []
        for url in urls:
            values.extend(get(url))
        doc = {
            "kalla": f"Kolada API v3, {urls[0]}",
            "urler": urls,
            "hamtad": hamtad,
            "kommun": kommun,
            "jamfor": jamfor_ids,
            "jamforelsegrupp": (
                {"id": grupp.id, "title": grupp.title} if grupp.id is not None else None
            ),
            "kommuner": {k: namn[k] for k in kommuner if k in namn},
            "fiktiv": False,
            "kpi": kpi_meta[kpi],
            "count": len(values),
            "values": values,
        }
        payloads[kpi] = cache_bytes(doc)
    written = []
    for kpi, data in payloads.items():
        path = raw / FOLDER / f"{kpi}.json"
        atomic_write_bytes(path, data)
        written.append(path)
    return written


def cache_bytes(doc: Mapping[str, Any]) -> bytes:
    """A cache file's bytes: UTF-8 JSON, one key per line, ending in a newline."""
    return (json.dumps(doc, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


# =======================================================================================
# The cache
# =======================================================================================
@dataclass(frozen=True)
class Kolada:
    """The Kolada cache of ``data/raw/kolada/``.

    ``varden`` has one row per KPI, kommun, year and gender: ``kpi`` (id), ``kommun``
    (four-digit code; ``0000`` = riket), ``ar`` (int), ``kon`` (``T`` totalt, ``K``
    kvinnor, ``M`` män), ``varde`` (float, NaN when Kolada has no value) and ``status``
    (Kolada's status text, ``None`` when empty). Values Kolada marks ``isdeleted`` are left
    out. ``kpier`` maps each cached KPI to its title, ``kommuner`` each code to its name,
    ``kallor`` each KPI to its source line; ``hamtad`` is the earliest fetch time over
    the files (ISO 8601), ``fiktiv`` whether the cache is made up (the sample).
    """

    varden: pd.DataFrame
    kpier: Mapping[str, str]
    kommun: str
    jamfor: tuple[str, ...]
    kommuner: Mapping[str, str]
    kallor: Mapping[str, str]
    hamtad: str
    fiktiv: bool
    grupp_id: str | None = None
    grupp_namn: str | None = None
    filer: tuple[str, ...] = field(default_factory=tuple)

    def as_of(self, period: Period | str) -> Kolada:
        """The values known at the end of ``period``: the years up to its year − 1."""
        period = Period.parse(period)
        mask = kolada_dated(self.varden, period.code)
        return replace(self, varden=self.varden.loc[mask].reset_index(drop=True))


def kolada_dated(frame: pd.DataFrame, cutoff_code: int) -> npt.NDArray[np.bool_]:
    """Which Kolada rows were known at the end of month ``cutoff_code`` (yyyymm): those of
    the years before the cutoff's year (a year's value is published after the year)."""
    year = int(cutoff_code) // 100
    return np.asarray(frame["ar"].to_numpy(dtype=np.int64) <= year - 1, dtype=np.bool_)


_WS = re.compile(r"[ \t\n\r]*")


def _skip(text: str, idx: int) -> int:
    """The index of the first character at or after ``idx`` that is not JSON whitespace."""
    match = _WS.match(text, idx)
    return match.end() if match else idx


def _position(text: str, path: tuple[str | int, ...]) -> tuple[int, int] | None:
    """Line and column (1-based) where the JSON value at ``path`` starts in ``text`` (a
    text that parses), or ``None`` when there is no such value."""
    decoder = json.JSONDecoder()
    found: list[int] = []

    def walk(idx: int, cur: tuple[str | int, ...]) -> int:
        idx = _skip(text, idx)
        if cur == path:
            found.append(idx)
            raise StopIteration
        ch = text[idx]
        if path[: len(cur)] != cur or ch not in "{[":  # not on the way: skip the value
            return int(decoder.raw_decode(text, idx)[1])
        close = "}" if ch == "{" else "]"
        idx = _skip(text, idx + 1)
        if text[idx] == close:
            return idx + 1
        i = 0
        while True:
            if ch == "{":
                key, idx = decoder.raw_decode(text, idx)
                idx = walk(_skip(text, idx) + 1, (*cur, key))  # past the ':'
            else:
                idx = walk(idx, (*cur, i))
                i += 1
            idx = _skip(text, idx)
            if text[idx] == close:
                return idx + 1
            idx = _skip(text, idx + 1)  # past the ','

    try:
        walk(0, ())
    except StopIteration:
        pass
    except (ValueError, IndexError):  # pragma: no cover - the text parsed before
        return None
    if not found:
        return None
    pos = found[0]
    line = text.count("\n", 0, pos) + 1
    return line, pos - (text.rfind("\n", 0, pos) + 1) + 1


def _path_text(path: tuple[str | int, ...]) -> str:
    out = ""
    for p in path:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else p)
    return out or "(hela filen)"


class _Fil:
    """Problems of one cache file, each placed at the line and column of its value."""

    def __init__(self, name: str, text: str) -> None:
        self.name = name
        self.text = text
        self.problems: list[Problem] = []

    def fel(self, path: tuple[str | int, ...], message: str) -> None:
        where = _position(self.text, path) if path else None
        line, col = where if where else (None, None)
        column = f"{_path_text(path)} (tecken {col})" if col is not None else _path_text(path)
        self.problems.append(Problem(self.name, message, line, column))

    def check(self) -> None:
        if self.problems:
            raise InputError(self.problems)


def _text(doc: Json, key: str, fil: _Fil, *, required: bool = True) -> str | None:
    value = doc.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value.strip():
        fil.fel((key,) if key in doc else (), f"väntade en text i '{key}', fick {value!r}")
        return None
    return value


def _read_file(path: Path, raw: Path) -> tuple[Json, _Fil]:
    display = f"{FOLDER}/{path.name}"
    body = read_bytes(path, display, raw)
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = body.count(b"\n", 0, exc.start) + 1
        raise InputError(
            Problem(display, "filen är inte UTF-8-kodad JSON; hämta den igen", line)
        ) from exc
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(
            Problem(
                display,
                f"ogiltig JSON ({exc.msg}); väntade en Kolada-cachefil som "
                "'analysis kolada hamta' skriver — hämta den igen",
                exc.lineno,
                f"tecken {exc.colno}",
            )
        ) from exc
    fil = _Fil(display, text)
    if not isinstance(doc, dict):
        fil.fel((), "väntade ett JSON-objekt med 'values', 'kommun', 'hamtad' och 'kalla'")
        fil.check()
    return doc, fil


def _parse_file(path: Path, raw: Path) -> tuple[Json, list[tuple[Any, ...]]]:
    doc, fil = _read_file(path, raw)
    kpi_id = path.stem.upper()
    if not _KPI_ID.match(kpi_id):
        fil.fel((), f"filnamnet ska vara KPI:ns id, t.ex. N00090.json, inte {path.name}")
    _text(doc, "kalla", fil)
    hamtad = _text(doc, "hamtad", fil)
    if hamtad is not None:
        try:
            dt.datetime.fromisoformat(hamtad)
        except ValueError:
            fil.fel(("hamtad",), f"väntade en tidpunkt ÅÅÅÅ-MM-DDTtt:mm:ss, fick {hamtad!r}")
    kommun = _text(doc, "kommun", fil)
    if kommun is not None and not _KOMMUN_ID.match(kommun):
        fil.fel(("kommun",), f"väntade en fyrsiffrig kommunkod, fick {kommun!r}")
    jamfor = doc.get("jamfor", [])
    if not isinstance(jamfor, list) or not all(
        isinstance(j, str) and _KOMMUN_ID.match(j) for j in jamfor
    ):
        fil.fel(("jamfor",), "väntade en lista med fyrsiffriga kommunkoder")
        jamfor = []
    if not isinstance(doc.get("fiktiv", False), bool):
        fil.fel(("fiktiv",), f"väntade true eller false, fick {doc.get('fiktiv')!r}")
    if "kommuner" in doc and not isinstance(doc["kommuner"], dict):
        fil.fel(("kommuner",), "väntade ett objekt kommunkod → namn")
    grupp = doc.get("jamforelsegrupp")
    if grupp is not None and not (isinstance(grupp, dict) and isinstance(grupp.get("id"), str)):
        fil.fel(("jamforelsegrupp",), "väntade null eller ett objekt med 'id' och 'title'")
    meta = doc.get("kpi")
    if meta is not None and not (isinstance(meta, dict) and meta.get("id") == kpi_id):
        fil.fel(("kpi",), f"väntade KPI:ns metadata med id {kpi_id}")
    values = doc.get("values")
    if not isinstance(values, list):
        fil.fel(("values",) if "values" in doc else (), "väntade listan 'values' (Kolada v3)")
        fil.check()
        return doc, []
    known = {kommun, RIKET, *jamfor}
    rows: list[tuple[Any, ...]] = []
    for i, item in enumerate(values):
        at = ("values", i)
        if not isinstance(item, dict):
            fil.fel(at, "väntade ett objekt med 'kpi', 'municipality', 'period' och 'values'")
            continue
        if item.get("kpi") != kpi_id:
            fil.fel((*at, "kpi"), f"väntade KPI {kpi_id} (filens namn), fick {item.get('kpi')!r}")
            continue
        m = item.get("municipality")
        if not isinstance(m, str) or m not in known:
            fil.fel(
                (*at, "municipality"),
                f"väntade kommunen, riket (0000) eller en jämförelsekommun, fick {m!r}",
            )
            continue
        year = item.get("period")
        if isinstance(year, str) and year.isdigit():
            year = int(year)
        if isinstance(year, bool) or not isinstance(year, int) or not 1900 <= year <= 2100:
            fil.fel((*at, "period"), f"väntade ett år (t.ex. 2022), fick {item.get('period')!r}")
            continue
        inner = item.get("values")
        if not isinstance(inner, list):
            fil.fel((*at, "values"), "väntade en lista med ett värde per kön")
            continue
        for j, v in enumerate(inner):
            here = (*at, "values", j)
            if not isinstance(v, dict):
                fil.fel(here, "väntade ett objekt med 'gender' och 'value'")
                continue
            if v.get("isdeleted") is True:
                continue
            kon = v.get("gender")
            if kon not in KON:
                fil.fel((*here, "gender"), f"väntade kön T, K eller M, fick {kon!r}")
                continue
            value = v.get("value")
            if value is not None and (
                isinstance(value, bool)
                or not isinstance(value, (int, float))
                or not np.isfinite(value)
            ):
                fil.fel((*here, "value"), f"väntade ett tal eller null, fick {value!r}")
                continue
            status = v.get("status")
            if status is not None and not isinstance(status, str):
                fil.fel((*here, "status"), f"väntade en text eller null, fick {status!r}")
                continue
            rows.append(
                (
                    kpi_id,
                    m,
                    int(year),
                    kon,
                    np.nan if value is None else float(value),
                    status or None,
                    here,
                )
            )
    seen: dict[tuple[Any, ...], tuple[Any, ...]] = {}
    for r in rows:
        key = r[:4]
        if key in seen:
            fil.fel(r[6], f"värdet för {key[1]}, {key[2]}, kön {key[3]} finns två gånger")
        seen[key] = r
    fil.check()
    return doc, [r[:6] for r in rows]


def cache_files(raw_dir: str | Path) -> list[Path]:
    """The cache's JSON files in ``raw_dir/kolada/`` (hidden files left out), sorted."""
    folder = Path(raw_dir) / FOLDER
    if not folder.is_dir():
        return []
    return sorted(
        p
        for p in folder.iterdir()
        if p.name.lower().endswith(".json") and not p.name.startswith(".")
    )


def load_kolada(raw_dir: str | Path) -> Kolada | None:
    """The Kolada cache of ``raw_dir`` (``data/raw``), or ``None`` when ``kolada/`` is
    absent or holds no JSON file.

    Raises
    ------
    InputError
        Naming the file, line and column (the JSON path and character) of every problem:
        a file that is not JSON, a value of the wrong type, a gender other than T/K/M, a
        year that is not a year, a value given twice, or files fetched for different
        kommuner or comparison kommuner.
    """
    raw = Path(raw_dir)
    files = cache_files(raw)
    if not files:
        return None
    frames: list[list[tuple[Any, ...]]] = []
    kpier: dict[str, str] = {}
    kallor: dict[str, str] = {}
    kommuner: dict[str, str] = {}
    hamtad: list[str] = []
    first: Json | None = None
    first_name = ""
    problems: list[Problem] = []
    fiktiv = False
    for path in files:
        doc, rows = _parse_file(path, raw)
        name = f"{FOLDER}/{path.name}"
        kpi_id = path.stem.upper()
        if first is None:
            first, first_name = doc, name
        else:
            for key, what in (("kommun", "kommun"), ("fiktiv", "fiktiv")):
                if doc.get(key, False) != first.get(key, False):
                    problems.append(
                        Problem(
                            name,
                            f"'{key}' är {doc.get(key)!r} men {first.get(key)!r} i {first_name}; "
                            f"alla filer i {FOLDER}/ ska gälla samma {what} — hämta om dem "
                            "tillsammans",
                            None,
                            key,
                        )
                    )
            if sorted(doc.get("jamfor", [])) != sorted(first.get("jamfor", [])):
                problems.append(
                    Problem(
                        name,
                        f"jämförelsekommunerna skiljer sig från dem i {first_name}; hämta om "
                        f"alla filer i {FOLDER}/ med samma --jamfor",
                        None,
                        "jamfor",
                    )
                )
        meta = doc.get("kpi") if isinstance(doc.get("kpi"), dict) else {}
        title = meta.get("title") if isinstance(meta, dict) else None
        kpier[kpi_id] = title if isinstance(title, str) and title else TITLAR.get(kpi_id, "")
        kallor[kpi_id] = str(doc["kalla"])
        hamtad.append(str(doc["hamtad"]))
        fiktiv = fiktiv or bool(doc.get("fiktiv", False))
        for k, v in (doc.get("kommuner") or {}).items():
            kommuner.setdefault(str(k), str(v))
        frames.append(rows)
    if problems:
        raise InputError(problems)
    assert first is not None
    varden = pd.DataFrame(
        [r for rows in frames for r in rows],
        columns=["kpi", "kommun", "ar", "kon", "varde", "status"],
    )
    varden = varden.astype(
        {"kpi": "string", "kommun": "string", "ar": "int64", "kon": "string", "varde": "float64"}
    )
    varden = varden.sort_values(["kpi", "kommun", "ar", "kon"], kind="stable").reset_index(
        drop=True
    )
    grupp = first.get("jamforelsegrupp") if isinstance(first.get("jamforelsegrupp"), dict) else None
    kommuner.setdefault(RIKET, "Riket")
    return Kolada(
        varden=varden,
        kpier=kpier,
        kommun=str(first["kommun"]),
        jamfor=tuple(first.get("jamfor", [])),
        kommuner=kommuner,
        kallor=kallor,
        hamtad=min(hamtad, key=lambda h: dt.datetime.fromisoformat(h).timestamp()),
        fiktiv=fiktiv,
        grupp_id=str(grupp["id"]) if grupp else None,
        grupp_namn=str(grupp["title"]) if grupp and grupp.get("title") else None,
        filer=tuple(f"{FOLDER}/{p.name}" for p in files),
    )


# =======================================================================================
# The configuration
# =======================================================================================
def _konfigurerade_kpier(path: Path, raw: Path) -> list[str]:
    """The KPI ids of a configuration file, without checking its reports (for
    :func:`hamta`, which has no register)."""
    table = read_table(
        path, f"{FOLDER}/{KONFIGURATION}", expected_columns=("rapport", "kpi"), root=raw
    )
    require_columns(table, ["rapport", "kpi"])
    return [k.strip().upper() for k in table.data["kpi"] if _KPI_ID.match(k.strip().upper())]


def las_konfiguration(raw_dir: str | Path, register: Register) -> dict[str, tuple[str, ...]] | None:
    """The KPIs per report from ``raw_dir/kolada/jamforelse.csv``, or ``None`` without it.

    The file has the columns ``rapport`` and ``kpi``, one KPI per line; ``rapport`` is
    ``kommun``, ``personal`` or a nämnd of the register (its id, name or alias); ``kpi``
    is a Kolada KPI id (``N00090``) or ``-`` for "no comparison in this report". A report
    named in the file gets exactly its lines, in order; a report not named keeps its
    defaults (:func:`standard_kpier`).

    Raises
    ------
    InputError
        Naming line and column of an unknown report, a unit that is not a nämnd, a KPI
        id that is not one, or a KPI given twice for one report.
    """
    raw = Path(raw_dir)
    path = raw / FOLDER / KONFIGURATION
    if not path.exists() and not path.is_symlink():
        return None
    file = f"{FOLDER}/{KONFIGURATION}"
    table = read_table(path, file, expected_columns=("rapport", "kpi"), root=raw)
    require_columns(table, ["rapport", "kpi"])
    out: dict[str, list[str]] = {}
    problems: list[Problem] = []
    namnder = set(register.namnder)
    for (rapport, kpi), line in zip(
        table.data[["rapport", "kpi"]].itertuples(index=False), table.lines, strict=True
    ):
        line = int(line)
        if not rapport and not kpi:
            continue
        key = rapport.strip().casefold()
        if key in RAPPORTER:
            rid = key
        else:
            try:
                rid = register.resolve(rapport)
            except KeyError:
                problems.append(
                    Problem(
                        file,
                        f"okänd rapport '{rapport}': väntade kommun, personal eller en nämnd i "
                        "organisation.csv (" + ", ".join(register.namnder) + ")",
                        line,
                        table.display("rapport"),
                    )
                )
                continue
            if rid not in namnder:
                problems.append(
                    Problem(
                        file,
                        f"'{rapport}' är ingen nämnd (typ namnd) i organisation.csv",
                        line,
                        table.display("rapport"),
                    )
                )
                continue
        kpi_id = kpi.strip().upper()
        if kpi_id == "-":
            out.setdefault(rid, [])
            continue
        if not _KPI_ID.match(kpi_id):
            problems.append(
                Problem(
                    file,
                    f"'{kpi}' är inget KPI-id i Kolada: väntade en bokstav N eller U och fem "
                    "siffror (t.ex. N00090), eller - för ingen jämförelse",
                    line,
                    table.display("kpi"),
                )
            )
            continue
        if kpi_id in out.get(rid, []):
            problems.append(
                Problem(
                    file, f"KPI {kpi_id} står två gånger för {rapport}", line, table.display("kpi")
                )
            )
            continue
        out.setdefault(rid, []).append(kpi_id)
    if problems:
        raise InputError(problems)
    return {k: tuple(v) for k, v in out.items()}


def kpier_for_verksamheter(verksamheter: Iterable[str]) -> tuple[str, ...]:
    """The KPIs that compare the named verksamheter (:data:`VERKSAMHET_KPIER`), in the
    order of that table; names no rule knows are left out.

    >>> kpier_for_verksamheter(["Grundskola", "Förskola", "Resurscentrum"])
    ('N11024', 'N15001')
    """
    keys = [" ".join(v.split()).casefold() for v in verksamheter if isinstance(v, str)]
    out: list[str] = []
    for pattern, ids in VERKSAMHET_KPIER:
        if any(pattern.match(k) for k in keys):
            out.extend(ids)
    return tuple(dict.fromkeys(out))


def standard_kpier(rapport: str, verksamheter: Iterable[str] = ()) -> tuple[str, ...]:
    """The default KPIs of a report without configuration.

    ``kommun``: :data:`KOMMUN_KPIER` and the KPIs of every verksamhet in the ledger;
    ``personal``: the sick leave of the kommun's employees (N00090); a nämnd: the KPIs of
    its own verksamheter (empty when none is known).
    """
    if rapport == "kommun":
        return tuple(dict.fromkeys(KOMMUN_KPIER + kpier_for_verksamheter(verksamheter)))
    if rapport == "personal":
        return PERSONAL_KPIER
    return kpier_for_verksamheter(verksamheter)
