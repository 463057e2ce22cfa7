#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# flavors: test distro
# Appraisal: files signed by evmctl ima_sign (RSA and ECDSA keys made by
# openssl, loaded with keyctl) run; tampered, unsigned, unknown-key,
# corrupted and malformed ones are denied with EACCES and the upstream
# cause in the log and the audit record; hash-only files against
# evmctl ima_hash; re-appraisal after setxattr/removexattr; SETXATTR_CHECK;
# the hash action; MODULE_CHECK (and init_module(2), refused as it cannot
# be appraised); mprotect(PROT_EXEC) under MMAP_CHECK; a namespace's own
# keyring; the log, off and fix modes.
# seconds: 383
# seconds-distro: 253
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/ns_lib.sh"
. "$(dirname "$0")/appraise_lib.sh"
tap_plan 63

work_dirs appraise

# Keys: RSA and ECDSA (P-256) for the host, RSA for the namespace, one
# nobody trusts. Self-signed X.509 certificates carry the subject key id
# evmctl puts in each signature's keyid.
key rsa rsa:2048
key ec ec -pkeyopt ec_paramgen_curve:prime256v1
key ns rsa:2048
key stranger rsa:2048
sign() { evmctl ima_sign -a sha256 --key "$T"/"$1".pem "$2" >/dev/null 2>&1; }
xattr_hex() { getfattr -n security.ima -e hex "$1" 2>/dev/null | sed -n 's/^security.ima=0x//p'; }

load_keys() { # the host's keys into .ima
	keyctl padd asymmetric '' "%keyring:$(kr ima)" <"$T"/rsa.der >/dev/null &&
		keyctl padd asymmetric '' "%keyring:$(kr ima)" <"$T"/ec.der >/dev/null
}

# Root's execs of ext4 files need a signature; files owned by 4242 need a
# valid hash when opened; files owned by 4343 get their hash written; the
# appraised execs are audited and measured with ima-sig; security.ima
# writes must use SHA-256 or better.
policy="appraise func=BPRM_CHECK fsmagic=0xef53 uid=0 appraise_type=imasig
appraise func=FILE_CHECK fsmagic=0xef53 fowner=4242
hash func=FILE_CHECK fsmagic=0xef53 fowner=4343
audit func=BPRM_CHECK fsmagic=0xef53 uid=0
measure func=BPRM_CHECK fsmagic=0xef53 uid=0 template=ima-sig
appraise func=SETXATTR_CHECK appraise_algos=sha256,sha384,sha512"

log_mark
ima_load || bail "cannot load ima_ns.ko"
tap_check "the module creates the host keyring .ima" sh -c "keyctl describe %keyring:$(kr ima) >/dev/null"
tap_check "an RSA and an ECDSA certificate go into .ima with keyctl padd" load_keys
tap_check "appraise, hash, audit and SETXATTR_CHECK rules load" ima_policy_write "$policy"
tap_check "the policy update is audited: type=1804 op=policy_update cause=completed res=1 ima_ns=0" \
	log_has "type=1804 .*op=policy_update cause=completed comm=.* res=1 errno=0 ima_ns=0"

# --- signatures
new_prog good && sign rsa "$D"/good
new_prog ecgood && sign ec "$D"/ecgood
tap_check "a binary signed with the RSA key runs" expect ok "$D"/good
tap_check "a binary signed with the ECDSA key runs" expect ok "$D"/ecgood
entry=$(awk -v f="$D"/good '$5 == f { print $3, $6 }' "$IMA"/ascii_runtime_measurements)
tap_check "ima-sig lists its signature as getfattr shows it" test "$entry" = "ima-sig $(xattr_hex "$D"/good)"

new_prog changed && sign rsa "$D"/changed
expect ok "$D"/changed >/dev/null
printf '\0' >>"$D"/changed
tap_check "a binary that ran, then changed through the kernel: the cached pass is dropped, EACCES" \
	expect EACCES "$D"/changed

log_mark
new_prog tampered && sign rsa "$D"/tampered && printf '\0' >>"$D"/tampered
tap_check "one byte appended after signing: EACCES" expect EACCES "$D"/tampered
tap_check "... logged as invalid-signature, rejected by the key" \
	log_has "namespace 0: appraise_data cause=invalid-signature (key [0-9a-f]*: signature rejected.*name=\"$D/tampered\" (denied)"

