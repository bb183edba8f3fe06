"""The ``analysis`` command.

::

    analysis run    [--period YYYY-MM] [--namnd ID ...] [--data-dir DIR] [--reports-dir DIR]
                    [--format html,pdf,xlsx,docx] [--workers N]
    analysis export --period YYYY-MM --out FILE.xlsx [--data-dir DIR]
    analysis check  [--data-dir DIR]            validate data/raw and refresh data/processed
    analysis sample [--data-dir DIR] [--force]  write the sample kommun to DIR/raw
    analysis lab    [JUPYTER ARGS]              JupyterLab on working copies (arbete/)
    analysis kommentarer --period YYYY-MM [--namnd ID ...] [--data-dir DIR]
                                                drafts of the ekonom's texts (never overwrites)
    analysis befolkning --out FILE.xlsx [--data-dir DIR] [--basar YYYY] [--horisont N]
                        [--scenario bas|lag|hog]
                                                the population forecast as Excel; needs only
                                                DIR/raw/befolkning/ (no organisation.csv)
    analysis scb hamta --region KOD --ar YYYY-YYYY [--tabeller …] [--force] [--data-dir DIR]
                                                SCB's BE0101 tables (PxWeb v2) into
                                                DIR/raw/befolkning/*_scb.json
    analysis kolada hamta --kommun KOD [--ar YYYY-YYYY] [--jamfor KOD,KOD|GRUPP] [--kpi …]
                                                Kolada's KPIs into DIR/raw/kolada/

Without ``--period``, ``run`` and ``export`` use the latest delår (April, August or
December) of the data (:attr:`analysis.io.dataset.Dataset.senaste_period`).

``organisation.csv`` and at least one domain are required: without ``ekonomi/``,
``personal/`` or ``befolkning/`` (:data:`analysis.io.dataset.OPTIONAL_DOMAINS`), ``check``
says so, ``run`` skips the reports that need them (``kraver:`` in
``notebooks/rapporter.yml``) and lists them as skipped in the index, and ``export`` leaves
their sheets out. Only ``scb hamta`` and ``kolada hamta`` use the network; on any error
they write nothing.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from analysis import __version__
from analysis.core.errors import AnalysisError, ConfigurationError, InputError
from analysis.core.period import Period, latest_delar


def _period_arg(text: str) -> Period:
    try:
        return Period.parse(text)
    except ConfigurationError as e:
        raise argparse.ArgumentTypeError(str(e)) from None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="analysis",
        description="Delårsrapporter för kommunens nämnder: budget, sjukfrånvaro och befolkning.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="KOMMANDO")

    def data_dir(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--data-dir",
            type=Path,
            default=Path("data"),
            help="mappen med raw/ och processed/ (standard: data)",
        )

    run = sub.add_parser("run", help="kör rapportnotebooks för en period (HTML, PDF, Excel)")
    run.add_argument(
        "--period", type=_period_arg, help="rapportmånad ÅÅÅÅ-MM (standard: senaste delåret i data)"
    )
    run.add_argument("--namnd", nargs="+", metavar="ID", help="bara dessa nämnder (id)")
    data_dir(run)
    run.add_argument("--reports-dir", type=Path, default=Path("reports"))
    run.add_argument(
        "--format",
        default="html,pdf,xlsx",
        help="kommaseparerad lista av html, pdf, xlsx, docx (standard: html,pdf,xlsx)",
    )
    run.add_argument(
        "--workers",
        type=int,
        default=None,
        help="antal parallella processer (standard: antal kärnor)",
    )
    run.add_argument(
        "--timeout",
        type=int,
        default=600,
        help="längsta körtid i sekunder för en cell i en notebook (standard: 600)",
    )
    run.add_argument(
        "--fresh-kernels",
        action="store_true",
        help="starta en ny kärna för varje rapport (långsammare; standard är en "
        "återanvänd kärna per process som töms mellan rapporterna)",
    )
    run.add_argument(
        "--strikt",
        action="store_true",
        help="avsluta med felkod 2 om någon rapports kontroller avviker (annars "
        "visas avvikelserna i rapporten, index.html och manifest.json)",
    )
    run.add_argument(
        "--scheduler",
        metavar="ADRESS",
        help="kör på ett Dask-kluster, t.ex. tcp://10.0.0.5:8786 (kräver extra dask)",
    )

    export = sub.add_parser("export", help="nyckeltabellerna som Excel, utan notebooks")
    export.add_argument(
        "--period", type=_period_arg, help="rapportmånad ÅÅÅÅ-MM (standard: senaste delåret i data)"
    )
    export.add_argument("--out", type=Path, required=True, help="Excel-fil att skriva")
    export.add_argument(
        "--horizon", type=int, default=10, help="antal prognosår i bladet befolkning (standard: 10)"
    )
    data_dir(export)

    check = sub.add_parser("check", help="validera data/raw och uppdatera data/processed")
    data_dir(check)

    lab = sub.add_parser(
        "lab",
        help="starta JupyterLab på arbetskopior av rapportnotebooks (mappen arbete/)",
        description="JupyterLab i mappen arbete/, som har en egen kopia av varje "
        "rapportnotebook i notebooks/. Det du ändrar och sparar där påverkar "
        "aldrig rapporterna som analysis run gör. Övriga flaggor går vidare till "
        "jupyter lab, t.ex. analysis lab --no-browser --port 8899.",
    )
    lab.add_argument(
        "jupyter_args",
        nargs=argparse.REMAINDER,
        help="fler flaggor till jupyter lab, t.ex. --no-browser --port 8899",
    )

    texter = sub.add_parser(
        "kommentarer",
        help="skriv utkast till ekonomens texter för perioden (skriver aldrig över en fil)",
        description="Skriver ett utkast kommentarer/ÅÅÅÅ-MM/<id>.md för varje nämnd och "
        "kommentarer/ÅÅÅÅ-MM/kommun.md för kommunen där filen saknas, med periodens fakta "
        "att förklara under rubriken Underlag (skrivs aldrig ut) och tomma rubriker att "
        "skriva under. En befintlig fil lämnas alltid orörd.",
    )
    texter.add_argument("--period", type=_period_arg, required=True, help="rapportmånad ÅÅÅÅ-MM")
    texter.add_argument(
        "--namnd",
        nargs="+",
        metavar="ID",
        help="bara dessa (nämndens id, eller kommun; standard: kommunen och alla nämnder)",
    )
    data_dir(texter)

    bef = sub.add_parser(
        "befolkning",
        help="befolkningsprognosen som Excel (behöver bara befolkning/)",
        description="Skriver befolkningsprognosen till en Excel-fil: bladet befolkning "
        "(folkmängd och förändringens delar per år, utfall och prognos) och bladet "
        "befolkning_alder (folkmängd per år, kön och ålder). Kräver bara mappen "
        "befolkning/ i DATA_DIR/raw; organisation.csv och ekonomi/ behövs inte.",
    )
    data_dir(bef)
    bef.add_argument("--out", type=Path, required=True, help="Excel-fil att skriva")
    bef.add_argument(
        "--basar",
        type=int,
        metavar="ÅÅÅÅ",
        help="prognosens startår (standard: senaste året med folkmängd per 31 december)",
    )
    bef.add_argument(
        "--horisont", type=int, default=10, metavar="N", help="antal prognosår (standard: 10)"
    )
    bef.add_argument(
        "--scenario",
        default="bas",
        metavar="bas|lag|hog",
        help="bas (huvudalternativ), lag (låg inflyttning, −10 %%) eller hog (hög "
        "inflyttning, +10 %%); standard: bas",
    )

    scb = sub.add_parser(
        "scb", help="hämta SCB:s befolkningstabeller (BE0101) till DATA_DIR/raw/befolkning"
    )
    scb_sub = scb.add_subparsers(dest="scb_command", required=True, metavar="KOMMANDO")
    scb_hamta = scb_sub.add_parser(
        "hamta",
        help="hämta folkmängd, födda, döda och flyttningar från SCB:s API (PxWeb v2)",
        description="Hämtar SCB:s tabeller för en region och skriver "
        "befolkning/<slag>_scb.json (JSON-stat2) i DATA_DIR/raw. Inget skrivs om något "
        "anrop misslyckas. Rapporterna hämtar aldrig själva; de läser filerna som all "
        "annan indata.",
    )
    data_dir(scb_hamta)
    scb_hamta.add_argument(
        "--region", required=True, metavar="KOD", help="SCB:s regionkod, t.ex. 2580 (Luleå)"
    )
    scb_hamta.add_argument(
        "--ar", required=True, metavar="ÅÅÅÅ-ÅÅÅÅ", help="år, t.ex. 2006-2018 (till och med 2024)"
    )
    scb_hamta.add_argument(
        "--tabeller",
        default="folkmangd,fodda,doda,flyttningar",
        metavar="SLAG,…",
        help="vilka tabeller (standard: alla fyra)",
    )
    scb_hamta.add_argument(
        "--force", action="store_true", help="ersätt en tidigare hämtad <slag>_scb.json"
    )

    kolada = sub.add_parser(
        "kolada", help="hämta nyckeltal från Kolada till DATA_DIR/raw/kolada (jämförelser)"
    )
    kolada_sub = kolada.add_subparsers(dest="kolada_command", required=True, metavar="KOMMANDO")
    kolada_hamta = kolada_sub.add_parser(
        "hamta",
        help="hämta nyckeltal för kommunen, en jämförelsegrupp och riket (Kolada API v3)",
        description="Hämtar Koladas nyckeltal för kommunen, riket och en jämförelsegrupp och "
        "sparar dem som JSON i DATA_DIR/raw/kolada med källa och tid. Inget sparas om något "
        "anrop misslyckas. Rapporterna hämtar aldrig själva; de läser den sparade cachen.",
    )
    data_dir(kolada_hamta)
    kolada_hamta.add_argument(
        "--kommun", required=True, metavar="KOD", help="kommunens fyrsiffriga kod, t.ex. 2580"
    )
    kolada_hamta.add_argument(
        "--ar",
        metavar="ÅÅÅÅ-ÅÅÅÅ",
        help="år, t.ex. 2019-2023 (standard: de fem åren före innevarande år)",
    )
    kolada_hamta.add_argument(
        "--jamfor",
        metavar="KOD,KOD|GRUPP",
        help="jämförelsekommuner med kommatecken, eller en kommungrupp i Kolada (G…); "
        "riket hämtas alltid",
    )
    kolada_hamta.add_argument(
        "--kpi",
        metavar="N00090,…",
        help="nyckeltal (standard: de som data/raw/kolada/jamforelse.csv anger och standardvalen)",
    )
    kolada_hamta.add_argument(
        "--forsok", type=int, default=1, metavar="N", help="antal försök per anrop (standard: 1)"
    )

    sample = sub.add_parser("sample", help="skriv exempelkommunen till DATA_DIR/raw")
    data_dir(sample)
    sample.add_argument("--force", action="store_true", help="skriv över befintliga filer i raw/")
    return parser


def _default_period(data) -> Period:
    return latest_delar(data.senaste_period)


def _varningar(data, period: Period) -> None:
    """The economy's warnings for ``period`` on stderr (none without the economy)."""
    from analysis.ekonomi.drift import kontrollera_period

    if data.utfall is None:
        return
    for text in kontrollera_period(data, period):  # refuses a period without utfall
        print(f"VARNING: {text}", file=sys.stderr)


