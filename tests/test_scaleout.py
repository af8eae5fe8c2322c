"""The scale-out drill (bench/scaleout.py --short) as part of the test suite.

PostgreSQL, Redis, two gunicorn servers and nginx on loopback ports; a
server killed mid-game, a rolling reload, Redis restarted from a snapshot
and hung, PostgreSQL stopped for a few seconds. Nothing may be lost: no
click answered as applied may be missing from the board, none applied
twice, no lesson GET may fail, and no click may be refused with a 4xx.
"""

import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench"
sys.path.insert(0, str(BENCH))
from cluster import missing  # noqa: E402


@pytest.mark.skipif(bool(missing()), reason=f"needs Debian's {', '.join(missing())}")
def test_nothing_is_lost_when_servers_redis_or_postgresql_fail():
    # The script's own temporary folder (it removes it): PostgreSQL's user
    # cannot enter pytest's, which only root may open.
    result = subprocess.run(
        [sys.executable, "scaleout.py", "--short"],
        cwd=BENCH,
        capture_output=True,
        text=True,
        timeout=900,
    )
    report = result.stdout
    assert result.returncode == 0, report + result.stderr[-3000:]
    assert '"moves lost": 0' in report
    assert '"moves applied twice": 0' in report
    assert '"failed lesson GETs": 0' in report
    assert '"refused POSTs (4xx)": 0' in report
    assert "PASS: nothing lost" in report
