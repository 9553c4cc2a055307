"""Freed memory kept for the next array, not handed back to the system at once.

By default the C library gives every block of more than 128 KB its own fresh mapping and
returns it when the block is freed, and it raises that threshold only step by step; an
array of 5,000 draws of a 288-cell table is 11.5 MB, and each one made afresh costs a
page fault (and a page of zeros) every 4 KB it is first written. Contractions and
summaries make and drop such arrays by the dozen. With blocks of up to MAPPED_FROM bytes
served from the heap, and the heap trimmed only beyond TRIM_FROM bytes free at its top,
the next array reuses the pages the last one left: the process's peak memory is the same,
and `forecast run` with its fit kept spends about a third less per draw (see the README's
Performance section).

Only where the C library is glibc (it offers `mallopt`); elsewhere nothing changes.
"""

from __future__ import annotations

import ctypes
import functools

M_TRIM_THRESHOLD = -1  # glibc's parameter numbers (malloc.h)
M_MMAP_THRESHOLD = -3
MAPPED_FROM = 32 * 2**20  # glibc's largest allowed mapping threshold on 64-bit systems
TRIM_FROM = 2**31 - 1  # the largest value the parameter takes


@functools.cache
def keep_freed_memory() -> bool:
    """Set the C library's thresholds (once per process); whether it took them."""
    try:
        libc = ctypes.CDLL(None)  # the symbols the process already has, the C library's too
        mallopt = libc.mallopt
        gnu = libc.gnu_get_libc_version  # glibc's own: present only there
    except (OSError, AttributeError):
        return False
    del gnu
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt.restype = ctypes.c_int
    return bool(mallopt(M_MMAP_THRESHOLD, MAPPED_FROM)) and bool(
        mallopt(M_TRIM_THRESHOLD, TRIM_FROM)
    )
