#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# flavors: test distro
# IMA namespaces: a command run in a new namespace is measured in that
# namespace's list (its first exec first), and in the host's only where the
# host's policy asks; the list replays to the namespace's virtual PCR; the
# host's list anchors the namespace's start and end; isolation; bad input.
# seconds: 225
# seconds-distro: 116
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/ns_lib.sh"
tap_plan 34

ima_load || bail "cannot load ima_ns.ko"
# The host measures execs from ext4 only; the namespaces, every exec.
ima_policy_write "measure func=BPRM_CHECK fsmagic=0xef53" || bail "host policy"
cp /bin/true "$SCRATCH"/true
T=$(mktemp -d)
NS_POLICY="measure func=BPRM_CHECK
measure func=FILE_CHECK mask=MAY_READ fsmagic=0xef53"
echo "data one" >"$SCRATCH"/data

# One namespace: runs true (9p, host does not measure), the ext4 copy of
# true (both measure), reads data, then saves its own view of everything.
ns_run "$NS_POLICY" bash -c "
	/bin/true; $SCRATCH/true; $SCRATCH/true; cat $SCRATCH/data >/dev/null
	cat $IMA/ns_id >$T/id
	cat $IMA/policy >$T/policy
	cat $IMA/runtime_measurements_count >$T/count
	cat $IMA/binary_runtime_measurements >$T/list.bin
	cat $IMA/ascii_runtime_measurements >$T/list.txt
	cat $IMA/binary_runtime_measurements_sha512 >$T/list-sha512.bin
	cat $IMA/vpcr >$T/vpcr"
rc=$?
id=$(cat "$T"/id)
diag "namespace $id; its list:"
sed 's/^/#   /' "$T"/list.txt

tap_check "ima-ns run exits with the command's status" test $rc = 0
tap_check "the namespace has its own id" test "$id" -ge 1
tap_check "its first entry is the first exec (bash), not a boot_aggregate" \
	test "$(head -n 1 "$T"/list.txt | awk '{ print $5 }')" = "$(readlink -f /bin/bash)"
tap_check "its policy reads back in canonical form" \
	test "$(cat "$T"/policy)" = "measure func=BPRM_CHECK 
measure func=FILE_CHECK mask=MAY_READ fsmagic=0xef53 "
tap_check "/usr/bin/true measured in the namespace with its sha256" \
	test "$(awk '$5 == "/usr/bin/true" { print $4 }' "$T"/list.txt)" = "$(sha256_of /usr/bin/true)"
tap_check "the ext4 true measured once in the namespace (run twice)" \
	test "$(awk -v f="$SCRATCH"/true '$5 == f' "$T"/list.txt | wc -l)" = 1
tap_check "the data file read is measured in the namespace" \
	test "$(awk -v f="$SCRATCH"/data '$5 == f { print $4 }' "$T"/list.txt)" = "$(sha256_of "$SCRATCH"/data)"
tap_check "/usr/bin/true is not in the host list (host policy: ext4 only)" \
	test "$(ima_digests_of /usr/bin/true | wc -l)" = 0
tap_check "the ext4 true is in the host list too" \
	test "$(ima_count "$SCRATCH"/true "$(sha256_of "$SCRATCH"/true)")" = 1
tap_check "count file equals the entries in its list" \
	test "$(cat "$T"/count)" = "$(wc -l <"$T"/list.txt)"
tap_check "the namespace list replays to its vpcr in sha1, sha256, sha384, sha512" \
	ns_replay_ok "$T"/list.bin "$T"/vpcr
tap_check "evmctl ima_measurement validates the list against the vpcr" \
	ns_evmctl_ok "$T"/list.bin "$T"/vpcr
tap_check "its binary_runtime_measurements_sha512 holds sha512 template digests replaying to the sha512 vpcr" \
	bash -c "python3 $IMA_NS_TOP/tests/replay.py --bank sha512 $T/list-sha512.bin | head -n 1 | grep -qxF \"\$(grep '^sha512 ' $T/vpcr)\""

