"""Static files storage for production: compressed, fingerprinted, and with
the site's ES modules importing each other by their fingerprinted names."""

import brotli
from whitenoise.compress import Compressor
from whitenoise.storage import CompressedManifestStaticFilesStorage

# Files up to this size get Brotli's best (slowest) quality; larger ones a
# quick one. Quality 11 makes the files every page loads (the site's CSS and
# scripts, htmx) about a tenth smaller than quality 5, in milliseconds. The
# exercise runtime (the editor bundle and Pyodide, tens of megabytes,
# counted twice: plain and fingerprinted names) would keep collectstatic
# busy for minutes on a loaded machine; quality 5 on those is still smaller
# than gzip's best, and faster than it.
BEST_QUALITY_UP_TO = 256 * 1024
LARGE_FILE_QUALITY = 5


class SizedCompressor(Compressor):
    def compress_brotli(self, data: bytes) -> bytes:
        if len(data) <= BEST_QUALITY_UP_TO:
            return brotli.compress(data)
        return brotli.compress(data, quality=LARGE_FILE_QUALITY)


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    # static/js/site.js imports one module per job ("./search.js"); without
    # this the fingerprinted site.js would import unfingerprinted files,
    # which browsers and the offline cache could keep stale after a deploy.
    support_js_module_import_aggregation = True
    # Only the site's own scripts: third-party files (htmx's extensions)
    # contain text Django's import patterns misread as missing files.
    _js_module_import_aggregation_patterns = (
        "js/*.js",
        CompressedManifestStaticFilesStorage._js_module_import_aggregation_patterns[1],
    )

    def create_compressor(self, **kwargs) -> Compressor:
        return SizedCompressor(**kwargs)