log_mark
new_prog unsigned
tap_check "no security.ima: EACCES" expect EACCES "$D"/unsigned
tap_check "... logged as IMA-signature-required" \
	log_has "appraise_data cause=IMA-signature-required name=\"$D/unsigned\""
tap_check "... audited: type=1800 op=appraise_data cause=IMA-signature-required, res=0, ima_ns=0" \
	log_has "type=1800 .*op=appraise_data cause=IMA-signature-required comm=.* name=\"$D/unsigned\" dev=.* ino=[0-9]* res=0 errno=0 ima_ns=0"

log_mark
new_prog stranger && sign stranger "$D"/stranger
tap_check "signed with a key not in .ima: EACCES" expect EACCES "$D"/stranger
tap_check "... logged with the missing key id" log_has "cause=invalid-signature (no key [0-9a-f]\{8\} in $(kr ima)) name=\"$D/stranger\""

log_mark
new_prog corrupt && sign rsa "$D"/corrupt
sig=$(xattr_hex "$D"/corrupt)
last=${sig: -2}
setfattr -n security.ima -v "0x${sig:0:-2}$(printf '%02x' $((0x$last ^ 0xff)))" "$D"/corrupt
tap_check "last signature byte flipped: EACCES" expect EACCES "$D"/corrupt
tap_check "... logged as a rejected signature" log_has "cause=invalid-signature (key .*name=\"$D/corrupt\""

log_mark
new_prog resigned && sign stranger "$D"/resigned
expect EACCES "$D"/resigned >/dev/null
sign rsa "$D"/resigned
tap_check "re-signed with a trusted key (setxattr): the cached denial is dropped, it runs" \
	expect ok "$D"/resigned
setfattr -x security.ima "$D"/resigned
tap_check "security.ima removed: the cached pass is dropped, EACCES" expect EACCES "$D"/resigned

# --- malformed values: denied, never a crash (the harness fails on any
# kernel splat)
bad=(
	"0302"                               # truncated header
	"030204a90887e0"                     # header without sig_size
	"030204a90887e0000a01020304"         # sig_size 10, 4 bytes follow
	"030204a90887e0ffff01020304"         # sig_size 65535
	"0302ffa90887e0000401020304"         # hash_algo 255
	"030104a90887e0000401020304"         # v1: not supported
	"04ff0102"                           # digest-ng, unknown algo
	"00"                                 # type 0
)
ok=0
for v in "${bad[@]}"; do
	new_prog bad
	setfattr -n security.ima -v 0x"$v" "$D"/bad || { diag "setfattr $v refused"; continue; }
	if [ "$(run "$D"/bad)" = EACCES ]; then ok=$((ok + 1)); else diag "$v: $(run "$D"/bad)"; fi
done
tap_check "8 malformed security.ima values: each denied with EACCES" test $ok = 8
setfattr -n security.ima -v 0x0701 "$D"/bad 2>"$T"/err
tap_check "type 7 (past IMA_XATTR_LAST) cannot be written: EINVAL" grep -q "Invalid argument" "$T"/err

# --- hash-only files (owner 4242), SETXATTR_CHECK. Root cannot read an
# appraised file without a valid value (nor can evmctl), so values are
# made from copies of the contents in $T.
echo "hash me" >"$D"/h && evmctl ima_hash -a sha256 "$D"/h >/dev/null 2>&1 && chown 4242 "$D"/h
tap_check "evmctl ima_hash value (type 4, sha256) matches: readable" expect ok cat "$D"/h
echo "other contents" >"$T"/other
setfattr -n security.ima -v "0x0404$(sha256sum "$T"/other | cut -d' ' -f1)" "$D"/h
log_mark
tap_check "a hash of other contents: EACCES" expect EACCES cat "$D"/h
tap_check "... logged as invalid-hash" log_has "appraise_data cause=invalid-hash name=\"$D/h\""
echo "hash me" >"$T"/h
setfattr -n security.ima -v "0x0404$(sha256sum "$T"/h | cut -d' ' -f1)" "$D"/h
echo "appended through the kernel" | tee -a "$T"/h >>"$D"/h
tap_check "written through the kernel: security.ima follows, still readable" expect ok cat "$D"/h
tap_check "... and equals sha256 of the new contents" \
	test "$(xattr_hex "$D"/h)" = "0404$(sha256sum "$T"/h | cut -d' ' -f1)"
