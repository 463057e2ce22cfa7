#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Reads and tampers with ima-ns evidence files (Documentation/attestation.md),
for ima_ns_attest.sh. Written from the documented format only.

  evidence_tool.py show EV                    header, section sizes, host entry
                                              names that carry data
  evidence_tool.py set-namespace EV ID OUT    claim the evidence is namespace ID's
  evidence_tool.py drop-ns-entry EV I OUT     remove namespace entry I
  evidence_tool.py flip-ns-entry EV I OUT     change a byte of entry I's file digest
  evidence_tool.py cut-host-before-anchor EV OUT
                                              drop host entries from the newest
                                              anchor of the evidence's namespace on
  evidence_tool.py replace-ns-list EV LIST OUT
                                              put another namespace list in
"""
import struct
import sys

SIZES = {"sha1": 20, "sha256": 32, "sha384": 48, "sha512": 64}
SECTIONS = ["quote", "signature", "host-entries", "namespace-list"]


def parse(data):
    header = []
    off = 0
    while not data[off:].startswith(b"quote "):
        end = data.index(b"\n", off)
        header.append(data[off:end].decode())
        off = end + 1
    sections = {}
    for name in SECTIONS:
        end = data.index(b"\n", off)
        key, n = data[off:end].decode().split(" ")
        assert key == name, (key, name)
        n = int(n)
        sections[name] = data[end + 1:end + 1 + n]
        assert data[end + 1 + n:end + 2 + n] == b"\n"
        off = end + 2 + n
    assert off == len(data)
    return header, sections


def encode(header, sections):
    out = b"".join(h.encode() + b"\n" for h in header)
    for name in SECTIONS:
        out += b"%s %d\n" % (name.encode(), len(sections[name])) + sections[name] + b"\n"
    return out


def field(header, key):
    for h in header:
        k, _, v = h.partition(" ")
        if k == key:
            return v
    return None


def ns_entries(data):
    """(start, end, template, data) of each entry of a SHA-1 binary list."""
    off, out = 0, []
    while off < len(data):
        start = off
        nlen, = struct.unpack_from("<I", data, off + 24)
        name = data[off + 28:off + 28 + nlen].decode()
        off += 28 + nlen
        if name == "ima":
            flen, = struct.unpack_from("<I", data, off + 20)
            body = data[off:off + 24 + flen]
            off += 24 + flen
        else:
            dlen, = struct.unpack_from("<I", data, off)
            body = data[off + 4:off + 4 + dlen]
            off += 4 + dlen
        out.append((start, off, name, body))
    return out


def host_entries(data, banks):
    """(start, end, template or None, data) of each evidence host entry."""
    off, out = 0, []
    size = sum(SIZES[b] for b in banks)
    while off < len(data):
        start = off
        present = data[off + 4]
        off += 5 + size
        name = body = None
        if present:
            nlen, = struct.unpack_from("<I", data, off)
            name = data[off + 4:off + 4 + nlen].decode()
            off += 4 + nlen
            if name == "ima":
                flen, = struct.unpack_from("<I", data, off + 20)
                body = data[off:off + 24 + flen]
                off += 24 + flen
            else:
                dlen, = struct.unpack_from("<I", data, off)
                body = data[off + 4:off + 4 + dlen]
                off += 4 + dlen
        out.append((start, off, name, body))
    return out


def fields(body):
    """The length-prefixed fields of non-legacy template data."""
    off, out = 0, []
    while off < len(body):
        n, = struct.unpack_from("<I", body, off)
        out.append(body[off + 4:off + 4 + n])
        off += 4 + n
    return out


def entry_name(template, body):
    if template is None:
        return None
    if template == "ima":
        return body[24:].decode(errors="replace")
    return fields(body)[1].rstrip(b"\0").decode(errors="replace")


def main():
    cmd, ev = sys.argv[1], sys.argv[2]
    header, sec = parse(open(ev, "rb").read())
    banks = field(header, "banks").split()
    if cmd == "show":
        for h in header:
            print(h)
        for name in SECTIONS:
            print(f"{name} {len(sec[name])}")
        for _, _, t, body in host_entries(sec["host-entries"], banks):
            if t is not None:
                print("host-entry", entry_name(t, body))
        return 0
    out = sys.argv[-1]
    if cmd == "set-namespace":
        header = [f"namespace {sys.argv[3]}" if h.startswith("namespace ") else h for h in header]
    elif cmd in ("drop-ns-entry", "flip-ns-entry"):
        i = int(sys.argv[3])
        lst = sec["namespace-list"]
        start, end, t, body = ns_entries(lst)[i]
        if cmd == "drop-ns-entry":
            sec["namespace-list"] = lst[:start] + lst[end:]
        else:
            # The last byte of the file digest field (d-ng: after "algo:\0").
            at = end - len(body) + 4 + len(fields(body)[0]) - 1
            b = bytearray(lst)
            b[at] ^= 1
            sec["namespace-list"] = bytes(b)
    elif cmd == "cut-host-before-anchor":
        ns = field(header, "namespace")
        cut = None
        for start, _, t, body in host_entries(sec["host-entries"], banks):
            name = entry_name(t, body) or ""
            if name in (f"ima-ns:checkpoint:{ns}", f"ima-ns:end:{ns}"):
                cut = start
        assert cut is not None, "no anchor"
        sec["host-entries"] = sec["host-entries"][:cut]
    elif cmd == "replace-ns-list":
        sec["namespace-list"] = open(sys.argv[3], "rb").read()
    else:
        print(f"unknown command {cmd}", file=sys.stderr)
        return 2
    open(out, "wb").write(encode(header, sec))
    return 0


if __name__ == "__main__":
    sys.exit(main())
