"""The labour market of the kommun: *inskrivna arbetslösa* (Arbetsförmedlingen) in the
report month, a year and two years earlier, for the kommun, its län and riket.

The input is the ``arbetsloshet`` frame (:mod:`analysis.io.arbetsmarknad`): one row per
month, area and group with ``andel`` (percent of the registerbaserade arbetskraften),
``antal`` and ``arbetskraft`` (persons, NaN where absent). :func:`arbetsloshet` picks the
month (the report period's last month, or the latest month before it with a figure for
the kommun), the areas and the comparisons; :func:`arbetsloshet_text` writes the
paragraph of the delårsrapport. A figure the files do not give stays missing (NaN): it
is left out of the text and shown as ``–`` in a table, never taken as zero.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.core.errors import ModellError
from analysis.core.format import antal, tal
from analysis.core.period import Period
from analysis.core.register import name_key

#: The groups, in the order of the tables.
GRUPPER = ("16-64", "18-24", "utrikes_fodda")
#: The groups' names in tables and charts.
GRUPPNAMN = {
    "16-64": "16–64 år",
    "18-24": "Ungdomar 18–24 år",
    "utrikes_fodda": "Utrikes födda 16–64 år",
}
#: The order of the area types in the tables.
TYPORDNING = {"kommun": 0, "lan": 1, "riket": 2}
#: The text when the kommun has no labour-market files.
SAKNAS = "Uppgifter om arbetslösheten saknas (mappen arbetsmarknad/)."
#: The value columns of :attr:`Arbetsloshet.jamforelse`: the month, one and two years earlier.
ANDELAR = ("andel", "andel_1ar", "andel_2ar")
ANTAL = ("antal", "antal_1ar", "antal_2ar")


@dataclass(frozen=True)
class Arbetsloshet:
    """The labour-market figures of one report period.

    Attributes
    ----------
    period : Period
        The report period.
    manad : Period
        The month shown: the period's last month, or the latest month before it with the
        kommun's share 16–64 år.
    kommun, lan, riket : str
        The areas' names as in the file (``lan`` the first län in the file, ``riket``
        ``None`` when absent).
    jamforelse : DataFrame
        One row per group and area: ``grupp``, ``omradestyp``, ``omrade``, the shares
        :data:`ANDELAR` and counts :data:`ANTAL` (NaN when the file has none), and the
        changes ``andel_forandring_1ar`` (procentenheter), ``antal_forandring_1ar``,
        ``antal_forandring_2ar`` (persons).
    serier : DataFrame
        The share 16–64 år month by month for the kommun, its län and riket over the
        last months up to ``manad``: ``period`` (yyyymm), ``omradestyp``, ``omrade``,
        ``andel``.
    """

    period: Period
    manad: Period
    kommun: str
    lan: str | None
    riket: str | None
    jamforelse: pd.DataFrame
    serier: pd.DataFrame

    def varde(self, grupp: str, omradestyp: str, kolumn: str) -> float:
        """A value of :attr:`jamforelse` for the kommun, its (first) län or riket; NaN
        when absent.

        >>> a = Arbetsloshet(Period(2023, 4), Period(2023, 4), "K", None, None,
        ...     pd.DataFrame({"grupp": ["16-64"], "omradestyp": ["kommun"],
        ...                   "omrade": ["K"], "andel": [4.9]}), pd.DataFrame())
        >>> a.varde("16-64", "kommun", "andel"), math.isnan(a.varde("18-24", "kommun", "andel"))
        (4.9, True)
        """
        namn = {"kommun": self.kommun, "lan": self.lan, "riket": self.riket}[omradestyp]
        j = self.jamforelse
        if namn is None or kolumn not in j:
            return math.nan
        rad = j[(j["grupp"] == grupp) & (j["omrade"] == namn)]
        if not len(rad):
            return math.nan
        return float(rad[kolumn].iloc[0])


def manad_bakat(code: int, years: int) -> int:
    """The same month ``years`` years earlier (yyyymm).

    >>> manad_bakat(202304, 2)
    202104
    """
    return int(code) - 100 * years


def _valj_kommun(frame: pd.DataFrame, kommun: str | None) -> str:
    names = list(dict.fromkeys(frame.loc[frame["omradestyp"] == "kommun", "omrade"]))
    if not names:
        raise ModellError(
            "Filerna i arbetsmarknad/ har inga rader för en kommun (områdestyp kommun); "
            "uppgifter om arbetslösheten i kommunen saknas."
        )
    if len(names) == 1:
        return str(names[0])
    if kommun is not None:
        want = {name_key(kommun), name_key(f"{kommun} kommun")}
        for n in names:
            if name_key(n) in want or name_key(f"{n} kommun") in want:
                return str(n)
    shown = ", ".join(str(n) for n in names[:10])
    raise ModellError(
        f"Filerna i arbetsmarknad/ har flera kommuner ({shown}) och ingen av dem heter "
        f"{kommun or '(okänt namn)'}; ta bara med kommunens egna rader, länet och riket."
    )


def arbetsloshet(
    frame: pd.DataFrame | None,
    period: Period | str,
    kommun: str | None = None,
    manader: int = 36,
) -> Arbetsloshet:
    """The figures of the report ``period`` from the ``arbetsloshet`` frame.

    Only months up to the period's last month are used (also without
    :meth:`~analysis.io.dataset.Dataset.as_of`). ``kommun`` is the kommun's name, used
    when the file holds several kommuner; ``manader`` is the length of the series.

    Raises
    ------
    ModellError
        When there is no file (:data:`SAKNAS`), no kommun, several kommuner none named
        ``kommun``, or no share 16–64 år for the kommun up to the period.
    """
    period = Period.parse(period)
    if frame is None:
        raise ModellError(SAKNAS)
    frame = frame[frame["period"].to_numpy(dtype=np.int64) <= period.code]
    if not len(frame):
        raise ModellError(
            f"Uppgifter om arbetslösheten saknas för {period.month_name} {period.year} och "
            "tidigare (mappen arbetsmarknad/)."
        )
    namn = _valj_kommun(frame, kommun)
    egen = frame[(frame["omrade"] == namn) & (frame["grupp"] == "16-64") & frame["andel"].notna()]
    if not len(egen):
        raise ModellError(
            f"Arbetslösheten 16–64 år i {namn} saknas för {period.month_name} {period.year} "
            "och tidigare (mappen arbetsmarknad/)."
        )
    manad = Period.from_code(int(egen["period"].max()))
    lans = list(dict.fromkeys(frame.loc[frame["omradestyp"] == "lan", "omrade"]))
    riken = list(dict.fromkeys(frame.loc[frame["omradestyp"] == "riket", "omrade"]))
    omraden = [(namn, "kommun")] + [(str(n), "lan") for n in lans]
    omraden += [(str(n), "riket") for n in riken]

    months = [manad_bakat(manad.code, y) for y in range(3)]
    rows = []
    for grupp in GRUPPER:
        for omrade, typ in omraden:
            sub = frame[(frame["omrade"] == omrade) & (frame["grupp"] == grupp)]
            if not len(sub):
                continue
            by = sub.set_index("period")
            row: dict[str, object] = {"grupp": grupp, "omradestyp": typ, "omrade": omrade}
            for col_a, col_n, m in zip(ANDELAR, ANTAL, months, strict=True):
                row[col_a] = float(by.at[m, "andel"]) if m in by.index else math.nan
                row[col_n] = float(by.at[m, "antal"]) if m in by.index else math.nan
            rows.append(row)
    j = pd.DataFrame(rows, columns=["grupp", "omradestyp", "omrade", *ANDELAR, *ANTAL])
    j["andel_forandring_1ar"] = j["andel"] - j["andel_1ar"]
    j["antal_forandring_1ar"] = j["antal"] - j["antal_1ar"]
    j["antal_forandring_2ar"] = j["antal"] - j["antal_2ar"]

    lan = str(lans[0]) if lans else None
    riket = str(riken[0]) if riken else None
    start = manad.year * 12 + manad.month - 1 - (max(1, manader) - 1)
    first = (start // 12) * 100 + start % 12 + 1
    shown = [n for n in (namn, lan, riket) if n is not None]
    s = frame[
        (frame["grupp"] == "16-64")
        & frame["omrade"].isin(shown)
        & (frame["period"] >= first)
        & (frame["period"] <= manad.code)
    ]
    serier = (
        s[["period", "omradestyp", "omrade", "andel"]]
        .assign(_o=s["omrade"].map({n: i for i, n in enumerate(shown)}))
        .sort_values(["_o", "period"], kind="stable")
        .drop(columns="_o")
        .reset_index(drop=True)
    )
    return Arbetsloshet(period, manad, namn, lan, riket, j.reset_index(drop=True), serier)


def _procent(value: float) -> str:
    return f"{tal(value, 1)} procent"


def _finns(value: float) -> bool:
    return value is not None and math.isfinite(value)


def _jamfort(change: float, when: str) -> str:
    if round(change) == 0:
        return f"lika många som {when}"
    return f"{antal(abs(change))} {'färre' if change < 0 else 'fler'} än {when}"


def manad_i_text(a: Arbetsloshet) -> str:
    """The month as the text names it: ``april``, or ``mars 2023 (den senaste månaden med
    uppgifter)`` when it is not the period's last month."""
    if a.manad.code == a.period.code:
        return a.manad.month_name
    return f"{a.manad.month_name} {a.manad.year} (den senaste månaden med uppgifter)"


