"""The kommun report's section on god ekonomisk hushållning: the financial goals, the
pension obligations and the companies (:func:`forbered`, :func:`visa_finansiella_mal`,
:func:`visa_pension`, :func:`visa_bolag`, :func:`kontrollera`), and their export sheets
(:func:`exportblad`).

The figures come from :mod:`analysis.ekonomi.finansiella_mal`,
:mod:`analysis.ekonomi.pension` and :mod:`analysis.ekonomi.bolag`; this module only labels,
scales to mkr and writes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import pandas as pd
from IPython.display import Markdown, display

from analysis.core.period import Period
from analysis.ekonomi import balans as ebalans
from analysis.ekonomi import bolag as ebolag
from analysis.ekonomi import finansiella_mal as fmal
from analysis.ekonomi import pension as epension
from analysis.ekonomi.drift import compute_investeringsredovisning
from analysis.ekonomi.resultat import compute_resultatrakning
from analysis.io.dataset import Dataset
from analysis.kontroller import finans as fkontroller
from analysis.kontroller.bas import AVRUNDNING, Kontroller
from analysis.rapport.tables import show_table

#: The text when the kommun has no financial goals for the year.
INGA_MAL = (
    "Uppgift saknas: kommunen har inga finansiella mål för {ar} "
    "(filen ekonomi/finansiella_mal.csv)."
)


@dataclass
class Finansrapport:
    """Everything the section shows for one period, computed once."""

    data: Dataset
    period: Period
    nyckeltal: pd.DataFrame
    mal: pd.DataFrame | None
    balans: pd.DataFrame | None
    balans_saknas: str | None
    pension: pd.DataFrame | None
    pension_text: str
    balans_vid_berakning: pd.DataFrame | None
    bolag: pd.DataFrame | None
    bolag_text: str


def forbered(data: Dataset, period: Period | str) -> Finansrapport:
    """The section's figures for ``period``, from what was known at its end."""
    p = Period.parse(period)
    d = data.as_of(p)
    rr = compute_resultatrakning(d, p)
    inv = compute_investeringsredovisning(d, p)
    balans = ebalans.balansrakning(d, p)
    balans_saknas = ebalans.saknas(d, p)
    pension_frame = d.frames.get("pension")
    folk, _ = fmal.folkmangd_vid(d.frames.get("folkmangd"), p)
    u = fmal.underlag(rr, inv, balans, epension.ansvarsforbindelse_tkr(pension_frame, p), folk, p)
    if balans is None and balans_saknas:
        u = _med_orsak(u, balans_saknas)
    tal = fmal.nyckeltal(u)
    pension = epension.pensionsforpliktelser(pension_frame, p)
    vid = None
    if pension is not None:
        calc = Period.from_code(int(pension.attrs["berakning"]))
        vid = ebalans.balansrakning(d, calc) if calc.code <= p.code else None
    bolag = ebolag.bolagen(d.frames.get("bolag"), p)
    return Finansrapport(
        data=d,
        period=p,
        nyckeltal=tal,
        mal=fmal.bedomning(d.frames.get("finansiella_mal"), tal, p),
        balans=balans,
        balans_saknas=balans_saknas,
        pension=pension,
        pension_text=epension.pension_text(pension, p),
        balans_vid_berakning=vid,
        bolag=bolag,
        bolag_text=ebolag.bolag_text(bolag, p),
    )


def _med_orsak(u: fmal.Underlag, orsak: str) -> fmal.Underlag:
    kort = orsak.split(":", 1)[-1].strip().rstrip(".")
    return replace(u, saknas_balans=f"balansräkning saknas: {kort}")


# --- display tables -----------------------------------------------------------------------


