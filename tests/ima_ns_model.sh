#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# flavors: test distro
# External modeling: a namespace hands its events to a userspace agent.
# A workload learned once runs unchanged under enforcement; a changed
# binary or a new file access is denied at exactly that event; a silent or
# dead agent gets the fail mode; records are numbered without gaps unless a
# loss is recorded; agents see only their descendants' events; the host's
# policy keeps measuring; the agent's model is anchored in the list.
# seconds: 106
# seconds-distro: 67
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/ns_lib.sh"
tap_plan 24

ima_load || bail "cannot load ima_ns.ko"
ima_policy_write "measure func=BPRM_CHECK fsmagic=0xef53" || bail "host policy"
M=$SCRATCH/m
mkdir -p "$M"
cp /bin/true "$M"/tool
echo "data" >"$M"/data.txt
echo "other" >"$M"/other.txt
mkfifo "$M"/fifo "$M"/fifo2
# The workload: one script, whatever the run (its digest is in the model).
# Two fifos, not two reads of one: a second "go" written before the first
# read closed its end would be discarded with the pipe, leaving the
# workload waiting forever.
cat >"$M"/work.sh <<'SH'
cat /tmp/m/data.txt >/dev/null
/tmp/m/tool
[ -n "$EXTRA" ] && cat /tmp/m/other.txt >/dev/null
read x </tmp/m/fifo
read x </tmp/m/fifo2
exit 0
SH
sed -i "s|/tmp/m|$M|g" "$M"/work.sh
T=$(mktemp -d)

# release FIFO: writes "go" once the workload opens FIFO for reading; gives
# up after 60 s (the check on the workload's status then fails).
release() {
	timeout 60 sh -c "echo go >$1" || diag "nobody opened $1"
}

# run_with_agent SETTING MODE AGENT-ARGS...: runs the workload in a new
# namespace with SETTING and `ima-ns model MODE ID AGENT-ARGS` as its agent;
# once the workload reaches its fifo reads, saves the namespace's list as
# $T/list.txt. Sets $id, $rc (workload), $arc (agent), $T/agent.{out,err}.
run_with_agent() {
	local setting=$1 mode=$2
	shift 2
	rm -f "$T"/id.txt
	echo "measure func=BPRM_CHECK" | env ${EXTRA:+EXTRA=1} "$IMA_NS_TOOL" run --policy - \
		--model "$setting" --print-id -- /bin/sh "$M"/work.sh 2>"$T"/run.err &
	local runpid=$! i
	for i in $(seq 100); do
		grep -q 'namespace' "$T"/run.err 2>/dev/null && break
		sleep 0.1
	done
	id=$(sed -n 's/^ima-ns: namespace //p' "$T"/run.err)
	"$IMA_NS_TOOL" model "$mode" "$id" "$@" >"$T"/agent.out 2>"$T"/agent.err &
	local apid=$!
	# Bounded: a workload that died early never opens the fifo.
	release "$M"/fifo
	# The workload opened the first fifo: its events are all in, and the
	# namespace lives until it opens the second.
	cat "$IMA"/namespaces/"$id"/ascii_runtime_measurements >"$T"/list.txt 2>/dev/null
	cat "$IMA"/namespaces/"$id"/model >"$T"/model-stats 2>/dev/null
	release "$M"/fifo2
	wait $runpid
	rc=$?
	wait $apid
	arc=$?
	diag "namespace $id: workload $rc, agent $arc"
	sed 's/^/#   agent: /' "$T"/agent.out "$T"/agent.err
}

# 1. Learn.
run_with_agent "external enforce timeout_ms=5000" learn --out "$T/model.txt"
tap_check "learn: the workload runs (exit 0)" test "$rc" = 0
tap_check "learn: the agent exits 0 at the namespace's end" test "$arc" = 0
tap_check "learn: the model has the exec of tool (sh's digest -> tool's)" \
	grep -q "^BPRM_CHECK sha256:$(sha256sum /bin/dash | cut -d' ' -f1) $(sha256_of "$M"/tool)\$" "$T"/model.txt
