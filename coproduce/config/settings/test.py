"""Tests: fast hashing, tasks run immediately, e-mails kept in memory.

The database is SQLite unless COPRODUCE_TEST_DATABASE_URL names a PostgreSQL server
(CI sets it and runs the suite a second time against PostgreSQL).
"""

import tempfile
from pathlib import Path

from coproduce.config.settings.base import *
from coproduce.config.settings.base import env

DEBUG = False
SECRET_KEY = "test-only-key"  # noqa: S105
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

DATABASES = {
    "default": env.db_url("COPRODUCE_TEST_DATABASE_URL", default="sqlite:///:memory:")
}

# Uploaded files from tests go to a throw-away folder, never the project's var/.
MEDIA_ROOT = Path(tempfile.gettempdir()) / "coproduce-test-media"
