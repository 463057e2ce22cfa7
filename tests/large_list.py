#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Makes measurement entries fast: rewrites one file with new contents and
reads it, N times, so a FILE_CHECK rule measures each version once.

  large_list.py FILE N [START]    prints "<seconds for the first half> <second half>"
"""
import os
import sys
import time


def measure(path, n, start):
    halves = []
    t0 = time.monotonic()
    for i in range(start, start + n):
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        os.write(fd, b"version %d\n" % i)
        os.close(fd)
        fd = os.open(path, os.O_RDONLY)
        os.read(fd, 64)
        os.close(fd)
        if i - start + 1 in (n // 2, n):
            t1 = time.monotonic()
            halves.append(t1 - t0)
            t0 = t1
    return halves


if __name__ == "__main__":
    path, n = sys.argv[1], int(sys.argv[2])
    start = int(sys.argv[3]) if len(sys.argv) > 3 else 0
    print(" ".join("%.2f" % h for h in measure(path, n, start)))