tap_check "learn: and the read of data.txt" \
	grep -q "^FILE_CHECK sha256:.* $(sha256_of "$M"/data.txt)\$" "$T"/model.txt
diag "model: $(($(wc -l <"$T"/model.txt) - 1)) tuples"

# 2. The same workload under enforcement.
run_with_agent "external enforce timeout_ms=5000" enforce --model "$T/model.txt"
tap_check "enforce: the learned workload runs unchanged" test "$rc" = 0
tap_check "enforce: the agent denied nothing (exit 0, no report)" \
	test "$arc" = 0 -a ! -s "$T"/agent.out
state="ima-ns-model v1 $(sha256_of "$T"/model.txt) tuples=$(($(wc -l <"$T"/model.txt) - 1))"
hex=$(printf '%s' "$state" | od -An -tx1 | tr -d ' \n')
tap_check "enforce: the model's digest is an ima-buf entry of the namespace's list" \
	grep -q " ima-buf $(printf '%s' "$state" | sha256sum | sed 's/ .*//;s/^/sha256:/') ima-ns:model-state $hex\$" "$T"/list.txt
tap_check "the host policy still measures the namespace's execs (tool on ext4)" \
	test "$(ima_count "$M"/tool "$(sha256_of "$M"/tool)")" -ge 1

# 3. One changed binary.
cp /bin/false "$M"/tool
run_with_agent "external enforce timeout_ms=5000" enforce --model "$T/model.txt"
tap_check "changed binary: the agent denied exactly one event" \
	test "$(grep -c '^denied ' "$T"/agent.out)" = 1 -a "$arc" = 3
# The first event that sees the new contents is exec's open (FILE_CHECK
# with MAY_EXEC, as upstream's ima_file_check()), by sh.
tap_check "changed binary: it is sh opening tool for exec, with tool's new digest" \
	grep -q "^denied .*func=FILE_CHECK comm=sh path=$M/tool digest=$(sha256_of "$M"/tool) " "$T"/agent.out
tap_check "changed binary: the exec failed with EACCES" grep -q "tool: Permission denied" "$T"/run.err
tap_check "changed binary: the kernel logged the denial" \
	sh -c "dmesg | grep -q 'namespace $id: agent denied event'"
cp /bin/true "$M"/tool

# 4. One new file access.
EXTRA=1 run_with_agent "external enforce timeout_ms=5000" enforce --model "$T/model.txt"
tap_check "new access: exactly one denial, the read of other.txt" \
	sh -c "test \"\$(grep -c '^denied ' $T/agent.out)\" = 1 && grep -q '^denied .*func=FILE_CHECK .*path=$M/other.txt ' $T/agent.out"
tap_check "new access: cat got EACCES" grep -q "other.txt: Permission denied" "$T"/run.err

# 5. A silent agent (reads, never answers): the fail mode after the timeout.
silent() {
	# silent SETTING: runs `sh -c true` with an agent that only reads.
	echo "measure func=BPRM_CHECK" | "$IMA_NS_TOOL" run --policy - --model "$1" --print-id \
		-- /bin/sh -c true 2>"$T"/run.err &
	local runpid=$! i
	for _ in $(seq 100); do grep -q namespace "$T"/run.err 2>/dev/null && break; sleep 0.1; done
	id=$(sed -n 's/^ima-ns: namespace //p' "$T"/run.err)
	cat "$IMA"/namespaces/"$id"/events >"$T"/events.txt &
	agent=$!
	start=$(date +%s%N)
	[ -n "${KILL_AFTER:-}" ] && { sleep "$KILL_AFTER"; kill $agent; }
	wait $runpid
	rc=$?
	ms=$((($(date +%s%N) - start) / 1000000))
	kill $agent 2>/dev/null
	wait $agent 2>/dev/null
	diag "namespace $id: exit $rc after $ms ms"
}
silent "external enforce fail=deny timeout_ms=1500"
tap_check "timeout, fail=deny: the first exec is denied (126)" test "$rc" = 126
tap_check "timeout, fail=deny: after the timeout, not before (1.5 s .. 10 s)" \
	test "$ms" -ge 1400 -a "$ms" -lt 10000
