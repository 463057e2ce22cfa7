#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# PID 1 of the test guest: mounts what the tests need (the repo at
# /run/ima-ns, the host's "run" share at /run/host), runs the command the
# host left there, saves its status and the kernel log, and powers off.
# The repo, like the root (qemu/run.sh), does not change during a run:
# cache=loose keeps what the guest read (binaries, scripts) in its page
# cache, instead of a 9p round trip per read and lookup (a python3 start
# took 3-4x longer without). /run/host is written by both sides: no cache.
export PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
# What udev adds on a real system; bash's <(...) needs /dev/fd.
ln -sfn /proc/self/fd /dev/fd
ln -sf /proc/self/fd/0 /dev/stdin
ln -sf /proc/self/fd/1 /dev/stdout
ln -sf /proc/self/fd/2 /dev/stderr
mount -t securityfs securityfs /sys/kernel/security
mount -t tmpfs tmpfs /tmp
mount -t tmpfs tmpfs /run
mount -t tmpfs tmpfs /root
mkdir -p /run/host /run/scratch /run/ima-ns
mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144 run /run/host
mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144,cache=loose,ro repo /run/ima-ns
mount -t ext4 /dev/vda /run/scratch
hostname ima-ns-guest

export IMA_NS_TOP=/run/ima-ns IMA_NS_SCRATCH=/run/scratch
IMA_NS_KERNEL=$(cat /run/host/kernel)
export IMA_NS_KERNEL
cd "$IMA_NS_TOP" || exit 1
bash -c "$(cat /run/host/cmd)" >/run/host/output 2>&1 </dev/null
echo $? >/run/host/status.tmp
dmesg >/run/host/dmesg
mv /run/host/status.tmp /run/host/status
sync
busybox poweroff -f
