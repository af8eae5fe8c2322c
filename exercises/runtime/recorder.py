"""The inspector's recording code, reached through one import.

The runtime records the learner's requests with exactly the code the
inspector uses for the demos (``sandbox_apps/inspector/recording.py``), so
a trace of the learner's app and a trace of a demo mean the same thing.
Only this module names it: if the recording code moves, this is the one
line to change.
"""

from sandbox_apps.inspector.recording import (  # noqa: F401 - re-exported
    MISSING,
    Recorder,
    describe_queries,
    form_data,
    install_template_hook,
    recording,
    secret_form_values,
    session_changes,
    shorten,
    snapshot,
)
