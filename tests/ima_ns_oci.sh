#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Containers: Debian's crun (and runc) behind `ima-ns oci` put each
# container in an IMA namespace configured by its bundle's annotations:
# the container's init is the first member and the runtime is not, `exec`
# joins it, two containers see only their own lists, the host's list
# anchors each with its container id, an `appraise` annotation denies an
# unsigned binary (EACCES), `delete` leaves nothing. The `ns_join` control
# and the `pidns` entry under attack: itself, siblings, ancestors, no
# CAP_SYS_ADMIN, ended and inactive namespaces, concurrent writers.
# qemu-args: -t 2400
# seconds: 285
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/ns_lib.sh"
. "$(dirname "$0")/oci_lib.sh"
tap_plan 35

ima_load || bail "cannot load ima_ns.ko"
T=$(mktemp -d)
OCI=$SCRATCH/oci
ROOTFS=$OCI/rootfs
CROOT=/run/crun-test
STATE=/run/ima-ns-oci
# crun checks /sys/fs/cgroup's type even without a cgroup manager.
mountpoint -q /sys/fs/cgroup || mount -t cgroup2 none /sys/fs/cgroup
oci_rootfs "$ROOTFS"
cp /bin/busybox "$ROOTFS"/bin/unsigned
chown 1234 "$ROOTFS"/bin/unsigned
for c in a b exec; do echo "data for $c" >"$ROOTFS"/etc/data-$c; done
BUSYBOX=$(sha256_of "$ROOTFS"/bin/busybox)
# crun without cgroups (the test kernel has no cgroup controllers mounted).
crun_oci() { "$IMA_NS_TOOL" oci --runtime /usr/bin/crun -- --cgroup-manager=disabled --root $CROOT "$@"; }
crun_plain() { crun --cgroup-manager=disabled --root $CROOT "$@"; }
POLICY='measure func=BPRM_CHECK\nmeasure func=FILE_CHECK mask=MAY_READ fsmagic=0xef53'
ANN_A="{\"org.ima-ns.policy\": \"$POLICY\", \"org.opencontainers.image.ref.name\": \"test/busybox:a\"}"
ANN_B="{\"org.ima-ns.policy\": \"$POLICY\"}"

# --- ns_unshare "pidns": only a child born into a new PID namespace enters
(
	echo pidns >"$IMA"/ns_unshare
	echo "measure func=BPRM_CHECK" >"$IMA"/for_children/policy
	cat "$IMA"/for_children/ns_id >"$T"/g.id
	"$IMA_NS_TOOL" id >"$T"/g.plain
	unshare --pid --fork "$IMA_NS_TOOL" id >"$T"/g.pidns
	true
)
G=$(cat "$T"/g.id)
tap_check "pidns entry: a plain child stays in the host, the first child in a new PID namespace enters ($G)" \
	test "$(cat "$T"/g.plain) $(cat "$T"/g.pidns)" = "0 $G"

# --- two containers at once, through crun
oci_bundle "$OCI"/a "$ROOTFS" a '["/bin/sh", "-c", "cat /etc/data-a >/dev/null; echo started; exec sleep 600"]' "$ANN_A"
oci_bundle "$OCI"/b "$ROOTFS" b '["/bin/sh", "-c", "cat /etc/data-b >/dev/null; echo started; exec sleep 600"]' "$ANN_B"
crun_oci create --bundle "$OCI"/a c1 >"$T"/c1.out 2>&1
rc_a=$?
# c2 through the ima-ns-runtime entry point (a link, settings from the environment).
ln -s "$IMA_NS_TOOL" "$T"/ima-ns-runtime
IMA_NS_OCI_RUNTIME=/usr/bin/crun "$T"/ima-ns-runtime --cgroup-manager=disabled --root $CROOT \
	create --bundle "$OCI"/b c2 >"$T"/c2.out 2>&1
rc_b=$?
crun_plain start c1 && crun_plain start c2
{ oci_wait_file "$T"/c1.out started && oci_wait_file "$T"/c2.out started; } ||
	diag "containers did not start: $(cat "$T"/c1.out "$T"/c2.out)"
