"""The sample kommun's goals and mätetal (``mal/matetal.csv``).

Modelled on the published goal follow-up: the MBN and SBN mätetal tables of the Luleå
delårsrapport (seed001 t05–t12), the mätetal in its running text (n06: Socialnämnden,
Överförmyndarnämnden, BUN, Räddningstjänsten), Kommunstaben's verksamhetsberättelse
(s000_t08/t09) and Piteå's nyckeltal (s004_t02). They include mätetal where lower is
better, values written as text ("Nytt mätetal", "Minst 2 500", "Ja (upp till tre LCA)",
"-"), statuses the nämnd set itself (a count for part of the year against a target for
the whole year) and statuses left to the documented rule.

The previous year (2022) is given as undated year values; 2023 is given per delår
(``period`` 2023-04, 2023-08, 2023-12). Two målvärden are for a later year (column
``malar``, empty = the row's year): Räddningstjänsten's share of women for 2030 and
SBN's lokalbank cost for the end of the mandatperiod, 2026, as their comments say.
"""

from __future__ import annotations

import pandas as pd

PERIODS = ("2023-04", "2023-08", "2023-12")

# (namnd, mål, mätetal, enhet, riktning, målvärde, utfall 2022, (utfall per delår 2023),
#  (status per delår 2023: "" = computed), kommentar)
GOALS = [
    ("ks-stab", "Förbättrat företagsklimat",
     "Företagens betyg på kommunens service, NKI (SKR Insikt)", "index", "hogre", "75",
     "73", ("73", "74", "74"), ("", "", ""),
     "Avser föregående års mätning, publiceras i april."),
    ("ks-stab", "Förbättrat företagsklimat",
     "Svenskt Näringslivs ranking av företagsklimatet (av 290)", "placering", "lagre",
     "lägst plats 50", "267", ("-", "270", "270"), ("", "", ""),
     "Lägre placering är bättre."),
    ("ks-stab", "Skapa förutsättningar att attrahera och rekrytera nya medarbetare",
     "Ansökningar per publicerad annons, kommunen totalt", "antal", "hogre", "13", "11",
     ("12", "13", "13"), ("", "", ""), ""),
    ("ks-stab", "Vidta åtgärder för att möta kompetensförsörjningsutmaningarna",
     "Personalomsättning Kommunstaben", "%", "lagre", "10", "12,9",
     ("4,1", "8,0", "11,7"), ("gron", "gul", ""),
     "33 personer av 283 (11,7 %); 2022: 35 av 271."),
    ("ks-amf", "Tiden i försörjningsstöd minskar",
     "Andel som lämnat försörjningsstöd för arbete eller studier", "%", "hogre", "30", "24",
     ("26", "27", "28"), ("gul", "gul", "gul"),
     "Målet bedöms som gul då arbetet är långsiktigt och sträcker sig över planperioden."),
    ("ks-amf", "AMF bidrar till en diversifierad kompetensförsörjning",
     "Deltagare i arbetsmarknadsinsatser som gått till arbete", "antal", "hogre",
     "minst 250", "212", ("70", "160", "241"), ("gron", "gron", ""), ""),
    ("ks-rtj", "Antalet bränder i bostäder ska minska",
     "Bränder i bostad per 1 000 invånare", "antal/1000 inv", "lagre", "0,80", "0,86",
     ("0,31", "0,55", "0,83"), ("gron", "gron", ""),
     "Delårsvärdena avser perioden och jämförs inte med helårsmålet."),
    ("ks-rtj", "Räddningstjänstens insatsförmåga ska vara god",
     "Andel larm där FIP-bilen var först på plats", "%", "hogre", "70", "72",
     ("75", "74", "73"), ("", "", ""), ""),
    ("ks-rtj", "En jämställd arbetsplats år 2030",
     "Andel kvinnor av tillsvidareanställda", "%", "hogre", "15", "12",
     ("12", "12", "13"), ("", "", ""), "Målet avser år 2030."),
    ("bun", "Klimatsmart skolmat",
     "Koldioxidekvivalent per kg livsmedel, skolmat", "kg CO2e/kg", "lagre", "2,1", "1,72",
     ("1,59", "1,61", "1,63"), ("", "", ""), "Referensvärdet är 2,1."),
    ("bun", "Jämlik utbildning",
     "Barngruppers storlek i förskolan", "barn/grupp", "lagre", "högst 16,4", "16,6",
     ("16,4", "16,3", "16,5"), ("", "", ""), ""),
    ("bun", "Behöriga lärare och förskollärare",
     "Andel behöriga lärare och förskollärare", "%", "hogre", "80", "76",
     ("76", "77", "78"), ("", "", ""), ""),
    ("bun", "Behöriga lärare och förskollärare",
     "Personalomsättning bland lärare", "%", "lagre", "5", "5,6",
     ("4,8", "5,1", "5,2"), ("", "", ""), ""),
    ("kfn", "Bidragen ska vara jämlika och transparenta",
     "Andel av bidragen till ung kultur som går till flickor", "%", "hogre", "50", "48,9",
     ("49,4", "50,2", "50,1"), ("", "", ""), ""),
    ("kfn", "Aktiv: evenemangsstad",
     "Genomförda större evenemang", "antal", "hogre", "40", "36",
     ("9", "25", "41"), ("gron", "gron", ""), "Delårsvärdena är årets hittills."),
    ("mbn", "Effektmål 1: En hållbar framtid",
     "Koldioxidutsläpp från lokala resor i tjänsten (halvering jämfört med 2019)", "kg",
     "lagre", "135 502 kg", "140 468 kg", ("-", "-", "137 950 kg"), ("", "", ""),
     "Utfall 2019: 271 005 kg. Mäts en gång per år."),
    ("mbn", "Effektmål 1: En hållbar framtid",
     "Åtgärdstakten för enskilda avlopp", "%", "hogre", "4%", "2,20%",
     ("-", "2,9%", "3,7%"), ("", "", ""), ""),
    ("mbn", "Effektmål 2: Pedagogisk myndighetsutövning",
     "Andel ansökningar via Mitt Bygge", "%", "hogre", "55%", "53%",
     ("-", "54%", "56%"), ("", "", ""), ""),
    ("mbn", "Effektmål 2: Pedagogisk myndighetsutövning",
     "Andel kompletta bygglovsansökningar med beslut inom 10 veckor", "%", "hogre", "100%",
     "94%", ("94%", "97%", "99%"), ("", "", ""), ""),
    ("mbn", "Effektmål 2: Pedagogisk myndighetsutövning",
     "Andel bygglovsärenden där det krävs komplettering inom 3 veckor", "%", "lagre", "32%",
     "50%", ("43%", "38%", "34%"), ("", "", ""),
     "Lägre är bättre: färre ärenden ska behöva kompletteras."),
    ("mbn", "Effektmål 2: Uppnå rättssäker och effektiv verksamhet",
     "Kundnöjdhet (NKI) inom miljö och bygg", "%", "hogre", "74%",
     "73% (avser 2021, publiceras i apr-22)",
     ("74% (avser 2022, publiceras i apr-23)", "74%", "74%"), ("", "", ""), ""),
    ("sbn", "Effektmål 1: Minskad klimatpåverkan",
     "Koldioxidutsläpp från lokala resor i tjänsten (halvering jämfört med 2019)", "kg",
     "lagre", "135 502 kg", "140 468 kg", ("-", "-", "139 210 kg"), ("", "", ""),
     "Utfall 2019: 271 005 kg."),
    ("sbn", "Effektmål 1: Minskad klimatpåverkan",
     "Utbyggnad av laddstolpar för tjänstebilar är genomförd", "%", "hogre", "100%",
     "Nytt mätetal", ("7%", "41%", "88%"), ("gron", "gron", ""),
     "26 av cirka 360 laddpunkter monterade i april."),
    ("sbn", "Effektmål 1: Hållbart byggande",
     "Livscykelanalys (LCA) på tre investeringsprojekt", "st", "hogre",
     "Ja (upp till tre LCA)", "-", ("-", "1", "3"), ("", "gul", "gron"),
     "Genomförda LCA redovisas i utfallet."),
    ("sbn", "Effektmål 2: Minskad underhållsskuld",
     "Åtgärder enligt reinvesteringsplan för fastigheter genomförda", "%", "hogre", "100%",
     "127%", ("100%", "96%", "100%"), ("", "", ""),
     "Målet är att inte överstiga 100 %."),
    ("sbn", "Effektmål 2: Minskad underhållsskuld",
     "Kostnaden för lokalbanken minskar med 50 % under mandatperioden", "%", "lagre",
     "-50%", "Nytt mätetal 2023", ("-", "-12%", "-20%"), ("gul", "gul", "gul"),
     "Kostnad 2022-12-31: 25 684 tkr. Målet avser 2026."),
    ("sbn", "Effektmål 2: Service dygnet runt",
     "Planberedskap för bostäder", "bostäder", "hogre", "Minst 2 500", "Nytt mätetal 2023",
     ("2 500", "2 650", "2 710"), ("", "", ""), ""),
    ("sbn", "Effektmål 1: Rena och trygga offentliga miljöer",
     "Medborgare uppfattar offentliga miljöer som attraktiva och välskötta", "%", "hogre",
     "75%", "Nytt mätetal 2023", ("-", "-", "71%"), ("", "", ""),
     "Mäts i medborgarundersökningen under hösten."),
    ("sbn", "Effektmål 2: Ett bra företagsklimat",
     "Företagens betyg på service och bemötande (Insikt)", "%", "hogre", "Minst 73",
     "73% (avser 2021, publiceras i apr-22)", ("73% (avser 2022)", "73%", "73%"),
     ("", "", ""), ""),
    ("sn", "God service med god kvalitet",
     "Andel uppäten mat av det som serveras", "%", "hogre", "75", "71",
     ("73", "74", "76"), ("gul", "", ""), "Mätningen görs vår och höst."),
    ("sn", "Tidiga och förebyggande insatser",
     "Nyinkomna för råd och stöd inom folkhälsa", "personer", "hogre", "minst 2200", "2 104",
     ("755", "1 480", "2 236"), ("gron", "gron", ""),
     "Delårsvärdena är årets hittills; målet gäller helåret."),
    ("sn", "Barn och unga",
     "Barn och unga som inte kan bo hemma", "barn", "lagre", "mindre än 130", "121",
     ("113", "118", "127"), ("", "", ""), ""),
    ("sn", "Egen försörjning",
     "Barnfamiljer i behov av försörjningsstöd", "barnfamiljer", "lagre", "under 300", "289",
     ("224", "276", "312"), ("", "", ""), ""),
    ("ofn", "Ökad rättssäkerhet",
     "Digitalt inlämnade förteckningar", "%", "hogre", "80", "54",
     ("76", "79", "83"), ("", "", ""), "Föregående år samma period: 54 procent."),
    ("ofn", "Ökad rättssäkerhet",
     "Årsräkningar inlämnade digitalt via e-tjänsten", "%", "hogre", "80", "71",
     ("86", "86", "86"), ("", "", ""), "602 av 703 årsräkningar."),
    ("ofn", "Uppdraget som ställföreträdare ska vara mer attraktivt",
     "Andel nya ställföreträdare som begär sig entledigade", "%", "lagre", "högst 15",
     "18", ("15", "14", "16"), ("", "", ""), "3 av 20 under första kvartalet."),
    ("ofn", "Uppdraget som ställföreträdare ska vara mer attraktivt",
     "Nya lämplighetsprövade ställföreträdare", "personer", "hogre", "minst 35", "31",
     ("13", "24", "33"), ("gul", "gul", ""), "Delårsvärdena är årets hittills."),
    ("ofn", "Ökad rättssäkerhet",
     "Granskade årsräkningar till den 30 september", "%", "hogre", "100", "51",
     ("20", "62", "88"), ("rod", "rod", ""),
     "Bedömningen är att det blir svårt att nå 100 procent till den 30 september."),
]


#: Målvärden for a later year than the row's (mätetal → year), as the comments state.
MALAR = {"Andel kvinnor av tillsvidareanställda": 2030,
         "Kostnaden för lokalbanken minskar med 50 % under mandatperioden": 2026}


def generate_mal() -> pd.DataFrame:
    """The rows of ``mal/matetal.csv``."""
    rows = []
    for namnd, mal, matetal, enhet, riktning, malvarde, fg, utfall, status, kommentar in GOALS:
        rows.append({"ar": 2022, "period": "", "namnd": namnd, "mal": mal, "matetal": matetal,
                     "enhet": enhet, "riktning": riktning, "malvarde": malvarde,
                     "malar": MALAR.get(matetal, ""), "utfall": fg,
                     "status": "", "kommentar": ""})
        for period, value, given in zip(PERIODS, utfall, status):
            rows.append({"ar": 2023, "period": period, "namnd": namnd, "mal": mal,
                         "matetal": matetal, "enhet": enhet, "riktning": riktning,
                         "malvarde": malvarde, "malar": MALAR.get(matetal, ""),
                         "utfall": value, "status": given,
                         "kommentar": kommentar})
    return pd.DataFrame(rows)
