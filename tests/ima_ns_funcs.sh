#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# One real event per func= the module hooks beyond exec/mmap/open, each
# checked in the list: kernel modules (finit_module and init_module),
# firmware, kexec kernel and initramfs, policy files, CREDS_CHECK, the two
# mmap protections, mprotect, and keys. Funcs a module cannot see are
# refused at policy load.
# seconds: 149
. "$(dirname "$0")/lib.sh"
tap_plan 24
T=$(mktemp -d)
EV=(python3 "$IMA_NS_TOP/tests/func_events.py")
TRIGGER=$MODDIR/tests/modules/ima_ns_trigger.ko
[ -f "$TRIGGER" ] || bail "tests/modules/ima_ns_trigger.ko not built"

# Fields of the entries named $1: "template digest [buf]".
entries_of() {
	awk -v n="$1" '$5 == n { s = $3 " " $4; if (NF > 5) s = s " " $6; print s }' \
		"$IMA"/ascii_runtime_measurements
}
sha256_hex() { sha256sum "$1" | cut -d' ' -f1; }
# The hex sha256 of the raw digest whose hex is $1.
sha256_of_digest() { python3 -c "import hashlib,sys; print(hashlib.sha256(bytes.fromhex(sys.argv[1])).hexdigest())" "$1"; }

ima_load || bail "cannot load ima_ns.ko"
ima_policy_write "measure func=MODULE_CHECK
measure func=FIRMWARE_CHECK
measure func=KEXEC_KERNEL_CHECK
measure func=KEXEC_INITRAMFS_CHECK
measure func=POLICY_CHECK
measure func=CREDS_CHECK euid=0 fowner=0 fsmagic=0xef53
measure func=MMAP_CHECK_REQPROT fowner=1111
measure func=MMAP_CHECK fowner=2222
measure func=CRITICAL_DATA label=modules
measure func=KEY_CHECK keyrings=_ima_ns_test" || bail "policy write failed"

# --- MODULE_CHECK: finit_module reads the file; measured from the bytes
# the kernel read, once.
mkdir -p "$SCRATCH"/mod
cp "$TRIGGER" "$SCRATCH"/mod/trigger.ko
insmod "$SCRATCH"/mod/trigger.ko && rmmod ima_ns_trigger
tap_check "insmod (finit_module) records the module's sha256 (MODULE_CHECK)" \
	test "$(entries_of "$SCRATCH"/mod/trigger.ko)" = "ima-ng sha256:$(sha256_hex "$TRIGGER")"

# --- FIRMWARE_CHECK: the module's init requests a firmware file.
mkdir -p "$SCRATCH"/fw
head -c 3000 /dev/urandom >"$SCRATCH"/fw/ima_ns_test.bin
printf %s "$SCRATCH"/fw >/sys/module/firmware_class/parameters/path
insmod "$SCRATCH"/mod/trigger.ko firmware=ima_ns_test.bin && rmmod ima_ns_trigger
tap_check "request_firmware records the firmware's sha256 (FIRMWARE_CHECK)" \
	test "$(entries_of "$SCRATCH"/fw/ima_ns_test.bin)" = "ima-ng sha256:$(sha256_hex "$SCRATCH"/fw/ima_ns_test.bin)"
tap_check "loading the same module again does not measure it again" \
	test "$(entries_of "$SCRATCH"/mod/trigger.ko | wc -l)" = 1

# --- CRITICAL_DATA "modules": init_module(2) has no file; as upstream the
# entry is ima-buf "init_module" whose buf is the image's digest and whose
# digest is that digest's digest.
"${EV[@]}" init_module "$TRIGGER" && rmmod ima_ns_trigger
img=$(sha256_hex "$TRIGGER")
tap_check "init_module records critical data 'modules' as ima-buf (digest of the image's digest)" \
	test "$(entries_of init_module)" = "ima-buf sha256:$(sha256_of_digest "$img") $img"

