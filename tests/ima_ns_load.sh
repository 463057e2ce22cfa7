#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Load and faults (issue 8): for a fixed time, processes in the host and in
# several namespaces write, rename, open and execute files while the host
# and each namespace keep appending to their policies. Then every list is
# whole (count = entries, the binary list parses), the host list replays
# to TPM PCR 10 and each namespace's to its vPCR, every namespace is
# freed, and kmemleak finds nothing the module allocated. Then the same
# load runs while the module is unloaded and reloaded (the new instance
# starts a fresh list and says so), and while swtpm dies (measuring goes
# on, failed extends counted). run.sh fails the boot on any lockdep,
# KASAN or sleeping-in-atomic report.
#
# IMA_NS_LOAD_SECONDS (default 30) sets the first phase's length; `make
# stress` runs it longer.
# flavors: test distro
# qemu-args: -a kmemleak=on
# seconds: 498
# seconds-distro: 188
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/ns_lib.sh"
tap_plan 18
SECS=${IMA_NS_LOAD_SECONDS:-30} NS=4
KMEMLEAK=/sys/kernel/debug/kmemleak
T=$(mktemp -d)
P="measure func=FILE_CHECK mask=^MAY_READ fsmagic=0xef53
measure func=BPRM_CHECK fsmagic=0xef53
measure func=MMAP_CHECK mask=MAY_EXEC fsmagic=0xef53"

# churn DIR SECONDS: write, rename over, read and execute files in DIR.
# Builtins only, but for the binaries it runs (fork-free clock).
churn() {
	local d=$1 now end i=0
	mkdir -p "$d" && cp /bin/true "$d/t0" || return 1
	printf -v now '%(%s)T' -1
	end=$((now + $2))
	while [ "$now" -lt "$end" ]; do
		i=$((i + 1))
		echo "data $i $RANDOM" >"$d/w.tmp"
		mv "$d/w.tmp" "$d/f$((i % 8))"
		read -r _ <"$d/f$((i % 8))"
		"$d/t0"
		# A new binary now and then (a new inode to measure).
		[ $((i % 16)) = 0 ] && cp /bin/true "$d/t$((i % 3))" && "$d/t$((i % 3))"
		printf -v now '%(%s)T' -1
	done
}
# policy_churn FILE SECONDS: appends a rule that matches nothing to the
# reader's policy every 0.2 s; writes the number of successful writes to
# FILE.policy, and after the last the number of such rules the policy has
# to FILE.rules.
policy_churn() {
	local f=$1 now end n=0
	printf -v now '%(%s)T' -1
	end=$((now + $2))
	while [ "$now" -lt "$end" ]; do
		echo "measure func=FILE_CHECK fowner=$((60000 + n))" >"$IMA"/policy && n=$((n + 1))
		sleep 0.2
		printf -v now '%(%s)T' -1
	done
	echo $n >"$f.policy"
	grep -c 'fowner=6' "$IMA"/policy >"$f.rules"
}
export -f churn policy_churn
export IMA T

# kmemleak_report [PATTERN]: scans, and prints the reports whose
# backtrace names PATTERN (default: ima_ns.ko's code), or has an address
# inside the module's old range once it is gone ($MOD_LO-$MOD_HI).
# Objects younger than 5 s are never reported.
kmemleak_report() {
	sleep 6
	echo scan >$KMEMLEAK && echo scan >$KMEMLEAK
	awk -v lo="$MOD_LO" -v hi="$MOD_HI" -v pat="${1:-[[]ima_ns[]]}" '
		function flush() { if (blk != "" && hit) printf "%s", blk; blk = ""; hit = 0 }
		/^unreferenced object/ { flush() }
		{ blk = blk $0 "\n" }
		$0 ~ pat { hit = 1 }
		match($0, /\[<[0-9a-f]+>\]/) {
			a = substr($0, RSTART + 2, 16)
			if (lo != "" && a >= lo && a < hi) hit = 1
		}
		END { flush() }' $KMEMLEAK
}

