"""``/// check | Question?`` is a multiple-choice knowledge check.

The body is a task list, one item per choice, ``[x]`` marking the one right
answer; a line indented under a choice says why it is (not) right; text
after the list explains the answer::

    /// check | Two patterns both match a path. Which view runs?
    - [x] The one listed first
    - [ ] The most specific one
        Django never compares patterns; it tries them in order.

    Django stops at the first match, so put specific patterns first.
    ///

On the page each choice is a ``<details>`` that reveals whether it is
right, so the check works without JavaScript. The presenter can also pose
it to a class as a live poll (``lessons.polls``): ``Conversion.checks``
keeps each check's parts for the slide it is on.
"""

from __future__ import annotations

import re

from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from ..errors import AuthoringError
from .base import Conversion, SlotBlock, render_prompt

# A poll's bar chart stays readable on a projector with this many bars.
MAX_CHOICES = 6
MAX_QUESTION_CHARS = 300

_CHOICE = re.compile(r"^[-*] \[( |x|X)\] ?(.*)$")


def inline_html(text: str) -> str:
    """One line of Markdown as sanitized inline HTML (no surrounding paragraph)."""
    html = render_prompt(text).strip()
    if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        html = html[3:-4]
    return html


def parse(question: str, body: str) -> dict:
    """The check's parts as text, or AuthoringError naming what to fix."""
    problems: list[str] = []
    where = f"Check {question[:60]!r}" if question else "A check block"
    if not question:
        problems.append("A check block needs a question: /// check | Question?")
    elif len(question) > MAX_QUESTION_CHARS:
        problems.append(
            f"{where}: the question is longer than {MAX_QUESTION_CHARS} characters."
        )
    choices: list[dict] = []
    explanation: list[str] = []
    for line in body.splitlines():
        match = _CHOICE.match(line)
        if match and not explanation:
            choices.append(
                {
                    "text": match.group(2).strip(),
                    "right": match.group(1) != " ",
                    "why": [],
                }
            )
        elif line.startswith(("    ", "\t")) and choices and not explanation:
            choices[-1]["why"].append(line.strip())
        elif not line.strip():
            if explanation:
                explanation.append("")
        elif not choices:
            problems.append(
                f"{where}: start the body with the choices, one '- [x] right' or "
                f"'- [ ] wrong' line each (found {line.strip()[:40]!r})."
            )
            break
        else:
            explanation.append(line)
    if len(choices) < 2:
        problems.append(f"{where}: give at least two choices ('- [ ] ...' lines).")
    if len(choices) > MAX_CHOICES:
        problems.append(f"{where}: give at most {MAX_CHOICES} choices.")
    right = [number for number, choice in enumerate(choices) if choice["right"]]
    if choices and not right:
        problems.append(f"{where}: mark the right choice with '- [x]'.")
    if len(right) > 1:
        problems.append(
            f"{where}: mark exactly one choice right; {len(right)} are marked '[x]'."
        )
    texts = [choice["text"] for choice in choices]
    if any(not text for text in texts):
        problems.append(f"{where}: a choice is empty.")
    elif len(set(texts)) != len(texts):
        problems.append(f"{where}: two choices have the same text.")
    if problems:
        raise AuthoringError(problems)
    return {
        "question": question,
        "choices": choices,
        "right": right[0],
        "explanation": "\n".join(explanation).strip(),
    }


class CheckBlock(SlotBlock):
    NAME = "check"
    # Optional to the parser, so a missing question gets a message, not silence.
    ARGUMENT = None

    def fill(self, argument: str, body: str, conversion: Conversion) -> str:
        parts = parse(argument, body)
        number = len(conversion.used.get(self.NAME, ())) + 1
        check_id = f"check-{number}"
        conversion.record(self.NAME, check_id)
        # Each piece is sanitized Markdown (render_prompt) before it is marked safe.
        check = {
            "id": check_id,
            "question_html": inline_html(parts["question"]),
            "choices": [
                {
                    "html": inline_html(choice["text"]),
                    "why_html": inline_html(" ".join(choice["why"]))
                    if choice["why"]
                    else "",
                }
                for choice in parts["choices"]
            ],
            "right": parts["right"],
            "explanation_html": render_prompt(parts["explanation"])
            if parts["explanation"]
            else "",
        }
        conversion.checks[check_id] = check
        context = {
            "check": check,
            "question": mark_safe(check["question_html"]),
            "explanation": mark_safe(check["explanation_html"]),
            "choices": [
                {
                    "html": mark_safe(choice["html"]),
                    "why": mark_safe(choice["why_html"]),
                    "right": index == check["right"],
                }
                for index, choice in enumerate(check["choices"])
            ],
        }
        return render_to_string("lessons/_check.html", context)
