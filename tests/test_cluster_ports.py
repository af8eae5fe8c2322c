"""Two processes starting throwaway servers at once never pick the same port.

The scale-out drill and the gunicorn reload test run on two test workers
at the same moment, each picking ports for its servers in the same range.
"""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from cluster import free_port  # noqa: E402

# Picks a port and holds it, without starting anything on it: the moment
# between picking a port and a server binding it.
PICKER = """
import sys
sys.path.insert(0, sys.argv[1])
from cluster import free_port
print(free_port(), flush=True)
sys.stdin.read()
"""


def test_a_port_another_process_picked_is_not_picked_again():
    other = subprocess.Popen(
        [sys.executable, "-c", PICKER, str(ROOT / "bench")],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        picked_there = int(other.stdout.readline())
        assert free_port() != picked_there
    finally:
        other.communicate("")
