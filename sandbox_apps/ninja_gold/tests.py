"""Ninja Gold: the rules alone, then the views as page and as fragment, then bad input.

The parallel-request invariant (16 POSTs on one session against a real
server) is in tests/test_session_write_lock.py.
"""

import itertools
import json
import random
import re

import pytest
from django.test import Client

from . import game

URL = "/sandbox/ninja-gold/"
PROCESS = URL + "process_money/"
RESET = URL + "reset/"


class FakeSession(dict):
    pass


def always_pay(amounts):
    """An earn() that pays a fixed amount per place, for predictable games."""

    def earn(place):
        return amounts[place]

    return earn


def play(state, place, times):
    for _ in range(times):
        game.visit(state, place)


# --- The rules, without HTTP -------------------------------------------------


def test_a_new_game_has_no_gold_no_moves_and_an_empty_log():
    assert game.new_game() == {"gold": 0, "moves": 0, "log": []}
    assert game.load(FakeSession()) == game.new_game()


def test_load_hands_out_a_copy_that_changes_nothing_until_saved():
    session = FakeSession(ninja_gold={"gold": 5, "moves": 1, "log": [{"move": 1}]})
    state = game.load(session)
    game.visit(state, "farm")
    state["log"].append({"move": 0})
    assert session["ninja_gold"] == {"gold": 5, "moves": 1, "log": [{"move": 1}]}
    game.save(session, state)
    assert session["ninja_gold"]["moves"] == 2


@pytest.mark.parametrize(
    "junk",
    [
        "junk",
        7,
        None,
        [],
        {"gold": "5", "moves": 0, "log": []},
        {"gold": 5, "moves": None, "log": []},
        {"gold": 5, "moves": 1, "log": "x"},
    ],
)
def test_a_damaged_game_starts_over(junk):
    assert game.load(FakeSession(ninja_gold=junk)) == game.new_game()


def test_the_table_holds_the_four_places_and_their_ranges():
    assert game.PLACES == {
        "farm": (10, 20),
        "cave": (5, 10),
        "house": (2, 5),
        "casino": (-50, 50),
    }


@pytest.mark.parametrize("place", ["farm", "cave", "house", "casino"])
def test_every_place_pays_within_its_range_and_reaches_both_ends(place):
    random.seed(2013)
    low, high = game.PLACES[place]
    paid = {game.earn(place) for _ in range(3000)}
    assert min(paid) == low and max(paid) == high
    assert paid == set(range(low, high + 1))


def test_a_visit_adds_gold_counts_a_move_and_logs_it_newest_first(monkeypatch):
    monkeypatch.setattr(game, "earn", always_pay({"farm": 13, "casino": -40}))
    state = game.new_game()
    game.visit(state, "farm")
    entry = game.visit(state, "casino")
    assert state["gold"] == -27 and state["moves"] == 2
    assert [e["place"] for e in state["log"]] == ["casino", "farm"]
    assert entry == state["log"][0]
    assert entry["move"] == 2 and entry["amount"] == -40 and entry["total"] == -27
    assert re.fullmatch(r"\d\d:\d\d:\d\d", entry["time"])


def test_the_total_always_equals_the_sum_of_the_log():
    random.seed(7)
    for _ in range(200):
        state = game.new_game()
        while not game.is_over(state):
            game.visit(state, random.choice(list(game.PLACES)))
            assert state["gold"] == sum(entry["amount"] for entry in state["log"])
            assert len(state["log"]) == state["moves"]
            assert state["log"][0]["total"] == state["gold"]


def test_the_game_state_survives_a_json_round_trip():
    random.seed(1)
    state = game.new_game()
    play(state, "casino", 5)
    assert json.loads(json.dumps(state)) == state


def test_reaching_the_goal_wins(monkeypatch):
    monkeypatch.setattr(game, "earn", always_pay({"casino": 50}))
    state = game.new_game()
    play(state, "casino", 4)
    assert state["gold"] == 200 and game.outcome(state) == ""
    game.visit(state, "casino")
    assert state["gold"] == 250 and game.outcome(state) == "won"


def test_reaching_the_goal_on_the_fifteenth_move_still_wins(monkeypatch):
    monkeypatch.setattr(game, "earn", always_pay({"farm": 16, "casino": 26}))
    state = game.new_game()
    play(state, "farm", 14)  # 224
    assert game.outcome(state) == ""
    game.visit(state, "casino")
    assert state["moves"] == 15 and state["gold"] == 250
    assert game.outcome(state) == "won"


def test_fifteen_moves_without_the_goal_loses(monkeypatch):
    monkeypatch.setattr(game, "earn", always_pay({"farm": 16}))
    state = game.new_game()
    play(state, "farm", 14)
    assert game.outcome(state) == ""
    game.visit(state, "farm")
    assert state["moves"] == 15 and state["gold"] == 240
    assert game.outcome(state) == "lost" and game.is_over(state)


