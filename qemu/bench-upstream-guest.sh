#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Runs inside the guest for qemu/bench-upstream.sh, once per configuration:
#   none      the test kernel, no IMA at all
#   upstream  the comparison kernel, booted with ima_policy=tcb
#   ima-ns    the test kernel with ima_ns.ko loaded with ima_policy=tcb
# Prints "result WORKLOAD MICROSECONDS" per round and "memory BYTES" (per
# 1000 entries); guest time under -icount counts instructions.
. "$(dirname "$0")/../tests/lib.sh"
CONFIG=$1 ROUNDS=${2:-3} FILES=${3:-1000} EXECS=${4:-200} RULES=${5:-1000}

now_ns() { date +%s%N; }
timed() { local t0; t0=$(now_ns); "$@" >/dev/null; echo $((($(now_ns) - t0) / 1000)); }
mem() { awk '/^(Slab|VmallocUsed):/ { s += $2 } END { print s }' /proc/meminfo; }
count() { cat "$IMA"/runtime_measurements_count 2>/dev/null || echo 0; }

case $CONFIG in
none) ;;
upstream) grep -q . "$IMA"/policy 2>/dev/null || { echo "upstream IMA has no policy"; exit 1; } ;;
ima-ns) ima_load ima_policy=tcb || exit 1 ;;
*) echo "unknown configuration $CONFIG"; exit 2 ;;
esac

mkdir -p "$SCRATCH"/files "$SCRATCH"/bin
for ((i = 0; i < FILES; i++)); do echo "file $i" >"$SCRATCH"/files/$i; done
cp /bin/true "$SCRATCH"/bin/true
# Opens in-shell (no fork): `read < file` is open + read + close.
open_loop() {
	local i
	for ((i = 0; i < FILES; i++)); do read -r _ <"$SCRATCH"/files/$i; done
}
exec_loop() {
	local i
	for ((i = 0; i < EXECS; i++)); do "$SCRATCH"/bin/true; done
}

# First pass: every file measured once (tcb: FILE_CHECK for uid 0). The
# files' dentries and inodes are cached first (stat opens nothing), so the
# memory delta is the measurement's: entries and per-inode state.
sync; echo 3 >/proc/sys/vm/drop_caches
stat "$SCRATCH"/files/* "$SCRATCH"/bin/true >/dev/null
c0=$(count) m0=$(mem)
open_loop
exec_loop
c1=$(count) m1=$(mem)
[ "$CONFIG" != none ] && echo "memory $(((m1 - m0) * 1024 * 1000 / (c1 - c0 > 0 ? c1 - c0 : 1))) entries $((c1 - c0))"

for ((r = 1; r <= ROUNDS; r++)); do
	echo "result open $(timed open_loop)"
	echo "result exec $(timed exec_loop)"
done

# First measurement of new files: write, drop caches, then one open.
for size in 4K 1M 64M; do
	dd if=/dev/urandom of="$SCRATCH"/first-$size bs=$size count=1 status=none
	sync; echo 3 >/proc/sys/vm/drop_caches
	echo "result first-$size $(timed sh -c "exec 3<$SCRATCH/first-$size")"
done

# 1000 rules that match nothing in front of the tcb ones, in the way of
# every event (one write: the first custom policy replaces the built-in).
if [ "$CONFIG" != none ]; then
	{
		for ((i = 0; i < RULES; i++)); do echo "measure func=FILE_CHECK fowner=$((60000 + i))"; done
		cat "$IMA"/policy
	} >/tmp/rules
	cat /tmp/rules >"$IMA"/policy || { echo "policy write failed"; exit 1; }
	echo "# policy now $(grep -c . "$IMA"/policy) rules"
fi
for ((r = 1; r <= ROUNDS; r++)); do
	echo "result open-rules $(timed open_loop)"
done
