"""environment.yml (for conda users) lists the same dependencies as pyproject.toml."""

from __future__ import annotations

import re
import tomllib

import yaml

from tests.conftest import ROOT


def _compatible_range(spec: str) -> str:
    """'~=3.1.1' → '>=3.1.1,<3.2'; '~=6.170' → '>=6.170,<7'."""
    version = spec.removeprefix("~=")
    parts = version.split(".")
    upper = parts[:-1]
    upper[-1] = str(int(upper[-1]) + 1)
    return f">={version},<{'.'.join(upper)}"


def _pyproject() -> dict[str, str]:
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    deps = meta["dependencies"] + meta["optional-dependencies"]["test"]
    out = {}
    for dep in deps:
        m = re.fullmatch(r"([A-Za-z0-9_.-]+)\s*(~=[\d.]+)", dep)
        assert m, f"pin {dep!r} as name~=version"
        out[m.group(1).lower()] = _compatible_range(m.group(2))
    return out


def _environment() -> dict[str, str]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    out = {}
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            continue
        m = re.fullmatch(r"([A-Za-z0-9_.-]+)(.*)", dep)
        if m.group(1) in ("python", "pip"):  # the interpreter, not a package (python-docx is)
            continue
        out[m.group(1).lower()] = m.group(2).replace(" ", "")
    return out


def test_environment_yml_matches_pyproject():
    assert _environment() == _pyproject()


def test_named_dependencies_are_declared():
    names = set(_pyproject())
    assert {
        "jupyterlab",
        "pandas",
        "matplotlib",
        "seaborn",
        "papermill",
        "nbconvert",
        "statsmodels",
        "weasyprint",
    } <= names


def _declared_anywhere() -> set[str]:
    """Every distribution pyproject.toml names: dependencies and all extras (normalised)."""
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    deps = list(meta["dependencies"])
    for extra in meta["optional-dependencies"].values():
        deps += extra
    return {_normalise(re.match(r"[A-Za-z0-9_.-]+", d).group(0)) for d in deps}


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _imported_top_level_modules() -> set[str]:
    """The top-level modules that the package's source imports (absolute imports only)."""
    import ast

    names = set()
    for path in (ROOT / "src" / "analysis").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
    return names


def test_every_imported_package_is_declared():
    import importlib.metadata
    import sys

    distributions = importlib.metadata.packages_distributions()
    undeclared = {}
    for module in _imported_top_level_modules() - {"analysis", "__future__"}:
        if module in sys.stdlib_module_names:
            continue
        names = {_normalise(d) for d in distributions.get(module, [module])}
        if not names & _declared_anywhere():
            undeclared[module] = sorted(names)
    assert undeclared == {}, f"imported but not declared in pyproject.toml: {undeclared}"


def test_dev_tools_are_in_the_test_extra():
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    test = {
        _normalise(re.match(r"[A-Za-z0-9_.-]+", d).group(0))
        for d in meta["optional-dependencies"]["test"]
    }
    assert {"ruff", "mypy", "pandas-stubs", "pytest"} <= test
