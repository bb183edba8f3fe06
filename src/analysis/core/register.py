"""The organisation register (``organisation.csv``) and name resolution.

Every file may name a unit by the register's ``id``, ``namn`` or any ``alias``;
matching ignores case and whitespace, and names are compared in Unicode NFC (a name
saved on a Mac, with å/ä/ö decomposed, equals the same name typed on Windows).
Personnel data names förvaltningar, which the register maps to the units they serve
(several nämnder may share one förvaltning).

A name in the register may hold only Latin letters (with their accents), digits,
spaces and punctuation: a Cyrillic or Greek look-alike ('а' for 'a', 'Ο' for 'O') would
make a second unit that looks the same as the first, and is refused with the line and
the character.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.core.errors import ArgumentError, InputError, Problem

UNIT_TYPES = ("namnd", "finans", "ovrig")
_SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_WHITESPACE = re.compile(r"\s+")
#: How many known units (or förvaltningar) an error message lists before "… och N till".
MAX_LISTED_KNOWN = 20
#: A name quoted in a message is cut to this many characters.
_MAX_QUOTED = 60


def _cut(value: object) -> str:
    text = str(value)
    return text if len(text) <= _MAX_QUOTED else text[:_MAX_QUOTED] + "…"


def _listed(items: list[str], sep: str) -> str:
    shown = sep.join(_cut(i) for i in items[:MAX_LISTED_KNOWN])
    rest = len(items) - MAX_LISTED_KNOWN
    return shown + (f" … och {rest} till" if rest > 0 else "")


def foreign_letter(name: str) -> str | None:
    """The first letter of ``name`` that is not a Latin letter, described for a message
    (``"'а' (U+0430 CYRILLIC SMALL LETTER A)"``), or None.

    >>> foreign_letter("Socialnämnden") is None
    True
    >>> foreign_letter("Soci\u0430lnämnden")
    "'а' (U+0430 CYRILLIC SMALL LETTER A)"
    """
    text = str(name)
    if text.isascii():
        return None
    for ch in unicodedata.normalize("NFC", text):
        if ch.isascii() or not unicodedata.category(ch).startswith("L"):
            continue
        uname = unicodedata.name(ch, "")
        if not uname.startswith("LATIN"):
            return f"'{ch}' (U+{ord(ch):04X} {uname or 'okänt tecken'})"
    return None


def name_key(name: object) -> str:
    """The matching key of a name: case-folded with all whitespace removed.

    >>> name_key(" KS/ Kommunstaben ") == name_key("ks/kommunstaben")
    True
    >>> name_key("So\u0308derhamn") == name_key("Söderhamn")   # NFD (macOS) = NFC
    True
    """
    text = str(name)
    if not text.isascii():
        text = unicodedata.normalize("NFC", text.replace("\u200b", "").replace("\ufeff", ""))
    return _WHITESPACE.sub("", text).casefold()


@dataclass(frozen=True)
class Unit:
    id: str
    namn: str
    typ: str
    forvaltning: str
    alias: tuple[str, ...]


class Register:
    """The kommun's units, in the register's order.

    Parameters
    ----------
    units : DataFrame
        Columns ``id``, ``namn``, ``typ``, ``forvaltning``, ``alias`` (``|``-separated).
    file : str
        Name used in error messages.
    lines : iterable of int, optional
        The spreadsheet line of each row (default 2, 3, …).

    Raises
    ------
    InputError
        Naming the line and column of every bad id, name, type or duplicate.
    ArgumentError
        When ``units`` lacks one of the columns ``id``, ``namn``, ``typ``, or ``lines`` does
        not give one line per row.
    """

    def __init__(
        self,
        units: pd.DataFrame,
        file: str = "organisation.csv",
        lines: Iterable[int] | None = None,
    ) -> None:
        missing = [c for c in ("id", "namn", "typ") if c not in units.columns]
        if missing:
            raise ArgumentError("units", f"tabellen saknar kolumnerna {', '.join(missing)}.")
        units = units.copy()
        for col in ("forvaltning", "alias"):
            if col not in units.columns:
                units[col] = ""
        units = units.fillna("")
        line_numbers = list(lines) if lines is not None else list(range(2, len(units) + 2))
        if len(line_numbers) != len(units):
            raise ArgumentError("lines", f"{len(line_numbers)} radnummer för {len(units)} rader.")
        problems: list[Problem] = []
        self._by_key: dict[str, str] = {}
        unit_list: list[Unit] = []
        for line, row in zip(line_numbers, units.itertuples(index=False), strict=True):
            uid = unicodedata.normalize("NFC", str(row.id).strip())
            namn = unicodedata.normalize("NFC", str(row.namn).strip())
            typ = str(row.typ).strip().casefold()
            if not _SLUG_RE.match(uid):
                odd = foreign_letter(uid) or next(
                    (f"'{c}' (U+{ord(c):04X})" for c in uid if not re.match(r"[a-z0-9_-]", c)), None
                )
                which = f" (tecknet {odd} är inte tillåtet)" if odd else ""
                problems.append(
                    Problem(
                        file,
                        f"'{_cut(uid)}' är inget giltigt id{which}; "
                        "förväntade små bokstäver a–z, siffror, '-' eller '_' "
                        "(t.ex. 'bun', 'ks-stab').",
                        line,
                        "id",
                    )
                )
                continue
            forvaltning = unicodedata.normalize("NFC", str(row.forvaltning).strip())
            for column, value in (
                ("namn", namn),
                ("forvaltning", forvaltning),
                ("alias", str(row.alias)),
            ):
                odd = foreign_letter(value)
                if odd:
                    problems.append(
                        Problem(
                            file,
                            (
                                f"'{_cut(value)}' innehåller bokstaven {odd}, som inte är en "
                                "latinsk "
                                "bokstav men kan se ut som en; skriv namnet med vanliga bokstäver "
                                "(a–z, å, ä, ö, é …)."
                            ),
                            line,
                            column,
                        )
                    )
            if not namn:
                problems.append(Problem(file, "namn saknas.", line, "namn"))
            if typ not in UNIT_TYPES:
                problems.append(
                    Problem(
                        file,
                        f"okänd typ '{_cut(row.typ)}'; förväntade en av {', '.join(UNIT_TYPES)}.",
                        line,
                        "typ",
                    )
                )
            aliases = tuple(
                unicodedata.normalize("NFC", a.strip())
                for a in str(row.alias).split("|")
                if a.strip()
            )
            for name in (uid, namn, *aliases):
                key = name_key(name)
                other = self._by_key.get(key)
                if other is not None and other != uid:
                    problems.append(
                        Problem(
                            file,
                            f"namnet '{_cut(name)}' används av både '{other}' och '{uid}'; "
                            "varje namn och alias måste vara unikt.",
                            line,
                            "alias",
                        )
                    )
                self._by_key[key] = uid
            unit_list.append(Unit(uid, namn or uid, typ, forvaltning, aliases))
        counts = Counter(u.id for u in unit_list)  # linear, not ids.count per id
        dupes = sorted(i for i, n in counts.items() if n > 1)
        if dupes:
            problems.append(
                Problem(file, f"id förekommer flera gånger: {_listed(dupes, ', ')}.", column="id")
            )
        if not unit_list and not problems:
            problems.append(Problem(file, "registret innehåller inga enheter."))
        if problems:
            raise InputError(problems)
        self.file = file
        self.units: dict[str, Unit] = {u.id: u for u in unit_list}
        self._forvaltning_by_key = {
            name_key(u.forvaltning): u.forvaltning for u in unit_list if u.forvaltning
        }

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            [(u.id, u.namn, u.typ, u.forvaltning, "|".join(u.alias)) for u in self.units.values()],
            columns=["id", "namn", "typ", "forvaltning", "alias"],
        )

    # --- lookups --------------------------------------------------------------------
    @property
    def ids(self) -> list[str]:
        return list(self.units)

    def of_type(self, typ: str) -> list[str]:
        return [u.id for u in self.units.values() if u.typ == typ]

    @property
    def namnder(self) -> list[str]:
        """Reporting units (``typ`` = ``namnd``) in register order."""
        return self.of_type("namnd")

    @property
    def finans(self) -> list[str]:
        return self.of_type("finans")

    @property
    def forvaltningar(self) -> list[str]:
        """The distinct förvaltningar, in register order."""
        seen: dict[str, None] = {}
        for u in self.units.values():
            if u.forvaltning:
                seen.setdefault(u.forvaltning, None)
        return list(seen)

    def namn(self, uid: str) -> str:
        return self.units[uid].namn

    def forvaltning_of(self, uid: str) -> str:
        return self.units[uid].forvaltning

    def units_of_forvaltning(self, forvaltning: str) -> list[str]:
        key = name_key(forvaltning)
        return [
            u.id for u in self.units.values() if u.forvaltning and name_key(u.forvaltning) == key
        ]

    def resolve(self, name: str) -> str:
        """The id of the unit called ``name`` (id, namn or alias)."""
        uid = self._by_key.get(name_key(name))
        if uid is None:
            raise KeyError(name)
        return uid

    def resolve_column(
        self, values: pd.Series, *, file: str, column: str, lines: np.ndarray
    ) -> pd.Series:
        """Map a column of names to register ids, or raise one error listing unknown values.

        Only the distinct values are looked up, so this is fast on millions of rows.
        """
        codes, uniques = pd.factorize(values, sort=False)
        mapped = [self._by_key.get(name_key(v)) for v in uniques]
        unknown = [i for i, m in enumerate(mapped) if m is None]
        if unknown:
            raise InputError(
                [self._unknown_unit(uniques[i], codes, i, file, column, lines) for i in unknown]
            )
        return pd.Series(np.asarray(mapped, dtype=object)[codes], index=values.index)

    def _unknown_unit(
        self, name: object, codes: np.ndarray, code: int, file: str, column: str, lines: np.ndarray
    ) -> Problem:
        """The problem for an unknown unit name, at the first line it occurs on."""
        first = int(np.flatnonzero(codes == code)[0])
        odd = foreign_letter(str(name))
        hint = (
            f" Namnet innehåller bokstaven {odd}, som bara ser ut som en latinsk bokstav."
            if odd
            else ""
        )
        return Problem(
            file,
            f"okänd enhet '{_cut(name)}'.{hint} Kända enheter (id: namn): "
            + _listed([f"{u.id}: {u.namn}" for u in self.units.values()], "; ")
            + ". Lägg till namnet som alias i organisation.csv om det är samma enhet.",
            int(lines[first]),
            column,
        )

    def resolve_categorical(
        self, values: pd.Categorical, *, file: str, column: str, lines: np.ndarray
    ) -> pd.Categorical[str]:
        """Like :meth:`resolve_column` for an already encoded column; returns a Categorical
        whose categories are the register's ids (fast: only the distinct names are looked up)."""
        ids = self.ids
        position = {uid: i for i, uid in enumerate(ids)}
        names = [str(v) for v in values.categories]
        mapped = np.array(
            [position.get(self._by_key.get(name_key(v), ""), -1) for v in names], dtype=np.int64
        )
        codes = np.asarray(values.codes, dtype=np.int64)
        unknown = np.flatnonzero(mapped < 0)
        used = [int(i) for i in unknown if (codes == i).any()]  # unused categories are no error
        if used:
            raise InputError(
                [self._unknown_unit(names[i], codes, i, file, column, lines) for i in used]
            )
        new_codes = np.where(codes >= 0, mapped[np.maximum(codes, 0)], -1)
        return pd.Categorical.from_codes(new_codes, categories=pd.Index(ids))

    def resolve_forvaltning_column(
        self, values: pd.Series, *, file: str, column: str, lines: np.ndarray
    ) -> pd.Series:
        """Map förvaltning names (case- and whitespace-insensitive) to the register's spelling."""
        codes, uniques = pd.factorize(values, sort=False)
        mapped = []
        for v in uniques:
            canonical = self._forvaltning_by_key.get(name_key(v))
            if canonical is None:  # a unit's name or alias also identifies its förvaltning
                uid = self._by_key.get(name_key(v))
                if uid is not None and self.units[uid].forvaltning:
                    canonical = self.units[uid].forvaltning
            mapped.append(canonical)
        unknown = [i for i, m in enumerate(mapped) if m is None]
        if unknown:
            known = _listed(self.forvaltningar, ", ") or "(registret anger inga förvaltningar)"
            problems = []
            for i in unknown:
                first = int(np.flatnonzero(codes == i)[0])
                problems.append(
                    Problem(
                        file,
                        f"okänd förvaltning '{_cut(uniques[i])}'. Kända förvaltningar: {known}. "
                        "Förvaltningarna anges i kolumnen forvaltning i organisation.csv.",
                        int(lines[first]),
                        column,
                    )
                )
            raise InputError(problems)
        return pd.Series(np.asarray(mapped, dtype=object)[codes], index=values.index)
