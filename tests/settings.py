"""The test suite's settings: the site's own, plus what makes tests fast and repeatable.

Chosen in pyproject.toml (pytest-django's DJANGO_SETTINGS_MODULE), so the site's settings
never need to guess whether they run under a test runner.
"""

from zorgzaam.settings import *  # noqa: F403
from zorgzaam.settings import DATABASES

# Tests start many short-lived server threads: no persistent connections.
DATABASES["default"]["CONN_MAX_AGE"] = 0

# Hashing is not what the tests test.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Email and other tasks run at once, inside the test.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

# Off unless a test switches them on (every test client comes from one address).
RATELIMIT_ENABLE = False
