"""Personnel structure from the HR file: employees by anställningsform and kön, age
distribution, årsarbetare, chefer and personalomsättning.

Every measure is taken at one month (a report for a period uses the period's last
month) from the ``sjukfranvaro`` rows (one per employee and month) and its optional
structure columns ``anstallningsform``, ``chef``, ``sysselsattningsgrad`` and
``chef_id``. Definitions (printed under the report's tables, documented in the data
contract):

* An employee is **anställd** in a month when the file has a row for them in that month.
  An employee with rows of several anställningsformer in a month counts once, in the
  first of tillsvidare, visstid, timavlönad (their *huvudanställning*), in the
  förvaltning of that row (the one with the most ordinary time when there are several).
* **Månadsanställda** are the tillsvidare- and visstidsanställda; timavlönade are not.
* **Åldersgrupper**: age = the month's year − fodelsear, in the bands 0–19, 20–29, 30–39,
  40–49, 50–59 and 60– år; shares in percent of the anställningsform's employees.
* **Årsarbetare**: Σ sysselsattningsgrad / 100 over the månadsanställda; not computed
  (NaN) when any of them lacks a sysselsättningsgrad.
* **Chefer**: månadsanställda with ``chef`` = ja. A chef's **grupp** is the
  tillsvidareanställda of the month whose ``chef_id`` is the chef's ``anstalld``;
  **chefer med fler än 25 anställda** have a grupp of more than :data:`STOR_GRUPP`.
  **Tillsvidareanställda per chef** = tillsvidareanställda / chefer.
* **Personalomsättning** (:data:`OMSATTNING_DEFINITION`): the tillsvidareanställda of
  December the year before who are not månadsanställda anywhere in the kommun in the
  month, in percent of the tillsvidareanställda of that December (per förvaltning: of
  the förvaltning's December tillsvidareanställda; moving to another förvaltning is not
  leaving the kommun).

The functions return unsuppressed counts (internal figures); every published table
applies :func:`analysis.personal.sekretess.dolj_antal` (groups of 10 or fewer, also
against subtraction).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from analysis.core import labels

__all__ = [
    "ALDERSGRUPPER",
    "FORMER",
    "MANADSANSTALLDA",
    "OMSATTNING_DEFINITION",
    "STOR_GRUPP",
    "TOTALT",
    "aldersfordelning",
    "anstallda",
    "arsarbetare",
    "chefer",
    "huvudanstallning",
    "personalomsattning",
    "saknade_uppgifter",
]

TOTALT = labels.TOTALT
#: The anställningsformer, in the order of precedence of a huvudanställning.
FORMER = ("tillsvidare", "visstid", "timavlonad")
MANADSANSTALLDA = ("tillsvidare", "visstid")
#: Age bands: (label, lowest age, highest age or None).
ALDERSGRUPPER = (
    ("0–19 år", 0, 19),
    ("20–29 år", 20, 29),
    ("30–39 år", 30, 39),
    ("40–49 år", 40, 49),
    ("50–59 år", 50, 59),
    ("60– år", 60, None),
)
#: A chef with more than this many tillsvidareanställda in the grupp has a large grupp.
STOR_GRUPP = 25

OMSATTNING_DEFINITION = (
    "Personalomsättning: tillsvidareanställda i december föregående år som inte är "
    "månadsanställda (tillsvidare eller visstid) i kommunen vid periodens slut, i procent "
    "av antalet tillsvidareanställda i december föregående år. Byte av förvaltning inom "
    "kommunen räknas inte som avgång."
)

#: What each measure needs: column → the Swedish message when it is missing.
_SAKNAS = {
    "anstallningsform": "Uppgift om anställningsform saknas i personalfilen",
    "chef": "Uppgift om chef saknas i personalfilen",
    "chef_id": "Uppgift om chef_id (anställdas chef) saknas i personalfilen",
    "sysselsattningsgrad": "Uppgift om sysselsättningsgrad saknas i personalfilen",
}


def saknade_uppgifter(
    personal: pd.DataFrame | None, manad: int, kolumner: Sequence[str]
) -> list[str]:
    """The Swedish messages for the structure columns missing in the month's rows.

    A column counts as missing when the file has no such column or when any of the
    month's rows lacks a value (``anstallningsform``, ``chef``), or when every row
    lacks one (``chef_id``, ``sysselsattningsgrad``, which may be empty for some rows).

    >>> saknade_uppgifter(pd.DataFrame({"period": [202304]}), 202304, ["anstallningsform"])
    ['Uppgift om anställningsform saknas i personalfilen']
    """
    if personal is None:
        return ["Personalfilen saknas"]
    rows = personal[personal["period"] == manad]
    if not len(rows):
        return [f"Personalfilen har inga rader för {_manad_text(manad)}"]
    out = []
    for k in kolumner:
        if k not in rows:
            out.append(_SAKNAS[k])
            continue
        values = rows[k]
        empty = values.isna() if k != "chef_id" else values.isna() | (values.astype(str) == "")
        if (k in ("anstallningsform", "chef") and empty.any()) or empty.all():
            out.append(f"{_SAKNAS[k]} för {_manad_text(manad)}")
    return out


def _manad_text(manad: int) -> str:
    return f"{manad // 100}-{manad % 100:02d}"


def huvudanstallning(personal: pd.DataFrame, manad: int) -> pd.DataFrame:
    """One row per employee in the month: the huvudanställning (see the module).

    Returns a frame with ``anstalld``, ``forvaltning``, ``kon``, ``fodelsear``,
    ``anstallningsform`` (str) and, where the file has them, ``chef`` (bool),
    ``chef_id`` (str, ``""`` for none) and ``sysselsattningsgrad``. Needs
    ``anstallningsform``.
    """
    rows = personal[personal["period"] == manad]
    form = rows["anstallningsform"].astype(str).to_numpy()
    rank = pd.Categorical(form, categories=list(FORMER)).codes
    out = pd.DataFrame(
        {
            "anstalld": rows["anstalld"].astype(str).to_numpy(),
            "forvaltning": rows["forvaltning"].astype(str).to_numpy(),
            "kon": rows["kon"].astype(str).to_numpy(),
            "fodelsear": rows["fodelsear"].to_numpy(dtype=np.int64),
            "anstallningsform": form,
            "_rank": rank,
            "_tid": -rows["ordinarie_tid_h"].to_numpy(dtype=float),
        }
    )
    if "chef" in rows:
        out["chef"] = rows["chef"].to_numpy(dtype=bool)
    if "chef_id" in rows:
        chef_id = rows["chef_id"].astype(object)
        out["chef_id"] = chef_id.where(chef_id.notna(), "").astype(str).to_numpy()
    if "sysselsattningsgrad" in rows:
        out["sysselsattningsgrad"] = rows["sysselsattningsgrad"].to_numpy(dtype=float)
    out = out.sort_values(["anstalld", "_rank", "_tid"], kind="stable")
    out = out.drop_duplicates("anstalld", keep="first").drop(columns=["_rank", "_tid"])
    return out.reset_index(drop=True)


def _forvaltningar(personal: pd.DataFrame, forvaltningar: Sequence[str] | None) -> list[str]:
    if forvaltningar is not None:
        return list(forvaltningar)
    col = personal["forvaltning"]
    if isinstance(col.dtype, pd.CategoricalDtype):
        return [str(c) for c in col.cat.categories]
    return sorted(pd.unique(col.astype(str)).tolist())


def _per_forvaltning(
    h: pd.DataFrame, kolumner: dict[str, pd.Series], forv: list[str]
) -> pd.DataFrame:
    """Counts per förvaltning (``kolumner``: name → bool mask over ``h``) and the
    kommun's row counted straight from the employees (distinct, not a sum)."""
    out = pd.DataFrame(0, index=[*forv, TOTALT], columns=list(kolumner), dtype=np.int64)
    for name, mask in kolumner.items():
        sel = h.loc[mask.to_numpy(dtype=bool)]
        counts = sel.groupby("forvaltning")["anstalld"].nunique()
        counts = counts[counts.index.isin(forv)]
        out.loc[counts.index, name] = counts.to_numpy()
        out.at[TOTALT, name] = sel["anstalld"].nunique()
    out.index.name = "forvaltning"
    return out


