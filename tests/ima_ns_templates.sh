#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Every built-in template and a custom format, chosen per rule (template=)
# and per namespace, with the fields upstream records (file digests, SHA-1
# for 'ima', security.ima and security.evm signatures made by evmctl, inode
# owner and mode); ToMToU and open_writers violations, each produced by its
# own scenario only. The list is checked by evmctl (replay against the TPM,
# signatures) and by an independent replay. Must be the first load of the
# boot (PCR 10 starts at zero).
# seconds: 350
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/ns_lib.sh"
tap_plan 31

ima_load || bail "cannot load ima_ns.ko"
T=$(mktemp -d)
D=$SCRATCH/tpl
mkdir -p "$D"

# An RSA key signs security.ima (evmctl ima_sign) and a portable
# security.evm (evmctl sign --portable); evmctl verifies with the cert.
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$T"/key.pem -subj /CN=ima-ns-test \
	-days 2 -outform DER -out "$T"/cert.der 2>/dev/null || bail "openssl"

# One file per template, told apart by owner: uid 2001 + i. The legacy
# 'ima' one is measured in namespaces below: evmctl 1.4 cannot check a
# list that mixes 'ima' with other templates.
templates=(ima ima-ng ima-sig ima-ngv2 ima-sigv2 ima-modsig evm-sig)
policy=""
for i in "${!templates[@]}"; do
	t=${templates[$i]} uid=$((2001 + i))
	echo "contents for $t" >"$D"/"$t"
	chown $uid:$((uid + 100)) "$D"/"$t"
	chmod 640 "$D"/"$t"
	[ "$t" = ima ] && continue
	policy+="measure func=FILE_CHECK mask=^MAY_READ fowner=$uid template=$t"$'\n'
done
for t in ima-sig ima-sigv2 ima-modsig; do
	evmctl ima_sign --key "$T"/key.pem "$D"/$t >/dev/null 2>&1 || bail "evmctl ima_sign $t"
done
evmctl sign --portable --imasig --key "$T"/key.pem "$D"/evm-sig >/dev/null 2>&1 ||
	bail "evmctl sign --portable"
# Violation scenarios: files owned by uid 3000 are measured (ima-ng), and
# executable mappings of files owned by uid 3001.
policy+="measure func=FILE_CHECK mask=^MAY_READ fowner=3000"$'\n'
policy+="measure func=MMAP_CHECK mask=MAY_EXEC fowner=3001"
tap_check "a policy naming every built-in template in template= loads" ima_policy_write "$policy"
# An xattr EVM protects only once evm_xattrs names it: set first (EVM
# would refuse it on a file whose security.evm does not cover it), then
# enabled; evm-sig's xattr fields list it after EVM's built-in names.
setfattr -n security.imans_test -v 0x0102ff "$D"/evm-sig || bail "setfattr security.imans_test"
echo security.imans_test >/sys/kernel/security/integrity/evm/evm_xattrs || bail "evm_xattrs"

for t in "${templates[@]}"; do cat "$D"/"$t" >/dev/null; done
line() { awk -v f="$D/$1" '$5 == f' "$IMA"/ascii_runtime_measurements; }
xattr_hex() { getfattr -n "$2" -e hex "$1" 2>/dev/null | sed -n "s/^$2=0x//p"; }
for t in "${templates[@]}"; do diag "$(line "$t")"; done

# 'ima': a namespace hashing with SHA-1 in it, and one hashing with
# SHA-256 whose rule asks for it (the file is then hashed with SHA-1 too).
# ima_ns NAME RULE_OPTIONS [RUN_OPTION...]: $T/NAME.{txt,bin,vpcr}.
ima_ns() {
	local name=$1 rule=$2
	shift 2
	printf '%s\n' "measure func=FILE_CHECK mask=^MAY_READ fowner=2001 $rule" |
		$IMA_NS_TOOL run --policy - "$@" -- bash -c "
		cat $D/ima >/dev/null
		cat $IMA/ascii_runtime_measurements >$T/$name.txt
		cat $IMA/binary_runtime_measurements >$T/$name.bin
		cat $IMA/vpcr >$T/$name.vpcr"
}
ima_ns ima-sha1 "" --hash sha1 --template ima
ima_ns ima-rule "template=ima"
sed 's/^/#   /' "$T"/ima-sha1.txt "$T"/ima-rule.txt
want="10 40 ima $(sha1sum "$D"/ima | cut -d' ' -f1) $D/ima"
tap_check "ima: SHA-1 template digest, 'ima', SHA-1 file digest, as namespace template and by template= under sha256" \
	test "$(awk '{ print $1, length($2), $3, $4, $5 }' "$T"/ima-sha1.txt "$T"/ima-rule.txt | sort -u)" = "$want"
both_ok() { "$1" "$T"/ima-sha1.bin "$T"/ima-sha1.vpcr && "$1" "$T"/ima-rule.bin "$T"/ima-rule.vpcr; }
tap_check "evmctl ima_measurement validates both 'ima' lists against their vpcrs" both_ok ns_evmctl_ok
tap_check "ima-ng: sha256 file digest and path" \
	test "$(line ima-ng | awk '{ print $3, $4, NF }')" = "ima-ng $(sha256_of "$D"/ima-ng) 5"
