from .registry import demo_for_path


def current_demo(request):
    """The demo a sandbox page belongs to, for its standalone frame."""
    return {"demo": demo_for_path(request.path_info)}
