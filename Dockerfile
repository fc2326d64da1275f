# Coproduce production image: gunicorn web server or background worker.
#   docker build -t coproduce .
#   docker compose up            (see docker-compose.yml and docs/deployment.md)

# --- 1. Static assets: GOV.UK Frontend, htmx and Vega, compiled by frontend/build.mjs
FROM node:20-bookworm-slim AS assets
WORKDIR /src/frontend
COPY frontend/package.json frontend/package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error
COPY frontend/ ./
# build.mjs writes into ../coproduce/static/{vendor,coproduce}.
RUN mkdir -p ../coproduce/static && node build.mjs

# --- 2. The application
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=coproduce.config.settings.prod \
    COPRODUCE_VAR_DIR=/app/var

# An unprivileged user runs the site; var/ holds collected static files and uploads.
RUN useradd --system --uid 1000 --create-home --home-dir /app coproduce
WORKDIR /app/src

COPY pyproject.toml README.md manage.py ./
COPY scripts/ scripts/
COPY coproduce/ coproduce/
COPY --from=assets /src/coproduce/static/ coproduce/static/

# Translations are compiled with polib (no gettext needed), then installed with the
# package. psycopg[binary] brings its own libpq, so no system packages are needed.
RUN pip install --no-compile polib \
    && python scripts/compile_translations.py \
    && pip install . \
    && rm -rf build coproduce.egg-info

# collectstatic reads the production settings, which refuse to load without their
# variables; these throw-away values exist only during this one build step.
RUN mkdir -p /app/var/media \
    && SECRET_KEY=collectstatic-only-not-a-secret \
       ALLOWED_HOSTS=localhost \
       DATABASE_URL=sqlite:////tmp/collectstatic.sqlite3 \
       coproduce manage collectstatic --noinput --verbosity 0 \
    && rm -f /tmp/collectstatic.sqlite3 \
    && chown -R coproduce:coproduce /app/var

# Run from outside the source tree so Python imports the installed package.
WORKDIR /app
USER coproduce
EXPOSE 8000
CMD ["coproduce", "serve", "--bind", "0.0.0.0:8000"]
