"""The personnel-structure section: månadsanställda by anställningsform and kön, age
distribution, chefer, årsarbetare and personalomsättning, per förvaltning and for the
kommun, at the period's last month (:mod:`analysis.personal.struktur`).

The sections of a notebook: :func:`forbered` (computed once), :func:`visa_personalstruktur`
(the tables, or the text saying which column of the personnel file is missing),
:func:`kontrollera` (the checks of :mod:`analysis.kontroller.personal`) and
:func:`exportblad` (the export sheet ``personalstruktur``). Every count and share by
förvaltning × anställningsform × kön or age band follows one suppression pattern
(:func:`analysis.personal.sekretess.dolj_antal`): suppressed cells are shown as "–" and
are empty in the export, never the number.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from IPython.display import Markdown, display

from analysis.core.labels import TOTALT
from analysis.core.period import Period
from analysis.io.dataset import Dataset
from analysis.kontroller.bas import Kontroller
from analysis.kontroller.personal import kontrollera_personalstruktur
from analysis.personal import struktur
from analysis.personal.sekretess import MIN_GROUP, dolj_antal
from analysis.rapport.tables import show_table

__all__ = [
    "BLAD",
    "Personalstruktur",
    "exportblad",
    "forbered",
    "kontrollera",
    "visa_personalstruktur",
]

BLAD = "personalstruktur"
SEKRETESS_NOT = (
    f"Grupper med {MIN_GROUP} eller färre anställda redovisas inte (–), och inte heller de "
    "uppgifter ur vilka de skulle kunna räknas fram."
)
DEFINITION_ANSTALLDA = (
    "Månadsanställda är tillsvidare- och visstidsanställda med en rad i personalfilen för "
    "månaden; timavlönade ingår inte. Den som har flera anställningar räknas en gång, i "
    "sin huvudanställning."
)
DEFINITION_CHEFER = (
    "Chefer är månadsanställda med markeringen chef i personalfilen. En chefs grupp är de "
    f"tillsvidareanställda som har chefen som närmaste chef; fler än {struktur.STOR_GRUPP} "
    "anställda avser gruppens storlek. Årsarbetare är summan av de månadsanställdas "
    "sysselsättningsgrad (heltid = 1)."
)
_BAND = [g for g, _, _ in struktur.ALDERSGRUPPER]
_FORM_TEXT = {"tillsvidare": "Tillsvidareanställda", "visstid": "Visstidsanställda"}


@dataclass
class Personalstruktur:
    """Everything the section shows for one period (unsuppressed figures and the
    pattern that hides them)."""

    period: Period
    manad: int
    saknas: list[str]
    personal: pd.DataFrame | None = None
    anstallda: pd.DataFrame | None = None
    alder: pd.DataFrame | None = None
    chefer: pd.DataFrame | None = None
    arsarbetare: pd.DataFrame | None = None
    omsattning: pd.DataFrame | None = None
    dolda: pd.DataFrame | None = None
    anmarkningar: list[str] = field(default_factory=list)

    @property
    def manad_text(self) -> str:
        return f"{self.period.month_name} {self.period.year}"


def _antalstabell(anstallda: pd.DataFrame, alder: pd.DataFrame) -> pd.DataFrame:
    """The counts that are published, in one table (for one suppression pattern)."""
    t = anstallda[[c for c in anstallda.columns if c not in ("andel_kvinnor", "timavlonade")]]
    wide = alder.pivot_table(
        index="forvaltning",
        columns=["anstallningsform", "aldersgrupp"],
        values="antal",
        aggfunc="sum",
        sort=False,
    )
    wide.columns = [f"{f}|{g}" for f, g in wide.columns]
    return t.join(wide.reindex(t.index))


def _grupper() -> list[tuple[str, list[str]]]:
    g: list[tuple[str, list[str]]] = [
        ("manadsanstallda", ["tillsvidare", "visstid"]),
        ("manadsanstallda", ["manadsanstallda_kvinnor", "manadsanstallda_man"]),
        ("manadsanstallda_kvinnor", ["tillsvidare_kvinnor", "visstid_kvinnor"]),
        ("manadsanstallda_man", ["tillsvidare_man", "visstid_man"]),
    ]
    for f in struktur.MANADSANSTALLDA:
        g.append((f, [f"{f}_kvinnor", f"{f}_man"]))
        g.append((f, [f"{f}|{b}" for b in _BAND]))
    return g


def forbered(data: Dataset, period: Period | str) -> Personalstruktur:
    """The section for ``period`` from the personnel data known at its end, at the
    period's last month."""
    p = Period.parse(period)
    known = data.as_of(p)
    personal = known.frames.get("sjukfranvaro")
    u = Personalstruktur(period=p, manad=p.code, saknas=[], personal=personal)
    u.saknas = struktur.saknade_uppgifter(personal, p.code, ["anstallningsform"])
    if u.saknas or personal is None:
        return u
    forv = list(data.register.forvaltningar)
    u.anstallda = struktur.anstallda(personal, p.code, forv)
    u.alder = struktur.aldersfordelning(personal, p.code, forv)
    u.omsattning = struktur.personalomsattning(personal, p.code, forv)
    if u.omsattning["tillsvidare_december"].isna().all():
        u.anmarkningar.append(
            f"Personalomsättningen kan inte beräknas: personalfilen saknar december {p.year - 1}."
        )
    chef_saknas = struktur.saknade_uppgifter(personal, p.code, ["chef", "chef_id"])
    if not any(m.startswith("Uppgift om chef saknas") for m in chef_saknas):
        u.chefer = struktur.chefer(personal, p.code, forv)
    u.anmarkningar += chef_saknas
    grad_saknas = struktur.saknade_uppgifter(personal, p.code, ["sysselsattningsgrad"])
    u.arsarbetare = struktur.arsarbetare(personal, p.code, forv)
    if grad_saknas:
        u.anmarkningar += grad_saknas
    elif (u.arsarbetare["utan_sysselsattningsgrad"] > 0).any():
        n = int(u.arsarbetare.at[TOTALT, "utan_sysselsattningsgrad"])
        u.anmarkningar.append(
            f"Sysselsättningsgrad saknas för {n} månadsanställda; årsarbetare redovisas inte "
            "för de förvaltningar där uppgiften saknas."
        )
    u.dolda = dolj_antal(
        _antalstabell(u.anstallda, u.alder),
        _grupper(),
        forst=["manadsanstallda_kvinnor", "manadsanstallda_man"],
    )
    return u


