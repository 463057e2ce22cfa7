# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# Shared helpers for the ima-ns kselftest-style scripts (KTAP/TAP 13):
# sourced by each tests/ima_ns_*.sh, which run as root inside the guest.

# The module's securityfs directory, PCR and keyring prefix. Before the
# module is loaded these are its defaults for this kernel (with built-in
# IMA, which owns /sys/kernel/security/ima: ima-ns, PCR 15, ".ima_ns.");
# ima_load sets them to what the module chose (ima_settings), so tests
# use $IMA, $IMA_PCR, $IMA_KEYRING_PREFIX and $EVM_DIR, never the paths.
PARAMS=/sys/module/ima_ns/parameters
# Built-in IMA's own securityfs directory, if the kernel has IMA.
# shellcheck disable=SC2034 # for the scripts that source this file
BUILTIN_IMA=/sys/kernel/security/ima
builtin_ima() { grep -qw ima_measure_critical_data /proc/kallsyms 2>/dev/null; }
# Built-in EVM (CONFIG_EVM), found as the module finds it.
builtin_evm() { grep -qw evm_verifyxattr /proc/kallsyms 2>/dev/null; }
ima_settings() {
	local dir
	if [ -r $PARAMS/securityfs_dir ]; then
		dir=$(cat $PARAMS/securityfs_dir)
		IMA_PCR=$(cat $PARAMS/pcr)
		IMA_KEYRING_PREFIX=$(cat $PARAMS/keyring_prefix)
	elif builtin_ima; then
		dir=ima-ns IMA_PCR=15 IMA_KEYRING_PREFIX=.ima_ns.
	else
		dir=ima IMA_PCR=10 IMA_KEYRING_PREFIX=.
	fi
	IMA=/sys/kernel/security/$dir
	# EVM's files: upstream's place when the module has upstream's
	# directory, else inside its own.
	# shellcheck disable=SC2034 # for the scripts that source this file
	if [ "$dir" = ima ]; then EVM_DIR=/sys/kernel/security/integrity/evm; else EVM_DIR=$IMA/evm; fi
}
ima_settings
# kr NAME: the module's keyring NAME (ima, evm, ima_ns<id>, evm_ns<id>)
# under its keyring prefix: ".ima" alone, ".ima_ns.ima" beside built-in IMA.
kr() { echo "${IMA_KEYRING_PREFIX}$1"; }
# shellcheck disable=SC2034 # for the scripts that source this file
SCRATCH=${IMA_NS_SCRATCH:-/run/scratch}
# The module built for the kernel the guest runs (Makefile: build/<flavor>/tree).
IMA_NS_KERNEL=${IMA_NS_KERNEL:-test}
MODDIR=${IMA_NS_TOP:?}/build/$IMA_NS_KERNEL/tree
KO=$MODDIR/ima_ns.ko
LIVEPATCH=/sys/kernel/livepatch/ima_ns

_tap_n=0
_tap_failed=0
_tap_skipped=0
_tap_plan=

tap_plan() { _tap_plan=$1; echo "TAP version 13"; echo "1..$1"; }
diag() { echo "# $*"; }
# IMA_NS_TAP_TIMES=1: each result is preceded by the seconds since the
# script started (to find where a slow script spends its time).
_tap_time() { [ -z "${IMA_NS_TAP_TIMES:-}" ] || echo "# t=${SECONDS}s"; }
tap_ok() { _tap_time; _tap_n=$((_tap_n + 1)); echo "ok $_tap_n - $1"; }
tap_not_ok() { _tap_time; _tap_n=$((_tap_n + 1)); _tap_failed=$((_tap_failed + 1)); echo "not ok $_tap_n - $1"; }
# tap_skip DESCRIPTION REASON: a check that could not run here (KTAP SKIP).
tap_skip() { _tap_time; _tap_n=$((_tap_n + 1)); _tap_skipped=$((_tap_skipped + 1)); echo "ok $_tap_n - $1 # SKIP $2"; }
# tap_check DESCRIPTION COMMAND...: one check, passing if COMMAND succeeds.
tap_check() {
	local desc=$1
	shift
	if "$@"; then tap_ok "$desc"; else tap_not_ok "$desc"; fi
}
# tap_finish: exit 1 on a failure or when the checks run differ from the
# plan, 4 (KTAP skip) when every check was skipped, else 0.
tap_finish() {
	if [ "$_tap_n" != "$_tap_plan" ]; then
		echo "# plan mismatch: planned ${_tap_plan:-nothing}, ran $_tap_n"
		exit 1
	fi
	[ "$_tap_failed" -eq 0 ] || exit 1
	[ "$_tap_n" -gt 0 ] && [ "$_tap_skipped" = "$_tap_n" ] && exit 4
	exit 0
}
bail() { echo "Bail out! $*"; exit 1; }

