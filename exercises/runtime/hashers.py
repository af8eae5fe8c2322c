"""A password hasher for the browser: Django's PBKDF2, with fewer rounds.

Django's default (a million rounds of PBKDF2-SHA256) takes seconds per
password in WebAssembly, and a check may hash several. The hashes this
makes are ordinary ``pbkdf2_sha256$...`` hashes that ``check_password``
verifies the same way; only the learner's own machine uses the real count.
"""

from django.contrib.auth.hashers import PBKDF2PasswordHasher


class BrowserPBKDF2PasswordHasher(PBKDF2PasswordHasher):
    iterations = 1000
