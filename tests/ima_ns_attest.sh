#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The list replays to the TPM's PCR 10: checked by evmctl (ima-evm-utils),
# by tpm2-tools reading the TPM, and by an independent replay.
# Then one running namespace attested from a TPM quote (ima-ns checkpoint,
# attest, verify; Documentation/attestation.md): pass, every tamper fails
# with its own message, entries after the checkpoint still verify, the
# checkpoint control under attack.
# Must be the first module load of the boot (PCR 10 starts at zero).
# seconds: 462
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/ns_lib.sh"
tap_plan 43

ima_load || bail "cannot load ima_ns.ko"
# Only ext4 files, so the tools run below (from 9p) add no entries.
ima_policy_write "measure func=BPRM_CHECK mask=MAY_EXEC fsmagic=0xef53
measure func=FILE_CHECK mask=^MAY_READ fsmagic=0xef53" || bail "policy write failed"
cp /bin/true "$SCRATCH"/true && "$SCRATCH"/true
for i in 1 2 3 4 5; do echo "file $i" >"$SCRATCH"/f$i && cat "$SCRATCH"/f$i >/dev/null; done

T=$(mktemp -d)
cp "$IMA"/binary_runtime_measurements "$T"/list.bin
mapfile -t banks < <(tpm_banks)
diag "TPM banks: ${banks[*]}"
for alg in "${banks[@]}"; do
	for i in $(seq 0 23); do
		printf 'PCR-%02d %s\n' "$i" "$(cat /sys/class/tpm/tpm0/pcr-"$alg"/"$i")"
	done >"$T"/pcrs-"$alg"
done
# evmctl 1.4 takes at most two --pcrs files; the replay below checks all banks.
pcrs_args=(--pcrs "sha1,$T/pcrs-sha1" --pcrs "sha256,$T/pcrs-sha256")

evmctl ima_measurement "${pcrs_args[@]}" "$T"/list.bin >"$T"/evmctl.out 2>&1
rc=$?
sed 's/^/# evmctl: /' "$T"/evmctl.out | tail -n 5
tap_check "evmctl ima_measurement parses the whole binary list" test $rc = 0
# evmctl 1.4 exits 0 even when no bank matches: its verdict is this line.
tap_check "evmctl ima_measurement validates the list against TPM PCR 10 (sha1, sha256)" \
	grep -q "Matched per TPM bank" "$T"/evmctl.out

python3 "$(dirname "$0")/replay.py" "$T"/list.bin "${banks[@]}" >"$T"/replay || bail "replay failed"
ok=true
for alg in "${banks[@]}"; do
	tpm=$(tr 'A-F' 'a-f' </sys/class/tpm/tpm0/pcr-"$alg"/10)
	grep -qx "$alg $tpm" "$T"/replay || { diag "$alg: TPM $tpm, replay $(grep "^$alg " "$T"/replay)"; ok=false; }
done
tap_check "an independent replay of every bank equals TPM PCR 10" $ok

tpm2_pcrread -T device:/dev/tpmrm0 sha256:10 -o "$T"/pcr10.bin >/dev/null 2>&1
tap_check "tpm2_pcrread sha256:10 equals the replay" \
	test "$(od -An -tx1 -v "$T"/pcr10.bin | tr -d ' \n')" = "$(awk '$1 == "sha256" { print $2 }' "$T"/replay)"

agg=$(evmctl ima_boot_aggregate --pcrs sha256,"$T"/pcrs-sha256 2>/dev/null | awk '{ print $1 }')
first=$(head -n 1 "$IMA"/ascii_runtime_measurements | awk '{ print $4 }')
diag "boot_aggregate: evmctl $agg, list $first"
tap_check "boot_aggregate equals evmctl ima_boot_aggregate" test "$agg" = "$first"

n=$(python3 -c 'import sys; sys.path.insert(0, sys.argv[1]); import replay; print(sum(1 for _ in replay.entries(open(sys.argv[2], "rb").read())))' \
	"$(dirname "$0")" "$T"/list.bin)
tap_check "binary list has runtime_measurements_count entries ($n)" \
	test "$n" = "$(cat "$IMA"/runtime_measurements_count)"
tap_check "ascii and binary lists have the same entries" \
	test "$n" = "$(wc -l <"$IMA"/ascii_runtime_measurements)"
tap_check "the measured files are in the list" test "$(ima_count "$SCRATCH"/f3 "$(sha256_of "$SCRATCH"/f3)")" = 1