def cmd_export(args: argparse.Namespace) -> int:
    from analysis.batch.export import export_workbook, skipped_sheets
    from analysis.io.dataset import load_data

    data = load_data(args.data_dir)
    period = args.period or _default_period(data)
    _varningar(data, period)
    out = export_workbook(data, period, args.out, horizon=args.horizon)
    print(f"Skrev {out} ({period.label}).")
    for sheet, why in skipped_sheets(data).items():
        print(f"  Bladet {sheet} är utelämnat: {why}.")
    return 0


def _skipped_reports(data) -> list[str]:
    """What ``run`` would skip, one Swedish line per report kind (empty without a run
    matrix in the project)."""
    from analysis.batch.matrix import read_matrix, skip_reason
    from analysis.batch.runner import project_root

    try:
        specs = read_matrix(project_root() / "notebooks")
    except ConfigurationError:
        return []
    out: list[str] = []
    for spec in specs:
        why = skip_reason(spec, data)
        if why is not None and why not in out:
            out.append(why)
    return out


def cmd_check(args: argparse.Namespace) -> int:
    from analysis.core.format import antal
    from analysis.io.dataset import load_data
    from analysis.io.sie_kalla import sie_anmarkningar

    data = load_data(args.data_dir)
    print(f"Indata i {data.raw_dir} är giltiga.")
    for kind, frame in data.frames.items():
        if frame is None:
            continue
        files = len(data.sources.get(kind, {}))
        state = "inläst" if kind in data.rebuilt else "från cache"
        if not files:
            state = "ingen fil: tom (t.ex. ingen prognos gjord)"
        print(f"  {kind:<14} {antal(len(frame)):>10} rader  {files} fil(er)  {state}")
    for folder, why in data.absent.items():
        print(f"  Utan {folder}/: {why}; rapporterna och exportbladen om den görs inte.")
    for why in _skipped_reports(data):
        print(f"  Hoppas över: {why}.")
    for note in sie_anmarkningar(data.raw_dir):
        print(f"  SIE: {note}")
    if data.utfall is not None:
        print(
            f"Senaste månad med utfall: {data.last_period}; senaste delår: "
            f"{_default_period(data).label}."
        )
    else:
        print(f"Senaste period med data: {data.senaste_period} (ingen ekonomi).")
    return 0