def _visa(frame: pd.DataFrame, dolda: pd.DataFrame, cols: dict[str, str]) -> pd.DataFrame:
    """Columns of ``frame`` renamed, with the suppressed cells NaN."""
    out = pd.DataFrame(index=frame.index)
    for col, namn in cols.items():
        hide = dolda[col] if col in dolda else pd.Series(False, index=frame.index)
        out[namn] = frame[col].where(~hide.reindex(frame.index).fillna(True).astype(bool))
    return out


def _andel_kvinnor(u: Personalstruktur) -> pd.Series:
    assert u.anstallda is not None and u.dolda is not None
    hide = u.dolda["manadsanstallda_kvinnor"] | u.dolda["manadsanstallda"]
    return u.anstallda["andel_kvinnor"].where(~hide)


def anstallda_tabell(u: Personalstruktur) -> pd.DataFrame:
    """Månadsanställda by anställningsform and kön (suppressed cells NaN)."""
    assert u.anstallda is not None and u.dolda is not None
    t = _visa(
        u.anstallda,
        u.dolda,
        {
            "tillsvidare_kvinnor": "Tillsvidare kvinnor",
            "tillsvidare_man": "Tillsvidare män",
            "tillsvidare": "Tillsvidare totalt",
            "visstid_kvinnor": "Visstid kvinnor",
            "visstid_man": "Visstid män",
            "visstid": "Visstid totalt",
            "manadsanstallda": "Månadsanställda",
        },
    )
    t["Andel kvinnor"] = _andel_kvinnor(u)
    return t.rename_axis("Förvaltning").reset_index()


