"""The scale-out drill (bench/scaleout.py --quick) as part of the test suite.

PostgreSQL, Redis, two gunicorn servers and nginx on loopback ports; a
server killed mid-game, a rolling reload, Redis restarted from a snapshot
and hung, PostgreSQL stopped for 10 s. Nothing may be lost.
"""

import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench"
sys.path.insert(0, str(BENCH))
from cluster import missing  # noqa: E402


@pytest.mark.skipif(bool(missing()), reason=f"needs Debian's {', '.join(missing())}")
def test_nothing_is_lost_when_servers_redis_or_postgresql_fail(tmp_path):
    result = subprocess.run(
        [sys.executable, "scaleout.py", "--quick", "--tmp", str(tmp_path)],
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
    assert "PASS: nothing lost" in report
