"""Peak resident memory of this process, for the benchmarks that build something in a fresh
child process (``benchmark_report``, ``benchmark_chronology``).

Read from ``/proc/self/status`` (``VmRSS`` now, ``VmHWM`` its peak), with the peak started again
from what is resident (``/proc/self/clear_refs``), so it counts what the C libraries take as well
as Python's objects. Not ``getrusage``'s ``ru_maxrss``: Linux carries it across ``fork`` and
``exec``, so a child started by a large parent reports the parent's peak.
"""

from __future__ import annotations

from django.core.management.base import CommandError


def status_kib(field: str) -> int:
    """``VmRSS`` (resident now) or ``VmHWM`` (its peak) of this process, in KiB. Not
    ``getrusage``'s ``ru_maxrss``: Linux carries that across ``exec``, so a process started by a
    large parent reports the parent's peak."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(f"{field}:"):
                return int(line.split()[1])
    raise CommandError("Peak memory is read from /proc/self/status (Linux); pass --no-memory elsewhere.")


def reset_peak() -> None:
    """Start the peak (``VmHWM``) again from what is resident now (Linux 4.0 and later)."""
    with open("/proc/self/clear_refs", "w", encoding="ascii") as clear_refs:
        clear_refs.write("5")
