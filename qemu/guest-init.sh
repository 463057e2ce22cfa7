#!/bin/bash
# PID 1 of the test guest: mounts what the tests need, runs the command the
# host left in the "run" share, saves its status and the kernel log there,
# and powers off.
export PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mount -t securityfs securityfs /sys/kernel/security
mount -t tmpfs tmpfs /tmp
mount -t tmpfs tmpfs /run
mount -t tmpfs tmpfs /root
mkdir -p /run/host /run/scratch
mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144 run /run/host
mount -t ext4 /dev/vda /run/scratch
hostname ima-ns-guest

. /run/host/env
export IMA_NS_TOP IMA_NS_SCRATCH=/run/scratch
cd "$IMA_NS_TOP"
bash -c "$(cat /run/host/cmd)" >/run/host/output 2>&1 </dev/null
echo $? >/run/host/status.tmp
dmesg >/run/host/dmesg
mv /run/host/status.tmp /run/host/status
sync
busybox poweroff -f
