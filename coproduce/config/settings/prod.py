"""Production: PostgreSQL, secrets and hosts from the environment, HTTPS only.

Required: SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL. Optional: EMAIL_URL,
DEFAULT_FROM_EMAIL, CSRF_TRUSTED_ORIGINS, COPRODUCE_SITE_URL, SECURE_HSTS_SECONDS,
SECURE_HSTS_PRELOAD, SECURE_SSL_REDIRECT, CONN_MAX_AGE. See docs/deployment.md.
`manage.py check --deploy --fail-level WARNING` is clean with just the required three
(a test keeps it so).
"""

from django.core.exceptions import ImproperlyConfigured

from coproduce.config.settings.base import *
from coproduce.config.settings.base import MIDDLEWARE, env

DEBUG = False
# No defaults for the three required variables: a production site that quietly
# fell back to a development key, any host, or SQLite under var/ would be worse
# than one that refuses to start (env raises ImproperlyConfigured, naming the variable).
SECRET_KEY = env.str("SECRET_KEY")
if not SECRET_KEY.strip():
    raise ImproperlyConfigured("Set the SECRET_KEY environment variable: it is empty.")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "Set the ALLOWED_HOSTS environment variable: it is empty."
    )
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
DATABASES = {"default": env.db_url("DATABASE_URL")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

# Links in e-mails sent by the worker; by default the first host name, over HTTPS.
_first_host = ALLOWED_HOSTS[0].lstrip(".")
COPRODUCE_SITE_URL = env.str(
    "COPRODUCE_SITE_URL",
    default=f"https://{_first_host}" if _first_host != "*" else "",
)
if not COPRODUCE_SITE_URL:
    raise ImproperlyConfigured(
        "Set COPRODUCE_SITE_URL (e.g. https://engage.example.gov.uk): "
        "ALLOWED_HOSTS=* gives no address to put in e-mails."
    )

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "INFO"},
}

# WhiteNoise serves the collected, hashed static files from the web process, right
# after SecurityMiddleware (development uses runserver's own static handling).
MIDDLEWARE = [
    *MIDDLEWARE[:1],
    "whitenoise.middleware.WhiteNoiseMiddleware",
    *MIDDLEWARE[1:],
]
