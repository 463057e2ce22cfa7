#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The attacker's view (Documentation/threat-model.md): many threads writing
# every writable control file at once, through one shared fd (write and
# pwrite, which takes no file position lock), separate fds, and open/close
# races (tests/concurrent_writes.py), on the KASAN + lockdep kernel: every
# accepted line is applied exactly once, nothing is torn or lost, and the
# kernel reports nothing (qemu/run.sh fails the run on any report). Then
# the off-switch: with lock=0 turning the hooks off is recorded in the
# host's list and PCR 10 before it happens, also when root inside a
# namespace does it and when the unload is then refused; with lock=1 it
# cannot be done at all.
# seconds: 340
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/ns_lib.sh"
tap_plan 30
T=$(mktemp -d)
CW=(python3 "$(dirname "$0")/concurrent_writes.py")

ima_load || bail "cannot load ima_ns.ko"
ima_policy_write "measure func=BPRM_CHECK fsmagic=0xef53" || bail "host policy"

# exactly_once OUT POLICY_TEXT: every rule OUT accepted appears exactly
# once in POLICY_TEXT, and POLICY_TEXT has no test rule OUT did not accept
# beyond $1's predecessors ($seen: test rules accepted so far).
seen=0
exactly_once() {
	local out=$1 policy=$2 n dup missing total
	n=$(grep -c '^accepted ' "$out")
	# Normalised: upstream's show ends each condition with a space.
	sed 's/ *$//' "$policy" >"$policy.n"
	dup=$(sed -n 's/^accepted //p' "$out" | sort | uniq -d | wc -l)
	missing=$(sed -n 's/^accepted //p' "$out" | sort -u | grep -cvxFf "$policy.n")
	total=$(grep -c '^dont_measure fsmagic=0x7e' "$policy.n")
	diag "$(basename "$out"): $n rules accepted ($(tail -n 2 "$out" | xargs)), $missing missing, policy has $total test rules"
	[ "$n" -gt 0 ] && [ "$dup" = 0 ] && [ "$missing" = 0 ] &&
		[ "$total" = "$((seen + n))" ] && seen=$total
}

# --- the host's policy
"${CW[@]}" policy "$IMA"/policy shared 8 30 >"$T"/p-shared
cat "$IMA"/policy >"$T"/p1
tap_check "policy, 8 threads on one fd (write + pwrite): every accepted rule once" exactly_once "$T"/p-shared "$T"/p1
"${CW[@]}" policy "$IMA"/policy separate 8 20 >"$T"/p-sep
cat "$IMA"/policy >"$T"/p2
tap_check "policy, 8 fds opened at once: all but one EBUSY" grep -qx 'errnos=EBUSY' "$T"/p-sep
tap_check "policy, 8 fds: the writer's rules once each" exactly_once "$T"/p-sep "$T"/p2
"${CW[@]}" policy "$IMA"/policy reopen 8 6 >"$T"/p-re
cat "$IMA"/policy >"$T"/p3
reopen_ok() { grep -qx 'errnos=' "$T"/p-re && exactly_once "$T"/p-re "$T"/p3 && [ "$(grep -c ^accepted "$T"/p-re)" -ge 48 ]; }
tap_check "policy, 8 threads opening, writing, closing: every update installed once" reopen_ok
still_measures() { cp /bin/true "$SCRATCH"/after-storm && "$SCRATCH"/after-storm && test -n "$(ima_digests_of "$SCRATCH"/after-storm)"; }
tap_check "the policy still measures (exec after the storm)" still_measures

