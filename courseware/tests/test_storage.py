"""Production static files: the site's ES modules import fingerprinted names."""

import random
import re

import brotli
from django.core.management import call_command

from courseware.storage import BEST_QUALITY_UP_TO, LARGE_FILE_QUALITY, SizedCompressor


def test_site_modules_import_each_other_by_fingerprinted_names(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "courseware.storage.StaticFilesStorage"},
    }
    # Without the exercises' runtime (20 MB of Pyodide and Django that the
    # storage would compress twice), Django's admin (1.4 MB, and no module
    # imports) or htmx's six builds (630 KB, four fifths of the rest, at
    # Brotli's slowest quality): the site's own scripts are the subject.
    # htmx's extensions stay, as their text is what misleads Django's
    # import patterns. The scale-out drill (tests/test_scaleout.py)
    # fingerprints everything else, as a deploy does, but compresses nothing
    # (bench/uncompressed_static.py): compressing is proved here.
    call_command(
        "collectstatic",
        interactive=False,
        verbosity=0,
        ignore_patterns=[
            "exercises",
            "admin",
            "django_htmx/htm*-[0-9].js",
            "django_htmx/htm*-[0-9].min.js",
        ],
    )
    assert not (tmp_path / "exercises").exists()
    assert (tmp_path / "django_htmx" / "ext").exists()
    [site] = [
        path for path in (tmp_path / "js").glob("site.*.js") if path.suffix == ".js"
    ]
    imports = re.findall(r'from "(\./[^"]+)"', site.read_text())
    assert imports, "site.js imports its modules"
    for name in imports:
        assert re.fullmatch(r"\./[\w-]+\.[0-9a-f]{12}\.js", name), name
        assert (tmp_path / "js" / name[2:]).exists()
    # Brotli copies sit beside the gzip ones, smaller, for browsers that take them.
    [css] = list((tmp_path / "css").glob("site.*.css"))
    brotli_copy = css.with_name(css.name + ".br")
    assert brotli.decompress(brotli_copy.read_bytes()) == css.read_bytes()
    assert brotli_copy.stat().st_size < css.with_name(css.name + ".gz").stat().st_size


def test_large_static_files_get_a_quick_brotli_quality():
    """Best quality on tens of megabytes would stall collectstatic for minutes."""
    compressor = SizedCompressor(quiet=True)
    small = b"body { color: #222; } " * 1000
    assert compressor.compress_brotli(small) == brotli.compress(small)
    large = random.Random(1).randbytes(BEST_QUALITY_UP_TO) + small
    assert compressor.compress_brotli(large) == brotli.compress(
        large, quality=LARGE_FILE_QUALITY
    )
