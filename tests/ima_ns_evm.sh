#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# flavors: test distro
# EVM: security.evm made by evmctl (portable and inode-bound signatures)
# is verified before appraisal trusts security.ima; changed mode, owner or
# security.ima, missing or foreign values fail with upstream's causes;
# metadata changes are refused on files that do not verify; the
# securityfs evm file's bits and errors; a namespace's own .evm keyring;
# the HMAC key from an encrypted evm-key: kernel-made HMACs equal
# evmctl's, survive chmod, and catch an offline edit (debugfs).
# Beside built-in EVM (the distro flavor) security.evm is its: the module
# verifies, built-in EVM alone protects and writes HMACs, so the metadata
# checks expect its answers and the HMACs are its (Documentation/evm.md).
# seconds: 196
# seconds-distro: 168
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/ns_lib.sh"
. "$(dirname "$0")/appraise_lib.sh"
if builtin_evm; then tap_plan 34; else tap_plan 33; fi

work_dirs evm
UUID=$(blkid -s UUID -o value /dev/vda)

key host
key ns
key stranger
# evm_sign KEY FILE [evmctl options]: security.ima (a hash) and
# security.evm (a signature bound to this inode and filesystem).
evm_sign() { evmctl sign --imahash -a sha256 --uuid="$UUID" --key "$T"/"$1".pem "${@:3}" "$2" >/dev/null 2>&1; }
# portable KEY FILE: the same with a portable, immutable signature.
portable() { evm_sign "$1" "$2" --portable; }
evm_hex() { getfattr -n security.evm -e hex "$1" 2>/dev/null | sed -n 's/^security.evm=0x//p'; }
# denied_with FILE CAUSE: exec is EACCES, logged with upstream's cause.
denied_with() {
	log_mark
	expect EACCES "$1" && log_has "appraise_data cause=$2 name=\"$1\""
}
# evm_write TEXT ERROR: writing TEXT to evm fails with ERROR's message.
evm_write() { bash -c "echo -n '$1' >$EVM" 2>&1 | grep -q "$2"; }
evm_reads() { [ "$(cat "$EVM")" = "$1" ]; }
chmod_then_denied() { chmod "$1" "$2" && expect EACCES "$2"; }
hmac_after_chmod() {
	local before
	before=$(evm_hex "$1")
	chmod 750 "$1" && evm_hex "$1" | grep -q '^02' && [ "$(evm_hex "$1")" != "$before" ]
}
ima_change_keeps() { evmctl ima_hash -a sha512 "$1" >/dev/null 2>&1 && expect ok "$1"; }
# then_denied_with CMD... -- FILE CAUSE: CMD is allowed, then FILE's exec
# is denied with CAUSE (beside built-in EVM, which allows what it cannot
# check: no key of its own is loaded yet).
then_denied_with() {
	local cmd=()
	while [ "$1" != -- ]; do cmd+=("$1"); shift; done
	expect ok "${cmd[@]}" && denied_with "$2" "$3"
}
BUILTIN_EVM=
builtin_evm && BUILTIN_EVM=/sys/kernel/security/integrity/evm/evm
# /sys/kernel/security/evm links to integrity/evm/evm: the module's file
# without built-in EVM, else built-in EVM's, and the module's is its own.
evm_files_ok() {
	[ "$(cat "$EVM")" = 0 ] && [ "$(readlink /sys/kernel/security/evm)" = integrity/evm/evm ] || return 1
	if [ -n "$BUILTIN_EVM" ]; then
		[ "$EVM" != "$BUILTIN_EVM" ] && [ "$(cat "$BUILTIN_EVM")" = 0 ]
	else
		[ "$EVM" -ef /sys/kernel/security/integrity/evm/evm ]
	fi
}
# builtin_evm_reads N: built-in EVM's bits, if it is there, are N (the
# module's writes go to its own file).
builtin_evm_reads() { [ -z "$BUILTIN_EVM" ] || [ "$(cat "$BUILTIN_EVM")" = "$1" ]; }

ima_load || bail "cannot load ima_ns.ko"
chmod_back_runs() { expect ok chmod 755 "$D/port" && expect ok "$D/port"; }
hmac_write_refused() {
	expect EPERM setfattr -n security.evm -v "0x02$(printf '%040d' 0)" "$D/sig" &&
		evm_hex "$D/sig" | grep -q "^03"
}
burnt_key_refused_then_loaded() {
	evm_write 1 rejected && keyctl unlink "$evmkey" @u >/dev/null &&
		keyctl add encrypted evm-key "load $(cat "$T/evm-key.blob")" @u >/dev/null &&
		echo 1 >"$EVM" && evm_reads 1
}
# The module's evm file: upstream's place without built-in EVM.
EVM=$EVM_DIR/evm
keyctl padd asymmetric '' "%keyring:$(kr evm)" <"$T"/host.der >/dev/null || bail "host key into .evm"

