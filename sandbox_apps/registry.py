"""The demo registry: how lessons find sandbox apps without importing them.

Each sandbox app declares one ``Demo`` as the ``demo`` attribute of its
AppConfig. Adding a demo is a new folder under ``sandbox_apps/`` plus one
line in ``INSTALLED_APPS``; lessons, URLs and checks find it here.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from django.urls import reverse

SANDBOX_ROOT = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Demo:
    slug: str
    title: str
    # A short sentence saying what the app teaches; shown on the placeholder.
    summary: str
    # The view a placeholder loads, as "namespace:name".
    url_name: str
    # Files under sandbox_apps/ that lessons may show in `source` blocks.
    source_files: tuple[str, ...] = field(default_factory=tuple)
    # The one session key a session app keeps its state under, if any.
    session_key: str | None = None
    # Filled in by the registry from the AppConfig that declares the demo.
    app_name: str = ""

    @property
    def url(self) -> str:
        return reverse(self.url_name)

    @property
    def urls_module(self) -> str:
        return f"{self.app_name}.urls"


def all_demos() -> dict[str, Demo]:
    """Every installed demo, keyed by slug, in INSTALLED_APPS order."""
    return dict(_demos(tuple(apps.get_app_configs())))


def get_demo(slug: str) -> Demo | None:
    return _demos(tuple(apps.get_app_configs())).get(slug)


# Every demo request asks for its demo several times (the session lock, the
# inspector, the idempotency check): the list is made once per set of
# installed apps, which changes only when a test installs other apps.
@functools.lru_cache(maxsize=8)
def _demos(configs: tuple) -> dict[str, Demo]:
    demos: dict[str, Demo] = {}
    for config in configs:
        demo = getattr(config, "demo", None)
        if demo is None:
            continue
        if demo.slug in demos:
            raise ValueError(f"Two sandbox apps declare the demo slug {demo.slug!r}.")
        demos[demo.slug] = Demo(**{**demo.__dict__, "app_name": config.name})
    return demos


def demo_for_path(path: str) -> Demo | None:
    """The demo whose URLs serve ``path`` (for example /sandbox/ninja-gold/...)."""
    parts = path.strip("/").split("/")
    if len(parts) >= 2 and parts[0] == "sandbox":
        return get_demo(parts[1])
    return None
