#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The host list's TPM anchor: every entry is extended into the TPM, each
# extend counted and timed in `anchor`; when the TPM dies mid-run (swtpm
# killed) the module keeps measuring, keeps every entry, and counts and
# logs each failed extend.
# seconds: 78
. "$(dirname "$0")/lib.sh"
tap_plan 9

ima_load || bail "cannot load ima_ns.ko"
ima_policy_write "measure func=FILE_CHECK mask=^MAY_READ fsmagic=0xef53" || bail "policy"
for i in $(seq 20); do echo "file $i" >"$SCRATCH"/f"$i" && cat "$SCRATCH"/f"$i" >/dev/null; done
field() { awk -v k="$1" '$1 == k { print $2 }' "$IMA"/anchor; }
sed 's/^/# /' "$IMA"/anchor

tap_check "anchor: tpm, with the chip's PCR banks" \
	test "$(head -n 1 "$IMA"/anchor)|$(sed -n 's/^banks //p' "$IMA"/anchor | tr ' ' '\n' | sort | xargs)" = \
	"anchor tpm|$(tpm_banks | xargs)"
count=$(cat "$IMA"/runtime_measurements_count)
tap_check "one extend per entry ($count), none failed" \
	test "$(field extends) $(field extend_errors)" = "$count 0"
diag "extend latency with swtpm: avg $(field extend_usecs_avg) us, max $(field extend_usecs_max) us"
tap_check "extend latency is measured (avg > 0, max >= avg)" \
	test "$(field extend_usecs_avg)" -gt 0 -a "$(field extend_usecs_max)" -ge "$(field extend_usecs_avg)"

# The TPM dies.
log_mark
touch /run/host/kill-swtpm
for i in $(seq 100); do [ -e /run/host/swtpm-killed ] && break; sleep 0.1; done
tap_check "swtpm is killed" test -e /run/host/swtpm-killed
start=$(date +%s)
for i in 1 2 3; do echo "after $i" >"$SCRATCH"/g$i && cat "$SCRATCH"/g$i >/dev/null; done
diag "3 measurements with a dead TPM took $(($(date +%s) - start)) s"
tap_check "files are still measured, each listed with its digest" \
	test "$(for i in 1 2 3; do ima_count "$SCRATCH"/g$i "$(sha256_of "$SCRATCH"/g$i)"; done | xargs)" = "1 1 1"
tap_check "the count has them all" test "$(cat "$IMA"/runtime_measurements_count)" = $((count + 3))
sed 's/^/# /' "$IMA"/anchor
tap_check "each failed extend is counted" test "$(field extend_errors)" = 3
tap_check "and logged" test "$(log_count 'TPM extend of PCR 10 failed')" = 3
T=$(mktemp -d)
cp "$IMA"/binary_runtime_measurements "$T"/list.bin
tap_check "the list stays well formed" list_ok "$T"/list.bin
tap_finish