# --- the securityfs files before anything is set
tap_check "evm reads 0 (upstream: no newline); the evm link is integrity/evm/evm${BUILTIN_EVM:+ of built-in EVM, the module has $EVM}" \
	evm_files_ok
xattrs="security.ima security.capability "
grep -qw apparmor /sys/kernel/security/lsm && xattrs="security.apparmor $xattrs"
tap_check "evm_xattrs lists the protected xattrs this kernel enables: $xattrs" \
	test "$(tr '\n' ' ' <"$EVM_DIR"/evm_xattrs)" = "$xattrs"
tap_check "evm: 0, an unknown bit, and text are EINVAL" \
	eval 'evm_write 0 Invalid && evm_write 8 Invalid && evm_write x2 Invalid'
tap_check "evm: without CAP_SYS_ADMIN, EPERM" \
	sh -c "setpriv --bounding-set=-sys_admin --inh-caps=-sys_admin sh -c 'echo 2 >$EVM' 2>&1 | grep -q 'not permitted'"
tap_check "evm_xattrs refuses names outside security. (EINVAL)" \
	sh -c "! echo user.foo >$EVM_DIR/evm_xattrs 2>/dev/null"

# --- files signed (and some tampered with) before EVM is on
new_prog sig && evm_sign host "$D"/sig
new_prog sig2 && evm_sign host "$D"/sig2
new_prog port && portable host "$D"/port
new_prog port_mode && portable host "$D"/port_mode && chmod 700 "$D"/port_mode
new_prog sig_owner && evm_sign host "$D"/sig_owner && chgrp 1 "$D"/sig_owner
new_prog port_ima && portable host "$D"/port_ima &&
	evmctl ima_hash -a sha256 "$D"/sig >/dev/null 2>&1 &&
	setfattr -n security.ima -v "0x$(getfattr -n security.ima -e hex "$D"/sig | sed -n 's/^security.ima=0x//p' | sed 's/.$/0/')" "$D"/port_ima
new_prog nolabel && evmctl ima_hash -a sha256 "$D"/nolabel >/dev/null 2>&1
new_prog stranger && evm_sign stranger "$D"/stranger
new_prog malformed && evm_sign host "$D"/malformed && setfattr -n security.evm -v 0x0302 "$D"/malformed
# Owned by 4000: the host's policy (fowner=0) leaves it to the namespace.
new_prog nsfile && chown 4000 "$D"/nsfile && portable ns "$D"/nsfile
tap_check "evmctl wrote portable (type 5) and inode-bound (type 3) signatures" \
	test "$(evm_hex "$D"/port | cut -c1-2)$(evm_hex "$D"/sig | cut -c1-2)" = 0503

ima_policy_write "appraise func=BPRM_CHECK fsmagic=0xef53 fowner=0" || bail "policy"
echo 2 >"$EVM"
tap_check "evm: 2 turns on X.509 signatures; it reads back 2${BUILTIN_EVM:+ (built-in EVM still reads 0)}" \
	eval 'evm_reads 2 && builtin_evm_reads 0'

# --- appraisal with EVM
tap_check "an inode-bound signature over security.ima passes: it runs" expect ok "$D"/sig
tap_check "a portable signature passes: it runs" expect ok "$D"/port
tap_check "mode changed after a portable signature: invalid-fail-immutable" \
	denied_with "$D"/port_mode invalid-fail-immutable
tap_check "group changed after a signature: invalid-HMAC" denied_with "$D"/sig_owner invalid-HMAC
tap_check "security.ima changed after a portable signature: invalid-fail-immutable" \
	denied_with "$D"/port_ima invalid-fail-immutable
tap_check "security.ima without security.evm: missing-HMAC" denied_with "$D"/nolabel missing-HMAC
tap_check "a signature by a key not in .evm: invalid-HMAC" denied_with "$D"/stranger invalid-HMAC
tap_check "a malformed security.evm: invalid-HMAC" denied_with "$D"/malformed invalid-HMAC
tap_check "the refusal is audited as INTEGRITY_DATA with the cause" \
	log_has "type=1800 .*op=appraise_data cause=invalid-HMAC .*ima_ns=0"

