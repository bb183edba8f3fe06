"""The kommun's pension obligations (pensionsförpliktelser) as the årsredovisning's note
shows them (RKR R10, LKBR ch. 5 § 4 and ch. 10): the avsättning in the balance sheet, the
ansvarsförbindelse outside it (pensions earned before 1998), both including särskild
löneskatt, the total obligation, the funds managed for it and the *återlånade medel* (the
obligation not matched by managed funds, lent back to the operations).

Input: the ``pension`` frame (:mod:`analysis.io.finans`), kr, positive. The table is the
latest calculation known at the period's end (the frame of ``Dataset.as_of`` holds only
those), with its date; amounts in tkr.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from analysis.core.format import mkr
from analysis.core.period import Period

#: Rows of :func:`pensionsforpliktelser`: id and Swedish label.
RADER = [
    ("avsattning", "Avsättning för pensioner inkl. löneskatt"),
    ("visstidspension", "varav visstidspension"),
    ("ansvarsforbindelse", "Ansvarsförbindelse för pensioner inkl. löneskatt"),
    ("total_forpliktelse", "Total pensionsförpliktelse"),
    ("forvaltade_medel", "Förvaltade pensionsmedel (marknadsvärde)"),
    ("aterlanade_medel", "Återlånade medel"),
]
#: The rate of särskild löneskatt on pension costs (lag 1991:687), percent.
LONESKATT_PROCENT = 24.26


def berakning_vid(pension: pd.DataFrame | None, period: Period) -> int | None:
    """The date (yyyymm) of the latest calculation at or before ``period``, ``None`` if none."""
    if pension is None or not len(pension):
        return None
    codes = pension["period"].to_numpy(dtype=np.int64)
    known = codes[codes <= period.code]
    return int(known.max()) if len(known) else None


def poster(pension: pd.DataFrame, code: int) -> dict[str, float]:
    """The items (kr) of the calculation ``code``."""
    rows = pension[pension["period"] == code]
    return {str(k): float(v) for k, v in zip(rows["post"], rows["belopp_kr"], strict=True)}


def _belopp(p: dict[str, float]) -> dict[str, float]:
    """tkr per row of :data:`RADER` from a calculation's items (kr)."""
    avs = p["avsattning"] + p.get("avsattning_loneskatt", 0.0)
    ansv = p["ansvarsforbindelse"] + p.get("ansvarsforbindelse_loneskatt", 0.0)
    total = avs + ansv
    forv = p.get("forvaltade_medel", math.nan)
    return {
        "avsattning": avs / 1000,
        "visstidspension": p.get("visstidspension", math.nan) / 1000,
        "ansvarsforbindelse": ansv / 1000,
        "total_forpliktelse": total / 1000,
        "forvaltade_medel": forv / 1000,
        "aterlanade_medel": (total - forv) / 1000,
    }


def pensionsforpliktelser(
    pension: pd.DataFrame | None, period: Period | str
) -> pd.DataFrame | None:
    """The pension obligations at the latest calculation known at the end of ``period``.

    Columns ``id``, ``rad``, ``tkr`` (that calculation) and ``fg_ar`` (the latest
    calculation at or before the previous year-end, NaN without one). A row whose item the
    file lacks (visstidspension, förvaltade medel) is NaN — and then so are the återlånade
    medel — never 0. ``attrs['berakning']`` / ``attrs['berakning_fg_ar']``: the dates
    (yyyymm). ``None`` when no calculation is known.

    >>> f = pd.DataFrame({"period": [202304] * 3, "post": ["avsattning", "ansvarsforbindelse",
    ...                   "forvaltade_medel"], "belopp_kr": [100e3, 300e3, 50e3]})
    >>> t = pensionsforpliktelser(f, "2023-04").set_index("id")["tkr"]
    >>> t.to_dict()  # doctest: +NORMALIZE_WHITESPACE
    {'avsattning': 100.0, 'visstidspension': nan, 'ansvarsforbindelse': 300.0,
     'total_forpliktelse': 400.0, 'forvaltade_medel': 50.0, 'aterlanade_medel': 350.0}
    """
    period = Period.parse(period)
    code = berakning_vid(pension, period)
    if code is None or pension is None:
        return None
    now = _belopp(poster(pension, code))
    fg_code = berakning_vid(pension, Period(period.year - 1, 12))
    fg = _belopp(poster(pension, fg_code)) if fg_code is not None else {}
    out = pd.DataFrame(
        {
            "id": [k for k, _ in RADER],
            "rad": [r for _, r in RADER],
            "tkr": [now[k] for k, _ in RADER],
            "fg_ar": [fg.get(k, math.nan) for k, _ in RADER],
        }
    )
    out.attrs["berakning"] = code
    out.attrs["berakning_fg_ar"] = fg_code
    return out


def ansvarsforbindelse_tkr(pension: pd.DataFrame | None, period: Period) -> float:
    """The ansvarsförbindelse incl. löneskatt (tkr) of the latest calculation known at the
    end of ``period``; NaN without one."""
    code = berakning_vid(pension, period)
    if code is None or pension is None:
        return math.nan
    return _belopp(poster(pension, code))["ansvarsforbindelse"]


def pension_text(tabell: pd.DataFrame | None, period: Period) -> str:
    """The sentence under the table: the date of the calculation and the change since the
    previous year-end; says so when no calculation is known."""
    if tabell is None:
        return (
            f"Uppgift saknas: det finns ingen pensionsberäkning per {period.short_label} "
            "(filen ekonomi/pension.csv)."
        )
    code = int(tabell.attrs["berakning"])
    t = tabell.set_index("id")
    total = float(t.loc["total_forpliktelse", "tkr"])
    text = (
        f"Pensionsförpliktelserna enligt den senaste skuldberäkningen, per "
        f"{code // 100}-{code % 100:02d}, uppgår till "
        f"{mkr(total, decimaler=None, enhet='miljoner kronor')} inklusive löneskatt."
    )
    fg = float(t.loc["total_forpliktelse", "fg_ar"])
    if math.isfinite(fg) and abs(total - fg) < 0.5:
        text += f" Det är oförändrat sedan årsskiftet {period.year - 1}/{period.year}."
    elif math.isfinite(fg):
        diff = total - fg
        text += (
            f" Det är {mkr(abs(diff), decimaler=None, enhet='miljoner kronor')} "
            + ("mer" if diff > 0 else "mindre")
            + f" än vid årsskiftet {period.year - 1}/{period.year}."
        )
    aterl = float(t.loc["aterlanade_medel", "tkr"])
    if math.isfinite(aterl):
        text += (
            f" Av förpliktelsen är {mkr(aterl, decimaler=None, enhet='miljoner kronor')} "
            "återlånade medel, det vill säga inte täckta av förvaltade pensionsmedel."
        )
    else:
        text += (
            " Uppgift om förvaltade pensionsmedel saknas, så de återlånade medlen kan inte anges."
        )
    return text
