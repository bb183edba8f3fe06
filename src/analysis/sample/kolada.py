"""The sample kommun's Kolada cache: made up, in the exact shape ``analysis kolada hamta``
writes (:func:`analysis.io.kolada.hamta`), and labelled as made up (``"fiktiv": true``).

Exempelkommunen has no code in Kolada, so the cache uses codes no Swedish kommun has:
``9901`` for the kommun and ``9902``–``9907`` for a fictional jämförelsegrupp
``G99001`` ("Exempelgruppen"); riket keeps Kolada's ``0000``. The values are invented
around plausible levels (sick leave about 7–9 %, nettokostnadsavvikelse within ±8 %,
resultat 1–5 % of skatt and bidrag, nettokostnad about 60 000–70 000 kr per invånare) and
are the same for a given seed. One member lacks a value for one year (``null``, as Kolada
gives it) and one value is marked ``isdeleted``, so the reports' handling of both shows.
The years are 2019–2023 with a fetch date of 30 June 2024: a report for April 2023 then
shows 2022 at most (the as-of rule), a report for 2024 shows 2023.
"""

from __future__ import annotations

import numpy as np

from analysis.io.kolada import BASE_URL, RIKET, STANDARD_KPIER, TITLAR, cache_bytes, data_url

#: The sample kommun's made-up code.
KOMMUN_KOD = "9901"
KOMMUN_NAMN = "Exempelkommunen"
#: The made-up jämförelsegrupp.
GRUPP_ID = "G99001"
GRUPP_NAMN = "Exempelgruppen (påhittad)"
MEDLEMMAR = {f"99{n:02d}": f"Jämförelsekommun {chr(ord('A') + n - 2)}" for n in range(2, 8)}
AR = tuple(range(2019, 2024))
HAMTAD = "2024-06-30T12:00:00+02:00"

#: Level and spread of each KPI (riket's level; members scatter around it).
NIVA: dict[str, tuple[float, float]] = {
    "N00090": (7.8, 0.9),
    "N03001": (2.6, 1.4),
    "N03067": (64_000.0, 3_500.0),
    "N00097": (0.5, 3.0),
    "N11024": (0.0, 5.0),
    "N13020": (0.0, 8.0),
    "N15001": (0.0, 4.0),
    "N17001": (0.0, 6.0),
    "N20900": (0.0, 7.0),
    "N28018": (0.0, 9.0),
    "N30001": (0.0, 10.0),
    "N09022": (1_500.0, 300.0),
    "N09018": (2_600.0, 400.0),
    "N40011": (900.0, 250.0),
}
#: KPIs Kolada divides by gender (the others give T only).
KONSUPPDELADE = frozenset({"N00090"})


def _values(kpi: str, rng: np.random.Generator) -> list[dict[str, object]]:
    level, spread = NIVA[kpi]
    decimals = 0 if level >= 500 else 1
    out: list[dict[str, object]] = []
    kommuner = [KOMMUN_KOD, RIKET, *MEDLEMMAR]
    offset = {m: float(rng.normal(0.0, spread)) for m in kommuner}
    offset[RIKET] = 0.0
    for year in AR:
        trend = (year - AR[0]) * (0.02 * level if level >= 500 else 0.1)
        for m in kommuner:
            value: float | None = round(
                level + trend + offset[m] + float(rng.normal(0.0, spread / 4)), decimals
            )
            status = ""
            if kpi == "N03001" and m == "9907" and year == 2022:
                value, status = None, "Uppgift saknas"
            genders = [{"gender": "T", "count": 1, "status": status, "value": value}]
            if kpi in KONSUPPDELADE and value is not None:
                k = round(value * 1.12, 1)
                genders += [
                    {"gender": "K", "count": 1, "status": "", "value": k},
                    {"gender": "M", "count": 1, "status": "", "value": round(value * 0.7, 1)},
                ]
            for g in genders:
                g["isdeleted"] = False
            if kpi == "N00090" and m == "9903" and year == 2020:
                genders.append(
                    {"gender": "T", "count": 1, "status": "", "value": 99.9, "isdeleted": True}
                )
            out.append({"kpi": kpi, "municipality": m, "period": year, "values": genders})
    return out


def files(seed: int) -> dict[str, bytes]:
    """The cache files ``kolada/<KPI>.json``, relative path → bytes."""
    rng = np.random.default_rng(seed + 17)
    kommuner = [KOMMUN_KOD, RIKET, *MEDLEMMAR]
    names = {KOMMUN_KOD: KOMMUN_NAMN, RIKET: "Riket", **MEDLEMMAR}
    out: dict[str, bytes] = {}
    for kpi in STANDARD_KPIER:
        values = _values(kpi, rng)
        url = data_url(BASE_URL, kpi, kommuner, AR)
        doc = {
            "kalla": f"Påhittad (exempelkommunen) i formen av Kolada API v3, {url}",
            "urler": [url],
            "hamtad": HAMTAD,
            "kommun": KOMMUN_KOD,
            "jamfor": list(MEDLEMMAR),
            "jamforelsegrupp": {"id": GRUPP_ID, "title": GRUPP_NAMN},
            "kommuner": {k: names[k] for k in kommuner},
            "fiktiv": True,
            "kpi": {
                "id": kpi,
                "title": TITLAR[kpi],
                "is_divided_by_gender": kpi in KONSUPPDELADE,
                "municipality_type": "K",
            },
            "count": len(values),
            "values": values,
        }
        out[f"kolada/{kpi}.json"] = cache_bytes(doc)
    return out
