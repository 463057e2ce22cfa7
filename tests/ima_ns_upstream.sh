#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Byte for byte against upstream: tests/upstream/scenario.sh (every
# built-in template by template=, a custom default format, signatures and
# digests in security.ima, a portable security.evm, a path over 255
# bytes, ToMToU and open_writers) run on the module gives exactly the
# entries upstream IMA of the same kernel (without EVM: see below) gave (tests/upstream/
# entries-6.12.txt, from tests/upstream/capture.sh): same template
# digests, so the same template data, field by field.
# seconds: 35
. "$(dirname "$0")/lib.sh"
S=$IMA_NS_TOP/tests/upstream
mapfile -t want <"$S"/entries-6.12.txt
tap_plan $((${#want[@]} + 1))

fmt=$(PRINT_FMT=1 bash "$S"/scenario.sh -)
ima_load "ima_template_fmt=$fmt" ima_hash=sha256 || bail "cannot load ima_ns.ko"
T=$(mktemp -d)
bash "$S"/scenario.sh "$IMA" >"$T"/got
# The capture's kernel had no CONFIG_EVM (empty xattr fields); the module
# has EVM. Its xattr fields are compared emptied, the template digest
# recomputed over the emptied data (without_evm.py); every other byte is
# compared as listed. (The fields themselves: ima_ns_templates.sh.)
python3 "$S"/without_evm.py "$IMA"/binary_runtime_measurements "$IMA"/ascii_runtime_measurements "$T"/got >"$T"/got.noevm ||
	bail "without_evm.py"
mapfile -t got <"$T"/got.noevm
tap_check "as many entries as upstream (${#want[@]})" test ${#got[@]} = ${#want[@]}
for i in "${!want[@]}"; do
	read -r _ digest template _ name _ <<<"${want[$i]}"
	[ "$digest" = "$(printf '%040d' 0)" ] && what="violation" || what="entry"
	if [ "${got[$i]:-}" = "${want[$i]}" ]; then
		tap_ok "$template $what for ${name:0:60} is upstream's, byte for byte"
	else
		tap_not_ok "$template $what for ${name:0:60} is upstream's, byte for byte"
		diag "upstream: ${want[$i]}"
		diag "ima_ns:   ${got[$i]:-}"
	fi
done
tap_finish