def cmd_sample(args: argparse.Namespace) -> int:
    from analysis.sample.writer import write_sample

    raw = args.data_dir / "raw"
    if (raw / "organisation.csv").exists() and not args.force:
        raise ConfigurationError(
            f"{raw} innehåller redan data; rådata skrivs aldrig över utan --force."
        )
    written = write_sample(raw)
    print(f"Skrev exempelkommunen: {len(written)} filer i {raw}.")
    return 0


def cmd_kommentarer(args: argparse.Namespace) -> int:
    from analysis.ekonomi.drift import kontrollera_period
    from analysis.io.dataset import load_data
    from analysis.rapport.kommentarer import skriv_utkast

    data = load_data(args.data_dir)
    for text in kontrollera_period(data, args.period):  # refuses a period without utfall
        print(f"VARNING: {text}", file=sys.stderr)
    data = data.as_of(args.period)
    if args.namnd:
        known = {"kommun", *data.register.namnder}
        unknown = [u for u in args.namnd if u not in known]
        if unknown:
            raise ConfigurationError(
                f"okänd nämnd {', '.join(unknown)}; välj bland kommun, "
                f"{', '.join(data.register.namnder)}."
            )
    result = skriv_utkast(data, args.period, args.namnd)
    written = [u for u in result if u.skriven]
    kept = [u for u in result if not u.skriven]
    for u in written:
        print(f"Skrev utkast {data.raw_dir / u.fil}")
    for u in kept:
        print(f"Lämnade orörd (finns redan) {data.raw_dir / u.fil}")
    print(
        f"{len(written)} utkast skrivna, {len(kept)} befintliga filer lämnade orörda "
        f"({args.period.label})."
    )
    return 0


