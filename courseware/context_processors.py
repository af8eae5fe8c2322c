"""Template context shared by every page."""


def csp_nonce(request):
    """Bridge django-csp's nonce to the name ``{% htmx_script %}`` reads.

    django-csp creates the nonce lazily, the first time something reads it,
    and only then adds it to the Content-Security-Policy header. Handing the
    lazy object to every template would make every page read it (and so
    every page would differ per visitor). Instead, only a nonce a view has
    already asked for is passed on; pages that never need one, such as
    lessons, stay byte-identical for all visitors.
    """
    nonce = getattr(request, "csp_nonce", None)
    # django-csp's lazy object is truthy only once it has been evaluated.
    return {"csp_nonce": nonce if nonce else None}
