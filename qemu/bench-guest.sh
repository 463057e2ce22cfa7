#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Runs inside the guest for `make bench`:
#  1. open and exec of already-measured files, without and with ima_ns.ko
#     (same workload, same boot, a policy matching every file), in
#     interleaved rounds (without, with, without, with, ...) because under
#     TCG the guest's speed drifts over a boot; reports each round's ratio
#     and the median;
#  2. first measurement of a large file (an open triggers the in-kernel
#     hash) vs. sha256sum reading and hashing the same cached bytes;
#  3. open of an already-measured file by a task in the host namespace and
#     in a namespace 1, 8 and 32 levels deep, every level's policy matching
#     (so every level evaluates the event and finds it measured), as ratios
#     to the same loop without the module, in interleaved rounds;
#  4. open of a file by a task in a namespace with an external model:
#     internal (no agent), observe (an agent reading the records) and
#     enforce (every open waits for the agent's verdict, `ima-ns model
#     learn` answering), as ratios to the loop without the module and as
#     the cost per event over internal mode.
. tests/lib.sh
. qemu/bench_lib.sh
NS_TOOL=$IMA_NS_TOP/target/release/ima-ns
NESTED=
if [ "${1:-}" = --nested ]; then # --nested LEVEL DEPTH OUT OPENS POLICY
	NESTED=1 level=$2 depth=$3 out=$4 policy=$6
	set -- "$5"
fi
OPENS=${1:-5000}
EXECS=${2:-100}
ROUNDS=${3:-3}
BIG_MB=${4:-64}
SECTIONS=${5:-"1 2 3 4"} # which of the four parts to run
section() { [[ " $SECTIONS " == *" $1 "* ]]; }
POLICY="measure func=BPRM_CHECK mask=MAY_EXEC fsmagic=0xef53
measure func=FILE_CHECK mask=^MAY_READ fsmagic=0xef53"

# In-shell (bash 5): no exec of date(1) from the 9p root inside a timing.
now_ns() { echo "${EPOCHREALTIME/./}000"; }
# Opens in-shell (no fork): `read < file` is open + read + close.
open_loop() {
	local i
	for ((i = 0; i < OPENS; i++)); do read -r _ <"$SCRATCH"/small; done
}
exec_loop() {
	local i
	for ((i = 0; i < EXECS; i++)); do "$SCRATCH"/true; done
}
timed() { local t0; t0=$(now_ns); "$@" >/dev/null; echo $((($(now_ns) - t0) / 1000)); }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a / b }'; }
median() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

if [ "${1:-}" = --model-loop ]; then # --model-loop OUT OPENS: part 4's workload
	out=$2 OPENS=$3
	while [ ! -e /tmp/agent.ready ]; do sleep 0.05; done
	open_loop
	timed open_loop >"$out"
	exit 0
fi

if [ -n "$NESTED" ]; then
	if [ "$level" -lt "$depth" ]; then
		printf '%s\n' "$policy" |
			exec "$NS_TOOL" run --policy - -- bash "$0" --nested $((level + 1)) "$depth" "$out" "$OPENS" "$policy"
	fi
	open_loop # first measurements, in every level
	timed open_loop >"$out"
	exit 0
fi

echo "small file" >"$SCRATCH"/small
cp /bin/true "$SCRATCH"/true
open_loop
exec_loop # warm up caches and TCG's translations

open_ratios=() exec_ratios=()
section 1 || ROUNDS1=0
for ((r = 1; r <= ${ROUNDS1:-$ROUNDS}; r++)); do
	b_open=$(timed open_loop)
	b_exec=$(timed exec_loop)
	ima_load || exit 1
	ima_policy_write "$POLICY" || exit 1
	open_loop
	exec_loop # the first measurements happen here, outside the timing
	m_open=$(timed open_loop)
	m_exec=$(timed exec_loop)
	ima_unload || exit 1
	open_ratios+=("$(ratio "$m_open" "$b_open")")
	exec_ratios+=("$(ratio "$m_exec" "$b_exec")")
	echo "# round $r: open $b_open -> $m_open us (${open_ratios[-1]}), exec $b_exec -> $m_exec us (${exec_ratios[-1]})"