A=$(cat $STATE/_run_crun-test/c1 2>/dev/null)
B=$(cat $STATE/_run_crun-test/c2 2>/dev/null)
diag "c1: namespace $A, c2: namespace $B"
tap_check "ima-ns oci create and ima-ns-runtime create (crun) succeed, each container with its own namespace" \
	test "$rc_a $rc_b" = "0 0" -a -n "$A" -a -n "$B" -a "$A" != "$B"
oci_list "$A" >"$T"/a.list
oci_list "$B" >"$T"/b.list
sed 's/^/# c1: /' "$T"/a.list
tap_check "c1's first entry is its entrypoint's exec (busybox, right digest): the init is the first member" \
	test "$(head -n 1 "$T"/a.list | awk '{ print $4 }')" = "$BUSYBOX"
tap_check "c1's list has the entrypoint's read of /etc/data-a with its digest" \
	has_digest "$T"/a.list "$(sha256_of "$ROOTFS"/etc/data-a)" /etc/data-a
tap_check "the runtime's own reads are not in c1's list (config.json, crun, host libraries)" \
	eval "! grep -qE 'config\.json|crun|/usr/|/lib' $T/a.list && ! has_digest $T/a.list $(sha256_of /usr/bin/crun)"
tap_check "c2's list has its own read, and not c1's" \
	eval "has_digest $T/b.list $(sha256_of "$ROOTFS"/etc/data-b) /etc/data-b && ! has_digest $T/b.list $(sha256_of "$ROOTFS"/etc/data-a)"
tap_check "c1's list does not have c2's read" \
	eval "! has_digest $T/a.list $(sha256_of "$ROOTFS"/etc/data-b)"

# --- exec: the wrapper joins, plain crun does not
crun_oci exec c1 /bin/cat /etc/data-exec >"$T"/exec.out 2>&1
crun_oci exec c1 /bin/cat /sys/kernel/security/ima/ns_id >"$T"/exec.id 2>&1
crun_oci exec c1 /bin/cat /sys/kernel/security/ima/ascii_runtime_measurements >"$T"/a.inside 2>&1
crun_oci exec c2 /bin/cat /sys/kernel/security/ima/ascii_runtime_measurements >"$T"/b.inside 2>&1
crun_plain exec c1 /bin/cat /sys/kernel/security/ima/ns_id >"$T"/plain.id 2>&1
oci_list "$A" >"$T"/a.list2
tap_check "ima-ns oci exec lands in c1's namespace (its ns_id reads $A)" test "$(cat "$T"/exec.id)" = "$A"
tap_check "the exec'd process's read of /etc/data-exec is in c1's list" \
	has_digest "$T"/a.list2 "$(sha256_of "$ROOTFS"/etc/data-exec)" /etc/data-exec
tap_check "plain crun exec stays in the host namespace (ns_id 0): the join is what puts it inside" \
	test "$(cat "$T"/plain.id)" = 0
tap_check "inside, c1 sees its own list (data-a, data-exec) and not c2's" \
	eval "has_digest $T/a.inside $(sha256_of "$ROOTFS"/etc/data-a) && has_digest $T/a.inside $(sha256_of "$ROOTFS"/etc/data-exec) && ! has_digest $T/a.inside $(sha256_of "$ROOTFS"/etc/data-b)"
tap_check "inside, c2 sees its own list and not c1's" \
	eval "has_digest $T/b.inside $(sha256_of "$ROOTFS"/etc/data-b) && ! has_digest $T/b.inside $(sha256_of "$ROOTFS"/etc/data-a) && ! has_digest $T/b.inside $(sha256_of "$ROOTFS"/etc/data-exec)"
tap_check "c1's list replays to its virtual PCR" \
	eval "cat $IMA/namespaces/$A/binary_runtime_measurements >$T/a.bin && cat $IMA/namespaces/$A/vpcr >$T/a.vpcr && ns_replay_ok $T/a.bin $T/a.vpcr"

