#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Independent replay of an IMA binary measurement list.

Written from upstream's documented format only (no ima-ns code): for each
entry, check that the SHA-1 template digest is the SHA-1 of the template
data, and extend PCR 10 of each requested bank with the template data's
digest in that bank (all-ones for a violation's all-zero digest). The
legacy 'ima' template has no data length, and its digest covers the file
digest and the name zero-padded to 256 bytes, without lengths. Prints
"<algo> <pcr10 hex>" per bank, and exits 1 on a malformed list.

  replay.py LIST ALGO...          the (SHA-1) list, replayed in each bank
  replay.py --bank ALGO LIST      a per-bank list (binary_runtime_measurements_ALGO):
                                  its digests must be ALGO digests of the data;
                                  prints "ALGO <pcr10 hex>" and each digest
  replay.py --entries LIST [ALGO...]
                                  the number of entries (digests checked),
                                  then the replay in each bank ALGO
  replay.py --pcr N ...           any of the above, replaying PCR N's entries
                                  instead of PCR 10's (ima_ns.ko's pcr=)
"""
import functools
import hashlib
import struct
import sys


def entries(data, size=20):
    """Yields (pcr, template digest, the bytes the template digest covers)."""
    off = 0
    while off < len(data):
        pcr, = struct.unpack_from("<I", data, off)
        digest = data[off + 4:off + 4 + size]
        nlen, = struct.unpack_from("<I", data, off + 4 + size)
        name = data[off + 8 + size:off + 8 + size + nlen].decode()
        off += 8 + size + nlen
        if name == "ima":
            fdigest = data[off:off + 20]
            flen, = struct.unpack_from("<I", data, off + 20)
            fname = data[off + 24:off + 24 + flen]
            if len(fname) != flen or flen > 255:
                raise ValueError("truncated 'ima' entry")
            off += 24 + flen
            yield pcr, digest, fdigest + fname.ljust(256, b"\0")
            continue
        dlen, = struct.unpack_from("<I", data, off)
        tdata = data[off + 4:off + 4 + dlen]
        if len(tdata) != dlen:
            raise ValueError("truncated entry")
        off += 4 + dlen
        yield pcr, digest, tdata


PCR = 10


def bank_main(algo, path):
    data = open(path, "rb").read()
    size = hashlib.new(algo).digest_size
    pcr10 = bytes(size)
    digests = []
    for pcr, digest, tdata in entries(data, size):
        violation = digest == bytes(size)
        if not violation and hashlib.new(algo, tdata).digest() != digest:
            print(f"{algo} template digest mismatch", file=sys.stderr)
            return 1
        digests.append(digest.hex())
        if pcr == PCR:
            d = b"\xff" * size if violation else digest
            pcr10 = hashlib.new(algo, pcr10 + d).digest()
    print(algo, pcr10.hex())
    for d in digests:
        print(d)
    return 0


def main():
    global PCR
    if sys.argv[1] == "--pcr":
        PCR = int(sys.argv[2])
        del sys.argv[1:3]
    if sys.argv[1] == "--bank":
        return bank_main(sys.argv[2], sys.argv[3])
    count = sys.argv[1] == "--entries"
    if count:
        del sys.argv[1]
    data = open(sys.argv[1], "rb").read()
    algos = sys.argv[2:]
    n = 0
    # One constructor and size per bank, looked up once (this runs in the
    # TCG guest, where each lookup costs).
    new = {a: getattr(hashlib, a, None) or functools.partial(hashlib.new, a) for a in algos}
    ones = {a: b"\xff" * new[a]().digest_size for a in algos}
    pcrs = {a: bytes(len(ones[a])) for a in algos}
    zero, sha1 = bytes(20), hashlib.sha1
    for pcr, digest, tdata in entries(data):
        violation = digest == zero
        if not violation and sha1(tdata).digest() != digest:
            print("template digest mismatch", file=sys.stderr)
            return 1
        n += 1
        if pcr != PCR:
            continue
        for a in algos:
            h = new[a]
            pcrs[a] = h(pcrs[a] + (ones[a] if violation else h(tdata).digest())).digest()
    if count:
        print(n)
    for a in algos:
        print(a, pcrs[a].hex())
    return 0


if __name__ == "__main__":
    sys.exit(main())
