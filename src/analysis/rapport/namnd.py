"""A nämnd's report's presentation: the sections of ``notebooks/namnd.ipynb``.

The figures come from the rooms below (the driftsredovisning and the key figures through
:mod:`analysis.rapport.notebook`, the mätetal from :mod:`analysis.mal.matetal`, the
sick-leave nyckeltal of the nämnd's förvaltning, the ekonom's texts from
:mod:`analysis.rapport.kommentarer`); nothing here computes a figure, it only gathers,
shows and draws them. :func:`forbered` makes everything once; each ``visa_*``
shows one section, :func:`figur_ackumulerat` draws the one chart and :func:`kontrollera`
adds the report's checks.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd
from IPython.display import Markdown, display
from matplotlib.figure import Figure

from analysis.core.period import Period
from analysis.io.dataset import Dataset
from analysis.kontroller.bas import Kontroller, kontrollera_andelar
from analysis.kontroller.ekonomi import kontrollera_namnd
from analysis.mal import matetal
from analysis.mal.status import status_text
from analysis.rapport import charts, kommentarer
from analysis.rapport import jamforelse as jamforelserapport
from analysis.rapport import mal as malrapport
from analysis.rapport.notebook import cumulative_utfall, drift_table, key_figures, personal_table
from analysis.rapport.tables import show_table


@dataclass
class Namndrapport:
    """What the report of one nämnd shows, as known at the end of ``period``; made by
    :func:`forbered`.

    ``forvaltning`` is the nämnd's own förvaltning in the register, ``None`` when it has
    none (its report says so, and ``personal`` is then ``None``). ``nyckeltal`` is the
    summary box (:func:`analysis.rapport.notebook.key_figures`, mkr), ``drift`` the
    nämnd's row of the driftsredovisning (mkr), ``ackumulerat`` the cumulative utfall
    against the periodised budget and ``matetal`` the nämnd's mätetal (empty without
    any). ``texter`` holds, per section of :data:`analysis.rapport.kommentarer.NAMND_AVSNITT`,
    what the ekonom wrote (or the visible placeholder) and ``utkast`` the first page's
    notice when the text is an utkast (:func:`analysis.rapport.kommentarer.utkast_notis`).
    """

    data: Dataset
    period: Period
    namnd: str
    namn: str
    forvaltning: str | None
    nyckeltal: pd.DataFrame
    drift: pd.DataFrame
    ackumulerat: pd.DataFrame
    personal: pd.DataFrame | None
    matetal: pd.DataFrame
    utkast: str | None = None
    texter: dict[str, str] = field(default_factory=dict)
    jamforelse: jamforelserapport.Jamforelse | None = None


def forbered(data: Dataset, namnd: str, period: Period | str) -> Namndrapport:
    """Everything the report of ``namnd`` (a register id) shows as of ``period``.

    Raises :class:`KeyError` for an id that is not in the register.
    """
    p = Period.parse(period)
    forvaltning = data.register.forvaltning_of(namnd) or None
    return Namndrapport(
        data=data,
        period=p,
        namnd=namnd,
        namn=data.register.namn(namnd),
        forvaltning=forvaltning,
        nyckeltal=key_figures(data, namnd, p),
        drift=drift_table(data, p, [namnd]),
        ackumulerat=cumulative_utfall(data, namnd, p),
        personal=(
            None
            if forvaltning is None or data.sjukfranvaro is None
            else personal_table(data, forvaltning, p)
        ),
        matetal=matetal.matetal(data, p, namnd),
        utkast=kommentarer.utkast_notis(data, namnd, p),
        texter={
            rubrik: kommentarer.avsnitt_text(data, namnd, p, rubrik)
            for rubrik in kommentarer.NAMND_AVSNITT
        },
        jamforelse=(
            jamforelserapport.forbered_jamforelse(data, p, namnd)
            if namnd in data.register.namnder
            else None  # a unit that is no nämnd (finansförvaltningen) has no KPIs of its own
        ),
    )


def visa_utkast(r: Namndrapport) -> None:
    """The notice on the first page when the ekonom's text is an utkast (nothing when
    it is klar or missing: a missing text shows its placeholder in its section)."""
    if r.utkast:
        display(Markdown(r.utkast))


def visa_analys(r: Namndrapport) -> None:
    """The ekonom's analysis and åtgärder (``kommentarer/<YYYY-MM>/<id>.md``), each
    under its heading, or the visible placeholder naming the file and heading."""
    display(Markdown("\n\n".join(f"### {rubrik}\n\n{text}" for rubrik, text in r.texter.items())))


def visa_nyckeltal(r: Namndrapport) -> None:
    """The summary box: the period and the full year against budget (mkr)."""
    show_table(
        r.nyckeltal,
        f"Nyckeltal för {r.namn}, mkr",
        name="nyckeltal",
        decimals=1,
        deviation=["Avvikelse"],
    )


def visa_drift(r: Namndrapport) -> None:
    """The nämnd's row of the driftsredovisning (mkr)."""
    show_table(
        r.drift,
        f"Driftsredovisning {r.namn}, mkr",
        name="driftsredovisning",
        decimals=1,
        deviation=["Avvikelse perioden", "Avvikelse helår", "Förändring mot föregående prognos"],
    )


