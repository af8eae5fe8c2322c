"""The password hasher the site uses first (see PASSWORD_HASHERS in settings)."""

from django.contrib.auth.hashers import Argon2PasswordHasher


class Argon2idHasher(Argon2PasswordHasher):
    """Argon2id at OWASP's minimum: 19 MiB of memory, 2 passes, 1 lane.

    Django's default (100 MiB, 8 lanes) costs each login five times the
    memory, and the login sandbox is a public form. OWASP's Password
    Storage Cheat Sheet lists m=19 MiB, t=2, p=1 as the minimum that still
    makes offline cracking expensive. Hashes made with other settings are
    upgraded to these at the next successful login (Django compares the
    parameters stored in each hash).
    """

    time_cost = 2
    memory_cost = 19 * 1024  # in KiB
    parallelism = 1
