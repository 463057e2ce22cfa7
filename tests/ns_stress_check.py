#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Checks the lists saved by ima_ns_stress.sh in one pass (spawning a
process per check is slow in the test guest). Prints one "<check> <0|1>"
line per check, with diagnostics on stderr.

usage: ns_stress_check.py DIR N SCRATCH HOST_LIST ROUNDS
"""
import hashlib
import sys


def sha256(data):
    return "sha256:" + hashlib.sha256(data).hexdigest()


ZERO = "sha256:" + "0" * 64


def entries(path):
    with open(path) as f:
        return [line.split() for line in f if line.strip()]


def main():
    d, n, scratch, host_list, rounds = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], int(sys.argv[5])
    allowed = {sha256(b"")}
    for j in range(5):
        for r in range(rounds + 1):
            allowed.add(sha256(f"shared {j} v{r}\n".encode()))
    ok = dict(own=True, shared=True, violations=True, extra=True, count=True, host_own=True)
    host = entries(host_list)
    for i in range(1, n + 1):
        own = f"{scratch}/own_{i}"
        shared = f"{scratch}/shared_{i % 5}"
        own_digest = sha256(open(own, "rb").read())
        lst = entries(f"{d}/l{i}")
        if sum(1 for e in lst if e[4] == own and e[3] == own_digest) != 1:
            ok["own"] = False
            print(f"ns {i}: own file entries wrong", file=sys.stderr)
        # A read racing the host's rewrite is an open_writers violation:
        # an entry with a zero digest, counted in the namespace's
        # violations file; the file is measured all the same.
        shared_digests = [e[3] for e in lst if e[4] == shared and e[3] != ZERO]
        if not shared_digests or any(x not in allowed for x in shared_digests):
            ok["shared"] = False
            print(f"ns {i}: shared digests {shared_digests}", file=sys.stderr)
        zeros = [e for e in lst if e[3] == ZERO]
        if any(e[4] != shared for e in zeros) or int(open(f"{d}/v{i}").read()) != len(zeros):
            ok["violations"] = False
            print(f"ns {i}: violation entries {zeros}", file=sys.stderr)
        if any(e[4] not in (own, shared) for e in lst):
            ok["extra"] = False
            print(f"ns {i}: extra entries {[e[4] for e in lst]}", file=sys.stderr)
        if int(open(f"{d}/c{i}").read()) != len(lst):
            ok["count"] = False
        if sum(1 for e in host if e[4] == own and e[3] == own_digest) != 1:
            ok["host_own"] = False
            print(f"host: {own} not listed once", file=sys.stderr)
    starts = {e[4] for e in host if e[4].startswith("ima-ns:start:")}
    ends = {e[4] for e in host if e[4].startswith("ima-ns:end:")}
    ok["anchors"] = len(starts) == n and len(ends) == n
    for k, v in ok.items():
        print(k, int(v))


if __name__ == "__main__":
    main()
