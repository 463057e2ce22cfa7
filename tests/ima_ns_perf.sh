#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# flavors: distro
# icount: yes
# seconds: 90
# Regression gate for what a cached event costs (Documentation/numbers.md,
# `make bench-open`): run by run-all.sh under QEMU -icount, where guest
# time counts instructions (8 ns each), so the module's cost per cached
# open is exact and host load cannot move it. Checks that a loop of
# cached opens (qemu/openloop.c) costs the module at most PER_OPEN_MAX
# instructions per open and close over no policy (2 528-2 575 on 2026-12-02;
# a release-time lookup per close, as before i_readcount, added ~1 300),
# that the loop measured every file (a loop the module ignores is not a
# measurement of it), and that a measured file costs at most
# PER_FILE_MAX bytes of slab (542 on 2026-12-02, its entry included).
. "$(dirname "$0")/lib.sh"
tap_plan 3
PER_OPEN_MAX=2800 PER_FILE_MAX=700 FILES=2000 OPENS=20000
LOOP=$IMA_NS_TOP/qemu/openloop

[ "${IMA_NS_ICOUNT:-}" = 1 ] || {
	for c in "cached open cost" "every file measured" "slab per measured file"; do
		tap_skip "$c" "needs QEMU -icount (run-all.sh's '# icount: yes')"
	done
	tap_finish
}
[ -x "$LOOP" ] || bail "$LOOP missing (make modules builds it)"
mkdir -p "$SCRATCH"/perf
for ((i = 0; i < FILES; i++)); do echo "file $i" >"$SCRATCH"/perf/$i; done
sync # no writeback during the rounds (an I/O wait jumps the -icount clock)
# The fastest of three rounds: under -icount a round only gets slower
# (an interrupt, a page-cache or dcache miss), never faster.
# rounds: sets $best.
rounds() {
	local all=()
	for _ in 1 2 3; do all+=("$("$LOOP" "$SCRATCH"/perf "$OPENS" "$FILES")"); done
	diag "rounds (us): ${all[*]}"
	best=$(printf '%s\n' "${all[@]}" | sort -n | head -1)
}
slab() { awk '/^Slab:/ { print $2 * 1024 }' /proc/meminfo; }

"$LOOP" "$SCRATCH"/perf "$FILES" "$FILES" >/dev/null || bail "openloop failed"
rounds
none=$best
ima_load host=own ima_policy=tcb || bail "module load failed"
# The loop's binary, cat and awk measured before the count is taken.
mkdir -p "$SCRATCH"/warm && echo warm >"$SCRATCH"/warm/0 && sync
"$LOOP" "$SCRATCH"/warm 1 1 >/dev/null && slab >/dev/null && cat "$IMA"/runtime_measurements_count >/dev/null
n0=$(cat "$IMA"/runtime_measurements_count) s0=$(slab)
"$LOOP" "$SCRATCH"/perf "$FILES" "$FILES" >/dev/null || bail "openloop failed"
n1=$(cat "$IMA"/runtime_measurements_count) s1=$(slab)
rounds
module=$best
per_open=$(((module - none) * 125 / OPENS))
per_file=$(((s1 - s0) / FILES))
diag "$OPENS opens: no policy $none us, module $module us: +$per_open instructions per open"
diag "$FILES files measured: $((n1 - n0)) entries, slab +$((s1 - s0)) bytes"
tap_check "cached open costs the module $per_open <= $PER_OPEN_MAX instructions" \
	test "$per_open" -le "$PER_OPEN_MAX"
tap_check "every file measured once ($((n1 - n0)) entries for $FILES files)" \
	test $((n1 - n0)) -eq "$FILES"
tap_check "slab per measured file $per_file <= $PER_FILE_MAX bytes" \
	test "$per_file" -le "$PER_FILE_MAX"
ima_unload || diag "module unload failed"
rm -rf "$SCRATCH"/perf "$SCRATCH"/warm
tap_finish
