#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Namespaces nested 32 deep: an exec at the bottom lands in the list of
# every ancestor whose policy matches it, and nowhere else; a 33rd level is
# refused; all 32 end when the chain exits.
# seconds: 228
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/ns_lib.sh"
DEPTH=32

# Level k's policy: every third level measures ext4 execs (the marker);
# the others measure every exec except ext4 ones.
policy_for() {
	if [ $(($1 % 3)) = 0 ]; then
		echo "measure func=BPRM_CHECK fsmagic=0xef53"
	else
		printf 'dont_measure fsmagic=0xef53\nmeasure func=BPRM_CHECK\n'
	fi
}

if [ "${1:-}" = --level ]; then # inside namespace level $2
	k=$2 T=$3
	read -r id <"$IMA"/ns_id
	echo "$k $id" >>"$T"/ids
	if [ "$k" -lt $DEPTH ]; then
		ns_run "$(policy_for $((k + 1)))" bash "$0" --level $((k + 1)) "$T"
		exit $?
	fi
	echo 1 2>"$T"/deeper.err >"$IMA"/ns_unshare
	"$SCRATCH"/marker
	: >"$T"/bottom
	until [ -e "$T"/done ]; do sleep 0.1; done
	exit 0
fi

tap_plan 8
ima_load || bail "cannot load ima_ns.ko"
ima_policy_write "measure func=BPRM_CHECK fsmagic=0xef53" || bail "host policy"
cp /bin/true "$SCRATCH"/marker
T=$(mktemp -d)
ns_run "$(policy_for 1)" bash "$0" --level 1 "$T" &
chain=$!
for _ in $(seq 600); do [ -e "$T"/bottom ] && break; sleep 0.1; done
tap_check "the chain reached level $DEPTH" test -e "$T"/bottom
tap_check "level $DEPTH cannot create a level $((DEPTH + 1)) (ENOSPC)" grep -q "No space left" "$T"/deeper.err

marker=$(sha256_of "$SCRATCH"/marker)
ok=true parents=true prev=0
while read -r k id; do
	n=$(awk -v f="$SCRATCH"/marker -v d="$marker" '$5 == f && $4 == d' "$IMA"/namespaces/"$id"/ascii_runtime_measurements | wc -l)
	want=$([ $((k % 3)) = 0 ] && echo 1 || echo 0)
	[ "$n" = "$want" ] || { diag "level $k (id $id): $n marker entries, want $want"; ok=false; }
	[ "$(cat "$IMA"/namespaces/"$id"/parent)" = "$prev" ] || parents=false
	prev=$id
done <"$T"/ids
tap_check "32 levels recorded their ids" test "$(wc -l <"$T"/ids)" = $DEPTH
tap_check "the marker exec is in every level whose policy matches, and only there" $ok
tap_check "each level's parent is the level above" $parents
tap_check "the host (policy matches) has it once" test "$(ima_count "$SCRATCH"/marker "$marker")" = 1

: >"$T"/done
wait $chain
tap_check "the chain exits with status 0" test $? = 0
ns_wait_live 0
# Each end is anchored in the parent's list: the host has level 1's.
first=$(head -n 1 "$T"/ids | cut -d' ' -f2)
tap_check "all 32 namespaces ended (none live), level 1's end anchored in the host list" \
	test "$(cat "$IMA"/ns_live) $(awk '$5 ~ /^ima-ns:end:/ { print $5 }' "$IMA"/ascii_runtime_measurements)" = "0 ima-ns:end:$first"
ima_unload || diag "unload failed"
tap_finish
