#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Side by side with upstream IMA (issue 8): the same workloads in one boot
# per configuration, (a) no IMA, (b) upstream IMA with ima_policy=tcb on
# the comparison kernel (built on first use, ~30 min), (c) ima_ns.ko with
# its built-in tcb policy; -icount, so guest time counts instructions.
# Prints, and writes to build/bench-upstream.txt, the median of each
# workload, its ratios to (a), and (c)/(b); and kernel memory per 1000
# entries for (b) and (c).
set -euo pipefail
. "$(dirname "$0")/env.sh"
bash "$IMA_NS_TOP/qemu/setup.sh"
IMA_NS_KERNEL=upstream bash "$IMA_NS_TOP/qemu/build-kernel.sh" >/dev/null
out=$IMA_NS_TOP/build/bench-upstream.txt
mkdir -p "$(dirname "$out")"
tmp=$(mktemp -d)
icount=(-t 3000 -q "-icount shift=3,sleep=off -smp 1")
bash "$IMA_NS_TOP/qemu/run.sh" "${icount[@]}" -- bash qemu/bench-upstream-guest.sh none "$@" >"$tmp/none"
IMA_NS_KERNEL=upstream bash "$IMA_NS_TOP/qemu/run.sh" "${icount[@]}" -a "ima_policy=tcb" \
	-- bash qemu/bench-upstream-guest.sh upstream "$@" >"$tmp/upstream"
bash "$IMA_NS_TOP/qemu/run.sh" "${icount[@]}" -- bash qemu/bench-upstream-guest.sh ima-ns "$@" >"$tmp/ima-ns"

python3 - "$tmp" >"$out" <<'PY'
import statistics, sys
d = sys.argv[1]
res, mem = {}, {}
for cfg in ("none", "upstream", "ima-ns"):
    res[cfg] = {}
    for line in open(f"{d}/{cfg}"):
        w = line.split()
        if w[:1] == ["result"]:
            res[cfg].setdefault(w[1], []).append(int(w[2]))
        elif w[:1] == ["memory"]:
            mem[cfg] = (int(w[1]), int(w[3]))
print("ima-ns vs upstream IMA: median guest time (us, -icount) per workload")
print(f"{'workload':<12} {'(a) none':>10} {'(b) upstream':>13} {'(c) ima-ns':>11} {'b/a':>6} {'c/a':>6} {'c/b':>6}")
for w in res["none"]:
    a, b, c = (statistics.median(res[cfg][w]) for cfg in ("none", "upstream", "ima-ns"))
    print(f"{w:<12} {a:>10.0f} {b:>13.0f} {c:>11.0f} {b/a:>6.3f} {c/a:>6.3f} {c/b:>6.3f}")
for cfg in ("upstream", "ima-ns"):
    if cfg in mem:
        print(f"kernel memory per 1000 entries, {cfg}: {mem[cfg][0]} bytes ({mem[cfg][1]} entries measured)")
PY
cat "$out"
