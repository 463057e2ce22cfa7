#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Hostile writes to securityfs files, for ima_ns_hostile.sh.

  hostile_writes.py [--unshare] SEED FILE...

For each FILE, opens it for writing once per attempt and makes one write()
of: random bytes of random sizes (with NULs), random printable text and
lines, text shaped like each file's grammar but wrong, a page and a page
plus one, 1 MiB of random bytes, of one letter, and of newlines. Prints per
file "FILE attempts=N accepted=A errnos=E1,E2" and, for each accepted
write, "accepted FILE <length> <sha256 of the bytes>".

--unshare first writes "1" to ns_unshare, so the for_children/ files name
a pending namespace; the script never forks (a fork would activate it),
and prints each for_children/ value it can read at the end.
"""
import errno
import hashlib
import os
import random
import sys

IMA = "/sys/kernel/security/ima"
WORDS = ["measure", "dont_measure", "appraise", "audit", "hash", "func=", "mask=",
         "fsmagic=", "uid=", "fowner=", "template=", "pcr=", "FILE_CHECK", "MAY_READ",
         "ima-ng", "ima", "d-ng|n-ng", "sha256", "sha1", "md5", "external", "enforce",
         "timeout_ms=", "allow", "deny", "1", "-1", "0x", "18446744073709551616", "\n", " "]


def payloads(rng):
    yield b"\x00"
    yield b""  # a zero-length write
    for _ in range(12):
        yield rng.randbytes(rng.randint(1, 6000))
    for _ in range(8):
        n = rng.randint(1, 3000)
        yield "".join(rng.choice(" =\n\t|,abcdefxyzABC0123456789_-.:") for _ in range(n)).encode()
    for _ in range(12):
        yield " ".join(rng.choice(WORDS) + str(rng.randint(-5, 99999)) for _ in range(rng.randint(1, 12))).encode()
    yield b"\xff\xfe" + b"measure func=FILE_CHECK\n"
    yield b"measure func=FILE_CHECK\x00 fowner=1\n"
    yield b"a" * 4095
    yield b"a" * 4096
    yield rng.randbytes(1 << 20)
    yield b"A" * (1 << 20)
    yield b"\n" * (1 << 20)
    yield (b"1 allow\n" * 200000)[: 1 << 20]


def attack(path, rng):
    attempts, accepted, errnos = 0, [], set()
    for data in payloads(rng):
        attempts += 1
        try:
            fd = os.open(path, os.O_WRONLY)
        except OSError as e:
            errnos.add(errno.errorcode[e.errno])
            continue
        try:
            n = os.write(fd, data)
            if n > len(data) or n < 0:
                errnos.add(f"bad-count-{n}")
            accepted.append((n, hashlib.sha256(data[:n]).hexdigest()))
        except OSError as e:
            errnos.add(errno.errorcode[e.errno])
        try:
            os.close(fd)
        except OSError as e:
            errnos.add(errno.errorcode[e.errno])
    # Read-write opens are not a way around the write checks.
    try:
        os.close(os.open(path, os.O_RDWR))
        errnos.add("rdwr-opened")
    except OSError as e:
        errnos.add(errno.errorcode[e.errno])
    print(f"{path} attempts={attempts} accepted={len(accepted)} errnos={','.join(sorted(errnos))}")
    for n, h in accepted:
        print(f"accepted {path} {n} {h}")


def main():
    args = sys.argv[1:]
    unshare = args[:1] == ["--unshare"]
    if unshare:
        args = args[1:]
        with open(f"{IMA}/ns_unshare", "w") as f:
            f.write("1")
    rng = random.Random(int(args[0]))
    for path in args[1:]:
        attack(path, rng)
    if unshare:
        for name in ("hash", "template", "model", "policy", "ns_id"):
            try:
                with open(f"{IMA}/for_children/{name}") as f:
                    value = f.read().strip().replace("\n", ";")
            except OSError as e:
                value = errno.errorcode[e.errno]
            print(f"for_children/{name} = {value}")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
