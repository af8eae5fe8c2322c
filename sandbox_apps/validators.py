"""Rules that more than one sandbox app checks, written once.

Email Validation teaches the email rule; Login and Registration uses the
same rule for its email field, so the two apps can never disagree about
what a valid address is, or about when two addresses are the same one.

International domains (user@exämple.com) are welcome. The mail system
carries them in an ASCII spelling called punycode (user@xn--exmple-cua.com),
and the two spellings name the same mailbox. So the rule is checked on the
ASCII spelling, and addresses are stored in one spelling (the domain in
its readable form), so typing either one finds the other.
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
    (?:[A-Za-z]{2,}        # the ending: two or more letters  (uk, com)
    |xn--[A-Za-z0-9-]+)    #   or an international ending in punycode  (xn--p1ai is .рф)
    """,
    re.VERBOSE,
)


def is_valid_email(value: str) -> bool:
    """True when the whole of ``value`` has the shape of an email address."""
    spelt = spellings(value)
    if spelt is None or len(spelt[0]) > EMAIL_MAX_LENGTH:
        return False
    # fullmatch, not match or search: the pattern must cover every character,
    # so "a@b.com<script>" or "a@b.com" followed by a newline is refused.
    return EMAIL_PATTERN.fullmatch(spelt[0]) is not None


def stored_email(value: str) -> str:
    """The one spelling an address is stored and compared in.

    The part before the @ is kept as typed; an international domain is
    written in its readable form whichever way it was typed. Call it only
    on an address that passed ``is_valid_email``.
    """
    return spellings(value)[1]


def spellings(value: str) -> tuple[str, str] | None:
    """The address with its domain in ASCII, and in readable form.

    None when the domain has no such spelling (an empty part, a part too
    long, or broken punycode such as "xn--zz").
    """
    name, at, domain = value.rpartition("@")
    if not at or (domain.isascii() and "xn--" not in domain.lower()):
        return value, value
    try:
        # Python's "idna" codec (IDNA 2003) checks each part of the domain
        # and lowercases it; parts already in plain ASCII are kept.
        ascii_domain = domain.encode("idna").decode("ascii")
        readable = ascii_domain.encode("ascii").decode("idna")
    except UnicodeError:
        return None
    return f"{name}@{ascii_domain}", f"{name}@{readable}"


def posted(post_data, name: str) -> str:
    """One submitted field as text without surrounding spaces; "" when it is missing."""
    return post_data.get(name, "").strip()