echo "signed data" >"$D"/signed && sign rsa "$D"/signed && chown 4242 "$D"/signed
tap_check "a signed file is readable (FILE_CHECK)" expect ok cat "$D"/signed
tap_check "... but cannot be opened for write (EACCES), as upstream's IMA_DIGSIG rule" \
	expect EACCES sh -c "echo more >>$D/signed"
log_mark
tap_check "SETXATTR_CHECK: a sha1 value is refused (EACCES)" \
	sh -c "! setfattr -n security.ima -v 0x04020000000000000000000000000000000000000000 $D/h 2>/dev/null"
tap_check "... audited as set_data denied-hash-algorithm" log_has "type=1800 .*op=set_data cause=denied-hash-algorithm"
tap_check "SETXATTR_CHECK: a sha512 value is accepted" \
	setfattr -n security.ima -v "0x0406$(sha512sum "$T"/h | cut -d' ' -f1)" "$D"/h
tap_check "... and appraises (the file is hashed with sha512 for it)" expect ok cat "$D"/h

# --- the hash action (owner 4343)
: >"$D"/hashed && chown 4343 "$D"/hashed
echo "new data" >>"$D"/hashed
cp "$D"/hashed "$D"/hashed.copy && evmctl ima_hash -a sha256 "$D"/hashed.copy >/dev/null 2>&1
tap_check "hash: closing a written file sets security.ima as evmctl ima_hash computes it" \
	test "$(xattr_hex "$D"/hashed)" = "$(xattr_hex "$D"/hashed.copy)"

# --- audit
tap_check "audit: a type=1805 record with the file's sha256 and ima_ns=0" \
	sh -c "dmesg | grep -q 'type=1805 .*file=\"$D/good\" hash=\"sha256:$(sha256sum "$D"/good | cut -d' ' -f1)\".* ima_ns=0'"
log_mark
new_prog audited && sign rsa "$D"/audited
"$D"/audited && "$D"/audited
tap_check "audit: one record per version of the file" test "$(log_count "type=1805 .*file=\"$D/audited\"")" = 1

# --- fs-verity (files owned by 4545): v3 signatures of the file's
# fs-verity digest (struct ima_file_id {type 6, algo, digest}, hashed and
# signed by openssl, as evmctl 1.5's --veritysig does; evmctl 1.4 lacks it)
ima_policy_write "appraise func=FILE_CHECK fsmagic=0xef53 fowner=4545 digest_type=verity appraise_type=sigv3" ||
	bail "verity policy"
sigv3() { # FILE KEY: security.ima = v3 signature of FILE's fs-verity digest
	local d skid sig
	d=$(fsverity digest --compact --hash-alg=sha256 "$1") || return 1
	printf '\x06\x04' >"$T"/id && echo -n "$d" | xxd -r -p >>"$T"/id
	openssl dgst -sha256 -sign "$T"/"$2".pem -binary -out "$T"/id.sig "$T"/id || return 1
	skid=$(openssl x509 -inform DER -in "$T"/"$2".der -noout -ext subjectKeyIdentifier | tail -n 1 | tr -d ' :')
	sig=$(xxd -p "$T"/id.sig | tr -d '\n')
	setfattr -n security.ima -v "0x060304${skid: -8}$(printf '%04x' $((${#sig} / 2)))$sig" "$1"
}
# (owned by 4545 only once signed: fsverity digest must read it)
verity_file() { echo "verity $1" >"$D"/"$1" && fsverity enable "$D"/"$1"; }
{ verity_file v1 && sigv3 "$D"/v1 rsa && chown 4545 "$D"/v1; } || bail "fsverity/sigv3"
tap_check "digest_type=verity: an fs-verity file with a v3 signature of its digest is readable" expect ok cat "$D"/v1
log_mark
verity_file v2 && sigv3 "$D"/v2 stranger && chown 4545 "$D"/v2
tap_check "... signed by an unknown key: EACCES, invalid-verity-signature" \
	sh -c "[ \"\$(cat $D/v2 2>&1)\" != 'verity v2' ] && dmesg | grep -q 'cause=invalid-verity-signature (no key .*name=\"$D/v2\"'"
