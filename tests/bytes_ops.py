#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Changes a file's bytes one way each, through the syscall named, never
opening it for read (so the change itself is not a measured access).

  bytes_ops.py truncate PATH SIZE          truncate(2) by path
  bytes_ops.py ftruncate PATH SIZE         ftruncate(2) on an O_WRONLY fd
  bytes_ops.py punch PATH OFF LEN          fallocate(PUNCH_HOLE|KEEP_SIZE)
  bytes_ops.py collapse PATH OFF LEN       fallocate(COLLAPSE_RANGE)
  bytes_ops.py copy_range SRC DST          copy_file_range(2) SRC over DST
  bytes_ops.py splice DST TEXT             splice(2) TEXT from a pipe into DST
  bytes_ops.py mmap_store PATH TEXT        store TEXT through a MAP_SHARED mapping

Exits 0 on success, else prints the error and exits 1.
"""
import ctypes
import mmap
import os
import sys

libc = ctypes.CDLL(None, use_errno=True)
libc.fallocate.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_long, ctypes.c_long]
FALLOC_FL_KEEP_SIZE, FALLOC_FL_PUNCH_HOLE, FALLOC_FL_COLLAPSE_RANGE = 1, 2, 8


def fallocate(path, mode, off, length):
    fd = os.open(path, os.O_WRONLY)
    if libc.fallocate(fd, mode, off, length) != 0:
        e = ctypes.get_errno()
        raise OSError(e, os.strerror(e))
    os.close(fd)


def main():
    cmd, a = sys.argv[1], sys.argv[2:]
    if cmd == "truncate":
        os.truncate(a[0], int(a[1]))
    elif cmd == "ftruncate":
        fd = os.open(a[0], os.O_WRONLY)
        os.ftruncate(fd, int(a[1]))
        os.close(fd)
    elif cmd == "punch":
        fallocate(a[0], FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, int(a[1]), int(a[2]))
    elif cmd == "collapse":
        fallocate(a[0], FALLOC_FL_COLLAPSE_RANGE, int(a[1]), int(a[2]))
    elif cmd == "copy_range":
        src = os.open(a[0], os.O_RDONLY)
        dst = os.open(a[1], os.O_WRONLY)
        size = os.fstat(src).st_size
        if os.copy_file_range(src, dst, size, 0, 0) != size:
            sys.exit("copy_file_range: short copy")
        os.close(src)
        os.close(dst)
    elif cmd == "splice":
        data = a[1].encode()
        r, w = os.pipe()
        os.write(w, data)
        dst = os.open(a[0], os.O_WRONLY)
        if os.splice(r, dst, len(data), offset_dst=0) != len(data):
            sys.exit("splice: short")
        os.close(dst)
    elif cmd == "mmap_store":
        data = a[1].encode()
        fd = os.open(a[0], os.O_RDWR)
        m = mmap.mmap(fd, len(data), mmap.MAP_SHARED, mmap.PROT_READ | mmap.PROT_WRITE)
        m[0:len(data)] = data
        m.close()
        os.close(fd)
    else:
        sys.exit(f"unknown command {cmd}")


try:
    main()
except OSError as e:
    print(f"{sys.argv[1]}: {e}")
    sys.exit(1)
