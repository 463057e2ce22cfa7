# SPDX-License-Identifier: GPL-2.0
"""make bench-open's table: bench-open-guest.sh's "result CONFIG open US"
lines on stdin; OPENS opens per round (argv[1]). Under -icount shift=3 a
guest microsecond is 125 instructions."""
import statistics
import sys

opens = int(sys.argv[1])
rounds = {}
for line in sys.stdin:
    w = line.split()
    if len(w) == 4 and w[0] == "result":
        rounds.setdefault(w[1], []).append(int(w[3]))
med = {c: statistics.median(v) for c, v in rounds.items()}
base = med["none"]
print("%-9s %10s %7s %7s %12s" % ("config", "median us", "/ none", "spread", "instr/open"))
for c in ("none", "upstream", "ima-ns"):
    v = rounds[c]
    added = (med[c] - base) * 125 / opens
    print("%-9s %10.0f %7.3f %6.2f%% %+12.0f" % (c, med[c], med[c] / base, 100 * (max(v) - min(v)) / med[c], added))
print("ima-ns / upstream: %.3f" % (med["ima-ns"] / med["upstream"]))
