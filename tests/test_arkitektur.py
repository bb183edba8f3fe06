"""The house rules of docs/architecture.md, checked on the code itself (by its imports).

Each rule is tested against the real tree and, so that the rule can fail, against a
made-up module that breaks it.
"""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

from tests.conftest import ROOT

PKG = ROOT / "src" / "analysis"

#: The rooms from the bottom up: a room may import only rooms at its own level or below.
LAYERS = [
    {"core"},
    {"io"},
    {"ekonomi", "personal", "befolkning", "mal"},
    {"kontroller"},
    {"rapport"},
    {"batch", "sample"},
    {"cli", "api", "__main__"},
]
LEVEL = {room: i for i, rooms in enumerate(LAYERS) for room in rooms}
#: Only these rooms draw or display.
PRESENTATION = {"rapport", "batch", "api"}
DRAWING = ("matplotlib", "seaborn", "IPython")


def room_of(module: str) -> str | None:
    parts = module.split(".")
    if parts[0] != "analysis":
        return None
    return parts[1] if len(parts) > 1 else ""


def imports(tree: ast.AST, module: str) -> list[tuple[str, list[str], int]]:
    """(imported module, names taken from it, line) of every import in ``tree``."""
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.extend((a.name, [], node.lineno) for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".")[: -node.level]
                name = ".".join(base + ([node.module] if node.module else []))
            else:
                name = node.module or ""
            out.append((name, [a.name for a in node.names], node.lineno))
    return out


def modules() -> dict[str, ast.AST]:
    found = {}
    for path in sorted(PKG.rglob("*.py")):
        rel = path.relative_to(PKG.parent).with_suffix("")
        name = ".".join(rel.parts)
        if name.endswith(".__init__"):
            name = name[: -len(".__init__")]
        found[name] = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    return found


def violations(mods: dict[str, ast.AST]) -> list[str]:
    bad = []
    for name, tree in mods.items():
        room = room_of(name)
        for target, names, line in imports(tree, name):
            where = f"{name} (rad {line})"
            if target.split(".")[0] in DRAWING and room not in PRESENTATION:
                bad.append(f"{where}: {target} utanför rapport/batch")
            troom = room_of(target)
            if troom is None or troom == "" or room == "":
                continue
            if troom != room and LEVEL.get(troom, 99) > LEVEL.get(room, -1):
                bad.append(f"{where}: {room} importerar {target} (ett rum ovanför)")
            if target != name:
                for n in names:
                    if n.startswith("_") and not n.startswith("__"):
                        bad.append(f"{where}: privat namn {n} från {target}")
    return bad


def test_every_module_lives_in_a_room():
    rooms = {room_of(n) for n in modules()}
    assert rooms <= set(LEVEL) | {""}, rooms - set(LEVEL)


def test_the_house_rules_hold():
    assert violations(modules()) == []


@pytest.mark.parametrize(
    "source, expected",
    [
        ("import matplotlib.pyplot as plt", "utanför rapport/batch"),
        ("from IPython.display import display", "utanför rapport/batch"),
        ("from analysis.rapport.tables import show_table", "ett rum ovanför"),
        ("from analysis.io.readers import _decode", "privat namn _decode"),
    ],
)
def test_the_rules_can_fail(source, expected):
    mods = {"analysis.ekonomi.ny": ast.parse(source)}
    assert any(expected in v for v in violations(mods))


def notebook_imports(path: Path) -> list[tuple[str, list[str], int]]:
    nb = json.loads(path.read_text(encoding="utf-8"))
    out = []
    for i, cell in enumerate(nb["cells"]):
        if cell["cell_type"] != "code":
            continue
        src = "".join(cell["source"])
        lines = [ln for ln in src.splitlines() if not ln.lstrip().startswith(("%", "!"))]
        for target, names, _ in imports(ast.parse("\n".join(lines)), "notebook"):
            out.append((target, names, i))
    return out


@pytest.mark.parametrize("path", sorted((ROOT / "notebooks").glob("*.ipynb")), ids=lambda p: p.name)
def test_notebooks_import_the_package_only_through_its_api(path):
    found = [t for t, _, _ in notebook_imports(path) if t.split(".")[0] == "analysis"]
    assert found, "the notebook uses the package"
    assert set(found) == {"analysis.api"}, found


def test_the_api_names_public_things_once():
    import types

    import analysis.api as api

    assert len(api.__all__) == len(set(api.__all__))
    for name in api.__all__:
        obj = getattr(api, name)  # every name resolves
        assert not name.startswith("_")
        if isinstance(obj, types.ModuleType):
            assert not any(part.startswith("_") for part in obj.__name__.split("."))
            assert room_of(obj.__name__) not in ("batch", "cli")
    # every room's public modules are reachable (a new module is added to the api too)
    modules_in_api = {
        getattr(api, n).__name__
        for n in api.__all__
        if isinstance(getattr(api, n), types.ModuleType)
    }
    for room in ("ekonomi", "personal", "befolkning", "mal", "kontroller", "rapport"):
        for path in sorted((PKG / room).glob("[!_]*.py")):
            assert f"analysis.{room}.{path.stem}" in modules_in_api, path