# Loads the module and waits until its hooks are live (livepatch
# transition done).
# Beside built-in IMA the module defaults to host=ima (namespaces only);
# the tests of its own host list load it with host=own unless they say
# (host=...) or ask for the module's default (IMA_LOAD_DEFAULT_HOST=1).
# shellcheck disable=SC2120 # the arguments are optional module parameters
ima_load() {
	local host=()
	if builtin_ima && [ -z "${IMA_LOAD_DEFAULT_HOST:-}" ] && [[ " $* " != *" host="* ]]; then
		host=(host=own)
	fi
	insmod "$KO" "${host[@]}" "$@" || return 1
	ima_settings
	for _ in $(seq 100); do
		[ "$(cat $LIVEPATCH/transition 2>/dev/null)" = 0 ] && return 0
		sleep 0.1
	done
	return 1
}

# Disables the hooks first, then unloads.
ima_unload() {
	[ -d $LIVEPATCH ] && echo 0 >$LIVEPATCH/enabled
	for _ in $(seq 100); do
		[ -d $LIVEPATCH ] || break
		sleep 0.1
	done
	rmmod ima_ns
}

# ima_policy_write TEXT: writes a policy in one write(2); returns its status.
ima_policy_write() { printf '%s\n' "$1" >"$IMA"/policy; }

# Digest field ("sha256:<hex>") of the entries named $1, one per line.
ima_digests_of() { awk -v n="$1" '$5 == n { print $4 }' "$IMA"/ascii_runtime_measurements; }

# Number of entries named $1 whose digest is $2.
ima_count() { ima_digests_of "$1" | grep -cxF "$2"; }

# same_file EXPECTED FILE: byte-equal. Through a pipe: securityfs files
# report size 0, so cmp on the path would stop at the size check.
# shellcheck disable=SC2002 # the pipe is the point (see above)
same_file() { cat "$2" | cmp -s "$1" -; }

# list_ok LIST.BIN: the binary list parses entry by entry and every
# template digest recomputes (tests/replay.py, written from upstream's
# format only).
list_ok() { python3 "$IMA_NS_TOP/tests/replay.py" "$1" sha1 >/dev/null; }

# log_mark, then log_since: the kernel log lines printed after the mark
# (by timestamp). Tests never clear the log (dmesg -c): qemu/run.sh scans
# the whole log for kernel reports at the end.
log_mark() { _log_mark=$(dmesg | sed -n '$s/^\[ *\([0-9.]*\)\].*/\1/p'); }
log_since() {
	dmesg | awk -v m="${_log_mark:-0}" '
		{ t = $0; sub(/^\[ */, "", t); sub(/\].*/, "", t) }
		t + 0 > m + 0'
}
log_has() { log_since | grep -q -- "$1"; }
log_count() { log_since | grep -c -- "$1"; }

# tpm_replay_ok LIST.BIN ALGO...: the binary list replays (replay.py)
# to the TPM's PCR $IMA_PCR (10 unless beside built-in IMA) in each bank ALGO.
tpm_replay_ok() {
	local list=$1 alg tpm out
	shift
	out=$(python3 "$IMA_NS_TOP/tests/replay.py" --pcr "$IMA_PCR" "$list" "$@") || return 1
	for alg in "$@"; do
		tpm=$(tr 'A-F' 'a-f' </sys/class/tpm/tpm0/pcr-"$alg"/"$IMA_PCR")
		grep -qx "$alg $tpm" <<<"$out" || { diag "$alg: TPM $tpm, replay $(grep "^$alg " <<<"$out")"; return 1; }
	done
}

# tpm_banks: the TPM's PCR banks (sha1, sha256, ...), one per line, sorted.
tpm_banks() {
	local p
	for p in /sys/class/tpm/tpm0/pcr-*; do [ -e "$p" ] && echo "${p##*/pcr-}"; done | sort
}

sha256_of() { echo "sha256:$(sha256sum "$1" | cut -d' ' -f1)"; }
