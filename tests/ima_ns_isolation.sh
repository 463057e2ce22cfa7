#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Isolation of namespaces/: a namespace sees its descendants there, at
# every depth, and nothing of any other namespace (its parent, its
# siblings, itself): not in a listing, and stat, opendir, chdir or an open
# below the name fail with ENOENT, as for a name that does not exist. The
# host sees every namespace.
#
# Tree: host -> A -> A1 -> A2, and host -> B. Each namespace, and then the
# host, probes namespaces/ for all four ids.
# seconds: 196
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/ns_lib.sh"
P="measure func=BPRM_CHECK"

# probe NAME T: NAME's view: "ls <ids>", then "<id> stat=.. listdir=..
# chdir=.. open=.." for each id (ok or the errno's name).
probe() {
	local ids
	read -r -a ids <"$2/all.ids"
	# shellcheck disable=SC2012 # what a listing shows is the point (. and .. included)
	ls -a1 "$IMA"/namespaces | sort | tr '\n' ' ' >"$2/$1.ls-a"
	python3 - "$IMA"/namespaces "${ids[@]}" >"$2/$1.probe" 2>&1 <<'PY'
import errno, os, sys
d, ids = sys.argv[1], sys.argv[2:]
print("ls", " ".join(sorted(os.listdir(d), key=lambda s: (len(s), s))))
for i in ids:
    p = os.path.join(d, i)
    ops = (("stat", lambda: os.stat(p)), ("listdir", lambda: os.listdir(p)),
           ("chdir", lambda: os.chdir(p)),
           ("open", lambda: os.close(os.open(p + "/runtime_measurements_count", os.O_RDONLY))))
    res = []
    for op, f in ops:
        try:
            f()
            res.append(op + "=ok")
        except OSError as e:
            res.append(op + "=" + errno.errorcode[e.errno])
    os.chdir("/")
    print(i, " ".join(res))
PY
	"$IMA_NS_TOOL" list >"$2/$1.tool" 2>&1 || echo "rc=$?" >>"$2/$1.tool"
}

if [ "${1:-}" = --in ]; then # inside a namespace: NAME T [CHILD...]
	name=$2 T=$3
	shift 3
	read -r id <"$IMA"/ns_id
	echo "$id" >"$T/$name.id"
	[ $# -gt 0 ] && { ns_run "$P" bash "$0" --in "$1" "$T" "${@:2}" & }
	until [ -e "$T/probe" ]; do sleep 0.1; done
	probe "$name" "$T"
	: >"$T/$name.done"
	until [ -e "$T/end" ]; do sleep 0.1; done
	wait
	exit 0
fi

tap_plan 13
ima_load || bail "cannot load ima_ns.ko"
ima_policy_write "$P" || bail "host policy"
T=$(mktemp -d)
ns_run "$P" bash "$0" --in A "$T" A1 A2 &
pa=$!
ns_run "$P" bash "$0" --in B "$T" &
pb=$!
for _ in $(seq 600); do
	[ -s "$T"/A.id ] && [ -s "$T"/A1.id ] && [ -s "$T"/A2.id ] && [ -s "$T"/B.id ] && break
	sleep 0.1
done
A=$(cat "$T"/A.id) A1=$(cat "$T"/A1.id) A2=$(cat "$T"/A2.id) B=$(cat "$T"/B.id)
diag "A=$A A1=$A1 A2=$A2 B=$B"
echo "$A $A1 $A2 $B" >"$T"/all.ids
: >"$T"/probe
for _ in $(seq 600); do
	[ -e "$T"/A.done ] && [ -e "$T"/A1.done ] && [ -e "$T"/A2.done ] && [ -e "$T"/B.done ] && break
	sleep 0.1
done
probe host "$T"
for n in host A A1 A2 B; do sed "s/^/#   $n: /" "$T"/$n.probe; done

# listed NAME IDS...: NAME's namespaces/ lists exactly IDS.
listed() {
	local n=$1 want
	shift
	want=$(printf '%s\n' "$@" | sort -n | tr '\n' ' ')
	grep -qx "ls ${want% }" "$T"/"$n".probe || { diag "$n: $(grep '^ls' "$T"/"$n".probe)"; return 1; }
}
# access NAME RESULT IDS...: every operation on each of IDS gave RESULT
# (ok, or an errno name) for NAME.
access() {
	local n=$1 r=$2 i
	shift 2
	for i in "$@"; do
		grep -qx "$i stat=$r listdir=$r chdir=$r open=$r" "$T"/"$n".probe ||
			{ diag "$n: $(grep "^$i " "$T"/"$n".probe)"; return 1; }
	done
}

tap_check "the host lists all four namespaces" listed host "$A" "$A1" "$A2" "$B"
tap_check "A lists its child and grandchild only ($A1 $A2)" listed A "$A1" "$A2"
tap_check "A1 lists its child only ($A2)" listed A1 "$A2"
tap_check "A2 (a leaf) lists nothing" listed A2
tap_check "B lists only . and .. (no sibling, no sibling's descendants)" \
	test "$(cat "$T"/B.ls-a)" = ". .. "
tap_check "B: its sibling A and A's descendants are ENOENT (stat, opendir, chdir, open)" \
	access B ENOENT "$A" "$A1" "$A2"
tap_check "A2: its parent and grandparent are ENOENT" access A2 ENOENT "$A1" "$A"
tap_check "A1: its own directory, its parent and B are ENOENT" access A1 ENOENT "$A1" "$A" "$B"
tap_check "A reaches its descendants at every depth ($A1, $A2)" access A ok "$A1" "$A2"
tap_check "the host reaches every namespace" access host ok "$A" "$A1" "$A2" "$B"
tap_check "ima-ns list in A shows $A1 (parent $A) and $A2 (parent $A1), nothing else" \
	test "$(awk 'NR > 1 { print $1, $2 }' "$T"/A.tool | tr '\n' ' ')" = "$A1 $A $A2 $A1 "
tap_check "ima-ns list in B shows no namespace" test "$(wc -l <"$T"/B.tool)" = 1

# A host shell keeps its cwd in namespaces/$A (and one in namespaces/)
# past A's end and the module's unload: the directories go, and their
# operations must be the kernel's again by then, not the unloaded module's.
for d in $IMA/namespaces/$A $IMA/namespaces; do
	(cd "$d" && until [ -e "$T"/unloaded ]; do sleep 0.1; done
	 stat . >/dev/null 2>&1; ls -a >/dev/null 2>&1; echo "$d" >>"$T"/cwd-after) &
done
: >"$T"/end
wait $pa $pb
ns_wait_live 0 || diag "namespaces still live: $(cat "$IMA"/ns_live)"
ima_unload || diag "unload failed"
: >"$T"/unloaded
wait
tap_check "a cwd in a removed namespaces/<id> or namespaces/ outlives the module (stat, ls after unload)" \
	test "$(wc -l <"$T"/cwd-after)" = 2
tap_finish