tap_check "ima-sig: the security.ima signature, as getfattr shows it" \
	test "$(line ima-sig | awk '{ print $3, $4, $6 }')" = \
	"ima-sig $(sha256_of "$D"/ima-sig) $(xattr_hex "$D"/ima-sig security.ima)"
tap_check "ima-ngv2: digest typed 'ima:'" \
	test "$(line ima-ngv2 | awk '{ print $4 }')" = "ima:$(sha256_of "$D"/ima-ngv2)"
tap_check "ima-sigv2: typed digest and signature" \
	test "$(line ima-sigv2 | awk '{ print $4, $6 }')" = \
	"ima:$(sha256_of "$D"/ima-sigv2) $(xattr_hex "$D"/ima-sigv2 security.ima)"
# No appraise rule allows appended signatures: d-modsig and modsig empty.
tap_check "ima-modsig: signature, then two empty fields (no appended signature)" \
	bash -c "[[ \"\$(awk -v f=$D/ima-modsig '\$5 == f' $IMA/ascii_runtime_measurements)\" == *' $(xattr_hex "$D"/ima-modsig security.ima)  ' ]]"
read -r -d '' -a evm < <(line evm-sig)
tap_check "evm-sig: portable security.evm signature (type 05)" \
	test "${evm[5]}" = "$(xattr_hex "$D"/evm-sig security.evm)" -a "${evm[5]:0:2}" = 05
# As ima_eventinodexattrs_init_common() + evm_read_protected_xattrs():
# the protected xattrs the file has, in EVM's list order (security.ima
# from evmctl --imasig, then the one evm_xattrs added): names joined by
# '|', u32 little-endian lengths, values, each as getfattr shows them.
le32() { python3 -c "import struct, sys; print(struct.pack('<I', int(sys.argv[1])).hex())" "$1"; }
ima_v=$(xattr_hex "$D"/evm-sig security.ima) extra_v=$(xattr_hex "$D"/evm-sig security.imans_test)
tap_check "evm-sig: xattrnames lists the protected xattrs the file has, one enabled by evm_xattrs last" \
	test "${evm[6]}" = "security.ima|security.imans_test"
tap_check "evm-sig: xattrlengths and xattrvalues as getfattr shows them, then iuid, igid, imode" \
	test "${evm[*]:7}" = "$(le32 $((${#ima_v} / 2)))$(le32 $((${#extra_v} / 2))) $ima_v$extra_v 2007 2107 33184"

cp "$IMA"/binary_runtime_measurements "$T"/list.bin
mapfile -t banks < <(tpm_banks)
pcr_dump() {
	local alg i
	for alg in sha1 sha256; do
		for i in $(seq 0 23); do
			printf 'PCR-%02d %s\n' "$i" "$(cat /sys/class/tpm/tpm0/pcr-"$alg"/"$i")"
		done >"$T"/pcrs-"$alg"
	done
}
evmctl_ok() {
	pcr_dump
	evmctl ima_measurement "$@" --pcrs sha1,"$T"/pcrs-sha1 --pcrs sha256,"$T"/pcrs-sha256 \
		"$T"/list.bin >"$T"/evmctl.out 2>&1
	sed 's/^/# evmctl: /' "$T"/evmctl.out | tail -n 3
	grep -q "Matched per TPM bank" "$T"/evmctl.out
}
tap_check "every template digest recomputes, and the list replays to PCR 10 in every bank" \
	tpm_replay_ok "$T"/list.bin "${banks[@]}"
tap_check "the 'ima' lists' template digests (over the padded name) recompute and replay to their vpcrs" \
	both_ok ns_replay_ok
tap_check "evmctl ima_measurement validates the list with every template against the TPM" evmctl_ok
# evmctl prints a verdict per signature only with -v.
evmctl -v ima_measurement --verify-sig --key "$T"/cert.der "$T"/list.bin >"$T"/sig.out 2>&1
grep "$D" "$T"/sig.out | grep -i "verif" | sed 's/^/# evmctl: /'
# evmctl 1.4 verifies the sig field of ima-sig only (it leaves the other
# templates' extra fields unparsed).
tap_check "evmctl --verify-sig verifies the signature ima-sig records, and none fails" \
	bash -c "! grep -qi 'verification failed' $T/sig.out &&
		grep -q '$D/ima-sig: verification is OK' $T/sig.out"

# --- violations (ima-ng, files owned by uid 3000)
v() { echo "contents $1" >"$D"/"$1" && chown 3000 "$D"/"$1"; }
zero_entries() { awk -v f="$D/$1" '$5 == f && $2 ~ /^0+$/ && $4 ~ /^sha256:0+$/' "$IMA"/ascii_runtime_measurements | wc -l; }
v tomtou; v writers; v plain; v unmeasured
chown 0 "$D"/unmeasured
log_mark