def alder_tabell(u: Personalstruktur) -> pd.DataFrame:
    """Age distribution in percent, one row per förvaltning and anställningsform."""
    assert u.alder is not None and u.dolda is not None
    a = u.alder.copy()
    a["dold"] = [
        bool(u.dolda.at[r, f"{f}|{g}"])
        for r, f, g in zip(a["forvaltning"], a["anstallningsform"], a["aldersgrupp"], strict=True)
    ]
    a["andel"] = a["andel"].where(~a["dold"])
    t = a.pivot_table(
        index=["forvaltning", "anstallningsform"],
        columns="aldersgrupp",
        values="andel",
        aggfunc="first",
        sort=False,
        dropna=False,
    )[_BAND]
    t = t.reset_index()
    t["anstallningsform"] = t["anstallningsform"].map(_FORM_TEXT)
    return t.rename(columns={"forvaltning": "Förvaltning", "anstallningsform": "Anställningsform"})


def chef_tabell(u: Personalstruktur) -> pd.DataFrame:
    """Chefer, chefer with large grupper, tillsvidareanställda per chef, årsarbetare."""
    assert u.arsarbetare is not None
    t = pd.DataFrame(index=u.arsarbetare.index)
    if u.chefer is not None:
        t["Chefer"] = u.chefer["chefer"]
        t[f"Chefer med fler än {struktur.STOR_GRUPP} anställda"] = u.chefer["chefer_over_25"]
        t["Tillsvidareanställda per chef"] = u.chefer["tillsvidare_per_chef"]
    t["Årsarbetare"] = u.arsarbetare["arsarbetare"]
    return t.rename_axis("Förvaltning").reset_index()


def omsattning_tabell(u: Personalstruktur) -> pd.DataFrame:
    """Personalomsättning; hidden where December's tillsvidareanställda are 10 or fewer."""
    assert u.omsattning is not None
    o = u.omsattning
    liten = o["tillsvidare_december"] <= MIN_GROUP
    t = pd.DataFrame(
        {
            f"Tillsvidareanställda december {u.period.year - 1}": o["tillsvidare_december"].where(
                ~liten
            ),
            "Personalomsättning": o["procent"].where(~liten),
        },
        index=o.index,
    )
    return t.rename_axis("Förvaltning").reset_index()


def visa_personalstruktur(u: Personalstruktur) -> None:
    """The section's tables with their definitions, or what is missing."""
    if u.saknas:
        display(
            Markdown(" ".join(f"{m}." for m in u.saknas) + " Personalstrukturen redovisas inte.")
        )
        return
    show_table(
        anstallda_tabell(u),
        f"Månadsanställda per förvaltning i {u.manad_text}, antal",
        name="manadsanstallda",
        decimals={"Andel kvinnor": 1},
        percent=["Andel kvinnor"],
        sum_rows=[len(u.anstallda) - 1] if u.anstallda is not None else [],
        note=f"{DEFINITION_ANSTALLDA} {SEKRETESS_NOT}",
    )
    show_table(
        alder_tabell(u),
        f"Åldersfördelning i {u.manad_text}, procent av anställningsformen",
        name="aldersfordelning",
        decimals=1,
        percent=_BAND,
        note=f"Ålder = årtal − födelseår. {SEKRETESS_NOT}",
    )
    show_table(
        chef_tabell(u),
        f"Chefer och årsarbetare i {u.manad_text}",
        name="chefer",
        decimals={"Tillsvidareanställda per chef": 1, "Årsarbetare": 1},
        note=DEFINITION_CHEFER,
    )
    if u.omsattning is not None and not u.omsattning["procent"].isna().all():
        show_table(
            omsattning_tabell(u),
            f"Personalomsättning december {u.period.year - 1}–{u.manad_text}, procent",
            name="personalomsattning",
            decimals={"Personalomsättning": 1},
            percent=["Personalomsättning"],
            note=(
                f"{struktur.OMSATTNING_DEFINITION} Förvaltningar med {MIN_GROUP} eller färre "
                "tillsvidareanställda redovisas inte."
            ),
        )
    if u.anmarkningar:
        display(Markdown(" ".join(m if m.endswith(".") else f"{m}." for m in u.anmarkningar)))


