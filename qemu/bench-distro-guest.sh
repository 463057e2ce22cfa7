#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Runs inside the guest for `make bench` (qemu/bench-distro.sh): the
# distribution-like kernel (IMA and EVM built in), one boot, three
# configurations of the same workloads:
#   none      no policy in either engine (built-in IMA's hooks run, empty)
#   upstream  built-in IMA with the tcb rules written to its policy file
#   ima-ns    ima_ns.ko host=own ima_policy=tcb (its own list and PCR)
# Order: (a) and (c) alternate round by round (load, run, unload), then
# the module's rule, depth and model rows, then (b) last: built-in IMA's
# policy cannot be removed once written.
# Prints "result CONFIG ROW MICROSECONDS" per round, "memory CONFIG ..."
# lines, "slab CONFIG ..." lines (the caches that grew most) and, for the
# rows in PROFILE, "perf CONFIG ROW ..." lines (a flat cpu-clock profile).
. "$(dirname "$0")/../tests/lib.sh"
. "$(dirname "$0")/bench_lib.sh"
ROUNDS=${BENCH_ROUNDS:-3} FILES=${BENCH_FILES:-10000} EXECS=${BENCH_EXECS:-2000}
LIBS=${BENCH_LIBS:-50} MMAPS=${BENCH_MMAP_REPS:-20} RULE_OPENS=${BENCH_RULE_OPENS:-1000}
BIG_RULE_OPENS=${BENCH_BIG_RULE_OPENS:-100} ENTRIES=${BENCH_ENTRIES:-2000}
DEPTH_OPENS=${BENCH_DEPTH_OPENS:-1000} MODEL_OPENS=${BENCH_MODEL_OPENS:-300}
PROFILE=${BENCH_PROFILE:-"open mmap rules-1000 first-1M first-4K"} SIZES=${BENCH_SIZES:-"4K 1M 64M"}
SMALL=${BENCH_SMALL_FILES:-400}
NS_TOOL=$IMA_NS_TOP/target/release/ima-ns
MOD_IMA=/sys/kernel/security/ima-ns
NS_POLICY="measure func=BPRM_CHECK mask=MAY_EXEC fsmagic=0xef53
measure func=FILE_CHECK mask=^MAY_READ fsmagic=0xef53"

builtin_ima || bail "this bench needs a kernel with built-in IMA (IMA_NS_KERNEL=distro)"
us() { echo "${EPOCHREALTIME/./}"; }
# timed CMD...: guest us of CMD (in-shell, no fork of its own).
timed() { local t0; t0=$(us); "$@" >/dev/null; echo $(($(us) - t0)); }
mem() { awk '/^(Slab|VmallocUsed):/ { s += $2 } END { print s }' /proc/meminfo; }
# slabs FILE: bytes in each slab cache, into FILE (compared later).
slabs() { awk 'NR > 2 { print $1, $2 * $4 }' /proc/slabinfo | sort >"$1"; }
slab_growth() { # CONFIG WHAT: the caches that grew since slabs /tmp/slabs0
	slabs /tmp/slabs1
	join /tmp/slabs0 /tmp/slabs1 | awk -v c="$1" -v w="$2" '$3 - $2 > 4096 { print "slab", c, w, $1, $3 - $2 }'
}
count() { cat "$1/runtime_measurements_count"; }