# --- the host's start anchor carries the container's identity
start_blob() { # ID CONTAINER BUNDLE ANNOTATION-LINES...
	local id=$1 c=$2 b=$3
	shift 3
	printf 'ima-ns start\nversion 1\nid %s\nparent 0\nhash sha256\ntemplate ima-ng\nmodel internal\n' "$id"
	printf 'identity container %s\nidentity runtime crun\nidentity bundle %s\nidentity rootfs %s\n' "$c" "$b" "$ROOTFS"
	local l
	for l in "$@"; do printf 'identity %s\n' "$l"; done
	printf 'policy\n'
	cat "$IMA"/namespaces/"$id"/policy
}
start_blob "$A" c1 "$OCI"/a "annotation org.opencontainers.image.ref.name=test/busybox:a" >"$T"/a.start
start_blob "$B" c2 "$OCI"/b >"$T"/b.start
diag "c1's start blob:"
sed 's/^/#   /' "$T"/a.start
tap_check "host list: ima-ns:start:$A is the digest of c1's configuration with its id, bundle, rootfs and image" \
	test "$(ima_digests_of ima-ns:start:"$A")" = "$(sha256_of "$T"/a.start)"
tap_check "host list: ima-ns:start:$B is the digest of c2's, with its id" \
	test "$(ima_digests_of ima-ns:start:"$B")" = "$(sha256_of "$T"/b.start)"
tap_check "for_children/identity is locked once active (EBUSY), and a join is no configuration handle" \
	test "$(errno_ops "$IMA"/ns_join="$A" "$IMA/for_children/identity=container x")" = "OK EBUSY"

# --- ns_join under attack
# Root without CAP_SYS_ADMIN, and an unprivileged user.
tap_check "ns_join: root without CAP_SYS_ADMIN gets EPERM" \
	test "$(setpriv --inh-caps -sys_admin --bounding-set -sys_admin bash -c "$(declare -f errno_ops); errno_ops $IMA/ns_join=$A")" = EPERM
tap_check "ns_join: an unprivileged user gets EACCES" \
	test "$(setpriv --reuid 1000 --regid 1000 --clear-groups bash -c "$(declare -f errno_ops); errno_ops $IMA/ns_join=$A")" = EACCES
tap_check "ns_join: malformed values are EINVAL (0, -1, 01, '$A x', empty)" \
	test "$(errno_ops "$IMA"/ns_join=0 "$IMA"/ns_join=-1 "$IMA"/ns_join=01 "$IMA/ns_join=$A x" "$IMA"/ns_join=)" = "EINVAL EINVAL EINVAL EINVAL EINVAL"
# A host task joins c1 for its children (plain entry): its next child is in.
( echo "$A" >"$IMA"/ns_join && "$IMA_NS_TOOL" id >"$T"/join.id; true )
tap_check "ns_join from the host: the writer's next child is in namespace $A" test "$(cat "$T"/join.id)" = "$A"
# From inside namespaces: itself, a sibling, the host, an ancestor.
cat >"$T"/nested.sh <<EOF
#!/bin/bash
$(declare -f errno_ops)
echo "ancestor=\$(errno_ops $IMA/ns_join=\$1)"
sleep 3
EOF
cat >"$T"/inside.sh <<EOF
#!/bin/bash
$(declare -f errno_ops)
me=\$(cat $IMA/ns_id)
echo "self=\$(errno_ops $IMA/ns_join=\$me)"
echo "sibling=\$(errno_ops $IMA/ns_join=$A)"
echo "host=\$(errno_ops $IMA/ns_join=0)"
echo "measure func=BPRM_CHECK" | "$IMA_NS_TOOL" run --policy - -- $T/nested.sh \$me &
sleep 1
child=\$(ls $IMA/namespaces)
echo "child=\$(errno_ops $IMA/ns_join=\$child)"
wait
EOF
chmod +x "$T"/inside.sh "$T"/nested.sh
ns_run "measure func=BPRM_CHECK" "$T"/inside.sh >"$T"/inside.out 2>&1
sed 's/^/# inside: /' "$T"/inside.out
tap_check "from inside a namespace: joining itself, a sibling (c1) or the host fails (ENOENT, ENOENT, EINVAL)" \
	test "$(grep -E '^(self|sibling|host)=' "$T"/inside.out | xargs)" = "self=ENOENT sibling=ENOENT host=EINVAL"
