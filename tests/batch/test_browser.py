"""The HTML reports in a real browser: headless Chromium (Debian's package, installed
by .ci/run) renders the index and a report, and makes no network request."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import ROOT

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARTIFACTS = ROOT / "test-artifacts"

pytestmark = pytest.mark.skipif(
    CHROMIUM is None and not os.environ.get("CI"),
    reason="Debian's chromium is not installed (.ci/run installs it: apt-get install chromium)",
)


def chromium(url: str, tmp: Path, *extra: str) -> subprocess.CompletedProcess:
    assert CHROMIUM, "chromium must be installed in CI (see .ci/run)"
    return subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-default-apps",
            "--mute-audio",
            f"--user-data-dir={tmp / 'profile'}",
            "--window-size=1000,1400",
            *extra,
            url,
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )


def page_requests(netlog: Path) -> set[str]:
    """Every URL the page itself asked for, from Chromium's network log. The browser's own
    background traffic (time sync, accounts) is keyed to no site or to google.com; the
    page's requests are keyed to its own site, file://."""
    log = json.loads(netlog.read_text(encoding="utf-8", errors="replace") or "{}")
    start = log.get("constants", {}).get("logEventTypes", {}).get("URL_REQUEST_START_JOB")
    urls = set()
    for event in log.get("events", []):
        params = event.get("params") or {}
        if event.get("type") == start and str(params.get("network_isolation_key", "")).startswith(
            "file://"
        ):
            urls.add(params.get("url", ""))
    return urls


def test_the_network_check_sees_a_page_request(tmp_path):
    page = tmp_path / "extern.html"
    page.write_text('<html><body><img src="http://example.invalid/x.png"></body></html>')
    netlog = tmp_path / "net.json"
    chromium(
        page.as_uri(), tmp_path, f"--screenshot={tmp_path / 'x.png'}", f"--log-net-log={netlog}"
    )
    assert "http://example.invalid/x.png" in page_requests(netlog)


@pytest.fixture(scope="module")
def reports(sample_data, tmp_path_factory):
    from analysis.cli import main

    out = tmp_path_factory.mktemp("browser-reports")
    assert (
        main(
            [
                "run",
                "--period",
                "2023-04",
                "--namnd",
                "sn",
                "--format",
                "html",
                "--data-dir",
                str(sample_data.data_dir),
                "--reports-dir",
                str(out),
            ]
        )
        == 0
    )
    return out / "2023-04"


@pytest.mark.parametrize(
    "page, expected",
    [
        ("index.html", "Socialnämnden"),
        ("namnd-sn.html", "Driftsredovisning"),
    ],
)
def test_page_renders_without_network(reports, tmp_path, page, expected):
    url = (reports / page).as_uri()
    dom = chromium(url, tmp_path, "--dump-dom")
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert expected in dom.stdout
    assert "<table" in dom.stdout
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / f"browser_{page.replace('.html', '')}.png"
    netlog = tmp_path / "net.json"
    res = chromium(url, tmp_path, f"--screenshot={shot}", f"--log-net-log={netlog}")
    assert res.returncode == 0, res.stderr[-2000:]
    assert shot.exists() and shot.stat().st_size > 5_000  # a page, not a blank image
    external = {u for u in page_requests(netlog) if not u.startswith(("file:", "data:"))}
    assert not external, external
