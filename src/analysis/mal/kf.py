"""Follow-up per fullmäktige goal (KF-mål): which nämnder's goals contribute, how their
mätetal stand, and an example — as the kommun report's section on the övergripande mål
(Luleå's delårsrapport §2.2: "I kommunkoncernen är det framför allt … som bidrar till
måluppfyllnad", then an example of a nämnd goal).

A mätetal names the KF-mål it serves in the optional column ``kf_mal`` of
``mal/matetal`` (header ``kf_mal`` or ``KF-mål``); several KF-mål are separated by ``|``
(a mätetal counts under each of them). The link of a mätetal is that of its latest row
of the report's year known at the period's end (the row :func:`analysis.mal.matetal.matetal`
uses), else of any earlier row of the year. Without the column, or with it empty
everywhere, nothing is linked (:func:`kf_kopplade` is False) and the report says so.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.core.period import Period
from analysis.core.register import name_key
from analysis.io.dataset import Dataset
from analysis.mal.status import STATUS_TEXT, STATUSAR

#: The column of ``mal/matetal`` naming the KF-mål.
KF_KOLUMN = "kf_mal"
#: The label of the mätetal linked to no KF-mål.
EJ_KOPPLAD = "Ej kopplade till något KF-mål"
#: The columns of :func:`kf_uppfoljning`.
KF_COLUMNS = ["kf_mal", "namnder", "mal", "matetal", *[STATUS_TEXT[s] for s in STATUSAR]]


def _delar(text: object) -> list[str]:
    """'Jämlik hälsa | Delaktighet' → ['Jämlik hälsa', 'Delaktighet'] (empties dropped)."""
    if text is None or (isinstance(text, float) and np.isnan(text)):
        return []
    out = []
    for part in str(text).split("|"):
        p = " ".join(part.split())
        if p and p.casefold() not in ("nan", "none"):
            out.append(p)
    return out


def kf_kopplade(data: Dataset) -> bool:
    """Whether the kommun's mätetal name KF-mål at all (the column exists and is not
    empty everywhere)."""
    frame = data.frames.get("matetal")
    if frame is None or KF_KOLUMN not in frame:
        return False
    return any(_delar(v) for v in frame[KF_KOLUMN])


def _koppling(data: Dataset, period: Period) -> dict[tuple[str, str, str], list[str]]:
    """(namnd, mål key, mätetal key) → KF-mål, from the report year's rows known at the
    end of ``period`` (the latest row with a link wins)."""
    frame = data.frames.get("matetal")
    if frame is None or KF_KOLUMN not in frame:
        return {}
    f = frame[frame["ar"].astype(int) == period.year]
    code = (
        pd.to_numeric(f["period"], errors="coerce").fillna(0).astype(np.int64)
        if "period" in f
        else pd.Series(0, index=f.index)
    )
    f = f[(code == 0) | (code <= period.code)].assign(_code=code)
    f = f.assign(_pos=np.arange(len(f))).sort_values(["_code", "_pos"], kind="stable")
    out: dict[tuple[str, str, str], list[str]] = {}
    for r in f.itertuples(index=False):
        kf = _delar(getattr(r, KF_KOLUMN))
        if kf:
            out[(str(r.namnd), name_key(r.mal), name_key(r.matetal))] = kf
    return out


def med_kf_mal(mt: pd.DataFrame, data: Dataset, period: Period | str) -> pd.DataFrame:
    """``mt`` (:func:`analysis.mal.matetal.matetal`) with a column ``kf_mal``: the list
    of KF-mål each mätetal serves (empty list when it names none)."""
    p = Period.parse(period)
    link = _koppling(data, p)
    out = mt.copy()
    out["kf_mal"] = [
        list(link.get((str(r.namnd), name_key(r.mal), name_key(r.matetal)), []))
        for r in mt.itertuples(index=False)
    ]
    return out


def kf_uppfoljning(mt_kf: pd.DataFrame, data: Dataset) -> pd.DataFrame:
    """The status counts per KF-mål (the KF-mål in order of first appearance, then
    :data:`EJ_KOPPLAD` when some mätetal name none).

    Parameters
    ----------
    mt_kf : DataFrame
        From :func:`med_kf_mal`.
    data : Dataset
        For the register (the nämnder in register order).

    Returns
    -------
    DataFrame
        :data:`KF_COLUMNS`: ``kf_mal``, ``namnder`` (the names of the nämnder whose
        mätetal serve it, register order), ``mal`` (distinct nämnd goals), ``matetal``,
        and the counts ``Grön``, ``Gul``, ``Röd``, ``Ej bedömd`` (summing to
        ``matetal``). A mätetal serving two KF-mål counts under both.
    """
    rows = mt_kf.explode("kf_mal")
    rows["kf_mal"] = rows["kf_mal"].fillna(EJ_KOPPLAD)
    order = [k for k in dict.fromkeys(rows["kf_mal"]) if k != EJ_KOPPLAD]
    if (rows["kf_mal"] == EJ_KOPPLAD).any():
        order.append(EJ_KOPPLAD)
    ids = data.register.ids
    out = []
    for kf in order:
        sub = rows[rows["kf_mal"] == kf]
        units = set(sub["namnd"])
        counts = sub["status"].value_counts()
        out.append(
            {
                "kf_mal": kf,
                "namnder": [data.register.namn(u) for u in ids if u in units],
                "mal": int(sub[["namnd", "mal"]].map(name_key).drop_duplicates().shape[0]),
                "matetal": len(sub),
                **{STATUS_TEXT[s]: int(counts.get(s, 0)) for s in STATUSAR},
            }
        )
    return pd.DataFrame(out, columns=KF_COLUMNS)


def exempel(mt_kf: pd.DataFrame, kf: str) -> pd.DataFrame:
    """The example of a nämnd goal for a KF-mål: the mätetal of the nämnd goal with the
    most mätetal serving ``kf`` (the first in file order on a tie). Empty when none."""
    sub = mt_kf[[kf in v for v in mt_kf["kf_mal"]]]
    if sub.empty:
        return sub
    keys = list(zip(sub["namnd"], sub["mal"].map(name_key), strict=True))
    counts: dict[tuple[str, str], int] = {}
    for key in keys:
        counts[key] = counts.get(key, 0) + 1
    best = max(counts, key=lambda k: (counts[k], -keys.index(k)))
    mask = [k == best for k in keys]
    return sub[mask]
