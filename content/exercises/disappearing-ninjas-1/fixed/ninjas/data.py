"""The four ninjas and the colours that find them, as plain data."""

# Keys are lowercase, so a lookup only has to lowercase what it is given.
NINJAS = {
    "blue": {
        "name": "Leonardo",
        "image": "ninjas/leonardo.svg",
        "alt": "Leonardo, a turtle ninja in a blue mask, with two swords crossed behind his shell.",
    },
    "orange": {
        "name": "Michelangelo",
        "image": "ninjas/michelangelo.svg",
        "alt": "Michelangelo, a turtle ninja in an orange mask, holding up two pairs of nunchaku.",
    },
    "red": {
        "name": "Raphael",
        "image": "ninjas/raphael.svg",
        "alt": "Raphael, a turtle ninja in a red mask, holding a three-pronged sai in each hand.",
    },
    "purple": {
        "name": "Donatello",
        "image": "ninjas/donatello.svg",
        "alt": "Donatello, a turtle ninja in a purple mask, leaning on a long wooden staff.",
    },
}

APRIL = {
    "name": "April O'Neil",
    "image": "ninjas/april.svg",
    "alt": "April O'Neil, a reporter with red hair in a yellow jumpsuit, holding up a microphone and looking puzzled.",
}