def figur_ackumulerat(r: Namndrapport) -> Figure:
    """The cumulative utfall this year and last year against the periodised budget
    (:func:`analysis.rapport.charts.cumulative`)."""
    return charts.cumulative(r.ackumulerat, f"Ackumulerat utfall och periodiserad budget, {r.namn}")


def visa_personal(r: Namndrapport) -> None:
    """The sick-leave nyckeltal of the nämnd's förvaltning, or that it has none."""
    if r.data.sjukfranvaro is None:
        print(f"Personaluppgifter saknas: {r.data.missing('sjukfranvaro')}.")
        return
    if r.forvaltning is None or r.personal is None:
        print("Nämnden har ingen egen förvaltning i personaldata.")
        return
    show_table(
        r.personal,
        f"Sjukfrånvaro {r.forvaltning}, procent",
        name="sjukfranvaro",
        decimals=2,
    )


def visa_mal(r: Namndrapport) -> None:
    """The mätetal's statuses in a sentence (:func:`analysis.mal.status.status_text`)
    and the nämnd's goals (:func:`analysis.rapport.mal.visa_bilaga`), or that it has
    none for the period."""
    if r.matetal.empty:
        print("Nämnden har inga mätetal för perioden.")
        return
    display(Markdown(status_text(r.matetal)))
    malrapport.visa_bilaga(r.matetal, r.data, r.period, rubrikniva=None)


def andelar(tabell: pd.DataFrame) -> dict[str, float]:
    """The rates of a nyckeltal table (first column the label, one column per year) by
    ``"<label> <year>"``, for :func:`analysis.kontroller.bas.kontrollera_andelar`."""
    return {
        f"{row[0]} {c}": v
        for row in tabell.itertuples(index=False)
        for c, v in zip(tabell.columns[1:], row[1:], strict=True)
    }


def kontrollera(k: Kontroller, r: Namndrapport) -> None:
    """The report's checks on the unrounded values: the nämnd's row of the
    driftsredovisning against the ledger (:func:`analysis.kontroller.ekonomi.kontrollera_namnd`)
    and, when it has a förvaltning, every sick-leave rate within 0–100 %."""
    kontrollera_namnd(k, r.data, r.namnd, r.period)
    if r.personal is not None:
        kontrollera_andelar(k, "Personal: andelar", andelar(r.personal))
    if r.jamforelse is not None:
        jamforelserapport.kontrollera_jamforelse(k, r.jamforelse)


def visa_jamforelse(r: Namndrapport) -> None:
    """The comparison of the nämnd's verksamheter with the jämförelsegrupp and riket
    (:func:`analysis.rapport.jamforelse.visa_jamforelse`)."""
    if r.jamforelse is not None:
        jamforelserapport.visa_jamforelse(r.jamforelse)
