"""Benchmark: Lighthouse's four scores (mobile) on each kind of page.

Starts gunicorn with the shipped config and production settings on a
throwaway database, opens a follow-along session so the follower page
exists, then runs Lighthouse (pinned in bench/lighthouse/package-lock.json,
installed there with ``npm ci`` on first use) against each page: the course
home, a lesson with demos, a demo page, an exercise page before it is
opened, the presenter and the follower page. It prints performance,
accessibility, best practices and SEO per page, then every audit that did
not pass, so a score below 100 says what to fix.

    .venv/bin/python bench/lighthouse.py
    .venv/bin/python bench/lighthouse.py --runs 3        # median of three
    .venv/bin/python bench/lighthouse.py --only lesson   # one page

Lighthouse's mobile run simulates a slow phone and network, so the
performance score moves a little with the machine's load: the load average
is printed next to the scores.
"""

import argparse
import json
import os
import statistics
import subprocess
import tempfile
from pathlib import Path

from cluster import Gunicorn
from common import PYTHON, ROOT, manage, production_env

HERE = ROOT / "bench" / "lighthouse"
LIGHTHOUSE = HERE / "node_modules" / ".bin" / "lighthouse"
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]

PAGES = {
    "home": "/",
    "lesson": "/lessons/sessions/",
    "demo page": "/sandbox/ninja-gold/",
    "exercise page": "/exercises/ninja-gold-1/",
    "presenter": "/lessons/sessions/present/",
    "follower": None,  # /f/<code>/, made below
}

# A staff user and a live follow-along session on the sessions lesson; prints the code.
PRESENTATION = """
from django.contrib.auth import get_user_model
from lessons.models import Lesson, Presentation
user = get_user_model().objects.create_user("presenter", password=None, is_staff=True)
lesson = Lesson.objects.get(slug="sessions")
print(Presentation.objects.create(lesson=lesson, presenter=user).code)
"""


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=1, help="runs per page (median)")
    parser.add_argument("--only", choices=list(PAGES), action="append")
    parser.add_argument("--keep", type=Path, help="keep each page's JSON report here")
    args = parser.parse_args()
    install()
    with tempfile.TemporaryDirectory() as tmp:
        env = production_env(tmp)
        manage(env, ["migrate", "-v0"], ["collectstatic", "--no-input", "-v0"])
        manage(env, ["sync_content"])
        code = subprocess.run(
            [PYTHON, "manage.py", "shell", "-c"] + [PRESENTATION],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout.split()[-1]  # the shell may print a banner first
        pages = {**PAGES, "follower": f"/f/{code}/"}
        server = Gunicorn(env, log=subprocess.DEVNULL).start()
        try:
            base = f"http://127.0.0.1:{server.port}"
            results = {
                label: [
                    audit(base + path, args.keep or Path(tmp), label)
                    for _ in range(args.runs)
                ]
                for label, path in pages.items()
                if not args.only or label in args.only
            }
        finally:
            server.stop()
    report(results)


def install():
    if not LIGHTHOUSE.exists():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=HERE, check=True)


def audit(url: str, folder: Path, label: str) -> dict:
    folder.mkdir(parents=True, exist_ok=True)
    out = folder / f"{label.replace(' ', '-')}.json"
    out.unlink(missing_ok=True)
    finished = subprocess.run(
        [
            str(LIGHTHOUSE),
            url,
            "--quiet",
            "--output=json",
            f"--output-path={out}",
            f"--only-categories={','.join(CATEGORIES)}",
            "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
        ],
        env={
            **os.environ,
            "CHROME_PATH": os.environ.get("CHROME_PATH", "/usr/bin/chromium"),
        },
    )
    result = json.loads(out.read_text()) if out.exists() else {}
    if finished.returncode or result.get("runtimeError"):
        problem = result.get("runtimeError", {}).get("message", "Lighthouse failed")
        return {"scores": dict.fromkeys(CATEGORIES, 0), "failing": {"run": problem}}
    failing = {}
    for key, item in result["audits"].items():
        if item["scoreDisplayMode"] in ("binary", "numeric", "metricSavings") and (
            item["score"] is not None and item["score"] < 1
        ):
            failing[key] = f"{item['title']}: {item.get('displayValue', '')}".rstrip(
                ": "
            )
    return {
        # Total blocking time: what the performance score loses first here.
        "blocking": round(result["audits"]["total-blocking-time"]["numericValue"]),
        "scores": {
            c: round(result["categories"][c]["score"] * 100) for c in CATEGORIES
        },
        "failing": failing,
    }


def report(results: dict) -> None:
    print(f"\nLighthouse (mobile), load average {os.getloadavg()[0]:.1f}\n")
    print(f"| {'page':<14} | {'perf':>4} | {'a11y':>4} | {'best':>4} | {'SEO':>4} |")
    print(f"|{'-' * 16}|{'-' * 6}|{'-' * 6}|{'-' * 6}|{'-' * 6}|")
    for label, runs in results.items():
        scores = [
            statistics.median(run["scores"][c] for run in runs) for c in CATEGORIES
        ]
        print(f"| {label:<14} | " + " | ".join(f"{s:>4.0f}" for s in scores) + " |")
    if any(len(runs) > 1 for runs in results.values()):
        # The median hides how much the score moves with the machine's load.
        print("\nPerformance in each run (total blocking time):")
        for label, runs in results.items():
            each = ", ".join(
                f"{run['scores']['performance']} ({run.get('blocking', '-')} ms)"
                for run in runs
            )
            print(f"  {label}: {each}")
    for label, runs in results.items():
        failing = {}
        for run in runs:
            failing.update(run["failing"])
        if failing:
            print(f"\n{label}, audits not passed in some run:")
            for key, text in sorted(failing.items()):
                print(f"  - {key}: {text}")


if __name__ == "__main__":
    main()
