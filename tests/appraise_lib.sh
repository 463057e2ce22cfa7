# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# Helpers for the appraisal and EVM tests (sourced after lib.sh); they use
# $T (a private directory) and $D (a directory on the scratch ext4).

# work_dirs NAME: $T, a private directory, and $D, $SCRATCH/NAME, where
# the test's files go (ext4, traversable by every uid).
work_dirs() {
	T=$(mktemp -d)
	D=$SCRATCH/$1
	mkdir -p "$D" && chmod 755 "$D"
}

# key NAME [OPENSSL-NEWKEY-ARGS...]: a key ($T/NAME.pem) and its
# self-signed DER certificate ($T/NAME.der), RSA 2048 unless asked; the
# certificate carries the subject key id evmctl puts in signatures.
key() {
	local name=$1
	shift
	[ $# -gt 0 ] || set -- rsa:2048
	openssl req -x509 -newkey "$@" -nodes -keyout "$T"/"$name".pem -subj "/CN=ima-ns $name" \
		-days 2 -outform DER -out "$T"/"$name".der 2>/dev/null || bail "openssl $name"
}

# new_prog NAME: a fresh executable copy of true in $D.
new_prog() { rm -f "$D"/"$1"; cp /bin/true "$D"/"$1" && chmod 755 "$D"/"$1"; }

# run CMD...: "ok", "EACCES", "EPERM", "EINVAL" or the exit status and output.
run() {
	local out rc
	out=$("$@" 2>&1)
	rc=$?
	if [ $rc = 0 ]; then echo ok
	elif echo "$out" | grep -q "Permission denied"; then echo EACCES
	elif echo "$out" | grep -q "not permitted"; then echo EPERM
	elif echo "$out" | grep -q "Invalid argument"; then echo EINVAL
	else echo "rc=$rc: $out"; fi
}

# expect WANT CMD...: run gives WANT; else the result and the module's
# last log lines as diagnostics.
expect() {
	local want=$1 got
	shift
	got=$(run "$@")
	[ "$got" = "$want" ] || { diag "got $got"; dmesg | grep ima_ns | tail -n 2 | sed 's/^/# /'; return 1; }
}