# --- metadata protection
# Beside built-in EVM its hooks alone decide; without its own key it
# lets every change through, and the module's appraisal then sees it.
zero_ima=0x0404$(printf '%064d' 0)
if [ -z "$BUILTIN_EVM" ]; then
	tap_check "chmod of a file under a portable signature: EPERM" expect EPERM chmod 700 "$D"/port
	tap_check "chmod to the mode it has: allowed (nothing changes)" expect ok chmod 755 "$D"/port
	tap_check "security.ima of a portably signed file cannot be rewritten (EPERM)" \
		expect EPERM setfattr -n security.ima -v "$zero_ima" "$D"/port
	log_mark
	tap_check "chmod of a file that fails EVM: EPERM" expect EPERM chmod 700 "$D"/stranger
	tap_check "the refusal is audited: type=1801 op=appraise_metadata cause=fail" \
		log_has "type=1801 .*op=appraise_metadata cause=fail .*ima_ns=0"
else
	tap_check "built-in EVM: chmod under a portable signature allowed, then appraisal fails: invalid-fail-immutable" \
		then_denied_with chmod 700 "$D/port" -- "$D/port" invalid-fail-immutable
	tap_check "built-in EVM: chmod back to the signed mode allowed, and it runs again" \
		chmod_back_runs
	tap_check "built-in EVM: security.ima of a portably signed file rewritten, then invalid-fail-immutable" \
		then_denied_with setfattr -n security.ima -v "$zero_ima" "$D/port" -- "$D/port" invalid-fail-immutable
	log_mark
	tap_check "built-in EVM: chmod of a file that fails the module's EVM is allowed" \
		expect ok chmod 700 "$D/stranger"
	tap_check "the module refused and audited no metadata change (no type=1801)" \
		eval '! log_has "type=1801"'
fi
tap_check "userspace cannot write an HMAC value into security.evm (EPERM${BUILTIN_EVM:+ from built-in EVM}); it keeps its signature" \
	hmac_write_refused
tap_check "chmod of an inode-bound signed file without an HMAC key: allowed, then it fails" \
	chmod_then_denied 700 "$D"/sig

# --- a namespace's own .evm keyring
cat >"$T"/ns.sh <<EOF
keyctl padd asymmetric '' %keyring:${IMA_KEYRING_PREFIX}evm_ns\$(cat $IMA/ns_id) <$T/ns.der >/dev/null || exit 10
echo 2 >$EVM || exit 11
cat $EVM >$T/ns-evm
$D/nsfile || exit 12
$D/port 2>/dev/null && exit 13
exit 0
EOF
ns_run "appraise func=BPRM_CHECK fsmagic=0xef53" sh "$T"/ns.sh
rc=$?
tap_check "a namespace trusts its .evm_ns<id> key: its file runs inside, the host-signed one is denied (rc $rc)" \
	test "$rc" = 0
tap_check "the namespace's evm file shows its own bits" test "$(cat "$T"/ns-evm)" = 2
tap_check "the key added inside is not in the host's .evm" \
	sh -c "! keyctl show %keyring:$(kr evm) | grep -q 'ima-ns ns'"

# --- the HMAC key
head -c 32 /dev/urandom >"$T"/kmk
keyctl padd user kmk @u <"$T"/kmk >/dev/null
evmkey=$(keyctl add encrypted evm-key "new default user:kmk 64" @u)
echo 1 >"$EVM"
# The plain key, decrypted as encrypted-keys does: AES-256-CBC under
# SHA-256("ENC_KEY\0" | master key | \0), the blob being iv | one
# separator byte | data | hmac (encrypted_key_decrypt()).
keyctl pipe "$evmkey" >"$T"/evm-key.blob
blob=$(awk '{ print $4 }' "$T"/evm-key.blob)
enc_key=$( (printf 'ENC_KEY\0'; cat "$T"/kmk; printf '\0') | sha256sum | cut -c1-64)
echo "${blob:34:128}" | xxd -r -p |
	openssl enc -d -aes-256-cbc -nopad -K "$enc_key" -iv "${blob:0:32}" >"$T"/evm-key.plain
# The file whose HMAC is checked: sig2, which the module re-HMACs at its
# chmod; beside built-in EVM, which writes the HMACs with its own key
# (the same evm-key: loaded into the module and read out before, as
# built-in EVM burns its plain contents), hm, made with mknod(2): new to
# built-in EVM (EVM_NEW_FILE) until its writer closes it, so its first
# security.ima is allowed and built-in EVM HMACs it.
HM=sig2
if [ -n "$BUILTIN_EVM" ]; then
	echo 1 >"$BUILTIN_EVM"
	HM=hm
	rm -f "$D/hm"
	python3 - "$D/hm" <<'PY'