# module_range: the module's address range, for kmemleak_report once it
# is gone.
module_range() {
	local size base
	read -r size base <<<"$(awk '$1 == "ima_ns" { print $2, $6 }' /proc/modules)"
	MOD_LO=$(printf '%016x' "$base") MOD_HI=$(printf '%016x' $((base + size)))
}

mountpoint -q /sys/kernel/debug || mount -t debugfs debugfs /sys/kernel/debug
# The distro flavor has no kmemleak (no debug options): its checks skip.
leakcheck=true
if [ ! -w $KMEMLEAK ]; then
	[ "$IMA_NS_KERNEL" = distro ] || bail "no kmemleak (boot with kmemleak=on)"
	leakcheck=false
fi
$leakcheck && echo clear >$KMEMLEAK
# leak_check DESCRIPTION COMMAND...: a kmemleak check, skipped without it.
leak_check() {
	if $leakcheck; then tap_check "$@"; else tap_skip "$1" "no kmemleak in the $IMA_NS_KERNEL kernel"; fi
}

ima_load || bail "cannot load ima_ns.ko"
ima_policy_write "$P" || bail "host policy"
module_range

# --- phase 1: the load, in the host and in $NS namespaces
diag "phase 1: $SECS s, host + $NS namespaces, 2 workers each"
for n in $(seq $NS); do
	ns_run "$P" bash -c "
		churn $SCRATCH/ns$n.a $SECS & churn $SCRATCH/ns$n.b $SECS & policy_churn $T/ns$n $SECS
		wait
		cat $IMA/binary_runtime_measurements >$T/ns$n.bin
		cat $IMA/runtime_measurements_count >$T/ns$n.count
		cat $IMA/vpcr >$T/ns$n.vpcr" &
done
churn "$SCRATCH"/host.a "$SECS" &
churn "$SCRATCH"/host.b "$SECS" &
policy_churn "$T"/host "$SECS" &
wait
ns_wait_live 0
tap_check "all $NS namespaces freed (ns_live 0)" test "$(cat "$IMA"/ns_live)" = 0

# One pass over each list for both checks (entries, then each bank's
# replay): Python is slow in the TCG guest.
ok=true count_ok=true
for n in $(seq $NS); do
	python3 "$(dirname "$0")/replay.py" --entries "$T"/ns"$n".bin sha1 sha256 sha384 sha512 >"$T"/ns"$n".replay ||
		{ diag "ns $n: bad list"; ok=false count_ok=false; continue; }
	[ "$(tail -n +2 "$T"/ns"$n".replay)" = "$(cat "$T"/ns"$n".vpcr)" ] ||
		{ diag "ns $n: replay $(tail -n +2 "$T"/ns"$n".replay | xargs), vpcr $(xargs <"$T"/ns"$n".vpcr)"; ok=false; }
	entries=$(head -n 1 "$T"/ns"$n".replay)
	[ "$entries" = "$(cat "$T"/ns"$n".count)" ] || { diag "ns $n: $entries entries, count $(cat "$T"/ns"$n".count)"; count_ok=false; }
	[ "$entries" -gt 0 ] || { diag "ns $n: no entries"; count_ok=false; }
done
tap_check "each namespace's binary list replays to its vPCR in every bank" $ok
tap_check "each namespace's count equals its list's entries (and it measured)" $count_ok
ok=true
for n in $(seq $NS); do
	diag "ns $n: $(cat "$T"/ns"$n".count) entries, $(cat "$T"/ns"$n".policy) policy writes racing them"
	[ "$(cat "$T"/ns"$n".rules)" = "$(cat "$T"/ns"$n".policy)" ] || ok=false
