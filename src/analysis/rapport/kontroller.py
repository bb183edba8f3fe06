"""How a report shows its checks (:mod:`analysis.kontroller`).

:func:`visa` shows a warning listing every failed check (or one sentence when all hold),
a summary per group and the data part (:data:`analysis.kontroller.bas.KONTROLL_MIMETYPE`)
that the batch collects; :func:`rad` is the same in one line and :func:`visa_bilaga` the
summary table for an appendix.
"""

from __future__ import annotations

from analysis.core.format import antal, tal
from analysis.kontroller.bas import KONTROLL_MIMETYPE, Kontroller
from analysis.rapport.tables import table_bundle

#: Failed checks listed one by one before the rest are counted.
VISADE_FEL = 20
#: ... in the one-line form.
VISADE_FEL_RAD = 5


def rad(k: Kontroller, bilaga: bool = False) -> str:
    """The checks in one line: 'Alla 212 kontroller av siffrorna stämmer.' or what
    deviates; with ``bilaga`` it points to the appendix that has the table, else to the
    full report."""
    n, fel = len(k), k.fel
    if not fel:
        return f"Alla {antal(n)} kontroller av siffrorna stämmer" + (
            " (se bilagan Kontroller)." if bilaga else "."
        )
    vad = "; ".join(f"{f.grupp}: {f.kontroll}" for f in fel[:VISADE_FEL_RAD])
    more = f" och {antal(len(fel) - VISADE_FEL_RAD)} till" if len(fel) > VISADE_FEL_RAD else ""
    return (
        f"Varning: {antal(len(fel))} av {antal(n)} kontroller avviker ({vad}{more}). "
        "Siffrorna som berörs ska utredas innan rapporten används."
    )


def visa(
    k: Kontroller, detaljer: bool = False, kompakt: bool = False, bilaga: bool = False
) -> None:
    """Show the checks: a warning listing every failed check (or one sentence when all
    hold), a summary per group, and the data part for the batch. With ``kompakt`` only
    one line (:func:`rad`) — for reports to fullmäktige and citizens, whose table is in an
    appendix (:func:`visa_bilaga`, then ``bilaga=True``); the data part is emitted either
    way, exactly once."""
    from IPython.display import Markdown, display

    n, fel = len(k), k.fel
    if kompakt:
        text = rad(k, bilaga)
        display(
            {
                "text/markdown": f"**{text}**" if fel else f"*{text}*",
                KONTROLL_MIMETYPE: k.payload(),
            },
            raw=True,
        )
        return
    if fel:
        rader = "\n".join(
            f"- {f.grupp}: {f.kontroll} (värde {tal(f.varde, 3)}, förväntat {tal(f.forvantat, 3)})"
            for f in fel[:VISADE_FEL]
        )
        more = f"\n- … och {antal(len(fel) - VISADE_FEL)} till" if len(fel) > VISADE_FEL else ""
        display(
            Markdown(
                f"**Varning: {antal(len(fel))} av {antal(n)} kontroller avviker.** "
                f"Siffrorna som berörs ska utredas innan rapporten används."
                f"\n\n{rader}{more}"
            )
        )
    else:
        display(
            Markdown(
                f"Alla {antal(n)} kontroller stämmer: varje tal är jämfört med samma "
                "tal framräknat på ett annat sätt (huvudboken, resultaträkningen, "
                "tabellerna, texten, folkmängden)."
            )
        )
    bundle = table_bundle(
        k.tabell() if detaljer else k.sammanfattning(),
        "Kontroller",
        name="kontroller",
        decimals={"Största differens": 4} if not detaljer else 4,
        status=["Resultat"],
    )
    bundle[KONTROLL_MIMETYPE] = k.payload()
    display(bundle, raw=True)


def visa_bilaga(k: Kontroller) -> None:
    """The checks' summary table for an appendix (no data part: :func:`visa` with
    ``kompakt`` has emitted it)."""
    from IPython.display import display

    display(
        table_bundle(
            k.sammanfattning(),
            "Kontroller",
            name="kontroller",
            decimals={"Största differens": 4},
            status=["Resultat"],
        ),
        raw=True,
    )
