"""The four ninjas and the colours that find them, as plain data.

Nothing here knows about HTTP: the view asks ``find(color)`` and renders
what it gets back. The pictures are static files of this app, found under
``static/disappearing_ninjas/``.
"""

from typing import NamedTuple


class Character(NamedTuple):
    name: str
    color: str
    image: str  # a path for the {% static %} tag
    alt: str  # what the picture shows, for anyone who cannot see it


# Keys are lowercase, so a lookup only has to lowercase what it is given.
NINJAS = {
    "blue": Character(
        "Leonardo",
        "blue",
        "disappearing_ninjas/leonardo.svg",
        "Leonardo, a turtle ninja in a blue mask, with two swords crossed behind his shell.",
    ),
    "orange": Character(
        "Michelangelo",
        "orange",
        "disappearing_ninjas/michelangelo.svg",
        "Michelangelo, a turtle ninja in an orange mask, holding up two pairs of nunchaku.",
    ),
    "red": Character(
        "Raphael",
        "red",
        "disappearing_ninjas/raphael.svg",
        "Raphael, a turtle ninja in a red mask, holding a three-pronged sai in each hand.",
    ),
    "purple": Character(
        "Donatello",
        "purple",
        "disappearing_ninjas/donatello.svg",
        "Donatello, a turtle ninja in a purple mask, leaning on a long wooden staff.",
    ),
}

APRIL = Character(
    "April O'Neil",
    "",
    "disappearing_ninjas/april.svg",
    "April O'Neil, a reporter with red hair in a yellow jumpsuit, holding up a microphone and looking puzzled.",
)

NO_NINJAS = Character(
    "An empty dojo",
    "",
    "disappearing_ninjas/empty-dojo.svg",
    "An empty dojo: a wooden floor, a paper screen and a fading puff of smoke where a ninja just was.",
)


def find(color: str) -> Character | None:
    """The ninja who wears ``color`` (BLUE, Blue and blue alike), or None."""
    return NINJAS.get(color.lower())
