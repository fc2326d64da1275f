"""Local development and `make demo`: SQLite under var/, e-mails on the console."""

from coproduce.config.settings.base import *
from coproduce.config.settings.base import VAR_DIR, env

DEBUG = env.bool("DEBUG", default=True)
# A development key only: prod refuses to start without SECRET_KEY in the environment.
SECRET_KEY = env.str("SECRET_KEY", default="dev-only-insecure-key-not-for-production")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = ["http://127.0.0.1:8000", "http://localhost:8000"]

# SQLite and uploads live under var/; create it on first use so a fresh clone works.
VAR_DIR.mkdir(parents=True, exist_ok=True)
