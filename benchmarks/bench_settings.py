"""Settings for the load benchmark: production settings over plain HTTP on 127.0.0.1.

Production marks cookies Secure and redirects to HTTPS; a load generator on the
loopback interface speaks plain HTTP, so only those three switch off here.
Everything else (DEBUG off, PostgreSQL, WhiteNoise, CSP, sessions) is as in
production, so the figures mean something.

vote_load.py may also run on SQLite (prod.py leaves out base.py's SQLite
options), so they are put back here: WAL and a busy timeout, writers queueing
one at a time rather than failing with "database is locked".
"""

from coproduce.config.settings.prod import *
from coproduce.config.settings.prod import DATABASES

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }

SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