def cmd_befolkning(args: argparse.Namespace) -> int:
    from analysis.batch.excel import FORMAT_ANTAL, write_workbook
    from analysis.befolkning.blad import befolkning_blad
    from analysis.befolkning.historik import SHEET_COLUMNS, BefolkningData
    from analysis.befolkning.scenarier import SCENARIOS
    from analysis.io.dataset import load_domain

    frames = load_domain(args.data_dir, "befolkning")
    data = BefolkningData.from_frames(frames)
    sheets = befolkning_blad(
        data, base_year=args.basar, horizon=args.horisont, scenario=args.scenario
    )
    formats = {
        "befolkning": {c: FORMAT_ANTAL for c in SHEET_COLUMNS if c not in ("ar", "typ")},
        "befolkning_alder": {"antal": FORMAT_ANTAL},
    }
    out = write_workbook(sheets, args.out, formats)
    prognos = sheets["befolkning"]
    prognos = prognos[prognos["typ"] == "prognos"]
    start, slut = int(prognos["ar"].iloc[0]) - 1, int(prognos["ar"].iloc[-1])
    print(
        f"Skrev {out}: befolkningsprognos {start + 1}–{slut} från folkmängden 31 december "
        f"{start}, {SCENARIOS[args.scenario].lower()}."
    )
    return 0


def cmd_scb(args: argparse.Namespace) -> int:
    from analysis.io import pxweb

    tabeller = [t.strip() for t in args.tabeller.split(",") if t.strip()]
    paths = pxweb.hamta(
        args.data_dir / "raw", args.region, pxweb.tolka_ar(args.ar), tabeller, force=args.force
    )
    for path in paths:
        print(f"Skrev {path}")
    print(f"{len(paths)} tabeller från SCB hämtade för region {args.region}.")
    return 0


def cmd_kolada(args: argparse.Namespace) -> int:
    import datetime as dt

    from analysis.io import kolada

    if args.ar:
        ar = kolada.tolka_ar(args.ar)
    else:
        now = dt.date.today().year
        ar = range(now - 5, now)
    kpier = [k.strip() for k in args.kpi.split(",") if k.strip()] if args.kpi else None
    paths = kolada.hamta(
        args.data_dir / "raw", args.kommun, ar, args.jamfor, kpier, forsok=args.forsok
    )
    for path in paths:
        print(f"Sparade kolada/{path.name}")
    print(
        f"{len(paths)} nyckeltal från Kolada sparade för kommun {args.kommun}, "
        f"{ar.start}–{ar.stop - 1}."
    )
    return 0


