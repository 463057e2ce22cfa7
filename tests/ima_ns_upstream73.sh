#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# upstream=7.3 on the 6.12 test kernel: the module follows upstream 7.3's
# user-visible IMA where it changed since 6.12
# (Documentation/kernel-differences.md): appraise_type=sigv3 for regular
# files and v3 signatures of their ima_file_id in security.ima
# (IMA-sigv3-required for older ones), digest_type= after appraise_type=,
# sigv3 on MODULE_CHECK, the dont_audit action, comments after a rule;
# violations as in 6.12 (one per writer/reader period). Then the default
# on this kernel, 6.12: the same writes refused with EINVAL, v3 signatures
# of regular files invalid-signature-version. AT_EXECVE_CHECK needs a 7.x
# kernel (skipped here).
# On the distro flavor (7.3) once the module loads beside built-in IMA:
# add distro, where checks 23-24 run and the default line is 7.3.
# flavors: test
# seconds: 180
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/appraise_lib.sh"
tap_plan 36

work_dirs up73
key rsa rsa:2048
PARAM=/sys/module/ima_ns/parameters/upstream
xattr_hex() { getfattr -n security.ima -e hex "$1" 2>/dev/null | sed -n 's/^security.ima=0x//p'; }
load_key() { keyctl padd asymmetric '' %keyring:.ima <"$T"/rsa.der >/dev/null; }
sign_v2() { evmctl ima_sign -a sha256 --key "$T"/rsa.pem "$1" >/dev/null 2>&1; }

# sign_v3 FILE: security.ima = a type 3, version 3 signature, as 7.3's
# asymmetric_verify_v3() checks it: RSA PKCS#1 v1.5 (SHA-256) over the
# SHA-256 of struct ima_file_id { hash_type = 3, hash_algorithm = 4
# (sha256), the file's SHA-256 }. The keyid comes from evmctl's v2 header.
sign_v3() {
	local f=$1 keyid
	sign_v2 "$f" || return 1
	keyid=$(xattr_hex "$f" | cut -c7-14)
	python3 -c "
import hashlib, sys
d = hashlib.sha256(open(sys.argv[1], 'rb').read()).digest()
sys.stdout.buffer.write(hashlib.sha256(bytes([3, 4]) + d).digest())
" "$f" >"$T"/fileid.sha256 || return 1
	openssl pkeyutl -sign -inkey "$T"/rsa.pem -pkeyopt digest:sha256 \
		-in "$T"/fileid.sha256 -out "$T"/sig.bin 2>/dev/null || return 1
	setfattr -n security.ima -v "0x030304${keyid}$(printf '%04x' "$(stat -c %s "$T"/sig.bin)")$(od -An -tx1 -v "$T"/sig.bin | tr -d ' \n')" "$f"
}
# policy_shows RULE: the policy file lists RULE (without its trailing space).
policy_shows() { sed 's/ $//' "$IMA"/policy | grep -qxF "$1"; }
# writes_einval RULE: a policy write of RULE fails with EINVAL.
writes_einval() { expect EINVAL ima_policy_write "$1"; }
# denied FILE CAUSE: running FILE fails with EACCES, logged with CAUSE.
denied() { expect EACCES "$1" && log_since | grep -q "appraise_data cause=$2[ (].*name=\"$1\""; }
# audited_1800 FILE CAUSE: the audit record of that failure.
audited_1800() { log_since | grep -q "type=1800 .*op=appraise_data cause=$2 .*name=\"$1\""; }
not_logged() { ! log_since | grep -q -- "$1"; }

# ---- upstream=7.3 ----------------------------------------------------------
log_mark
ima_load upstream=7.3 || bail "cannot load ima_ns.ko upstream=7.3"
tap_check "upstream=7.3 loads; the module says it follows 7.3" log_has "ima_ns: loaded, .*upstream 7.3[;)]"
tap_check "the parameter reads 7.3" test "$(cat $PARAM)" = 7.3
load_key || bail "keyctl padd"