def test_no_move_is_possible_once_the_game_is_over(monkeypatch):
    monkeypatch.setattr(game, "earn", always_pay({"house": 2}))
    state = game.new_game()
    play(state, "house", 15)
    before = json.dumps(state)
    with pytest.raises(ValueError):
        game.visit(state, "house")
    assert json.dumps(state) == before


@pytest.mark.parametrize("place", ["bank", "", "FARM", "farm ", None])
def test_an_unknown_place_is_refused_and_changes_nothing(place):
    state = game.new_game()
    with pytest.raises(ValueError):
        game.visit(state, place)
    assert state == game.new_game()


def test_the_log_keeps_the_last_fifty_entries_and_the_move_count_stays_exact(
    monkeypatch,
):
    # The real game ends at 15 moves; a longer one shows the cap at work.
    monkeypatch.setattr(game, "MAX_MOVES", 80)
    monkeypatch.setattr(game, "GOAL", 10**9)
    state = game.new_game()
    for _ in range(60):
        game.visit(state, "house")
    assert state["moves"] == 60
    assert len(state["log"]) == game.LOG_LIMIT == 50
    assert [entry["move"] for entry in state["log"]] == list(range(60, 10, -1))


# --- Views -------------------------------------------------------------------


def stored(client):
    return client.session.get(game.SESSION_KEY)


def moves_shown(html):
    return int(re.search(r'<span class="gold-moves">(-?\d+)</span>', html).group(1))


def gold_shown(html):
    return int(re.search(r'<dd class="gold-number">(-?\d+)</dd>', html).group(1))


@pytest.mark.django_db
def test_the_page_shows_every_place_with_its_range(client):
    response = client.get(URL)
    html = response.content.decode()
    assert response.status_code == 200 and "<html" in html
    for text in [
        "+10 to +20 gold",
        "+5 to +10 gold",
        "+2 to +5 gold",
        "-50 to +50 gold",
    ]:
        assert text in html
    for place in game.PLACES:
        assert f'name="place" value="{place}"' in html
    assert html.count(f'action="{PROCESS}"') == 4
    assert moves_shown(html) == 0 and gold_shown(html) == 0 and "No moves yet" in html


@pytest.mark.django_db
def test_htmx_request_gets_only_the_fragment_with_the_right_headers(htmx_client):
    response = htmx_client.get(URL)
    html = response.content.decode()
    assert "{#" not in html  # template comments teach; they never ship
    assert (
        'id="ninja-gold"' in html
        and 'class="sandbox ninja-gold"' in html
        and "<html" not in html
    )
    assert response["HX-Push-Url"] == "false"
    assert "HX-Request" in response["Vary"]
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_the_full_page_also_varies_on_hx_request_and_pushes_nothing(client):
    response = client.get(URL)
    assert "HX-Request" in response["Vary"] and "HX-Push-Url" not in response


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("place", "amount"), [("farm", 17), ("cave", 5), ("house", 5), ("casino", -33)]
)
def test_each_place_posts_to_process_money_and_redirects(
    client, monkeypatch, place, amount
):
    monkeypatch.setattr(game, "earn", always_pay({place: amount}))
    response = client.post(PROCESS, {"place": place})
    # Post/Redirect/Get
    assert response.status_code == 302 and response["Location"] == URL
    html = client.get(URL).content.decode()
    assert moves_shown(html) == 1 and gold_shown(html) == amount
    assert stored(client)["log"][0]["place"] == place


@pytest.mark.django_db
def test_gains_and_losses_differ_in_words_and_sign_not_only_colour(client, monkeypatch):
    monkeypatch.setattr(
        game, "earn", always_pay({"farm": 12, "casino": -30, "house": 0})
    )
    client.post(PROCESS, {"place": "farm"})
    client.post(PROCESS, {"place": "casino"})
    client.post(PROCESS, {"place": "house"})
    html = client.get(URL).content.decode()
    assert re.search(
        r'class="gain"[^>]*>\s*<span class="gold-move">Move 1:</span>\s*earned <strong>\+12</strong> gold at the farm',
        html,
    )
    assert re.search(
        r'class="loss"[^>]*>\s*<span class="gold-move">Move 2:</span>\s*lost <strong>-30</strong> gold at the casino',
        html,
    )
    assert "broke even at the house" in html
    # Newest first.
    assert html.index("Move 3:") < html.index("Move 2:") < html.index("Move 1:")
    assert "Total -18." in html


