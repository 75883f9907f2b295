"""Browser tests: a real `streamlit run app.py` driven by Playwright in Debian's Chromium.

Servers are shared per test session (one on an empty database, one on the demo data, one behind a
password) so the whole browser suite pays for three start-ups, not one per test. Without Chromium the
tests skip locally with a message; in CI (CI or RAPPORT_REQUIRE_BROWSER set) they fail instead.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
REQUIRED = bool(os.environ.get("RAPPORT_REQUIRE_BROWSER") or os.environ.get("CI"))
TODAY = "2026-11-27"


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session", autouse=True)
def _chromium_available():
    if not os.path.exists(CHROMIUM):
        message = (f"Chromium not found at {CHROMIUM}: install Debian's chromium (apt-get install chromium) "
                   "or set CHROMIUM=/path/to/chromium to run the browser tests.")
        if REQUIRED:
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "headless": True,
            "args": ["--disable-background-networking", "--disable-component-update", "--disable-sync",
                     "--no-first-run", "--disable-gpu"]}


@dataclass
class Server:
    url: str
    db_path: Path
    process: subprocess.Popen
    log: object


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(folder: Path, *, secrets: str = "", demo: bool = False) -> Server:
    """Start `streamlit run app.py` on a free loopback port with its own database and secrets."""
    db_path = folder / "rapport.db"
    secrets_file = folder / "secrets.toml"
    secrets_file.write_text(secrets)
    env = {**os.environ, "RAPPORT_DB": str(db_path), "RAPPORT_TODAY": TODAY}
    env.pop("RAPPORT_HOSTED", None)
    if demo:
        subprocess.run([sys.executable, "-m", "core", "--db", str(db_path), "demo", "--today", TODAY],
                       cwd=ROOT, env=env, check=True, capture_output=True)
    port = _free_port()
    log = open(folder / "server.log", "w")  # noqa: SIM115 - closed with the process
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless=true",
         f"--server.port={port}", "--server.address=127.0.0.1", "--browser.gatherUsageStats=false",
         "--server.fileWatcherType=none", "--global.developmentMode=false",
         f"--secrets.files={secrets_file}"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log.close()
            raise RuntimeError(f"streamlit exited: {(folder / 'server.log').read_text()[-2000:]}")
        try:
            if urllib.request.urlopen(url + "/_stcore/health", timeout=1).read() == b"ok":
                return Server(url, db_path, process, log)
        except OSError:
            time.sleep(0.2)
    process.kill()
    log.close()
    raise RuntimeError("streamlit did not become healthy within 60 s")


def _stop(server: Server) -> None:
    server.process.terminate()
    try:
        server.process.wait(10)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait(10)
    server.log.close()


@pytest.fixture(scope="session")
def empty_server(tmp_path_factory) -> Iterator[Server]:
    server = start_server(tmp_path_factory.mktemp("empty"))
    yield server
    _stop(server)


@pytest.fixture(scope="session")
def demo_server(tmp_path_factory) -> Iterator[Server]:
    server = start_server(tmp_path_factory.mktemp("demo"), demo=True)
    yield server
    _stop(server)


@pytest.fixture(scope="session")
def gated_server(tmp_path_factory) -> Iterator[Server]:
    server = start_server(tmp_path_factory.mktemp("gated"), secrets='password = "correct horse battery"\n',
                          demo=True)
    yield server
    _stop(server)


def wait_for_app(page, timeout: float = 30_000) -> None:
    """Wait until the app is connected, its script has finished and stayed finished (a run that
    ends in st.rerun is followed by another), and no skeleton is left."""
    page.wait_for_selector("[data-testid='stApp'][data-test-connection-state='CONNECTED']", timeout=timeout)
    for _ in range(2):
        page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=timeout)
        page.wait_for_timeout(250)
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=timeout)
    page.wait_for_function("document.querySelectorAll(\"[data-testid='stSkeleton']\").length === 0",
                           timeout=timeout)


def settle(page, timeout: float = 30_000) -> None:
    """After a click: give the rerun a moment to start, then wait for it to finish."""
    page.wait_for_timeout(300)
    wait_for_app(page, timeout)