def mal_tabell(bed: pd.DataFrame, period: Period) -> pd.DataFrame:
    """The goals for the report: goal, key figure, target, outcome, status, forecast and
    its assessment, the figures as printed (``2,3 %``, ``38 400 kr``, ``–`` when missing)."""
    jmf = {">=": "minst", "<=": "högst"}
    out = pd.DataFrame(
        {
            "Mål": bed["mal"],
            "Nyckeltal": bed["namn"],
            "Målvärde": [
                f"{jmf[j]} {fmal.visat(float(v), e)}"
                for j, v, e in zip(bed["jamforelse"], bed["malvarde"], bed["enhet"], strict=True)
            ],
            f"Utfall {period.short_label}": [
                fmal.visat(float(v), e) for v, e in zip(bed["utfall"], bed["enhet"], strict=True)
            ],
            "Status": bed["status"].str.capitalize(),
        }
    )
    if not period.is_full_year:
        out["Prognos helår"] = [
            fmal.visat(float(v), e) if math.isfinite(float(v)) else s
            for v, e, s in zip(bed["prognos"], bed["enhet"], bed["prognos_saknas"], strict=True)
        ]
        out["Bedömning helår"] = bed["prognos_status"].str.capitalize()
    return out


def nyckeltal_tabell(tal: pd.DataFrame, period: Period) -> pd.DataFrame:
    """Every key figure as printed, with the forecast or why there is none."""
    out = pd.DataFrame(
        {
            "Nyckeltal": tal["namn"],
            f"Utfall {period.short_label}": [
                fmal.visat(float(v), e) if math.isfinite(float(v)) else f"uppgift saknas ({s})"
                for v, e, s in zip(tal["utfall"], tal["enhet"], tal["saknas"], strict=True)
            ],
        }
    )
    if not period.is_full_year:
        out["Prognos helår"] = [
            fmal.visat(float(v), e) if math.isfinite(float(v)) else s
            for v, e, s in zip(tal["prognos"], tal["enhet"], tal["prognos_saknas"], strict=True)
        ]
    return out


def pension_tabell(t: pd.DataFrame, period: Period) -> pd.DataFrame:
    """The pension obligations in mkr: the calculation's date in the heading, and the
    previous year-end."""
    code = int(t.attrs["berakning"])
    fg = t.attrs.get("berakning_fg_ar")
    out = pd.DataFrame({"": t["rad"]})
    out[f"Skuldberäkning {code // 100}-{code % 100:02d}"] = t["tkr"] / 1000
    if fg is not None:
        out[f"Skuldberäkning {int(fg) // 100}-{int(fg) % 100:02d}"] = t["fg_ar"] / 1000
    return out


def bolag_tabell(t: pd.DataFrame) -> pd.DataFrame:
    """The companies in mkr: result for the period reported, forecast and budget for the
    year, the deviation; the month the figures are for."""
    return pd.DataFrame(
        {
            "Bolag": t["bolag"],
            "Avser t.o.m.": [
                f"{int(c) // 100}-{int(c) % 100:02d}" if int(c) > 0 else "" for c in t["period"]
            ],
            "Ägarandel, %": t["agarandel"],
            "Resultat perioden": t["resultat"] / 1000,
            "Prognos helår": t["prognos_helar"] / 1000,
            "Budget helår": t["budget_helar"] / 1000,
            "Avvikelse helår": t["avvikelse_helar"] / 1000,
        }
    )


# --- sections -------------------------------------------------------------------------------


def visa_finansiella_mal(r: Finansrapport) -> None:
    """The financial goals: a sentence per goal and the table, then every key figure."""
    if r.mal is None:
        display(Markdown(INGA_MAL.format(ar=r.period.year)))
    else:
        display(Markdown("\n\n".join(f"- {m}" for m in r.mal["mening"])))
        show_table(
            mal_tabell(r.mal, r.period),
            f"Finansiella mål {r.period.short_label}",
            name="finansiella-mal",
            note=(
                "Utfallet avser perioden januari till och med rapportmånaden; resultatandelen "
                "är periodens resultat i förhållande till periodens skatteintäkter och "
                "statsbidrag. Soliditet och låneskuld avser periodens sista dag; någon prognos "
                "för balansräkningen görs inte."
            ),
        )
    show_table(
        nyckeltal_tabell(r.nyckeltal, r.period),
        f"Finansiella nyckeltal {r.period.short_label}",
        name="finansiella-nyckeltal",
    )


