"""The sample's files as bytes, in the formats real exports come in (see
:mod:`analysis.sample.writer`)."""

from __future__ import annotations

import gzip
import io

import pandas as pd


def csv_bytes(frame: pd.DataFrame, *, style: str) -> bytes:
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


def gzip_bytes(data: bytes) -> bytes:
    out = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=out, mtime=0, compresslevel=9) as f:
        f.write(data)
    return out.getvalue()
