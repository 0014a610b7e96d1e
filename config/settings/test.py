from config.settings.base import *  # noqa: F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Tests serve static files from the finders; there is no collected staticfiles/ directory.
WHITENOISE_AUTOREFRESH = True
# Tests run as production does, with the second factor required whatever a local .env says
# (tests/conftest.py's client verifies the session on force_login).
ERS_OTP_REQUIRED = True

# The killed-worker test (tests/test_celery_killed_worker.py) starts a worker with these in its
# environment, so its task waits at ``common.tasks.pause_point(ERS_TEST_PAUSE_AT)`` long enough
# to be killed mid-task. Never set outside tests.
ERS_TEST_PAUSE_AT = env("ERS_TEST_PAUSE_AT", default="")  # noqa: F405
ERS_TEST_PAUSE_SECONDS = env.int("ERS_TEST_PAUSE_SECONDS", default=0)  # noqa: F405
# Redis gives back a dead worker's messages in a sweep every unacked_restore_interval ×
# unacked_restore_throttle seconds (100 by default, after the visibility timeout): the
# killed-worker test's workers sweep every second, so it waits seconds, not minutes.
_restore_interval = env.int("ERS_TEST_UNACKED_RESTORE_INTERVAL", default=0)  # noqa: F405
if _restore_interval:
    CELERY_BROKER_TRANSPORT_OPTIONS = {  # noqa: F405
        **CELERY_BROKER_TRANSPORT_OPTIONS,  # noqa: F405
        "unacked_restore_interval": _restore_interval,
        "unacked_restore_throttle": 1,
    }
# The suite's SQLite database is in memory with one connection, inside each test's
# transaction: taking the write lock when a transaction begins buys nothing there, and keeps
# SQLite's backup API (the benchmark's copy of the schema) waiting for ever.
# tests/test_sqlite_concurrency.py runs the real options (base.py) on a file, in a server.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A copy: base.DATABASES, which the concurrency test reads, keeps its options.
    _options = {k: v for k, v in DATABASES["default"]["OPTIONS"].items() if k != "transaction_mode"}  # noqa: F405
    DATABASES = {**DATABASES, "default": {**DATABASES["default"], "OPTIONS": _options}}  # noqa: F405
