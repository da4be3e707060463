#!/usr/bin/env python3
"""Measure callcheck's call graph against a compiler's.

GCC's -fcallgraph-info writes one VCG file (.ci) per compiled unit: a node per function the unit
defines (title "UNIT:name", label "name\\nFILE:LINE:COL") or calls without defining (title
"name", shape ellipse), and an edge per direct call after preprocessing. This script reads every
.ci file under a build directory and compares, as caller name + file -> callee name:

- the compiler's direct calls between functions defined in files of the source tree (functions
  defined only in generated files of the build directory, and library functions, are left out);
- callcheck's call-like edges (every kind but `reference` and `field`) from `callcheck graph
  --format json` on the same tree, restricted to callers the compiler compiled and callees it
  defines.

It prints recall (compiler edges callcheck has), precision (callcheck edges the compiler has) and
samples of misses and extras, each miss tagged with where its callee is defined (`header`,
`c.inc`, `same file`, `other file`).

With --violations it also counts the violations of the qemu-block rules (IO_CODE must not reach
GLOBAL_STATE_CODE nor IO_OR_GS_CODE; IO_OR_GS_CODE must not reach GLOBAL_STATE_CODE) that the
compiler's graph implies, and how many callcheck reports. The compiler cannot see the marker
macros, so a function's contexts are the markers callcheck finds in its body or in the macros it
invokes (`callcheck contexts`); paths follow the compiler's edges, generated units included.

usage: callgraph_recall.py --tree TREE [--build DIR] [--callcheck BIN] [--samples N]
                           [--violations] [-- CALLCHECK_ARGS...]
e.g.   scripts/callgraph_recall.py --tree ~/.cache/callcheck-build/qemu-7.2 -- --preset qemu

Only the Python standard library is used.
"""

import argparse
import collections
import json
import os
import re
import subprocess
import sys

NODE = re.compile(r'node: \{ title: "([^"]*)" label: "([^"\\]*)\\n([^"]*):(\d+):(\d+)"( shape : ellipse)?')
EDGE = re.compile(r'edge: \{ sourcename: "([^"]*)" targetname: "([^"]*)"')

BLOCK_RULES = {
    "IO_CODE": ["GLOBAL_STATE_CODE", "IO_OR_GS_CODE"],
    "IO_OR_GS_CODE": ["GLOBAL_STATE_CODE"],
}
MARKER_ORIGINS = {"marker in body", "marker in a macro it invokes"}


class Place:
    """Where a path is: in the source tree (relative path), in the build directory, or outside."""

    def __init__(self, tree, build):
        self.tree = os.path.realpath(tree)
        self.build = os.path.realpath(build)

    def of(self, path, base):
        full = os.path.normpath(os.path.join(base, path))
        if full == self.build or full.startswith(self.build + os.sep):
            return "build", os.path.relpath(full, self.tree)
        if full.startswith(self.tree + os.sep):
            return "tree", os.path.relpath(full, self.tree)
        return "outside", full


def read_compiler_graph(build, place):
    """Returns (defined, edges): defined maps (name, file) -> 'tree'|'build' for every function
    defined in the tree or build directory; edges is the set of (caller name, caller file,
    callee name, callee key or None for an external callee)."""
    defined = {}
    edges = set()
    for root, _, files in os.walk(build):
        for file in files:
            if not file.endswith(".ci"):
                continue
            nodes = {}
            with open(os.path.join(root, file), encoding="utf-8", errors="replace") as text:
                content = text.read()
            for title, name, path, _, _, external in NODE.findall(content):
                if external:
                    nodes[title] = (name, None)
                    continue
                where, rel = place.of(path, build)
                if where == "outside":
                    nodes[title] = (name, "outside")
                    continue
                nodes[title] = (name, rel)
                defined.setdefault((name, rel), where)
            for source, target in EDGE.findall(content):
                caller, callee = nodes.get(source), nodes.get(target)
                if caller is None or callee is None or caller[1] in (None, "outside"):
                    continue
                callee_key = None if callee[1] is None else callee
                edges.add((caller[0], caller[1], callee[0], callee_key))
    return defined, edges


def run_json(binary, args, cwd):
    result = subprocess.run([binary] + args, cwd=cwd, capture_output=True, text=True)
    if result.returncode not in (0, 1):
        sys.exit(f"callcheck {' '.join(args)} failed ({result.returncode}): {result.stderr.strip()}")
    return json.loads(result.stdout)


def normal(path):
    return os.path.normpath(path)


def callcheck_edges(graph):
    out = set()
    for edge in graph["edges"]:
        if edge["kind"] in ("reference", "field") or "." in edge["to"]["name"]:
            continue
        out.add((edge["from"]["name"], normal(edge["from"]["file"]), edge["to"]["name"]))
    return out


def where_defined(name, files_of):
    files = files_of.get(name, ())
    if any(f.endswith((".c.inc", ".h.inc")) for f in files):
        return "c.inc"
    if files and all(f.endswith(".h") for f in files):
        return "header"
    return "source"