# --- KEXEC_KERNEL_CHECK and KEXEC_INITRAMFS_CHECK: kexec_file_load of
# this very bzImage (seen through a bind of / under the guest's mounts).
mkdir -p "$T"/root
mount --bind / "$T"/root
bz=$T/root$(cat /run/host/kdir)/arch/x86/boot/bzImage
head -c 4096 /dev/urandom >"$SCRATCH"/initrd.img
kexec_out=$("${EV[@]}" kexec_load "$bz" "$SCRATCH"/initrd.img 2>&1)
[ -n "$kexec_out" ] && diag "kexec: $kexec_out"
tap_check "kexec_file_load records the kernel image (KEXEC_KERNEL_CHECK)" \
	test "$(entries_of "$bz")" = "ima-ng sha256:$(sha256_hex "$bz")"
tap_check "... and the initramfs (KEXEC_INITRAMFS_CHECK)" \
	test "$(entries_of "$SCRATCH"/initrd.img)" = "ima-ng sha256:$(sha256_hex "$SCRATCH"/initrd.img)"
umount "$T"/root

# --- POLICY_CHECK: writing a path loads that policy file.
printf 'measure func=BPRM_CHECK fowner=4444\n' >"$SCRATCH"/extra.policy
echo "$SCRATCH"/extra.policy >"$IMA"/policy
tap_check "writing a path loads the policy file and records it (POLICY_CHECK)" \
	test "$(entries_of "$SCRATCH"/extra.policy)" = "ima-ng sha256:$(sha256_hex "$SCRATCH"/extra.policy)"
tap_check "... and its rules are appended" \
	test "$(tail -n 1 "$IMA"/policy)" = "measure func=BPRM_CHECK fowner=4444 "
echo "$SCRATCH"/no-such.policy 2>"$T"/err >"$IMA"/policy
tap_check "a path that does not exist: ENOENT, policy unchanged" \
	bash -c "grep -q 'No such file' $T/err && test \$(wc -l <$IMA/policy) = 11"
printf 'measure func=BPRM_CHECK\nbogus_rule\n' >"$SCRATCH"/bad.policy
echo "$SCRATCH"/bad.policy 2>"$T"/err >"$IMA"/policy
tap_check "a policy file with a bad rule: EINVAL, none of its rules applied" \
	bash -c "grep -q 'Invalid argument' $T/err && test \$(wc -l <$IMA/policy) = 11"

# --- CREDS_CHECK: the rules see the credentials exec gives, not the
# caller's: uid 1000 running a setuid-root binary matches euid=0. (Upstream
# 6.12 evaluates CREDS_CHECK before exec applies setuid; see Documentation/policy.md.)
cp /bin/true "$SCRATCH"/suid-true
cp /bin/true "$SCRATCH"/plain-true
chmod 4755 "$SCRATCH"/suid-true
setpriv --reuid=1000 --regid=1000 --clear-groups "$SCRATCH"/plain-true
tap_check "uid 1000 exec of a plain binary: no CREDS_CHECK euid=0 entry" \
	test -z "$(entries_of "$SCRATCH"/plain-true)"
setpriv --reuid=1000 --regid=1000 --clear-groups "$SCRATCH"/suid-true
tap_check "uid 1000 exec of a setuid-root binary: CREDS_CHECK euid=0 records it" \
	test "$(entries_of "$SCRATCH"/suid-true)" = "ima-ng sha256:$(sha256_hex /bin/true)"