def anstallda(
    personal: pd.DataFrame, manad: int, forvaltningar: Sequence[str] | None = None
) -> pd.DataFrame:
    """Employees at the month by anställningsform and kön, per förvaltning and kommun.

    Parameters
    ----------
    personal : DataFrame
        Processed ``sjukfranvaro`` rows with ``anstallningsform``.
    manad : int
        The month, ``yyyymm``.
    forvaltningar : sequence of str, optional
        The rows (default: the register's förvaltningar, i.e. the categories).

    Returns
    -------
    DataFrame
        Index the förvaltningar and ``Totalt``; columns ``manadsanstallda``,
        ``manadsanstallda_kvinnor``, ``manadsanstallda_man``, ``tillsvidare``,
        ``tillsvidare_kvinnor``, ``tillsvidare_man``, ``visstid``, ``visstid_kvinnor``,
        ``visstid_man``, ``timavlonade`` (counts) and ``andel_kvinnor`` (percent of the
        månadsanställda; NaN when there are none).

    Examples
    --------
    >>> df = pd.DataFrame({"period": [202304] * 3, "anstalld": ["a", "b", "c"],
    ...     "forvaltning": ["F"] * 3, "kon": ["K", "M", "K"], "fodelsear": [1980] * 3,
    ...     "ordinarie_tid_h": [160.0, 160.0, 10.0],
    ...     "anstallningsform": ["tillsvidare", "visstid", "timavlonad"]})
    >>> anstallda(df, 202304).loc["F", ["manadsanstallda", "tillsvidare", "andel_kvinnor"]].tolist()
    [2.0, 1.0, 50.0]
    """
    forv = _forvaltningar(personal, forvaltningar)
    h = huvudanstallning(personal, manad)
    form, kon = h["anstallningsform"], h["kon"]
    manads = form.isin(MANADSANSTALLDA)
    cols: dict[str, pd.Series] = {
        "manadsanstallda": manads,
        "manadsanstallda_kvinnor": manads & (kon == "K"),
        "manadsanstallda_man": manads & (kon == "M"),
    }
    for f in MANADSANSTALLDA:
        cols[f] = form == f
        cols[f"{f}_kvinnor"] = (form == f) & (kon == "K")
        cols[f"{f}_man"] = (form == f) & (kon == "M")
    cols["timavlonade"] = form == "timavlonad"
    out = _per_forvaltning(h, cols, forv).astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        out["andel_kvinnor"] = np.where(
            out["manadsanstallda"] > 0,
            100 * out["manadsanstallda_kvinnor"] / out["manadsanstallda"],
            np.nan,
        )
    return out