done
tap_check "each namespace's policy gained every racing rule" $ok
cp "$IMA"/binary_runtime_measurements "$T"/host.bin
entries=$(python3 "$(dirname "$0")/replay.py" --entries "$T"/host.bin)
diag "host: $entries entries, $(cat "$T"/host.policy) policy writes racing them"
tap_check "host count equals its list's entries" test "$entries" = "$(cat "$IMA"/runtime_measurements_count)"
tap_check "the host list replays to TPM PCR $IMA_PCR (sha1, sha256)" tpm_replay_ok "$T"/host.bin sha1 sha256
tap_check "the host policy gained every racing rule" \
	test "$(cat "$T"/host.rules)" = "$(cat "$T"/host.policy)"
$leakcheck && kmemleak_report >"$T"/leaks1
$leakcheck && sed 's/^/# /' "$T"/leaks1 | head -n 40
leak_check "kmemleak: nothing the module allocated is unreferenced (module loaded)" test ! -s "$T"/leaks1
# The control: a leak planted by the test module is reported (then
# cleared, so it cannot be mistaken for the module's later).
MOD_LO="" MOD_HI=""
if $leakcheck; then
	insmod "$MODDIR"/tests/modules/ima_ns_trigger.ko leak=1
	# Its init code is freed after the load, so the backtrace names only
	# the loader: any fresh 64-byte object leaked under do_init_module.
	kmemleak_report do_init_module >"$T"/control
	rmmod ima_ns_trigger
	echo clear >$KMEMLEAK
fi
leak_check "kmemleak reports the 64-byte objects the test module leaks on purpose (control)" \
	grep -q 'size 64' "$T"/control
module_range

# --- phase 2: unload and reload under load
log_mark
churn "$SCRATCH"/host.c 12 &
ns_run "$P" bash -c "churn $SCRATCH/ns.c 12" &
sleep 4
ima_unload
tap_check "unload under load succeeds" test $? = 0
ima_load
tap_check "reload under load succeeds" test $? = 0
wait
ima_policy_write "$P" || bail "policy after reload"
ns_wait_live 0
tap_check "the new instance says it starts a fresh list" \
	test "$(log_count 'ima_ns: loaded, starting a fresh list')" = 1
tap_check "... and that PCR $IMA_PCR holds earlier extends" \
	log_has "ima_ns: PCR $IMA_PCR is not zero at load"
cp "$IMA"/binary_runtime_measurements "$T"/new.bin
first=$(head -n 1 "$IMA"/ascii_runtime_measurements)
tap_check "its list starts at boot_aggregate and is well formed" \
	bash -c "python3 $(dirname "$0")/replay.py --entries $T/new.bin >/dev/null && [ '${first##* }' = boot_aggregate ]"
module_range

# --- phase 3: swtpm dies under load
field() { awk -v k="$1" '$1 == k { print $2 }' "$IMA"/anchor; }
churn "$SCRATCH"/host.d 15 &
ns_run "$P" bash -c "churn $SCRATCH/ns.d 15" &
sleep 3
touch /run/host/kill-swtpm
for i in $(seq 100); do [ -e /run/host/swtpm-killed ] && break; sleep 0.1; done
before=$(cat "$IMA"/runtime_measurements_count)
wait
ns_wait_live 0
after=$(cat "$IMA"/runtime_measurements_count)
diag "TPM dead: $before -> $after entries, $(field extend_errors) failed extends"
tap_check "with swtpm dead, measuring goes on (count $before -> $after)" test "$after" -gt "$before"
tap_check "the failed extends are counted" test "$(field extend_errors)" -gt 0
cp "$IMA"/binary_runtime_measurements "$T"/dead.bin
tap_check "the list stays whole (count = entries, well formed)" \
	test "$(python3 "$(dirname "$0")/replay.py" --entries "$T"/dead.bin)" = "$after"

ima_unload
$leakcheck && kmemleak_report >"$T"/leaks2
$leakcheck && sed 's/^/# /' "$T"/leaks2 | head -n 40
leak_check "kmemleak after the last unload: nothing from the module's range" test ! -s "$T"/leaks2
tap_finish
