"""The ``/// check`` block: a multiple-choice self-check, and the parts a poll needs."""

import pytest

from lessons.rendering import AuthoringError, render

CHECK = """## Check yourself

/// check | Two patterns both match a path. Which `view` runs?
- [ ] The most specific one
    Django never compares patterns; it tries them in order.
- [x] The one listed *first*
- [ ] Both, one after the other

Django stops at the first match, so put specific patterns first.
///
"""


def check_html(html):
    start = html.index('<section class="check"')
    return html[start : html.index("</section>", start)]


def test_each_choice_reveals_its_verdict_without_javascript():
    html = check_html(render(CHECK, cpu_seconds=0).html)
    assert html.count('<details class="check-choice" name="check-1"') == 3
    right = html.index("data-right")
    # The right choice is the second one, and only it says "Right." and explains.
    assert html.index("The one listed <em>first</em>") > right
    assert html.count("Right.") == 1
    assert html.count("Not this one.") == 2
    assert html.index("Django stops at the first match") > right
    assert "Django never compares patterns" in html
    assert "Try another." in html  # the third choice has no reason of its own
    assert "Which <code>view</code> runs?" in html


def test_a_slide_lists_its_checks_for_the_poll():
    result = render("Intro.\n\n## Before\n\nText.\n\n" + CHECK, cpu_seconds=0)
    assert [len(slide.checks) for slide in result.slides] == [0, 0, 1]
    check = result.slides[2].checks[0]
    assert check["id"] == "check-1"
    assert check["right"] == 1
    assert [c["html"] for c in check["choices"]] == [
        "The most specific one",
        "The one listed <em>first</em>",
        "Both, one after the other",
    ]
    assert check["choices"][0]["why_html"].startswith("Django never compares")
    assert "first match" in check["explanation_html"]
    assert result.used["check"] == ("check-1",)
    assert result.slides[2].as_dict()["checks"] == [check]


def test_checks_are_numbered_in_order_of_the_page():
    second = CHECK.replace("## Check yourself", "").replace("Which", "Again, which")
    result = render(CHECK + second, cpu_seconds=0)
    assert result.used["check"] == ("check-1", "check-2")
    assert 'id="check-2"' in result.html
    assert [c["id"] for c in result.slides[1].checks] == ["check-1", "check-2"]


def test_choice_text_is_sanitized():
    text = CHECK.replace(
        "Both, one after the other", 'Both <img src=x onerror="alert(1)">'
    )
    html = render(text, cpu_seconds=0).html
    assert "onerror" not in html
    assert "<script" not in html


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("- [ ] One\n- [ ] Two", "mark the right choice"),
        ("- [x] One\n- [x] Two", "exactly one choice right; 2 are marked"),
        ("- [x] Only one", "at least two choices"),
        ("", "at least two choices"),
        ("Some words first.\n- [x] One\n- [ ] Two", "start the body with the choices"),
        ("- [x] Same\n- [ ] Same", "two choices have the same text"),
        ("- [x] One\n- [ ] ", "a choice is empty"),
        (
            "".join(f"- [{'x' if n == 0 else ' '}] C{n}\n" for n in range(7)),
            "at most 6",
        ),
    ],
)
def test_bad_checks_are_authoring_errors(body, message):
    with pytest.raises(AuthoringError, match=message):
        render(f"/// check | Which?\n{body}\n///\n", cpu_seconds=0)


def test_a_check_without_a_question_is_an_authoring_error():
    with pytest.raises(AuthoringError, match="needs a question"):
        render("/// check\n- [x] One\n- [ ] Two\n///\n", cpu_seconds=0)


def test_a_long_question_is_an_authoring_error():
    with pytest.raises(AuthoringError, match="longer than 300"):
        render(f"/// check | {'Why ' * 100}?\n- [x] A\n- [ ] B\n///\n", cpu_seconds=0)
