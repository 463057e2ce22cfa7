#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Every content change is measured: a file is read (measured), its bytes
# change one way each (write, O_TRUNC, truncate, ftruncate, fallocate
# punch-hole and collapse-range, copy_file_range, splice, a store through
# a MAP_SHARED mapping, rename over it; a lower file under overlayfs;
# truncate on ramfs, which keeps no i_version), and the next read must
# list a new entry with the new contents' sha256. An io_uring openat is a
# FILE_CHECK like open(2). Then the hooks upstream has beyond those:
# overlayfs copy-up of security.evm (evm_inode_copy_up_xattr), and files
# made by mknod(2) and O_TMPFILE under an appraise rule.
# seconds: 226
. "$(dirname "$0")/lib.sh"
tap_plan 18
OPS=(python3 "$IMA_NS_TOP/tests/bytes_ops.py")
URING=$IMA_NS_TOP/tests/uring_openat
D=$SCRATCH/bytes
rm -rf "$D" && mkdir -p "$D"

# security.evm values for the copy-up check, set before the module is
# loaded (it refuses HMAC values from userspace): an HMAC (type 2) and a
# portable signature (type 5); only their type byte matters.
mkdir -p "$D"/lower "$D"/upper "$D"/work /tmp/merged
for v in hmac:02 portable:05; do
	echo "${v%%:*}" >"$D"/lower/evm-${v%%:*}
	setfattr -n security.evm -v 0x${v#*:}0102030405060708090a0b0c0d0e0f1011121314 "$D"/lower/evm-${v%%:*}
done

ima_load || bail "cannot load ima_ns.ko"
tap_check "policy: reads of files owned by 5555 are measured, files owned by 5557 appraised" \
	ima_policy_write "measure func=FILE_CHECK mask=^MAY_READ fowner=5555
appraise func=FILE_CHECK fsmagic=0xef53 fowner=5557"

# mk FILE: three 4 KiB blocks of fresh bytes, owned by 5555, then read
# once (measured). Created by a write-only open, which is not measured.
mk() { head -c 12288 /dev/urandom >"$1" && chown 5555 "$1" && cat "$1" >/dev/null; }

# changed DESC FILE CMD...: CMD changes FILE's bytes (it is measured
# before); then a read must list an entry with the new sha256.
changed() {
	local desc=$1 f=$2 before after
	shift 2
	before=$(sha256_of "$f")
	[ "$(ima_count "$f" "$before")" = 1 ] || { tap_not_ok "$desc (not measured before)"; return; }
	"$@" >/dev/null || { tap_not_ok "$desc (the change failed)"; return; }
	cat "$f" >/dev/null
	after=$(sha256_of "$f")
	if [ "$after" != "$before" ] && [ "$(ima_count "$f" "$after")" = 1 ]; then
		tap_ok "$desc"
	else
		tap_not_ok "$desc"
		diag "entries: $(ima_digests_of "$f" | tr '\n' ' '); now $after"
	fi
}

mk "$D"/write
changed "write(2) appending: re-measured" "$D"/write sh -c "echo more >>$D/write"
mk "$D"/otrunc
changed "open(O_TRUNC) and a write: re-measured" "$D"/otrunc sh -c "echo new >$D/otrunc"
mk "$D"/truncate
changed "truncate(2) by path: re-measured" "$D"/truncate "${OPS[@]}" truncate "$D"/truncate 100
mk "$D"/ftruncate
changed "ftruncate(2): re-measured" "$D"/ftruncate "${OPS[@]}" ftruncate "$D"/ftruncate 100
mk "$D"/punch
changed "fallocate(PUNCH_HOLE): re-measured" "$D"/punch "${OPS[@]}" punch "$D"/punch 0 4096
mk "$D"/collapse
changed "fallocate(COLLAPSE_RANGE): re-measured" "$D"/collapse "${OPS[@]}" collapse "$D"/collapse 0 4096
mk "$D"/copy && head -c 100 /dev/urandom >"$D"/copy-src
changed "copy_file_range(2): re-measured" "$D"/copy "${OPS[@]}" copy_range "$D"/copy-src "$D"/copy
mk "$D"/splice
changed "splice(2) from a pipe: re-measured" "$D"/splice "${OPS[@]}" splice "$D"/splice "spliced bytes"
mk "$D"/mmap
changed "a store through a MAP_SHARED mapping: re-measured" "$D"/mmap "${OPS[@]}" mmap_store "$D"/mmap "stored bytes"
mk "$D"/renamed
head -c 100 /dev/urandom >"$D"/renamed.new && chown 5555 "$D"/renamed.new
changed "a new file renamed over it: measured" "$D"/renamed mv "$D"/renamed.new "$D"/renamed

# ramfs keeps no i_version: only the truncate hook can tell.
mkdir -p /tmp/ramfs && mount -t ramfs ramfs /tmp/ramfs
mk /tmp/ramfs/truncate
changed "truncate(2) on ramfs (no change cookie): re-measured" /tmp/ramfs/truncate \
	"${OPS[@]}" truncate /tmp/ramfs/truncate 100
umount /tmp/ramfs

# overlayfs: the overlay file is measured (its own inode, as upstream);
# a change of the lower file underneath moves the lower inode's i_version,
# which upstream 6.12 compares (iint->real_inode) and so does the module.
mk "$D"/lower/f
mount -t overlay overlay -o lowerdir="$D"/lower,upperdir="$D"/upper,workdir="$D"/work /tmp/merged ||
	diag "overlay mount failed"
cat /tmp/merged/f >/dev/null
changed "overlayfs: the lower file changed underneath, read through the overlay: re-measured" \
	/tmp/merged/f sh -c "echo more >>$D/lower/f"
changed "overlayfs: written through the overlay (copy-up), read again: re-measured" \
	/tmp/merged/f sh -c "echo more >>/tmp/merged/f"
# (Without the hook, the HMAC would be copied, which EVM refuses from
# anyone: the write through the overlay would fail.)
evm_type() { getfattr -n security.evm -e hex "$1" 2>/dev/null | sed -n 's/^security.evm=0x\(..\).*/\1/p'; }
copied_up() {
	echo more >>/tmp/merged/evm-hmac && echo more >>/tmp/merged/evm-portable &&
		[ -f "$D"/upper/evm-hmac ] && [ -z "$(evm_type "$D"/upper/evm-hmac)" ] &&
		[ "$(evm_type "$D"/upper/evm-portable)" = 05 ]
}
tap_check "overlayfs copy-up keeps a portable security.evm and drops an HMAC (evm_inode_copy_up_xattr)" \
	copied_up
umount /tmp/merged

# io_uring: IORING_OP_OPENAT goes through do_open(), so file_post_open.
head -c 5000 /dev/urandom >"$D"/uring && chown 5555 "$D"/uring
[ -x "$URING" ] || diag "$URING not built (make modules builds it)"
$URING "$D"/uring || diag "uring_openat failed"
tap_check "io_uring openat of a new file: measured by FILE_CHECK with its sha256" \
	test "$(ima_digests_of "$D"/uring)" = "$(sha256_of "$D"/uring)"

# New files an appraise rule covers (owner 5557), made without an open
# file_post_open sees: mknod(2) marks the file new, so its first writer may
# open it empty (ima_post_path_mknod); an O_TMPFILE gets security.ima
# written at its last close (ima_post_create_tmpfile).
mkdir -p "$D"/new && chown 5557 "$D"/new
tap_check "mknod(2) of a regular file, then open for write and written by its owner: allowed" \
	setpriv --reuid 5557 --regid 5557 --clear-groups python3 -c "
import os, stat
os.mknod('$D/new/mknod', 0o644 | stat.S_IFREG)
with open('$D/new/mknod', 'r+') as f: f.write('made by mknod')"
# (os.link() calls link(2), which does not follow /proc/self/fd: linkat
# with AT_SYMLINK_FOLLOW does.)
setpriv --reuid 5557 --regid 5557 --clear-groups python3 -c "
import ctypes, os
fd = os.open('$D/new', os.O_TMPFILE | os.O_RDWR, 0o644)
os.write(fd, b'made as O_TMPFILE')
AT_FDCWD, AT_SYMLINK_FOLLOW = -100, 0x400
if ctypes.CDLL(None).linkat(AT_FDCWD, f'/proc/self/fd/{fd}'.encode(), AT_FDCWD,
                            b'$D/new/tmpfile', AT_SYMLINK_FOLLOW) != 0:
    raise SystemExit('linkat failed')
os.close(fd)" || diag "O_TMPFILE failed"
tap_check "O_TMPFILE linked in, closed: security.ima holds its sha256" \
	test "$(getfattr -n security.ima -e hex "$D"/new/tmpfile 2>/dev/null | sed -n 's/^security.ima=//p')" = \
	"0x0404$(printf 'made as O_TMPFILE' | sha256sum | cut -d' ' -f1)"

ima_unload
tap_finish