def lab_command(root: Path, extra: list[str] | None = None) -> list[str]:
    """The ``jupyter lab`` command line for the project: rooted at ``root``, with the news
    feed, update checks and the extension manager's network access turned off."""
    import os

    cmd = [
        sys.executable,
        "-m",
        "jupyterlab",
        f"--ServerApp.root_dir={root}",
        "--LabApp.news_url=None",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        "--LabApp.extension_manager=readonly",
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-root")
    return cmd + list(extra or [])


#: The ekonom's own folder for the lab: working copies of the report notebooks.
WORKSPACE = "arbete"


def prepare_workspace(root: Path) -> tuple[Path, list[str]]:
    """Make ``root/arbete/`` with a working copy of every report notebook in
    ``root/notebooks/`` that it does not have yet (an existing copy, with the ekonom's
    changes, is never overwritten), and a ``.gitignore`` keeping it out of git.

    JupyterLab saves (and autosaves) only there, so ``analysis run``, which executes the
    templates in ``notebooks/``, never runs a half-edited notebook. Returns the folder
    and notes about copies older than their template.
    """
    import shutil

    work = root / WORKSPACE
    work.mkdir(exist_ok=True)
    ignore = work / ".gitignore"
    if not ignore.exists():
        ignore.write_text(
            "# analysis lab: the ekonom's working copies, never committed\n*\n", encoding="utf-8"
        )
    notes = []
    for template in sorted((root / "notebooks").glob("*.ipynb")):
        copy = work / template.name
        if not copy.exists():
            shutil.copyfile(template, copy)
        elif copy.stat().st_mtime < template.stat().st_mtime:
            notes.append(
                f"{WORKSPACE}/{copy.name} är äldre än mallen notebooks/{template.name}; "
                "ta bort kopian för att få en ny."
            )
    return work, notes


def cmd_lab(args: argparse.Namespace) -> int:
    import subprocess

    from analysis.batch.runner import project_root

    root = project_root()
    work, notes = prepare_workspace(root)
    print(
        f"Startar JupyterLab i {work}: arbetskopior av rapporterna i notebooks/. Det du "
        "sparar här ändrar aldrig rapporterna som analysis run gör."
    )
    for note in notes:
        print(f"  {note}")
    return subprocess.call(lab_command(work, args.jupyter_args))


def cmd_run(args: argparse.Namespace) -> int:
    from analysis.batch.runner import run_reports

    return run_reports(
        period=args.period,
        namnder=args.namnd,
        data_dir=args.data_dir,
        reports_dir=args.reports_dir,
        formats=args.format,
        workers=args.workers,
        timeout=args.timeout,
        scheduler=args.scheduler,
        reuse_kernels=not args.fresh_kernels,
        strict=args.strikt,
    )


#: The commands that fetch from the network (the only ones that do).
FETCH_COMMANDS = ("scb", "kolada")

COMMANDS = {
    "run": cmd_run,
    "export": cmd_export,
    "check": cmd_check,
    "sample": cmd_sample,
    "lab": cmd_lab,
    "kommentarer": cmd_kommentarer,
    "befolkning": cmd_befolkning,
    "scb": cmd_scb,
    "kolada": cmd_kolada,
}


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    argv = list(sys.argv[1:] if argv is None else argv)
    # `analysis lab --no-browser --port 8899`: argparse's REMAINDER does not take flags
    # right after the sub-command, so everything after `lab` goes to jupyter lab as it is
    # (`analysis lab --help` still shows the command's help)
    lab_at = next((i for i, a in enumerate(argv) if not a.startswith("-")), None)
    if (
        lab_at is not None
        and argv[lab_at] == "lab"
        and not {"-h", "--help"} & set(argv[lab_at + 1 : lab_at + 2])
    ):
        args = parser.parse_args(argv[: lab_at + 1])
        args.jupyter_args = argv[lab_at + 1 :]
    else:
        args = parser.parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except InputError as e:
        what = (
            "hämtningen misslyckades"
            if args.command in FETCH_COMMANDS
            else "indata kunde inte läsas; inget har skrivits"
        )
        print(f"analysis {args.command}: {what}.\n{e}", file=sys.stderr)
        return 2
    except AnalysisError as e:
        print(f"analysis {args.command}: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
