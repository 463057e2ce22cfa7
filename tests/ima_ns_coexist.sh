#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# flavors: test distro
# qemu-args-distro: -a ima_policy=tcb
# Coexistence with built-in IMA (Documentation/coexistence.md): the
# securityfs_dir, keyring_prefix, pcr and host= parameters, their defaults
# on a kernel without IMA (the 6.12 test flavor) and beside built-in IMA
# (the 7.3 distro flavor, booted with ima_policy=tcb): host=own measures
# into its own PCR while built-in IMA's list still replays to PCR 10;
# host=ima records each namespace's start/end anchors as ima-buf entries
# (label ima-ns) in built-in IMA's list; unloading leaves built-in IMA's
# files and list as they were. A check that needs the other kind of
# kernel is skipped with the reason.
# seconds: 115
# seconds-distro: 207
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/ns_lib.sh"

tap_plan 39

T=$(mktemp -d)
loaded() { [ -d /sys/module/ima_ns ]; }
param() { cat "$PARAMS"/"$1"; }
# refused LOG_TEXT INSMOD_ARGS...: the module does not load, and says why.
refused() {
	local want=$1
	shift
	log_mark
	if insmod "$KO" "$@" 2>"$T"/insmod.err; then
		diag "loaded with $*"
		ima_unload
		return 1
	fi
	! loaded && log_has "$want"
}
# refused_einval LOG_TEXT INSMOD_ARGS...: refused, insmod saying
# "Invalid parameters" (EINVAL).
refused_einval() { refused "$@" && grep -q 'Invalid parameters' "$T"/insmod.err; }
# hexof FILE: its bytes as lowercase hex, one line.
hexof() { od -An -v -tx1 "$1" | tr -d ' \n'; }
# buf_of LIST NAME: the buffer (hex) of the ima-buf entry NAME in an
# ascii list ("PCR template-hash ima-buf algo:digest name buf").
buf_of() { awk -v n="$2" '$3 == "ima-buf" && $5 == n { print $6 }' "$1"; }
# tpm_evmctl_ok LIST PCR: evmctl ima_measurement validates LIST against the
# TPM's PCRs (sha1 and sha256 banks, from sysfs).
tpm_evmctl_ok() {
	local list=$1 dir alg i
	dir=$(mktemp -d)
	for alg in sha1 sha256; do
		for i in $(seq 0 23); do
			printf 'PCR-%02d %s\n' "$i" "$(tr 'A-F' 'a-f' </sys/class/tpm/tpm0/pcr-"$alg"/"$i")"
		done >"$dir"/"$alg"
	done
	evmctl ima_measurement --pcrs sha1,"$dir"/sha1 --pcrs sha256,"$dir"/sha256 "$list" >"$dir"/out 2>&1
	sed 's/^/# evmctl: /' "$dir"/out | tail -n 2
	grep -q "Matched per TPM bank" "$dir"/out
}
# builtin_replays_ok: built-in IMA's list replays to PCR 10 (replay.py and evmctl).
builtin_replays_ok() {
	cat "$BUILTIN_IMA"/binary_runtime_measurements >"$T"/builtin.bin &&
		IMA_PCR=10 tpm_replay_ok "$T"/builtin.bin sha1 sha256 &&
		tpm_evmctl_ok "$T"/builtin.bin
}
# securityfs_tree: every path under securityfs outside the module's directory.
securityfs_tree() {
	find /sys/kernel/security -mindepth 1 \( -path "$IMA" -o -path "$IMA/*" \) -prune -o -print | sort
}

if builtin_ima; then FLAVOR=builtin; else FLAVOR=alone; fi
diag "kernel $(uname -r): $([ $FLAVOR = builtin ] && echo "IMA built in" || echo "no IMA")"
on() { [ $FLAVOR = "$1" ]; }
# check_on FLAVOR DESCRIPTION COMMAND...: a check for one kind of kernel.
check_on() {
	local f=$1 desc=$2
	shift 2
	if on "$f"; then
		tap_check "$desc" "$@"
	elif [ "$f" = builtin ]; then
		tap_skip "$desc" "needs built-in IMA (IMA_NS_KERNEL=distro)"
	else
		tap_skip "$desc" "needs a kernel without IMA (IMA_NS_KERNEL=test)"
	fi
}