def kontrollera(k: Kontroller, u: Personalstruktur) -> None:
    """The checks of :mod:`analysis.kontroller.personal` on the section's figures."""
    if u.saknas or u.personal is None:
        return
    kontrollera_personalstruktur(
        k, u.personal, u.manad, u.anstallda, u.alder, u.chefer, u.arsarbetare, u.omsattning
    )


#: The export sheet's number columns and their format.
FORMAT = {
    "manadsanstallda": "antal",
    "manadsanstallda_kvinnor": "antal",
    "manadsanstallda_man": "antal",
    "andel_kvinnor": "procent",
    "tillsvidare": "antal",
    "tillsvidare_kvinnor": "antal",
    "tillsvidare_man": "antal",
    "visstid": "antal",
    "visstid_kvinnor": "antal",
    "visstid_man": "antal",
    **{
        f"{f}_alder_{lo}{'_' + str(hi) if hi is not None else '_och_over'}": "procent"
        for f in struktur.MANADSANSTALLDA
        for _, lo, hi in struktur.ALDERSGRUPPER
    },
    "arsarbetare": "antal",
    "chefer": "antal",
    "chefer_over_25": "antal",
    "tillsvidare_per_chef": "antal",
    "personalomsattning": "procent",
}


def exportblad(data: Dataset, period: Period | str) -> dict[str, pd.DataFrame]:
    """The export sheet ``personalstruktur``: one row per förvaltning and ``Totalt`` at
    the period's last month (``manad`` as ``YYYY-MM``), the columns of :data:`FORMAT`;
    suppressed cells are empty. No rows when the personnel file lacks anställningsform."""
    u = forbered(data, period)
    columns = ["forvaltning", "manad", *FORMAT]
    if u.saknas or u.anstallda is None or u.dolda is None:
        return {BLAD: pd.DataFrame(columns=columns)}
    assert u.alder is not None and u.arsarbetare is not None and u.omsattning is not None
    out = pd.DataFrame(index=u.anstallda.index)
    for col in FORMAT:
        if col in u.anstallda and col != "andel_kvinnor":
            out[col] = u.anstallda[col].where(~u.dolda[col])
    out["andel_kvinnor"] = _andel_kvinnor(u)
    for f in struktur.MANADSANSTALLDA:
        for g, lo, hi in struktur.ALDERSGRUPPER:
            col = f"{f}_alder_{lo}{'_' + str(hi) if hi is not None else '_och_over'}"
            sel = u.alder[(u.alder["anstallningsform"] == f) & (u.alder["aldersgrupp"] == g)]
            andel = sel.set_index("forvaltning")["andel"].reindex(out.index)
            out[col] = andel.where(~u.dolda[f"{f}|{g}"])
    out["arsarbetare"] = u.arsarbetare["arsarbetare"]
    for col in ("chefer", "chefer_over_25", "tillsvidare_per_chef"):
        out[col] = u.chefer[col] if u.chefer is not None else np.nan
    liten = u.omsattning["tillsvidare_december"] <= MIN_GROUP
    out["personalomsattning"] = u.omsattning["procent"].where(~liten)
    out["manad"] = f"{u.manad // 100}-{u.manad % 100:02d}"
    out = out.rename_axis("forvaltning").reset_index()
    return {BLAD: out[columns]}