@pytest.mark.django_db
def test_a_moves_redirect_says_nothing_about_the_address_bar(htmx_client):
    """htmx never sees a redirect's headers: the browser follows it first."""
    response = htmx_client.post(PROCESS, {"place": "cave"})
    assert response.status_code == 302
    assert "HX-Push-Url" not in response
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_the_fragment_after_a_move_shows_the_new_state(htmx_client, monkeypatch):
    monkeypatch.setattr(game, "earn", always_pay({"cave": 8}))
    response = htmx_client.post(PROCESS, {"place": "cave"}, follow=True)
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert moves_shown(html) == 1 and gold_shown(html) == 8
    assert response["HX-Push-Url"] == "false"


@pytest.mark.django_db
def test_a_win_shows_the_message_disables_the_places_and_offers_a_new_game(
    client, monkeypatch
):
    monkeypatch.setattr(game, "earn", always_pay({"casino": 50}))
    for _ in range(5):
        client.post(PROCESS, {"place": "casino"})
    html = client.get(URL).content.decode()
    assert "You won!" in html and "250 gold in 5 moves" in html
    assert html.count(" disabled>") == 4
    assert "New game" in html


@pytest.mark.django_db
def test_a_loss_shows_the_message_and_further_moves_change_nothing(client, monkeypatch):
    monkeypatch.setattr(game, "earn", always_pay({"farm": 16}))
    for _ in range(15):
        client.post(PROCESS, {"place": "farm"})
    before = stored(client)
    response = client.post(PROCESS, {"place": "farm"})
    assert response.status_code == 302
    assert stored(client) == before and before["moves"] == 15
    html = client.get(URL).content.decode()
    assert "Out of moves." in html and "the goal was 250" in html
    assert html.count(" disabled>") == 4 and "New game" in html


@pytest.mark.django_db
def test_new_game_and_reset_touch_only_this_apps_key(client, monkeypatch):
    monkeypatch.setattr(game, "earn", always_pay({"farm": 20}))
    client.get("/sandbox/session-counter/")  # another demo's state in the same session
    for _ in range(15):
        client.post(PROCESS, {"place": "farm"})
    other = client.session["session_counter"]
    response = client.post(RESET)
    assert response.status_code == 302 and response["Location"] == URL
    assert stored(client) == game.new_game()
    assert client.session["session_counter"] == other
    html = client.get(URL).content.decode()
    assert " disabled>" not in html and moves_shown(html) == 0


@pytest.mark.django_db
def test_reset_is_offered_while_playing_too(client):
    html = client.get(URL).content.decode()
    assert f'action="{RESET}"' in html and ">Reset</button>" in html


@pytest.mark.django_db
def test_a_damaged_game_in_the_session_shows_a_new_game(client):
    session = client.session
    session[game.SESSION_KEY] = {"gold": "lots"}
    session.save()
    response = client.get(URL)
    assert response.status_code == 200 and moves_shown(response.content.decode()) == 0


# --- Bad input: a 4xx, never a 500, and nothing changes --------------------------


def start_a_game(client, monkeypatch):
    monkeypatch.setattr(game, "earn", always_pay({"farm": 11}))
    client.post(PROCESS, {"place": "farm"})
    return stored(client)


BAD_PLACES = [
    {},
    {"place": ""},
    {"place": "bank"},
    {"place": "FARM"},
    {"place": ["farm", "cave"]},
    {"place": ["farm", "farm"]},
    {"place": "farm" * 5000},
    {"place": "<script>alert('gold')</script>"},
    {"place": "farm\x00"},
    {"place": "\u202efarm"},
]


@pytest.mark.django_db
@pytest.mark.parametrize("data", BAD_PLACES)
def test_a_missing_unknown_repeated_or_oversized_place_is_a_400_that_changes_nothing(
    client, monkeypatch, data
):
    before = start_a_game(client, monkeypatch)
    response = client.post(PROCESS, data)
    html = response.content.decode()
    assert response.status_code == 400
    assert "Choose one of the places: farm, cave, house, casino." in html
    assert "<script>alert" not in html
    assert stored(client) == before


@pytest.mark.django_db
def test_a_refused_place_inside_a_lesson_is_a_fragment(htmx_client, monkeypatch):
    response = htmx_client.post(PROCESS, {"place": "bank"})
    html = response.content.decode()
    assert response.status_code == 400 and "<html" not in html
    assert 'role="alert"' in html and f'href="{URL}"' in html