# --- parameters refused on every kernel: nothing loads, the log says why
tap_check "pcr=16 (resettable) refused" refused "pcr= must be one of the OS PCRs 8-15" pcr=16
tap_check "pcr=7 (firmware's) refused" refused "pcr= must be one of the OS PCRs 8-15" pcr=7
tap_check "securityfs_dir=a/b refused" refused "securityfs_dir= must be a name" securityfs_dir=a/b
tap_check "keyring_prefix without a leading '.' refused (userspace could forge it)" \
	refused "keyring_prefix= must start with '.'" keyring_prefix=ima
tap_check "host=bogus refused" refused "host= must be own or ima" host=bogus

# --- a kernel without IMA: upstream's paths, PCR 10, host=own; host=ima refused
check_on alone "host=ima refused without built-in IMA (EINVAL, the log names CONFIG_IMA)" \
	refused_einval "host=ima needs IMA built into the kernel (CONFIG_IMA)" host=ima
if on alone; then
	ima_load || bail "cannot load ima_ns.ko"
	diag "defaults: $(grep . $PARAMS/{securityfs_dir,pcr,host,keyring_prefix} | xargs)"
fi
check_on alone "defaults without IMA: securityfs_dir=ima pcr=10 host=own keyring_prefix=." \
	test "$(cat $PARAMS/securityfs_dir 2>/dev/null) $(cat $PARAMS/pcr 2>/dev/null) $(cat $PARAMS/host 2>/dev/null) $(cat $PARAMS/keyring_prefix 2>/dev/null)" = "ima 10 own ."
check_on alone "without IMA: the files at upstream's paths (ima/, integrity/evm/, evm link)" \
	test -f /sys/kernel/security/ima/policy -a -f /sys/kernel/security/integrity/evm/evm -a -L /sys/kernel/security/evm
check_on alone "without IMA: host keyrings .ima and .evm" \
	bash -c "grep -q ' \.ima: ' /proc/keys && grep -q ' \.evm: ' /proc/keys"
if on alone; then
	ima_unload || bail "unload"
	# Another directory, PCR and prefix: what the module uses beside IMA.
	cat /sys/class/tpm/tpm0/pcr-sha1/10 >"$T"/pcr10.before
	ima_load securityfs_dir=ima-ns pcr=11 keyring_prefix=.x. || bail "cannot load with securityfs_dir=ima-ns pcr=11"
	ima_policy_write "measure func=BPRM_CHECK fsmagic=0xef53" || bail "policy"
	cp /bin/true "$SCRATCH"/true && "$SCRATCH"/true
fi
check_on alone "securityfs_dir=ima-ns: the module's files there, none at ima/ or integrity/evm/" \
	test -f /sys/kernel/security/ima-ns/policy -a -f /sys/kernel/security/ima-ns/evm/evm -a ! -e /sys/kernel/security/ima -a ! -e /sys/kernel/security/integrity/evm -a "$IMA" = /sys/kernel/security/ima-ns
check_on alone "pcr=11: anchor names PCR 11, the list's entries name PCR 11" \
	bash -c "grep -qx 'pcr 11' $IMA/anchor && test \"\$(awk '{ print \$1 }' $IMA/ascii_runtime_measurements | sort -u)\" = 11"
own_replays_ok() { # PCR: the module's host list replays to it
	cat "$IMA"/binary_runtime_measurements >"$T"/own.bin && IMA_PCR=$1 tpm_replay_ok "$T"/own.bin sha1 sha256
}
pcr10_untouched() { test "$(cat "$T"/pcr10.before)" = "$(cat /sys/class/tpm/tpm0/pcr-sha1/10)"; }
check_on alone "pcr=11: the host list replays to PCR 11; PCR 10 untouched" \
	eval "own_replays_ok 11 && pcr10_untouched"
check_on alone "keyring_prefix=.x.: host keyrings .x.ima and .x.evm, no .ima" \
	bash -c "grep -q ' \.x\.ima: ' /proc/keys && grep -q ' \.x\.evm: ' /proc/keys && ! grep -q ' \.ima: ' /proc/keys"
if on alone; then
	ns_run "measure func=BPRM_CHECK" bash -c "cat $IMA/ns_id >$T/alone-id; $SCRATCH/true" >/dev/null 2>&1
	ns_wait_live 0
	id=$(cat "$T"/alone-id 2>/dev/null)
fi
check_on alone "ima-ns run finds the module's directory from its parameter; anchors in the host list" \
	bash -c "test -n '$id' && test '$id' -ge 1 && grep -qE ' ima-ns:start:$id( |\$)' $IMA/ascii_runtime_measurements && grep -qE ' ima-ns:end:$id( |\$)' $IMA/ascii_runtime_measurements"
