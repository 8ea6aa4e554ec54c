"""Does every page keep a phone's width? Walks the demo at 390 px, for docs/daily-jobs.md.

    .venv/bin/python -m benchmarks.phone_widths [--roles lead,keyadult] [--pages 70] [--no-script]

Builds the demo in a throwaway data folder (as ``benchmarks.screenshots`` does), signs in as
each role on a phone-sized window, and follows the links from its home page breadth first,
opening one page of each shape (``/s/N/pupils/N/`` counts once, whichever child). For each page
it prints the document's width when wider than the phone, with the elements that stick out
beyond the screen outside any box that scrolls, and any table that scrolls in a box with no
caption or heading to name it. ``--no-script`` turns JavaScript off, to show what a table does
without ``js/tables.js``. Exits 1 if any page is wider than the phone or any such box has no
name.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tempfile
from collections import deque

from playwright.sync_api import sync_playwright

from benchmarks.screenshots import CHROMIUM, PHONE, serve, sign_in

ROLES = "lead,keyadult,teacher,office,head,nurserylead,keyperson,virtualschool"
SKIP = re.compile(r"sign-out|export|download|\.csv$|\.pdf$")

# The elements whose right edge passes the screen's, leaving out those inside a box that
# scrolls or clips (they scroll there, not the page).
STICKING_OUT = """() => {
  const screen = document.documentElement.clientWidth;
  const out = [];
  for (const el of document.querySelectorAll('body *')) {
    const edge = el.getBoundingClientRect();
    if (edge.width === 0 || edge.right <= screen + 1) continue;
    let boxed = false;
    for (let p = el.parentElement; p && !boxed; p = p.parentElement) {
      boxed = ['auto', 'scroll', 'hidden'].includes(getComputedStyle(p).overflowX);
    }
    if (!boxed) out.push(`${el.tagName.toLowerCase()}.${el.className} ${Math.round(edge.right)}`);
  }
  const unnamed = document.querySelectorAll('.table-scroll[role=region][aria-label=Table]').length;
  return {width: document.documentElement.scrollWidth, elements: out.slice(0, 4), unnamed};
}"""


def shape(url: str) -> str:
    return re.sub(r"\d+", "N", url.split("?")[0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8779)
    parser.add_argument("--roles", default=ROLES)
    parser.add_argument("--pages", type=int, default=70, help="page shapes per role")
    parser.add_argument("--no-script", action="store_true")
    args = parser.parse_args()
    env = dict(os.environ, ATTUNE_DATA_DIR=tempfile.mkdtemp(prefix="attune-phone-"))
    base = f"http://127.0.0.1:{args.port}"
    server = serve(args.port, env)
    wide: dict[str, object] = {}
    unnamed: list[str] = []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
            )
            for role in args.roles.split(","):
                context = browser.new_context(
                    viewport=PHONE,  # type: ignore[arg-type]
                    has_touch=True,
                    is_mobile=True,
                    java_script_enabled=not args.no_script,
                )
                page = context.new_page()
                sign_in(page, base, f"{role}@demo.attune.test", env)
                waiting, opened = deque([page.url]), set[str]()
                while waiting and len(opened) < args.pages:
                    url = waiting.popleft()
                    if shape(url) in opened or SKIP.search(url):
                        continue
                    opened.add(shape(url))
                    response = page.goto(url)
                    if response is None or "text/html" not in response.headers.get(
                        "content-type", ""
                    ):
                        continue
                    page.wait_for_load_state("networkidle")
                    seen = page.evaluate(STICKING_OUT)
                    if seen["unnamed"]:
                        unnamed.append(url)
                        print(f"{role:14} a scrolling table with no caption or heading: {url}")
                    if seen["width"] > PHONE["width"]:
                        wide[url] = seen
                        print(f"{role:14} {seen['width']:5} px  {url}  {seen['elements']}")
                    links = page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
                    waiting.extend(h for h in links if h.startswith(base) and "#" not in h)
                print(f"{role:14} {len(opened)} page shapes opened", flush=True)
                context.close()
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(json.dumps({"wider_than_the_phone": len(wide), "tables_named_only_table": len(unnamed)}))
    sys.exit(1 if wide or unnamed else 0)


if __name__ == "__main__":
    main()
