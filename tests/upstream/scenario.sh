#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The same measurements on any IMA: files with fixed contents, owners,
# modes and xattrs, read under rules naming every built-in template (and
# none, for the default: the custom format below), plus one ToMToU and one
# open_writers violation. Prints the ascii list entries it caused.
#
# Run on the comparison kernel (upstream IMA, booted with the kernel args
# below) it gives tests/upstream/entries.txt; ima_ns_upstream.sh runs it
# on ima_ns.ko (loaded with the same settings) and compares byte for byte.
#
#   scenario.sh IMA_DIR
IMA=$1
SCRATCH=${IMA_NS_SCRATCH:-/run/scratch}
D=$SCRATCH/cmp
FMT="d-ngv2|n-ng|sig|evmsig|iuid|igid|imode|xattrnames|xattrlengths|xattrvalues"
export FMT
[ -n "${PRINT_FMT:-}" ] && { echo "$FMT"; exit 0; }

rm -rf "$D" && mkdir -p "$D"
# security.ima values: a v2 signature header (type 3, sha256, keyid,
# 4-byte "signature") and a digest-ng (type 4, sha256); security.evm: a
# portable signature (type 5). Only their bytes matter to templates.
SIG=0x030204a1b2c3d40004deadbeef
EVMSIG=0x050204a1b2c3d40004feedface
i=0
policy=""
for t in ima ima-ng ima-sig ima-ngv2 ima-sigv2 ima-buf ima-modsig evm-sig default; do
	uid=$((4001 + i)) i=$((i + 1))
	f=$D/$t
	printf 'scenario contents of %s\n' "$t" >"$f"
	chown $uid:$((uid + 100)) "$f"
	chmod 0640 "$f"
	setfattr -n security.ima -v $SIG "$f"
	setfattr -n security.evm -v $EVMSIG "$f"
	if [ $t = default ]; then
		policy+="measure func=FILE_CHECK mask=^MAY_READ fowner=$uid"$'\n'
	else
		policy+="measure func=FILE_CHECK mask=^MAY_READ fowner=$uid template=$t"$'\n'
	fi
done
# A digest-ng security.ima: the sig field then records the portable EVM
# signature instead.
printf 'digest-ng xattr\n' >"$D"/digest-ng
chown 4001:4101 "$D"/digest-ng
setfattr -n security.ima -v "0x0404$(sha256sum "$D"/digest-ng | cut -d' ' -f1)" "$D"/digest-ng
setfattr -n security.evm -v $EVMSIG "$D"/digest-ng
policy+="measure func=FILE_CHECK mask=^MAY_READ fowner=4020 template=ima-sig"$'\n'
chown 4020 "$D"/digest-ng
# A path over 255 bytes: the legacy template records its last component.
long=$(printf 'n%.0s' $(seq 250))
printf 'long\n' >"$D"/"$long" && chown 4001 "$D"/"$long"
# Violations, in the default template.
printf 'tomtou\n' >"$D"/tomtou && chown 4009 "$D"/tomtou
printf 'writers\n' >"$D"/writers && chown 4009 "$D"/writers

printf '%s' "$policy" >"$IMA"/policy || exit 1
for f in "$D"/*; do cat "$f" >/dev/null; done
exec 3<"$D"/tomtou
printf 'x\n' >>"$D"/tomtou
exec 3<&-
exec 4>>"$D"/writers
cat "$D"/writers >/dev/null
exec 4>&-
grep -F -e " $D/" -e " $long" "$IMA"/ascii_runtime_measurements