done

if section 2; then
dd if=/dev/urandom of="$SCRATCH"/big bs=1M count="$BIG_MB" status=none
cat "$SCRATCH"/big >/dev/null # page cache, for both sides
ima_load || exit 1
ima_policy_write "$POLICY" || exit 1
first=$(timed sh -c "exec 3<$SCRATCH/big")
again=$(timed sh -c "exec 3<$SCRATCH/big")
user=$(timed sh -c "sha256sum $SCRATCH/big")
measured=$(ima_count "$SCRATCH"/big "$(sha256_of "$SCRATCH"/big)")
ima_unload || { echo "unload failed"; exit 1; }
fi

# 3. hook cost by namespace depth.
DEPTHS="0 1 8 32"
declare -A depth_ratios
section 3 || ROUNDS3=0
for ((r = 1; r <= ${ROUNDS3:-$ROUNDS}; r++)); do
	base=$(timed open_loop)
	ima_load || exit 1
	ima_policy_write "$POLICY" || exit 1
	line="# depth round $r: no module $base us"
	for d in $DEPTHS; do
		bash "$0" --nested 0 "$d" /tmp/depth.out "$OPENS" "$POLICY" || exit 1
		t=$(cat /tmp/depth.out)
		depth_ratios[$d]+="$(ratio "$t" "$base") "
		line+=", depth $d $t us"
	done
	echo "$line"
	ima_unload || exit 1
done

# 4. external model: the workload in a namespace per mode, its agent
# started once the namespace exists (enforce waits for it).
declare -A model_ratios
MODES="internal observe enforce"
section 4 || ROUNDS4=0
for ((r = 1; r <= ${ROUNDS4:-$ROUNDS}; r++)); do
	base=$(timed open_loop)
	ima_load || exit 1
	ima_policy_write "$POLICY" || exit 1
	t_internal=$(model_run internal none "$OPENS") || exit 1
	t_observe=$(model_run "external observe queue=65536" reader "$OPENS") || exit 1
	t_enforce=$(model_run "external enforce timeout_ms=10000" learn "$OPENS") || exit 1
	ima_unload || exit 1
	line="# model round $r: no module $base us"
	for m in $MODES; do
		t=t_$m
		model_ratios[$m]+="$(ratio "${!t}" "$base") "
		line+=", $m ${!t} us"
	done
	model_us[r]="$(( (t_observe - t_internal) / OPENS )) $(( (t_enforce - t_internal) / OPENS ))"
	echo "$line"
done

echo "# ima-ns benchmark: $(nproc) vCPU, TCG -icount (guest time counts instructions), KASAN and lockdep on; times in guest us"
section 1 && echo "open+read of a measured file ($OPENS per round): with/without ratios ${open_ratios[*]}, median $(median "${open_ratios[@]}")"
section 1 && echo "exec of a measured binary ($EXECS per round): with/without ratios ${exec_ratios[*]}, median $(median "${exec_ratios[@]}")"
# Both opens pay the same sh start-up; their difference is the measurement.
section 2 && hash_cost=$((first - again)) && echo "first open of a $BIG_MB MiB file: $first us; once measured: $again us; measurement cost (difference): $hash_cost us (entry found: $measured)"
section 2 && echo "measurement cost / sha256sum of the same cached bytes ($user us, its start-up included): $(ratio "$hash_cost" "$user")"
# The ratios are space-separated strings: bash has no arrays of arrays.
section 3 && for d in $DEPTHS; do
	read -r -a r <<<"${depth_ratios[$d]}"
	echo "open of a measured file by a task $d namespace levels below the host (every level's policy matching), with/without ratios ${depth_ratios[$d]}, median $(median "${r[@]}")"
done
section 4 && for m in $MODES; do
	read -r -a r <<<"${model_ratios[$m]}"
	echo "open of a file in a namespace with model $m ($OPENS per round), with/without module ratios ${model_ratios[$m]}, median $(median "${r[@]}")"
done
section 4 && echo "cost per event over internal mode, guest us (observe enforce) per round: ${model_us[*]}"
exit 0
