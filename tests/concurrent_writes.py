#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Many threads writing one control file at once, for ima_ns_attack.sh.

  concurrent_writes.py policy FILE MODE THREADS PER_THREAD
  concurrent_writes.py value FILE MODE THREADS PER_THREAD VALUE...
  concurrent_writes.py buffers FILE MODE THREADS PER_THREAD

MODE is "shared" (one fd opened before the threads start, each thread
writing through it, half with write(2) and half with pwrite(2) at offset
0: pwrite takes no file position lock), "separate" (one fd per thread,
all opened by the main thread before the threads start: a single-writer
file refuses all but the first with EBUSY, and those threads write
nothing) or "reopen" (each write opens the file, writes and closes in its
thread; EBUSY from a single-writer file is retried).

policy: each write is one or two unique rules
("dont_measure fsmagic=0x<unique>"), which match no real file. Prints
"accepted RULE" for each rule of an accepted write.
value: each write is one of VALUE... Prints "accepted VALUE" lines.
buffers: each write is a unique line of text. Prints "accepted TEXT".

The threads' syscalls run at once: os.write and os.pwrite release the
GIL. Ends with "errnos=E1,E2" (every errno seen) and "writes=N".

With --unshare, first writes "1" to ns_unshare (the for_children/ files
then name a pending namespace of the main thread; this process never
forks). With --readback FILE, prints "read LINE" for each line of FILE,
read by the main thread once every fd is closed.
"""
import errno
import os
import sys
import threading

IMA = "/sys/kernel/security/ima"
lock = threading.Lock()
accepted = []
errnos = set()
writes = 0


def note(ok, items, err=None):
    global writes
    with lock:
        writes += 1
        if ok:
            accepted.extend(items)
        else:
            errnos.add(errno.errorcode.get(err, str(err)))


def payloads(kind, t, n, values):
    """The writes of thread t: (bytes, items accepted if the write is)."""
    for i in range(n):
        if kind == "policy":
            base = 0x7E000000 + t * 100000 + i * 2
            rules = ["dont_measure fsmagic=0x%x" % base]
            if i % 3 == 0:
                rules.append("dont_measure fsmagic=0x%x" % (base + 1))
            yield "".join(r + "\n" for r in rules).encode(), rules
        elif kind == "value":
            v = values[(t + i) % len(values)]
            yield (v + "\n").encode(), [v]
        else:
            # Unique per run too: the list keeps one entry per template
            # digest, as upstream (ima_lookup_digest_entry).
            text = "%d-thread%d-write%d" % (os.getpid(), t, i)
            yield (text + "\n").encode(), [text]


def worker(kind, path, mode, shared_fd, t, n, values, barrier):
    barrier.wait()
    use_pwrite = t % 2 == 1
    if isinstance(shared_fd, OSError):  # this thread's open was refused
        note(False, [], shared_fd.errno)
        return
    for data, items in payloads(kind, t, n, values):
        if mode in ("shared", "separate"):
            try:
                if use_pwrite:
                    r = os.pwrite(shared_fd, data, 0)
                else:
                    r = os.write(shared_fd, data)
                note(r == len(data), items, None if r == len(data) else errno.EIO)
            except OSError as e:
                note(False, items, e.errno)
            continue
        for _ in range(2000):
            try:
                fd = os.open(path, os.O_WRONLY)
            except OSError as e:
                if e.errno == errno.EBUSY:
                    continue
                note(False, items, e.errno)
                break
            try:
                r = os.pwrite(fd, data, 0) if use_pwrite else os.write(fd, data)
                ok, err = r == len(data), None
            except OSError as e:
                ok, err = False, e.errno
            try:
                os.close(fd)  # a policy update is installed here
                note(ok, items, err if not ok else None)
            except OSError as e:
                note(False, items, e.errno)
            break
        else:
            note(False, items, errno.EBUSY)


def main():
    args = sys.argv[1:]
    readback = None
    while args[0].startswith("--"):
        if args[0] == "--unshare":
            with open(IMA + "/ns_unshare", "w") as f:
                f.write("1")
            args = args[1:]
        elif args[0] == "--readback":
            readback, args = args[1], args[2:]
    kind, path, mode, threads, per = args[:5]
    values = args[5:]
    threads, per = int(threads), int(per)
    fds = [None] * threads
    if mode == "shared":
        fds = [os.open(path, os.O_WRONLY)] * threads
    elif mode == "separate":
        for t in range(threads):
            try:
                fds[t] = os.open(path, os.O_WRONLY)
            except OSError as e:
                fds[t] = e
    barrier = threading.Barrier(threads)
    ts = [threading.Thread(target=worker,
                           args=(kind, path, mode, fds[t], t, per, values, barrier))
          for t in range(threads)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    for fd in set(fd for fd in fds if isinstance(fd, int)):
        try:
            os.close(fd)  # a policy update is installed here
        except OSError as e:
            errnos.add(errno.errorcode.get(e.errno, str(e.errno)))
    if readback:
        with open(readback) as f:
            for line in f:
                print("read", line.rstrip())
    for item in accepted:
        print("accepted", item)
    print("errnos=" + ",".join(sorted(errnos)))
    print("writes=%d" % writes)


if __name__ == "__main__":
    main()