# Per-bank lists (upstream 6.10+): the unsuffixed files are the SHA-1 ones;
# each TPM bank's list holds that bank's template digests and replays to
# that bank's PCR 10; banks the TPM lacks have no list.
# (No process substitution here: the guest has no /dev/fd.)
cat "$IMA"/ascii_runtime_measurements >"$T"/list.txt
tap_check "the _sha1 lists are the unsuffixed lists" sh -c \
	"cat $IMA/ascii_runtime_measurements_sha1 | cmp -s $T/list.txt - &&
	 cat $IMA/binary_runtime_measurements_sha1 | cmp -s $T/list.bin -"
ok=true
for alg in "${banks[@]}"; do
	cat "$IMA"/binary_runtime_measurements_"$alg" >"$T"/list-"$alg".bin
	cat "$IMA"/ascii_runtime_measurements_"$alg" >"$T"/list-"$alg".txt
	python3 "$(dirname "$0")/replay.py" --bank "$alg" "$T"/list-"$alg".bin >"$T"/replay-"$alg" ||
		{ diag "$alg: bad per-bank list"; ok=false; continue; }
	tpm=$(tr 'A-F' 'a-f' </sys/class/tpm/tpm0/pcr-"$alg"/10)
	head -n 1 "$T"/replay-"$alg" | grep -qx "$alg $tpm" || { diag "$alg: TPM $tpm, list $(head -n 1 "$T"/replay-"$alg")"; ok=false; }
	tail -n +2 "$T"/replay-"$alg" >"$T"/digests-"$alg"
	awk '{ print $2 }' "$T"/list-"$alg".txt | cmp -s - "$T"/digests-"$alg" ||
		{ diag "$alg: ascii and binary digests differ"; ok=false; }
done
tap_check "each bank's list has that bank's template digests and replays to its PCR 10 (${banks[*]})" $ok
tap_check "... in the list's order, with the same entries as the sha1 list" \
	bash -c "cut -d' ' -f1,3- $T/list-sha256.txt >$T/a && cut -d' ' -f1,3- $T/list.txt >$T/b && cmp -s $T/a $T/b"
ok=true missing=""
for alg in sha256 sha384 sha512; do
	[ -d /sys/class/tpm/tpm0/pcr-$alg ] && continue
	missing="$missing $alg"
	cat "$IMA"/binary_runtime_measurements_$alg >/dev/null 2>"$T"/err && ok=false
	grep -q "No such file" "$T"/err || ok=false
done
if [ -n "$missing" ]; then
	tap_check "a bank the TPM does not have ($missing): ENOENT" $ok
else
	tap_skip "a bank the TPM does not have: ENOENT" "this TPM has every bank"
fi


# --- Attesting a running namespace ---
export TPM2TOOLS_TCTI=device:/dev/tpmrm0
EV=(python3 "$(dirname "$0")/evidence_tool.py")
{ tpm2_createek -c "$T"/ek.ctx -G rsa -u "$T"/ek.pub >/dev/null 2>"$T"/tpm.err &&
	tpm2_createak -C "$T"/ek.ctx -c "$T"/ak.ctx -G rsa -g sha256 -s rsassa -u "$T"/ak.pub -f pem -n "$T"/ak.name >/dev/null 2>>"$T"/tpm.err &&
	tpm2_createak -C "$T"/ek.ctx -c "$T"/ak2.ctx -G rsa -g sha256 -s rsassa -u "$T"/ak2.pub -f pem -n "$T"/ak2.name >/dev/null 2>>"$T"/tpm.err; } ||
	{ sed 's/^/# /' "$T"/tpm.err; bail "cannot create the attestation keys"; }
