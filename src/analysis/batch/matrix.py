"""The run matrix: which report notebook runs for which unit and period.

Declared in one place, ``notebooks/rapporter.yml``::

    rapporter:
      - notebook: namnd.ipynb      # a notebook in notebooks/
        per: namnd                 # one report per nämnd (typ namnd) …
        titel: Delårsrapport
        titel_helar: Verksamhetsberättelse   # optional: the title in December
      - notebook: befolkning.ipynb
        per: kommun                # … or one for the whole kommun (or per: forvaltning)
        titel: Befolkningsutveckling
        kraver: [folkmangd, fodda, doda, flyttningar]   # the kinds of file it needs
        parametrar:                # fixed parameters for this kommun (optional)
          mal_folkmangd: 100000
          mal_ar: 2040

``kraver:`` (optional) lists the kinds of input file (names of
:data:`analysis.io.contract.KINDS`) without which the report cannot be made: when the
kommun has no file of one of them (its domain's folder is missing, see
:data:`analysis.io.dataset.OPTIONAL_DOMAINS`), the report is not run but listed as
skipped, with the reason (:func:`skip_reason`).

Everything is checked before the first kernel starts: unknown notebooks, unknown
nämnder, a period without data, and parameters a notebook does not declare (Papermill
only warns about those; we refuse).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import yaml

from analysis.core.errors import ConfigurationError
from analysis.core.format import slug
from analysis.core.period import Period
from analysis.io.contract import KINDS
from analysis.io.dataset import Dataset

SCOPES = ("namnd", "forvaltning", "kommun")
MATRIX_FILE = "rapporter.yml"


@dataclass(frozen=True)
class ReportSpec:
    notebook: str
    per: str
    titel: str
    titel_helar: str = ""  # the title at the full year (December), if different
    parametrar: tuple = ()  # fixed notebook parameters, e.g. (("mal_ar", 2040),)
    kraver: tuple[str, ...] = ()  # kinds of input file the report needs

    def title_for(self, period: Period) -> str:
        return self.titel_helar if (period.is_full_year and self.titel_helar) else self.titel


@dataclass(frozen=True)
class Task:
    """One report to produce."""

    spec: ReportSpec
    period: Period
    namnd: str | None  # register id (per: namnd), or None
    namnd_namn: str | None  # the name on the cover: nämnd, förvaltning, or None (kommun)
    forvaltning: str | None = None
    #: set by :func:`build_tasks` when two names give the same file name
    unique_suffix: str = ""

    @property
    def stem(self) -> str:
        base = Path(self.spec.notebook).stem
        if self.namnd:
            stem = f"{base}-{self.namnd}"
        elif self.forvaltning:
            stem = f"{base}-{slug(self.forvaltning, sep='-', fallback='x')}"
        else:
            stem = base
        return f"{stem}-{self.unique_suffix}" if self.unique_suffix else stem

    @property
    def parameters(self) -> dict:
        params = {**dict(self.spec.parametrar), "period": str(self.period)}
        if self.namnd:
            params["namnd"] = self.namnd
        if self.forvaltning:
            params["forvaltning"] = self.forvaltning
        return params


def read_matrix(notebooks_dir: Path) -> list[ReportSpec]:
    path = notebooks_dir / MATRIX_FILE
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigurationError(f"{path} saknas: den anger vilka rapporter som körs.") from None
    except yaml.YAMLError as e:
        raise ConfigurationError(f"{path} är ingen giltig YAML-fil: {e}") from None
    entries = (doc or {}).get("rapporter")
    if not isinstance(entries, list) or not entries:
        raise ConfigurationError(f"{path}: förväntade en lista 'rapporter:' med minst en rapport.")
    specs = []
    for i, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict) or "notebook" not in entry:
            raise ConfigurationError(f"{path}, rapport {i}: ange minst 'notebook' och 'per'.")
        per = str(entry.get("per", "namnd"))
        if per not in SCOPES:
            raise ConfigurationError(
                f"{path}, rapport {i}: per: '{per}' är okänt; förväntade {' eller '.join(SCOPES)}."
            )
        params = entry.get("parametrar") or {}
        if not isinstance(params, dict):
            raise ConfigurationError(f"{path}, rapport {i}: parametrar ska vara namn: värde.")
        kraver = entry.get("kraver") or []
        if isinstance(kraver, str):
            kraver = [kraver]
        if not isinstance(kraver, list) or not all(isinstance(k, str) for k in kraver):
            raise ConfigurationError(
                f"{path}, rapport {i}: kraver ska vara en lista med filslag, t.ex. [sjukfranvaro]."
            )
        unknown = [k for k in kraver if k not in KINDS]
        if unknown:
            raise ConfigurationError(
                f"{path}, rapport {i}: kraver: okänt filslag {', '.join(unknown)}; kända är "
                f"{', '.join(KINDS)}."
            )
        specs.append(
            ReportSpec(
                str(entry["notebook"]),
                per,
                str(entry.get("titel", "")),
                str(entry.get("titel_helar", "")),
                tuple(params.items()),
                tuple(dict.fromkeys(kraver)),
            )
        )
    return specs


def skip_reason(spec: ReportSpec, data: Dataset) -> str | None:
    """Why the report of ``spec`` cannot be made from ``data`` (Swedish, for the index
    and the manifest), or ``None`` when every kind it needs (``kraver``) has files.

    The reason names the report's subject by its notebook, e.g. ``Ingen
    personalrapport: mappen personal/ saknas i data/raw``.
    """
    for kind in spec.kraver:
        why = data.missing(kind)
        if why is not None:
            what = REPORT_NAMES.get(Path(spec.notebook).stem, f"rapport {spec.notebook}")
            return f"Ingen {what}: {why}"
    return None


#: How :func:`skip_reason` names a skipped report, by its notebook's stem.
REPORT_NAMES = {
    "personal": "personalrapport",
    "befolkning": "befolkningsrapport",
    "kommun": "kommunrapport",
    "kortversion": "kortversion",
    "namnd": "nämndrapport",
    "ekonomi": "ekonomirapport",
}


def declared_parameters(notebook: Path) -> set[str]:
    """The names in the notebook's ``parameters`` cell."""
    import papermill

    return set(papermill.inspect_notebook(str(notebook)).keys())


