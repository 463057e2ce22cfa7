#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Hostile input (issue 8): random bytes, malformed text and 1 MiB writes
# to every writable file (the host's policy and ns_unshare, a pending
# namespace's for_children/ files, a live namespace's namespaces/<id>/
# files), as root, as root without CAP_SYS_ADMIN and as an unprivileged
# user (tests/hostile_writes.py). Every write succeeds or fails with a
# clean errno, nothing changes but what the accepted writes document, the
# files still work afterwards, and the kernel reports nothing (run.sh).
# seconds: 124
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/ns_lib.sh"
tap_plan 12
T=$(mktemp -d)
HW=(python3 "$(dirname "$0")/hostile_writes.py")

ima_load || bail "cannot load ima_ns.ko"
P="measure func=FILE_CHECK mask=^MAY_READ fsmagic=0xef53"
ima_policy_write "$P" || bail "host policy"
# A live namespace, for its namespaces/<id>/ files (its policy measures
# nothing here: its list must stay still).
ns_run "measure func=BPRM_CHECK fsmagic=0xef53" sleep 601 &
ns_wait_live 1 || bail "no namespace"
id=$(ls "$IMA"/namespaces)
N=$IMA/namespaces/$id

# snapshot: everything the writes must leave alone.
snapshot() {
	local f
	for f in policy ascii_runtime_measurements runtime_measurements_count violations ns_live \
		$N/policy; do
		echo "== $f"
		cat "$IMA/${f#"$IMA"/}"
	done
	# The namespace's list, less the model-state entries writes may add.
	awk '$5 != "ima-ns:model-state"' "$N"/ascii_runtime_measurements
}
snapshot >"$T"/before
ns_before=$(cat "$N"/runtime_measurements_count)

# clean_errnos OUT: each file's errnos are clean ones.
clean_errnos() {
	! sed -n 's/.* errnos=//p' "$1" | tr ',' '\n' | grep -qvxE 'EINVAL|EACCES|EPERM|EBUSY|ENOENT|'
}

# --- root
"${HW[@]}" 1 "$IMA"/policy "$IMA"/ns_unshare "$N"/verdicts "$N"/model_state >"$T"/root.out 2>"$T"/root.err
sed -n '/attempts=/s/^/# root: /p' "$T"/root.out
tap_check "root: every write to policy, ns_unshare, verdicts, model_state returned (no crash)" \
	test "$(grep -c 'attempts=42' "$T"/root.out)" = 4
tap_check "root: every refusal is a clean errno (EINVAL; EACCES for read-write opens)" clean_errnos "$T"/root.out
tap_check "root: ns_unshare accepted none of it" \
	test "$(awk -v f="$IMA"/ns_unshare '$1 == "accepted" && $2 == f' "$T"/root.out | wc -l)" = 0
ms=$(awk -v f="$N"/model_state '$1 == "accepted" && $2 == f' "$T"/root.out | wc -l)
ns_after=$(cat "$N"/runtime_measurements_count)
tap_check "each accepted model_state write added one ima-ns:model-state entry ($ms), nothing else" \
	test "$((ns_before + ms)) $ms" = "$ns_after $(awk '$5 == "ima-ns:model-state"' "$N"/ascii_runtime_measurements | wc -l)"

# --- a pending namespace's for_children/ files (no fork until the end)
"${HW[@]}" --unshare 2 "$IMA"/for_children/policy "$IMA"/for_children/hash "$IMA"/for_children/template \
	"$IMA"/for_children/model >"$T"/fc.out 2>"$T"/fc.err
sed -n '/attempts=\|^for_children/s/^/# for_children: /p' "$T"/fc.out
fc_ok() { [ "$(grep -c 'attempts=42' "$T"/fc.out)" = 4 ] && clean_errnos "$T"/fc.out; }
tap_check "for_children: every write returned, refusals clean" fc_ok
tap_check "for_children: the settings are the defaults (sha256, ima-ng, no model, no rules)" \
	test "$(grep '^for_children/\(hash\|template\|policy\)' "$T"/fc.out | xargs)" = \
	"for_children/hash = sha256 for_children/template = ima-ng for_children/policy ="
ns_wait_live 1
tap_check "the pending namespace went with its holder (ns_live 1)" test "$(cat "$IMA"/ns_live)" = 1

# --- root without CAP_SYS_ADMIN, and an unprivileged user
setpriv --inh-caps -sys_admin --bounding-set -sys_admin \
	"${HW[@]}" 3 "$IMA"/policy "$IMA"/ns_unshare "$N"/verdicts "$N"/model_state >"$T"/nocap.out 2>&1
sed 's/^/# no CAP_SYS_ADMIN: /' "$T"/nocap.out | head -n 4
tap_check "root without CAP_SYS_ADMIN: every write open refused (EPERM; read-write EACCES), none accepted" \
	test "$(grep -c 'accepted=0 errnos=EACCES,EPERM$' "$T"/nocap.out)" = 4
setpriv --reuid 1000 --regid 1000 --clear-groups \
	"${HW[@]}" 4 "$IMA"/policy "$IMA"/ns_unshare "$N"/verdicts "$N"/model_state >"$T"/user.out 2>&1
sed 's/^/# uid 1000: /' "$T"/user.out | head -n 4
tap_check "unprivileged user: every open refused (EACCES), none accepted" \
	test "$(grep -c 'accepted=0 errnos=EACCES$' "$T"/user.out)" = 4

# Model-state entries are documented; everything else is as it was.
snapshot >"$T"/after
tap_check "policies, lists, counts, violations, ns_live unchanged" cmp -s "$T"/before "$T"/after
diff "$T"/before "$T"/after | head -n 10 | sed 's/^/# /'

# The files still work.
ima_policy_write "measure func=FILE_CHECK fowner=4242" &&
	printf 'measure func=BPRM_CHECK\n' | "$IMA_NS_TOOL" run --policy - --template ima-ngv2 -- \
		bash -c "cat $IMA/ascii_runtime_measurements" >"$T"/ok.txt
tap_check "afterwards the host policy takes a rule and a new namespace runs" \
	bash -c "grep -q 'fowner=4242' $IMA/policy && grep -q ' ima-ngv2 ' $T/ok.txt"
pkill -f 'sleep 601'
wait 2>/dev/null
ns_wait_live 0
tap_check "every namespace freed" test "$(cat "$IMA"/ns_live)" = 0
tap_finish