sigv3="appraise func=BPRM_CHECK fsmagic=0xef53 uid=0 appraise_type=sigv3"
tap_check "7.3: appraise_type=sigv3 without digest_type=verity is accepted" ima_policy_write "$sigv3"
tap_check "... and reads back as written" policy_shows "$sigv3"

new_prog v3good && sign_v3 "$D"/v3good
tap_check "a v3 signature (type 3) of the binary's ima_file_id: it runs" expect ok "$D"/v3good
log_mark
new_prog v2 && sign_v2 "$D"/v2
tap_check "a v2 signature under the sigv3 rule: EACCES" expect EACCES "$D"/v2
tap_check "... logged as IMA-sigv3-required" log_has "appraise_data cause=IMA-sigv3-required name=\"$D/v2\""
tap_check "... audited: type=1800 cause=IMA-sigv3-required" audited_1800 "$D"/v2 IMA-sigv3-required
log_mark
new_prog v3bad && sign_v3 "$D"/v3bad && printf '\0' >>"$D"/v3bad
tap_check "a v3 signature of a binary changed after signing: EACCES, invalid-signature" \
	denied "$D"/v3bad invalid-signature
new_prog unsigned
tap_check "no security.ima: EACCES, IMA-signature-required" \
	denied "$D"/unsigned IMA-signature-required
new_prog hashed && evmctl ima_hash -a sha256 "$D"/hashed >/dev/null 2>&1
tap_check "a hash is not a signature: EACCES" expect EACCES "$D"/hashed

tap_check "7.3: digest_type=verity after appraise_type=sigv3 is accepted" \
	ima_policy_write "appraise func=FILE_CHECK fowner=4999 appraise_type=sigv3 digest_type=verity"
tap_check "7.3: sigv3 on MODULE_CHECK is accepted" \
	ima_policy_write "appraise func=MODULE_CHECK fowner=4999 appraise_type=sigv3"
tap_check "7.3: imasig after digest_type=verity is still EINVAL" \
	writes_einval "appraise func=FILE_CHECK digest_type=verity appraise_type=imasig"
tap_check "7.3: imasig|modsig with sigv3 is EINVAL" \
	writes_einval "appraise func=MODULE_CHECK appraise_type=sigv3 appraise_type=imasig|modsig"

# dont_audit: files owned by 4500 are not audited, the rest are.
tap_check "7.3: dont_audit and a comment after the rule are accepted" \
	ima_policy_write "dont_audit func=BPRM_CHECK fowner=4500 # quiet
audit func=BPRM_CHECK fsmagic=0xef53"
tap_check "... the rule reads back without the comment" policy_shows "dont_audit func=BPRM_CHECK fowner=4500"
log_mark
new_prog quiet && chown 4500 "$D"/quiet && sign_v3 "$D"/quiet
new_prog loud && sign_v3 "$D"/loud
"$D"/quiet && "$D"/loud
tap_check "audit: the exec is audited (type=1805)" log_has "type=1805 .*file=\"$D/loud\""
tap_check "dont_audit: the one it names is not" not_logged "type=1805 .*file=\"$D/quiet\""

# Violations: the same in 6.12.117 and 7.3 (both limit them).
ima_policy_write "measure func=FILE_CHECK fowner=3000" || bail "measure rule"
zero_entries() { awk -v f="$D/$1" '$5 == f && $2 ~ /^0+$/' "$IMA"/ascii_runtime_measurements | wc -l; }
echo t >"$D"/tomtou && chown 3000 "$D"/tomtou
echo w >"$D"/writers && chown 3000 "$D"/writers
exec 3<"$D"/tomtou
echo more >>"$D"/tomtou
echo again >>"$D"/tomtou
exec 3<&-
tap_check "ToMToU: one entry for two writers while one measured reader holds the file" \
	test "$(zero_entries tomtou)" = 1