# Anchors in the host list: ima-buf entries whose buffer is the documented
# blob (Documentation/namespaces.md), digest the blob's sha256.
ns_wait_live 0 || diag "namespaces still live: $(cat "$IMA"/ns_live)"
printf 'ima-ns start\nversion 1\nid %s\nparent 0\nhash sha256\ntemplate ima-ng\nmodel internal\npolicy\n%s\n' "$id" "$(cat "$T"/policy)" >"$T"/start.blob
printf 'ima-ns end\nversion 1\nid %s\nentries %s\n%s\n' "$id" "$(cat "$T"/count)" "$(cat "$T"/vpcr)" >"$T"/end.blob
# anchor_ok KIND BLOB: one such entry, template ima-buf, buffer BLOB, digest sha256(BLOB).
anchor_ok() {
	local want
	want="ima-buf sha256:$(sha256sum <"$2" | cut -d' ' -f1) ima-ns:$1:$id $(od -An -tx1 -v "$2" | tr -d ' \n')"
	test "$(awk -v n="ima-ns:$1:$id" '$5 == n { print $3, $4, $5, $6 }' "$IMA"/ascii_runtime_measurements)" = "$want"
}
tap_check "host list: ima-ns:start:$id is an ima-buf entry holding the configuration blob" anchor_ok start "$T"/start.blob
tap_check "host list: ima-ns:end:$id is an ima-buf entry holding the final count and vpcr" anchor_ok end "$T"/end.blob
tap_check "the namespace is freed when its last task exits (ns_live 0)" test "$(cat "$IMA"/ns_live)" = 0
tap_check "its namespaces/$id directory is gone" test ! -e "$IMA"/namespaces/"$id"

# Isolation: two siblings; the parent (host) sees both, each sees neither.
mkfifo "$T"/go
ns_run "measure func=BPRM_CHECK" bash -c "cat $IMA/ns_id >$T/a; read x <$T/go" &
ns_run "measure func=BPRM_CHECK" bash -c "
	until [ -s $T/a ]; do sleep 0.1; done
	a=\$(cat $T/a)
	cat $IMA/namespaces/\$a/ascii_runtime_measurements >/dev/null 2>$T/sibling.err; echo \$? >$T/sibling.rc
	grep -c boot_aggregate $IMA/ascii_runtime_measurements >$T/own_boot
	echo 'measure func=FILE_CHECK' | setpriv --reuid 1000 --regid 1000 --clear-groups tee $IMA/policy >/dev/null 2>$T/unpriv.err
	cat $IMA/policy >$T/b_policy
	echo go >$T/go"
wait
# ENOENT, not EACCES: a sibling's namespaces/<id> is hidden from it
# (tests/ima_ns_isolation.sh), so the walk fails before any open.
tap_check "a namespace cannot read a sibling's list (ENOENT: hidden)" \
	grep -q "No such file or directory" "$T"/sibling.err
tap_check "inside, the list file is the namespace's own (no host boot_aggregate)" \
	test "$(cat "$T"/own_boot)" = 0
tap_check "inside, an unprivileged user cannot write the policy" \
	grep -q "Permission denied" "$T"/unpriv.err
tap_check "... and the policy is unchanged" test "$(cat "$T"/b_policy)" = "measure func=BPRM_CHECK "

# The tool's view from the host, and a file view outliving the tasks.
mkfifo "$T"/go2
ns_run "measure func=BPRM_CHECK" bash -c "cat $IMA/ns_id >$T/c; read x <$T/go2" &
until [ -s "$T"/c ]; do sleep 0.1; done
c=$(cat "$T"/c)
"$IMA_NS_TOOL" list >"$T"/tool_list
"$IMA_NS_TOOL" show "$c" >"$T"/tool_show
# shellcheck disable=SC2016 # an awk program
tap_check "ima-ns list shows the live namespace $c with parent 0" \
	awk -v c="$c" '$1 == c && $2 == 0 { f = 1 } END { exit !f }' "$T"/tool_list
