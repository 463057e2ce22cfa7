#!/bin/bash
# Runs inside the guest for `make bench`:
#  1. open and exec of already-measured files, without and with ima_ns.ko
#     (same workload, same boot, policy matching every file) -> ratio;
#  2. first measurement of a large file (open triggers the in-kernel hash)
#     vs. sha256sum reading and hashing the same cached bytes -> ratio.
. tests/lib.sh
OPENS=${1:-20000}
EXECS=${2:-300}
BIG_MB=${3:-64}

now_ns() { date +%s%N; }
# Opens in-shell (no fork): `read < file` is open + read + close.
open_loop() {
	local i x
	for ((i = 0; i < OPENS; i++)); do read -r x <$SCRATCH/small; done
}
exec_loop() {
	local i
	for ((i = 0; i < EXECS; i++)); do $SCRATCH/true; done
}
timed() { local t0; t0=$(now_ns); "$@"; echo $((($(now_ns) - t0) / 1000)); }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a / b }'; }

echo "small file" >$SCRATCH/small
cp /bin/true $SCRATCH/true
dd if=/dev/urandom of=$SCRATCH/big bs=1M count=$BIG_MB status=none
cat $SCRATCH/big >/dev/null # page cache, for both sides

open_loop; exec_loop # warm up
base_open=$(timed open_loop)
base_exec=$(timed exec_loop)

ima_load || exit 1
ima_policy_write "measure func=BPRM_CHECK mask=MAY_EXEC fsmagic=0xef53
measure func=FILE_CHECK mask=^MAY_READ fsmagic=0xef53" || exit 1
open_loop; exec_loop # first measurements happen here
ima_open=$(timed open_loop)
ima_exec=$(timed exec_loop)

first=$(timed sh -c "exec 3<$SCRATCH/big")
user=$(timed sh -c "sha256sum $SCRATCH/big >/dev/null")
measured=$(ima_count $SCRATCH/big "$(sha256_of $SCRATCH/big)")
ima_unload

echo "# ima-ns benchmark ($(nproc) vCPU, TCG; times in microseconds)"
printf "open+read of a measured file: %d opens, %d us without, %d us with ima_ns.ko: ratio %s\n" \
	"$OPENS" "$base_open" "$ima_open" "$(ratio "$ima_open" "$base_open")"
printf "exec of a measured binary:    %d execs, %d us without, %d us with ima_ns.ko: ratio %s\n" \
	"$EXECS" "$base_exec" "$ima_exec" "$(ratio "$ima_exec" "$base_exec")"
printf "first measurement of %d MiB: open %d us (kernel crypto sha256) vs sha256sum %d us: ratio %s (measured: %s)\n" \
	"$BIG_MB" "$first" "$user" "$(ratio "$first" "$user")" "$measured"