tap_check "timeout: logged with the event's sequence number" \
	sh -c "dmesg | grep -q 'namespace $id: no verdict for event 1 in 1500 ms: fail mode deny'"
silent "external enforce fail=allow timeout_ms=300"
tap_check "timeout, fail=allow: the workload runs (slowly)" test "$rc" = 0
KILL_AFTER=1 silent "external enforce fail=deny timeout_ms=30000"
tap_check "agent killed: fail mode at once, not after the 30 s timeout" \
	test "$rc" = 126 -a "$ms" -lt 10000
tap_check "agent killed: logged as agent gone" \
	sh -c "dmesg | grep -q 'namespace $id: agent gone before answering event 1: fail mode deny'"

# 6. Observe mode with a 4-record queue and nobody reading: the loss is
# recorded, sequence numbers have no gaps otherwise; poll() says readable.
echo "measure func=BPRM_CHECK" | "$IMA_NS_TOOL" run --policy - --model "external observe queue=4" \
	--print-id -- /bin/sh -c "cat $M/data.txt $M/other.txt >/dev/null; /bin/true; /bin/true; read x <$M/fifo" 2>"$T"/run.err &
runpid=$!
for _ in $(seq 100); do grep -q namespace "$T"/run.err 2>/dev/null && break; sleep 0.1; done
id=$(sed -n 's/^ima-ns: namespace //p' "$T"/run.err)
sleep 1
python3 - "$IMA"/namespaces/"$id"/events >"$T"/observe.txt <<'PY'
import os, select, sys
fd = os.open(sys.argv[1], os.O_RDONLY | os.O_NONBLOCK)
p = select.poll(); p.register(fd, select.POLLIN)
print("poll", p.poll(1000)[0][1] & select.POLLIN)
data = b""
while True:
    try:
        chunk = os.read(fd, 65536)
    except BlockingIOError:
        break
    data += chunk
sys.stdout.write(data.decode())
PY
cat "$IMA"/namespaces/"$id"/model >"$T"/model-stats
# Other agents: the namespace itself and a sibling cannot read or answer.
echo "measure func=BPRM_CHECK" | "$IMA_NS_TOOL" run --policy - -- /bin/sh -c "
	cat $IMA/namespaces/$id/events; echo \$? >$T/sib-read
	echo '1 allow' >$IMA/namespaces/$id/verdicts; echo \$? >$T/sib-write" 2>"$T"/sib.err
release "$M"/fifo
wait $runpid
sed 's/^/#   /' "$T"/observe.txt "$T"/model-stats
tap_check "observe: poll() reports the events file readable" grep -qx "poll 1" "$T"/observe.txt
tap_check "observe: the 4 queued records are seq 1..4, then the loss line" \
	sh -c "grep -o ' seq=[0-9]*' $T/observe.txt | tr -d '\n' | grep -qx ' seq=1 seq=2 seq=3 seq=4' && \
		tail -n 1 $T/observe.txt | grep -q '^ima-ns-lost 1 first=5 count=[1-9]'"
lost=$(sed -n 's/^lost //p' "$T"/model-stats)
tap_check "observe: the counter agrees with the loss line (lost $lost)" \
	grep -q "^ima-ns-lost 1 first=5 count=$lost\$" "$T"/observe.txt
tap_check "another namespace cannot read or answer these events" \
	test "$(cat "$T"/sib-read)" != 0 -a "$(cat "$T"/sib-write)" != 0

tap_finish