if on alone; then ima_unload || bail "unload"; fi
check_on alone "unloaded: no ima-ns/ left behind" test ! -e /sys/kernel/security/ima-ns

# --- beside built-in IMA (booted with ima_policy=tcb)
if on builtin; then
	securityfs_tree >"$T"/tree.before
	cat $BUILTIN_IMA/policy >"$T"/builtin-policy.boot 2>/dev/null
	diag "built-in IMA's policy at boot: $(wc -l <"$T"/builtin-policy.boot) rules, $(cat $BUILTIN_IMA/runtime_measurements_count) entries"
fi
check_on builtin "host=ima refused while built-in IMA's policy does not measure label ima-ns (tcb has no CRITICAL_DATA rule)" \
	refused_einval "measure func=CRITICAL_DATA label=ima-ns" host=ima
check_on builtin "securityfs_dir=ima refused: built-in IMA owns it (EEXIST)" \
	refused "securityfs ima exists" securityfs_dir=ima host=own
check_on builtin "pcr=10 with host=own refused: built-in IMA's" refused "pcr=10 is built-in IMA's" pcr=10 host=own
check_on builtin "keyring_prefix=. refused: .ima and .evm are built-in IMA's" \
	refused "keyring_prefix=. names built-in IMA's keyrings" keyring_prefix=. host=own

# host=own: the module measures the host too, into PCR 15, beside built-in IMA.
if on builtin; then
	# Built-in IMA's first policy write replaces the boot policy (tcb,
	# which measures every file root reads, so its PCR moves while a
	# replay reads the list): execs from ext4, and the documented rule
	# for the anchors.
	printf '%s\n' "measure func=BPRM_CHECK fsmagic=0xef53" "measure func=CRITICAL_DATA label=ima-ns" >$BUILTIN_IMA/policy ||
		bail "built-in IMA's policy"
	cp /bin/true "$SCRATCH"/true
fi
check_on builtin "the built-in list replays to PCR 10 before the module loads (evmctl, replay.py)" builtin_replays_ok
if on builtin; then
	ima_load host=own || bail "cannot load ima_ns.ko host=own beside built-in IMA"
	diag "host=own: $(grep . $PARAMS/{securityfs_dir,pcr,host,keyring_prefix} | xargs)"
	ima_policy_write "measure func=BPRM_CHECK fsmagic=0xef53" || bail "module policy"
	"$SCRATCH"/true
fi
check_on builtin "host=own beside IMA: securityfs_dir=ima-ns pcr=15 keyring_prefix=.ima_ns." \
	test "$(cat $PARAMS/securityfs_dir 2>/dev/null) $(cat $PARAMS/pcr 2>/dev/null) $(cat $PARAMS/host 2>/dev/null) $(cat $PARAMS/keyring_prefix 2>/dev/null)" = "ima-ns 15 own .ima_ns."
check_on builtin "both lists measured the ext4 exec" \
	bash -c "grep -q ' $SCRATCH/true\$' $IMA/ascii_runtime_measurements && grep -q ' $SCRATCH/true\$' $BUILTIN_IMA/ascii_runtime_measurements"
check_on builtin "host=own: the module's host list replays to PCR 15" own_replays_ok 15
check_on builtin "host=own: the built-in list still replays to PCR 10" builtin_replays_ok
check_on builtin "the module's keyrings are .ima_ns.ima/.ima_ns.evm; built-in IMA's .ima and .evm are its own" \
	bash -c "grep -q ' \.ima_ns\.ima: ' /proc/keys && grep -q ' \.ima_ns\.evm: ' /proc/keys && grep -q ' \.ima: ' /proc/keys"
if on builtin; then ima_unload || bail "unload host=own"; fi
same_tree() { securityfs_tree | cmp -s "$T"/tree.before -; }
check_on builtin "host=own unloaded: built-in IMA's securityfs files as before" same_tree

# host=ima (the default beside built-in IMA): namespaces only.
if on builtin; then
	IMA_LOAD_DEFAULT_HOST=1 ima_load || bail "cannot load ima_ns.ko (host=ima) beside built-in IMA"
	diag "default: $(grep . $PARAMS/{securityfs_dir,pcr,host,keyring_prefix} | xargs)"
