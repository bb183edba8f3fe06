"""The sample's labour-market statistics (``arbetsmarknad/arbetsloshet_<year>.csv``).

Monthly series 2019-01 … 2023-12 of *inskrivna arbetslösa* as Arbetsförmedlingen
publishes them, for the sample kommun, Norrbottens län, Västerbottens län (16–64 år
only) and riket, in three groups (16–64 år, ungdomar 18–24 år, utrikes födda): a
level that rises in the pandemic year 2020 and falls after it, a seasonal pattern
(highest in January–February and, for the young, in July) and a little noise. The
months of the published delårsrapport are pinned (:data:`MAL`): April 2023 in the
kommun 4,9 % against 5,5 % a year earlier, 1 861 arbetslösa, 890 fewer than two years
earlier; Norrbotten 4,4 %; ungdomar 5,0 % (6,5 %); utrikes födda 12,4 % (Norrbotten
11,6 %); Västerbotten 4,1 % in April 2022. Each pin is reached by a correction that
tapers off over six months on each side, so the series stay smooth.

Shares are written with one decimal, counts as whole persons computed from the unrounded
share and the registerbaserade arbetskraften (also written), so share × arbetskraft
equals the count to within the rounding of the share.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.sample.filer import csv_bytes

#: The sample kommun's name in the files (the register's ``kommun`` row).
KOMMUN = "Exempelkommunen"
LAN = "Norrbottens län"
GRANNLAN = "Västerbottens län"
RIKET = "Riket"
AR = range(2019, 2024)

#: How the files spell the groups (Arbetsförmedlingen's words).
GRUPPNAMN = {"16-64": "16–64 år", "18-24": "Ungdomar 18–24 år", "utrikes_fodda": "Utrikes födda"}
TYPNAMN = {"kommun": "kommun", "lan": "län", "riket": "riket"}

#: (area, group, yyyymm) → the share (percent) the sample must show: seed001 n04.
MAL: dict[tuple[str, str, int], float] = {
    (KOMMUN, "16-64", 202304): 1861 / 38_000 * 100,  # 4,9 % and 1 861 persons
    (KOMMUN, "16-64", 202204): 5.5,
    (KOMMUN, "16-64", 202104): 2751 / 37_600 * 100,  # 1 861 + 890 persons
    (LAN, "16-64", 202304): 4.4,
    (GRANNLAN, "16-64", 202204): 4.1,
    (KOMMUN, "18-24", 202304): 5.0,
    (KOMMUN, "18-24", 202204): 6.5,
    (KOMMUN, "utrikes_fodda", 202304): 12.4,
    (LAN, "utrikes_fodda", 202304): 11.6,
}
#: The kommun's arbetskraft 16–64 in the pinned months (for the counts above).
ARBETSKRAFT_MAL = {202304: 38_000.0, 202104: 37_600.0}

#: (area, type, arbetskraft 16–64 in 2019, level 16–64 in 2019, groups).
OMRADEN = (
    (KOMMUN, "kommun", 37_500.0, 5.4, ("16-64", "18-24", "utrikes_fodda")),
    (LAN, "lan", 124_000.0, 5.0, ("16-64", "18-24", "utrikes_fodda")),
    (GRANNLAN, "lan", 135_000.0, 4.6, ("16-64",)),
    (RIKET, "riket", 5_250_000.0, 6.8, ("16-64", "18-24", "utrikes_fodda")),
)
#: A group's level relative to 16–64, and its share of the arbetskraft.
GRUPP_NIVA = {"16-64": 1.0, "18-24": 1.25, "utrikes_fodda": 2.6}
GRUPP_ANDEL_AV_KRAFT = {"16-64": 1.0, "18-24": 0.09, "utrikes_fodda": 0.15}
#: The yearly level relative to 2019 (the pandemic in 2020, recovery after it).
AR_NIVA = {2019: 1.0, 2020: 1.3, 2021: 1.2, 2022: 0.95, 2023: 0.85}
#: The monthly seasonal factor (January first); the young have a peak in July.
SASONG = np.array([1.10, 1.09, 1.05, 1.00, 0.95, 0.97, 1.03, 1.00, 0.96, 0.94, 0.94, 0.97])
SASONG_UNGA = np.array([1.08, 1.06, 1.02, 0.98, 0.92, 1.05, 1.18, 1.04, 0.90, 0.88, 0.90, 0.99])
#: The months on each side over which a pin's correction tapers off.
AVKLINGNING = 6


def _manader() -> list[int]:
    return [y * 100 + m for y in AR for m in range(1, 13)]


def _niva(codes: list[int]) -> np.ndarray:
    """The yearly level, interpolated month by month (mid-year at the year's value)."""
    x = np.array([(c // 100) + (c % 100 - 0.5) / 12 for c in codes])
    years = np.array([y + 0.5 for y in AR_NIVA])
    return np.interp(x, years, np.array(list(AR_NIVA.values())))


def _fast(raw: np.ndarray, codes: list[int], pins: dict[int, float]) -> np.ndarray:
    """``raw`` corrected to equal each pin exactly, the correction tapering linearly."""
    out = raw.copy()
    index = {c: i for i, c in enumerate(codes)}
    for code, target in sorted(pins.items()):
        i = index[code]
        ratio = target / out[i]
        for j in range(max(0, i - AVKLINGNING), min(len(out), i + AVKLINGNING + 1)):
            weight = 1 - abs(j - i) / (AVKLINGNING + 1)
            out[j] *= 1 + (ratio - 1) * weight
        out[i] = target
    return out


def generate_arbetsloshet(seed: int) -> pd.DataFrame:
    """Every month, area and group: ``period``, ``omrade``, ``omradestyp``, ``grupp``,
    ``andel`` (percent, one decimal), ``antal`` and ``arbetskraft`` (persons)."""
    rng = np.random.default_rng(seed + 4711)
    codes = _manader()
    niva = _niva(codes)
    months = np.array([c % 100 for c in codes]) - 1
    t = np.arange(len(codes)) / 12
    rows = []
    for omrade, typ, kraft_2019, base, grupper in OMRADEN:
        kraft = kraft_2019 * (1 + 0.002 * t)
        if omrade == KOMMUN:
            index = {c: i for i, c in enumerate(codes)}
            kraft = _fast(kraft, codes, ARBETSKRAFT_MAL)
            kraft[[index[c] for c in ARBETSKRAFT_MAL]] = list(ARBETSKRAFT_MAL.values())
        kraft = np.round(kraft)
        for grupp in grupper:
            sasong = SASONG_UNGA if grupp == "18-24" else SASONG
            noise = 1 + rng.normal(0, 0.015, len(codes))
            raw = base * GRUPP_NIVA[grupp] * niva * sasong[months] * noise
            pins = {c: v for (o, g, c), v in MAL.items() if o == omrade and g == grupp}
            andel = _fast(raw, codes, pins)
            gkraft = np.round(kraft * GRUPP_ANDEL_AV_KRAFT[grupp])
            antal = np.round(andel / 100 * gkraft)
            for i, code in enumerate(codes):
                rows.append(
                    {
                        "period": f"{code // 100}-{code % 100:02d}",
                        "omrade": omrade,
                        "omradestyp": TYPNAMN[typ],
                        "grupp": GRUPPNAMN[grupp],
                        "andel": round(float(andel[i]), 1),
                        "antal": int(antal[i]),
                        "arbetskraft": int(gkraft[i]),
                    }
                )
    return pd.DataFrame(rows)


def files(seed: int) -> dict[str, bytes]:
    """Relative path → bytes: one Swedish-Excel CSV file per year."""
    frame = generate_arbetsloshet(seed)
    out = {}
    for year in AR:
        part = frame[frame["period"].str.startswith(str(year))]
        out[f"arbetsmarknad/arbetsloshet_{year}.csv"] = csv_bytes(part, style="excel-sv")
    return out
