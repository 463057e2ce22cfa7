#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Every test: host unit tests of the pure crates, a bounded fuzz run of the
# policy parser, then each QEMU test script on each kernel flavor it names
# (qemu/env.sh), in a boot of its own (fresh swtpm, so PCRs start at
# zero), two at a time. Prints one closing line "qemu: N passed, M failed"
# counting the TAP checks; a script whose guest crashed, timed out or
# logged a kernel splat counts as failed.
#
# A script runs on the 6.12 debug kernel (test) unless its header names
# flavors ("# flavors: test distro"); it may ask for a different machine
# ("# qemu-args: -n"), also on one flavor only ("# qemu-args-distro: -a
# ima_policy=tcb"; -a options add up), or ask for -icount ("# icount:
# yes": one vCPU, guest time counting instructions; IMA_NS_ICOUNT=1). IMA_NS_FLAVORS limits the flavors (default: test
# distro); IMA_NS_TESTS limits the scripts.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1

# stage NAME COMMAND...: runs one stage and prints its wall time.
stage() {
	local name=$1 start=$SECONDS rc
	shift
	"$@"
	rc=$?
	echo "# stage $name: $((SECONDS - start)) s (rc $rc)"
	return $rc
}
read -r -a flavors <<<"${IMA_NS_FLAVORS:-test distro}"
# The module is compiled by clippy-driver: the kernel's lints, -Dwarnings.
export IMA_NS_CLIPPY=${IMA_NS_CLIPPY:-1}
# One kernel build at a time: the flavors are set up in turn.
for f in "${flavors[@]}"; do
	IMA_NS_KERNEL=$f stage "setup-$f" bash qemu/setup.sh || exit 1
done
# Stack frames of the module built for the distribution-like kernel
# (16 KiB stacks, no KASAN to double them).
case " ${flavors[*]} " in
*" distro "*) stage frames bash tests/check_frames.sh build/distro/tree/ima_ns.ko || exit 1 ;;
esac
stage lint make -s lint || exit 1
# rustdoc of the module crate, broken intra-doc links as errors.
for f in "${flavors[@]}"; do
	stage "doc-$f" bash tools/module-doc.sh "$f" "build/$f/doc" || exit 1
done
stage host-tests cargo test --workspace || exit 1
# The parsers under libFuzzer for a bounded time, every target (40 s
# split between them; `make fuzz` runs them longer): any crash fails.
# Nothing else runs yet, so the build takes both cores.
fuzz() { CARGO_BUILD_JOBS=2 bash fuzz/run.sh "${IMA_NS_FUZZ_SECONDS:-40}" 2>&1 | tail -n 5; }
stage fuzz fuzz || exit 1
# The userspace tool the namespace tests drive (run from the repo share).
stage tool cargo build --release --quiet -p ima-ns-tool || exit 1
qemu_start=$SECONDS

# Two guests at a time (IMA_NS_JOBS): a TCG guest spends most of its
# time on one vCPU, so two use the machine's two cores; each result is
# printed whole, in order, once its script is done. A script gets 1500 s:
# ima_ns_load.sh took 901 s beside another guest (its kmemleak scans).
jobs=${IMA_NS_JOBS:-2}
out_dir=$(mktemp -d)
trap 'rm -rf "$out_dir"' EXIT
run_one() { # SCRIPT FLAVOR INDEX
	local t=$1 f=$2 o=$out_dir/$3 args start
	# A script may ask for a different machine ("# qemu-args: -n"), also
	# for one kernel flavor only ("# qemu-args-distro: -a ima_policy=tcb").
	# (Joined with tr, not xargs: xargs would run "echo -n" for "-n".)
	read -r -a args <<<"$(sed -n "s/^# qemu-args: //p; s/^# qemu-args-$f: //p" "$t" | tr '\n' ' ')"
	# "# icount: yes": guest time counts instructions (a cost gate), no TPM.
	local cmd=(bash "$t")
	if grep -qx '# icount: yes' "$t"; then
		args+=(-n -q "-icount shift=3,sleep=off -smp 1")
		cmd=(env IMA_NS_ICOUNT=1 bash "$t")
	fi
	start=$SECONDS
	IMA_NS_KERNEL=$f bash qemu/run.sh -t 1500 "${args[@]}" -- "${cmd[@]}" >"$o.out" 2>&1
	echo $? >"$o.rc"
	echo "# $t [$f]: $((SECONDS - start)) s" >>"$o.out"
}
# The flavors a script runs on: its "# flavors:" header, else test.
script_flavors() { sed -n 's/^# flavors: //p' "$1" | grep . || echo test; }
# Longest runs first (LPT), so that the two guests finish together
# instead of one running a long script alone at the end: each script's
# header gives its quiet time on this machine kind ("# seconds: 490",
# "# seconds-distro: 188"; 100 if it says nothing). IMA_NS_TESTS keeps
# its own order.
# script_seconds SCRIPT FLAVOR
script_seconds() {
	local s
	s=$(sed -n "s/^# seconds-$2: //p" "$1")
	[ -n "$s" ] || s=$(sed -n 's/^# seconds: //p' "$1")
	echo "${s:-100}"
}
read -r -a scripts <<<"${IMA_NS_TESTS:-$(echo tests/ima_ns_*.sh)}"
runs=()
while read -r _ t f; do runs+=("$t $f"); done < <(
	for t in "${scripts[@]}"; do
		for f in $(script_flavors "$t"); do
			case " ${flavors[*]} " in *" $f "*) echo "$(script_seconds "$t" "$f") $t $f" ;; esac
		done
	done | if [ -n "${IMA_NS_TESTS:-}" ]; then cat; else sort -rn -s -k1,1; fi
)
for i in "${!runs[@]}"; do
	while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n; done
	run_one "${runs[$i]% *}" "${runs[$i]#* }" "$i" &
done
wait

passed=0 failed=0 skipped=0
for i in "${!runs[@]}"; do
	t=${runs[$i]% *}
	echo "# === $t [${runs[$i]#* }]"
	cat "$out_dir/$i.out"
	rc=$(cat "$out_dir/$i.rc" 2>/dev/null || echo 1)
	s=$(grep -c '^ok .* # SKIP' "$out_dir/$i.out")
	p=$(($(grep -c '^ok ' "$out_dir/$i.out") - s))
	f=$(grep -c '^not ok ' "$out_dir/$i.out")
	# rc 4: KTAP's "skipped" (every check of the script was skipped).
	if [ "$rc" != 0 ] && [ "$rc" != 4 ] && [ "$f" = 0 ]; then
		echo "not ok - $t: guest or harness failure (rc $rc)"
		f=1
	fi
	passed=$((passed + p))
	failed=$((failed + f))
	skipped=$((skipped + s))
done
echo "# stage qemu: $((SECONDS - qemu_start)) s"
echo "qemu: $passed passed, $failed failed, $skipped skipped"
[ "$failed" = 0 ]
