"""The two fetch commands from the command line (`analysis scb hamta`, `analysis kolada
hamta`): bad arguments are refused in Swedish with exit code 2 before any request, and
nothing is written. The fetching itself is tested on recorded answers in
tests/io/test_pxweb.py and tests/io/test_kolada.py."""

from __future__ import annotations

from pathlib import Path

import pytest

from analysis.cli import main


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["scb", "hamta", "--region", "2580", "--ar", "2030"], "1968–2024"),
        (["scb", "hamta", "--region", "2580", "--ar", "2018-2006"], "ar"),
        (
            ["scb", "hamta", "--region", "2580", "--ar", "2018", "--tabeller", "fodelse"],
            "fodelse",
        ),
        (["kolada", "hamta", "--kommun", "25"], "fyrsiffrig kommunkod"),
        (["kolada", "hamta", "--kommun", "2580", "--ar", "tjugo"], "--ar"),
        (["kolada", "hamta", "--kommun", "2580", "--kpi", "X1"], "X1"),
    ],
)
def test_bad_arguments_are_refused_before_any_request(
    tmp_path: Path, capsys, monkeypatch, args, words
):
    import urllib.request

    def no_network(*a, **k):  # any request would be a defect here
        raise AssertionError("a request was made")

    monkeypatch.setattr(urllib.request, "urlopen", no_network)
    data = tmp_path / "data"
    assert main([*args, "--data-dir", str(data)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"analysis {args[0]}: ") and words in err
    assert not data.exists()  # nothing written, not even a folder


def test_a_network_error_is_a_clear_message_and_writes_nothing(tmp_path: Path, capsys, monkeypatch):
    import urllib.error
    import urllib.request

    def offline(*a, **k):
        raise urllib.error.URLError("Name or service not known")

    monkeypatch.setattr(urllib.request, "urlopen", offline)
    data = tmp_path / "data"
    assert main(["kolada", "hamta", "--kommun", "2580", "--data-dir", str(data)]) == 2
    assert "Ingenting har sparats" in capsys.readouterr().err
    assert main(["scb", "hamta", "--region", "2580", "--ar", "2018", "--data-dir", str(data)]) == 2
    err = capsys.readouterr().err
    assert "hämtningen misslyckades" in err and "Ingenting har skrivits" in err
    assert not data.exists()