import hashlib, os, stat, sys
data = open("/bin/true", "rb").read()
os.mknod(sys.argv[1], stat.S_IFREG | 0o755)
with open(sys.argv[1], "wb") as f:
    f.write(data)
    f.flush()
    os.setxattr(sys.argv[1], "security.ima", b"\x04\x04" + hashlib.sha256(data).digest())
PY
	diag "built-in EVM's HMAC of a new file: $(evm_hex "$D/hm")"
fi
tap_check "evm: 1 loads evm-key; it reads back 3${BUILTIN_EVM:+ (built-in EVM, loaded too, reads 1)}" \
	eval 'evm_reads 3 && builtin_evm_reads 1'
tap_check "after the HMAC key: further writes EPERM" \
	eval "evm_write 2 'not permitted' && evm_write 4 'not permitted'"
tap_check "chmod of a signed file with the HMAC key on: allowed, security.evm becomes a new HMAC${BUILTIN_EVM:+ (written by built-in EVM)}" \
	hmac_after_chmod "$D"/$HM
# evmctl 1.4's hmac reads its key from /etc/keys/evm-key-plain only (a
# tmpfs over /etc, in a mount namespace of its own, holds it), and leaves
# the fs UUID out of the HMAC, which upstream's kernel (EVM_ATTR_FSUUID)
# puts in. So: evmctl's HMAC must equal openssl's HMAC-SHA1 (key
# zero-padded to 128 bytes, as both do) over evmctl's input (the xattrs,
# then the h_misc it prints), and the kernel's must equal openssl's over
# that input followed by the UUID.
unshare -m sh -c "mount -t tmpfs none /etc && mkdir /etc/keys &&
	cp $T/evm-key.plain /etc/keys/evm-key-plain &&
	evmctl -v hmac -a sha1 -n $D/$HM" >"$T"/hmac.out 2>&1
evmctl_hmac=$(sed -n 's/^hmac: *//p' "$T"/hmac.out)
misc=$(sed -n 's/.*hmac_misc (24): *//p' "$T"/hmac.out)
openssl_hmac() { # HEX-INPUT
	echo "$1" | xxd -r -p | openssl dgst -sha1 -mac HMAC \
		-macopt hexkey:"$( (cat "$T"/evm-key.plain; head -c 128 /dev/zero) | head -c 128 | xxd -p | tr -d '\n')" |
		sed 's/.*= *//'
}
ima_hex=$(getfattr -n security.ima -e hex "$D"/$HM 2>/dev/null | sed -n 's/^security.ima=0x//p')
diag "evmctl: $evmctl_hmac over security.ima, h_misc $misc"
diag "kernel: $(evm_hex "$D"/$HM)"
diag "openssl: $(openssl_hmac "$ima_hex$misc") without the UUID, $(openssl_hmac "$ima_hex$misc${UUID//-/}") with it"
tap_check "the kernel's HMAC is openssl's over evmctl's input plus the fs UUID (evmctl's own, without it, matches openssl's)" \
	test -n "$misc" -a "$evmctl_hmac" = "$(openssl_hmac "$ima_hex$misc")" \
	-a "$(evm_hex "$D"/$HM)" = "02$(openssl_hmac "$ima_hex$misc${UUID//-/}")"
tap_check "the file with the kernel's HMAC runs" expect ok "$D"/$HM
tap_check "a legitimate change of security.ima keeps it valid (the HMAC follows)" \
	ima_change_keeps "$D"/$HM
ima_unload || bail "unload"
umount "$SCRATCH" && debugfs -w -R "sif /evm/$HM mode 0100700" /dev/vda >/dev/null 2>&1
mount -t ext4 /dev/vda "$SCRATCH" || bail "remount"
ima_load || bail "reload"
ima_policy_write "appraise func=BPRM_CHECK fsmagic=0xef53 fowner=0" || bail "policy"
keyctl padd asymmetric '' "%keyring:$(kr evm)" <"$T"/host.der >/dev/null
if [ -n "$BUILTIN_EVM" ]; then
	tap_check "the module refuses the evm-key built-in EVM burnt (EKEYREJECTED), and loads it added again" \
		burnt_key_refused_then_loaded
else
	echo 1 >"$EVM"
fi
tap_check "after an offline mode change (debugfs) the HMAC fails: invalid-HMAC" \
	denied_with "$D"/$HM invalid-HMAC

tap_finish
