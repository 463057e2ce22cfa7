#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Boots the test kernel in QEMU (TCG) with a fresh swtpm TPM 2.0, the host's
# userspace read-only over 9p, a scratch ext4 disk and this repo, runs one
# command in the guest as root, prints its output, and exits with its status.
#
#   qemu/run.sh [-t SECONDS] [-a 'kernel args'] [-q 'qemu args'] [-n | -1] -- COMMAND...
#
# -n boots without a TPM, -1 with a TPM 1.2 (SHA-1 PCRs only). With a TPM, the guest can kill swtpm mid-run
# (TPM fault tests): it creates /run/host/kill-swtpm, and finds
# /run/host/swtpm-killed once swtpm is gone.
#
# The run fails (exit 1) if the guest's kernel log has a BUG, WARNING,
# lockdep, KASAN or "sleeping function called from invalid context" report,
# and exit 124 if the guest does not power off in time.
set -euo pipefail
. "$(dirname "$0")/env.sh"

timeout_s=600
append=""
qemu_extra=()
tpm=true
tpm_version=(--tpm2)
# pci=noacpi below: under TCG with KASAN and lockdep, evaluating each ACPI
# PCI interrupt link took ~20 s and tripped an RCU stall warning; the PIRQ
# table routes the same interrupts in milliseconds.
# no_timer_check: on a busy host, a TCG guest's IO-APIC timer check can
# miss its ticks and panic at boot ("IO-APIC + timer doesn't work", seen
# with 7.3); the check is for broken chipsets, not emulated ones.
# cache=loose: the host's / is shared read-only and does not change
# during a run, so the guest keeps what it read in its page cache; with
# no cache every exec re-read its binary over 9p (python3 started in
# 25-34 s on a loaded host, 7.5-8.5 s with the cache). -nic none: no
# test uses a network card, and its iPXE ROM slowed every boot.
# la57=off: with TCG's 5-level paging, one boot in ~8 hit a KASAN
# wild-memory-access report in an interrupt at t=0.005s, before any module.
while getopts "t:a:q:n1" o; do
	case $o in
	n) tpm=false ;;
	1) tpm_version=() ;;
	t) timeout_s=$OPTARG ;;
	a) append="${append:+$append }$OPTARG" ;;
	q) read -r -a qemu_extra <<<"$OPTARG" ;;
	*) exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ "${1:-}" = "--" ] && shift
[ $# -gt 0 ] || { echo "usage: $0 [-t s] -- command" >&2; exit 2; }

kdir=$(bash "$IMA_NS_TOP/qemu/build-kernel.sh")
run=$(mktemp -d /tmp/ima-ns-run.XXXXXX)
watcher=""
cleanup() {
	if [ -n "$watcher" ]; then kill "$watcher" 2>/dev/null || true; fi
	if [ -f "$run/swtpm.pid" ]; then kill "$(cat "$run/swtpm.pid")" 2>/dev/null || true; fi
	[ -n "${IMA_NS_KEEP_RUN:-}" ] || rm -rf "$run"
}
trap cleanup EXIT

# The guest command. The repo is shared read-only on its own and mounted at
# /run/ima-ns: its host path may be hidden in the guest (under /tmp).
printf '%q ' "$@" >"$run/cmd"
# The kernel build, for tests that load its bzImage (kexec_file_load), and
# its flavor, which picks the module build the tests load.
echo "$kdir" >"$run/kdir"
echo "$IMA_NS_KERNEL" >"$run/kernel"

tpm_args=()
if $tpm; then
	mkdir "$run/tpm"
	swtpm socket "${tpm_version[@]}" --tpmstate dir="$run/tpm" \
		--ctrl type=unixio,path="$run/swtpm.sock" \
		--flags startup-clear --pid file="$run/swtpm.pid" --daemon
	tpm_args=(-chardev "socket,id=chrtpm,path=$run/swtpm.sock"
		-tpmdev "emulator,id=tpm0,chardev=chrtpm" -device "tpm-tis,tpmdev=tpm0")
	# The guest asks for swtpm to die (see above).
	(
		while [ ! -e "$run/kill-swtpm" ]; do
			[ -d "$run" ] || exit 0
			sleep 0.5
		done
		kill "$(cat "$run/swtpm.pid")" 2>/dev/null
		touch "$run/swtpm-killed"
	) &
	watcher=$!
fi
truncate -s 256M "$run/scratch.img"
# verity, 4 KiB blocks: fs-verity files for the appraisal test (its Merkle
# tree blocks are a page, which a 1 KiB-block filesystem cannot hold).
mkfs.ext4 -q -F -b 4096 -O verity "$run/scratch.img"

rc=0
timeout "$timeout_s" qemu-system-x86_64 \
	-machine pc -cpu max,la57=off -smp 2 -m 2G -nographic -no-reboot -nic none \
	-kernel "$kdir/arch/x86/boot/bzImage" \
	-append "console=ttyS0 loglevel=4 panic=-1 pci=noacpi no_timer_check root=host0 rootfstype=9p \
rootflags=trans=virtio,version=9p2000.L,msize=262144,cache=loose ro \
init=$IMA_NS_TOP/qemu/guest-init.sh $append" \
	-fsdev local,id=root,path=/,security_model=none,readonly=on,multidevs=remap \
	-device virtio-9p-pci,fsdev=root,mount_tag=host0 \
	-fsdev local,id=repo,path="$IMA_NS_TOP",security_model=none,readonly=on \
	-device virtio-9p-pci,fsdev=repo,mount_tag=repo \
	-fsdev local,id=run,path="$run",security_model=none \
	-device virtio-9p-pci,fsdev=run,mount_tag=run \
	-drive file="$run/scratch.img",format=raw,if=virtio \
	"${tpm_args[@]}" \
	"${qemu_extra[@]}" \
	</dev/null >"$run/console.log" 2>&1 || rc=$?

[ -f "$run/output" ] && cat "$run/output"
if [ "$rc" = 124 ]; then
	echo "qemu/run.sh: guest timed out after ${timeout_s}s; console tail:" >&2
	tail -n 40 "$run/console.log" >&2
	exit 124
fi
if [ ! -f "$run/status" ]; then
	echo "qemu/run.sh: guest died before finishing (qemu rc $rc); console tail:" >&2
	tail -n 60 "$run/console.log" >&2
	exit 1
fi
status=$(cat "$run/status")

# Kernel reports the suite must never cause.
# Lockdep, KASAN and might_sleep reports all start with one of these
# headers (BUG: KASAN: ..., WARNING: possible circular locking ..., BUG:
# sleeping function called from invalid context ...).
bad='BUG:|WARNING:|INFO: possible|INFO: task .* blocked|KASAN:|UBSAN:|Oops|general protection fault|Kernel panic|suspicious RCU usage|sleeping function called from invalid context'
if grep -qE "$bad" "$run/dmesg" 2>/dev/null; then
	echo "qemu/run.sh: kernel reported problems during the run:" >&2
	grep -E -B2 -A20 "$bad" "$run/dmesg" | head -n 80 >&2
	exit 1
fi
exit "$status"