# The workloads. Opens are in-shell: `read <file` is open + read + close,
# `: <file` open + close.
# shellcheck disable=SC2034 # x: read needs a variable
open_loop() {
	local i x
	for ((i = 0; i < FILES; i++)); do read -r x <"$SCRATCH"/files/$i; done
}
# Execs in a chroot on ext4 (bash, true, ld.so and the libraries copied):
# the guest's / is 9p without a cache, and each of its reads is an I/O
# wait, which -icount,sleep=off counts as a jump to the next tick.
exec_loop() {
	# shellcheck disable=SC2016 # a script for the chroot's bash
	chroot "$SCRATCH"/root /bin/bash -c '
		t0=${EPOCHREALTIME/./}
		for ((i = 0; i < $1; i++)); do /bin/true; done
		echo $((${EPOCHREALTIME/./} - t0))' - "$EXECS"
}
# 50 libraries mapped executable (MMAP_CHECK), MMAPS times each; the
# python interpreter's own start is outside the timing.
mmap_loop() {
	python3 - "$SCRATCH/libs" "$MMAPS" <<'PY'
import mmap, os, sys, time
libs = [os.path.join(sys.argv[1], n) for n in sorted(os.listdir(sys.argv[1]))]
t0 = time.monotonic_ns()
for _ in range(int(sys.argv[2])):
    for p in libs:
        with open(p, "rb") as f:
            mmap.mmap(f.fileno(), 0, flags=mmap.MAP_PRIVATE, prot=mmap.PROT_READ | mmap.PROT_EXEC).close()
print((time.monotonic_ns() - t0) // 1000)
PY
}
# uid_loop UID N: N opens of already-seen files by a task of UID (the rule
# rows: tcb's uid=0 rules do not match it, the rule for UID is last).
uid_loop() {
	# shellcheck disable=SC2016 # a script for the unprivileged bash
	setpriv --reuid="$1" --regid="$1" --clear-groups bash -c '
		n=$2 x=; for ((i = 0; i < n; i++)); do read -r x <$1/$i; done
		t0=${EPOCHREALTIME/./}
		for ((i = 0; i < n; i++)); do read -r x <$1/$i; done
		echo $((${EPOCHREALTIME/./} - t0))' - "$SCRATCH/files" "$2"
}
first_open() { : <"$1"; }
# policy_write FILE < rules: whole lines, many per write(2) (built-in IMA
# takes one line per write and returns its length).
policy_write() {
	python3 -c '
import os, sys
data = sys.stdin.buffer.read()
fd = os.open(sys.argv[1], os.O_WRONLY)
lines = data.splitlines(True)
for i in range(0, len(lines), 512):
    chunk = b"".join(lines[i:i + 512])
    while chunk:
        chunk = chunk[os.write(fd, chunk):]
os.close(fd)' "$1"
}
nonmatching() { # FIRST COUNT: FILE_CHECK rules whose fowner nobody has
	awk -v a="$1" -v n="$2" 'BEGIN { for (i = a; i < a + n; i++) print "measure func=FILE_CHECK fowner=" 60000 + i }'
}
profile() { # CONFIG ROW CMD...: a flat profile of the whole system (cpu-clock,
	# the only sampling under TCG) while bash runs CMD, a function of this file
	[[ " $PROFILE " == *" $2 "* ]] || return 0
	local cfg=$1 row=$2
	shift 2
	export -f open_loop uid_loop first_open mmap_loop
	export FILES SCRATCH MMAPS
	# perf and its libraries measured first, outside the profile.
	perf record -q -e cpu-clock -o /tmp/perf.warm -- true >/dev/null 2>&1
	perf record -q -B -N -e cpu-clock -F 1000 -a -o /tmp/perf.data -- bash -c "$*" >/dev/null 2>&1 ||
		{ echo "# perf record failed for $cfg $row"; return 0; }
	perf report -i /tmp/perf.data --stdio --sort sym --percent-limit 0.7 2>/dev/null |
		grep -v -e "^#" -e default_idle | grep . | head -45 | sed "s/^/perf $cfg $row /"
}
# Eight new 1 MiB files opened once each, caches dropped: the profile of
# first measurements.
first_many() { # CONFIG
	local i
	for i in 1 2 3 4 5 6 7 8; do dd if=/dev/urandom of="$SCRATCH"/prof-"$1"-$i bs=1M count=1 status=none; done
	sync
	profile "$1" first-1M "for i in 1 2 3 4 5 6 7 8; do first_open $SCRATCH/prof-$1-\$i; done"
	rm "$SCRATCH"/prof-"$1"-*
}
# SMALL new 4 KiB files opened once each (only if PROFILE has first-4K):
# the fixed cost of a first measurement, which one 4 KiB round shows
# but is too short to profile.
first_small() { # CONFIG
	[[ " $PROFILE " == *" first-4K "* ]] || return 0
	local d=$SCRATCH/small-$1
	mkdir -p "$d"
	python3 -c 'import os, sys
for i in range(int(sys.argv[2])):
    with open(os.path.join(sys.argv[1], str(i)), "wb") as f:
        f.write(os.urandom(4096))' "$d" "$SMALL"
	sync
	profile "$1" first-4K "for ((i = 0; i < $SMALL; i++)); do first_open $d/\$i; done"
	rm -r "$d"
}

# Round rows, for one configuration (the module loaded or not).
round() { # CONFIG ROUND
	local cfg=$1 r=$2 size
	echo "result $cfg open $(timed open_loop)"
	echo "result $cfg exec $(exec_loop)"
	echo "result $cfg mmap $(mmap_loop)"
	for size in $SIZES; do
		# New bytes, in the page cache (hashing, not the disk, is timed).
		dd if=/dev/urandom of="$SCRATCH"/first-"$cfg"-"$r"-"$size" bs="$size" count=1 status=none
		sync
		echo "result $cfg first-$size $(timed first_open "$SCRATCH"/first-"$cfg"-"$r"-"$size")"
		rm "$SCRATCH"/first-"$cfg"-"$r"-"$size" # the scratch disk is 256 MiB
	done
}
# The first pass over every file of a round (measurements; untimed), with
# the memory it took when MEMORY is set.
warm() { # CONFIG IMA_DIR
	local c0 m0
	stat "$SCRATCH"/files/* >/dev/null
	[ -n "$2" ] && c0=$(count "$2")
	m0=$(mem)
	slabs /tmp/slabs0
	open_loop
	if [ -n "$2" ] && [ -n "${MEMORY:-}" ]; then
		local e=$(($(count "$2") - c0)) m1
		m1=$(mem)
		echo "memory $1 files $FILES entries $e bytes_per_file $(((m1 - m0) * 1024 / FILES))"
		slab_growth "$1" files
	fi
	exec_loop >/dev/null; mmap_loop >/dev/null
}
# Bytes per entry: one file changed and read ENTRIES times (one inode).
entry_memory() { # CONFIG IMA_DIR
	local c0 m0 i
	echo 0 >"$SCRATCH"/entry; : <"$SCRATCH"/entry
	c0=$(count "$2") m0=$(mem)
	slabs /tmp/slabs0
	for ((i = 1; i <= ENTRIES; i++)); do echo "$i" >"$SCRATCH"/entry; : <"$SCRATCH"/entry; done
	local e=$(($(count "$2") - c0)) m1
	m1=$(mem)
	echo "memory $1 entries $e bytes_per_entry $(((m1 - m0) * 1024 / (e > 0 ? e : 1)))"
	slab_growth "$1" entries
}
# The rule rows: the policy in force is tcb, RULES non-matching rules,
# "measure ... uid=1000", 99 000 more, "measure ... uid=1001"; the loops
# run as uid 1000 (behind 1 000 rules) and 1001 (behind 100 000).
rule_rows() { # CONFIG
	local r
	for ((r = 1; r <= ROUNDS; r++)); do
		echo "result $1 rules-1000 $(uid_loop 1000 "$RULE_OPENS")"
	done
	profile "$1" rules-1000 uid_loop 1000 "$RULE_OPENS"
	{ nonmatching 1000 99000; echo "measure func=FILE_CHECK mask=^MAY_READ uid=1001"; } | policy_write "$IMA/policy" ||
		bail "policy write failed"
	for ((r = 1; r <= ROUNDS; r++)); do
		echo "result $1 rules-100000 $(uid_loop 1001 "$BIG_RULE_OPENS")"
	done
}

mkdir -p "$SCRATCH"/files "$SCRATCH"/libs
for ((i = 0; i < FILES; i++)); do echo "file $i" >"$SCRATCH"/files/$i; done
mkdir -p "$SCRATCH"/root/bin "$SCRATCH"/root/lib64 "$SCRATCH"/root/lib/x86_64-linux-gnu
echo "small file" >"$SCRATCH"/small
cp /bin/bash /bin/true "$SCRATCH"/root/bin/
cp -L /lib64/ld-linux-x86-64.so.2 "$SCRATCH"/root/lib64/
ldd /bin/bash /bin/true | awk '$3 ~ /^\// { print $3 }' | sort -u | xargs cp -L -t "$SCRATCH"/root/lib/x86_64-linux-gnu/
# 50 shared libraries, copied to ext4 (the guest's /usr is 9p).
find /usr/lib/x86_64-linux-gnu -maxdepth 1 -name 'lib*.so.*' -type f -size +64k -size -4M |
	sort | head -n "$LIBS" | xargs cp -t "$SCRATCH"/libs
[ "$(find "$SCRATCH"/libs -type f | wc -l)" = "$LIBS" ] || bail "found fewer than $LIBS libraries"
echo "# $(uname -r), $(nproc) vCPU; files $FILES execs $EXECS libs $LIBS x $MMAPS rounds $ROUNDS"
[ -z "$(cat $BUILTIN_IMA/policy 2>/dev/null)" ] || bail "built-in IMA has a policy at boot"
warm none ""
open_loop; exec_loop >/dev/null # caches and TCG's translations warm for every configuration

# (a) and (c), alternating.
for ((r = 1; r <= ROUNDS; r++)); do
	round none "$r"
	echo "result none rules-1000 $(uid_loop 1000 "$RULE_OPENS")"
	echo "result none rules-100000 $(uid_loop 1001 "$BIG_RULE_OPENS")"
	ima_load host=own ima_policy=tcb || bail "module load failed"
	[ "$IMA" = "$MOD_IMA" ] || bail "module's securityfs is $IMA"
	MEMORY=
	[ "$r" = 1 ] && MEMORY=1
	warm ima-ns "$IMA"
	round ima-ns "$r"
	if [ "$r" = 1 ]; then
		profile ima-ns open open_loop
		profile ima-ns mmap mmap_loop
		first_many ima-ns
		first_small ima-ns
		cat "$IMA"/policy >/tmp/tcb.policy
	fi
	ima_unload || bail "module unload failed"
done

MEMORY=
# (c)'s depth, model and rule rows, in one load (the rules last: they
# stay in the way of every later event).
ima_load host=own ima_policy=tcb || bail "module load failed"
warm ima-ns "$IMA"
# Depth: 1 and 32 levels, alternating; each level's policy matches.
for ((r = 1; r <= ROUNDS; r++)); do
	for d in 1 32; do
		bash qemu/bench-guest.sh --nested 0 $d /tmp/depth.out "$DEPTH_OPENS" "$NS_POLICY" || bail "depth $d"
		echo "result ima-ns depth-$d $(cat /tmp/depth.out)"
	done
done
# External model: internal, observe (a reader) and enforce (an agent).
for ((r = 1; r <= ROUNDS; r++)); do
	echo "result ima-ns model-internal $(model_run internal none "$MODEL_OPENS")"
	echo "result ima-ns model-observe $(model_run "external observe queue=65536" reader "$MODEL_OPENS")"
	echo "result ima-ns model-enforce $(model_run "external enforce timeout_ms=10000" learn "$MODEL_OPENS")"
done
entry_memory ima-ns "$IMA"
{ cat /tmp/tcb.policy; nonmatching 0 1000; echo "measure func=FILE_CHECK mask=^MAY_READ uid=1000"; } |
	policy_write "$IMA/policy" || bail "policy write failed"
echo "# ima-ns policy: $(grep -c . "$IMA"/policy) rules"
rule_rows ima-ns
echo "# ima-ns policy: $(grep -c . "$IMA"/policy) rules"
ima_unload || bail "module unload failed"

# (b): built-in IMA, tcb (the module's text of it, the same rules), then
# the rule rows appended.
IMA=$BUILTIN_IMA
policy_write $IMA/policy </tmp/tcb.policy || bail "built-in IMA refused the tcb rules"
echo "# upstream policy: $(grep -c . $IMA/policy) rules"
MEMORY=1 warm upstream "$IMA"
for ((r = 1; r <= ROUNDS; r++)); do
	round upstream "$r"
done
profile upstream open open_loop
profile upstream mmap mmap_loop
first_many upstream
first_small upstream
entry_memory upstream "$IMA"
{ nonmatching 0 1000; echo "measure func=FILE_CHECK mask=^MAY_READ uid=1000"; } | policy_write "$IMA/policy" ||
	bail "policy write failed"
rule_rows upstream
echo "# upstream policy: $(grep -c . $IMA/policy) rules"
echo "# done"