def _band(age: np.ndarray) -> np.ndarray:
    lows = np.array([lo for _, lo, _ in ALDERSGRUPPER])
    return np.clip(np.searchsorted(lows, age, side="right") - 1, 0, len(lows) - 1)


def aldersfordelning(
    personal: pd.DataFrame, manad: int, forvaltningar: Sequence[str] | None = None
) -> pd.DataFrame:
    """Age distribution of the tillsvidare- and visstidsanställda at the month.

    Returns
    -------
    DataFrame
        One row per förvaltning (and ``Totalt``), anställningsform (``tillsvidare``,
        ``visstid``) and age band (:data:`ALDERSGRUPPER`): ``forvaltning``,
        ``anstallningsform``, ``aldersgrupp``, ``antal`` and ``andel`` (percent of the
        anställningsform's employees in the förvaltning; NaN when there are none).
    """
    forv = _forvaltningar(personal, forvaltningar)
    h = huvudanstallning(personal, manad)
    band = _band(manad // 100 - h["fodelsear"].to_numpy())
    parts = []
    for f in MANADSANSTALLDA:
        cols = {
            g: (h["anstallningsform"] == f) & (band == i)
            for i, (g, _, _) in enumerate(ALDERSGRUPPER)
        }
        tab = _per_forvaltning(h, cols, forv)
        long = tab.stack().rename("antal").reset_index()
        long.columns = ["forvaltning", "aldersgrupp", "antal"]
        long.insert(1, "anstallningsform", f)
        parts.append(long)
    out = pd.concat(parts, ignore_index=True)
    out["antal"] = out["antal"].astype(float)
    total = out.groupby(["forvaltning", "anstallningsform"])["antal"].transform("sum")
    out["andel"] = np.where(total > 0, 100 * out["antal"] / total.where(total > 0, 1), np.nan)
    return out


def arsarbetare(
    personal: pd.DataFrame, manad: int, forvaltningar: Sequence[str] | None = None
) -> pd.DataFrame:
    """Årsarbetare: Σ sysselsättningsgrad / 100 of the månadsanställda at the month.

    Returns
    -------
    DataFrame
        Index the förvaltningar and ``Totalt``; ``arsarbetare`` (NaN where any
        månadsanställd lacks a sysselsättningsgrad), ``manadsanstallda`` and
        ``utan_sysselsattningsgrad`` (månadsanställda without a value).
    """
    forv = _forvaltningar(personal, forvaltningar)
    h = huvudanstallning(personal, manad)
    m = h[h["anstallningsform"].isin(MANADSANSTALLDA)]
    grad = (
        m["sysselsattningsgrad"] if "sysselsattningsgrad" in m else pd.Series(np.nan, index=m.index)
    )
    frame = pd.DataFrame({"forvaltning": m["forvaltning"], "grad": grad, "saknas": grad.isna()})
    out = pd.DataFrame(index=pd.Index([*forv, TOTALT], name="forvaltning"))
    g = frame.groupby("forvaltning")
    sums, n, saknas = g["grad"].sum() / 100, g.size(), g["saknas"].sum()
    out["manadsanstallda"] = n.reindex(out.index).fillna(0)
    out["utan_sysselsattningsgrad"] = saknas.reindex(out.index).fillna(0)
    out["arsarbetare"] = sums.reindex(out.index).fillna(0)
    out.at[TOTALT, "manadsanstallda"] = len(frame)
    out.at[TOTALT, "utan_sysselsattningsgrad"] = int(frame["saknas"].sum())
    out.at[TOTALT, "arsarbetare"] = frame["grad"].sum() / 100
    out.loc[out["utan_sysselsattningsgrad"] > 0, "arsarbetare"] = np.nan
    return out[["arsarbetare", "manadsanstallda", "utan_sysselsattningsgrad"]].astype(float)


def chefer(
    personal: pd.DataFrame, manad: int, forvaltningar: Sequence[str] | None = None
) -> pd.DataFrame:
    """Chefer at the month and the size of their grupper (see the module).

    Returns
    -------
    DataFrame
        Index the förvaltningar and ``Totalt``; ``chefer``, ``chefer_over_25`` (NaN
        without ``chef_id``), ``tillsvidare`` and ``tillsvidare_per_chef`` (NaN without
        chefer). A chef counts in the förvaltning of the chef's own row; the grupp is
        counted over the whole kommun.
    """
    forv = _forvaltningar(personal, forvaltningar)
    h = huvudanstallning(personal, manad)
    manads = h["anstallningsform"].isin(MANADSANSTALLDA)
    ar_chef = manads & h["chef"]
    tv = h["anstallningsform"] == "tillsvidare"
    cols = {"chefer": ar_chef, "tillsvidare": tv}
    if "chef_id" in h:
        grupp = h.loc[tv & (h["chef_id"] != ""), "chef_id"].value_counts()
        storlek = h["anstalld"].map(grupp).fillna(0)
        cols["chefer_over_25"] = ar_chef & (storlek > STOR_GRUPP)
    out = _per_forvaltning(h, cols, forv).astype(float)
    if "chefer_over_25" not in out:
        out["chefer_over_25"] = np.nan
    out["tillsvidare_per_chef"] = out["tillsvidare"] / out["chefer"].where(out["chefer"] > 0)
    return out[["chefer", "chefer_over_25", "tillsvidare", "tillsvidare_per_chef"]]


def personalomsattning(
    personal: pd.DataFrame, manad: int, forvaltningar: Sequence[str] | None = None
) -> pd.DataFrame:
    """Personalomsättning from December the year before to the month
    (:data:`OMSATTNING_DEFINITION`).

    Returns
    -------
    DataFrame
        Index the förvaltningar and ``Totalt``; ``tillsvidare_december`` (the base),
        ``slutat`` (of them, not månadsanställda in the kommun in the month) and
        ``procent`` (NaN without a base). All NaN when the file has no rows for
        December the year before.
    """
    forv = _forvaltningar(personal, forvaltningar)
    december = (manad // 100 - 1) * 100 + 12
    index = pd.Index([*forv, TOTALT], name="forvaltning")
    if not (personal["period"] == december).any() or not (personal["period"] == manad).any():
        return pd.DataFrame(
            np.nan, index=index, columns=["tillsvidare_december", "slutat", "procent"]
        )
    bas = huvudanstallning(personal, december)
    bas = bas[bas["anstallningsform"] == "tillsvidare"]
    nu = huvudanstallning(personal, manad)
    kvar = set(nu.loc[nu["anstallningsform"].isin(MANADSANSTALLDA), "anstalld"])
    slutat = ~bas["anstalld"].isin(kvar)
    out = _per_forvaltning(
        bas, {"tillsvidare_december": pd.Series(True, index=bas.index), "slutat": slutat}, forv
    ).astype(float)
    out["procent"] = (
        100 * out["slutat"] / out["tillsvidare_december"].where(out["tillsvidare_december"] > 0)
    )
    return out