def arbetsloshet_text(a: Arbetsloshet, namn: str | None = None) -> str:
    """The paragraph of the delårsrapport, in the words of the published report.

    ``namn`` is the kommun's name (default: its name in the file). Every comparison the
    files do not give is left out, never written as zero.
    """
    namn = namn or a.kommun
    v = a.varde
    k0, k1 = v("16-64", "kommun", "andel"), v("16-64", "kommun", "andel_1ar")
    out = f"Arbetslösheten i {namn} var {_procent(k0)} i {manad_i_text(a)}"
    out += f", jämfört med {_procent(k1)} ett år tidigare." if _finns(k1) else "."
    sentences = [out]

    l0, r0 = v("16-64", "lan", "andel"), v("16-64", "riket", "andel")
    if a.lan is not None and _finns(l0):
        s = f"I {a.lan} var den {_procent(l0)}"
        s += f" och i riket {_procent(r0)}." if _finns(r0) else "."
        sentences.append(s)
    elif _finns(r0):
        sentences.append(f"I riket var den {_procent(r0)}.")

    u0, u1 = v("18-24", "kommun", "andel"), v("18-24", "kommun", "andel_1ar")
    f0, fl = v("utrikes_fodda", "kommun", "andel"), v("utrikes_fodda", "lan", "andel")
    delar = []
    if _finns(u0):
        s = f"ungdomar 18–24 år var arbetslösheten {_procent(u0)}"
        delar.append(s + (f" ({_procent(u1)} året innan)" if _finns(u1) else ""))
    if _finns(f0):
        s = "utrikes födda" + ("" if delar else " var arbetslösheten") + f" {_procent(f0)}"
        delar.append(s + (f" ({_procent(fl)} i {a.lan})" if _finns(fl) else ""))
    if delar:
        sentences.append("Bland " + " och bland ".join(delar) + ".")

    n0, n1, n2 = (v("16-64", "kommun", c) for c in ANTAL)
    if _finns(n0):
        s = f"Antalet inskrivna arbetslösa var {antal(n0)} i {a.manad.month_name}"
        jmf = []
        if _finns(n1):
            jmf.append(_jamfort(n0 - n1, "ett år tidigare"))
        if _finns(n2):
            jmf.append(_jamfort(n0 - n2, "två år tidigare"))
        sentences.append(s + (", " + " och ".join(jmf) if jmf else "") + ".")
    return " ".join(sentences)
