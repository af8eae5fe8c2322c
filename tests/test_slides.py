"""Slides and speaker notes, cut by lessons.rendering when a lesson is saved."""

import pytest

from lessons.rendering import AuthoringError, render


def slides_of(text):
    return render(text, cpu_seconds=0).slides


def test_slides_are_cut_at_top_level_h2_headings():
    slides = slides_of("Opening words.\n\n## First\n\nOne.\n\n## Second\n\nTwo.\n")
    assert [slide.title for slide in slides] == ["", "First", "Second"]
    assert "Opening words." in slides[0].html
    assert "One." in slides[1].html and "Two." not in slides[1].html
    assert slides[2].html.startswith('<h2 id="second">')


def test_a_horizontal_rule_cuts_a_slide_and_is_not_shown_on_it():
    slides = slides_of("## Section\n\nBefore the rule.\n\n---\n\nAfter the rule.\n")
    assert [slide.title for slide in slides] == ["", "Section", "Section"]
    assert (
        "Before the rule." in slides[1].html and "After the rule." not in slides[1].html
    )
    assert "After the rule." in slides[2].html
    assert all("<hr" not in slide.html for slide in slides)


def test_the_reader_page_keeps_the_horizontal_rule():
    assert "<hr>" in render("One.\n\n---\n\nTwo.\n", cpu_seconds=0).html


def test_a_slide_after_a_rule_is_named_by_its_own_heading():
    slides = slides_of("## Section\n\nText.\n\n---\n\n### Detail\n\nMore.\n")
    assert slides[-1].title == "Detail"


def test_a_heading_inside_a_tab_does_not_cut():
    slides = slides_of("## Outer\n\n/// tab | One\n## Inside\n///\n")
    assert [slide.title for slide in slides] == ["", "Outer"]
    assert "Inside" in slides[1].html


def test_the_opening_slide_always_exists_even_when_empty():
    slides = slides_of("## Straight in\n\nText.\n")
    assert slides[0].html == "" and slides[0].title == ""
    assert len(slides) == 2


def test_two_cuts_in_a_row_make_no_empty_slide():
    slides = slides_of("## A\n\nText.\n\n---\n\n## B\n\nMore.\n")
    assert [slide.title for slide in slides] == ["", "A", "B"]


def test_demos_in_slides_are_the_same_live_placeholder():
    slides = slides_of("## Play\n\n/// demo | session-counter\n///\n")
    assert 'hx-get="/sandbox/session-counter/"' in slides[1].html


NOTES_LESSON = """## Sessions

What a session is.

/// notes
Ask who has **cleared cookies** today.
///

## Next
"""


def test_notes_belong_to_the_slide_they_are_written_in():
    slides = slides_of(NOTES_LESSON)
    assert (
        slides[1].notes_html
        == "<p>Ask who has <strong>cleared cookies</strong> today.</p>"
    )
    assert slides[2].notes_html == ""


def test_notes_are_removed_from_the_reader_page_and_the_slides():
    result = render(NOTES_LESSON, cpu_seconds=0)
    assert "cleared cookies" not in result.html
    assert "data-cw-notes" not in result.html
    assert all("cleared cookies" not in slide.html for slide in result.slides)


def test_notes_are_sanitized():
    slides = slides_of(
        '## A\n\n/// notes\nHi <script>alert(1)</script><img src="x" onerror="alert(2)">\n///\n'
    )
    assert "<script" not in slides[1].notes_html
    assert "onerror" not in slides[1].notes_html
    assert "Hi" in slides[1].notes_html


def test_notes_alone_between_two_cuts_join_the_slide_before():
    slides = slides_of("## A\n\nText.\n\n---\n\n/// notes\nLate note.\n///\n\n## B\n")
    assert [slide.title for slide in slides] == ["", "A", "B"]
    assert "Late note." in slides[1].notes_html


def test_headings_inside_notes_stay_out_of_the_table_of_contents():
    result = render("## Shown\n\n/// notes\n## Hidden\n///\n", cpu_seconds=0)
    assert [heading.title for heading in result.headings] == ["Shown"]


def test_a_look_alike_notes_marker_typed_by_an_author_is_an_ordinary_div():
    result = render('<div data-cw-notes="0123">Visible.</div>\n', cpu_seconds=0)
    assert "Visible." in result.html
    assert "data-cw-notes" not in result.html
    assert result.slides[0].notes_html == ""


def test_notes_inside_another_block_are_an_authoring_error():
    with pytest.raises(AuthoringError, match="top level"):
        render("//// note\n/// notes\nHidden?\n///\n////\n", cpu_seconds=0)


def test_a_demo_inside_notes_is_an_authoring_error():
    with pytest.raises(AuthoringError, match="cannot contain a demo"):
        render("//// notes\n/// demo | session-counter\n///\n////\n", cpu_seconds=0)


def test_the_admin_preview_shows_notes_apart_from_the_page(settings):
    from lessons.rendering import preview_html

    settings.COURSEWARE_RENDER_CPU_SECONDS = 0
    html = preview_html("## Topic\n\nText.\n\n/// notes\nRemember the demo.\n///\n")
    page, _, aside = html.partition('<aside class="preview-notes">')
    assert "Remember the demo." not in page
    assert "Remember the demo." in aside and "Topic" in aside


def test_slide_ids_come_from_titles_and_count_repeats():
    from lessons.rendering.slides import slide_ids

    titles = ["", "The counter", "The counter", "The counter 2", "¿Qué?", "!!!"]
    assert slide_ids(titles) == [
        "opening",
        "the-counter",
        "the-counter-2",
        # Its own slug is taken by the second "The counter": it counts on.
        "the-counter-2-2",
        "qué",
        "slide",
    ]


def test_a_slide_keeps_its_id_when_a_slide_is_added_before_it():
    from lessons.rendering.slides import slide_ids

    before = slide_ids(["", "Intro", "Recap"])
    after = slide_ids(["", "New first", "Intro", "Recap"])
    assert before[2] == after[3] == "recap"


def test_a_reveal_block_wraps_its_list_on_the_slide_and_the_page():
    text = "## Points\n\n/// reveal\n- one\n- two\n///\n\nAfter.\n"
    rendered = render(text, cpu_seconds=0)
    for html in (rendered.html, rendered.slides[1].html):
        assert '<div class="slide-reveal">\n<ul>\n<li>one</li>' in html
        assert "<p>After.</p>" in html


def test_a_reveal_block_without_a_list_is_an_authoring_error():
    with pytest.raises(AuthoringError, match="reveal block must hold a list"):
        render("## Points\n\n/// reveal\nJust words.\n///\n", cpu_seconds=0)
