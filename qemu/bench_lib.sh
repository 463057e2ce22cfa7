# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0
# Shared by the guest sides of make bench and make bench-debug (run from
# the repo's top, after tests/lib.sh; NS_TOOL is the ima-ns tool).

# model_run SETTING AGENT OPENS: OPENS timed opens (bench-guest.sh's
# --model-loop) in a namespace with model SETTING and AGENT (none, reader,
# learn) attached; prints the timed loop's us.
model_run() {
	rm -f /tmp/agent.ready
	printf 'measure func=BPRM_CHECK\n' | "$NS_TOOL" run --policy - --model "$1" --print-id \
		-- bash qemu/bench-guest.sh --model-loop /tmp/model.out "$3" 2>/tmp/model.err &
	local pid=$! _ id
	for _ in $(seq 200); do grep -q namespace /tmp/model.err && break; sleep 0.05; done
	id=$(sed -n 's/^ima-ns: namespace //p' /tmp/model.err)
	case $2 in
	reader) cat "$IMA"/namespaces/"$id"/events >/dev/null & ;;
	learn) "$NS_TOOL" model learn "$id" --out /tmp/bench-model.txt 2>/dev/null & ;;
	esac
	touch /tmp/agent.ready
	wait $pid || return 1
	wait # the agent, at the namespace's end
	cat /tmp/model.out
}
