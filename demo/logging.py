"""Output helpers for the development-only commands."""

import logging
from contextlib import contextmanager


@contextmanager
def quiet_task_log():
    """Eager Celery logs a line per task run; dozens of them would bury the commands' own
    output (the sign-in table, the benchmark figures)."""
    logger = logging.getLogger("celery.app.trace")
    level = logger.level
    logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        logger.setLevel(level)
