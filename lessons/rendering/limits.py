"""Running one conversion in a forked child, under CPU-time and memory limits.

Python-Markdown has inputs that take seconds of CPU or overflow the stack,
and an admin preview must never take a worker down with it. So the work
runs in a forked child, and the verdict depends only on the input: the
child may use ``cpu_seconds`` of CPU time (not wall time, which grows with
the machine's load) and ``memory_bytes`` more memory than it started with.
"""

from __future__ import annotations

import math
import multiprocessing
import signal
from collections.abc import Callable
from typing import TypeVar

from .errors import AuthoringError

Result = TypeVar("Result")

# Wall time is only a backstop against a child that stops running (it never
# waits on anything): this many times the CPU limit, so that load alone
# never decides a verdict.
WALL_BACKSTOP_FACTOR = 60
MEMORY_BYTES = 1024 * 1024 * 1024


def can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


def run_limited(
    work: Callable[[str], Result],
    text: str,
    *,
    cpu_seconds: float,
    memory_bytes: int = MEMORY_BYTES,
) -> Result:
    """``work(text)`` in a forked child, or AuthoringError if it overran a limit.

    An AuthoringError raised by ``work`` reaches the caller as it was raised.
    """
    context = multiprocessing.get_context("fork")
    reader, writer = context.Pipe(duplex=False)
    child = context.Process(
        target=_child,
        args=(writer, work, text, cpu_seconds, memory_bytes),
        daemon=True,
    )
    child.start()
    writer.close()
    try:
        answered = reader.poll(max(cpu_seconds * WALL_BACKSTOP_FACTOR, 30))
        outcome, value = reader.recv() if answered else ("stalled", None)
    except EOFError:
        outcome, value = "died", None
    finally:
        reader.close()
        if child.is_alive():
            child.kill()
        child.join()
    if outcome == "ok":
        return value
    if outcome == "error":
        raise AuthoringError(value)
    if child.exitcode in (-signal.SIGPROF, -signal.SIGXCPU):
        raise AuthoringError(
            [
                f"Rendering needed more than {cpu_seconds:g} s of CPU time. Look for "
                "deeply nested lists, brackets or quotes, or split the lesson in two."
            ]
        )
    if outcome == "stalled":
        raise AuthoringError(["Rendering stalled; try saving again."])
    raise AuthoringError(["Rendering failed: the renderer stopped without an answer."])


def _child(writer, work, text: str, cpu_seconds: float, memory_bytes: int) -> None:
    _limit_memory(memory_bytes)
    # SIGPROF fires after this much CPU time (user + system) and, with no
    # handler installed, ends the process even inside a long C call (a
    # regular expression backtracking). RLIMIT_CPU is a second line, in
    # whole seconds.
    signal.signal(signal.SIGPROF, signal.SIG_DFL)
    signal.setitimer(signal.ITIMER_PROF, cpu_seconds)
    _set_rlimit("RLIMIT_CPU", math.ceil(cpu_seconds) + 1)
    try:
        outcome = ("ok", work(text))
    except AuthoringError as error:
        outcome = ("error", error.problems)
    except RecursionError:
        outcome = (
            "error",
            [
                "The Markdown is nested too deeply to render (lists, quotes or brackets)."
            ],
        )
    except MemoryError:
        outcome = ("error", ["Rendering needed too much memory."])
    except Exception as error:  # noqa: BLE001 - every failure becomes a message for the author
        outcome = ("error", [f"Rendering failed: {type(error).__name__}: {error}"])
    signal.setitimer(signal.ITIMER_PROF, 0)
    writer.send(outcome)
    writer.close()


def _limit_memory(memory_bytes: int) -> None:
    """Cap the child's address space at what it already has plus ``memory_bytes``.

    A runaway conversion should fail here, not push the server into swap.
    The cap is relative because a threaded parent (gunicorn threads, a live
    test server) can reserve far more address space than it uses.
    """
    try:
        import resource

        with open("/proc/self/statm") as statm:
            reserved = int(statm.read().split()[0]) * resource.getpagesize()
    except (ImportError, OSError, ValueError):
        return
    _set_rlimit("RLIMIT_AS", reserved + memory_bytes)


def _set_rlimit(name: str, value: int) -> None:
    try:
        import resource

        limit = getattr(resource, name)
        _, hard = resource.getrlimit(limit)
        if hard != resource.RLIM_INFINITY:
            value = min(value, hard)
        resource.setrlimit(limit, (value, hard if name == "RLIMIT_CPU" else value))
    except (ImportError, AttributeError, ValueError, OSError):
        pass
