#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Copyright (c) 2022-2026 the jobmatchd authors
"""Lists the project's includes of every C file and fails on a loop.

A module is a source and its header (daemon/conn.c and daemon/conn.h are
the module daemon/conn): module A depends on module B when a file of A
includes, with #include "...", a file of B. Each include is looked for
beside the including file, then from the root of the tree (where the build
points -I); one that is found in neither is not the project's (a system or
generated header) and is left out. The modules of all the folders named
(by default daemon, proto, matcher, tools, fuzz and tests) make one graph;
every loop in it is printed with the includes that make it, and the exit
status is then 1. A loop of modules is a loop of responsibilities: two
files that each need the other are one module in two files, or a third
owner is missing.

usage: check-includes.py [-q] [--root DIR] [FOLDER ...]
  -q          print only the loops and the summary, not every file's
              includes
  --root DIR  the tree (default: the directory above this script's)
"""
import argparse
import os
import re
import sys

INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)
DEFAULT = ["daemon", "proto", "matcher", "tools", "fuzz", "tests"]
SKIP = re.compile(r"^(build|build-.*|\..*|__pycache__)$")


def sources(root, folders):
    """The .c and .h files under folders, as paths relative to root."""
    out = []
    for folder in folders:
        top = os.path.join(root, folder)
        if os.path.isfile(top):
            out.append(os.path.relpath(top, root))
            continue
        for dirpath, dirnames, filenames in os.walk(top):
            dirnames[:] = sorted(d for d in dirnames if not SKIP.match(d))
            for f in sorted(filenames):
                if f.endswith((".c", ".h")):
                    out.append(os.path.relpath(os.path.join(dirpath, f),
                                               root))
    return sorted(set(out))


def includes(root, path):
    """The project's files that path includes, in order of appearance."""
    with open(os.path.join(root, path), encoding="utf-8",
              errors="replace") as fp:
        text = fp.read()
    found = []
    for name in INCLUDE.findall(text):
        for cand in (os.path.join(os.path.dirname(path), name), name):
            cand = os.path.normpath(cand)
            if os.path.isfile(os.path.join(root, cand)):
                if cand not in found:
                    found.append(cand)
                break
    return found


def module(path):
    return os.path.splitext(path)[0]


def loops(graph):
    """The strongly connected components of more than one module
    (Tarjan), each as a sorted list."""
    index, low, on, stack, out = {}, {}, set(), [], []
    counter = [0]

    def visit(v):
        # iterative, so that a deep tree cannot overflow Python's stack
        work = [(v, iter(sorted(graph.get(v, ()))))]
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        while work:
            node, it = work[-1]
            advanced = False
            for w in it:
                if w not in index:
                    index[w] = low[w] = counter[0]
                    counter[0] += 1
                    stack.append(w)
                    on.add(w)
                    work.append((w, iter(sorted(graph.get(w, ())))))
                    advanced = True
                    break
                if w in on:
                    low[node] = min(low[node], index[w])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                comp = []
                while True:
                    w = stack.pop()
                    on.discard(w)
                    comp.append(w)
                    if w == node:
                        break
                if len(comp) > 1:
                    out.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def one_cycle(graph, comp):
    """A shortest cycle through the first module of comp, within comp."""
    start, members = comp[0], set(comp)
    prev, queue = {start: None}, [start]
    while queue:
        nxt = []
        for v in queue:
            for w in sorted(graph.get(v, ())):
                if w not in members:
                    continue
                if w == start:
                    path = [v]
                    while prev[path[-1]] is not None:
                        path.append(prev[path[-1]])
                    return list(reversed(path)) + [start]
                if w not in prev:
                    prev[w] = v
                    nxt.append(w)
        queue = nxt
    return comp + [comp[0]]


def main():
    ap = argparse.ArgumentParser(add_help=True, usage=__doc__.split(
        "usage: ")[1].split("\n")[0])
    ap.add_argument("-q", action="store_true")
    ap.add_argument("--root", default=os.path.dirname(
        os.path.dirname(os.path.abspath(__file__))))
    ap.add_argument("folders", nargs="*")
    args = ap.parse_args()
    root = os.path.abspath(args.root)
    folders = args.folders or [f for f in DEFAULT
                               if os.path.exists(os.path.join(root, f))]
    files = sources(root, folders)
    graph, edges = {}, {}
    for f in files:
        inc = includes(root, f)
        if not args.q:
            print("%s:%s" % (f, "".join(" " + i for i in inc)))
        a = module(f)
        graph.setdefault(a, set())
        for i in inc:
            b = module(i)
            if b == a:
                continue
            graph[a].add(b)
            graph.setdefault(b, set())
            edges.setdefault((a, b), []).append("%s includes %s" % (f, i))
    found = loops(graph)
    for comp in found:
        cyc = one_cycle(graph, comp)
        print("include loop: %s" % " -> ".join(cyc))
        for a, b in zip(cyc, cyc[1:]):
            for why in edges[(a, b)]:
                print("  %s" % why)
        if len(comp) > len(cyc) - 1:
            print("  (its component: %s)" % ", ".join(comp))
    print("includes: %d files, %d modules in %s: %s" % (
        len(files), len(graph), ", ".join(folders),
        "%d loop%s" % (len(found), "" if len(found) == 1 else "s")
        if found else "no loop"))
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