# --- MMAP_CHECK_REQPROT and MMAP_CHECK: the protection requested and the
# one applied. They differ only under READ_IMPLIES_EXEC, which exec of a
# 64-bit ELF clears on x86_64 (set_personality_64bit) and the test kernel
# has no 32-bit emulation: here the rules' fowner= tell them apart.
for f in req-rx req-r app-rx; do head -c 8192 /dev/urandom >"$SCRATCH"/$f; done
chown 1111 "$SCRATCH"/req-rx "$SCRATCH"/req-r
chown 2222 "$SCRATCH"/app-rx
"${EV[@]}" mmap "$SCRATCH"/req-rx rx
tap_check "mmap(PROT_READ|PROT_EXEC) matches MMAP_CHECK_REQPROT" \
	test "$(entries_of "$SCRATCH"/req-rx)" = "ima-ng sha256:$(sha256_hex "$SCRATCH"/req-rx)"
"${EV[@]}" mmap "$SCRATCH"/req-r r
tap_check "mmap(PROT_READ) matches neither" test -z "$(entries_of "$SCRATCH"/req-r)"
"${EV[@]}" mmap "$SCRATCH"/app-rx rx
tap_check "mmap(PROT_READ|PROT_EXEC) matches MMAP_CHECK" \
	test "$(entries_of "$SCRATCH"/app-rx)" = "ima-ng sha256:$(sha256_hex "$SCRATCH"/app-rx)"

# --- mprotect(PROT_EXEC) of a file mapping: the mmap lock is held, so as
# upstream it is reported (collect_data failed-mprotect), not measured.
head -c 8192 /dev/urandom >"$SCRATCH"/mprot
head -c 8192 /dev/urandom >"$SCRATCH"/mprot-other
chown 2222 "$SCRATCH"/mprot
"${EV[@]}" mprotect "$SCRATCH"/mprot
tap_check "mprotect(PROT_EXEC) of a file the policy measures on mmap succeeds and is reported" \
	sh -c "dmesg | grep -q 'mprotect(PROT_EXEC) on $SCRATCH/mprot: collect_data failed-mprotect'"
"${EV[@]}" mprotect "$SCRATCH"/mprot-other
tap_check "... a file no rule measures is not reported" \
	sh -c "! dmesg | grep -q 'on $SCRATCH/mprot-other:'"

# --- KEY_CHECK: asymmetric keys added to a keyring keyrings= names.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
	-keyout "$T"/key.pem -outform DER -out "$T"/cert.der -subj /CN=ima-ns-test -days 2 2>/dev/null ||
	diag "openssl failed"
ring=$(keyctl newring _ima_ns_test @u)
other=$(keyctl newring _ima_ns_other @u)
keyctl padd asymmetric "" "$ring" <"$T"/cert.der >/dev/null || diag "keyctl padd failed"
der=$(od -An -v -tx1 "$T"/cert.der | tr -d ' \n')
tap_check "an X.509 key added to the named keyring is recorded as ima-buf with the certificate" \
	test "$(entries_of _ima_ns_test)" = "ima-buf sha256:$(sha256_hex "$T"/cert.der) $der"
keyctl padd asymmetric "" "$other" <"$T"/cert.der >/dev/null
tap_check "... a key added to another keyring is not" test -z "$(entries_of _ima_ns_other)"
echo secret | keyctl padd user test-user-key "$ring" >/dev/null
tap_check "... a non-asymmetric key is not" test "$(entries_of _ima_ns_test | wc -l)" = 1

# --- funcs a module cannot see are refused, with the reason logged.
ima_policy_write "measure func=KEXEC_CMDLINE" 2>"$T"/err
tap_check "measure func=KEXEC_CMDLINE: EINVAL" grep -q "Invalid argument" "$T"/err
tap_check "... and the log says why" sh -c "dmesg | grep -q 'KEXEC_CMDLINE: kexec_file_load() passes'"
ima_policy_write "measure func=CRITICAL_DATA label=selinux" 2>"$T"/err
tap_check "measure func=CRITICAL_DATA label=selinux: EINVAL" grep -q "Invalid argument" "$T"/err
ima_policy_write "measure func=FILE_CHECK obj_type=etc_t" 2>"$T"/err
tap_check "LSM label conditions: EINVAL" grep -q "Invalid argument" "$T"/err

ima_unload
tap_finish
