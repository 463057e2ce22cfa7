#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Causes the kernel events the func tests check, by raw syscalls.

  func_events.py init_module KO          load KO by init_module(2) (no fd)
  func_events.py kexec_load KERNEL INITRD   kexec_file_load(2), then unload
  func_events.py mmap FILE r|rx          mmap FILE with PROT_READ[|PROT_EXEC]
  func_events.py mprotect FILE           mmap PROT_READ, then mprotect +EXEC

Exits 0 on success, else prints the errno name and exits 1.
"""
import ctypes
import errno
import os
import sys

libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long
libc.mmap.restype = ctypes.c_void_p
libc.mmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int,
                      ctypes.c_int, ctypes.c_int, ctypes.c_long]
libc.mprotect.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int]

SYS_init_module = 175
SYS_kexec_file_load = 320
KEXEC_FILE_UNLOAD = 1
PROT_READ, PROT_EXEC = 1, 4
MAP_PRIVATE = 2
MAP_FAILED = ctypes.c_void_p(-1).value


def fail(what):
    e = ctypes.get_errno()
    print(f"{what}: {errno.errorcode.get(e, e)}")
    sys.exit(1)


def init_module(path):
    image = open(path, "rb").read()
    if libc.syscall(SYS_init_module, image, len(image), b"") != 0:
        fail("init_module")


def kexec_load(kernel, initrd):
    cmdline = b"console=ttyS0\0"
    kfd = os.open(kernel, os.O_RDONLY)
    ifd = os.open(initrd, os.O_RDONLY)
    if libc.syscall(SYS_kexec_file_load, kfd, ifd, len(cmdline), cmdline, 0) != 0:
        fail("kexec_file_load")
    if libc.syscall(SYS_kexec_file_load, -1, -1, 0, None, KEXEC_FILE_UNLOAD) != 0:
        fail("kexec_file_load(KEXEC_FILE_UNLOAD)")


def mapping(path, prot):
    fd = os.open(path, os.O_RDONLY)
    addr = libc.mmap(None, 4096, prot, MAP_PRIVATE, fd, 0)
    if addr is None or addr == MAP_FAILED:
        fail("mmap")
    return addr


def main():
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "init_module":
        init_module(args[0])
    elif cmd == "kexec_load":
        kexec_load(args[0], args[1])
    elif cmd == "mmap":
        mapping(args[0], PROT_READ | (PROT_EXEC if args[1] == "rx" else 0))
    elif cmd == "mprotect":
        addr = mapping(args[0], PROT_READ)
        if libc.mprotect(addr, 4096, PROT_READ | PROT_EXEC) != 0:
            fail("mprotect")
    else:
        sys.exit(f"unknown command {cmd}")


main()
