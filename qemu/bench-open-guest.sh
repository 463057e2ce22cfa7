#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Runs inside the guest for `make bench-open` (qemu/bench-open.sh): the
# cost one cached open + read + close pays to each engine, without a
# shell's work around it (qemu/openloop.c), in one boot of the
# distribution-like kernel: (a) no policy, (c) ima_ns.ko host=own
# ima_policy=tcb, then (b) built-in IMA with the same tcb rules (last: its
# policy cannot be removed). Prints "result CONFIG open US" per round.
. "$(dirname "$0")/../tests/lib.sh"
ROUNDS=${BENCH_ROUNDS:-3} OPENS=${BENCH_OPENS:-20000} FILES=1000
LOOP=$IMA_NS_TOP/qemu/openloop

builtin_ima || bail "this bench needs a kernel with built-in IMA (IMA_NS_KERNEL=distro)"
mkdir -p "$SCRATCH"/files
for ((i = 0; i < FILES; i++)); do echo "file $i" >"$SCRATCH"/files/$i; done
rounds() { # CONFIG: a warm pass (first measurements), then ROUNDS timed
	local r
	"$LOOP" "$SCRATCH"/files "$FILES" "$FILES" >/dev/null || bail "openloop failed"
	for ((r = 1; r <= ROUNDS; r++)); do
		echo "result $1 open $("$LOOP" "$SCRATCH"/files "$OPENS" "$FILES")"
	done
}
echo "# $(uname -r); $OPENS opens of $FILES files, $ROUNDS rounds"
rounds none
ima_load host=own ima_policy=tcb || bail "module load failed"
cat "$IMA"/policy >/tmp/tcb.policy
rounds ima-ns
ima_unload || bail "module unload failed"
# The module's tcb text, one rule per write (built-in IMA's way).
while read -r rule; do echo "$rule"; done </tmp/tcb.policy >"$BUILTIN_IMA"/policy ||
	bail "built-in IMA refused the tcb rules"
rounds upstream
echo "# done"