exec 4>>"$D"/writers
cat "$D"/writers >/dev/null
cat "$D"/writers >/dev/null
exec 4>&-
tap_check "open_writers: one entry for two reads under one writer" test "$(zero_entries writers)" = 1
tap_check "violations counts both" test "$(cat "$IMA"/violations)" = 2

# AT_EXECVE_CHECK (6.14+): an interpreter asks whether it may run a script.
execve_check() {
	python3 -c "
import ctypes, os, sys
libc = ctypes.CDLL(None, use_errno=True)
argv = (ctypes.c_char_p * 2)(sys.argv[1].encode(), None)
envp = (ctypes.c_char_p * 1)(None)
# execveat(AT_FDCWD, path, argv, envp, AT_EXECVE_CHECK)
r = libc.syscall(322, -100, sys.argv[1].encode(), argv, envp, 0x10000)
e = ctypes.get_errno()
print('ok' if r == 0 else os.strerror(e))
" "$1"
}
if [ "$(uname -r | cut -d. -f1)" -ge 7 ]; then
	printf '#!/bin/sh\ntrue\n' >"$D"/script.sh && chmod 755 "$D"/script.sh
	tap_check "AT_EXECVE_CHECK of an unsigned script under the sigv3 rule: EACCES" \
		test "$(execve_check "$D"/script.sh)" = "Permission denied"
	sign_v3 "$D"/script.sh
	tap_check "... signed (v3): allowed" test "$(execve_check "$D"/script.sh)" = ok
else
	tap_skip "AT_EXECVE_CHECK of an unsigned script under the sigv3 rule: EACCES" "needs Linux 7.x (bprm->is_check)"
	tap_skip "... signed (v3): allowed" "needs Linux 7.x (bprm->is_check)"
fi

ima_unload || bail "unload"

# ---- the default on this kernel --------------------------------------------
log_mark
ima_load || bail "cannot reload ima_ns.ko"
if [ "$(uname -r | cut -d. -f1)" -ge 7 ]; then line=7.3; else line=6.12; fi
tap_check "without upstream=, the module follows the running kernel's line ($line)" \
	log_has "ima_ns: loaded, .*upstream ${line}[;)]"
tap_check "the parameter reads empty (not set)" test -z "$(cat $PARAM)"
load_key || bail "keyctl padd"
if [ $line = 6.12 ]; then
	tap_check "6.12: appraise_type=sigv3 without digest_type=verity: EINVAL" writes_einval "$sigv3"
	tap_check "... the log names the token" log_has "rejected at \"appraise_type=sigv3\": sigv3 needs digest_type=verity first"
	tap_check "6.12: digest_type=verity after appraise_type=sigv3: EINVAL" \
		writes_einval "appraise func=FILE_CHECK appraise_type=sigv3 digest_type=verity"
	tap_check "6.12: dont_audit: EINVAL" writes_einval "dont_audit func=BPRM_CHECK"
	tap_check "6.12: a comment after a rule: EINVAL" writes_einval "measure func=BPRM_CHECK # exec"
	tap_check "6.12: appraise_type=imasig rule accepted" \
		ima_policy_write "appraise func=BPRM_CHECK fsmagic=0xef53 uid=0 appraise_type=imasig"
	log_mark
	tap_check "6.12: the v3-signed binary: EACCES, invalid-signature-version" \
		denied "$D"/v3good invalid-signature-version
	tap_check "6.12: the v2-signed one runs" expect ok "$D"/v2
else
	for _ in 1 2 3 4 5 6 7 8; do tap_skip "6.12 refusals" "this kernel is 7.x"; done
fi
ima_unload || bail "unload"

log_mark
tap_check "upstream=6.15: the module refuses to load (EINVAL)" sh -c "! insmod $KO upstream=6.15 2>/dev/null"
tap_check "... and says why" log_has "upstream=6.15 is not one of 6.12, 7.3"

rm -rf "$T" "$D"
tap_finish
