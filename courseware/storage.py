"""Static files storage for production: compressed, fingerprinted, and with
the site's ES modules importing each other by their fingerprinted names."""

from whitenoise.storage import CompressedManifestStaticFilesStorage


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