NS_POLICY="measure func=BPRM_CHECK fsmagic=0xef53
measure func=FILE_CHECK mask=^MAY_READ fsmagic=0xef53"
for f in a1 a2 a3 b1; do echo "content $f" >"$SCRATCH"/$f; done
mkfifo "$T"/goA "$T"/goB
# ns_start NAME FILES: a namespace that execs true, reads FILES, reports
# ready, then on each line from $T/goNAME reads the file it names; "exit" ends it.
ns_start() {
	ns_run "$NS_POLICY" bash -c "
		cat $IMA/ns_id >$T/id$1.tmp; mv $T/id$1.tmp $T/id$1
		$SCRATCH/true; for f in $2; do cat $SCRATCH/\$f >/dev/null; done
		: >$T/ready$1
		exec 3<$T/go$1
		while read -r f <&3; do [ \"\$f\" = exit ] && break; cat $SCRATCH/\$f >/dev/null; : >$T/read$1.\$f; done" &
}
ns_start A "a1 a2"
ns_start B "b1"
for i in $(seq 300); do [ -e "$T"/readyA ] && [ -e "$T"/readyB ] && break; sleep 0.1; done
exec 5>"$T"/goA 6>"$T"/goB
A=$(cat "$T"/idA) B=$(cat "$T"/idB)
diag "namespaces A=$A B=$B"
nonce=$(od -An -tx1 -N20 /dev/urandom | tr -d ' \n')
TOOL=$IMA_NS_TOOL
"$TOOL" attest "$A" --nonce "$nonce" --ak "$T"/ak.ctx -o "$T"/evA 2>"$T"/attest.err
tap_check "ima-ns attest writes evidence for running namespace $A" test -s "$T"/evA
sed 's/^/# /' "$T"/attest.err
# verify_out EV NAME [VERIFY ARGS...]: runs verify, output in $T/NAME.out.
verify_out() {
	local ev=$1 name=$2
	shift 2
	"$TOOL" verify "$ev" --ak-pub "$T"/ak.pub --nonce "$nonce" "$@" >"$T"/"$name".out 2>&1
	echo "rc=$?" >>"$T"/"$name".out
}
verify_out "$T"/evA good
sed 's/^/# /' "$T"/good.out
tap_check "ima-ns verify accepts it (quote, nonce, host replay in every bank, anchor, namespace replay)" \
	grep -qx "verified: namespace $A" "$T"/good.out
listed=${banks[*]} # verify prints "sha1, sha256" for "sha1 sha256"
tap_check "... having replayed the host list in every TPM bank (${banks[*]})" \
	bash -c "grep 'host list replays to the quoted PCR 10' $T/good.out | grep -q '${listed// /, }'"
tap_check "the checkpoint is an ima-buf anchor whose blob matches namespace $A's list prefix" \
	bash -c "cat $IMA/ascii_runtime_measurements >$T/host.txt; cat $IMA/namespaces/$A/binary_runtime_measurements >$T/nsA.bin
		python3 $(dirname "$0")/anchors_check.py $T/host.txt $A $T/nsA.bin checkpoint start | grep -qx 'anchors 2'"

"$TOOL" attest "$A" --nonce "$nonce" --ak "$T"/ak.ctx -o "$T"/evA.reduced --reduce 2>/dev/null
verify_out "$T"/evA.reduced reduced
tap_check "--reduce: the reduced evidence verifies" grep -qx "verified: namespace $A" "$T"/reduced.out
"${EV[@]}" show "$T"/evA.reduced >"$T"/reduced.show
"${EV[@]}" show "$T"/evA >"$T"/full.show
tap_check "--reduce: host entries carry data only for namespace $A's anchors (full: $(grep -c host-entry "$T"/full.show) entries with data)" \
	bash -c "grep '^host-entry' $T/reduced.show | grep -vq -e ' ima-ns:start:$A\$' -e ' ima-ns:checkpoint:$A\$' -e ' ima-ns:end:$A\$' && exit 1
		grep -q ' ima-ns:checkpoint:$A\$' $T/reduced.show && grep -q 'host-entry $SCRATCH/a1' $T/full.show"

# keylime runtime policy (format of keylime-policy create runtime).
runtime_policy() {
	printf '{"meta": {"version": 1}, "release": 0, "digests": {'
	local sep="" f
	for f in "$@"; do
		printf '%s"%s": ["%s"]' "$sep" "$SCRATCH/$f" "$(sha256sum "$SCRATCH"/"$f" | cut -d' ' -f1)"
		sep=", "
	done
	printf '}, "excludes": [], "keyrings": {}, "ima": {"ignored_keyrings": [], "log_hash_alg": "sha1", "dm_policy": null}, "ima-buf": {}, "verification-keys": ""}\n'
}
runtime_policy true a1 a2 >"$T"/policy.json
runtime_policy true a1 >"$T"/policy-short.json
verify_out "$T"/evA policy --policy "$T"/policy.json
tap_check "--policy: a keylime runtime policy listing its files allows every covered entry" \
	grep -qx "verified: namespace $A" "$T"/policy.out
verify_out "$T"/evA policy-short --policy "$T"/policy-short.json
tap_check "--policy: a file not in the policy fails, naming it" \
	bash -c "grep -q 'FAILED: policy: .*($SCRATCH/a2): path not in the allowlist' $T/policy-short.out && grep -qx rc=1 $T/policy-short.out"

# Tampers: each fails, exit 1, with its own message.
# tamper_check DESCRIPTION NAME MESSAGE: verify output NAME failed with MESSAGE.
tamper_check() {
	local ok=true
	grep -qx rc=1 "$T"/"$2".out || ok=false
	grep -q "FAILED: .*$3" "$T"/"$2".out || ok=false
	$ok || sed 's/^/# /' "$T"/"$2".out
	tap_check "$1" $ok
}
"${EV[@]}" flip-ns-entry "$T"/evA 1 "$T"/ev.changed
verify_out "$T"/ev.changed changed
tamper_check "tamper: a changed namespace entry fails" changed "namespace entry changed"
"${EV[@]}" drop-ns-entry "$T"/evA 1 "$T"/ev.dropped
verify_out "$T"/ev.dropped dropped
tamper_check "tamper: a dropped namespace entry fails" dropped "namespace entries dropped"
"$TOOL" verify "$T"/evA --ak-pub "$T"/ak.pub --nonce "00$nonce" >"$T"/stale.out 2>&1
echo "rc=$?" >>"$T"/stale.out
tamper_check "tamper: a stale nonce fails" stale "stale or replayed quote"
"$TOOL" attest "$A" --nonce "$nonce" --ak "$T"/ak2.ctx -o "$T"/ev.otherak 2>/dev/null
verify_out "$T"/ev.otherak otherak
tamper_check "tamper: a quote by another AK fails" otherak "quote by another AK"
"$TOOL" attest "$B" --nonce "$nonce" --ak "$T"/ak.ctx -o "$T"/evB 2>/dev/null
verify_out "$T"/evB goodB
tap_check "namespace $B's own evidence verifies" grep -qx "verified: namespace $B" "$T"/goodB.out
"${EV[@]}" set-namespace "$T"/evB "$A" "$T"/ev.foreign
verify_out "$T"/ev.foreign foreign
tamper_check "tamper: namespace $B's list and anchor presented as $A's fails" foreign "anchor from another namespace"
"${EV[@]}" cut-host-before-anchor "$T"/evA "$T"/ev.cut
verify_out "$T"/ev.cut cut
tamper_check "tamper: a host list cut before the anchor fails" cut "does not replay to the quoted PCR 10"

# keylime's own IMA verifier (PyPI keylime, build/keylime-venv from
# qemu/keylime-venv.sh) on the host list, anchors included: a runtime policy
# whose ima-buf section holds the digests of the anchor blobs recomputed
# here from the namespaces' files (Documentation/namespaces.md).
KL=$IMA_NS_TOP/build/keylime-venv/bin/python3
blob_start() {
	printf 'ima-ns start\nversion 1\nid %s\nparent 0\nhash sha256\ntemplate ima-ng\nmodel internal\npolicy\n' "$1"
	cat "$IMA"/namespaces/"$1"/policy
}
blob_checkpoint() { # ID [EXTRA]: the checkpoint of ID's list as it is, EXTRA more entries claimed
	printf 'ima-ns checkpoint\nversion 1\nid %s\nentries %s\n' "$1" $(($(cat "$IMA"/namespaces/"$1"/runtime_measurements_count) + ${2:-0}))
	cat "$IMA"/namespaces/"$1"/vpcr
}
# keylime_policy EXTRA: the runtime policy, A's checkpoint claiming EXTRA more entries.
keylime_policy() {
	local f sep="" id
	printf '{"meta": {"version": 1}, "release": 0, "digests": {"boot_aggregate": ["%s"]' "${agg#sha256:}"
	awk '$3 == "ima-ng" && $5 != "boot_aggregate" { print $5 }' "$T"/kl.txt | sort -u | while read -r f; do
		printf ', "%s": ["%s"]' "$f" "$(sha256sum "$f" | cut -d' ' -f1)"
	done
	printf '}, "excludes": [], "keyrings": {}, "ima": {"ignored_keyrings": [], "log_hash_alg": "sha1", "dm_policy": null}, "ima-buf": {'
	for id in $A $B; do
		printf '%s"ima-ns:start:%s": ["%s"], "ima-ns:checkpoint:%s": ["%s"]' "$sep" "$id" \
			"$(blob_start "$id" | sha256sum | cut -d' ' -f1)" "$id" \
			"$(blob_checkpoint "$id" "$([ "$id" = "$A" ] && echo "$1" || echo 0)" | sha256sum | cut -d' ' -f1)"
		sep=", "
	done
	printf '}, "verification-keys": ""}\n'
}
if [ -x "$KL" ] && ls -d "$IMA_NS_TOP"/build/keylime-venv/lib/python3*/site-packages/keylime >/dev/null 2>&1; then
	cat "$IMA"/ascii_runtime_measurements >"$T"/kl.txt
	pcr=$(cat /sys/class/tpm/tpm0/pcr-sha1/10)
	keylime_policy 0 >"$T"/kl.json
	keylime_policy 1 >"$T"/kl-wrong.json
	# A's checkpoint buffer with one hex digit changed.
	awk -v n="ima-ns:checkpoint:$A" '$5 == n { $6 = substr($6, 1, 10) (substr($6, 11, 1) == "0" ? "1" : "0") substr($6, 12) } { print }' \
		"$T"/kl.txt >"$T"/kl-changed.txt
	"$KL" "$(dirname "$0")"/keylime_check.py "$pcr" "$T"/kl.txt "$T"/kl.json "$T"/kl.txt "$T"/kl-wrong.json \
		"$T"/kl-changed.txt "$T"/kl.json >"$T"/kl.out 2>&1
	sed 's/^/# /' "$T"/kl.out | cut -c 1-300
	tap_check "keylime validates the host list against PCR 10 with a runtime policy holding the recomputed anchor blobs ($(grep -c ' ima-ns:' "$T"/kl.txt) anchors)" \
		grep -qx "case 1: $(wc -l <"$T"/kl.txt) entries, ok" "$T"/kl.out
	got=$(blob_checkpoint "$A" 0 | sha256sum | cut -d' ' -f1)
	tap_check "keylime: a checkpoint anchor whose blob is not the expected one fails" \
		bash -c "grep -q '^case 2: [0-9]* entries, failed\$' $T/kl.out && grep -q '^case 2: keylime: .*runtime_policy_hash.*$got' $T/kl.out"
	tap_check "keylime: an anchor buffer changed in the list fails (template hash)" \
		bash -c "grep -q '^case 3: [0-9]* entries, failed\$' $T/kl.out && grep -q '^case 3: keylime: ima.validation.ima_hash' $T/kl.out"
else
	for c in "keylime validates the host list with anchors" "keylime: a wrong anchor blob fails" "keylime: a changed anchor buffer fails"; do
		tap_skip "$c" "no keylime venv (bash qemu/keylime-venv.sh)"
	done
fi

# Entries appended after the checkpoint: the prefix still verifies.
echo a3 >&5
for i in $(seq 100); do [ -e "$T"/readA.a3 ] && break; sleep 0.1; done
cat "$IMA"/namespaces/"$A"/binary_runtime_measurements >"$T"/nsA-later.bin
"${EV[@]}" replace-ns-list "$T"/evA "$T"/nsA-later.bin "$T"/ev.later
verify_out "$T"/ev.later later
tap_check "entries appended after the checkpoint: the list still verifies up to it" \
	bash -c "grep -qx 'verified: namespace $A' $T/later.out && grep -q '1 namespace entries after the anchor are not covered' $T/later.out"

# --- The checkpoint control under attack ---
cat "$IMA"/ascii_runtime_measurements >"$T"/before.txt
ns_run "$NS_POLICY" bash -c "
	for id in $A $B; do echo 1 2>>$T/inside.err >$IMA/namespaces/\$id/checkpoint && echo \"wrote \$id\"; done
	echo 1 2>>$T/inside.err >$IMA/namespaces/0/checkpoint && echo 'wrote 0'
	ls $IMA/namespaces/" >"$T"/inside.out 2>&1
cat "$IMA"/ascii_runtime_measurements >"$T"/after.txt
tap_check "root in a namespace cannot checkpoint its siblings or the host (ENOENT)" \
	bash -c "! grep -q wrote $T/inside.out && test \$(grep -c 'No such file' $T/inside.err) = 3"
tap_check "... and no anchor of $A or $B was recorded" \
	test "$(grep -c -e "ima-ns:checkpoint:$A\$" -e "ima-ns:checkpoint:$B\$" -e "ima-ns:checkpoint:$A " -e "ima-ns:checkpoint:$B " "$T"/before.txt)" = \
	"$(grep -c -e "ima-ns:checkpoint:$A\$" -e "ima-ns:checkpoint:$B\$" -e "ima-ns:checkpoint:$A " -e "ima-ns:checkpoint:$B " "$T"/after.txt)"
setpriv --reuid 5558 --regid 5558 --clear-groups sh -c "echo 1 >$IMA/namespaces/$A/checkpoint" 2>"$T"/unpriv.err
rc=$?
tap_check "an unprivileged user cannot checkpoint (EACCES)" bash -c "test $rc != 0 && grep -q 'Permission denied' $T/unpriv.err"
setpriv --inh-caps=-sys_admin --bounding-set=-sys_admin sh -c "echo 1 >$IMA/namespaces/$A/checkpoint" 2>"$T"/nocap.err
rc=$?
tap_check "root without CAP_SYS_ADMIN cannot checkpoint" bash -c "test $rc != 0 && test -s $T/nocap.err"
echo 2 >"$IMA"/namespaces/"$A"/checkpoint 2>"$T"/bad.err
tap_check "a write other than 1 is EINVAL" grep -q "Invalid argument" "$T"/bad.err

# Concurrent checkpoints while namespace A measures new files.
for i in $(seq 1 20); do echo "later $i" >"$SCRATCH"/c"$i"; done
( for i in $(seq 1 20); do echo c"$i"; done ) >&5 &
feeder=$!
python3 "$(dirname "$0")"/concurrent_writes.py value "$IMA"/namespaces/"$A"/checkpoint shared 8 10 1 >"$T"/cw.out 2>&1
python3 "$(dirname "$0")"/concurrent_writes.py value "$IMA"/namespaces/"$A"/checkpoint reopen 4 10 1 >>"$T"/cw.out 2>&1
wait $feeder
for i in $(seq 100); do [ -e "$T"/readA.c20 ] && break; sleep 0.1; done
diag "concurrent checkpoints: $(grep -c '^accepted' "$T"/cw.out) accepted, $(grep '^errnos' "$T"/cw.out | tr '\n' ' ')"
cat "$IMA"/ascii_runtime_measurements >"$T"/host2.txt
cat "$IMA"/binary_runtime_measurements >"$T"/host2.bin
cat "$IMA"/namespaces/"$A"/binary_runtime_measurements >"$T"/nsA2.bin
cat "$IMA"/namespaces/"$A"/vpcr >"$T"/vpcrA
python3 "$(dirname "$0")"/anchors_check.py "$T"/host2.txt "$A" "$T"/nsA2.bin checkpoint >"$T"/anchors.out 2>&1
tap_check "120 concurrent checkpoint writes (shared fd, reopen): all accepted" test "$(grep -c '^accepted' "$T"/cw.out)" = 120
tap_check "... every checkpoint anchor of $A matches a prefix of its list ($(tail -n 1 "$T"/anchors.out))" \
	bash -c "grep -q '^anchors [1-9]' $T/anchors.out"
tap_check "... the host list still replays to PCR 10 in every bank" tpm_replay_ok "$T"/host2.bin "${banks[@]}"
tap_check "... namespace $A's list still replays to its vpcr" ns_replay_ok "$T"/nsA2.bin "$T"/vpcrA
nonce=$(od -An -tx1 -N20 /dev/urandom | tr -d ' \n')
"$TOOL" attest "$A" --nonce "$nonce" --ak "$T"/ak.ctx -o "$T"/evA2 2>/dev/null
verify_out "$T"/evA2 good2
tap_check "... and a fresh attestation verifies" grep -qx "verified: namespace $A" "$T"/good2.out

# The end anchor: attestation after the namespace ended uses it.
echo exit >&5
exec 5>&-
ns_wait_live 1 || diag "namespaces live: $(cat "$IMA"/ns_live)"
tap_check "checkpoint of an ended namespace fails (its directory is gone)" \
	bash -c "! echo 1 2>/dev/null >$IMA/namespaces/$A/checkpoint"
echo exit >&6
exec 6>&-
wait
ns_wait_live 0 || diag "namespaces live: $(cat "$IMA"/ns_live)"
cat "$IMA"/ascii_runtime_measurements >"$T"/host3.txt
tap_check "the end anchors are ima-buf blobs matching the final lists" \
	bash -c "python3 $(dirname "$0")/anchors_check.py $T/host3.txt $A $T/nsA2.bin end | grep -qx 'anchors 1'"

ima_unload || diag "unload failed"
tap_finish
