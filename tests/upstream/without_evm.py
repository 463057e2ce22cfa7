#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Rewrites ascii list entries as a kernel built without EVM lists them.

tests/upstream/entries-6.12.txt was captured on a comparison kernel
without CONFIG_EVM, where evm_read_protected_xattrs() fails and the
xattrnames, xattrlengths and xattrvalues fields are empty. The module has
EVM and fills them (as upstream with CONFIG_EVM=y does). For each line of
LINES (lines of ASCII, the module's ascii list, whose entries are those
of BINARY, its binary list), the fields are emptied and, unless the
entry is a violation, the SHA-1 template digest is recomputed over the
template data with those fields empty; every other byte stays the
module's. Prints the lines in LINES' order.

  without_evm.py BINARY ASCII LINES
"""
import hashlib
import os
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from replay import entries  # noqa: E402

XATTR_FIELDS = {"xattrnames", "xattrlengths", "xattrvalues"}
BUILTIN = {
    "evm-sig": "d-ng|n-ng|evmsig|xattrnames|xattrlengths|xattrvalues|iuid|igid|imode",
}


def fields_of(template):
    fmt = BUILTIN.get(template, template if "|" in template else "")
    return fmt.split("|") if fmt else []


def without_evm(digest, tdata, line):
    parts = line.split(" ")
    fields = fields_of(parts[2])
    if not XATTR_FIELDS & set(fields):
        return line
    off, data = 0, b""
    for i, f in enumerate(fields):
        n, = struct.unpack_from("<I", tdata, off)
        value = tdata[off + 4:off + 4 + n]
        off += 4 + n
        if f in XATTR_FIELDS:
            data += struct.pack("<I", 0)
            parts[3 + i] = ""
        else:
            data += struct.pack("<I", n) + value
    if digest != bytes(20):
        parts[1] = hashlib.sha1(data).hexdigest()
    return " ".join(parts)


def main():
    binary = list(entries(open(sys.argv[1], "rb").read()))
    lines = open(sys.argv[2]).read().splitlines()
    if len(binary) != len(lines):
        sys.exit("binary and ascii lists differ in length")
    rewritten = {}
    for (_, digest, tdata), line in zip(binary, lines):
        rewritten[line] = without_evm(digest, tdata, line)
    for line in open(sys.argv[3]).read().splitlines():
        print(rewritten.get(line, line))


if __name__ == "__main__":
    main()
