#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# N namespaces (IMA_NS_STRESS_NAMESPACES: 30 in make test, 100 in make
# stress) created, used and torn down in parallel while the host
# rewrites the files they read: every expected entry is present, nothing
# else (reads racing a rewrite add open_writers violations), counts equal
# list lengths, all namespaces are freed (and the
# harness fails the run on any lockdep/KASAN report). Then: a file the
# host changes is measured again in every namespace that measures it.
# seconds: 257
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/ns_lib.sh"
tap_plan 11
N=${IMA_NS_STRESS_NAMESPACES:-30} ROUNDS=20

ima_load || bail "cannot load ima_ns.ko"
P="measure func=FILE_CHECK mask=MAY_READ fsmagic=0xef53"
ima_policy_write "$P" || bail "host policy"
T=$(mktemp -d)
for i in $(seq "$N"); do echo "own $i" >"$SCRATCH"/own_"$i"; done
for j in 0 1 2 3 4; do echo "shared $j v0" >"$SCRATCH"/shared_$j; done
# (ns_stress_check.py accepts every content a shared file ever had.)
(for r in $(seq $ROUNDS); do
	for j in 0 1 2 3 4; do echo "shared $j v$r" >"$SCRATCH"/shared_$j; done
	sleep 0.05
done) &
writer=$!
for i in $(seq "$N"); do
	ns_run "$P" bash -c "
		cat $SCRATCH/own_$i $SCRATCH/shared_$((i % 5)) >/dev/null
		cat $SCRATCH/own_$i >/dev/null
		cat $IMA/ascii_runtime_measurements >$T/l$i
		cat $IMA/runtime_measurements_count >$T/c$i
		cat $IMA/violations >$T/v$i" &
done
fails=0
for job in $(jobs -p); do [ "$job" = "$writer" ] && continue; wait "$job" || fails=$((fails + 1)); done
wait $writer

ns_wait_live 0
python3 "$(dirname "$0")/ns_stress_check.py" "$T" "$N" "$SCRATCH" "$IMA"/ascii_runtime_measurements $ROUNDS >"$T"/checks
check() { grep -qx "$1 1" "$T"/checks; }
tap_check "all $N namespaced commands exit 0" test $fails = 0
tap_check "each namespace measured its own file once, with its digest" check own
tap_check "each namespace measured its shared file with a digest of a real version" check shared
tap_check "reads racing the rewrite are open_writers violations: zero-digest entries of the shared file, as many as each violations count" check violations
tap_check "no namespace has entries for files it did not read" check extra
tap_check "each count file equals its list's length" check count
tap_check "every namespace freed (ns_live 0)" test "$(cat "$IMA"/ns_live)" = 0
tap_check "the host measured each own file exactly once" check host_own
tap_check "the host list anchors $N starts and $N ends" check anchors

# Re-measurement: two namespaces read data, the host rewrites it, both
# read again: each has both versions.
echo "version 1" >"$SCRATCH"/data
v1=$(sha256_of "$SCRATCH"/data)
for x in a b; do
	ns_run "$P" bash -c "
		cat $SCRATCH/data >/dev/null; : >$T/$x.1
		until [ -e $T/go ]; do sleep 0.1; done
		cat $SCRATCH/data >/dev/null
		cat $IMA/ascii_runtime_measurements >$T/$x.list" &
done
until [ -e "$T"/a.1 ] && [ -e "$T"/b.1 ]; do sleep 0.1; done
echo "version 2" >"$SCRATCH"/data
v2=$(sha256_of "$SCRATCH"/data)
: >"$T"/go
wait
versions() { awk -v f="$SCRATCH"/data '$5 == f { print $4 }' "$1" | tr '\n' ' '; }
tap_check "a file the host changed is measured again in both namespaces" \
	test "$(versions "$T"/a.list)|$(versions "$T"/b.list)" = "$v1 $v2 |$v1 $v2 "
tap_check "... and in the host's list" test "$(ima_digests_of "$SCRATCH"/data | tr '\n' ' ')" = "$v1 $v2 "
ns_wait_live 0
ima_unload || diag "unload failed"
tap_finish
