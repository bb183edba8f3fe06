"""Write the sample kommun to a ``raw/`` folder, in the formats real exports come in.

The files deliberately use the tolerance of the data contract: the ledger as saved by
Swedish Excel (``;``, decimal comma, Windows-1252, CRLF), budgets as plain UTF-8 CSV,
forecasts with a BOM, personnel data gzip-compressed and split by year. Output is
byte-for-byte deterministic for a given seed (gzip timestamps are zeroed).
"""

from __future__ import annotations

import gzip
import io
from pathlib import Path

import pandas as pd

from analysis.core.atomic import atomic_write_bytes
from analysis.sample.ekonomi import generate_ekonomi

SEED = 2023


def _csv_bytes(frame: pd.DataFrame, *, style: str) -> bytes:
    buf = io.StringIO()
    if style == "excel-sv":  # Swedish Excel: ';', decimal comma, CRLF, Windows-1252
        frame.to_csv(
            buf, sep=";", decimal=",", index=False, lineterminator="\r\n", float_format="%.2f"
        )
        return buf.getvalue().encode("cp1252")
    if style == "utf8-bom-sv":  # ';' and decimal comma, UTF-8 with BOM
        frame.to_csv(
            buf, sep=";", decimal=",", index=False, lineterminator="\n", float_format="%.2f"
        )
        return ("\ufeff" + buf.getvalue()).encode("utf-8")
    if style == "weights":  # ';' and decimal comma, six decimals
        frame.to_csv(
            buf, sep=";", decimal=",", index=False, lineterminator="\n", float_format="%.10f"
        )
        return buf.getvalue().encode("utf-8")
    frame.to_csv(buf, sep=",", index=False, lineterminator="\n", float_format="%.2f")
    return buf.getvalue().encode("utf-8")


def _gzip(data: bytes) -> bytes:
    out = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=out, mtime=0, compresslevel=9) as f:
        f.write(data)
    return out.getvalue()


def sample_files(seed: int = SEED) -> dict[str, bytes]:
    """Every sample file, relative path → bytes."""
    from analysis.sample.befolkning import generate_befolkning
    from analysis.sample.mal import generate_mal
    from analysis.sample.personal import generate_personal

    files: dict[str, bytes] = {}
    eco = generate_ekonomi(seed)
    files["organisation.csv"] = _csv_bytes(eco.organisation, style="utf8-bom-sv")
    years = sorted({int(p[:4]) for p in eco.utfall["period"]})
    for year in years:
        part = eco.utfall[eco.utfall["period"].str.startswith(str(year))]
        files[f"ekonomi/utfall_{year}.csv"] = _csv_bytes(part, style="excel-sv")
        files[f"ekonomi/budget_{year}.csv"] = _csv_bytes(
            eco.budget[eco.budget["ar"] == year], style="plain"
        )
    files["ekonomi/prognos.csv"] = _csv_bytes(eco.prognos, style="utf8-bom-sv")
    files["ekonomi/periodisering.csv"] = _csv_bytes(eco.periodisering, style="weights")
    files["ekonomi/investeringar.csv"] = _csv_bytes(eco.investeringar, style="excel-sv")
    files["ekonomi/kontoplan.csv"] = _csv_bytes(eco.kontoplan, style="utf8-bom-sv")

    personal = generate_personal(seed)
    for year in sorted({p[:4] for p in personal["period"]}):
        part = personal[personal["period"].str.startswith(year)]
        files[f"personal/sjukfranvaro_{year}.csv.gz"] = _gzip(_csv_bytes(part, style="utf8-bom-sv"))

    bef = generate_befolkning(seed)
    for name, frame in bef.items():
        files[f"befolkning/{name}.csv"] = _csv_bytes(frame, style="plain")
    files["mal/matetal.csv"] = _csv_bytes(generate_mal(), style="utf8-bom-sv")
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
