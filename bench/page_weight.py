"""Benchmark: what a first visit to a page downloads, and how much it moves.

Starts gunicorn with production settings (compressed, fingerprinted static
files; Django compresses reader pages itself, no proxy in front) and opens
each page in a fresh Chromium context, as a first-time visitor with an empty
cache. It sums the bytes on the wire (HTML, CSS, scripts, images) on
arrival, and again once every demo has been scrolled into view and has
loaded, and the cumulative layout shift while the page loads, then compares
both weights with the MkDocs Material build of the same lesson measured for
issue 16 (100.1 KB compressed, first load: MkDocs has nothing to load later).
A lesson loads htmx and the demo scripts only when a demo comes near, so
"on arrival" is a reader who has not scrolled to a demo yet.

    .venv/bin/python bench/page_weight.py

Needs Chromium (COURSEWARE_CHROMIUM or /usr/bin/chromium) and Playwright.
"""

import os
import tempfile

from cluster import free_port
from common import gunicorn, production_env
from playwright.sync_api import expect, sync_playwright

MKDOCS_MATERIAL_KB = 100.1

PAGES = {
    "course home": "/",
    "lesson with demos (sessions)": "/lessons/sessions/",
    "lesson without demos (why-django)": "/lessons/why-django/",
    "search page": "/search/?q=session",
    "presenter (sessions)": "/lessons/sessions/present/",
}

SHIFTS = """() => new Promise((done) => {
  let total = 0;
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      if (!entry.hadRecentInput) total += entry.value;
    }
  }).observe({ type: "layout-shift", buffered: true });
  requestAnimationFrame(() => requestAnimationFrame(() => done(total)));
})"""


def main():
    with tempfile.TemporaryDirectory() as tmp:
        # No render time limit: a busy machine must not fail the set-up.
        env = production_env(tmp, COURSEWARE_BENCH="1", COURSEWARE_RENDER_TIMEOUT="0")
        port = free_port()
        with gunicorn(env, port):
            rows = measure(f"http://127.0.0.1:{port}")

    print(f"\nLoad average {os.getloadavg()[0]:.1f}")
    print(
        f"\n| {'page':<36} | {'on arrival KB':>13} | {'x MkDocs':>8} "
        f"| {'all demos KB':>12} | {'x MkDocs':>8} | {'CLS':>6} |"
    )
    print(f"|{'-' * 38}|{'-' * 15}|{'-' * 10}|{'-' * 14}|{'-' * 10}|{'-' * 8}|")
    for label, (arrival, kilobytes, shift) in rows.items():
        print(
            f"| {label:<36} | {arrival:>13.1f} | {arrival / MKDOCS_MATERIAL_KB:>7.3f}x "
            f"| {kilobytes:>12.1f} | {kilobytes / MKDOCS_MATERIAL_KB:>7.3f}x | {shift:>6.3f} |"
        )


def measure(base):
    rows = {}
    executable = os.environ.get("COURSEWARE_CHROMIUM", "/usr/bin/chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable, args=["--disable-gpu"]
        )
        for label, path in PAGES.items():
            # The HTTP-level byte count, compressed, as Lighthouse counts it.
            context = browser.new_context(viewport={"width": 412, "height": 823})
            page = context.new_page()
            wire = []
            page.on(
                "requestfinished",
                lambda request, wire=wire: wire.append(
                    (request.sizes()["responseBodySize"], request.url)
                ),
            )
            page.goto(base + path, wait_until="networkidle")
            shift = page.evaluate(SHIFTS)
            arrival = kilobytes(wire)
            # Demos on slides other than the first are hidden: nothing to scroll to.
            for stage in page.locator(".demo-stage[hx-get]").all():
                if stage.is_visible():
                    stage.scroll_into_view_if_needed()
                    # Loaded once its link has made way for the demo; the
                    # page was idle before the scroll, so networkidle alone
                    # would not wait for it.
                    expect(stage.locator(".demo-fallback")).to_have_count(
                        0, timeout=60_000
                    )
            page.wait_for_load_state("networkidle")
            rows[label] = (arrival, kilobytes(wire), shift)
            if os.environ.get("DETAIL"):
                for size, url in sorted(wire, reverse=True):
                    print(f"  {size / 1024:6.1f} KB  {url.removeprefix(base)}")
            context.close()
        browser.close()
    return rows


def kilobytes(wire) -> float:
    # Chromium reports a negative size for a body it did not count (the icon
    # asked for a second time).
    return sum(max(size, 0) for size, _url in wire) / 1024


if __name__ == "__main__":
    main()
