"""Write the JSON-stat2 fixtures of this folder (and their CSV twins) from SCB's real
Luleå figures in ``shared/real/scb_lulea``.

The files are hand-made in the real shape of SCB's PxWeb API v2 answers
(``/tables/{id}/data?lang=sv&outputFormat=json-stat2``, pretty-printed as SCB sends them:
``version``, ``class``, ``label``, ``source``, ``updated``, ``role``, ``id``, ``size``,
``dimension`` with ``category.index``/``label``, ``extension.px``, a flat ``value`` array
in row-major order); they are small: one region, two or three years, a few ages. Run
from the project root: ``python tests/data/scb/make_fixtures.py``; the tests read the
written files, never this script.
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pandas as pd

HERE = Path(__file__).parent
REAL = HERE.parents[2].parent / "shared" / "real" / "scb_lulea"
REGION = ("2580", "Luleå")
SEX = {"1": ("män", "M"), "2": ("kvinnor", "K")}

TABLES = {
    "folkmangd": {
        "tableid": "TAB638",
        "label": "Folkmängden efter region, ålder, kön och år",
        "years": [2016, 2017, 2018],
        "ages": ["0", "1", "45", "99", "100+"],
        "age_id": "Alder",
        "age_label": "ålder",
        "contents": {"BE0101N1": ("Folkmängd", None)},
    },
    "fodda": {
        "tableid": "TAB1264",
        "label": "Levande födda efter region, moderns ålder, barnets kön och år",
        "years": [2017, 2018],
        "ages": ["15", "16", "30", "49+", "us"],
        "age_id": "AlderModer",
        "age_label": "moderns ålder",
        "contents": {"BE0101E2": ("Levande födda", None)},
    },
    "doda": {
        "tableid": "TAB960",
        "label": "Döda efter region, ålder, kön och år",
        "years": [2017, 2018],
        "ages": ["0", "80", "90", "100+"],
        "age_id": "Alder",
        "age_label": "ålder",
        "contents": {"BE0101D9": ("Döda", None)},
    },
    "flyttningar": {
        "tableid": "TAB1212",
        "label": "Flyttningar efter region, ålder, kön, tabellinnehåll och år",
        "years": [2017, 2018],
        "ages": ["0", "20", "21", "100+"],
        "age_id": "Alder",
        "age_label": "ålder",
        "contents": {
            "BE0101AX": ("Inrikes inflyttningar", ("in", "inrikes")),
            "BE0101AY": ("Inrikes utflyttningar", ("ut", "inrikes")),
            "BE0101A2": ("Invandringar", ("in", "utlandet")),
            "BE0101A3": ("Utvandringar", ("ut", "utlandet")),
        },
    },
}


def _age_label(code: str) -> str:
    return "uppgift saknas" if code == "us" else f"{code} år"


def _age_value(code: str) -> int:
    return int(code.rstrip("+"))


def cube(kind: str) -> tuple[dict[str, object], list[list[str]]]:
    """The JSON-stat2 dataset of ``kind`` and the rows of its CSV twin."""
    spec = TABLES[kind]
    long = pd.read_csv(REAL / f"{kind}.csv")
    age_col = "moderns_alder" if kind == "fodda" else "alder"
    contents: dict[str, tuple[str, tuple[str, str] | None]] = spec["contents"]  # type: ignore[assignment]
    ages: list[str] = spec["ages"]  # type: ignore[assignment]
    years: list[int] = spec["years"]  # type: ignore[assignment]

    def figure(age: str, sex: str, content: str, year: int) -> int:
        if age == "us":
            return 0  # SCB's 'uppgift saknas': no births of unknown mother's age in Luleå
        rows = long[
            (long["ar"] == year) & (long[age_col] == _age_value(age)) & (long["kon"] == SEX[sex][1])
        ]
        flow = contents[content][1]
        if flow is not None:
            rows = rows[(rows["riktning"] == flow[0]) & (rows["omrade"] == flow[1])]
        assert len(rows) == 1, (kind, age, sex, content, year)
        return int(rows["antal"].iloc[0])

    values = [
        figure(a, s, c, y)
        for a, s, c, y in itertools.product(ages, SEX, contents, years)  # row-major, Tid last
    ]
    dimension = {
        "Region": {
            "label": "region",
            "category": {"index": {REGION[0]: 0}, "label": {REGION[0]: REGION[1]}},
            "extension": {"elimination": False, "show": "code_value"},
        },
        spec["age_id"]: {
            "label": spec["age_label"],
            "category": {
                "index": {a: i for i, a in enumerate(ages)},
                "label": {a: _age_label(a) for a in ages},
            },
            "extension": {"elimination": True, "show": "value"},
        },
        "Kon": {
            "label": "barnets kön" if kind == "fodda" else "kön",
            "category": {
                "index": {s: i for i, s in enumerate(SEX)},
                "label": {s: SEX[s][0] for s in SEX},
            },
            "extension": {"elimination": True, "show": "value"},
        },
        "ContentsCode": {
            "label": "tabellinnehåll",
            "category": {
                "index": {c: i for i, c in enumerate(contents)},
                "label": {c: contents[c][0] for c in contents},
                "unit": {c: {"base": "antal", "decimals": 0} for c in contents},
            },
            "extension": {"elimination": False, "show": "value"},
        },
        "Tid": {
            "label": "år",
            "category": {
                "index": {str(y): i for i, y in enumerate(years)},
                "label": {str(y): str(y) for y in years},
            },
            "extension": {"elimination": False, "show": "code"},
        },
    }
    ids = ["Region", spec["age_id"], "Kon", "ContentsCode", "Tid"]
    doc = {
        "version": "2.0",
        "class": "dataset",
        "label": spec["label"],
        "source": "SCB",
        "updated": "2019-03-21T07:00:00Z",
        "note": ["Handgjord testfil i SCB:s form, med SCB:s siffror för Luleå."],
        "role": {"time": ["Tid"], "metric": ["ContentsCode"]},
        "id": ids,
        "size": [len(dimension[d]["category"]["index"]) for d in ids],  # type: ignore[index]
        "dimension": dimension,
        "extension": {
            "px": {
                "infofile": "BE0101",
                "tableid": spec["tableid"],
                "decimals": 0,
                "language": "sv",
                "contents": spec["label"],
                "heading": ["ContentsCode", "Tid"],
                "stub": ["Region", spec["age_id"], "Kon"],
                "matrix": spec["tableid"],
                "subject-code": "BE",
                "subject-area": "Befolkning",
            }
        },
        "value": values,
    }
    header = ["region", spec["age_label"], "kön"]
    if kind == "flyttningar":
        header.append("tabelluppgift")
    rows = [[*header, *map(str, years)]]
    for a, s, c in itertools.product(ages, SEX, contents):
        if a == "us":
            continue
        keys = [f"{REGION[0]} {REGION[1]}", _age_label(a), SEX[s][0]]
        if kind == "flyttningar":
            keys.append(contents[c][0])
        rows.append([*keys, *(str(figure(a, s, c, y)) for y in years)])
    return doc, rows


def main() -> None:
    for kind in TABLES:
        doc, rows = cube(kind)
        text = json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
        (HERE / f"{kind}_scb.json").write_text(text, encoding="utf-8")
        header, body = rows[0], rows[1:]
        n_dims = len(header) - len(TABLES[kind]["years"])  # type: ignore[arg-type]
        q = '"{}"'.format
        csv = [q(doc["label"]), "", ";".join(q(c) for c in header)]
        csv += [";".join([*(q(c) for c in r[:n_dims]), *r[n_dims:]]) for r in body]
        csv += ["", q("Källa: SCB (testfil i SCB:s CSV-form, samma siffror som JSON-filen).")]
        (HERE / f"{kind}_scb.csv").write_text("\n".join(csv) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