exec 3<"$D"/tomtou
echo more >>"$D"/tomtou
tap_check "a write open of a file a measured reader holds: one ToMToU entry, zero digests" \
	test "$(zero_entries tomtou)" = 1
echo again >>"$D"/tomtou
tap_check "a second write while the same reader holds it adds none (once per measure)" \
	test "$(zero_entries tomtou)" = 1
exec 3<&-
tap_check "violations counts it" test "$(cat "$IMA"/violations)" = 1

exec 4>>"$D"/writers
cat "$D"/writers >/dev/null
tap_check "a measured read while a writer holds the file: one open_writers entry" \
	test "$(zero_entries writers)" = 1
cat "$D"/writers >/dev/null
tap_check "a second read under the same writer adds none" test "$(zero_entries writers)" = 1
exec 4>&-
exec 4>>"$D"/writers
cat "$D"/writers >/dev/null
exec 4>&-
tap_check "after the last writer closed, a new writer period reports again" \
	test "$(zero_entries writers)" = 2

cat "$D"/plain >/dev/null
echo x >>"$D"/plain
exec 3<"$D"/unmeasured
echo x >>"$D"/unmeasured
exec 3<&-
tap_check "no violation for a write without readers or a file no rule measures" \
	test "$(zero_entries plain)$(zero_entries unmeasured)$(cat "$IMA"/violations)" = 003

# MMAP_CHECK: a file mapped executable (measured, the mapping's file a
# reader) and then opened for write while mapped.
v mapped && chown 3001 "$D"/mapped
python3 -c "
import mmap, os
f = open('$D/mapped', 'rb')
m = mmap.mmap(f.fileno(), 0, prot=mmap.PROT_READ | mmap.PROT_EXEC)
os.close(os.open('$D/mapped', os.O_WRONLY | os.O_APPEND))
"
tap_check "a write open of a file mapped executable (MMAP_CHECK measured): ToMToU" \
	test "$(zero_entries mapped) $(cat "$IMA"/violations)" = "1 4"
tap_check "the kernel log names each cause" \
	test "$(log_count "cause=ToMToU name=\"$D/tomtou\"") $(log_count "cause=open_writers name=\"$D/writers\"")" = "1 2"

cp "$IMA"/binary_runtime_measurements "$T"/list.bin
tap_check "with violations the list still replays (all-ones extends) to PCR 10" tpm_replay_ok "$T"/list.bin "${banks[@]}"
tap_check "evmctl ima_measurement --ignore-violations validates the list with violations" \
	evmctl_ok --ignore-violations

# --- per namespace: a custom template, and its own violations
fmt="d-ng|n-ng|sig|iuid|igid|imode"
echo "custom" >"$D"/custom
evmctl ima_sign --key "$T"/key.pem "$D"/custom >/dev/null 2>&1
echo "ns tomtou" >"$D"/ns-tomtou
host_violations=$(cat "$IMA"/violations)
printf '%s\n' "measure func=FILE_CHECK mask=^MAY_READ fsmagic=0xef53" |
	$IMA_NS_TOOL run --policy - --template "$fmt" -- bash -c "
	cat $D/custom >/dev/null
	exec 3<$D/ns-tomtou; echo x >>$D/ns-tomtou; exec 3<&-
	cat $IMA/ascii_runtime_measurements >$T/ns.txt
	cat $IMA/binary_runtime_measurements >$T/ns.bin
	cat $IMA/violations >$T/ns-violations
	cat $IMA/vpcr >$T/vpcr"
sed 's/^/#   /' "$T"/ns.txt | grep "$D"
tap_check "a namespace's custom template: format as the name, signature, uid, gid, mode" \
	test "$(awk -v f="$D"/custom '$5 == f { print $3, $4, $6, $7, $8, $9 }' "$T"/ns.txt)" = \
	"$fmt $(sha256_of "$D"/custom) $(xattr_hex "$D"/custom security.ima) 0 0 33188"
tap_check "the namespace counts and lists its own ToMToU" \
	test "$(cat "$T"/ns-violations) $(awk -v f="$D"/ns-tomtou '$5 == f && $2 ~ /^0+$/' "$T"/ns.txt | wc -l)" = "1 1"
tap_check "the host, whose policy does not measure that file, has no new violation" \
	test "$(cat "$IMA"/violations)" = "$host_violations"
tap_check "evmctl validates the namespace's custom-template list (with a violation) against its vpcr" \
	ns_evmctl_ok "$T"/ns.bin "$T"/vpcr --ignore-violations

# --- bad template settings are refused, the setting unchanged
$IMA_NS_TOOL run --policy /dev/null --template "d-ng|bogus" -- true 2>"$T"/err1
bad_field=$?
printf '%s\n' "" | $IMA_NS_TOOL run --policy - --template ima -- true 2>"$T"/err2
legacy=$?
diag "$(cat "$T"/err1 "$T"/err2)"
tap_check "an unknown field and 'ima' with sha256 are refused with EINVAL" \
	bash -c "[ $bad_field != 0 ] && [ $legacy != 0 ] && grep -q 'Invalid argument' $T/err1 && grep -q 'Invalid argument' $T/err2"
tap_finish
