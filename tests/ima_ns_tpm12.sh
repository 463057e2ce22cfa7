#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# qemu-args: -1
# A TPM 1.2 has one PCR bank, SHA-1: the list carries SHA-1 template
# digests only, is extended into it, and replays to its PCR 10; the
# boot_aggregate comes from the SHA-1 bank (PCRs 0-7).
# seconds: 57
. "$(dirname "$0")/lib.sh"
tap_plan 6

tap_check "the TPM is a 1.2" test "$(cat /sys/class/tpm/tpm0/tpm_version_major 2>/dev/null)" = 1
ima_load || bail "cannot load ima_ns.ko"
ima_policy_write "measure func=FILE_CHECK mask=^MAY_READ fsmagic=0xef53" || bail "policy"
for i in 1 2 3; do echo "tpm12 $i" >"$SCRATCH"/f$i && cat "$SCRATCH"/f$i >/dev/null; done
sed 's/^/# /' "$IMA"/anchor
tap_check "anchor: tpm with one bank, sha1; every entry extended" \
	test "$(sed -n '1,2p' "$IMA"/anchor | xargs) $(awk '$1 == "extends" || $1 == "extend_errors" { print $2 }' "$IMA"/anchor | xargs)" = \
	"anchor tpm banks sha1 $(cat "$IMA"/runtime_measurements_count) 0"
tap_check "no per-bank list beyond sha1 (ENOENT for sha256)" \
	bash -c "cat $IMA/binary_runtime_measurements_sha1 >/dev/null && ! cat $IMA/binary_runtime_measurements_sha256 2>/dev/null"
T=$(mktemp -d)
cp "$IMA"/binary_runtime_measurements "$T"/list.bin
# TPM 1.2 sysfs: one "pcrs" file, "PCR-10: XX XX ...".
pcr10=$(sed -n 's/^PCR-10: //p' /sys/class/tpm/tpm0/pcrs 2>/dev/null | tr -d ' ' | tr 'A-F' 'a-f')
replay=$(python3 "$IMA_NS_TOP"/tests/replay.py "$T"/list.bin sha1 | awk '{ print $2 }')
diag "PCR 10 $pcr10, replay $replay"
tap_check "the list replays to the TPM 1.2's PCR 10" test -n "$pcr10" -a "$pcr10" = "$replay"
agg=$(head -n 1 "$IMA"/ascii_runtime_measurements | awk '{ print $4 }')
want=$(python3 -c "
import hashlib, sys
pcrs = {}
for l in open('/sys/class/tpm/tpm0/pcrs'):
    k, v = l.split(':', 1)
    pcrs[int(k[4:])] = bytes.fromhex(v.replace(' ', '').strip())
print('sha1:' + hashlib.sha1(b''.join(pcrs[i] for i in range(8))).hexdigest())")
diag "boot_aggregate $agg, from PCRs 0-7: $want"
tap_check "boot_aggregate is SHA-1 over PCRs 0-7 of the SHA-1 bank" test "$agg" = "$want"
tap_check "files are measured with the namespace's sha256" \
	test "$(ima_count "$SCRATCH"/f1 "$(sha256_of "$SCRATCH"/f1)")" = 1
tap_finish
