"""The checks of the personnel structure (:mod:`analysis.personal.struktur`).

Each check compares a figure of the structure tables with the same figure reached by
another path: the kommun's row against the sum of the förvaltningar' rows, parts against
their whole, and the kommun's figures against the raw person-month rows counted in
plain pandas (without the huvudanställning logic of the tables).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from analysis.core.labels import TOTALT
from analysis.kontroller.bas import Kontroller

__all__ = ["kontrollera_personalstruktur"]

GRUPP = "Personalstruktur"
_ANTAL = (
    "manadsanstallda",
    "manadsanstallda_kvinnor",
    "manadsanstallda_man",
    "tillsvidare",
    "tillsvidare_kvinnor",
    "tillsvidare_man",
    "visstid",
    "visstid_kvinnor",
    "visstid_man",
)


def _rader(personal: pd.DataFrame, manad: int) -> pd.DataFrame:
    return personal[personal["period"].to_numpy() == manad]


def kontrollera_personalstruktur(
    k: Kontroller,
    personal: pd.DataFrame,
    manad: int,
    anstallda: pd.DataFrame | None,
    alder: pd.DataFrame | None = None,
    chefer: pd.DataFrame | None = None,
    arsarbetare: pd.DataFrame | None = None,
    omsattning: pd.DataFrame | None = None,
) -> None:
    """Check the structure tables of ``manad`` (yyyymm) against each other and the rows.

    Parameters
    ----------
    k : Kontroller
    personal : DataFrame
        The processed ``sjukfranvaro`` rows the tables were computed from.
    manad : int
        The month of the tables.
    anstallda, alder, chefer, arsarbetare, omsattning : DataFrame or None
        The tables of :mod:`analysis.personal.struktur`; a ``None`` table is not checked.
    """
    rows = _rader(personal, manad)
    if anstallda is not None:
        forv = anstallda.drop(index=TOTALT)
        for col in _ANTAL:
            k.summa(
                GRUPP,
                f"{col}: kommunen = summan av förvaltningarna",
                forv[col].tolist(),
                float(anstallda.at[TOTALT, col]),
                0,
            )
        for rad in anstallda.index:
            for helhet in ("manadsanstallda", "tillsvidare", "visstid"):
                k.summa(
                    GRUPP,
                    f"{rad}, {helhet}: kvinnor + män = totalt",
                    [anstallda.at[rad, f"{helhet}_kvinnor"], anstallda.at[rad, f"{helhet}_man"]],
                    float(anstallda.at[rad, helhet]),
                    0,
                )
            k.summa(
                GRUPP,
                f"{rad}: tillsvidare + visstid = månadsanställda",
                [anstallda.at[rad, "tillsvidare"], anstallda.at[rad, "visstid"]],
                float(anstallda.at[rad, "manadsanstallda"]),
                0,
            )
        form = rows["anstallningsform"].astype(str)
        for f, col in (("tillsvidare", "tillsvidare"), ("visstid", "visstid")):
            k.lika(
                GRUPP,
                f"kommunens {col} = anställda med raden {f} i personalfilen",
                float(anstallda.at[TOTALT, col]),
                float(rows.loc[(form == f).to_numpy(), "anstalld"].nunique()),
                0,
            )
        k.lika(
            GRUPP,
            "kommunens andel kvinnor = kvinnor / månadsanställda i personalfilen",
            float(anstallda.at[TOTALT, "andel_kvinnor"]),
            _andel_kvinnor(rows),
            1e-9,
        )
    if alder is not None:
        pos = alder.groupby(["forvaltning", "anstallningsform"])["antal"].transform("sum") > 0
        sums = alder[pos].groupby(["forvaltning", "anstallningsform"])["andel"].sum()
        for (rad, f), s in sums.items():
            k.lika(GRUPP, f"{rad}, {f}: åldersgruppernas andelar summerar till 100", s, 100.0, 0.1)
        if anstallda is not None:
            antal = alder.groupby(["forvaltning", "anstallningsform"])["antal"].sum()
            for (rad, f), n in antal.items():
                k.lika(
                    GRUPP,
                    f"{rad}, {f}: åldersgruppernas antal = antal {f}",
                    float(n),
                    float(anstallda.at[rad, f]),
                    0,
                )
    if chefer is not None:
        for rad in chefer.index:
            c, s = chefer.at[rad, "chefer"], chefer.at[rad, "chefer_over_25"]
            if not math.isnan(s):
                k.villkor(GRUPP, f"{rad}: chefer med fler än 25 anställda ≤ chefer", s <= c, s)
        k.summa(
            GRUPP,
            "chefer: kommunen = summan av förvaltningarna",
            chefer.drop(index=TOTALT)["chefer"].tolist(),
            float(chefer.at[TOTALT, "chefer"]),
            0,
        )
        if "chef" in rows:
            manads = rows["anstallningsform"].astype(str).isin(["tillsvidare", "visstid"])
            is_chef = rows["chef"].to_numpy(dtype=bool) & manads.to_numpy()
            k.lika(
                GRUPP,
                "kommunens chefer = anställda med chef = ja i personalfilen",
                float(chefer.at[TOTALT, "chefer"]),
                float(rows.loc[is_chef, "anstalld"].nunique()),
                0,
            )
    if arsarbetare is not None:
        for rad in arsarbetare.index:
            a = arsarbetare.at[rad, "arsarbetare"]
            if not math.isnan(a):
                k.villkor(
                    GRUPP,
                    f"{rad}: årsarbetare ≤ månadsanställda",
                    a <= arsarbetare.at[rad, "manadsanstallda"] + 1e-9,
                    a,
                )
        if "sysselsattningsgrad" in rows:
            manads = rows["anstallningsform"].astype(str).isin(["tillsvidare", "visstid"])
            grad = rows.loc[manads.to_numpy(), "sysselsattningsgrad"].to_numpy(dtype=float)
            direkt = float(grad.sum() / 100) if not np.isnan(grad).any() else math.nan
            k.lika(
                GRUPP,
                "kommunens årsarbetare = Σ sysselsättningsgrad / 100 i personalfilen",
                float(arsarbetare.at[TOTALT, "arsarbetare"]),
                direkt,
                1e-6,
            )
    if omsattning is not None and not omsattning["tillsvidare_december"].isna().all():
        for col in ("tillsvidare_december", "slutat"):
            k.summa(
                GRUPP,
                f"personalomsättning, {col}: kommunen = summan av förvaltningarna",
                omsattning.drop(index=TOTALT)[col].tolist(),
                float(omsattning.at[TOTALT, col]),
                0,
            )
        k.lika(
            GRUPP,
            "kommunens personalomsättning = avgångna / tillsvidareanställda i december "
            "i personalfilen",
            float(omsattning.at[TOTALT, "procent"]),
            _omsattning_direkt(personal, manad),
            1e-9,
        )


def _andel_kvinnor(rows: pd.DataFrame) -> float:
    form = rows["anstallningsform"].astype(str)
    m = rows[form.isin(["tillsvidare", "visstid"]).to_numpy()]
    n = m["anstalld"].nunique()
    if not n:
        return math.nan
    return 100 * m.loc[(m["kon"].astype(str) == "K").to_numpy(), "anstalld"].nunique() / n


def _omsattning_direkt(personal: pd.DataFrame, manad: int) -> float:
    december = (manad // 100 - 1) * 100 + 12
    dec = _rader(personal, december)
    nu = _rader(personal, manad)
    bas = set(
        dec.loc[(dec["anstallningsform"].astype(str) == "tillsvidare").to_numpy(), "anstalld"]
    )
    kvar = set(
        nu.loc[
            nu["anstallningsform"].astype(str).isin(["tillsvidare", "visstid"]).to_numpy(),
            "anstalld",
        ]
    )
    if not bas:
        return math.nan
    return 100 * len(bas - kvar) / len(bas)
