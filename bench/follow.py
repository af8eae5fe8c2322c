"""Benchmark: what counting the class costs a follow-along session's polls.

Every student's page asks /f/<code>/state/ once a second; since issue 14.2
each poll also carries the device's id, so the presenter can count the
class (lessons/following.py). This starts gunicorn with the shipped config
on a throwaway SQLite database, starts a session, and drives the state URL
with wrk, in the same run:

- polls as before counting: If-None-Match and no device id (304s);
- polls from distinct devices, round robin: each device is written at most
  once per 10 s per worker, every other poll is the 304. As in class, each
  device polls about once a second: by default there are as many devices
  as the server answered uncounted polls per second (--devices overrides);
- the hello-world view, for scale.

Goal: the counted polls keep at least 0.8x the speed of the uncounted ones,
and every device is counted. Ratios, not absolute numbers, are what to
compare between machines; say the load average next to them.

    .venv/bin/python bench/follow.py
    .venv/bin/python bench/follow.py --devices 300 --duration 20
"""

import argparse
import os
import subprocess
import tempfile
import urllib.request

from cluster import Gunicorn
from common import PYTHON, ROOT, manage, production_env, require_wrk, run_wrk

# Engineer "class" runs its throwaway servers on 8500-8599.
PORT = 8510

START = """
from django.contrib.auth.models import User
from lessons.models import Lesson
from lessons.presenter import create_presentation
teacher = User.objects.create_user("bench-teacher", is_staff=True)
print(create_presentation(Lesson.objects.get(slug="sessions"), teacher, 2).code)
"""

COUNT = """
from lessons.models import Presentation
from lessons.following import follower_count
print(follower_count(Presentation.objects.get(code="%s")))
"""

POLL = """
devices = {%(devices)s}
counter = 0
request = function()
  counter = counter + 1
  local headers = {}
  headers["If-None-Match"] = '%(etag)s'
  if #devices > 0 then
    headers["X-Courseware-Device"] = devices[(counter %% #devices) + 1]
  end
  return wrk.format("GET", "%(path)s", headers)
end
"""


def shell(env: dict, code: str) -> str:
    """What ``code`` printed last (the shell may print a banner first)."""
    return (
        subprocess.run(
            [PYTHON, "manage.py", "shell", "-c", code],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        .stdout.strip()
        .splitlines()[-1]
    )


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--duration", type=int, default=10, help="seconds per run")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--devices", type=int, default=0, help="0: one per uncounted poll per second"
    )
    args = parser.parse_args()
    require_wrk()

    with tempfile.TemporaryDirectory() as tmp:
        env = production_env(tmp, COURSEWARE_BENCH="1")
        manage(env, ["migrate", "-v0"], ["collectstatic", "--no-input", "-v0"])
        manage(env, ["sync_content"])
        code = shell(env, START)
        server = Gunicorn(
            env, workers=args.workers, log=subprocess.DEVNULL, port=PORT
        ).start()
        base = f"http://127.0.0.1:{server.port}"
        path = f"/f/{code}/state/"
        try:
            with urllib.request.urlopen(base + path) as response:
                etag = response.headers["ETag"]
            results = {}
            for label in ("uncounted", "counted"):
                ids = []
                if label == "counted":
                    args.devices = args.devices or max(10, int(results["uncounted"][0]))
                    ids = [
                        f"bench-device-{n:06d}-{os.urandom(4).hex()}"
                        for n in range(args.devices)
                    ]
                script = os.path.join(tmp, f"{label}.lua")
                with open(script, "w") as lua:
                    lua.write(
                        POLL
                        % {
                            "devices": ", ".join(f'"{d}"' for d in ids),
                            "etag": etag.replace("'", ""),
                            "path": path,
                        }
                    )
                results[label] = run_wrk(
                    [
                        "-t2",
                        f"-c{args.connections}",
                        f"-d{args.duration}s",
                        "-s",
                        script,
                        base,
                    ]
                )
            results["hello"] = run_wrk(
                [
                    "-t2",
                    f"-c{args.connections}",
                    f"-d{args.duration}s",
                    base + "/bench/hello/",
                ]
            )
            counted = int(shell(env, COUNT % code))
        finally:
            server.stop()

    load = os.getloadavg()
    print(
        f"\n{args.workers} gunicorn workers, {args.connections} connections, "
        f"{args.duration} s per run, {args.devices} devices; "
        f"load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}\n"
    )
    print(f"{'':32} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7}")
    names = {
        "uncounted": "state poll, no device (304)",
        "counted": f"state poll, {args.devices} devices",
        "hello": "hello world (for scale)",
    }
    for label, (rate, p50, p99, errors) in results.items():
        print(f"{names[label]:32} {rate:8.0f} {p50:8.1f} {p99:8.1f} {errors:7d}")
    ratio = results["counted"][0] / results["uncounted"][0]
    print(f"\nCounted / uncounted polls: {ratio:.2f}x (goal >= 0.8x)")
    print(f"Devices counted by the presenter: {counted} of {args.devices}")


if __name__ == "__main__":
    main()
