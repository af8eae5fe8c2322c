"""Files that hold fcntl locks, opened once per process.

An fcntl lock belongs to the process, on a file rather than a descriptor:
closing any descriptor of the file drops every lock the process holds on
it. So each process keeps one descriptor per file and never closes it. And
a forked process (a gunicorn worker) inherits none of its parent's locks,
so it opens the file again rather than share the parent's descriptor.

Used by the per-session locks (sandbox_apps/session_lock.py) and by SQLite's
write turns (courseware/sql.py).
"""

import os
import threading

_opened: dict[str, tuple[int, int]] = {}  # path -> (process id, descriptor)
_mutex = threading.Lock()


def descriptor(path: str) -> int:
    """This process's descriptor of the lock file ``path``, created if missing."""
    pid = os.getpid()
    held = _opened.get(path)
    if held is not None and held[0] == pid:
        return held[1]
    with _mutex:
        held = _opened.get(path)
        if held is None or held[0] != pid:
            held = _opened[path] = (pid, os.open(path, os.O_RDWR | os.O_CREAT, 0o600))
        return held[1]
