#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Every test: host unit tests of the pure crates, a bounded fuzz run of the
# policy parser, then each QEMU test script
# in a boot of its own (fresh swtpm, so PCR 10 starts at zero). Prints one
# closing line "qemu: N passed, M failed" counting the TAP checks; a script
# whose guest crashed, timed out or logged a kernel splat counts as failed.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

bash qemu/setup.sh || exit 1
make -s lint || exit 1
cargo test --workspace || exit 1
# The policy parser under libFuzzer for a bounded time: any crash fails.
bash fuzz/run.sh "${IMA_NS_FUZZ_SECONDS:-60}" 2>&1 | tail -n 5 || exit 1
# The userspace tool the namespace tests drive (run from the repo share).
cargo build --release --quiet -p ima-ns-tool || exit 1

passed=0 failed=0
for t in tests/ima_ns_*.sh; do
	echo "# === $t"
	# A script may ask for a different machine ("# qemu-args: -n").
	read -r -a args <<<"$(sed -n 's/^# qemu-args: //p' "$t")"
	start=$SECONDS
	out=$(bash qemu/run.sh -t 900 "${args[@]}" -- bash "$t")
	rc=$?
	echo "$out"
	echo "# $t: $((SECONDS - start)) s"
	p=$(grep -c '^ok ' <<<"$out")
	f=$(grep -c '^not ok ' <<<"$out")
	if [ "$rc" != 0 ] && [ "$f" = 0 ]; then
		echo "not ok - $t: guest or harness failure (rc $rc)"
		f=1
	fi
	passed=$((passed + p))
	failed=$((failed + f))
done
echo "qemu: $passed passed, $failed failed"
[ "$failed" = 0 ]
