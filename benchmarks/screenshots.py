"""Screenshots of each demo sign-in's home page, for docs/daily-jobs.md.

    .venv/bin/python -m benchmarks.screenshots [--port 8765] [--out docs/screenshots]

Builds the demo in a throwaway data folder, serves it with ``attune demo``, signs in as each
demo sign-in with Playwright driving Debian's chromium (/usr/bin/chromium), typing the demo's
two-factor code where a role needs one, and saves each home page: the key adult's on a phone,
the nursery's on a tablet, the rest on a laptop. Nothing here touches your own demo data.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

CHROMIUM = "/usr/bin/chromium"
PASSWORD = "attune-demo-2026"  # noqa: S105 - the demo's published password, never a real one
ROOT = Path(__file__).resolve().parent.parent
ATTUNE = str(Path(sys.executable).with_name("attune"))

PHONE = {"width": 390, "height": 844}
TABLET = {"width": 820, "height": 1180}
LAPTOP = {"width": 1366, "height": 900}

# (file name, sign-in, window, page after signing in (None: their home), whole page?)
HOMES = [
    ("home-lead", "lead@demo.attune.test", LAPTOP, None, False),
    ("home-key-adult", "keyadult@demo.attune.test", PHONE, None, False),
    ("home-teacher", "teacher@demo.attune.test", LAPTOP, None, False),
    ("home-office", "office@demo.attune.test", LAPTOP, None, False),
    ("home-head", "head@demo.attune.test", LAPTOP, None, True),  # the six charts, below
    ("home-admin", "admin@demo.attune.test", LAPTOP, None, False),
    ("home-virtual-school-officer", "virtualschool@demo.attune.test", LAPTOP, None, False),
    ("home-virtual-school-la", "virtualschool-la@demo.attune.test", LAPTOP, None, False),
    ("home-key-person", "keyperson@demo.attune.test", TABLET, None, False),
    ("home-nursery-manager", "nurserylead@demo.attune.test", TABLET, None, False),
    ("nursery-register", "nurserylead@demo.attune.test", TABLET, "/s/100002/early-years/", False),
]


def serve(port: int, env: dict[str, str]) -> subprocess.Popen[bytes]:
    log = Path(env["ATTUNE_DATA_DIR"]) / "demo.log"
    server = subprocess.Popen(  # noqa: S603 - our own command, no shell
        [ATTUNE, "demo", "--port", str(port)],
        env=env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 900  # building 600 children takes a few minutes
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"attune demo stopped (exit {server.returncode}); see {log}")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/sign-in/", timeout=2)
        except OSError:
            time.sleep(2)
        else:
            return server
    server.terminate()
    raise SystemExit("attune demo did not start within 15 minutes")


def code_now(env: dict[str, str]) -> str:
    done = subprocess.run(  # noqa: S603 - our own command, no shell
        [ATTUNE, "demo_code"], env=env, capture_output=True, text=True, check=True
    )
    return done.stdout.split()[0]


def sign_in(page: Page, base: str, email: str, env: dict[str, str]) -> None:
    page.goto(f"{base}/accounts/sign-in/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state("networkidle")
    used, deadline = "", time.monotonic() + 90
    while "/two-factor/" in page.url:
        if time.monotonic() > deadline:
            raise SystemExit(f"{email}: the demo's two-factor code was not accepted")
        code = code_now(env)
        if code == used:  # a code works once: wait for the app's next one
            time.sleep(2)
            continue
        page.get_by_label("Code").fill(code)
        page.get_by_role("button", name="Continue").click()
        page.wait_for_load_state("networkidle")
        used = code


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args()
    env = dict(os.environ, ATTUNE_DATA_DIR=tempfile.mkdtemp(prefix="attune-shots-"))
    base = f"http://127.0.0.1:{args.port}"
    server = serve(args.port, env)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
            )
            for name, email, window, then, whole in HOMES:
                context = browser.new_context(viewport=window)  # type: ignore[arg-type]
                page = context.new_page()
                sign_in(page, base, email, env)
                if then:
                    page.goto(base + then)
                page.wait_for_timeout(800)  # let the charts finish drawing
                page.screenshot(path=str(args.out / f"{name}.png"), full_page=whole)
                print(f"{name}.png  {email}  {page.url}")
                context.close()
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
