"""The inspector's recording code, reached through one import.

The runtime records the learner's requests with exactly the code the
inspector uses for the demos (``sandbox_apps/inspector/recording.py``, pure:
Django only), so a trace of the learner's app and a trace of a demo mean
the same thing and render the same way. Only this module names it.
"""

from sandbox_apps.inspector.recording import (  # noqa: F401 - re-exported
    MISSING,
    Recording,
    SessionChange,
    session_changes,
    snapshot,
)