verity_file v3 && sign rsa "$D"/v3 && chown 4545 "$D"/v3
tap_check "... with a v2 signature instead: EACCES (verity-signature-required)" expect EACCES cat "$D"/v3
log_mark
echo "not verity" >"$D"/v4 && sign rsa "$D"/v4 && chown 4545 "$D"/v4
tap_check "... fs-verity not enabled: EACCES, logged as no-verity-digest" \
	sh -c "! cat $D/v4 >/dev/null 2>&1 && dmesg | grep -q 'collect_data cause=no-verity-digest name=\"$D/v4\"'"

# --- MMAP_CHECK: an executable mapping of an unsigned file
ima_policy_write "appraise func=MMAP_CHECK fsmagic=0xef53 uid=0 appraise_type=imasig" || bail "mmap policy"
map() { python3 -c "import mmap, sys; f = open(sys.argv[1], 'rb'); mmap.mmap(f.fileno(), 0, prot=mmap.PROT_READ | mmap.PROT_EXEC)" "$1"; }
tap_check "MMAP_CHECK: PROT_EXEC mapping of an unsigned file: EACCES" expect EACCES map "$D"/unsigned
tap_check "MMAP_CHECK: PROT_EXEC mapping of a signed file works" expect ok map "$D"/good
# mmap(PROT_READ), then mprotect(PROT_EXEC): the mmap lock is held, the
# file cannot be appraised there, so upstream's ima_file_mprotect()
# refuses it with EPERM (its comment says EACCES; the code returns EPERM).
EV=(python3 "$IMA_NS_TOP/tests/func_events.py")
log_mark
tap_check "MMAP_CHECK: mmap(PROT_READ) + mprotect(PROT_EXEC) of an unsigned file: EPERM" \
	test "$("${EV[@]}" mprotect "$D"/unsigned)" = "mprotect: EPERM"
tap_check "... audited: type=1800 op=collect_data cause=failed-mprotect res=0" \
	log_has "type=1800 .*op=collect_data cause=failed-mprotect comm=.* name=\"$D/unsigned\" .*res=0 errno=0 ima_ns=0"

# --- MODULE_CHECK
cp "$MODDIR"/tests/modules/ima_ns_trigger.ko "$D"/signed.ko && sign rsa "$D"/signed.ko
cp "$MODDIR"/tests/modules/ima_ns_trigger.ko "$D"/unsigned.ko
ima_policy_write "appraise func=MODULE_CHECK appraise_type=imasig" || bail "module policy"
tap_check "MODULE_CHECK: an unsigned module is refused (EACCES)" expect EACCES insmod "$D"/unsigned.ko
tap_check "MODULE_CHECK: the signed module loads" expect ok insmod "$D"/signed.ko
rmmod ima_ns_trigger 2>/dev/null
# init_module(2) passes an image with no file: upstream's ima_load_data()
# refuses it (EACCES) while MODULE_CHECK is appraised without module
# signature enforcement.
log_mark
tap_check "MODULE_CHECK: init_module(2) of the same (signed) image: EACCES" \
	test "$("${EV[@]}" init_module "$D"/signed.ko)" = "init_module: EACCES"
rmmod ima_ns_trigger 2>/dev/null
tap_check "... logged as upstream does" \
	log_has "impossible to appraise a module without a file descriptor"

# --- a namespace with its own key: it runs inside (as uid 1000, which
# the host's rule leaves alone), never on the host.
new_prog nsprog && sign ns "$D"/nsprog
printf '%s\n' "appraise func=BPRM_CHECK fsmagic=0xef53 appraise_type=imasig" |
	$IMA_NS_TOOL run --policy - -- bash -c "
	id=\$(cat $IMA/ns_id); echo \$id >$T/nsid
	keyctl padd asymmetric '' %keyring:${IMA_KEYRING_PREFIX}ima_ns\$id <$T/ns.der >/dev/null && echo added >$T/added
	setpriv --reuid 1000 $D/nsprog && echo ran >$T/ran
	setpriv --reuid 1000 $D/good >/dev/null 2>&1 || echo denied >$T/good-denied
	keyctl padd asymmetric '' %keyring:$(kr ima) <$T/ns.der >/dev/null 2>&1 || echo hidden >$T/host-hidden
	touch $T/ready; while [ ! -e $T/go ]; do sleep 0.1; done" &
