"""A Celery worker with the stand-in ``reporting.build`` (TEMPORARY, until helper A's
``reporting/build.py`` is merged; see report_fixture.py), for the killed-worker test:

    python -m tests.reporting.stand_in_worker -A config worker ...

With ``ERS_TEST_FAIL_ONCE_FLAG`` set to a file path, the first build that finds the file
removes it and fails (a retry then succeeds).
"""

import os
import sys
from pathlib import Path

from tests.reporting.report_fixture import fake_build_module, fake_report_data


def _report_data(**kwargs):
    flag = os.environ.get("ERS_TEST_FAIL_ONCE_FLAG")
    if flag and Path(flag).exists():
        Path(flag).unlink()
        raise RuntimeError("The stand-in build fails once, as asked")
    return fake_report_data(**kwargs)


if __name__ == "__main__":
    sys.modules["reporting.build"] = fake_build_module(_report_data)
    from celery.__main__ import main

    sys.argv = ["celery", *sys.argv[1:]]
    main()