fi
check_on builtin "default beside IMA: host=ima" test "$(cat $PARAMS/host 2>/dev/null)" = ima
load_recorded() { buf_of "$BUILTIN_IMA"/ascii_runtime_measurements ima-ns:load | tail -n 1 | xxd -r -p | grep -qx 'host ima'; }
check_on builtin "host=ima: the load is in built-in IMA's list (ima-buf, ima-ns:load)" load_recorded
check_on builtin "host=ima: the module keeps no host list (anchor ima, empty list)" \
	test "$(head -n 1 "$IMA"/anchor 2>/dev/null) $(cat "$IMA"/runtime_measurements_count 2>/dev/null)" = "anchor ima 0"
check_on builtin "host=ima: the host's policy in the module refuses writes (EACCES)" \
	bash -c "! printf 'measure func=BPRM_CHECK\n' 2>/dev/null >$IMA/policy"
if on builtin; then
	ns_run "measure func=BPRM_CHECK" bash -c "
		$SCRATCH/true
		cat /sys/kernel/security/ima/ns_id >$T/id
		cat /sys/kernel/security/ima/policy >$T/policy
		cat /sys/kernel/security/ima/ascii_runtime_measurements >$T/list.txt
		cat /sys/kernel/security/ima/binary_runtime_measurements >$T/list.bin
		cat /sys/kernel/security/ima/runtime_measurements_count >$T/count
		cat /sys/kernel/security/ima/vpcr >$T/vpcr" >/dev/null 2>"$T"/run.err
	ns_wait_live 0 || diag "namespaces still live: $(cat "$IMA"/ns_live)"
	id=$(cat "$T"/id 2>/dev/null)
	diag "namespace ${id:-?}; $(cat "$T"/run.err)"
	printf 'ima-ns start\nversion 1\nid %s\nparent 0\nhash sha256\ntemplate ima-ng\nmodel internal\npolicy\n%s\n' \
		"$id" "$(cat "$T"/policy)" >"$T"/start.blob
	printf 'ima-ns end\nversion 1\nid %s\nentries %s\n%s\n' "$id" "$(cat "$T"/count)" "$(cat "$T"/vpcr)" >"$T"/end.blob
	cat $BUILTIN_IMA/ascii_runtime_measurements >"$T"/builtin.txt
fi
check_on builtin "inside ima-ns run: /sys/kernel/security/ima is the namespace's view (its ns_id, its list)" \
	bash -c "test -n '$id' && test '$id' -ge 1 && grep -q ' $SCRATCH/true\$' $T/list.txt"
check_on builtin "the namespace's list replays to its vpcr" ns_replay_ok "$T"/list.bin "$T"/vpcr
# anchor_buf_ok WHAT: built-in IMA's ima-ns:WHAT:<id> holds WHAT's blob.
anchor_buf_ok() { test "$(buf_of "$T"/builtin.txt "ima-ns:$1:$id")" = "$(hexof "$T"/"$1".blob)"; }
# anchor_digest_ok WHAT: its digest is the sha256 of that blob.
anchor_digest_ok() {
	test "$(awk -v n="ima-ns:$1:$id" '$5 == n { print $4 }' "$T"/builtin.txt)" = "sha256:$(sha256sum <"$T"/"$1".blob | cut -d' ' -f1)"
}
check_on builtin "built-in IMA's list: ima-ns:start:<id> is an ima-buf entry whose buffer is the start blob" \
	anchor_buf_ok start
check_on builtin "built-in IMA's list: ima-ns:end:<id> is an ima-buf entry whose buffer is the end blob (final vpcr)" \
	anchor_buf_ok end
check_on builtin "the anchors' digests are the sha256 of their buffers" \
	eval "anchor_digest_ok start && anchor_digest_ok end"
check_on builtin "host=ima: the built-in list with the anchors replays to PCR 10" builtin_replays_ok
if on builtin; then
	cat $BUILTIN_IMA/ascii_runtime_measurements >"$T"/before-unload.txt
	ima_unload || bail "unload host=ima"
	cat $BUILTIN_IMA/ascii_runtime_measurements >"$T"/after-unload.txt
fi
list_kept() {
	local n
	n=$(wc -l <"$T"/before-unload.txt)
	head -n "$n" "$T"/after-unload.txt | cmp -s "$T"/before-unload.txt - &&
		tail -n +$((n + 1)) "$T"/after-unload.txt | awk '{ print $5 }' | grep -qx ima-ns:hooks-off
}
check_on builtin "unload: built-in IMA's list kept every entry; what came after is the recorded ima-ns:hooks-off" list_kept
tree_restored() { same_tree && test ! -e "$IMA"; }
check_on builtin "unload: built-in IMA's securityfs files as before, no ima-ns/ left" tree_restored
check_on builtin "unload: the built-in list still replays to PCR 10" builtin_replays_ok

tap_finish
