#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# qemu-args: -n
# Without a TPM the module still measures, as upstream: boot_aggregate is
# all zeros, entries are listed and nothing is extended; `anchor` says so.
# seconds: 67
. "$(dirname "$0")/lib.sh"
tap_plan 6

tap_check "the machine has no TPM" test -z "$(ls /sys/class/tpm 2>/dev/null)"
log_mark
ima_load || bail "cannot load ima_ns.ko"
tap_check "the module loads and says it has no TPM" log_has 'ima_ns: loaded.*TPM none'
first=$(head -n 1 "$IMA"/ascii_runtime_measurements)
diag "$first"
tap_check "boot_aggregate is all zeros" \
	test "$(echo "$first" | awk '{ print $3, $4, $5 }')" = "ima-ng sha256:$(printf '%064d' 0) boot_aggregate"
tap_check "anchor: none" test "$(cat "$IMA"/anchor)" = "anchor none"

ima_policy_write "measure func=FILE_CHECK mask=^MAY_READ fsmagic=0xef53" || bail "policy"
echo "no tpm" >"$SCRATCH"/f && cat "$SCRATCH"/f >/dev/null
tap_check "files are measured" test "$(ima_count "$SCRATCH"/f "$(sha256_of "$SCRATCH"/f)")" = 1
T=$(mktemp -d)
cp "$IMA"/binary_runtime_measurements "$T"/list.bin
tap_check "the list is well formed (every template digest recomputes)" \
	list_ok "$T"/list.bin
tap_finish
