"""Search: sections indexed on save, found through the database's full-text index."""

import pytest

from lessons.models import Lesson, LessonSection
from lessons.search import MAX_QUERY_CHARS, search
from lessons.search.sections import MATCH_START, split_sections

pytestmark = pytest.mark.django_db

BODY = """Intro words about dragons.

## Sessions explained

A session keeps **state** between requests. Write `<b>bold</b>` safely.

```python
request.session["visits"] = 1
```

## Templates

Nothing about state here, only zebras.

### Deeper

Giraffes live here.
"""


@pytest.fixture
def lesson():
    return Lesson.objects.create(
        slug="memory", title="Memory", summary="How sites remember.", order=1, body=BODY
    )


def test_sections_follow_headings_and_keep_code_apart():
    html = Lesson(title="T", body=BODY)
    html.render()
    sections = split_sections(html.html, "T")
    assert [s.anchor for s in sections] == [
        "",
        "sessions-explained",
        "templates",
        "deeper",
    ]
    intro, sessions, templates, deeper = sections
    assert intro.heading == "T" and intro.text == "Intro words about dragons."
    assert sessions.heading == "Sessions explained"  # no "#" permalink
    assert sessions.code == 'request.session["visits"] = 1'
    assert "visits" not in sessions.text and "<b>bold</b>" in sessions.text
    assert deeper.text == "Giraffes live here."


def test_match_markers_in_lesson_text_are_dropped():
    sections = split_sections(f"<h2 id='a'>A</h2><p>x{MATCH_START}y</p>", "T")
    assert sections[-1].text == "xy"


def test_a_word_in_the_text_links_to_its_section(lesson):
    hits = search("zebras")
    assert [hit.url for hit in hits] == ["/lessons/memory/#templates"]
    assert "<mark>zebras</mark>" in hits[0].snippet


def test_words_before_the_first_heading_link_to_the_lesson(lesson):
    assert [hit.url for hit in search("dragons")] == ["/lessons/memory/"]


def test_code_is_searched_and_shown_as_code(lesson):
    hits = search("visits")
    assert hits[0].url == "/lessons/memory/#sessions-explained"
    assert hits[0].snippet_is_code
    assert "<mark>visits</mark>" in hits[0].snippet


def test_every_word_must_match_and_the_last_may_be_half_typed(lesson):
    assert [hit.url for hit in search("giraf")] == ["/lessons/memory/#deeper"]
    assert search("giraffes dragons") == []


def test_a_heading_match_ranks_above_a_mention(lesson):
    Lesson.objects.create(
        slug="state",
        title="Other",
        summary="s",
        order=2,
        body="## State of things\n\nAbout it.\n\n## Later\n\nstate once.",
    )
    assert search("state")[0].url == "/lessons/state/#state-of-things"


def test_highlighting_escapes_the_lesson_text_first(lesson):
    hits = search("bold")
    snippet = str(hits[0].snippet)
    assert "&lt;b&gt;<mark>bold</mark>&lt;/b&gt;" in snippet
    assert "<b>" not in snippet


@pytest.mark.parametrize(
    "query",
    [
        '"',
        "state OR",
        "NEAR(state",
        "*",
        "-state",
        "state:*",
        "a & | !b",
        "^",
        "'",
        "ß",
    ],
)
def test_query_syntax_typed_by_a_reader_is_only_words(lesson, query):
    search(query)  # no database error, whatever the characters


def test_saving_a_lesson_reindexes_it_and_deleting_removes_it(lesson):
    lesson.body = "## Fresh\n\nOnly otters now."
    lesson.save()
    assert search("zebras") == []
    assert [hit.url for hit in search("otters")] == ["/lessons/memory/#fresh"]
    lesson.title = "Renamed"
    lesson.save()
    assert search("renamed")
    lesson.delete()
    assert search("otters") == []
    assert not LessonSection.objects.exists()


def test_a_search_is_one_query(lesson, django_assert_num_queries):
    with django_assert_num_queries(1):
        search("state")


def test_search_page_works_without_javascript(client, lesson):
    response = client.get("/search/", {"q": "zebras"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" in html and 'value="zebras"' in html
    assert 'href="/lessons/memory/#templates"' in html
    assert "1 section found" in html


def test_live_results_are_only_the_list_and_cacheable(client, lesson):
    response = client.get("/search/", {"q": "zebras"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "<html" not in html and "<mark>zebras</mark>" in html
    assert "public" in response["Cache-Control"]
    assert "HX-Request" in response["Vary"]
    assert "Cookie" not in response.get("Vary", "")
    assert "Set-Cookie" not in response


def test_no_match_and_no_query_say_so(client, lesson):
    html = client.get("/search/", {"q": "unicorns"}).content.decode()
    assert "No section mentions" in html
    html = client.get("/search/").content.decode()
    assert "No section mentions" not in html and "found for" not in html


def test_an_overlong_query_is_a_clear_400(client, lesson):
    response = client.get("/search/", {"q": "a" * (MAX_QUERY_CHARS + 1)})
    assert response.status_code == 400
    assert b"at most 200 characters" in response.content


def test_search_refuses_unsafe_methods(client):
    assert client.post("/search/", {"q": "x"}).status_code == 405
