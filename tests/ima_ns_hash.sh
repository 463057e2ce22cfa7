#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# ima_hash= selects the kernel crypto algorithm for file digests; the
# boot_aggregate then comes from the TPM bank of that algorithm.
# seconds: 89
. "$(dirname "$0")/lib.sh"
algos="sha1 sha256 sha384 sha512"
tap_plan 8

cp /bin/true "$SCRATCH"/true
for algo in $algos; do
	ima_load ima_hash="$algo" || bail "cannot load with ima_hash=$algo"
	ima_policy_write "measure func=BPRM_CHECK mask=MAY_EXEC fsmagic=0xef53"
	"$SCRATCH"/true
	want="$algo:$("${algo}"sum "$SCRATCH"/true | cut -d' ' -f1)"
	tap_check "ima_hash=$algo: digest equals ${algo}sum" test "$(ima_digests_of "$SCRATCH"/true)" = "$want"
	agg=$(head -n 1 "$IMA"/ascii_runtime_measurements | awk '{ print $4 }')
	tap_check "ima_hash=$algo: boot_aggregate is from the $algo bank" test "${agg%%:*}" = "$algo"
	ima_unload || bail "cannot unload"
done
tap_finish