tap_check "from a nested namespace: joining its parent fails (ENOENT)" grep -qx "ancestor=ENOENT" "$T"/inside.out
tap_check "from inside a namespace: joining its own active child works" grep -qx "child=OK" "$T"/inside.out
# A namespace with no member yet.
# (Builtins only, a timed read of a FIFO for a sleep: a forked command
# would be its first member.)
mkfifo "$T"/hold
( echo 1 >"$IMA"/ns_unshare; read -r p <"$IMA"/for_children/ns_id; echo "$p" >"$T"/pending.id; read -r -t 120 _ <>"$T"/hold; true ) &
holder=$!
oci_wait_file "$T"/pending.id "$((G + 5))" || diag "pending namespace: $(cat "$T"/pending.id)"
pending_result=$(errno_ops "$IMA"/ns_join="$(cat "$T"/pending.id)")
diag "join of pending namespace $(cat "$T"/pending.id): $pending_result"
tap_check "ns_join of a namespace with no member yet ($(cat "$T"/pending.id)) is EINVAL" \
	test "$pending_result" = EINVAL
kill $holder
wait $holder
# Concurrent writers on one fd and separate fds.
live=$(cat "$IMA"/ns_live)
python3 "$IMA_NS_TOP/tests/concurrent_writes.py" value "$IMA"/ns_join shared 8 20 "$A" "$B pidns" "$A pidns" junk >"$T"/cw1.out 2>&1
python3 "$IMA_NS_TOP/tests/concurrent_writes.py" value "$IMA"/ns_join separate 8 20 "$A" "$B" >"$T"/cw2.out 2>&1
tail -n 1 "$T"/cw1.out | sed 's/^/# shared: /'
tail -n 1 "$T"/cw2.out | sed 's/^/# separate: /'
cw_ok() {
	grep -q "^accepted $A" "$1" && ! sed -n 's/.*errnos=//p' "$1" | tr ',' '\n' | grep -qvxE 'EINVAL|'
}
tap_check "concurrent ns_join writes: accepted, only the junk refused (EINVAL)" eval "cw_ok $T/cw1.out && cw_ok $T/cw2.out"
diag "after concurrent writes: ns_live $(cat "$IMA"/ns_live), namespaces: $(find "$IMA"/namespaces -mindepth 1 -maxdepth 1 -printf '%f\n' | sort | xargs), join c1: $(errno_ops "$IMA"/ns_join="$A")"
tap_check "after them: namespaces still live ($live), c1 still joinable, its list still replays" \
	eval "test \$(cat $IMA/ns_live) = $live && test \"\$(crun_oci exec c1 /bin/cat /sys/kernel/security/ima/ns_id)\" = $A && cat $IMA/namespaces/$A/binary_runtime_measurements >$T/a.bin && cat $IMA/namespaces/$A/vpcr >$T/a.vpcr && ns_replay_ok $T/a.bin $T/a.vpcr"

# --- an appraise rule in the annotation denies an unsigned binary
ANN_C='{"org.ima-ns.policy": "appraise func=BPRM_CHECK fowner=1234\nmeasure func=BPRM_CHECK"}'
oci_bundle "$OCI"/c "$ROOTFS" c '["/bin/sh", "-c", "/bin/unsigned echo unsigned-ran; echo rc=$?; /bin/busybox echo other-ok; cat /sys/kernel/security/ima/ns_id"]' "$ANN_C"
crun_oci run --bundle "$OCI"/c c3 >"$T"/c3.out 2>&1
rc=$?
sed 's/^/# c3: /' "$T"/c3.out
tap_check "appraise annotation: the unsigned binary is denied (Permission denied, rc 126), another runs" \
	eval "test $rc = 0 && grep -q 'unsigned: Permission denied' $T/c3.out && grep -qx rc=126 $T/c3.out && grep -qx other-ok $T/c3.out && ! grep -q unsigned-ran $T/c3.out"
