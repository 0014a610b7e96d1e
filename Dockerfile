# syntax=docker/dockerfile:1
#
# The service as one image: web (gunicorn), worker and beat (Celery) all run from it.
#   docker compose up --build      (see docker-compose.yml and README.md)

# --- 1. Front end: GOV.UK Frontend and MOJ Frontend from npm, compiled with Sass ----------
FROM node:20-bookworm-slim AS assets
WORKDIR /app
COPY package.json package-lock.json ./
COPY scripts/build-assets scripts/build-assets
COPY static/scss static/scss
RUN bash scripts/build-assets

# --- 2. The application ---------------------------------------------------------------------
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=config.settings.production

# WeasyPrint (PDF reports and chronologies) draws text with Pango and HarfBuzz and needs
# fonts to draw with.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 \
        fonts-liberation fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app

# Dependencies first, so a change of code does not reinstall them. The project installs no
# packages of its own (setuptools packages=[]): the apps run from /app.
COPY pyproject.toml ./
RUN pip install .

COPY . .
COPY --from=assets /app/static/dist static/dist

# Static files are collected at build time with production settings. The secret and host
# below exist only for this step: they are not in the image's environment, and production
# settings refuse to start without real ones.
RUN DJANGO_SECRET_KEY="build-only-collectstatic-key-never-used-to-serve-anything-0000" \
    DJANGO_ALLOWED_HOSTS="build.invalid" \
    python manage.py collectstatic --noinput --verbosity 0

# A home of its own: gunicorn keeps its control socket there.
RUN useradd --system --uid 10001 --create-home --home-dir /home/ers --shell /usr/sbin/nologin ers
USER ers

EXPOSE 8000
# The access log leaves out query strings (%(U)s is the path only): they could carry
# personal data.
CMD ["gunicorn", "config.wsgi", \
     "--bind", "0.0.0.0:8000", \
     "--workers", "3", \
     "--access-logfile", "-", \
     "--access-logformat", "%(h)s \"%(m)s %(U)s\" %(s)s %(b)s %(L)ss"]
