#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Names a verifier can trust: an entry names a file as upstream's
# ima_d_path() does, by d_absolute_path() (fs/d_path.c): the path from the
# root of the mount tree, whatever the measuring task's root (chroot), with
# no " (deleted)"; where that path cannot be built (a pseudo file such as a
# memfd, a detached mount; prepend_path() > 1 gives -EINVAL), the dentry's
# own name. A namespace's list names a file as the host's does.
#
# Every program is a copy of the static busybox with a tag appended, so
# each has its own digest, and an exec in a chroot needs no libraries.
# seconds: 141
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/ns_lib.sh"
tap_plan 12

log_mark
ima_load || bail "cannot load ima_ns.ko"
ima_policy_write "measure func=BPRM_CHECK" || bail "policy write failed"
T=$(mktemp -d)

# names_digests NAME [LIST]: digests of the entries whose whole name is
# NAME (names may hold spaces: " (deleted)").
names_digests() {
	awk -v n="$1" '{ x = $0; sub(/^[^ ]+ [^ ]+ [^ ]+ [^ ]+ /, "", x); if (x == n) print $4 }' \
		"${2:-$IMA/ascii_runtime_measurements}"
}
# mkprog FILE TAG: a runnable program with a digest of its own.
mkprog() {
	mkdir -p "$(dirname "$1")"
	{ cat /bin/busybox; printf '%s' "$2"; } >"$1"
	chmod 755 "$1"
}
# recorded_as NAME FILE [LIST]: NAME's only entry carries FILE's sha256.
recorded_as() {
	local got
	got=$(names_digests "$1" "${3:-}")
	[ "$got" = "$(sha256_of "$2")" ] || { diag "entries named '$1': '$got'"; return 1; }
}
# unnamed NAME...: no entry carries any of these names.
unnamed() {
	local n
	for n in "$@"; do
		[ -z "$(names_digests "$n")" ] || { diag "entry named '$n'"; return 1; }
	done
}

# A chroot with the host's /usr (bash, python3) bind-mounted, /proc, and
# an ext4 work directory /w.
R=$SCRATCH/root
mkdir -p "$R"/usr "$R"/proc "$R"/w
mount --bind /usr "$R"/usr || bail "bind /usr"
mount -t proc proc "$R"/proc || bail "proc in the chroot"
for d in bin sbin lib lib64; do ln -sfn usr/$d "$R"/$d; done

# The report: a chroot whose /usr/bin/true is another binary.
R2=$SCRATCH/root2
mkprog "$R2"/usr/bin/true chroot-true
chroot "$R2" /usr/bin/true
tap_check "chroot: the exec is recorded under its absolute path $R2/usr/bin/true, with that file's sha256" \
	recorded_as "$R2"/usr/bin/true "$R2"/usr/bin/true
host_true_clean() { ! names_digests /usr/bin/true | grep -qxF "$(sha256_of "$R2"/usr/bin/true)"; }
tap_check "chroot: no entry names /usr/bin/true with the chrooted binary's digest" host_true_clean

# Bind mounts: d_absolute_path() walks from a mount's root to its mount
# point, so a bind-mounted file is named by where it is mounted.
mkprog "$SCRATCH"/src/bound bind-file
: >"$R"/w/bound
mount --bind "$SCRATCH"/src/bound "$R"/w/bound || bail "file bind mount"
chroot "$R" /w/bound 2>/dev/null
tap_check "a bind-mounted file is recorded under its mount point $R/w/bound, not its source" \
	eval "recorded_as $R/w/bound $SCRATCH/src/bound && unnamed $SCRATCH/src/bound /w/bound"
mkprog "$SCRATCH"/dsrc/prog bind-dir
mkdir -p "$R"/w/dbind
mount --bind "$SCRATCH"/dsrc "$R"/w/dbind || bail "directory bind mount"
chroot "$R" /w/dbind/prog 2>/dev/null
tap_check "a file under a bind-mounted directory is recorded as $R/w/dbind/prog" \
	recorded_as "$R"/w/dbind/prog "$SCRATCH"/dsrc/prog

# Hard links: each name as it was accessed.
mkprog "$SCRATCH"/hl/first hardlink
ln "$SCRATCH"/hl/first "$R"/w/second
ln "$SCRATCH"/hl/first "$R"/w/third
chroot "$R" /w/second 2>/dev/null
tap_check "a hard link is recorded under the name it was run by ($R/w/second), not another link's" \
	eval "recorded_as $R/w/second $SCRATCH/hl/first && unnamed $SCRATCH/hl/first $R/w/third /w/second"

