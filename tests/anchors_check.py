#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Checks a namespace's anchors in its parent's ascii list against the
namespace's binary list, from the documented formats only
(Documentation/namespaces.md: anchors are ima-buf entries whose buffer is
the blob; replay.py for the list).

  anchors_check.py PARENT.ascii ID NS.bin [KIND...]

For each anchor of namespace ID (of the KINDs given, default checkpoint and
end): the entry's file digest is the hash of its buffer, the blob is
version 1 of its kind and names ID, and for checkpoint/end the first
`entries` entries of NS.bin replay to the blob's vPCR in every bank it
lists. Prints "KIND N" per anchor and "anchors K"; exits 1 on a mismatch.
"""
import hashlib
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import replay  # noqa: E402


def blob_fields(blob):
    lines = blob.split("\n")
    fields = {}
    for line in lines[1:]:
        if line == "policy":
            break
        if line:
            k, _, v = line.partition(" ")
            fields[k] = v
    return lines[0], fields


def main():
    ascii_list, ns_id, ns_bin = sys.argv[1], sys.argv[2], sys.argv[3]
    kinds = sys.argv[4:] or ["checkpoint", "end"]
    entries = list(replay.entries(open(ns_bin, "rb").read()))
    checked = 0
    for line in open(ascii_list):
        f = line.split()
        if len(f) < 6 or f[2] != "ima-buf":
            continue
        kind = next((k for k in kinds if f[4] == f"ima-ns:{k}:{ns_id}"), None)
        if kind is None:
            continue
        algo, digest = f[3].split(":", 1)
        buf = bytes.fromhex(f[5])
        if hashlib.new(algo, buf).hexdigest() != digest:
            print(f"{f[4]}: digest is not the {algo} of the buffer", file=sys.stderr)
            return 1
        first, fields = blob_fields(buf.decode())
        if first != f"ima-ns {kind}" or fields.get("version") != "1" or fields.get("id") != ns_id:
            print(f"{f[4]}: blob header {first!r} {fields}", file=sys.stderr)
            return 1
        if kind in ("checkpoint", "end"):
            n = int(fields["entries"])
            if n > len(entries):
                print(f"{f[4]}: covers {n} entries, the list has {len(entries)}", file=sys.stderr)
                return 1
            for algo in ("sha1", "sha256", "sha384", "sha512"):
                if algo not in fields:
                    continue
                size = hashlib.new(algo).digest_size
                pcr = bytes(size)
                for p, d, tdata in entries[:n]:
                    if p != 10:
                        continue
                    v = b"\xff" * size if d == bytes(20) else hashlib.new(algo, tdata).digest()
                    pcr = hashlib.new(algo, pcr + v).digest()
                if pcr.hex() != fields[algo]:
                    print(f"{f[4]} ({n} entries): {algo} replay {pcr.hex()}, blob {fields[algo]}", file=sys.stderr)
                    return 1
            print(kind, n)
        else:
            print(kind)
        checked += 1
    print("anchors", checked)
    return 0


if __name__ == "__main__":
    sys.exit(main())
