"""Settings shared by every environment. Only settings modules read the environment."""

from pathlib import Path

import environ
from csp.constants import NONCE, NONE, SELF
from django.utils.translation import gettext_lazy as _

PACKAGE_DIR = Path(__file__).resolve().parents[2]  # .../coproduce
BASE_DIR = PACKAGE_DIR.parent

env = environ.Env()

# Where SQLite, uploads and logs live when no other place is configured.
VAR_DIR = Path(env.str("COPRODUCE_VAR_DIR", default=str(BASE_DIR / "var")))

SECRET_KEY = env.str("SECRET_KEY", default="")
DEBUG = False
ALLOWED_HOSTS: list[str] = env.list("ALLOWED_HOSTS", default=[])

INSTALLED_APPS = [
    # modeltranslation must come before django.contrib.admin.
    "modeltranslation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_tasks",
    "django_tasks_db",
    "csp",
    "coproduce.apps.core",
    "coproduce.apps.accounts",
    "coproduce.apps.organisations",
    "coproduce.apps.audit",
    "coproduce.apps.engagements",
    "coproduce.apps.surveys",
    "coproduce.apps.inclusion",
    "coproduce.apps.conversations",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "coproduce.apps.accounts.middleware.StaffMfaRequiredMiddleware",
]

FORM_RENDERER = "coproduce.apps.core.forms.GovukFormRenderer"

ROOT_URLCONF = "coproduce.config.urls"
WSGI_APPLICATION = "coproduce.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "coproduce.apps.core.context_processors.site",
            ],
        },
    },
]

DATABASES = {
    "default": env.db_url(
        "DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'coproduce.sqlite3'}"
    )
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the worker write while the web server reads; busy timeout avoids
    # "database is locked" when both write at once.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
_VALIDATORS = "django.contrib.auth.password_validation"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": f"{_VALIDATORS}.UserAttributeSimilarityValidator"},
    {"NAME": f"{_VALIDATORS}.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": f"{_VALIDATORS}.CommonPasswordValidator"},
    {"NAME": f"{_VALIDATORS}.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "core:home"

# --- allauth: e-mail log-in, verified addresses, TOTP for staff -------------------
ACCOUNT_ADAPTER = "coproduce.apps.accounts.adapter.AccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_REDIRECT_URL = "core:home"
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_PREVENT_ENUMERATION = True
# Throttled log-in: 5 failures per address per 5 minutes, 10 per IP per minute.
ACCOUNT_RATE_LIMITS = {"login_failed": "10/m/ip,5/300s/key"}
ACCOUNT_FORMS = {"signup": "coproduce.apps.accounts.forms.SignupForm"}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Coproduce"
MFA_TOTP_TOLERANCE = 1  # accept the previous and next 30-second code: clocks drift

# --- i18n: English and Welsh side by side ------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("cy", _("Welsh"))]
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_FALLBACK_LANGUAGES = ("en", "cy")
# Our own catalogue first (it wins); then Welsh for django-allauth, which ships none,
# and for Django strings its own Welsh catalogue lacks.
LOCALE_PATHS = [PACKAGE_DIR / "locale", PACKAGE_DIR / "locale_thirdparty"]
USE_I18N = True
TIME_ZONE = "Europe/London"
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

CACHES = {
    # The database cache is shared by the web server and the worker, so log-in
    # throttling and used TOTP codes hold across processes.
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "coproduce_cache",
    }
}

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

_email = env.email_url("EMAIL_URL", default="consolemail://")
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_HOST = _email.get("EMAIL_HOST", "localhost")
EMAIL_PORT = _email.get("EMAIL_PORT", 25)
EMAIL_HOST_USER = _email.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = _email.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _email.get("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = _email.get("EMAIL_USE_SSL", False)
DEFAULT_FROM_EMAIL = env.str(
    "DEFAULT_FROM_EMAIL", default="Coproduce <no-reply@localhost>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Content Security Policy: only our own origin; the one inline script that GOV.UK
# Frontend needs ("js-enabled") carries a per-request nonce.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

# The public address of the site, for links in e-mails sent by background tasks.
COPRODUCE_SITE_URL = env.str("COPRODUCE_SITE_URL", default="http://127.0.0.1:8000")
# Members invited by e-mail must accept within this many days.
COPRODUCE_INVITATION_VALID_DAYS = 14
# Staff roles must use a second factor; residents may choose to.
COPRODUCE_REQUIRE_STAFF_MFA = True
# Largest document officers may attach to an engagement (bytes). Keep the web
# server's own upload limit (e.g. nginx client_max_body_size) above this.
COPRODUCE_MAX_DOCUMENT_BYTES = env.int(
    "COPRODUCE_MAX_DOCUMENT_BYTES", default=20 * 1024 * 1024
)

# Small-number protection (inclusion/disclosure.py): counts of people from 1 to
# the threshold − 1 are hidden outside the analyst and administrator roles, and
# below the public threshold on anything public.
COPRODUCE_SMALL_NUMBER_THRESHOLD = env.int(
    "COPRODUCE_SMALL_NUMBER_THRESHOLD", default=10
)
COPRODUCE_PUBLIC_SMALL_NUMBER_THRESHOLD = env.int(
    "COPRODUCE_PUBLIC_SMALL_NUMBER_THRESHOLD", default=5
)

# Conversations: abuse limits per participant and per address. A refused
# request gets a friendly message saying when to try again, never an error page.
COPRODUCE_CONVERSATION_VOTES_PER_MINUTE = env.int(
    "COPRODUCE_CONVERSATION_VOTES_PER_MINUTE", default=60
)
COPRODUCE_CONVERSATION_STATEMENTS_PER_HOUR = env.int(
    "COPRODUCE_CONVERSATION_STATEMENTS_PER_HOUR", default=10
)
COPRODUCE_CONVERSATION_NEW_PARTICIPANTS_PER_IP_PER_HOUR = env.int(
    "COPRODUCE_CONVERSATION_NEW_PARTICIPANTS_PER_IP_PER_HOUR", default=200
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {"coproduce": {"level": "INFO"}},
}
