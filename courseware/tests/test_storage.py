"""Production static files: the site's ES modules import fingerprinted names."""

import re

from django.core.management import call_command


def test_site_modules_import_each_other_by_fingerprinted_names(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "courseware.storage.StaticFilesStorage"},
    }
    # Without the exercises' runtime (20 MB of Pyodide and Django that the
    # storage would compress twice): the site's own scripts are the subject.
    call_command(
        "collectstatic", interactive=False, verbosity=0, ignore_patterns=["exercises"]
    )
    assert not (tmp_path / "exercises").exists()
    [site] = [
        path for path in (tmp_path / "js").glob("site.*.js") if path.suffix == ".js"
    ]
    imports = re.findall(r'from "(\./[^"]+)"', site.read_text())
    assert imports, "site.js imports its modules"
    for name in imports:
        assert re.fullmatch(r"\./[\w-]+\.[0-9a-f]{12}\.js", name), name
        assert (tmp_path / "js" / name[2:]).exists()