def visa_pension(r: Finansrapport) -> None:
    """The pension obligations at the latest calculation, or that there is none."""
    display(Markdown(r.pension_text))
    if r.pension is None:
        return
    show_table(
        pension_tabell(r.pension, r.period),
        "Pensionsförpliktelser, mkr",
        name="pensionsforpliktelser",
        decimals=1,
        note=(
            "Beloppen inkluderar särskild löneskatt (24,26 %). Återlånade medel är den del "
            "av förpliktelsen som inte motsvaras av förvaltade pensionsmedel. " + AVRUNDNING
        ),
    )


def visa_bolag(r: Finansrapport) -> None:
    """The companies' results and forecasts, and their comments."""
    if r.bolag is None:
        display(Markdown(r.bolag_text))
        return
    show_table(
        bolag_tabell(r.bolag),
        f"Bolagen {r.period.short_label}, mkr",
        name="bolagen",
        decimals={
            "Ägarandel, %": 0,
            "Resultat perioden": 1,
            "Prognos helår": 1,
            "Budget helår": 1,
            "Avvikelse helår": 1,
        },
        deviation=["Avvikelse helår"],
        note=(
            "Resultat efter finansiella poster; vinst positiv, förlust negativ. Summan "
            "omfattar bolagen med uppgifter; avvikelsen summeras för bolagen som har både "
            "prognos och budget. " + AVRUNDNING
        ),
    )
    display(Markdown(r.bolag_text))


def kontrollera(k: Kontroller, r: Finansrapport) -> None:
    """The section's checks on the figures it shows (:mod:`analysis.kontroller.finans`)."""
    d, p = r.data, r.period
    fkontroller.kontrollera_nyckeltal(k, r.nyckeltal, d, p)
    fkontroller.kontrollera_mal(k, r.mal, d.frames.get("finansiella_mal"), p)
    fkontroller.kontrollera_pension(
        k, r.pension, d.frames.get("pension"), p, r.balans_vid_berakning
    )
    fkontroller.kontrollera_bolag(k, r.bolag, d.frames.get("bolag"), p)


# --- export -----------------------------------------------------------------------------


def _saknas_blad(text: str) -> pd.DataFrame:
    return pd.DataFrame({"uppgift": [text]})


def exportblad(data: Dataset, period: Period | str) -> dict[str, pd.DataFrame]:
    """The export sheets ``finansiella_mal``, ``pension`` and ``bolag`` (numbers unrounded:
    key figures in percent or kr per ``enhet``, amounts in tkr); a sheet without data holds
    the sentence why."""
    r = forbered(data, period)
    p = r.period
    if r.mal is None:
        mal = _saknas_blad(INGA_MAL.format(ar=p.year))
    else:
        mal = r.mal[[c for c in fmal.BEDOMNING if c not in ("namn", "kommentar", "mening")]].copy()
    if r.pension is None:
        pension = _saknas_blad(r.pension_text)
    else:
        pension = r.pension[["id", "rad", "tkr", "fg_ar"]].copy()
        pension.insert(0, "berakning", int(r.pension.attrs["berakning"]))
    if r.bolag is None:
        bolag = _saknas_blad(r.bolag_text)
    else:
        bolag = r.bolag.rename(
            columns={
                "resultat": "resultat_tkr",
                "prognos_helar": "prognos_helar_tkr",
                "budget_helar": "budget_helar_tkr",
                "avvikelse_helar": "avvikelse_helar_tkr",
            }
        )
    return {"finansiella_mal": mal, "pension": pension, "bolag": bolag}
