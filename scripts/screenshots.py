"""Take a screenshot of every page on the demo data, for the README (docs/*.png), and of the first run.

Run: .venv/bin/python scripts/screenshots.py [--out docs] [--width 1280] [--height 860]
Needs Debian's Chromium at /usr/bin/chromium (or CHROMIUM=/path). Starts its own `streamlit run`
on a temporary demo database and a free loopback port, so it never touches your data.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
TODAY = "2026-11-27"
PAGES = [  # (file name, url path)
    ("today", "/"),
    ("goals", "/goals"),
    ("targets", "/targets"),
    ("person", "/person?id=1"),
    ("companies", "/companies"),
    ("events", "/events?id=1"),
    ("board", "/board"),
    ("compose", "/compose?person=1&purpose=check_in"),
    ("insights", "/insights"),
    ("data", "/data"),
    ("settings", "/settings"),
]
FIRST_RUN = ("welcome", "/")  # taken on the empty database, before the demo is loaded


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_app(page) -> None:
    page.wait_for_selector("[data-testid='stApp'][data-test-connection-state='CONNECTED']", timeout=30_000)
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=30_000)
    page.wait_for_function("document.querySelectorAll(\"[data-testid='stSkeleton']\").length === 0",
                           timeout=30_000)
    page.wait_for_timeout(800)  # let charts and the calendar iframe paint


def shrink(path: Path) -> None:
    """Re-save as a 256-colour PNG: a third of the size, and the UI's flat colours survive it."""
    from PIL import Image

    with Image.open(path) as image:
        small = image.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT)
    small.save(path, optimize=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "docs"))
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument("--height", type=int, default=860)
    parser.add_argument("--empty", action="store_true", help="photograph an empty database instead of the demo")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "demo.db"
        env = {**os.environ, "RAPPORT_DB": str(db), "RAPPORT_TODAY": TODAY}
        (Path(tmp) / "secrets.toml").write_text("")
        port = free_port()
        server = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless=true", f"--server.port={port}",
             "--server.address=127.0.0.1", "--browser.gatherUsageStats=false", "--server.fileWatcherType=none",
             f"--secrets.files={Path(tmp) / 'secrets.toml'}"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        url = f"http://127.0.0.1:{port}"
        try:
            for _ in range(300):
                try:
                    if urllib.request.urlopen(url + "/_stcore/health", timeout=1).read() == b"ok":
                        break
                except OSError:
                    time.sleep(0.2)
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=os.environ.get("CHROMIUM", "/usr/bin/chromium"),
                                            args=["--disable-background-networking", "--disable-gpu"])
                page = browser.new_page(viewport={"width": args.width, "height": args.height})

                def shoot(name: str, path: str) -> None:
                    page.goto(url + path)
                    wait_for_app(page)
                    target = out / f"{name}.png"
                    page.screenshot(path=str(target))
                    shrink(target)
                    print(f"{target} ({target.stat().st_size // 1024} KB)")

                if not args.empty:  # the first run, then the demo loaded into the same file the server reads
                    shoot(*FIRST_RUN)
                    subprocess.run([sys.executable, "-m", "core", "--db", str(db), "demo", "--today", TODAY],
                                   cwd=ROOT, env=env, check=True)
                for name, path in PAGES:
                    shoot(name, path)
                browser.close()
        finally:
            server.terminate()
            server.wait(10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
