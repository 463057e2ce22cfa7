# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# Helpers for the IMA namespace tests (sourced after lib.sh).

IMA_NS_TOOL=${IMA_NS_TOP:?}/target/release/ima-ns

# ns_run POLICY_TEXT CMD...: runs CMD in a new namespace with that policy.
ns_run() {
	local policy=$1
	shift
	printf '%s\n' "$policy" | "$IMA_NS_TOOL" run --policy - -- "$@"
}

# ns_wait_live N: waits (up to 10 s) until ns_live reads N.
ns_wait_live() {
	local i
	for i in $(seq 100); do
		[ "$(cat "$IMA"/ns_live)" = "$1" ] && return 0
		sleep 0.1
	done
	return 1
}

# ns_replay_ok LIST.BIN VPCR: the binary list replays, in every bank, to
# the vpcr file's values ("<algo> <hex>" lines).
ns_replay_ok() {
	local out
	out=$(python3 "$IMA_NS_TOP/tests/replay.py" "$1" sha1 sha256 sha384 sha512) || return 1
	[ "$out" = "$(cat "$2")" ] || { diag "replay: $out"; diag "vpcr:   $(cat "$2")"; return 1; }
}

# ns_evmctl_ok LIST.BIN VPCR [EVMCTL OPTION...]: evmctl ima_measurement
# validates the list against the virtual PCR (as PCR 10 of a fake sysfs
# PCR dump).
ns_evmctl_ok() {
	local list=$1 vpcr=$2 dir alg i
	shift 2
	dir=$(mktemp -d)
	for alg in sha1 sha256; do
		for i in $(seq 0 23); do
			if [ "$i" = 10 ]; then
				printf 'PCR-10 %s\n' "$(awk -v a=$alg '$1 == a { print $2 }' "$vpcr")"
			else
				printf 'PCR-%02d %s\n' "$i" "$(printf '%0*d' "$([ "$alg" = sha1 ] && echo 40 || echo 64)" 0)"
			fi
		done >"$dir"/$alg
	done
	evmctl ima_measurement "$@" --pcrs sha1,"$dir"/sha1 --pcrs sha256,"$dir"/sha256 "$list" >"$dir"/out 2>&1
	sed 's/^/# evmctl: /' "$dir"/out | tail -n 3
	grep -q "Matched per TPM bank" "$dir"/out
}
