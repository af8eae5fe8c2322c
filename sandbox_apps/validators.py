"""Rules that more than one sandbox app checks, written once.

Email Validation teaches the email rule; Login and Registration uses the
same rule for its email field, so the two apps can never disagree about
what a valid address is.
"""

import re

# The one message for an address that fails the rule, in both apps (the
# assignments' wording).
NOT_VALID = "Email is not valid!"

# The longest address the mail protocol (SMTP) can carry. Checked before the
# pattern, so the pattern never works on a huge input.
EMAIL_MAX_LENGTH = 254

# Read it top to bottom, one part of an address per line (re.VERBOSE lets
# the pattern have spaces and comments).
EMAIL_PATTERN = re.compile(
    r"""
    [A-Za-z0-9._%+-]+      # the name: letters, digits and . _ % + -  (first.last+tag)
    @                      # exactly one @
    (?:[A-Za-z0-9-]+\.)+   # one or more domain parts, each followed by a dot  (sub. example. co.)
    [A-Za-z]{2,}           # the ending: two or more letters  (uk, com)
    """,
    re.VERBOSE,
)


def is_valid_email(value: str) -> bool:
    """True when the whole of ``value`` has the shape of an email address."""
    if len(value) > EMAIL_MAX_LENGTH:
        return False
    # fullmatch, not match or search: the pattern must cover every character,
    # so "a@b.com<script>" or "a@b.com" followed by a newline is refused.
    return EMAIL_PATTERN.fullmatch(value) is not None


def posted(post_data, name: str) -> str:
    """One submitted field as text without surrounding spaces; "" when it is missing."""
    return post_data.get(name, "").strip()