for _ in $(seq 100); do [ -e "$T"/ready ] && break; sleep 0.1; done
id=$(cat "$T"/nsid)
tap_check "inside: keyctl padd into %keyring:.ima_ns<id>" test -e "$T"/added
tap_check "inside: the binary signed with the namespace's key runs" test -e "$T"/ran
tap_check "inside: a binary signed with a host key is denied (host keys are not trusted there)" test -e "$T"/good-denied
tap_check "inside: the host's .ima cannot be reached by name" test -e "$T"/host-hidden
tap_check "host: the namespace's keyring is not visible (/proc/keys)" sh -c "! grep -q '$(kr ima_ns)$id' /proc/keys"
touch "$T"/go
wait
tap_check "host: the namespace's key is not in .ima" sh -c "! keyctl list %keyring:$(kr ima) | grep -q 'ima-ns ns'"
tap_check "host: the same binary is denied (root's execs need a host key)" expect EACCES "$D"/nsprog
# ima-ns run --key: the creator provisions the pending namespace's keyring,
# so appraisal trusts the key before any process inside could add it
# (setpriv, on the 9p root, is not appraised; uid 1000 again keeps the
# host's rule out).
new_prog first && sign ns "$D"/first
tap_check "ima-ns run --key: the first member's appraised exec runs with the provisioned key" \
	sh -c "printf '%s\n' 'appraise func=BPRM_CHECK fsmagic=0xef53 appraise_type=imasig' |
		$IMA_NS_TOOL run --policy - --key $T/ns.der -- setpriv --reuid 1000 $D/first"

# --- modes: log, off, fix (the module reloaded with ima_appraise=)
ima_unload
log_mark
ima_load ima_appraise=log || bail "reload log"
ima_policy_write "appraise func=BPRM_CHECK fsmagic=0xef53 appraise_type=imasig" || bail "policy"
tap_check "log mode: a tampered binary runs" expect ok "$D"/tampered
tap_check "... and the failure is logged as allowed" \
	log_has "cause=.*name=\"$D/tampered\" (allowed: ima_appraise is not enforce)"
ima_unload
log_mark
ima_load ima_appraise=off || bail "reload off"
ima_policy_write "appraise func=BPRM_CHECK fsmagic=0xef53 appraise_type=imasig" || bail "policy"
tap_check "off mode: a tampered binary runs, nothing is logged" \
	sh -c "[ \"\$(cat /dev/null; $D/tampered && echo ran)\" = ran ] && ! dmesg | tail -n 5 | grep -q 'name=\"$D/tampered\"'"
ima_unload
log_mark
ima_load keyring_restrict=1 ima_x509="$T"/rsa.der || bail "reload restricted"
tap_check "keyring_restrict=1: a self-signed certificate is refused by .ima" \
	sh -c "! keyctl padd asymmetric '' %keyring:$(kr ima) <$T/ec.der 2>/dev/null"
tap_check "ima_x509=: the certificate is loaded past the restriction" \
	sh -c "keyctl list %keyring:$(kr ima) | grep -q 'ima-ns rsa'"
ima_policy_write "appraise func=BPRM_CHECK fsmagic=0xef53 appraise_type=imasig" || bail "policy"
tap_check "... and binaries it signed run" expect ok "$D"/good
ima_unload
ima_load ima_appraise=fix || bail "reload fix"
ima_policy_write "appraise func=FILE_CHECK fsmagic=0xef53 fowner=4242" || bail "policy"
echo "fix me" >"$D"/fix && chown 4242 "$D"/fix
tap_check "fix mode: a file without security.ima is readable" expect ok cat "$D"/fix
cp "$D"/fix "$D"/fix.copy && evmctl ima_hash -a sha256 "$D"/fix.copy >/dev/null 2>&1
tap_check "fix mode: ... and gets the security.ima evmctl ima_hash computes" \
	test "$(xattr_hex "$D"/fix)" = "$(xattr_hex "$D"/fix.copy)"
ima_unload
tap_finish
