"""environment.yml (for conda users) lists the same dependencies as pyproject.toml."""

from __future__ import annotations

import re
import tomllib

import yaml

from conftest import ROOT


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
        if isinstance(dep, dict) or dep.startswith(("python", "pip")):
            continue
        m = re.fullmatch(r"([A-Za-z0-9_.-]+)(.*)", dep)
        out[m.group(1).lower()] = m.group(2).replace(" ", "")
    return out


def test_environment_yml_matches_pyproject():
    assert _environment() == _pyproject()


def test_named_dependencies_are_declared():
    names = set(_pyproject())
    assert {"jupyterlab", "pandas", "matplotlib", "seaborn", "papermill", "nbconvert",
            "statsmodels", "weasyprint"} <= names