def compare(defined, compiler_edges, graph, samples):
    tree_defined = {key for key, where in defined.items() if where == "tree"}
    tree_names = {name for name, _ in tree_defined}
    files_of = collections.defaultdict(set)
    for name, file in tree_defined:
        files_of[name].add(file)
    expected = {
        (caller, file, callee)
        for caller, file, callee, _ in compiler_edges
        if (caller, file) in tree_defined and callee in tree_names
    }
    found = {
        edge
        for edge in callcheck_edges(graph)
        if (edge[0], edge[1]) in tree_defined and edge[2] in tree_names
    }
    both = expected & found
    recall = len(both) / len(expected) if expected else 1.0
    precision = len(both) / len(found) if found else 1.0
    print(f"compiler edges: {len(expected)}  callcheck edges: {len(found)}  common: {len(both)}")
    print(f"recall: {recall:.3f}  precision: {precision:.3f}")
    misses = sorted(expected - found)
    by_kind = collections.Counter(where_defined(callee, files_of) for _, _, callee in misses)
    print("misses by where the callee is defined: "
          + ", ".join(f"{kind} {count}" for kind, count in sorted(by_kind.items())))
    step = max(1, len(misses) // samples) if samples else 0
    for caller, file, callee in misses[::step][:samples] if samples else []:
        print(f"  miss  {caller} ({file}) -> {callee}  [{where_defined(callee, files_of)}]")
    extras = sorted(found - expected)
    step = max(1, len(extras) // samples) if samples else 0
    for caller, file, callee in extras[::step][:samples] if samples else []:
        print(f"  extra {caller} ({file}) -> {callee}")


def implied_violations(defined, compiler_edges, contexts):
    """The (function, file, forbidden context) pairs of the qemu-block rules along compiler
    edges, with contexts from callcheck's markers."""
    by_name = collections.defaultdict(list)
    for key in defined:
        by_name[key[0]].append(key)
    callers_of = collections.defaultdict(set)
    for caller, file, callee, callee_key in compiler_edges:
        targets = [callee_key] if callee_key else by_name.get(callee, [])
        for target in targets:
            callers_of[target].add((caller, file))
    marked = collections.defaultdict(set)
    for key, names in contexts.items():
        for name in names:
            marked[name].add(key)
    out = set()
    for start, forbidden_list in BLOCK_RULES.items():
        for forbidden in forbidden_list:
            # Everything that reaches a `forbidden` function through one edge or more.
            seen = set()
            queue = collections.deque(marked[forbidden])
            while queue:
                node = queue.popleft()
                for caller in callers_of.get(node, ()):
                    if caller not in seen:
                        seen.add(caller)
                        queue.append(caller)
            out |= {(name, file, forbidden) for name, file in seen & marked[start]}
    return out


def marker_contexts(report):
    contexts = collections.defaultdict(set)
    for context in report["contexts"]:
        for function in context["functions"]:
            if MARKER_ORIGINS & set(function.get("origins", [])):
                contexts[(function["name"], normal(function["file"]))].add(context["name"])
    return contexts


def compare_violations(defined, compiler_edges, tree, binary, args, samples):
    contexts = marker_contexts(run_json(binary, ["contexts", "--format", "json"] + args + ["."], tree))
    implied = implied_violations(defined, compiler_edges, contexts)
    check = run_json(binary, ["--format", "json"] + args + ["."], tree)
    compiled = {key for key, where in defined.items()}
    found = {
        (v["function"], normal(v["file"]), v["calls"])
        for v in check["violations"]
        if v.get("context") in BLOCK_RULES and v["calls"] in BLOCK_RULES[v["context"]]
        and (v["function"], normal(v["file"])) in compiled
    }
    both = implied & found
    print(f"qemu-block violations implied by the compiler's graph: {len(implied)}  "
          f"reported by callcheck (compiled functions): {len(found)}  both: {len(both)}")
    for name, file, forbidden in sorted(implied - found)[:samples]:
        print(f"  missed   {name} ({file}) reaches {forbidden}")
    for name, file, forbidden in sorted(found - implied)[:samples]:
        print(f"  extra    {name} ({file}) reaches {forbidden}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tree", required=True, help="the source tree callcheck reads")
    parser.add_argument("--build", help="the build directory holding .ci files (default TREE/build)")
    parser.add_argument("--callcheck", default="callcheck", help="the callcheck binary")
    parser.add_argument("--samples", type=int, default=15, help="misses and extras shown")
    parser.add_argument("--violations", action="store_true",
                        help="also compare the qemu-block violations")
    parser.add_argument("args", nargs="*", help="callcheck options, after --")
    options = parser.parse_args()
    tree = os.path.realpath(options.tree)
    build = os.path.realpath(options.build or os.path.join(tree, "build"))
    binary = os.path.realpath(options.callcheck) if os.sep in options.callcheck else options.callcheck
    # callcheck runs in the tree: a file argument (a --config) is made absolute first.
    options.args = [os.path.abspath(a) if os.path.isfile(a) else a for a in options.args]
    place = Place(tree, build)
    defined, compiler_edges = read_compiler_graph(build, place)
    if not defined:
        sys.exit(f"no .ci files with definitions under {build}")
    graph = run_json(binary, ["graph", "--format", "json"] + options.args + ["."], tree)
    compare(defined, compiler_edges, graph, options.samples)
    if options.violations:
        compare_violations(defined, compiler_edges, tree, binary, options.args, options.samples)


if __name__ == "__main__":
    main()
