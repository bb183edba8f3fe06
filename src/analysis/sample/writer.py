"""Write the sample kommun to a ``raw/`` folder, in the formats real exports come in.

The files deliberately use the tolerance of the data contract: the ledger as saved by
Swedish Excel (``;``, decimal comma, Windows-1252, CRLF), budgets as plain UTF-8 CSV,
forecasts with a BOM, personnel data gzip-compressed and split by year. Output is
byte-for-byte deterministic for a given seed (gzip timestamps are zeroed).
"""

from __future__ import annotations

from pathlib import Path

from analysis.core.atomic import atomic_write_bytes
from analysis.sample.ekonomi import generate_ekonomi
from analysis.sample.filer import csv_bytes, gzip_bytes

SEED = 2023


def sample_files(seed: int = SEED) -> dict[str, bytes]:
    """Every sample file, relative path → bytes."""
    from analysis.sample import arbetsmarknad, balans, finans, kolada, kommentarer
    from analysis.sample.befolkning import generate_befolkning
    from analysis.sample.mal import generate_mal
    from analysis.sample.personal import generate_personal

    files: dict[str, bytes] = {}
    eco = generate_ekonomi(seed)
    files["organisation.csv"] = csv_bytes(eco.organisation, style="utf8-bom-sv")
    years = sorted({int(p[:4]) for p in eco.utfall["period"]})
    for year in years:
        part = eco.utfall[eco.utfall["period"].str.startswith(str(year))]
        files[f"ekonomi/utfall_{year}.csv"] = csv_bytes(part, style="excel-sv")
        files[f"ekonomi/budget_{year}.csv"] = csv_bytes(
            eco.budget[eco.budget["ar"] == year], style="plain"
        )
    files["ekonomi/prognos.csv"] = csv_bytes(eco.prognos, style="utf8-bom-sv")
    files["ekonomi/periodisering.csv"] = csv_bytes(eco.periodisering, style="weights")
    files["ekonomi/investeringar.csv"] = csv_bytes(eco.investeringar, style="excel-sv")
    files["ekonomi/kontoplan.csv"] = csv_bytes(eco.kontoplan, style="utf8-bom-sv")

    personal = generate_personal(seed)
    for year in sorted({p[:4] for p in personal["period"]}):
        part = personal[personal["period"].str.startswith(year)]
        files[f"personal/sjukfranvaro_{year}.csv.gz"] = gzip_bytes(
            csv_bytes(part, style="utf8-bom-sv")
        )

    bef = generate_befolkning(seed)
    for name, frame in bef.items():
        files[f"befolkning/{name}.csv"] = csv_bytes(frame, style="plain")
    files["mal/matetal.csv"] = csv_bytes(generate_mal(), style="utf8-bom-sv")
    files.update(balans.files(eco, seed))
    files.update(finans.files(eco, seed))
    files.update(arbetsmarknad.files(seed))
    files.update(kommentarer.files(seed))
    files.update(kolada.files(seed))
    return files


def write_sample(raw_dir: str | Path, seed: int = SEED) -> list[Path]:
    """Write the sample kommun into ``raw_dir`` (each file atomically)."""
    raw_dir = Path(raw_dir)
    written = []
    for rel, data in sample_files(seed).items():
        path = raw_dir / rel
        atomic_write_bytes(path, data)
        written.append(path)
    return written