C=$(tail -n 1 "$T"/c3.out)
ns_wait_live "$live"
tap_check "a finished container's namespace cannot be joined (ENOENT) and the writer holds nothing after" \
	test "$(errno_ops "$IMA"/ns_join="$C" "$IMA"/for_children/ns_id)" = "ENOENT ENOENT"
tap_check "ima-ns oci run removed c3's state, and its end anchor is in the host list" \
	eval "test ! -e $STATE/_run_crun-test/c3 && test -n \"\$(ima_digests_of ima-ns:end:$C)\""

# --- delete leaves nothing behind
crun_plain kill c1 KILL
crun_plain kill c2 KILL
sleep 1
crun_oci delete c1 && crun_oci delete c2
ns_wait_live 0
tap_check "after kill and delete: no state files, namespaces $A and $B gone, ns_live 0" \
	eval "test -z \"\$(ls -A $STATE/_run_crun-test)\" && test ! -e $IMA/namespaces/$A && test ! -e $IMA/namespaces/$B && test \$(cat $IMA/ns_live) = 0"
tap_check "host list: end anchors of both containers' namespaces" \
	eval "test -n \"\$(ima_digests_of ima-ns:end:$A)\" && test -n \"\$(ima_digests_of ima-ns:end:$B)\""
tap_check "a container without a pid namespace is refused before anything runs (exit 125)" \
	eval "oci_bundle $OCI/d $ROOTFS d '[\"/bin/true\"]' '{}' '[{\"type\": \"mount\"}]'; crun_oci create --bundle $OCI/d c4 >$T/c4.out 2>&1; test \$? = 125 && grep -q 'no pid namespace' $T/c4.out && ! crun_plain state c4 >/dev/null 2>&1"

# --- runc, if it runs here (it needs a cgroup mount)
RROOT=/run/runc-test
runc_oci() { "$IMA_NS_TOOL" oci --runtime /usr/sbin/runc -- --root $RROOT "$@"; }
oci_bundle "$OCI"/r "$ROOTFS" r '["/bin/sh", "-c", "cat /etc/data-a >/dev/null; echo started; exec sleep 600"]' "$ANN_B"
if runc_oci create --bundle "$OCI"/r r1 >"$T"/r1.out 2>&1 && runc --root $RROOT start r1 && oci_wait_file "$T"/r1.out started; then
	R=$(cat $STATE/_run_runc-test/r1)
	oci_list "$R" >"$T"/r.list
	sed 's/^/# r1: /' "$T"/r.list
	tap_check "runc: the init's exec is the first entry, runc itself is not in the list" \
		eval "test \"\$(head -n 1 $T/r.list | awk '{ print \$4 }')\" = $BUSYBOX && ! has_digest $T/r.list $(sha256_of /usr/sbin/runc)"
	tap_check "runc: ima-ns oci exec lands in its namespace ($R)" \
		test "$(runc_oci exec r1 /bin/cat /sys/kernel/security/ima/ns_id 2>&1)" = "$R"
	runc --root $RROOT kill r1 KILL
	sleep 1
	runc_oci delete r1
	tap_check "runc: after delete, no state and the namespace is gone" \
		eval "test ! -e $STATE/_run_runc-test/r1 && ns_wait_live 0"
else
	why=$(grep -o 'bpf_prog_query[^"]*\|runc create failed: [^"]*' "$T"/r1.out | head -n 1 | cut -c1-100)
	diag "runc: $(head -n 5 "$T"/r1.out)"
	for d in "runc: the init's exec is the first entry" "runc: exec joins" "runc: delete"; do
		tap_skip "$d" "runc cannot start a container in this guest (${why:-see diag}: its cgroup v2 device filter needs CONFIG_CGROUP_BPF)"
	done
	runc --root $RROOT delete -f r1 >/dev/null 2>&1
fi

tap_finish