def build_tasks(
    specs: list[ReportSpec],
    notebooks_dir: Path,
    register,
    period: Period,
    namnder: list[str] | None = None,
    extra_parameters: tuple[str, ...] = ("data_dir",),
) -> list[Task]:
    """Expand the matrix for one period, validating everything first."""
    problems = []
    wanted: list[str] = register.namnder
    if namnder:
        resolved = []
        for name in namnder:
            try:
                uid = register.resolve(name)
            except KeyError:
                problems.append(
                    f"okänd nämnd '{name}'. Kända nämnder: "
                    + ", ".join(f"{u} ({register.namn(u)})" for u in register.namnder)
                )
                continue
            if uid not in register.namnder:
                problems.append(f"'{name}' är inte en nämnd med egen rapport (typ namnd).")
                continue
            resolved.append(uid)
        wanted = resolved
    for spec in specs:
        path = notebooks_dir / spec.notebook
        if not path.exists():
            problems.append(f"notebooken {spec.notebook} finns inte i {notebooks_dir}.")
            continue
        declared = declared_parameters(path)
        needed = (
            {"period", *extra_parameters, *dict(spec.parametrar)}
            | ({"namnd"} if spec.per == "namnd" else set())
            | ({"forvaltning"} if spec.per == "forvaltning" else set())
        )
        missing = sorted(needed - declared)
        if missing:
            problems.append(
                f"{spec.notebook} deklarerar inte parametrarna {', '.join(missing)} "
                "i sin parameters-cell."
            )
    if problems:
        raise ConfigurationError(
            "Körningen kan inte starta:\n" + "\n".join(f"  - {p}" for p in problems)
        )
    tasks = []
    for spec in specs:
        if spec.per == "namnd":
            tasks += [Task(spec, period, uid, register.namn(uid)) for uid in wanted]
        elif spec.per == "forvaltning":
            # with --namnd: the förvaltningar serving those nämnder
            forv = (
                register.forvaltningar
                if not namnder
                else list(
                    dict.fromkeys(
                        register.forvaltning_of(u) for u in wanted if register.forvaltning_of(u)
                    )
                )
            )
            tasks += [Task(spec, period, None, f, forvaltning=f) for f in forv]
        elif not namnder:
            tasks.append(Task(spec, period, None, None))
    return unique_stems(tasks)


def unique_stems(tasks: list[Task]) -> list[Task]:
    """Give every report its own file name.

    Two names can make the same file name ('Test-förvaltningen' and 'Test/förvaltningen'
    both slugify to ``test-forvaltningen``; file systems may also ignore case), and one
    report would silently overwrite the other. Each task in such a group gets a suffix
    from a hash of its own name (stable from run to run, whatever the order); a name
    whose file name still collides is refused.
    """
    import hashlib

    groups: dict[str, list[int]] = {}
    for i, task in enumerate(tasks):
        groups.setdefault(task.stem.casefold(), []).append(i)
    out = list(tasks)
    for members in groups.values():
        if len(members) < 2:
            continue
        for i in members:
            task = tasks[i]
            name = task.namnd or task.forvaltning or ""
            digest = hashlib.sha256(name.encode("utf-8")).hexdigest()[:8]
            out[i] = replace(task, unique_suffix=digest)
    stems: dict[str, Task] = {}
    for task in out:
        other = stems.setdefault(task.stem.casefold(), task)
        if other is not task:
            raise ConfigurationError(
                f"Två rapporter skulle få samma filnamn {task.stem}: "
                f"'{other.namnd or other.forvaltning}' och '{task.namnd or task.forvaltning}'. "
                "Byt namn på den ena i organisation.csv."
            )
    return out
