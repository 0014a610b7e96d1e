"""Settings shared by every environment.

With no environment set the app runs on a SQLite file with Celery tasks executed inline,
so a fresh checkout works with one command. ``DATABASE_URL`` and ``REDIS_URL`` switch it to
PostgreSQL and a Redis broker, which is what production and CI use.
"""

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False) if (BASE_DIR / ".env").exists() else None

SECRET_KEY = env("DJANGO_SECRET_KEY", default="local-development-only-not-secret")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])

# The brand is not chosen yet (§3.20): every page takes the name from here.
SERVICE_NAME = env("DJANGO_SERVICE_NAME", default="Engagement and Recovery Support")
SERVICE_PHONE = env("DJANGO_SERVICE_PHONE", default="0300 123 4567")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_forms_gds",
    "django_filters",
    "simple_history",
    "guardian",
    "django_celery_beat",
    "django_htmx",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "csp",
    "common",
    "partnership",
    "referrals",
    "assessments",
    "recovery_plans",
    "safeguarding",
    "reporting",
    # Development-only demo and benchmark data (seed_demo, benchmark_front_door).
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # No-store on every page but static files, and the Permissions-Policy (common/headers.py).
    "common.headers.PrivacyHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # Staff pages are always English; only the public pages follow the language chosen.
    "common.i18n.StaffPagesInEnglishMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Restricted referrals: tells the selectors what this session has opened, and turns
    # BreakGlassRequired into the page that asks for a reason (SEC-1).
    "referrals.break_glass.BreakGlassMiddleware",
    # After OTPMiddleware: a signed-in member of staff without a verified code goes to the
    # code page (or to set up an authenticator app) before any staff page.
    "partnership.two_factor.OTPRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes asks: turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "partnership.context_processors.service",
                "common.i18n.public_pages",
                # SAF-5: the drug-alert banner on every staff page (one query at most).
                "safeguarding.alerts.drug_alert_banner",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
