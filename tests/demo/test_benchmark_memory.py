"""The benchmarks' peak memory is this process's own, from the moment it is started again: a
child started by a large parent must not report the parent's peak (as ``ru_maxrss`` did)."""

from __future__ import annotations

from demo.benchmark_memory import reset_peak, status_kib


def test_the_peak_counts_what_is_allocated_after_it_is_started_again():
    reset_peak()
    before = status_kib("VmRSS")
    block = bytearray(64 * 1024 * 1024)  # 64 MB, touched so it is resident
    for offset in range(0, len(block), 4096):
        block[offset] = 1
    grown = status_kib("VmHWM") - before
    del block
    assert grown >= 48 * 1024
    reset_peak()
    # Once started again, the peak is about what is resident now, not the 64 MB just freed.
    assert status_kib("VmHWM") - status_kib("VmRSS") < 32 * 1024