# --- a pending namespace's for_children/ files (held by the writer's
# main thread; this process never forks, so the namespace never starts)
seen=0
"${CW[@]}" --unshare --readback "$IMA"/for_children/policy policy "$IMA"/for_children/policy shared 4 40 >"$T"/fc-shared
sed -n 's/^read //p' "$T"/fc-shared >"$T"/fc1
tap_check "for_children/policy, 4 threads on one fd: every accepted rule once" exactly_once "$T"/fc-shared "$T"/fc1
seen=0
"${CW[@]}" --unshare --readback "$IMA"/for_children/policy policy "$IMA"/for_children/policy separate 4 20 >"$T"/fc-sep
sed -n 's/^read //p' "$T"/fc-sep >"$T"/fc2
fc_sep_ok() { grep -qx errnos=EBUSY "$T"/fc-sep && exactly_once "$T"/fc-sep "$T"/fc2; }
tap_check "for_children/policy, 4 fds: one writer, its rules once each" fc_sep_ok

# value_ok OUT PATTERN: no errno, and the value read back matches PATTERN
# (one of the values written: the last write wins whole).
value_ok() {
	local v
	v=$(sed -n 's/^read //p' "$1")
	diag "$(basename "$1"): read '$v', $(tail -n 2 "$1" | xargs)"
	grep -qx 'errnos=' "$1" && grep -qxE "$2" <<<"$v"
}
for mode in shared separate; do
	"${CW[@]}" --unshare --readback "$IMA"/for_children/hash value "$IMA"/for_children/hash $mode 4 25 \
		sha1 sha256 sha384 sha512 >"$T"/hash-$mode
	"${CW[@]}" --unshare --readback "$IMA"/for_children/template value "$IMA"/for_children/template $mode 4 25 \
		ima-ng ima-sig ima-ngv2 >"$T"/tmpl-$mode
	"${CW[@]}" --unshare --readback "$IMA"/for_children/model value "$IMA"/for_children/model $mode 4 25 \
		internal "external enforce fail=allow timeout_ms=100 queue=16" >"$T"/model-$mode
	values_ok() {
		value_ok "$T"/hash-"$mode" 'sha(1|256|384|512)' && value_ok "$T"/tmpl-"$mode" 'ima-ng|ima-sig|ima-ngv2' &&
			value_ok "$T"/model-"$mode" '(internal|external .*)'
	}
	tap_check "for_children hash, template, model, 4 threads ($mode): whole values, no errors" values_ok
	"${CW[@]}" --unshare --readback "$IMA"/for_children/identity value "$IMA"/for_children/identity $mode 4 25 \
		"container-a" "image=busybox rootfs=/srv/b" >"$T"/ident-$mode
	tap_check "for_children/identity, 4 threads ($mode): one whole identity, no errors" \
		value_ok "$T"/ident-$mode 'container-a|image=busybox rootfs=/srv/b'
done
tap_check "the pending namespaces went with their holders (ns_live 0)" ns_wait_live 0

# --- a live namespace's namespaces/<id>/ files
ns_run "measure func=BPRM_CHECK fsmagic=0xef53" sleep 600 &
ns_wait_live 1 || bail "no namespace"
id=$(ls "$IMA"/namespaces)
N=$IMA/namespaces/$id
# model_state_once OUT...: each accepted text is one ima-buf entry of the
# namespace's list (its buffer, hex in the ascii list), once.
model_state_once() {
	local want got
	# (Hex in one process: two forks per line took minutes under TCG.)
	want=$(sed -n 's/^accepted //p' "$@" | python3 -c 'import sys; [print(l.strip().encode().hex()) for l in sys.stdin]' | sort)
	got=$(awk '$5 == "ima-ns:model-state" { print $6 }' "$N"/ascii_runtime_measurements | sort)
	diag "model_state: $(wc -l <<<"$want") accepted, $(wc -l <<<"$got") entries"
	[ -n "$want" ] && [ "$want" = "$got" ]
}
"${CW[@]}" buffers "$N"/model_state shared 8 12 >"$T"/ms-shared
"${CW[@]}" buffers "$N"/model_state separate 8 12 >"$T"/ms-sep
tap_check "model_state, 8 threads (one fd, then 8 fds): one entry per accepted write, none torn" \
	model_state_once "$T"/ms-shared "$T"/ms-sep