# SQLite is the zero-set-up default, and it must not lose a referral when many arrive at
# once (30 at once lost 28 to "database is locked" before these options):
# - IMMEDIATE: every transaction (each request is one, ATOMIC_REQUESTS) takes the write
#   lock when it begins. A deferred one reads first and then asks to write, and SQLite
#   answers that upgrade with "locked" at once rather than waiting.
# - timeout: a transaction waits up to 20 seconds for the lock instead of failing.
# - WAL: readers never block the writer, nor the writer readers; synchronous=NORMAL is
#   the setting WAL is designed for (durable at each checkpoint, far fewer fsyncs).
SQLITE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(SQLITE_OPTIONS)
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    # First: refuses every sign-in from a locked-out username and address before a password
    # is checked (django-axes).
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-gb"
LANGUAGES = [("en-gb", "English"), ("pl", "Polski")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# The public pages, which follow the language chosen (common.i18n); everything else is English.
PUBLIC_PATH_PREFIXES = ("/refer/", "/complaints/")
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# Generated files that hold personal data (subject access exports, PAR-6). Never served by
# URL: no media route exists, and downloads go through permission-checked views only. In
# production this is a private volume, not a public bucket.
MEDIA_ROOT = Path(env("DJANGO_MEDIA_ROOT", default=str(BASE_DIR / "media")))
MEDIA_URL = "/media/"
# static/ holds our own files; static/dist is built from the npm packages at set-up
# (scripts/build-assets) and is never committed.
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
# Idle timeout: the session ends after 30 minutes without a request (SEC-3).
SESSION_COOKIE_AGE = env.int("DJANGO_SESSION_IDLE_SECONDS", default=30 * 60)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Content Security Policy (django-csp 4): only our own scripts, styles and images, inline
# scripts only with the per-request nonce (``nonce="{{ request.csp_nonce }}"``), no inline
# style attributes, no plugins, never framed.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# Second factor (SEC-3): every member of staff signs in with a password and then a 6-digit
# code from an authenticator app (TOTP, django-otp). partnership.two_factor enforces it.
# Production refuses to start with it off; local settings switch it off for the demo.
ERS_OTP_REQUIRED = env.bool("DJANGO_OTP_REQUIRED", default=True)
OTP_TOTP_ISSUER = SERVICE_NAME
# Each wrong code doubles the wait before the next try (1, 2, 4, 8... seconds).
OTP_TOTP_THROTTLE_FACTOR = 1

# Lockout after repeated failed sign-ins (django-axes): five wrong passwords for one username
# from one address lock that pair out for 30 minutes; a right password resets the count.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=30)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# No "AXES: BEGIN ..." banner on every manage.py command and runserver reload.
AXES_VERBOSE = False
# Count by the address common.client_address works out (REMOTE_ADDR, or behind our own
# proxies the address they vouch for), the same one the public form's hourly limit uses.
AXES_CLIENT_IP_CALLABLE = "common.client_address.client_address"
# The GOV.UK-styled lockout page (HTTP 429) saying when to try again and who to ask.
AXES_LOCKOUT_CALLABLE = "partnership.two_factor.lockout_response"

EMAIL_BACKEND = env("DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env("DJANGO_DEFAULT_FROM_EMAIL", default="no-reply@ers.example.org")
SPOC_NOTIFICATION_EMAIL = env("DJANGO_SPOC_NOTIFICATION_EMAIL", default="spoc@ers.example.org")

REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Without Redis, tasks run inline (eager) and the in-memory transport is never used for real.
# It is named with a host all the same: kombu warns "No hostname was supplied" on every
# command that touches Celery when the URL has none.
CELERY_BROKER_URL = REDIS_URL or "memory://localhost/"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
# Work that must not be lost (common.tasks): a task is acknowledged only once it has finished,
# and given back to the broker when its worker dies (killed, out of memory), so another worker
# runs it; each worker reserves one message at a time, so a dying worker takes no queue of
# others' work down with it. Delivery is then "at least once": tasks are safe to run twice
# and count their attempts (common.models.TaskRun), so a poison task fails visibly instead of
# looping.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A worker that loses the broker stops its running tasks rather than finishing work whose
# message Redis will hand to someone else (Celery's advice with acks_late).
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Redis hands an unacknowledged message to another worker after ``visibility_timeout``
# seconds. Every task must be stopped (soft limit: it may clean up; hard limit: killed) well
# before then, or a slow task would run twice at once.
CELERY_VISIBILITY_TIMEOUT = env.int("DJANGO_CELERY_VISIBILITY_TIMEOUT", default=60 * 60)
CELERY_TASK_TIME_LIMIT = env.int("DJANGO_CELERY_TASK_TIME_LIMIT", default=30 * 60)
CELERY_TASK_SOFT_TIME_LIMIT = env.int("DJANGO_CELERY_TASK_SOFT_TIME_LIMIT", default=25 * 60)
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_VISIBILITY_TIMEOUT}
if not CELERY_TASK_SOFT_TIME_LIMIT < CELERY_TASK_TIME_LIMIT < CELERY_VISIBILITY_TIMEOUT:
    raise ImproperlyConfigured(
        "Celery time limits must be below the broker's visibility timeout: "
        "DJANGO_CELERY_TASK_SOFT_TIME_LIMIT < DJANGO_CELERY_TASK_TIME_LIMIT < DJANGO_CELERY_VISIBILITY_TIMEOUT"
    )
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BEAT_SCHEDULE: dict = {
    # PLN-4 (§3.8.6): flag people with no contact within ERS_REENGAGEMENT_AFTER_DAYS, nightly.
    "reengagement-flags-nightly": {
        "task": "recovery_plans.tasks.reengagement_flags_nightly",
        "schedule": crontab(hour=2, minute=15),
    },
    # RPT-1 (§4.1.4): the whole service's report for the quarter just finished, on the 5th day
    # after it ends (time for late records to be entered), early in the morning.
    "quarterly-report": {
        "task": "reporting.tasks.quarterly_report_scheduled",
        "schedule": crontab(day_of_month=5, month_of_year="1,4,7,10", hour=4, minute=30),
    },
    # SAF-1, SAF-3, SAF-6: overdue notifications to councils escalated to the safeguarding lead
    # and the managers, each escalation once (safeguarding.tasks); every five minutes, so an
    # overdue notification is escalated within minutes of its deadline.
    "safeguarding-notifications-escalate": {
        "task": "safeguarding.tasks.notifications_escalate",
        "schedule": crontab(minute="*/5"),
    },
}

# How long the service has to notify the council (SAF-1, SAF-3), in calendar hours from when
# it knew (safeguarding.clocks). The process is confirmed at contract mobilisation (the
# specification's footnote 31), so these are settings; data-security incidents are not: 72
# hours from discovery is fixed (§3.23.8, UK GDPR Article 33), in safeguarding.services_notifications.
NOTIFY_SAFEGUARDING_HOURS = env.int("DJANGO_NOTIFY_SAFEGUARDING_HOURS", default=24)
NOTIFY_SERIOUS_INCIDENT_HOURS = env.int("DJANGO_NOTIFY_SERIOUS_INCIDENT_HOURS", default=48)
NOTIFY_DEATH_HOURS = env.int("DJANGO_NOTIFY_DEATH_HOURS", default=48)
# An overdue notification still unsent is escalated again after this many more hours.
NOTIFY_ESCALATE_AGAIN_HOURS = env.int("DJANGO_NOTIFY_ESCALATE_AGAIN_HOURS", default=24)

# RPT-4: the disclosure rule every published breakdown of people passes through (NHS England's
# by default): 0 stays 0, 1 to the threshold is shown as "*", the rest rounded to the base.
REPORT_SUPPRESSION_THRESHOLD = env.int("DJANGO_REPORT_SUPPRESSION_THRESHOLD", default=7)
REPORT_ROUNDING_BASE = env.int("DJANGO_REPORT_ROUNDING_BASE", default=5)

# How many reverse proxies of our own (TLS termination, a load balancer) stand in front of the
# service, each appending to X-Forwarded-For. 0: believe only the connection's address, and
# ignore the header, which anyone can send. See common/client_address.py and the README.
TRUSTED_PROXY_COUNT = env.int("DJANGO_TRUSTED_PROXY_COUNT", default=0)

# The public self-referral form: how many submissions one address may make in an hour.
# Generous, so a family sharing a connection or a drop-in centre's PC is never locked out.
PUBLIC_REFERRAL_RATE_LIMIT = env.int("DJANGO_PUBLIC_REFERRAL_RATE_LIMIT", default=20)
# The public complaints form (SAF-4): the same kind of limit, counted separately.
PUBLIC_COMPLAINT_RATE_LIMIT = env.int("DJANGO_PUBLIC_COMPLAINT_RATE_LIMIT", default=10)

# SAF-4 (§3.17.4): the stages of a complaint, the role responsible at each and its resolution
# target in working days from the stage's start. Stage 1 and 2 follow the common NHS and
# council pattern (10 and 20 working days); stage 3 is the council's or the Ombudsman's review,
# for which the service's part (sending the file and answering questions) has its own target.
COMPLAINT_STAGES = {
    "local_resolution": {"role": "Hub manager", "working_days": 10},
    "formal_investigation": {"role": "Service manager", "working_days": 20},
    "external_review": {"role": "Council complaints team or the Ombudsman", "working_days": 20},
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "INFO"},
    "loggers": {
        # Django's default config gives "django" a console handler of its own (when DEBUG) on
        # top of the root one: without this, runserver prints its lines twice.
        "django": {"handlers": [], "level": "INFO"},
        # Request bodies and querystrings can carry personal data: never log them.
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        # WeasyPrint logs every layout step of every PDF at INFO.
        "weasyprint": {"level": "WARNING"},
    },
}
CSRF_FAILURE_VIEW = "partnership.views.csrf_failure"

# The one audited write (common.audit) asks the app that owns people which are restricted
# (PAR-6), by this dotted path, so common imports no app of ours.
# PLN-4: days without a contact before the nightly job flags a person for re-engagement.
ERS_REENGAGEMENT_AFTER_DAYS = env.int("DJANGO_REENGAGEMENT_AFTER_DAYS", default=28)
ERS_RESTRICTED_PEOPLE = "referrals.data_rights.restriction.restricted_person_ids"

# Instruments as data (ASM-5). The shipped definitions live in assessments/instruments/
# definitions/; these directories add more (a licensed provider's Outcomes Star configuration,
# an instrument the Partnership agrees), one <id>-v<version>.yaml file each. Separate with commas.
ERS_INSTRUMENT_DIRS = env.list("DJANGO_INSTRUMENT_DIRS", default=[])
# Cut-offs moved without editing a definition, e.g. {"audit-c": {"positive": 4}}; checked on load.
ERS_INSTRUMENT_THRESHOLDS = env.json("DJANGO_INSTRUMENT_THRESHOLDS", default={})