@pytest.mark.django_db
def test_a_raw_nul_byte_in_the_body_is_refused(client, monkeypatch):
    before = start_a_game(client, monkeypatch)
    response = client.post(
        PROCESS, data="place=farm%00", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 400 and stored(client) == before


@pytest.mark.django_db
def test_too_many_fields_is_a_400_that_changes_nothing(client, monkeypatch):
    before = start_a_game(client, monkeypatch)
    body = "&".join(f"f{i}=1" for i in range(1001)) + "&place=farm"
    response = client.post(
        PROCESS, data=body, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 400 and stored(client) == before


@pytest.mark.django_db
def test_a_ten_megabyte_field_is_a_400_that_changes_nothing(client, monkeypatch):
    before = start_a_game(client, monkeypatch)
    body = "place=" + "f" * (10 * 1024 * 1024)
    response = client.post(
        PROCESS, data=body, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 400 and stored(client) == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", PROCESS),
        ("get", RESET),
        ("post", URL),
        ("put", PROCESS),
        ("delete", PROCESS),
        ("patch", RESET),
    ],
)
def test_wrong_methods_are_405(client, method, path):
    response = getattr(client, method)(path)
    assert response.status_code == 405


@pytest.mark.django_db
@pytest.mark.parametrize("path", [PROCESS, RESET])
def test_a_post_without_the_csrf_token_is_403_and_changes_nothing(path, monkeypatch):
    client = Client(enforce_csrf_checks=True)
    client.get(URL)  # sets the CSRF cookie, but the POST below does not send the token
    monkeypatch.setattr(game, "earn", always_pay({"farm": 11}))
    session = client.session
    session[game.SESSION_KEY] = {
        "gold": 11,
        "moves": 1,
        "log": [
            {"move": 1, "place": "farm", "amount": 11, "total": 11, "time": "10:00:00"}
        ],
    }
    session.save()
    before = stored(client)
    response = client.post(path, {"place": "farm"})
    assert response.status_code == 403
    assert stored(client) == before


@pytest.mark.django_db
def test_a_post_without_csrf_inside_a_lesson_gets_a_friendly_fragment():
    client = Client(enforce_csrf_checks=True, HTTP_HX_REQUEST="true")
    response = client.post(PROCESS, {"place": "farm"})
    html = response.content.decode()
    assert (
        response.status_code == 403 and "<html" not in html and 'role="alert"' in html
    )


@pytest.mark.django_db
def test_the_real_form_with_its_csrf_token_is_accepted():
    client = Client(enforce_csrf_checks=True)
    html = client.get(URL).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    response = client.post(PROCESS, {"place": "house", "csrfmiddlewaretoken": token})
    assert response.status_code == 302 and stored(client)["moves"] == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_HX_REQUEST": "junk"},
        {
            "HTTP_HX_REQUEST": "true",
            "HTTP_HX_TARGET": "<script>",
            "HTTP_HX_CURRENT_URL": "javascript:alert(1)",
        },
        {
            "HTTP_HX_REQUEST": "true",
            "HTTP_HX_TRIGGER": "\x00" * 10,
            "HTTP_HX_BOOSTED": "maybe",
        },
    ],
)
def test_junk_htmx_headers_never_cause_a_500(client, headers):
    assert client.get(URL, **headers).status_code == 200
    assert client.post(PROCESS, {"place": "farm"}, **headers).status_code == 302


# --- What lessons show ---------------------------------------------------------------


def test_the_code_lessons_show_resolves():
    from sandbox_apps import sources
    from sandbox_apps.registry import get_demo

    for path in get_demo("ninja-gold").source_files:
        assert sources.excerpt(path).code
    excerpt = sources.excerpt("ninja_gold/views.py:process_money")
    assert excerpt.code.startswith("@require_POST\ndef process_money(request):")
    assert "redirect(" in excerpt.code


def chance_to_win(places) -> float:
    """The exact chance of reaching the goal, always choosing the best of ``places``.

    Worked backwards from the last move over every amount of gold a game
    can hold, each place paying each amount of its range with equal chance
    (as ``earn`` does). ``chances[i]`` is the chance to win from
    ``lowest + i`` gold with the moves still left.
    """
    ranges = [game.PLACES[place] for place in places]
    lowest = min(0, min(low for low, _ in ranges) * game.MAX_MOVES)
    highest = game.GOAL + max(high for _, high in ranges)
    golds = range(lowest, highest + 1)
    chances = [1.0 if gold >= game.GOAL else 0.0 for gold in golds]
    for _ in range(game.MAX_MOVES):
        # Prefix sums: the average over a range of next positions in O(1).
        sums = list(itertools.accumulate(chances, initial=0.0))
        chances = [
            1.0
            if gold >= game.GOAL
            else max(
                average(sums, gold + low - lowest, gold + high - lowest)
                for low, high in ranges
            )
            for gold in golds
        ]
    return chances[-lowest]


def average(sums, first, last):
    """The mean of the values from index ``first`` to ``last`` (clamped: unreachable ends)."""
    count = last - first + 1
    first, last = max(first, 0), min(last, len(sums) - 2)
    return (sums[last + 1] - sums[first]) / count


def test_the_goal_is_won_by_one_game_in_four_or_five_played_well_rarely_by_farming():
    assert round(chance_to_win(game.PLACES), 3) == 0.225
    assert round(chance_to_win(["farm"]), 3) == 0.022