tap_check "ima-ns show $c prints its list" grep -q " $(readlink -f /bin/cat)\$" "$T"/tool_show
exec 3<"$IMA"/namespaces/"$c"/ascii_runtime_measurements
echo go >"$T"/go2
wait
for _ in $(seq 100); do grep -q " ima-ns:end:$c\$" "$IMA"/ascii_runtime_measurements && break; sleep 0.1; done
tap_check "an open file keeps an ended namespace alive (ns_live 1), readable" \
	bash -c "test \"\$(cat $IMA/ns_live)\" = 1 && grep -q ' $(readlink -f /bin/cat)\$' <&3"
exec 3<&-
tap_check "closing it frees the namespace (ns_live 0)" ns_wait_live 0

# A namespace in another template.
printf 'measure func=BPRM_CHECK\n' | "$IMA_NS_TOOL" run --policy - --template ima-ngv2 -- bash -c "
	/bin/true
	cat $IMA/ascii_runtime_measurements >$T/v2.txt
	cat $IMA/binary_runtime_measurements >$T/v2.bin
	cat $IMA/vpcr >$T/v2.vpcr"
tap_check "--template ima-ngv2: entries carry it, digests read ima:sha256:<hex>" \
	test "$(awk '$5 == "/usr/bin/true" { print $3, $4 }' "$T"/v2.txt)" = "ima-ngv2 ima:$(sha256_of /usr/bin/true)"
tap_check "... and its binary list replays to its vpcr" ns_replay_ok "$T"/v2.bin "$T"/v2.vpcr

# Bad input: nothing changes. Only shell builtins until /bin/true: any
# forked command would be the namespace's first member and activate it.
ns_wait_live 0
setpriv --reuid 1000 --regid 1000 --clear-groups bash -c "echo 1 >$IMA/ns_unshare" 2>"$T"/unpriv_unshare.err
tap_check "ns_unshare by an unprivileged user: refused, no namespace made" \
	bash -c "grep -q 'Permission denied' $T/unpriv_unshare.err && test \"\$(cat $IMA/ns_live)\" = 0"
tap_check "for_children/hash without a pending namespace: ENOENT" \
	bash -c "! echo sha1 2>$T/e >$IMA/for_children/hash && grep -q 'No such file' $T/e"
bash -c "
	echo 1 >$IMA/ns_unshare
	echo 1 >$IMA/ns_unshare 2>$T/twice.err; echo \$? >$T/twice.rc
	echo md5 >$IMA/for_children/hash 2>$T/hash.err
	echo ima-foo >$IMA/for_children/template 2>$T/tmpl.err
	printf 'measure func=BPRM_CHECK\nmeasure bogus=1\n' >$IMA/for_children/policy 2>$T/pol.err
	read -r h <$IMA/for_children/hash; echo \$h >$T/hash
	: >$T/pol; while read -r l; do echo \$l >>$T/pol; done <$IMA/for_children/policy
	/bin/true
	echo sha1 2>$T/late.err >$IMA/for_children/hash"
tap_check "a second ns_unshare while one is pending: EBUSY" grep -q "busy" "$T"/twice.err
tap_check "bad hash and template names: EINVAL, hash unchanged" \
	bash -c "grep -q 'Invalid argument' $T/hash.err && grep -q 'Invalid argument' $T/tmpl.err && test \"\$(cat $T/hash)\" = sha256"
tap_check "a bad rule drops the whole for_children policy update (empty policy)" \
	bash -c "grep -q 'Invalid argument' $T/pol.err && test ! -s $T/pol"
tap_check "configuration after activation: EBUSY" grep -q "busy" "$T"/late.err

ns_wait_live 0
ima_unload || diag "unload failed"
"$IMA_NS_TOOL" run --policy /dev/null -- true 2>"$T"/noload.err
tap_check "without the module, ima-ns run fails with 125 and says so" \
	bash -c "test $? = 125 && grep -qi 'not loaded' $T/noload.err"
tap_finish