cat "$N"/binary_runtime_measurements >"$T"/ns.bin
tap_check "the namespace's list still replays to its vpcr" ns_replay_ok "$T"/ns.bin "$N"/vpcr
"${CW[@]}" value "$N"/verdicts shared 8 25 "1 allow" "2 deny" "3 allow" >"$T"/verdicts
tap_check "verdicts, 8 threads on one fd: every write returned cleanly" grep -qx 'errnos=' "$T"/verdicts
# checkpoint: every write is accepted whole; the namespace's list does
# not change meanwhile, so the anchors are one blob, which the host list
# keeps once (equal template digests, as upstream's
# ima_lookup_digest_entry), naming the namespace's entry count.
lines=$(wc -l <"$IMA"/ascii_runtime_measurements)
"${CW[@]}" value "$N"/checkpoint shared 4 5 1 >"$T"/ckpt-shared
"${CW[@]}" value "$N"/checkpoint separate 4 5 1 >"$T"/ckpt-sep
checkpoints_ok() {
	local acc blobs n
	acc=$(cat "$T"/ckpt-shared "$T"/ckpt-sep | grep -c '^accepted')
	blobs=$(tail -n +$((lines + 1)) "$IMA"/ascii_runtime_measurements | awk -v l="ima-ns:checkpoint:$id" '$5 == l { print $6 }' | sort -u)
	n=$(wc -l <"$N"/ascii_runtime_measurements)
	diag "checkpoint: $acc accepted, $(wc -w <<<"$blobs") distinct new anchors, namespace list $n entries"
	grep -qx 'errnos=' "$T"/ckpt-shared && grep -qx 'errnos=' "$T"/ckpt-sep && [ "$acc" = 40 ] &&
		[ "$(wc -w <<<"$blobs")" = 1 ] && xxd -r -p <<<"$blobs" | grep -qx "entries $n" &&
		xxd -r -p <<<"$blobs" | grep -qx "id $id"
}
tap_check "namespaces/<id>/checkpoint, 4 threads (one fd, then 4 fds): all accepted, one whole anchor" checkpoints_ok
cat "$IMA"/binary_runtime_measurements >"$T"/host-ckpt.bin
tap_check "the host list with those anchors still replays to PCR 10" tpm_replay_ok "$T"/host-ckpt.bin sha1 sha256
# ns_join: every thread of one writer joins the live namespace for its
# children; the holds go with the threads (ns_live returns to 0 below).
"${CW[@]}" value "$IMA"/ns_join shared 8 1 "$id" >"$T"/join
join_ok() { grep -qx 'errnos=' "$T"/join && [ "$(grep -c ^accepted "$T"/join)" = 8 ] && [ "$(cat "$IMA"/ns_live)" = 1 ]; }
tap_check "ns_join, 8 threads on one fd: each joined, no namespace made" join_ok

# --- EVM's protected xattrs: a name already enabled is EEXIST, a new
# security.* name is added once (as upstream's evm_write_xattrs)
EX=$IMA/../integrity/evm/evm_xattrs
"${CW[@]}" value "$EX" shared 8 20 security.ima security.evm security.capability security.test1 >"$T"/evmx
evmx_ok() {
	diag "evm_xattrs: $(grep -c ^accepted "$T"/evmx) accepted, $(tail -n 2 "$T"/evmx | xargs), reads: $(xargs <"$EX")"
	grep -qxE 'errnos=(EEXIST)?' "$T"/evmx && [ "$(grep -c '^accepted security.test1$' "$T"/evmx)" = 1 ] &&
		[ "$(grep -c '^security.test1$' "$EX")" = 1 ] && [ -z "$(sort "$EX" | uniq -d)" ]
}
tap_check "evm_xattrs, 8 threads on one fd: a new name added exactly once, the rest EEXIST" evmx_ok

