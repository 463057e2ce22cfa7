# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# Helpers for the container tests (sourced after lib.sh and ns_lib.sh):
# a busybox rootfs, OCI bundles, and the runtimes behind `ima-ns oci`.

# oci_rootfs DIR: a busybox-static rootfs (sh, cat, sleep, echo, true as
# links to /bin/busybox).
oci_rootfs() {
	local d=$1 a
	mkdir -p "$d/bin" "$d/etc" "$d/proc" "$d/dev" "$d/sys/kernel/security" "$d/tmp"
	cp /bin/busybox "$d/bin/busybox"
	for a in sh cat sleep echo true ls; do ln -sf busybox "$d/bin/$a"; done
}

# oci_bundle DIR ROOTFS HOSTNAME ARGS_JSON ANNOTATIONS_JSON [NAMESPACES_JSON]:
# a bundle whose config.json runs ARGS_JSON as root without capabilities,
# with /proc, a /dev tmpfs and securityfs mounted, and the annotations.
oci_bundle() {
	local ns=${6:-'[{"type": "pid"}, {"type": "mount"}, {"type": "ipc"}, {"type": "uts"}]'}
	mkdir -p "$1"
	cat >"$1/config.json" <<EOF
{
	"ociVersion": "1.0.2",
	"process": {
		"terminal": false,
		"user": {"uid": 0, "gid": 0},
		"args": $4,
		"env": ["PATH=/bin"],
		"cwd": "/"
	},
	"root": {"path": "$2", "readonly": false},
	"hostname": "$3",
	"mounts": [
		{"destination": "/proc", "type": "proc", "source": "proc"},
		{"destination": "/dev", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "mode=755"]},
		{"destination": "/sys/kernel/security", "type": "securityfs", "source": "securityfs"}
	],
	"annotations": $5,
	"linux": {"namespaces": $ns}
}
EOF
}

# errno_ops OP...: each OP is FILE=VALUE (one write(2) of VALUE) or FILE
# (a read), all in this one process; prints OK/the value read, or the errno
# name, per OP, space-separated.
errno_ops() {
	python3 - "$@" <<'EOF'
import errno, os, sys
out = []
for op in sys.argv[1:]:
    path, eq, value = op.partition("=")
    try:
        if eq:
            fd = os.open(path, os.O_WRONLY)
            try:
                os.write(fd, value.encode())
            finally:
                os.close(fd)
            out.append("OK")
        else:
            with open(path) as f:
                out.append(f.read().strip() or "EMPTY")
    except OSError as e:
        out.append(errno.errorcode.get(e.errno, str(e.errno)))
print(" ".join(out))
EOF
}

# oci_wait_file FILE TEXT: waits (up to 60 s) until FILE has a line TEXT.
oci_wait_file() {
	local _
	for _ in $(seq 600); do
		grep -qxF -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

# oci_list ID: namespace ID's ascii list as the host sees it.
oci_list() { cat "$IMA/namespaces/$1/ascii_runtime_measurements"; }

# has_digest LIST_FILE DIGEST [NAME_SUFFIX]: an entry with that digest (and a
# name ending in NAME_SUFFIX).
has_digest() { awk -v d="$2" -v s="${3:-}" '$4 == d && substr($5, length($5) - length(s) + 1) == s { f = 1 } END { exit !f }' "$1"; }
