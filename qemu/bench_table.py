# SPDX-License-Identifier: GPL-2.0
"""Tables of qemu/bench-distro-guest.sh's output: per row the median guest
us of each configuration, the spread of its rounds ((max - min) / median),
and the ratios; the module's own rows; memory; the profiles."""
import statistics
import sys

ROWS = [
    ("open", "cached opens"),
    ("exec", "execs, cached"),
    ("mmap", "executable mmaps of 50 libraries, cached"),
    ("first-4K", "first measurement, 4 KiB"),
    ("first-1M", "first measurement, 1 MiB"),
    ("first-16M", "first measurement, 16 MiB"),
    ("first-64M", "first measurement, 64 MiB"),
    ("rules-1000", "opens behind 1 000 non-matching rules"),
    ("rules-100000", "opens behind 100 000 non-matching rules"),
]
CFGS = ("none", "upstream", "ima-ns")

res, mem, slab, perf = {}, {}, [], []
for line in open(sys.argv[1], errors="replace"):
    w = line.split()
    if w[:1] == ["result"] and len(w) == 4 and w[3].isdigit():
        res.setdefault((w[1], w[2]), []).append(int(w[3]))
    elif w[:1] == ["memory"]:
        kv = dict(zip(w[2::2], (int(x) for x in w[3::2])))
        if "bytes_per_entry" in kv:  # its "entries" are one file's versions
            kv["versions"] = kv.pop("entries")
        mem.setdefault(w[1], {}).update(kv)
    elif w[:1] == ["slab"]:
        slab.append(line.strip())
    elif w[:1] in (["perf"], ["perf-children"]):
        perf.append(line.rstrip())
    elif line.startswith("# ") or line.startswith("Bail out"):
        print(line.rstrip())


def med(cfg, row):
    v = res.get((cfg, row))
    return statistics.median(v) if v else None


def spread(cfg, row):
    v = res.get((cfg, row))
    if not v:
        return "-"
    return f"{100 * (max(v) - min(v)) / statistics.median(v):.1f}%"


def fmt(x):
    return "-" if x is None else f"{x:,.0f}".replace(",", " ")


def ratio(x, y):
    return "-" if x is None or y is None else f"{x / y:.3f}"


print("\n| workload | (a) none | (b) upstream | (c) ima-ns | b/a | c/a | c/b | spread a, b, c |")
print("| --- | --- | --- | --- | --- | --- | --- | --- |")
for row, name in ROWS:
    if not any((cfg, row) in res for cfg in CFGS):
        continue
    a, b, c = (med(cfg, row) for cfg in CFGS)
    cb = ratio(c, b)
    if cb != "-" and float(cb) <= 1.0:
        cb = f"**{cb}**"
    sp = ", ".join(spread(cfg, row) for cfg in CFGS)
    print(f"| {name} | {fmt(a)} | {fmt(b)} | {fmt(c)} | {ratio(b, a)} | {ratio(c, a)} | {cb} | {sp} |")

print("\n| ima-ns only | median us | spread | ratio |")
print("| --- | --- | --- | --- |")
d1, d32 = med("ima-ns", "depth-1"), med("ima-ns", "depth-32")
mi = med("ima-ns", "model-internal")
for row, name, r in [
    ("depth-1", "opens, namespace 1 deep", "-"),
    ("depth-32", "opens, namespace 32 deep", f"{ratio(d32, d1)} of depth 1"),
    ("model-internal", "opens in a namespace, internal model", "-"),
    ("model-observe", "the same, external observe (a reader)", f"{ratio(med('ima-ns', 'model-observe'), mi)} of internal"),
    ("model-enforce", "the same, external enforce (an agent)", f"{ratio(med('ima-ns', 'model-enforce'), mi)} of internal"),
]:
    print(f"| {name} | {fmt(med('ima-ns', row))} | {spread('ima-ns', row)} | {r} |")

print("\n| kernel memory (Slab + VmallocUsed) | upstream | ima-ns | ratio |")
print("| --- | --- | --- | --- |")
up, ns = mem.get("upstream", {}), mem.get("ima-ns", {})


def per_inode(m):
    if "bytes_per_file" not in m or "bytes_per_entry" not in m:
        return None
    return m["bytes_per_file"] - m["bytes_per_entry"] * m["entries"] / m["files"]


for name, u, n in [
    ("per measured file (inode state + its entry)", up.get("bytes_per_file"), ns.get("bytes_per_file")),
    ("per entry (one inode, N versions)", up.get("bytes_per_entry"), ns.get("bytes_per_entry")),
    ("per inode (the difference)", per_inode(up), per_inode(ns)),
]:
    print(f"| {name} | {fmt(u)} | {fmt(n)} | {ratio(n, u)} |")
print()
for line in slab:
    print(line)
for line in perf:
    print(line)
for (cfg, row), v in sorted(res.items()):
    print(f"rounds {cfg} {row} {' '.join(map(str, v))}")