# --- EVM's flags (the opener's namespace's): bits only ever add up, 0 is
# EINVAL; EVM_INIT_X509 and metadata writes, never the setup lock
EF=$IMA/../integrity/evm/evm
for mode in shared separate; do
	"${CW[@]}" value "$EF" $mode 8 20 2 4 0 >"$T"/evm-$mode
	evm_ok() { grep -qxE 'errnos=(EINVAL)?' "$T"/evm-"$mode" && [ "$(cat "$EF")" = 6 ]; }
	tap_check "evm, 8 threads ($mode fds): the flags are the union of the accepted writes (6)" evm_ok
done

# --- ns_unshare: each thread holds its own namespace for children
live=$(cat "$IMA"/ns_live)
"${CW[@]}" value "$IMA"/ns_unshare shared 8 1 1 >"$T"/unshare
unshare_ok() { grep -qx 'errnos=' "$T"/unshare && [ "$(grep -c ^accepted "$T"/unshare)" = 8 ] && ns_wait_live "$live"; }
tap_check "ns_unshare, 8 threads on one fd: each thread got one, and each went with its thread" unshare_ok

# --- turning measurement off, lock=0: recorded first
exec 3<"$IMA"/binary_runtime_measurements # an open file: rmmod is refused
log_mark
ns_run "measure func=BPRM_CHECK fsmagic=0xef53" sh -c "cat $IMA/ns_id >$T/off-id; echo 0 >$LIVEPATCH/enabled"
for _ in $(seq 100); do [ -d $LIVEPATCH ] || break; sleep 0.1; done
last=$(tail -n 1 "$IMA"/ascii_runtime_measurements)
off_id=$(cat "$T"/off-id)
diag "last host entry: $last (the disabling task was in namespace $off_id)"
want_buf=$(printf 'hooks disabled by namespace %s' "$off_id" | xxd -p | tr -d '\n')
tap_check "root in a namespace turned the hooks off: the host list's last entry says so (ima-buf, its namespace)" \
	test "$(awk '{ print $3, $5, $6 }' <<<"$last")" = "ima-buf ima-ns:hooks-off $want_buf"
cat <&3 >"$T"/host.bin
tap_check "that entry is in PCR 10: the list replays to the TPM" tpm_replay_ok "$T"/host.bin sha1 sha256
tap_check "the kernel log and audit name it" log_has "measurement disabled by a task of namespace $off_id (recorded in the host list)"
tap_check "rmmod is refused while a file is open; the record stands" sh -c "! rmmod ima_ns 2>/dev/null"
exec 3<&-
pkill -f "sleep 600"
wait 2>/dev/null
# With the hooks off, task_free no longer reaches the module: the killed
# task's namespace stays counted in ns_live until rmmod frees it (waiting
# here for ns_live to drop used to run out its 100 polls, 68-120 s).
tap_check "with the file closed, rmmod succeeds" rmmod ima_ns

# --- lock=1: cannot be turned off at all
ima_load lock=1 || bail "cannot load ima_ns.ko lock=1"
ima_policy_write "measure func=BPRM_CHECK fsmagic=0xef53" || bail "host policy (lock=1)"
tap_check "lock=1: the livepatch has no enabled file" sh -c "test -d $LIVEPATCH && ! test -e $LIVEPATCH/enabled"
locked() {
	! (echo 0 >"$LIVEPATCH"/enabled) 2>/dev/null &&
		! ns_run "measure func=BPRM_CHECK" sh -c "echo 0 >$LIVEPATCH/enabled" 2>/dev/null &&
		! rmmod ima_ns 2>/dev/null && grep -q '^ima_ns ' /proc/modules && test -d "$LIVEPATCH"
}
tap_check "lock=1: root cannot disable (host or namespace) or unload" locked
printf '\x01' | cat /bin/true - >"$SCRATCH"/locked-true && chmod +x "$SCRATCH"/locked-true
"$SCRATCH"/locked-true
tap_check "lock=1: an exec after the attempts is measured" \
	test "$(ima_digests_of "$SCRATCH"/locked-true)" = "$(sha256_of "$SCRATCH"/locked-true)"
tap_finish
