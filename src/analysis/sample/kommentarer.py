"""The sample's own texts (``kommentarer/*``): one of each state for delår 1 2023.

``kommentarer/2023-04/kommun.md`` (status klar: *Viktiga händelser* and *Framtiden*),
``sn.md`` (status klar) and ``bun.md`` (status utkast, *Åtgärder* not yet written); every
other nämnd has no file, so the reports and the index page show klar, utkast and saknas.
The texts are short (they are inputs of the batch) and name no figures: the figures are
the reports' own.
"""

from __future__ import annotations

KOMMUN = """status: klar

## Viktiga händelser

Under årets första månader har kommunen, liksom andra kommuner, påverkats av den höga
inflationen och de höjda räntorna. Kostnaderna för energi, livsmedel och
entreprenader har ökat mer än vad budgeten förutsåg.

Kommunen har tagit emot fler personer som flytt från kriget i Ukraina och arbetet med
mottagandet har samordnats mellan förvaltningarna.

## Framtiden

Skatteintäkterna väntas öka långsammare än kostnaderna under de kommande åren. Nämnderna
behöver fortsätta arbetet med att anpassa verksamheten till budgetramarna, och
investeringarna prövas på nytt inför nästa planperiod.
"""

SN = """status: klar

# Socialnämnden

## Analys

Utfallet för perioden är sämre än den periodiserade budgeten, främst inom
funktionshinderområdet där fler beslut om insatser har verkställts än planerat. Högre
intäkter än budgeterat väger delvis upp kostnaderna för material och tjänster.
Nämnden bedömer att helåret kan hålla budget.

## Åtgärder

Förvaltningen ser över bemanningen inom funktionshinderområdet och följer upp
kostnaderna för köpta platser varje månad.
"""

BUN = """status: utkast

# Barn- och utbildningsnämnden

## Analys

Prognosen för helåret har försämrats sedan mars. Orsakerna analyseras och beskrivs i nästa version.

## Åtgärder
"""

TEXTER = {
    "kommentarer/2023-04/kommun.md": KOMMUN,
    "kommentarer/2023-04/sn.md": SN,
    "kommentarer/2023-04/bun.md": BUN,
}


def files(seed: int) -> dict[str, bytes]:
    """Relative path → bytes (UTF-8; the texts do not depend on ``seed``)."""
    return {rel: text.encode("utf-8") for rel, text in TEXTER.items()}
