"""Loaders for every input file of the data contract.

Each kind of file (``utfall``, ``budget``, ``sjukfranvaro`` …) has a parser that turns
the raw cells into a tidy, typed frame and rejects what it cannot trust with an
:class:`~analysis.core.errors.InputError` naming file, line and column. Amounts are
converted once, here, from the accounting sign of the ekonomisystem (costs +,
revenues −) to the package's report sign (revenues +, costs −): column ``belopp_kr``.

Several files of one kind (``utfall_2022.csv``, ``utfall_2023.csv``) are read together;
their periods (or years) must not overlap.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from functools import partial
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pandas as pd

from analysis.core.errors import InputError, Problem
from analysis.core.format import tal
from analysis.core.kommunbas import KONTOGRUPPER, konto_key
from analysis.core.register import Register, name_key
from analysis.io import arbetsmarknad, bokslut, finans, scb, sie_kalla
from analysis.io.falt import (
    JA_NEJ,
    SUFFIXES,
    FileKind,
    belopp_column,
    check,
    display_name,
    enum_column,
    keep_extras,
    konto_column,
    lenient_numbers,
    list_known,
    month_column,
    number_column,
    optional_period,
    period_column,
    problem_rows,
    text_column,
    unit_column,
    year_column,
)
from analysis.io.readers import (
    RawTable,
    categorical_column,
    read_table,
    require_columns,
)

#: The largest count of persons a population file may hold in one cell.
MAX_ANTAL = 1e9

#: Kinds that must hold at least one data row: without utfall there is no period to
#: report on (every other kind may be empty: a kommun without staff data, say).
MUST_HAVE_ROWS = ("utfall",)

#: The file endings of the population kinds: the contract's, and SCB's JSON-stat2
#: (PxWeb API v2) as downloaded.
SCB_SUFFIXES = (*SUFFIXES, ".json")

#: Tolerance for periodisation weights summing to 1.
WEIGHT_TOLERANCE = 1e-6

#: The kontogrupp of an account outside every range of a kommun's own kontoplan (without
#: a kontoplan, accounts outside Kommun-Bas fall in :data:`analysis.core.kommunbas.OVRIGA_KONTON`).
EJ_I_KONTOPLAN = "Ej i kontoplanen"


# --- small parsing helpers --------------------------------------------------------------


_TYP = {"drift": "drift", "investering": "investering", "inv": "investering"}


# --- economy ----------------------------------------------------------------------------


def parse_utfall(table: RawTable, register: Register) -> pd.DataFrame:
    problems: list[Problem] = []
    period = period_column(table, "period", problems)
    try:
        namnd = register.resolve_categorical(
            categorical_column(table, "namnd"),
            file=table.file,
            column=table.original.get("namnd", "namnd"),
            lines=table.lines,
        )
    except InputError as e:
        problems += e.problems
        namnd = None
    konto, p = konto_column(table)
    problems += p
    belopp = belopp_column(table, problems)
    check(problems)
    frame = pd.DataFrame(
        {
            "period": period.astype(np.int32),
            "namnd": namnd,
            "konto": konto,
            "belopp_kr": -belopp,
        }
    )
    for col in ("verksamhet", "ansvar", "projekt"):  # few distinct values: categorical
        if col in table.data:
            frame[col] = categorical_column(table, col)
    return keep_extras(table, frame, ("period", "namnd", "konto", "belopp"))


def parse_budget(table: RawTable, register: Register) -> pd.DataFrame:
    problems: list[Problem] = []
    ar = year_column(table, "ar", problems)
    namnd = unit_column(table, register, "namnd", problems)
    konto, p = konto_column(table)
    problems += p
    belopp = belopp_column(table, problems)
    typ, p = enum_column(table, "typ", _TYP, "drift eller investering", default="drift")
    problems += p
    check(problems)
    frame = pd.DataFrame(
        {
            "ar": ar,
            "namnd": namnd.to_numpy(dtype=object),
            "konto": konto,
            "typ": typ,
            "belopp_kr": -belopp,
        }
    )
    for col in ("verksamhet", "projekt"):
        if col in table.data:
            frame[col] = table.data[col].astype(str).to_numpy()
    return keep_extras(table, frame, ("ar", "namnd", "konto", "belopp", "typ"))


#: The optional row columns of ``prognos``: a forecast row may be given per verksamhet,
#: kontogrupp, ansvar and (for investments) projekt; empty = not broken down.
PROGNOS_RADER = ("verksamhet", "kontogrupp", "ansvar", "projekt")


def kontogrupper(plan: pd.DataFrame | None) -> list[str]:
    """The kontogrupper (report lines) accounts can fall into: the kontoplan's groups and
    ``Ej i kontoplanen``, or without a kontoplan the Kommun-Bas groups and ``Övriga konton``
    (:data:`analysis.core.kommunbas.KONTOGRUPPER`).

    >>> kontogrupper(None)[:2], kontogrupper(None)[-1]
    (['Verksamhetens intäkter', 'Material och tjänster'], 'Övriga konton')
    """
    if plan is not None and len(plan):
        return [*dict.fromkeys(plan.sort_values("_lo")["grupp"].astype(str)), EJ_I_KONTOPLAN]
    return list(KONTOGRUPPER)


def parse_prognos(
    table: RawTable, register: Register, grupper: Callable[[], list[str]] | None = None
) -> pd.DataFrame:
    """The ``prognos`` files; ``grupper()`` gives the valid kontogrupper (default
    :func:`kontogrupper` of Kommun-Bas), asked only when the file has the column."""
    problems: list[Problem] = []
    ar = year_column(table, "ar", problems)
    manad = month_column(table, "prognosmanad", problems)
    namnd = unit_column(table, register, "namnd", problems)
    belopp = belopp_column(table, problems)
    typ, p = enum_column(table, "typ", _TYP, "drift eller investering", default="drift")
    problems += p
    rader: dict[str, np.ndarray] = {}
    for col in PROGNOS_RADER:
        if col in table.data:
            rader[col] = text_column(table, col).str.strip().to_numpy(dtype=object)
    if "kontogrupp" in rader:
        known = grupper() if grupper is not None else kontogrupper(None)
        canon = {name_key(g): g for g in known}
        given = rader["kontogrupp"]
        mapped = np.array([canon.get(name_key(v), None) if v else "" for v in given], dtype=object)
        bad = np.array([m is None for m in mapped], dtype=bool)
        problems += problem_rows(
            table,
            bad,
            "kontogrupp",
            lambda v: (
                f"okänd kontogrupp '{v}'. Kända kontogrupper: {list_known(known)}. Lämna tomt om "
                "prognosen inte är fördelad på kontogrupp."
            ),
        )
        rader["kontogrupp"] = np.where(bad, "", mapped).astype(object)
    check(problems)
    frame = pd.DataFrame(
        {
            "ar": ar,
            "prognosmanad": manad.astype(np.int8),
            "namnd": namnd.to_numpy(dtype=object),
            "typ": typ,
            "belopp_kr": -belopp,
            **rader,
        }
    )
    return keep_extras(
        table, frame, ("ar", "prognosmanad", "namnd", "belopp", "typ", *PROGNOS_RADER)
    )


def parse_periodisering(table: RawTable, register: Register) -> pd.DataFrame:
    problems: list[Problem] = []
    ar = year_column(table, "ar", problems)
    namnd = unit_column(table, register, "namnd", problems)
    manad = month_column(table, "manad", problems)
    andel = number_column(table, "andel", problems, minimum=0)
    typ, p = enum_column(table, "typ", _TYP, "drift eller investering", default="drift")
    problems += p
    check(problems)
    frame = pd.DataFrame(
        {
            "ar": ar,
            "namnd": namnd.to_numpy(dtype=object),
            "typ": typ,
            "manad": manad.astype(np.int8),
            "andel": andel,
            "_line": table.lines,
        }
    )
    dup = frame.duplicated(["ar", "namnd", "typ", "manad"], keep="first").to_numpy()
    problems += problem_rows(
        table, dup, "manad", "månaden förekommer redan för samma år och nämnd."
    )
    sums = (
        frame.groupby(["ar", "namnd", "typ"], sort=False)
        .agg(andel=("andel", "sum"), line=("_line", "min"))
        .reset_index()
    )
    for year, unit, typ_, andel, line in zip(
        sums["ar"].tolist(),
        sums["namnd"].astype(str).tolist(),
        sums["typ"].astype(str).tolist(),
        sums["andel"].to_numpy(dtype=np.float64).tolist(),
        sums["line"].to_numpy(dtype=np.int64).tolist(),
        strict=True,
    ):
        if abs(andel - 1.0) > WEIGHT_TOLERANCE:
            what = "" if typ_ == "drift" else f" ({typ_})"
            problems.append(
                Problem(
                    table.file,
                    f"andelarna för {register.namn(unit)} {year}{what} summerar till "
                    f"{tal(andel, 6)}; de måste summera till 1 (±1e-6). "
                    "Utan rader för nämnden periodiseras budgeten i tolftedelar.",
                    line,
                    table.original.get("andel", "andel"),
                )
            )
    check(problems)
    return frame.drop(columns="_line")


def parse_investeringar(table: RawTable, register: Register) -> pd.DataFrame:
    problems: list[Problem] = []
    period = period_column(table, "period", problems)
    namnd = unit_column(table, register, "namnd", problems)
    belopp = belopp_column(table, problems)
    check(problems)
    frame = pd.DataFrame(
        {
            "period": period.astype(np.int32),
            "namnd": namnd.to_numpy(dtype=object),
            "projekt": table.data["projekt"].astype(str).to_numpy(),
            "belopp_kr": -belopp,
        }
    )
    return keep_extras(table, frame, ("period", "namnd", "projekt", "belopp"))


def parse_kontoplan(table: RawTable, register: Register) -> pd.DataFrame:
    problems: list[Problem] = []
    fran, p = konto_column(table, "konto_fran")
    problems += p
    till, p = konto_column(table, "konto_till")
    problems += p
    grupp = text_column(table, "grupp")
    problems += problem_rows(
        table,
        (grupp == "").to_numpy(),
        "grupp",
        "grupp saknas; ange raden i rapporten kontona hör till.",
    )
    intern, p = enum_column(table, "intern", {k: k for k in JA_NEJ}, "ja eller nej", default="nej")
    problems += p
    check(problems)
    intern_bool = np.array([JA_NEJ.get(str(v), False) for v in intern], dtype=bool)
    lo = konto_key(fran)
    # the end of a range covers every longer account that starts with it: 3999 → 39999
    k = np.asarray(till, dtype=np.int64)
    digits = np.floor(np.log10(np.maximum(k, 1))).astype(np.int64) + 1
    hi = (k + 1) * 10 ** np.maximum(5 - digits, 0) - 1
    bad = lo > hi
    problems += problem_rows(table, bad, "konto_till", "konto_till är mindre än konto_fran.")
    check(problems)
    frame = pd.DataFrame(
        {
            "konto_fran": fran,
            "konto_till": till,
            "grupp": grupp.to_numpy(),
            "intern": intern_bool,
            "_lo": lo,
            "_hi": hi,
            "_line": table.lines,
        }
    )
    order = frame.sort_values("_lo")
    overlap = order["_lo"].to_numpy()[1:] <= order["_hi"].to_numpy()[:-1]
    for i in np.flatnonzero(overlap):
        a, b = order.iloc[i], order.iloc[i + 1]
        problems.append(
            Problem(
                table.file,
                f"kontointervallen {a.konto_fran}–{a.konto_till} (rad "
                f"{a._line}) och {b.konto_fran}–{b.konto_till} överlappar.",
                int(b._line),
                table.original.get("konto_fran", "konto_fran"),
            )
        )
    check(problems)
    return keep_extras(
        table, frame.drop(columns="_line"), ("konto_fran", "konto_till", "grupp", "intern")
    )


# --- personnel --------------------------------------------------------------------------


def _days_in_month(period: npt.ArrayLike) -> npt.NDArray[np.int64]:
    """The number of days of each month ``yyyymm``.

    >>> _days_in_month([202302, 202402, 202304, 202312]).tolist()
    [28, 29, 30, 31]
    """
    code = np.asarray(period, dtype=np.int64)
    month = ((code // 100 - 1970) * 12 + code % 100 - 1).astype("datetime64[M]")
    days = (month + 1).astype("datetime64[D]") - month.astype("datetime64[D]")
    return np.asarray(days, dtype=np.int64)


_PERSONNUMMER = re.compile(
    r"^(19|20)?\d{2}(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01]|6[1-9]|[78]\d|9[01])"
    r"[-+]?\d{4}$"
)
_KON = {"k": "K", "kvinna": "K", "kvinnor": "K", "f": "K", "m": "M", "man": "M", "män": "M"}


#: Characters read as a dash in an id: every Unicode dash (hyphen, non-breaking hyphen,
#: en and em dash …), the minus sign and the small and fullwidth hyphen-minus.
_DASHES = re.compile(r"[\u2010-\u2015\u2212\ufe58\ufe63\uff0d\u2043\u02d7]")
#: Separators a personnummer may be written with between its digit groups.
_PNR_SEPARATORS = re.compile(r"[\s\-+./:_]")
_PNR_ANYWHERE = re.compile(
    r"(?<!\d)(?:19|20)?\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01]|6[1-9]|[78]\d|9[01])\d{4}"
    r"(?!\d)"
)


def clean_id(value: object) -> str:
    """An id as it is compared: NFKC (fullwidth digits → ASCII), invisible format
    characters (zero-width space, soft hyphen, BOM) removed, every dash as ``-``.

    >>> clean_id("\uff11\uff19\u200b8001\u2011X")
    '198001-X'
    """
    text = unicodedata.normalize("NFKC", str(value))
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
    return _DASHES.sub("-", text).strip()


def _looks_like_pnr(value: str) -> bool:
    compact = _PNR_SEPARATORS.sub("", clean_id(value))
    return bool(_PERSONNUMMER.match(compact) or _PNR_ANYWHERE.search(compact))


def looks_like_personnummer(values: pd.Series) -> np.ndarray:
    """True where a value has the shape of a personnummer or samordningsnummer.

    The value is normalised first (:func:`clean_id`), and every separator (space, any
    dash or minus sign, ``+``, ``.``, ``/``) is ignored, so ``19800101–1234``,
    ``1980-01-01-1234``, ``19800101\u200b1234`` and fullwidth digits are all caught, as is
    a personnummer inside a longer id (``P198001011234``).

    >>> looks_like_personnummer(pd.Series(["A000001", "1980-01-01-1234", "800101\u22121234"]))
    array([False,  True,  True])
    """
    text = values.astype(str)
    codes, uniques = pd.factorize(text, sort=False)
    flags = np.fromiter((_looks_like_pnr(v) for v in uniques), dtype=bool, count=len(uniques))
    return flags[codes] if len(codes) else np.zeros(0, dtype=bool)


def parse_sjukfranvaro(table: RawTable, register: Register) -> pd.DataFrame:
    problems: list[Problem] = []
    period = period_column(table, "period", problems)
    anstalld = text_column(table, "anstalld")
    pnr = looks_like_personnummer(anstalld)
    if not pnr.any():  # 'A1' and 'A1' + a zero-width space are one person
        codes, uniques = pd.factorize(anstalld, sort=False)
        cleaned = np.asarray([clean_id(v) for v in uniques], dtype=object)
        anstalld = pd.Series(
            cleaned[codes] if len(codes) else [], index=anstalld.index, dtype=object
        )
    if pnr.any():
        # Never echo the value: it is personal data.
        problems += problem_rows(
            table,
            pnr,
            "anstalld",
            "värdet ser ut som ett personnummer (visas inte här). Kolumnen anstalld ska innehålla "
            "ett pseudonymt anställnings-id, aldrig personnummer; exportera om filen från "
            "personalsystemet med pseudonymiserade id:n.",
        )
    empty = (anstalld == "").to_numpy()
    problems += problem_rows(table, empty, "anstalld", "anställnings-id saknas.")
    try:
        forv = register.resolve_forvaltning_column(
            table.data["forvaltning"],
            file=table.file,
            column=table.original.get("forvaltning", "forvaltning"),
            lines=table.lines,
        )
    except InputError as e:
        problems += e.problems
        forv = pd.Series([""] * len(table.data))
    kon, p = enum_column(table, "kon", _KON, "K eller M")
    problems += p
    fodelsear = number_column(
        table, "fodelsear", problems, integer=True, minimum=1900, maximum=2200
    )
    ordt = number_column(table, "ordinarie_tid_h", problems, minimum=0, maximum=744)
    sjuk = number_column(table, "sjuk_h", problems, minimum=0, maximum=744)
    lang = number_column(table, "sjuk_h_langtid", problems, minimum=0, maximum=744)
    dagar = number_column(table, "sjukdagar", problems, integer=True, minimum=0, maximum=31)
    has_kort = "sjuk_h_kort" in table.data
    kort = (
        number_column(table, "sjuk_h_kort", problems, minimum=0, maximum=744, allow_empty=True)
        if has_kort
        else np.full(len(table.data), np.nan)
    )
    check(problems)
    eps = 1e-6
    year = period // 100
    problems += problem_rows(
        table,
        sjuk > ordt + eps,
        "sjuk_h",
        lambda v: (
            f"sjuk_h {v} är större än ordinarie_tid_h på samma rad; "
            "sjukfrånvaron kan inte överstiga den schemalagda tiden."
        ),
    )
    problems += problem_rows(
        table,
        lang > sjuk + eps,
        "sjuk_h_langtid",
        "sjuk_h_langtid är större än sjuk_h; den är en del av sjuk_h.",
    )
    problems += problem_rows(
        table,
        np.nan_to_num(kort) > sjuk + eps,
        "sjuk_h_kort",
        "sjuk_h_kort är större än sjuk_h; den är en del av sjuk_h.",
    )
    problems += problem_rows(
        table,
        np.nan_to_num(kort) + lang > sjuk + eps,
        "sjuk_h_kort",
        "sjuk_h_kort + sjuk_h_langtid är större än sjuk_h.",
    )
    age = year - fodelsear
    problems += problem_rows(
        table,
        (age < 13) | (age > 100),
        "fodelsear",
        lambda v: f"födelseåret {v} ger en orimlig ålder för en anställd.",
    )
    problems += problem_rows(
        table,
        dagar > _days_in_month(period),
        "sjukdagar",
        lambda v: f"{v} sjukdagar är fler än dagarna i månaden.",
    )
    struktur = _struktur_columns(table, problems)
    check(problems)
    frame = pd.DataFrame(
        {
            "period": period.astype(np.int32),
            "anstalld": pd.Categorical(anstalld.to_numpy()),
            "forvaltning": pd.Categorical(forv.to_numpy(), categories=register.forvaltningar),
            "kon": pd.Categorical(kon, categories=["K", "M"]),
            "fodelsear": fodelsear.astype(np.int16),
            "ordinarie_tid_h": ordt,
            "sjuk_h": sjuk,
            "sjuk_h_langtid": lang,
            "sjukdagar": dagar.astype(np.int16),
            "sjuk_h_kort": kort,
        }
    )
    for name, values in struktur.items():
        frame[name] = values
    return frame


#: The anställningsformer of the HR contract (optional column ``anstallningsform``).
ANSTALLNINGSFORMER = ("tillsvidare", "visstid", "timavlonad")
#: Accepted spellings (compared without case, spaces, å/ä/ö) → canonical form.
_ANSTALLNINGSFORM = {
    "tillsvidare": "tillsvidare",
    "tillsvidareanställd": "tillsvidare",
    "tillsvidareanställning": "tillsvidare",
    "tv": "tillsvidare",
    "visstid": "visstid",
    "visstidsanställd": "visstid",
    "visstidsanställning": "visstid",
    "vikariat": "visstid",
    "vs": "visstid",
    "timavlönad": "timavlonad",
    "timavlönade": "timavlonad",
    "timanställd": "timavlonad",
    "timanställning": "timavlonad",
    "timlön": "timavlonad",
    "tim": "timavlonad",
}
_JA_NEJ = {"ja": "ja", "j": "ja", "1": "ja", "nej": "nej", "n": "nej", "0": "nej"}


def _struktur_columns(
    table: RawTable, problems: list[Problem]
) -> dict[str, npt.NDArray[np.generic] | pd.Categorical]:
    """The optional personnel-structure columns that are present in ``table``.

    ``anstallningsform`` (tillsvidare / visstid / timavlonad), ``chef`` (bool),
    ``sysselsattningsgrad`` (percent 0–100, empty allowed; a column whose values all lie
    in 0–1 is refused as a share) and ``chef_id`` (pseudonymous, empty allowed, refused
    when it has the shape of a personnummer). Problems are appended to ``problems``.
    """
    out: dict[str, npt.NDArray[np.generic] | pd.Categorical] = {}
    n = len(table.data)
    if "anstallningsform" in table.data:
        form, p = enum_column(
            table,
            "anstallningsform",
            _ANSTALLNINGSFORM,
            "tillsvidare, visstid eller timavlönad (även t.ex. Tillsvidareanställd, "
            "Visstidsanställd, Timanställd, tim)",
        )
        problems += p
        out["anstallningsform"] = pd.Categorical(form, categories=list(ANSTALLNINGSFORMER))
    if "chef" in table.data:
        chef, p = enum_column(table, "chef", _JA_NEJ, "ja eller nej", default="nej")
        problems += p
        out["chef"] = np.asarray(chef == "ja", dtype=bool)
    if "sysselsattningsgrad" in table.data:
        grad = number_column(
            table, "sysselsattningsgrad", problems, allow_empty=True, minimum=0, maximum=100
        )
        given = grad[~np.isnan(grad)]
        if len(given) and given.max() <= 1 and given.max() > 0:
            problems.append(
                Problem(
                    table.file,
                    "sysselsättningsgraden ska anges i procent (0–100, heltid = 100), men "
                    "alla värden ligger mellan 0 och 1 och ser ut att vara andelar; "
                    "multiplicera med 100.",
                    column=table.original.get("sysselsattningsgrad", "sysselsattningsgrad"),
                )
            )
        out["sysselsattningsgrad"] = grad
    if "chef_id" in table.data:
        raw = text_column(table, "chef_id")
        pnr = looks_like_personnummer(raw)
        if pnr.any():
            # Never echo the value: it is personal data.
            problems += problem_rows(
                table,
                pnr,
                "chef_id",
                "värdet ser ut som ett personnummer (visas inte här). Kolumnen chef_id ska "
                "innehålla chefens pseudonyma anställnings-id, aldrig personnummer; exportera "
                "om filen från personalsystemet med pseudonymiserade id:n.",
            )
            cleaned = np.full(n, "", dtype=object)
        else:
            codes, uniques = pd.factorize(raw, sort=False)
            vals = np.asarray([clean_id(v) for v in uniques], dtype=object)
            cleaned = vals[codes] if len(codes) else np.zeros(0, dtype=object)
        values = pd.Series(cleaned, dtype=object)
        out["chef_id"] = pd.Categorical(values.where(values != ""))
    return out


# --- population -------------------------------------------------------------------------

_OMRADE = {
    "inom_lanet": "inom_lanet",
    "inom länet": "inom_lanet",
    "inomlanet": "inom_lanet",
    "lanet": "inom_lanet",
    "annat_lan": "annat_lan",
    "annat län": "annat_lan",
    "övriga sverige": "annat_lan",
    "utlandet": "utlandet",
    "utland": "utlandet",
    "annat land": "utlandet",
    # domestic moves as SCB's BE0101 tables give them: not split by län
    "inrikes": "inrikes",
    "inrikes flyttningar": "inrikes",
    "sverige": "inrikes",
    "inom sverige": "inrikes",
}
_RIKTNING = {
    "in": "in",
    "inflyttning": "in",
    "inflyttade": "in",
    "ut": "ut",
    "utflyttning": "ut",
    "utflyttade": "ut",
}


def _alder(table: RawTable, column: str, problems: list[Problem]) -> np.ndarray:
    raw = text_column(table, column)
    # SCB writes the open group as '100+' and ages as '23 år'
    cleaned = raw.str.replace(r"\s*(år|\+)\s*$", "", regex=True).str.strip()
    table.data[column] = cleaned
    values = number_column(table, column, problems, integer=True, minimum=0, maximum=130)
    table.data[column] = raw
    return np.asarray(np.minimum(values, 100), dtype=np.int16)


def _population_common(
    table: RawTable, problems: list[Problem]
) -> dict[str, np.ndarray | pd.api.extensions.ExtensionArray]:
    cols: dict[str, np.ndarray | pd.api.extensions.ExtensionArray] = {
        "ar": year_column(table, "ar", problems)
    }
    if "manad" in table.data:
        m = month_column(table, "manad", problems, allow_empty=True)
        cols["manad"] = pd.Series(m).astype("Int64").array
    else:
        cols["manad"] = pd.array([pd.NA] * len(table.data), dtype="Int64")
    return cols


def parse_folkmangd(table: RawTable, register: Register) -> pd.DataFrame:
    problems: list[Problem] = []
    cols = _population_common(table, problems)
    kon, p = enum_column(table, "kon", _KON, "K eller M")
    problems += p
    alder = _alder(table, "alder", problems)
    antal = number_column(table, "antal", problems, minimum=0, maximum=MAX_ANTAL)
    check(problems)
    frame = pd.DataFrame({**cols, "kon": kon, "alder": alder, "antal": antal})
    frame["manad"] = frame["manad"].fillna(12).astype(np.int8)  # no month = 31 December
    return frame


def parse_fodda(table: RawTable, register: Register) -> pd.DataFrame:
    problems: list[Problem] = []
    cols = _population_common(table, problems)
    mor = _alder(table, "moderns_alder", problems)
    kon, p = enum_column(table, "kon", _KON, "K eller M")
    problems += p
    antal = number_column(table, "antal", problems, minimum=0, maximum=MAX_ANTAL)
    check(problems)
    return pd.DataFrame({**cols, "moderns_alder": mor, "kon": kon, "antal": antal})


def parse_doda(table: RawTable, register: Register) -> pd.DataFrame:
    problems: list[Problem] = []
    cols = _population_common(table, problems)
    kon, p = enum_column(table, "kon", _KON, "K eller M")
    problems += p
    alder = _alder(table, "alder", problems)
    antal = number_column(table, "antal", problems, minimum=0, maximum=MAX_ANTAL)
    check(problems)
    return pd.DataFrame({**cols, "kon": kon, "alder": alder, "antal": antal})


def parse_flyttningar(table: RawTable, register: Register) -> pd.DataFrame:
    problems: list[Problem] = []
    cols = _population_common(table, problems)
    kon, p = enum_column(table, "kon", _KON, "K eller M")
    problems += p
    alder = _alder(table, "alder", problems)
    riktning, p = enum_column(table, "riktning", _RIKTNING, "in eller ut")
    problems += p
    omrade, p = enum_column(
        table, "omrade", _OMRADE, "inom_lanet, annat_lan, inrikes eller utlandet"
    )
    problems += p
    antal = number_column(table, "antal", problems, minimum=0, maximum=MAX_ANTAL)
    check(problems)
    problems += _mixed_domestic(table, np.asarray(cols["ar"]), omrade)
    check(problems)
    return pd.DataFrame(
        {**cols, "kon": kon, "alder": alder, "riktning": riktning, "omrade": omrade, "antal": antal}
    )


def _mixed_domestic(table: RawTable, ar: np.ndarray, omrade: np.ndarray) -> list[Problem]:
    """A year that gives domestic moves both as ``inrikes`` and split by län
    (``inom_lanet``/``annat_lan``) counts them twice: one problem per such year, at its
    first ``inrikes`` row."""
    inrikes = omrade == "inrikes"
    split = (omrade == "inom_lanet") | (omrade == "annat_lan")
    if not inrikes.any() or not split.any():
        return []
    years = np.asarray(ar)
    problems = []
    for year in sorted(set(years[inrikes].tolist()) & set(years[split].tolist())):
        first_inrikes = int(np.flatnonzero(inrikes & (years == year))[0])
        first_split = int(np.flatnonzero(split & (years == year))[0])
        problems.append(
            Problem(
                table.file,
                (
                    f"år {year} har inrikes flyttningar både som 'inrikes' och uppdelade på "
                    f"'inom_lanet'/'annat_lan' (t.ex. rad {int(table.lines[first_split])}); "
                    "då räknas samma flyttningar två gånger. Använd för varje år antingen "
                    "inrikes eller uppdelningen inom_lanet + annat_lan."
                ),
                int(table.lines[first_inrikes]),
                table.original.get("omrade", "omrade"),
            )
        )
    return problems


# --- goals ------------------------------------------------------------------------------

_STATUS = {"gron": "gron", "grön": "gron", "gul": "gul", "rod": "rod", "röd": "rod"}
_BATTRE = {"hogre": "hogre", "högre": "hogre", "lagre": "lagre", "lägre": "lagre"}


def parse_matetal(table: RawTable, register: Register) -> pd.DataFrame:
    problems: list[Problem] = []
    ar = year_column(table, "ar", problems)
    namnd = unit_column(table, register, "namnd", problems)
    riktning, p = enum_column(table, "riktning", _BATTRE, "hogre eller lagre")
    problems += p
    status, p = enum_column(table, "status", {**_STATUS, "": ""}, "gron, gul eller rod", default="")
    problems += p
    period = optional_period(table, "period", ar, problems)
    check(problems)
    frame = pd.DataFrame({"ar": ar, "namnd": namnd.to_numpy(dtype=object)})
    for col in ("mal", "matetal", "enhet"):
        frame[col] = text_column(table, col).to_numpy()
    frame["riktning"] = riktning
    for col in ("malvarde", "utfall"):
        text = text_column(table, col)
        frame[f"{col}_text"] = text.to_numpy()
        frame[col] = lenient_numbers(text)
    frame["status"] = status
    frame["kommentar"] = (
        text_column(table, "kommentar").to_numpy() if "kommentar" in table.data else ""
    )
    frame["period"] = period
    return keep_extras(
        table,
        frame,
        (
            "ar",
            "namnd",
            "mal",
            "matetal",
            "enhet",
            "riktning",
            "malvarde",
            "utfall",
            "status",
            "kommentar",
            "period",
        ),
    )


# --- the registry of kinds ----------------------------------------------------------------

KINDS: dict[str, FileKind] = {
    k.name: k
    for k in (
        FileKind(
            "utfall",
            "ekonomi",
            True,
            ("period", "namnd", "konto", "belopp"),
            ("verksamhet", "ansvar", "projekt"),
            "period",
            parse_utfall,
        ),
        FileKind(
            "budget",
            "ekonomi",
            False,
            ("ar", "namnd", "konto", "belopp"),
            ("verksamhet", "projekt", "typ"),
            "ar",
            parse_budget,
        ),
        FileKind(
            "prognos",
            "ekonomi",
            False,
            ("ar", "prognosmanad", "namnd", "belopp"),
            ("typ", *PROGNOS_RADER),
            "ar",
            parse_prognos,
        ),
        FileKind(
            "periodisering",
            "ekonomi",
            False,
            ("ar", "namnd", "manad", "andel"),
            ("typ",),
            "ar",
            parse_periodisering,
        ),
        FileKind(
            "investeringar",
            "ekonomi",
            False,
            ("period", "namnd", "projekt", "belopp"),
            (),
            "period",
            parse_investeringar,
        ),
        FileKind(
            "kontoplan",
            "ekonomi",
            False,
            ("konto_fran", "konto_till", "grupp"),
            ("intern",),
            None,
            parse_kontoplan,
        ),
        FileKind(
            "sjukfranvaro",
            "personal",
            True,
            (
                "period",
                "anstalld",
                "forvaltning",
                "kon",
                "fodelsear",
                "ordinarie_tid_h",
                "sjuk_h",
                "sjuk_h_langtid",
                "sjukdagar",
            ),
            ("sjuk_h_kort", "anstallningsform", "chef", "sysselsattningsgrad", "chef_id"),
            "period",
            parse_sjukfranvaro,
        ),
        FileKind(
            "folkmangd",
            "befolkning",
            True,
            ("ar", "kon", "alder", "antal"),
            ("manad",),
            "ar",
            parse_folkmangd,
            suffixes=SCB_SUFFIXES,
        ),
        FileKind(
            "fodda",
            "befolkning",
            True,
            ("ar", "moderns_alder", "kon", "antal"),
            ("manad",),
            "ar",
            parse_fodda,
            suffixes=SCB_SUFFIXES,
        ),
        FileKind(
            "doda",
            "befolkning",
            True,
            ("ar", "kon", "alder", "antal"),
            ("manad",),
            "ar",
            parse_doda,
            suffixes=SCB_SUFFIXES,
        ),
        FileKind(
            "flyttningar",
            "befolkning",
            True,
            ("ar", "kon", "alder", "riktning", "omrade", "antal"),
            ("manad",),
            "ar",
            parse_flyttningar,
            suffixes=SCB_SUFFIXES,
        ),
        FileKind(
            "matetal",
            "mal",
            False,
            ("ar", "namnd", "mal", "matetal", "enhet", "riktning", "malvarde", "utfall"),
            ("status", "kommentar", "period"),
            "ar",
            parse_matetal,
        ),
        FileKind(
            "kontonamn",
            "ekonomi",
            False,
            ("konto", "namn"),
            (),
            None,
            sie_kalla.parse_kontonamn,
        ),
        *arbetsmarknad.KINDS,
        *bokslut.KINDS,
        *finans.KINDS,
    )
}


def load_register(
    path: str | Path, file: str = "organisation.csv", root: str | Path | None = None
) -> Register:
    """Read the register file ``organisation.csv`` into a :class:`Register`.

    Only a regular file is read (never a symbolic link), inside ``root`` (default: the
    file's own folder, ``data/raw``); ``file`` is its name in messages.

    Raises
    ------
    InputError
        When the file cannot be read, lacks a column ``id``, ``namn`` or ``typ``, or holds
        a bad unit (see :class:`Register`).
    """
    path = Path(path)
    table = read_table(
        path,
        file,
        root=root if root is not None else path.parent,
        expected_columns=("id", "namn", "typ", "forvaltning", "alias"),
    )
    require_columns(table, ["id", "namn", "typ"])
    return Register(table.data, file=file, lines=table.lines)


def source_files(kind: FileKind, raw_dir: Path) -> tuple[list[Path], list[Path], list[Path]]:
    """The files a kind is read from: its own files, and for the kinds a SIE export
    gives (:data:`analysis.io.sie_kalla.SIE_KINDS`) the SIE files of ``ekonomi/`` and,
    with them, the mapping files (``ekonomi/sie_mappning*``).

    Raises
    ------
    InputError
        When a file named like one of them is a symbolic link or not a regular file.
    """
    own = kind.files(raw_dir)
    if kind.name not in sie_kalla.SIE_KINDS:
        return own, [], []
    sie = sie_kalla.sie_files(raw_dir)
    return own, sie, sie_kalla.mapping_files(raw_dir) if sie else []


def load_kind(
    kind: FileKind,
    files: list[Path],
    raw_dir: Path,
    register: Register,
    sie: list[Path] | None = None,
    mapping: list[Path] | None = None,
) -> pd.DataFrame | None:
    """Read, validate and concatenate every file of one kind; ``None`` if there are none.

    ``sie`` (with its ``mapping`` files) are SIE exports read into the same kind
    (:func:`analysis.io.sie_kalla.load_sie_kind`); their rows must not overlap the CSV
    files' periods or years either."""
    if not files and not sie:
        return None
    frames: list[pd.DataFrame] = []
    problems: list[Problem] = []
    keys_by_file: list[tuple[str, set[int | str]]] = []
    parser = kind.parser
    if kind.name == "prognos":  # kontogrupp names are checked against the kontoplan
        parser = partial(parse_prognos, grupper=lambda: _kontogrupper_i(raw_dir, register))
    for path in files:
        name = display_name(path, raw_dir)
        try:
            wide = (
                scb.wide_table(kind.name, path, name, root=raw_dir)
                if kind.name in scb.TABLES
                else None
            )
            table = (
                wide
                if wide is not None
                else read_table(
                    path, name, expected_columns=kind.columns + kind.optional, root=raw_dir
                )
            )
            require_columns(table, list(kind.columns))
            frame = parser(table, register)
        except InputError as e:
            problems += e.problems
            continue
        if kind.split_key and len(frame):
            keys_by_file.append((name, set(np.unique(frame[kind.split_key]).tolist())))
        frames.append(frame)
    if sie:
        sie_frame: pd.DataFrame | None = None
        try:
            sie_frame = sie_kalla.load_sie_kind(kind.name, sie, mapping or [], raw_dir, register)
        except InputError as e:
            problems += e.problems
        if sie_frame is not None:
            if kind.split_key and len(sie_frame):
                name = ", ".join(display_name(path, raw_dir) for path in sie)
                keys = set(np.unique(sie_frame[kind.split_key]).tolist())
                keys_by_file.append((name, keys))
            frames.append(sie_frame)
    if not frames and not problems:
        return None
    if kind.name in MUST_HAVE_ROWS and frames and not problems and not any(len(f) for f in frames):
        problems += [
            Problem(
                display_name(path, raw_dir),
                (
                    "filen innehåller inga datarader, bara rubrikraden; exportera filen "
                    "på nytt med "
                    f"uppgifterna (kolumnerna {', '.join(kind.columns)})."
                ),
                2,
            )
            for path in files
        ]
    for i, (name_a, keys_a) in enumerate(keys_by_file):
        for name_b, keys_b in keys_by_file[i + 1 :]:
            common = sorted(keys_a & keys_b)
            if common:
                shown = ", ".join(_format_key(kind.split_key, k) for k in common[:6])
                more = f" (och {len(common) - 6} till)" if len(common) > 6 else ""
                problems.append(
                    Problem(
                        name_b,
                        f"{_key_word(kind.split_key)} {shown}{more} finns också i {name_a}. "
                        f"Filer av samma slag som delas upp per år får inte överlappa; ta bort "
                        "dubbletten eller slå ihop filerna.",
                        column=kind.split_key,
                    )
                )
    if problems:
        raise InputError(problems)
    return _sorted(_concat(frames), kind.split_key)


def _kontogrupper_i(raw_dir: Path, register: Register) -> list[str]:
    """The valid kontogrupper of the kommun in ``raw_dir`` (its kontoplan, if it has one that
    loads; a broken kontoplan is reported by its own kind)."""
    kind = KINDS["kontoplan"]
    try:
        plan = load_kind(kind, kind.files(raw_dir), raw_dir, register)
    except InputError:
        plan = None
    return kontogrupper(plan)


def _sorted(frame: pd.DataFrame, key: str | None) -> pd.DataFrame:
    """Processed data is kept in ``period`` order (stable), so a period's rows are together."""
    if key != "period" or not len(frame):
        return frame
    values = frame[key].to_numpy()
    if (values[1:] >= values[:-1]).all():
        return frame
    return frame.take(np.argsort(values, kind="stable")).reset_index(drop=True)


def _concat(frames: list[pd.DataFrame]) -> pd.DataFrame:
    if len(frames) == 1:
        return frames[0]
    columns = dict.fromkeys(c for f in frames for c in f.columns)
    categorical = [
        c
        for c in columns
        if all(isinstance(f[c].dtype, pd.CategoricalDtype) for f in frames if c in f)
    ]
    out = pd.concat(frames, ignore_index=True)
    for col in out.columns:
        if isinstance(out[col].dtype, pd.CategoricalDtype):
            continue  # same categories in every file (e.g. namnd)
        if col in categorical or (out[col].dtype == object and out[col].isna().any()):
            # differing categories concatenate as object, and a column missing from one
            # file leaves NaN there: make it text ("" where absent) again
            out[col] = out[col].astype(object).fillna("").astype("str")
            if col in categorical:
                out[col] = out[col].astype("category")
    return out


def _key_word(key: str | None) -> str:
    return {"period": "Perioden", "ar": "Året"}.get(key or "", "Värdet")


def _format_key(key: str | None, value: int | str) -> str:
    if key == "period":
        v = int(value)
        return f"{v // 100}-{v % 100:02d}"
    return str(value)