# Exec through /proc/self/fd/N and execveat(fd, "", AT_EMPTY_PATH)
# (python's os.execve(fd) is fexecve): the file's own path.
mkprog "$R"/w/fdprog proc-fd
chroot "$R" /bin/bash -c 'exec 3</w/fdprog && /proc/self/fd/3' 2>/dev/null
tap_check "exec of /proc/self/fd/N in the chroot is recorded as the file's absolute path $R/w/fdprog" \
	recorded_as "$R"/w/fdprog "$R"/w/fdprog
mkprog "$R"/w/atprog execveat
chroot "$R" /usr/bin/python3 -c 'import os; os.execve(os.open("/w/atprog", os.O_RDONLY), ["true"], {})'
tap_check "execveat(fd, \"\", AT_EMPTY_PATH) in the chroot is recorded as $R/w/atprog" \
	recorded_as "$R"/w/atprog "$R"/w/atprog

# memfd: d_absolute_path() gives -EINVAL (the pseudo dentry is its own
# parent: prepend_path() returns 3), so upstream records the dentry name
# "memfd:<name>", not d_path()'s "/memfd:<name> (deleted)". The exec goes
# through a read-only reopen: a writable fd would make it ETXTBSY.
mkprog "$T"/memfd-content memfd
python3 - "$T"/memfd-content <<'PY'
import os, sys
fd = os.memfd_create("ima-names", 0x10)  # MFD_EXEC
os.write(fd, open(sys.argv[1], "rb").read())
ro = os.open(f"/proc/self/fd/{fd}", os.O_RDONLY)
os.close(fd)
os.execve(ro, ["true"], {})
PY
tap_check "a memfd exec is recorded as upstream names it: memfd:ima-names" \
	recorded_as memfd:ima-names "$T"/memfd-content

# An unlinked file: d_absolute_path() adds no " (deleted)" (d_path() does).
mkprog "$SCRATCH"/del/prog deleted
cp "$SCRATCH"/del/prog "$T"/deleted-copy
bash -c "exec 3<$SCRATCH/del/prog && rm $SCRATCH/del/prog && /proc/self/fd/3" 2>/dev/null
tap_check "an unlinked file is recorded under its former path $SCRATCH/del/prog, no ' (deleted)'" \
	recorded_as "$SCRATCH"/del/prog "$T"/deleted-copy

# A detached mount (umount -l): no path from the root, so the dentry name.
mkprog "$SCRATCH"/lazysrc/sub/lazyprog detached
mkdir -p "$SCRATCH"/lazy
mount --bind "$SCRATCH"/lazysrc "$SCRATCH"/lazy || bail "bind for umount -l"
bash -c "exec 3<$SCRATCH/lazy/sub/lazyprog && umount -l $SCRATCH/lazy && /proc/self/fd/3" 2>/dev/null
tap_check "a file of a detached mount is recorded by its dentry name (lazyprog), as upstream's fallback" \
	recorded_as lazyprog "$SCRATCH"/lazysrc/sub/lazyprog

# A namespace names files as the host does: the same chrooted exec, and
# the third hard link, in the namespace's list and the host's.
mkprog "$R"/w/nsprog namespace
ns_run "measure func=BPRM_CHECK" bash -c "
	chroot $R /w/nsprog
	chroot $R /w/third 2>/dev/null
	cat $IMA/ascii_runtime_measurements >$T/ns.txt"
tap_check "the namespace's list and the host's both name the chrooted exec $R/w/nsprog" \
	eval "recorded_as $R/w/nsprog $R/w/nsprog $T/ns.txt && recorded_as $R/w/nsprog $R/w/nsprog"
tap_check "the namespace records the hard link it ran by that name ($R/w/third)" \
	recorded_as "$R"/w/third "$SCRATCH"/hl/first "$T"/ns.txt

if log_has "d_absolute_path() not found"; then
	diag "module fell back to d_path(): $(log_since | grep d_absolute_path)"
fi
umount "$R"/w/dbind "$R"/w/bound "$R"/proc "$R"/usr
ima_unload || diag "unload failed"
tap_finish
