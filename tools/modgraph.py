#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The module crate's import graph (ima_ns.ko's Rust modules), its cycles,
and a check of the four tiers design.md names: a module may use modules of
its own tier or below, never above.

    tools/modgraph.py            print the graph and any cycles
    tools/modgraph.py --check    exit 1 on a cycle or a tier violation
    tools/modgraph.py --dot      Graphviz of the graph
"""
import os
import re
import sys

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


# The four tiers, lowest first (Documentation/design.md, "Tiers"): a
# module may name modules of its own tier or below, never above.
TIERS = [
    ("abstractions", "bindings compat bh waitq workqueue crypto current file dentry audit "
     "kernel_read tpm keyrings coexist text params appraise_mode"),
    ("state", "list iint policy namespace tasks state template model evm_state"),
    ("operations", "collect measure appraise evm report"),
    ("entry", "hooks kernel_hooks securityfs"),
]


def tier_of():
    """module -> tier index."""
    return {m: i for i, (_, ms) in enumerate(TIERS) for m in ms.split()}


def modules():
    """name -> (source file, directory of its children), from
    ima_ns/ima_ns.rs's `mod` lines."""
    root = os.path.join(TOP, "ima_ns", "ima_ns.rs")
    out, path = {}, None
    for line in open(root):
        m = re.match(r'#\[path = "([^"]+)"\]', line)
        if m:
            path = m.group(1)
            continue
        m = re.match(r"(?:pub(?:\(crate\))? )?mod (\w+);", line)
        if m:
            name = m.group(1)
            if path:
                # A #[path] file's children sit beside it, as a mod.rs's.
                f = os.path.normpath(os.path.join(TOP, "ima_ns", path))
                out[name] = (f, os.path.dirname(f))
            else:
                f = os.path.join(TOP, "ima_ns", name + ".rs")
                out[name] = (f, os.path.join(TOP, "ima_ns", name))
            path = None
    return out


def edges(mods):
    """module -> the crate modules it names (use crate::x, crate::x::...)."""
    g = {}
    for name, (f, sub) in mods.items():
        text = open(f).read()
        # A module's children (file.rs's file/abspath.rs, securityfs/kernel.rs's
        # securityfs/files.rs) are part of it.
        for child in re.findall(r"^\s*(?:pub(?:\(crate\))? )?mod (\w+);", text, re.M):
            cf = os.path.join(sub, child + ".rs")
            if os.path.exists(cf):
                text += open(cf).read()
        # Strip comments so doc links do not count.
        text = re.sub(r"//[^\n]*", "", text)
        used = set(re.findall(r"\bcrate::(\w+)", text))
        # use crate::{a, b::c}
        for group in re.findall(r"use crate::\{([^}]*)\}", text, re.S):
            used.update(re.findall(r"(?:^|,)\s*(\w+)", group))
        g[name] = sorted(u for u in used if u in mods and u != name)
    return g


def cycles(g):
    """The strongly connected components with more than one module (Tarjan)."""
    index, low, stack, on, out = {}, {}, [], set(), []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in g[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in g:
        if v not in index:
            visit(v)
    return out


def main():
    mods = modules()
    g = edges(mods)
    if "--dot" in sys.argv:
        print("digraph ima_ns {")
        for v, ws in g.items():
            for w in ws:
                print(f"  {v} -> {w};")
        print("}")
        return 0
    for v in sorted(g):
        print(f"{v}: {' '.join(g[v])}")
    cyc = cycles(g)
    for c in cyc:
        print("cycle:", " ".join(c))
    print(f"{len(g)} modules, {sum(len(w) for w in g.values())} edges, {len(cyc)} cycles")
    if "--check" not in sys.argv:
        return 0
    tier = tier_of()
    bad = [f"{v}: in no tier (add it to TIERS)" for v in sorted(g) if v not in tier]
    for v in sorted(g):
        for w in g[v]:
            if v in tier and w in tier and tier[w] > tier[v]:
                bad.append(f"upward edge: {v} ({TIERS[tier[v]][0]}) -> {w} ({TIERS[tier[w]][0]})")
    # Logic (the state and operations tiers) sees the kernel only through
    # the abstractions: it never names the raw bindings.
    for v in sorted(g):
        if tier.get(v) in (1, 2) and "bindings" in g[v]:
            bad.append(f"{v} ({TIERS[tier[v]][0]}) names bindings: wrap it in an abstraction")
    for b in bad:
        print(b)
    return 1 if cyc or bad else 0


if __name__ == "__main__":
    sys.exit(main())
