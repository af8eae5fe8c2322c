"""Highlighted code stays readable: axe's contrast check on every token colour, light and dark."""

import pytest

from lessons.models import Lesson

from .conftest import assert_accessible, screenshot

SAMPLE = '''## Code in every colour

```python
# A comment, a decorator, strings, numbers and keywords.
@require_POST
def process_money(request, place: str = "farm") -> HttpResponse:
    """Docstring."""
    gold = random.randint(10, 20) * 1.5 + 0x1F
    if gold is not None and place in {"farm", "cave"}:
        request.session["log"] = [f"{place}: {gold!r}"]
    raise ValueError("bad")
```

```html+django
{% extends "base.html" %}
{# A template comment #}
<p class="total">{{ gold|default:0 }} gold</p>
{% for entry in log %}<li>{{ entry.place }}</li>{% endfor %}
```

```console
$ python manage.py migrate
Operations to perform:
```

```css
.card { color: #333; margin: 0 auto; }
```

```javascript
const x = document.querySelector("#id"); // comment
```
'''


@pytest.fixture
def code_lesson(site):
    Lesson.objects.create(
        slug="code-colours",
        title="Code colours",
        summary="Every token colour.",
        order=99,
        body=SAMPLE,
    )
    return site + "/lessons/code-colours/"


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_code_colours_pass_contrast_checks(page, code_lesson, scheme):
    page.emulate_media(color_scheme=scheme)
    page.goto(code_lesson)
    assert_accessible(page, f"code, {scheme}")
    screenshot(page, f"code-{scheme}")


def test_code_colours_follow_the_toggle_not_only_the_system(page, code_lesson):
    page.emulate_media(color_scheme="light")
    page.goto(code_lesson)
    page.get_by_role("button", name="Dark theme").click()
    assert_accessible(page, "code, dark by toggle on a light system")
    keyword = page.locator(".highlight .k").first
    assert keyword.evaluate("e => getComputedStyle(e).color") != "rgb(0, 128, 0)"
