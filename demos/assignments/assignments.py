#!/usr/bin/env python3
"""Course assignments: student trees, the grader, and the checks that keep them honest.

Over 400 lines on purpose: one file (with sandbox.py beside it) that CI and instructors run with a bare python3
(no package, no install); its sections follow the pipeline: markers and stubs, trees, the grading
table and mutations, building and running, `make grade`, `make check-assignments`, the selftest.

Python 3 standard library only.  Called by the Makefile targets (see docs/assignments/README.md):

  assignments.py tree  N [--out DIR] [--force]     student tree: only AN's marked bodies become throws
  assignments.py grade N [--tree PATH]             grade a submission (folder or archive) in the sandbox
  assignments.py grade-class N SUBMISSIONS [--out DIR]   one table per student and points.csv
  assignments.py check [--strict] [--only N,..]    the three checks of `make check-assignments`
  assignments.py selftest                          shows each check can fail (broken table / mutation / stub)
  (the hostile submissions the grader is tested against: demos/assignments/hostile.py)

Markers in the reference code (the reference stays the solution):

      // BEGIN ASSIGNMENT A6: expected_ka (docs/theory.md#...)
      // TODO lines right after BEGIN are kept in the student tree (the cs231n-style hint block)
      ... reference statements ...
      // END ASSIGNMENT A6

A marked region ends its function body: in the student tree it becomes `(void)` casts of the function's
parameters and earlier locals plus `throw std::logic_error("Need to implement for A6: ...")`.

A submission is untrusted: only the handout's files are taken from it, into a fresh student tree of this
repository, built and run in the sandbox of sandbox.py (docs/assignments/README.md#what-the-sandbox-isolates).
"""
import argparse
import concurrent.futures
import contextlib
import csv
import fnmatch
import io
import os
import re
import shutil
import signal
import stat
import subprocess
import sys
import tarfile
import tempfile
import time
import xml.etree.ElementTree as ET
import zipfile

sys.dont_write_bytecode = True  # no __pycache__/ beside the scripts (it would be copied into student trees)
import sandbox  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
TABLE = os.path.join("docs", "assignments", "grading.tsv")
MUTATIONS = os.path.join("docs", "assignments", "mutations")
ASSIGNMENTS = range(1, 9)
SOURCE_DIRS = ("linalg", "nn", "tasks", "theory", "demos")
BEGIN_RE = re.compile(r"^(\s*)// BEGIN ASSIGNMENT A(\d+): (\S+) \(([^)]*)\)\s*$")
END_RE = re.compile(r"^\s*// END ASSIGNMENT A(\d+)\s*$")
LOCAL_RE = re.compile(r"^\s+(?:const\s+)?(?:[A-Za-z_][\w:]*(?:<[^;=]*>)?\s*[&*]?\s+)+([A-Za-z_]\w*)\s*(?:=|\(|\{|;)")
NOT_NAMES = {"return", "throw", "else", "delete", "new", "case", "goto", "break", "continue"}


class Failure(Exception):
    pass


class NoSuchTree(Failure):
    """A usage error: the path given does not exist (exit 2, nothing created)."""


def say(*parts):
    print(*parts, flush=True)


# ---- markers and stubs -----------------------------------------------------------------------

class Region:
    def __init__(self, path, begin, end, number, function, doc, indent):
        self.path, self.begin, self.end = path, begin, end  # 0-based line indices of the marker lines
        self.number, self.function, self.doc, self.indent = number, function, doc, indent

    def message(self):
        return "Need to implement for A%d: %s (%s)" % (self.number, self.function, self.doc)


def source_files(tree):
    out = []
    for top in SOURCE_DIRS:
        for base, _, names in os.walk(os.path.join(tree, top)):
            for name in names:
                if name.endswith((".cpp", ".h")):
                    out.append(os.path.relpath(os.path.join(base, name), tree))
    return sorted(out)


def find_regions(tree, path):
    lines = read_lines(os.path.join(tree, path))
    regions, open_region = [], None
    for i, line in enumerate(lines):
        m = BEGIN_RE.match(line)
        if m:
            if open_region:
                raise Failure("%s:%d: BEGIN ASSIGNMENT inside another marked region" % (path, i + 1))
            open_region = (i, int(m.group(2)), m.group(3), m.group(4), m.group(1))
            continue
        m = END_RE.match(line)
        if m:
            if not open_region or int(m.group(1)) != open_region[1]:
                raise Failure("%s:%d: END ASSIGNMENT A%s without a matching BEGIN" % (path, i + 1, m.group(1)))
            b, number, function, doc, indent = open_region
            regions.append(Region(path, b, i, number, function, doc, indent))
            open_region = None
        elif "ASSIGNMENT A" in line and ("BEGIN" in line or "END" in line):
            raise Failure("%s:%d: malformed assignment marker: %s" % (path, i + 1, line.strip()))
    if open_region:
        raise Failure("%s:%d: BEGIN ASSIGNMENT without END" % (path, open_region[0] + 1))
    return regions


def all_regions(tree):
    regions = []
    for path in source_files(tree):
        regions.extend(find_regions(tree, path))
    return regions


def read_lines(path):
    with open(path, encoding="utf-8") as f:
        return f.read().split("\n")


def split_top_level(text):
    parts, depth, cur = [], 0, ""
    for ch in text:
        if ch in "(<[{":
            depth += 1
        elif ch in ")>]}":
            depth -= 1
        if ch == "," and depth == 0:
            parts.append(cur)
            cur = ""
        else:
            cur += ch
    if cur.strip():
        parts.append(cur)
    return parts


def names_to_silence(lines, region):
    """Parameters of the enclosing function and locals declared before the region."""
    start = region.begin - 1
    while start >= 0:
        line = lines[start]
        if line and not line[0].isspace() and "(" in line and not line.startswith(("//", "#", "}", "namespace")):
            break
        start -= 1
    if start < 0:
        raise Failure("%s:%d: cannot find the function around this marker" % (region.path, region.begin + 1))
    text = "\n".join(lines[start:region.begin])
    open_paren = text.index("(")
    depth, close = 0, None
    for k in range(open_paren, len(text)):
        depth += text[k] == "("
        depth -= text[k] == ")"
        if depth == 0:
            close = k
            break
    names = []
    for param in split_top_level(text[open_paren + 1:close]):
        param = param.split("=")[0].strip()
        m = re.search(r"([A-Za-z_]\w*)\s*(\[\s*\])?$", param)
        if m and param != "void":
            names.append(m.group(1))
    body_start = text.index("{", close) if "{" in text[close:] else len(text)
    depth = 1  # only locals of the body's own scope (not of an `if` block before the region)
    for line in text[body_start + 1:].split("\n"):
        m = LOCAL_RE.match(line)
        if m and depth == 1 and m.group(1) not in NOT_NAMES:
            names.append(m.group(1))
        code = line.split("//")[0]
        depth += code.count("{") - code.count("}")
    return list(dict.fromkeys(names))


def stub_lines(lines, region):
    ind = region.indent
    out = [ind + "// TODO(A%d): implement %s -- see %s and docs/assignments/."
           % (region.number, region.function, region.doc)]
    k = region.begin + 1
    while k < region.end and lines[k].strip().startswith("//"):  # the hint block stays
        out.append(lines[k])
        k += 1
    names = names_to_silence(lines, region)
    if names:
        out.append(ind + " ".join("(void)%s;" % n for n in names))
    out.append(ind + 'throw std::logic_error("%s");' % region.message())
    return out


FUNCTION_RE = re.compile(r"^(?:[\w:<>,]+[&*]?\s+)+[&*]?([A-Za-z_]\w*)\(")


def stubbed_text(tree, path, regions):
    lines = read_lines(os.path.join(tree, path))
    original = "\n".join(lines)
    for region in sorted(regions, key=lambda r: -r.begin):
        body = "\n".join(lines[region.begin:region.end + 1])
        stub = stub_lines(lines, region)
        lines[region.begin:region.end + 1] = stub
        # A file-local helper whose only caller was the removed body would warn (-Wunused-function).
        rest = "\n".join(l.split("//")[0] for l in lines)
        helpers = {m.group(1) for l in original.split("\n") for m in [FUNCTION_RE.match(l)] if m}
        orphans = sorted(h for h in helpers if re.search(r"\b%s\b" % h, body)
                         and len(re.findall(r"\b%s\b" % h, rest)) == 1)
        if orphans:
            at = region.begin + len(stub) - 1
            lines.insert(at, region.indent + " ".join("(void)&%s;" % h for h in orphans))
    if not any(re.match(r"#include <stdexcept>", l) for l in lines):
        first = next(i for i, l in enumerate(lines) if l.startswith("#include"))
        lines.insert(first + 1, "#include <stdexcept>  // std::logic_error for the assignment stubs")
    return "\n".join(lines)


# ---- trees -----------------------------------------------------------------------------------

def tracked_files(tree, untracked=True):
    """The tree's source files.  In a git checkout: its tracked files, plus (untracked=True) new ones
    git does not ignore; a tree graded from a submission takes tracked files only, so that nothing
    left in the checkout (another student's unpacked submission, say) reaches a sandbox."""
    try:  # a git checkout (a copy inside out/ is no checkout)
        top = subprocess.run(["git", "rev-parse", "--show-toplevel"], cwd=tree, check=True,
                             capture_output=True).stdout.decode().strip()
        if os.path.realpath(top) != os.path.realpath(tree):
            raise OSError("not the top of a checkout")
        listing = ["git", "ls-files", "-c"] + (["-o", "--exclude-standard"] if untracked else []) + ["-z"]
        out = subprocess.run(listing, cwd=tree, check=True, capture_output=True).stdout.decode()
        files = [f for f in out.split("\0") if f]
    except (OSError, subprocess.CalledProcessError):
        files = []
        for base, dirs, names in os.walk(tree):
            rel = os.path.relpath(base, tree)
            dirs[:] = [d for d in dirs if not (rel == "." and d in (".git", "build", "out", "data"))]
            files += [os.path.normpath(os.path.join(rel, n)) for n in names]
    return [f for f in files if os.path.isfile(os.path.join(tree, f)) and not f.startswith(("out/", "build/"))]


# What of build/ a student tree takes: the default build's own objects and library (and its programs,
# unless skip_build names bin).  Never another build (build/portable, build/wasm, build/asan, ...):
# those hold whole compiled copies of the reference solutions, which a graded submission could run.
DEFAULT_BUILD_PARTS = ("linalg", "nn", "tasks", "theory", "demos", "tests", "librichlazy.a", "bin")


def build_ignore(build, skip_build):
    """shutil.copytree's ignore: at build/'s top level keep only DEFAULT_BUILD_PARTS less skip_build; in
    build/tests keep objects, dependency files and all_tests (no stray single-file test binaries)."""
    def ignore(d, names):
        here = os.path.abspath(d)
        if here == os.path.abspath(build):
            return [n for n in names if n not in DEFAULT_BUILD_PARTS or n in skip_build]
        if here == os.path.abspath(os.path.join(build, "tests")):
            return [n for n in names if os.path.isfile(os.path.join(d, n))
                    and not n.endswith((".o", ".d")) and n != "all_tests"]
        return []
    return ignore


def copy_tree(src, dst, skip_build=("asan", "fuzz"), untracked=True):
    """Sources and build/ objects with their mtimes, so only files written afresh recompile (only the
    default build's parts, DEFAULT_BUILD_PARTS, less what skip_build names)."""
    for rel in tracked_files(src, untracked):
        target = os.path.join(dst, rel)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        shutil.copy2(os.path.join(src, rel), target)
    build = os.path.join(src, "build")
    if os.path.isdir(build):
        shutil.copytree(build, os.path.join(dst, "build"), copy_function=shutil.copy2,
                        ignore=build_ignore(build, skip_build), dirs_exist_ok=True)


def write_fresh(path, text):
    with open(path, "wb") as f:
        f.write(text if isinstance(text, bytes) else text.encode("utf-8"))
    now = time.time()
    os.utime(path, (now, now))  # newer than every copied object (make compares nanoseconds)


def regions_of(tree, number):
    return [r for r in all_regions(tree) if r.number == number]


def make_student_tree(number, out, src=ROOT, force=False, skip_build=("asan", "fuzz"), untracked=True):
    regions = regions_of(src, number)
    if os.path.exists(out):
        if not force:
            raise Failure("%s already exists (a student's work?); remove it or pass FORCE=1" % out)
        shutil.rmtree(out)
    copy_tree(src, out, skip_build, untracked)
    by_file = {}
    for r in regions:
        by_file.setdefault(r.path, []).append(r)
    for path, rs in by_file.items():
        write_fresh(os.path.join(out, path), stubbed_text(src, path, rs))
    # The recorded mutations quote the reference lines they change: they would show the solutions.
    mutations = os.path.join(out, MUTATIONS)
    if os.path.isdir(mutations):
        shutil.rmtree(mutations)
        os.makedirs(mutations)
        with open(os.path.join(mutations, "README.md"), "w") as f:
            f.write("# Recorded mutations\n\nNot part of a student tree: they quote the reference solution. "
                    "The instructor's copy is in the repository.\n")
    with open(os.path.join(out, ".assignment"), "w") as f:
        f.write("A%d\n" % number)
    return regions


# ---- the grading table and mutations ------------------------------------------------------------

class Row:
    def __init__(self, number, test, points, hint, mutation, line):
        self.number, self.test, self.points, self.hint, self.mutation, self.line = \
            number, test, points, hint, mutation, line


def read_table(tree, table=None):
    path = table or os.path.join(tree, TABLE)
    rows = []
    for k, line in enumerate(read_lines(path)):
        if not line.strip() or line.startswith("#"):
            continue
        cols = line.split("\t")
        if cols[0] == "assignment":
            continue
        if len(cols) != 5 or not re.fullmatch(r"A\d+", cols[0]) or "." not in cols[1]:
            raise Failure("%s:%d: expected 5 tab-separated columns: assignment test points hint mutation"
                          % (path, k + 1))
        row = Row(int(cols[0][1:]), cols[1], int(cols[2]), cols[3], cols[4], k + 1)
        if (row.points == 0) != (row.hint == "-") or (row.points == 0 and row.mutation != "-"):
            raise Failure("%s:%d: a row has points and a hint, or 0 points, hint - and mutation -" % (path, k + 1))
        rows.append(row)
    return rows


def parse_mutation(tree, name):
    """(file, [(original, replacement), ...]): one `file:` line, then one or more hunks, each
    '--- original' / '--- replacement' / '--- end' (a bug that needs a new local takes two hunks)."""
    path = os.path.join(tree, MUTATIONS, name)
    text = open(path, encoding="utf-8").read()
    m = re.search(r"^file: (\S+)\n", text, re.M)
    hunks = [(o, r[:-1] if r.endswith("\n") else r)  # an empty replacement deletes the original lines
             for o, r in re.findall(r"^--- original\n(.*?)\n--- replacement\n(.*?)^--- end", text, re.S | re.M)]
    if not m or not hunks:
        raise Failure("%s: expected 'file:', '--- original', '--- replacement', '--- end'" % path)
    return m.group(1), hunks


def where_it_moved(text, original, path):
    """Why a mutation's original text does not match the reference exactly once, naming the line: the
    first of its lines no longer in the file and the nearest line there now (or every place it occurs)."""
    import difflib
    lines = text.split("\n")
    if text.count(original) > 1:
        first = original.split("\n")[0]
        at = [str(k + 1) for k, l in enumerate(lines) if l == first]
        return "its original text occurs %d times in %s (lines %s; it must be exactly once: quote more lines)" % (
            text.count(original), path, ", ".join(at))
    for line in original.split("\n"):
        if line not in lines:
            near = difflib.get_close_matches(line, lines, n=1, cutoff=0.5)
            if near:
                return "its line %r is no longer in %s; the nearest line now is %s:%d: %r (update the mutation)" % (
                    line.strip(), path, path, lines.index(near[0]) + 1, near[0].strip())
            return "its line %r is no longer in %s, nor anything like it (update or remove the mutation)" % (
                line.strip(), path)
    return "its lines are all in %s but no longer next to each other (lines moved apart: update the mutation)" % path


def apply_mutation(tree, name, src=ROOT):
    path, hunks = parse_mutation(src, name)
    before = open(os.path.join(tree, path), encoding="utf-8").read()
    text = before
    for original, replacement in hunks:
        if text.count(original) != 1:
            raise Failure("mutation %s is stale: %s" % (name, where_it_moved(text, original, path)))
        text = text.replace(original, replacement)
    write_fresh(os.path.join(tree, path), text)
    return path, before


# ---- keyed hints: a hint prints only when the failure is its mistake's -----------------------------
# Each hint belongs to one recorded mutation (grading.tsv's hint and mutation columns; hints.tsv adds more
# hints to a row).  `make check-assignments RECORD=1` runs every mutation and records the failure it gives
# (every failed check's message, locations dropped) in signatures.tsv; `make grade` prints a hint only
# when the row's failure equals its mutation's (numbers to 6 significant digits), else a neutral pointer.
HINTS = os.path.join("docs", "assignments", "hints.tsv")
SIGNATURES = os.path.join("docs", "assignments", "signatures.tsv")
NUMBER_RE = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")


class Hint:
    def __init__(self, number, test, hint, mutation):
        self.number, self.test, self.hint, self.mutation = number, test, hint, mutation


def keyed_hints(tree, table=None, hints=None):
    """Every (row, hint, mutation): the table's own, then hints.tsv's (assignment, test, hint, mutation)."""
    out = [Hint(r.number, r.test, r.hint, r.mutation) for r in read_table(tree, table) if r.mutation != "-"]
    path = hints or os.path.join(tree, HINTS)
    if os.path.exists(path):
        for k, line in enumerate(read_lines(path)):
            if not line.strip() or line.startswith("#") or line.startswith("assignment\t"):
                continue
            cols = line.split("\t")
            if len(cols) != 4 or not re.fullmatch(r"A\d+", cols[0]):
                raise Failure("%s:%d: expected 4 tab-separated columns: assignment test hint mutation" % (path, k + 1))
            out.append(Hint(int(cols[0][1:]), cols[1], cols[2], cols[3]))
    return out


BYTES_RE = re.compile(r"(\d+-byte object) <[^>]*>")  # gtest's dump of a value it cannot print (pointers)


def evidence(full):
    """A failure's evidence: every failed check's message, location lines (file:line) and gtest's byte dumps
    (they hold heap addresses, different at every run) dropped, one line."""
    lines = [BYTES_RE.sub(r"\1", l.strip()) for l in full.split("\n") if l.strip()]
    return " | ".join(l for l in lines if not re.match(r"^\S+:\d+$", l)).replace("\t", " ")


def same_evidence(a, b):
    """Equal text between the numbers, and numbers equal to 6 significant digits (the last bits of a
    double may differ between compilers; a mistake's value does not)."""
    ta, tb = NUMBER_RE.split(a), NUMBER_RE.split(b)
    na, nb = NUMBER_RE.findall(a), NUMBER_RE.findall(b)
    if ta != tb or len(na) != len(nb):
        return False
    for x, y in zip(na, nb):
        fx, fy = float(x), float(y)
        if not (fx == fy or abs(fx - fy) <= 1e-6 * max(abs(fx), abs(fy))):
            return False
    return True


def read_signatures(tree, path=None):
    """{mutation: (test, evidence)} from signatures.tsv (written by `check --record`)."""
    path = path or os.path.join(tree, SIGNATURES)
    out = {}
    if os.path.exists(path):
        for line in read_lines(path):
            cols = line.split("\t")
            if len(cols) == 3 and not line.startswith("#") and cols[0] != "mutation":
                out[cols[0]] = (cols[1], cols[2])
    return out


def write_signatures(tree, signatures, path=None):
    path = path or os.path.join(tree, SIGNATURES)
    lines = ["# Recorded by `make check-assignments RECORD=1` (docs/assignments/README.md#keyed-hints): the failure",
             "# each mutation gives on its row (every failed check's message, locations dropped).  A hint prints only",
             "# when a student's failure equals its mutation's.  Do not edit by hand.",
             "mutation\ttest\tevidence"]
    lines += ["%s\t%s\t%s" % (m, t, e) for m, (t, e) in sorted(signatures.items()) if not randomised(t)]
    write_atomically(path, "\n".join(lines) + "\n")


def randomised(test):
    """A randomised rung (docs/assignments/README.md#randomised-rungs-and-the-fast-path-check): its values
    change with the seed, so no failure of it is a recorded one and its hints never fire."""
    return test.split(".")[0].startswith("Randomised")


def fired_hints(test, failure, hints, signatures):
    """The hints of row `test` whose recorded evidence equals this failure's."""
    full = getattr(failure, "full", "")
    if not full:
        return []
    got = evidence(full)
    return [h for h in hints if h.test == test and h.mutation in signatures
            and signatures[h.mutation][0] == test and same_evidence(got, signatures[h.mutation][1])]


def doc_section(row, failure):
    m = re.search(r"docs/[\w./-]+\.md#[\w.-]+", failure) or re.search(r"docs/[\w./-]+\.md#[\w.-]+", row.hint)
    return m.group(0) if m else "the handout, docs/assignments/"


# ---- building and running (in the sandbox: demos/assignments/sandbox.py) ---------------------------

# Limits for code that is not the repository's own (docs/assignments/README.md#what-the-sandbox-isolates).
TEST_SECONDS = 120     # per graded row (GRADE_TIMEOUT=s); the slowest graded test takes a few seconds
SUITE_SECONDS = 1800   # one run of the whole suite (check-assignments (a) and (b))
BUILD_SECONDS = 1800   # the sandboxed build of a submission


def test_limits(seconds=None):
    return sandbox.Limits(seconds or int(os.environ.get("GRADE_TIMEOUT") or TEST_SECONDS))


def fast_linker():
    """LLVM's lld links the 130 MB test binary about three times faster than GNU ld (1.3 against 4.4 s of
    CPU here), and check-assignments links it once per mutation; the same objects, the same program.  Only
    for the repository's own trees (make check-assignments, a student grading their own tree), when
    ld.lld is installed; ASSIGNMENTS_LINKER=default keeps the compiler's own linker."""
    choice = os.environ.get("ASSIGNMENTS_LINKER", "lld")
    if choice == "default" or not shutil.which("ld." + choice):
        return []
    return ["LDFLAGS=-fuse-ld=" + choice]


def build(tree, log, sandboxed=False, jobs=None):
    """make build/tests/all_tests in tree with the tree's Makefile.  sandboxed: a tree holding a student's
    files (always a fresh copy of the reference, so the Makefile is the reference's): the compiler runs
    on untrusted input, so make runs in the sandbox with the tree as its only writable folder and
    without ccache (its cache is shared with other builds)."""
    cxx = os.environ.get("CXX_FOR_ASSIGNMENTS") or os.environ.get("CXX") or "g++"
    jobs = str(jobs or os.environ.get("JOBS") or os.cpu_count() or 2)
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES")}
    if not sandboxed:
        cmd = ["make", "-s", "-j" + jobs, "CXX=" + cxx] + fast_linker() + ["build/tests/all_tests"]
        with open(log, "w") as f:  # an independent make (not a sub-make of the caller's jobserver)
            rc = subprocess.run(cmd, cwd=tree, stdout=f, stderr=subprocess.STDOUT, env=env).returncode
        return rc == 0
    compiler = " ".join(w for w in cxx.split() if os.path.basename(w) != "ccache") or "g++"
    # At most 8 compile jobs (each a driver, cc1plus and as: 3 processes), under a process limit that
    # leaves room for them whatever the machine's core count (the tests' limit is the tighter one).
    jobs = str(max(1, min(int(jobs), 8)))
    cmd = ["make", "-s", "-j" + jobs, "CXX=" + compiler, "build/tests/all_tests"]
    sandbox.hand_over(tree)
    limits = sandbox.Limits(int(os.environ.get("GRADE_BUILD_TIMEOUT") or BUILD_SECONDS), processes=256,
                            file_bytes=2 * sandbox.GIB, tmp_bytes=2 * sandbox.GIB)
    res = sandbox.run(cmd, tree, limits, log, writable=[tree])
    sandbox.hand_over(tree, 0)  # read-only for the tests, even without bwrap's read-only mount
    if res.timed_out:
        with open(log, "a") as f:
            f.write("\nthe build timed out after %d s (stopped)\n" % limits.seconds)
    return res.returncode == 0 and not res.timed_out


def grade_seed():
    """The seed of the randomised rungs: drawn afresh at every run, so a student cannot know it (the
    failing row prints it, to reproduce; RICHLAZY_GRADE_SEED in the caller's environment fixes it)."""
    return os.environ.get("RICHLAZY_GRADE_SEED") or str(int.from_bytes(os.urandom(4), "little"))


def run_rows(tree, rows, xml_path=None, stop_at_first_failure=False, seconds=None, env=None):
    """One sandboxed test process per row, so a crash or a hang costs one row, not the table.
    Returns {row.test: (passed, first failure line)}."""
    env = dict(env or {})
    env.setdefault("RICHLAZY_GRADE_SEED", grade_seed())
    out = {}
    for r in rows:
        res = run_tests(tree, [r.test], xml_path, seconds=seconds, env=env)
        bad = res.get("__crash__") or res.get("__timeout__")
        out[r.test] = (False, bad[1]) if bad else row_result(r, res)
        if stop_at_first_failure and not out[r.test][0]:
            break
    return out


def run_tests(tree, tests, xml_path=None, require_mnist=False, seconds=None, env=None):
    """Runs the tree's all_tests in the sandbox (tests: list of Suite.Name, or None for all: then the
    suite's time limit); {name: (ok, first line)}.  The tree is read-only in there; the XML goes to a
    fresh folder that is the only writable one.  A hang is reported under "__timeout__", a crash (no
    XML written) under "__crash__"."""
    limits = test_limits(seconds) if tests is not None else sandbox.Limits(seconds or SUITE_SECONDS)
    run_env = dict(env or {})
    if require_mnist and os.environ.get("RICHLAZY_REQUIRE_MNIST"):
        run_env["RICHLAZY_REQUIRE_MNIST"] = os.environ["RICHLAZY_REQUIRE_MNIST"]
    scratch = sandbox.scratch_folder("grade-run-")
    try:
        writable = os.path.join(scratch, "w")
        os.makedirs(writable)
        sandbox.hand_over(writable)
        xml = os.path.join(writable, "result.xml")
        cmd = [os.path.join(tree, "build", "tests", "all_tests"), "--gtest_output=xml:" + xml]
        if tests is not None:
            cmd.append("--gtest_filter=" + ":".join(tests))
        output = os.path.join(scratch, "output.txt")
        res = sandbox.run(cmd, tree, limits, output, read_only=[tree], writable=[writable], env=run_env)
        data = sandbox.read_capped(xml, 64 * sandbox.MIB)
        if xml_path and data is not None:
            with open(xml_path, "wb") as f:
                f.write(data)
        text = (sandbox.read_tail(output, 64 * 1024) or b"").decode(errors="replace").strip().split("\n")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    running = [l for l in text if l.startswith("[ RUN      ]")]
    where = running[-1][13:].strip() if running else tests[0] if tests and len(tests) == 1 else "?"
    if res.timed_out:
        return {"__timeout__": (False, "timed out after %d s in %s (stopped; this row gets 0, the others still run)"
                                % (limits.seconds, where))}
    try:
        root = ET.fromstring(data) if data is not None else None
    except ET.ParseError:
        root = None
    if root is None:
        return {"__crash__": (False, "the test binary crashed (%s) in %s; its last words: %s" % (
            exit_status(res.returncode, limits), where, text[-1][:200] if text else ""))}
    results = {}
    for case in root.iter("testcase"):
        name = case.get("classname") + "." + case.get("name")
        fails = case.findall("failure")
        results[name] = (not fails, failure_text(fails) if fails else "")
    return results


class FailureText(str):
    """A row's failure as shown (its first line, a str) with every failed check's full message in .full
    (the evidence the keyed hints are matched against)."""
    full = ""


def failure_text(fails):
    text = FailureText(first_failure_line(fails[0].get("message", ""), more=len(fails) - 1))
    text.full = "\n".join(f.get("message", "") for f in fails)
    return text


def exit_status(code, limits):
    """A killed test's exit code in words (bwrap reports a signal as 128 + its number)."""
    number = -code if code < 0 else code - 128 if code > 128 else 0
    try:
        name = signal.Signals(number).name if number else ""
    except ValueError:
        name = ""
    why = {"SIGXFSZ": ": a file or its output passed the %d MiB limit" % (limits.file_bytes >> 20),
           "SIGXCPU": ": its CPU time passed the limit", "SIGKILL": ": killed"}.get(name, "")
    return "exit %d, %s%s" % (code, name, why) if name else "exit %d" % code


GTEST_DETAIL = ("Actual:", "Which is:", "Expected:", "Value of:", "evaluates to", "Expected equality",
                "The difference between", "Expected: (")


def gtest_values(lines):
    """gtest's own detail lines in one line: `lhs = got, expected rhs` for EXPECT_EQ and friends (the
    operands, each followed by "Which is: <value>" when it is an expression), else the detail lines as
    they are ("Value of: ... Actual: ... Expected: ...", "... evaluates to ...")."""
    if any(l.startswith("Expected equality of these values") for l in lines):
        k = next(i for i, l in enumerate(lines) if l.startswith("Expected equality of these values"))
        operands, i = [], k + 1
        while i < len(lines) and len(operands) < 2:
            expr, value = lines[i], None
            if i + 1 < len(lines) and lines[i + 1].startswith("Which is:"):
                value = lines[i + 1][len("Which is:"):].strip()
                i += 1
            operands.append((expr, value))
            i += 1
        if len(operands) == 2:
            (e1, v1), (e2, v2) = operands
            return "%s = %s, expected %s" % (e1, v1 if v1 is not None else e1,
                                             e2 + (" = " + v2 if v2 is not None else ""))
    details = [l for l in lines if l.startswith(GTEST_DETAIL) or " evaluates to " in l
               or ", actual:" in l or l.startswith("actual:")]
    return "; ".join(details)


def first_failure_line(message, more=0):
    """The failure's location, our own message (it names a docs/ section) when there is one, and gtest's
    detail lines (the student's value: "Which is:", "Actual:", "evaluates to"), in one line; `more` other
    failed checks of the same test are counted at the end."""
    lines = [BYTES_RE.sub(r"\1", l.strip()) for l in message.split("\n") if l.strip()]
    where = lines[0] if lines and re.match(r"^\S+:\d+$", lines[0]) else ""
    rest = [l for l in lines if l != where]
    detail = [l for l in rest if l.startswith(GTEST_DETAIL) or " evaluates to " in l]
    values = gtest_values(rest)
    ours = [l for l in rest if "docs/" in l] or [l for l in rest if l not in detail and not any(
        l == d or l.startswith(d) for d in detail)][-1:]
    text = ours[0] if ours else ""
    if values and values not in text:
        text = (text + "  [gtest: " + values + "]") if text else values
    if not text:
        text = " | ".join(rest[:4]) if rest else message.strip()
    if more:
        text += "  (+%d more failed check%s in this test)" % (more, "s" if more > 1 else "")
    return (where + ": " if where else "") + text


# ---- a reference that calls the fast path it is meant to check is refused -----------------------------
# The graded file is compiled once more without inlining, one section per function (-O0 -fno-inline
# -ffunction-sections), and its relocations give which symbol each function refers to (a call or an
# address taken).  From the marked functions, following the file's own functions, the student's code
# must not reach: the fast functions; the file's other functions the fast path uses that the reference
# solution's marked functions do not (renaming the fast path or wrapping it in a new helper changes no
# relocation); out-of-line library functions the fast path uses that the reference does not, outside
# linalg/ (basic linear algebra stays allowed); nor, through another file, a library function whose
# object refers to a fast function.  Names are symbols of the compiled code, never of the source text.
FAST_PATHS = {  # assignment: (graded file, its marked functions, the fast functions they must not reach,
    #             the fast path's own helpers in other files)
    3: ("nn/rnn.cpp", ("rl::rnn_forward_reference(", "rl::rnn_backward_reference("),
        ("rl::rnn_forward(", "rl::rnn_backward("), ()),
    4: ("nn/ntk_rnn.cpp", ("rl::rnn_output_jacobian(", "rl::rnn_tangent_kernel_reference("),
        ("rl::rnn_tangent_kernel(", "rl::ntk_costs("), ("rl::ntk::",)),
}
REFUSED = "refused: "


def named(demangled, prefixes):
    """Whether a demangled symbol is one of the functions `prefixes` names ("rl::rnn_forward(" ...), also
    as a template instance, whose demangled name carries a return type and template arguments
    ("void rl::rnn_forward<double>(...)")."""
    return any(re.search(r"(^|\s)%s(<[^()]*>)?\(" % re.escape(p[:-1]), demangled) for p in prefixes)


def demangle(names):
    names = sorted(set(names))
    if not names:
        return {}
    out = subprocess.run(["c++filt"], input="\n".join(names), capture_output=True, text=True, check=True).stdout
    return dict(zip(names, out.split("\n")))


def reference_graph(obj):
    """{function symbol: set of symbols it refers to}, and the functions the file itself defines, from the
    relocations of a -ffunction-sections object (section .rela.text.<symbol>)."""
    text = subprocess.run(["readelf", "-rsW", obj], capture_output=True, text=True, check=True).stdout
    graph, current, defined, weak = {}, None, set(), set()
    for line in text.split("\n"):
        m = re.match(r"^Relocation section '\.rela\.text\.(\S+)'", line)
        if m:
            current = m.group(1)
            graph.setdefault(current, set())
            continue
        if line.startswith("Relocation section"):
            current = None
            continue
        cols = line.split()
        if current and len(cols) >= 5 and re.fullmatch(r"[0-9a-f]{8,}", cols[0]):
            sym = cols[4]
            if sym.startswith(".text."):  # a call to a file-local function goes through its section
                sym = sym[len(".text."):]
            if not sym.startswith("."):
                graph[current].add(sym)
        if len(cols) >= 8 and cols[3] == "FUNC" and cols[4] in ("GLOBAL", "LOCAL") and cols[6] != "UND":
            defined.add(cols[7])  # the file's own functions (not inline or template copies: WEAK)
        elif len(cols) >= 8 and cols[3] == "FUNC" and cols[6] != "UND":
            weak.add(cols[7])
    return graph, defined, weak


def closure(graph, roots):
    seen, todo = set(), list(roots)
    while todo:
        s = todo.pop()
        if s not in seen:
            seen.add(s)
            todo.extend(graph.get(s, ()))
    return seen


def compile_for_callgraph(tree, path, obj, sandboxed):
    """Compiles tree/path to obj (in a folder of its own) for reference_graph; True when it compiled.
    sandboxed: a submission's file, so the compiler runs in the sandbox, the tree read-only, only obj's
    folder writable."""
    cxx = os.environ.get("CXX_FOR_ASSIGNMENTS") or os.environ.get("CXX") or "g++"
    # A submission's file is compiled without ccache (its cache is shared with other builds); the
    # repository's own trees (make check-assignments: the same mutated files at every run) use it.
    compiler = [w for w in cxx.split() if not sandboxed or os.path.basename(w) != "ccache"] or ["g++"]
    cmd = compiler + ["-std=c++17", "-I.", "-O0", "-fno-inline", "-ffunction-sections", "-w", "-c", path, "-o", obj]
    log = obj + ".log"
    if sandboxed:
        sandbox.hand_over(os.path.dirname(obj))
        res = sandbox.run(cmd, tree, sandbox.Limits(300, processes=16, file_bytes=512 * sandbox.MIB), log,
                          read_only=[tree], writable=[os.path.dirname(obj)])
        sandbox.hand_over(os.path.dirname(obj), 0)
        return res.returncode == 0 and not res.timed_out
    with open(log, "w") as f:
        return subprocess.run(cmd, cwd=tree, stdout=f, stderr=subprocess.STDOUT).returncode == 0


_NM = {}


def nm_lines(obj, *options):
    """`nm [options] obj`'s lines, cached by the object's path, size and modification time (the fast-path
    check reads every library object once per mutation; between mutations only the mutated one changes)."""
    st = os.stat(obj)
    key = (obj, st.st_size, st.st_mtime_ns, options)
    if key not in _NM:
        _NM[key] = subprocess.run(["nm"] + list(options) + [obj], capture_output=True, text=True).stdout.split("\n")
    return _NM[key]


def library_objects(tree):
    objs = []
    for top in ("linalg", "nn", "tasks", "theory"):
        for base, _, names in os.walk(os.path.join(tree, "build", top)):
            objs += [os.path.join(base, n) for n in names if n.endswith(".o")]
    return sorted(objs)


_REFERENCE_USES = {}


def reference_uses(number):
    """What the reference solution's marked functions reach, and what its fast functions reach (cached)."""
    if number not in _REFERENCE_USES:
        path, marked, fast, _ = FAST_PATHS[number]
        scratch = tempfile.mkdtemp(prefix="fastpath-ref-")
        try:
            obj = os.path.join(scratch, "ref.o")
            if not compile_for_callgraph(ROOT, path, obj, sandboxed=False):
                raise Failure("the reference %s does not compile for the fast-path check: %s" % (path, obj + ".log"))
            graph, _, _ = reference_graph(obj)
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
        names = demangle(set(graph) | {t for v in graph.values() for t in v})
        roots = [s for s, d in names.items() if named(d, marked)]
        _REFERENCE_USES[number] = {names[s] for s in closure(graph, roots)}
    return _REFERENCE_USES[number]


def fast_path_refusal(number, tree, sandboxed=False):
    """"" when the graded file's marked functions cannot reach its fast path, else why they are refused."""
    if number not in FAST_PATHS:
        return ""
    path, marked, fast, helpers = FAST_PATHS[number]
    allowed = reference_uses(number)
    scratch = sandbox.scratch_folder("fastpath-")
    try:
        os.makedirs(os.path.join(scratch, "w"))
        obj = os.path.join(scratch, "w", "graded.o")
        if not compile_for_callgraph(tree, path, obj, sandboxed):  # the build compiled it: never a pass
            log = "\n".join(sandbox.tail_lines(obj + ".log", 5))
            return REFUSED + "the fast-path check could not compile %s without inlining: %s" % (path, log[-500:])
        graph, defined, weak = reference_graph(obj)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    names = demangle(set(graph) | {t for v in graph.values() for t in v})
    fast_roots = [s for s, d in names.items() if named(d, fast)]
    forbidden = set(fast_roots)
    linalg = set()
    for o in library_objects(tree):
        if os.sep + "linalg" + os.sep in o:
            linalg |= {l.split()[-1] for l in nm_lines(o, "--defined-only") if l.strip()}
    for s in closure(graph, fast_roots):
        local = s in defined  # the graded file's own functions (not inline or template copies)
        external = s not in defined and s not in weak and names.get(s, s).startswith(helpers or ("-",))
        if (local or external) and names.get(s, s) not in allowed and names.get(s, s).startswith("rl::"):
            forbidden.add(s)
    roots = [s for s, d in names.items() if named(d, marked) and s in graph]
    reach = closure(graph, roots)
    hit = sorted(reach & forbidden)
    if not hit:  # another file's function that calls the fast path (a wrapper elsewhere in the library)
        fast_mangled = set(fast_roots)
        outside = {s for s in reach if s not in defined and s not in weak and s not in linalg
                   and names.get(s, s).startswith("rl::")
                   and names.get(s, s) not in allowed}
        for o in library_objects(tree):
            if outside and not o.endswith(os.sep + os.path.splitext(path)[0].replace("/", os.sep) + ".o"):
                syms = nm_lines(o)
                defines = {l.split()[-1] for l in syms if re.match(r"^\S+ [TW] ", l)}
                uses = {l.split()[-1] for l in syms if re.match(r"^\s+U ", l)}
                if outside & defines and uses & fast_mangled:
                    hit = sorted(outside & defines)
                    break
    if not hit:
        return ""
    chain = " -> ".join(short_name(names.get(x, x)) for x in call_chain(graph, roots, set(hit), set(fast_roots)))
    return (REFUSED + "in %s %s, which belongs to the fast path (%s) the graded functions are checked against: "
            "compute it yourself (docs/assignments/README.md#randomised-rungs-and-the-fast-path-check)"
            % (path, chain, ", ".join(sorted({short_name(names[s]) for s in fast_roots}))))


def call_chain(graph, roots, targets, preferred):
    """The shortest chain of references from a root to a target (to a preferred one when any is reached)."""
    parent, queue, found = {r: None for r in sorted(roots)}, sorted(roots), []
    while queue:
        s = queue.pop(0)
        if s in targets:
            found.append(s)
            if s in preferred:
                found = [s]
                break
            continue
        for t in sorted(graph.get(s, ())):
            if t not in parent:
                parent[t] = s
                queue.append(t)
    chain, s = [], found[0] if found else sorted(targets)[0]
    while s is not None:
        chain.append(s)
        s = parent.get(s)
    return chain[::-1]


def short_name(demangled):
    """rl::ntk::error_vectors(...) -> rl::ntk::error_vectors: the name without its parameter list."""
    depth = 0
    for i in range(len(demangled) - 1, -1, -1):
        depth += demangled[i] == ")"
        depth -= demangled[i] == "("
        if depth == 0 and demangled[i] == "(" and "(anonymous namespace)" not in demangled[i - 10:i + 1]:
            return demangled[:i]
    return demangled


def refuse_rows(rows, results, why):
    """Every graded row of a refused submission fails with the reason."""
    for r in rows:
        if r.points > 0:
            text = FailureText(why)
            text.full = why
            results[r.test] = (False, text)
    return results


# ---- make grade: a submission is untrusted ---------------------------------------------------------
# Only the handout's files (those holding An's marked bodies) are taken from a submission; they go into
# a fresh student tree generated from this repository (its Makefile, its tests), which is built and run
# in the sandbox.  Everything else the submission holds is ignored.

ARCHIVES = (".zip", ".tar", ".tar.gz", ".tgz", ".tar.xz", ".tar.bz2")
MAX_FILE = 1 << 20          # a handout file larger than 1 MiB is not a source file
MAX_ENTRIES = 200000        # entries looked at in one submission (folder or archive)
SKIP_DIRS = {".git", "build", "out", "data", "node_modules"}


def default_tree(number):
    student = os.path.join(ROOT, "out", "assignments", "A%d" % number)
    return student if os.path.isdir(student) else ROOT


def handout_files(number):
    files = sorted({r.path for r in regions_of(ROOT, number)})
    if not files:
        raise Failure("A%d has no marked bodies in %s: grade submissions from the reference repository "
                      "(a student tree has no solutions to compare with)" % (number, ROOT))
    return files


def archive_name(path):
    return next((path[:-len(a)] for a in ARCHIVES if path.lower().endswith(a)), None)


def best_match(names, rel):
    """The shortest path in names that is rel or ends in /rel (a zip often holds assignments/A3/...)."""
    hits = [n for n in names if n == rel or n.endswith("/" + rel)]
    return min(hits, key=lambda n: (n.count("/"), n)) if hits else None


def read_submission(number, path):
    """{handout file: bytes, or None when the submission lacks it} and notes for the table.  Nothing is
    written; a missing or unreadable path is a usage error."""
    if not os.path.lexists(path):
        raise NoSuchTree("no such tree: %s" % path)
    wanted = handout_files(number)
    try:
        if os.path.isdir(path):
            return read_folder(path, wanted)
        if os.path.isfile(path) and archive_name(os.path.basename(path)) is not None:
            return read_archive(path, wanted)
    except PermissionError as e:
        raise NoSuchTree("cannot read tree: %s (%s)" % (path, e.strerror))
    except OSError as e:
        raise NoSuchTree("cannot read tree: %s (%s)" % (path, e.strerror or e))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, RuntimeError):
        raise NoSuchTree("cannot read tree: %s (not a readable zip archive)" % path)
    except (tarfile.TarError, EOFError, ValueError):
        raise NoSuchTree("cannot read tree: %s (not a readable tar archive)" % path)
    raise NoSuchTree("cannot read tree: %s (not a folder nor an archive %s)" % (path, "/".join(ARCHIVES)))


def read_folder(path, wanted):
    found, seen = {}, 0
    os.listdir(path)  # PermissionError here, not a silent empty walk
    for base, dirs, names in os.walk(path):  # symlinked folders are not followed
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS)
        for n in names:
            rel = os.path.relpath(os.path.join(base, n), path).replace(os.sep, "/")
            found[rel] = os.path.join(base, n)
            seen += 1
        if seen > MAX_ENTRIES:
            break
    files, notes = {}, []
    for rel in wanted:
        hit = best_match(found, rel)
        files[rel] = None
        if hit is None:
            notes.append("%s: not in the submission (the stub is graded)" % rel)
            continue
        try:  # a symlink (to /etc/shadow, say) is not a submitted file
            fd = os.open(found[hit], os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
        except OSError as e:
            notes.append("%s: not read (%s; a symlink is not accepted); the stub is graded" % (hit, e.strerror))
            continue
        with os.fdopen(fd, "rb") as f:
            st = os.fstat(f.fileno())
            if not stat.S_ISREG(st.st_mode) or st.st_size > MAX_FILE:
                notes.append("%s: not a regular file under 1 MiB; the stub is graded" % hit)
                continue
            files[rel] = f.read(MAX_FILE)
    return files, notes


def read_archive(path, wanted):
    members = {}
    if path.lower().endswith(".zip"):
        with zipfile.ZipFile(path) as z:
            for info in z.infolist()[:MAX_ENTRIES]:
                is_link = stat.S_ISLNK(info.external_attr >> 16)
                if not info.is_dir() and not is_link:
                    members[member_name(info.filename)] = (info.file_size, info)
            return pick_members(members, wanted, lambda info: z.read(info))
    with tarfile.open(path, "r:*") as t:
        for k, info in enumerate(t):
            if k >= MAX_ENTRIES:
                break
            if info.isreg():  # links and devices are not submitted files
                members[member_name(info.name)] = (info.size, info)
        return pick_members(members, wanted, lambda info: t.extractfile(info).read(MAX_FILE))


def member_name(name):
    name = name.replace("\\", "/")
    while name.startswith("./"):
        name = name[2:]
    return name.lstrip("/")


def pick_members(members, wanted, read):
    files, notes = {}, []
    for rel in wanted:
        hit = best_match(members, rel)
        files[rel] = None
        if hit is None:
            notes.append("%s: not in the submission (the stub is graded)" % rel)
        elif members[hit][0] > MAX_FILE:
            notes.append("%s: over 1 MiB; the stub is graded" % hit)
        else:
            files[rel] = read(members[hit][1])
    return files, notes


def generated_tree(number, tree, files):
    """A fresh student tree of this repository (stubs for An) with the submitted handout files in it."""
    make_student_tree(number, tree, ROOT, force=True, skip_build=("asan", "fuzz", "bin"), untracked=False)
    for rel, data in files.items():
        if data is not None:
            write_fresh(os.path.join(tree, rel), data)


def grade_rows(number, table=None):
    rows = [r for r in read_table(ROOT, table) if r.number == number]
    if not rows:
        raise Failure("A%d has no rows in %s" % (number, TABLE))
    return rows


def grade(number, tree, quiet=False, table=None, seconds=None):
    """`make grade`: this repository itself is built in place (it is the reference, or a student's own
    tree graded by its owner); any other path is a submission (grade_submission)."""
    rows = grade_rows(number, table)
    if os.path.realpath(tree) != os.path.realpath(ROOT):
        return grade_submission(number, tree, rows, quiet=quiet, seconds=seconds)
    tree = ROOT
    marker = os.path.join(tree, ".assignment")
    if os.path.exists(marker):
        kind = "your own student tree for %s at %s" % (open(marker).read().strip(), tree)
    else:
        kind = "the REFERENCE solution (the repository)"
    log = os.path.join(tree, "build", "grade-build.log")
    os.makedirs(os.path.dirname(log), exist_ok=True)
    if not quiet:
        say("Grading A%d in %s" % (number, kind))
    if not build(tree, log):
        if not quiet:
            say("The tree does not build; the compiler says (last lines of %s):" % log)
            say("".join(open(log).readlines()[-25:]))
        return rows, None
    results = run_rows(tree, rows, seconds=seconds)
    why = fast_path_refusal(number, tree)
    if why:
        refuse_rows(rows, results, why)
    if not quiet:
        if why:
            say(why)
        print_table(rows, results)
    return rows, results


def grade_submission(number, path, rows, quiet=False, seconds=None, env=None, keep=None):
    """Grades the handout files of a submission (folder or archive) in a fresh generated tree, built and
    run in the sandbox; the scratch folder is removed afterwards (keep: a list that receives the tree
    instead, for a caller that runs more cases on one build)."""
    files, notes = read_submission(number, path)
    scratch = sandbox.scratch_folder("grade-A%d-" % number)
    try:
        tree = os.path.join(scratch, "tree")
        generated_tree(number, tree, files)
        if not quiet:
            say("Grading A%d in the submission %s: only %s, in a fresh tree of the reference (its tests and "
                "Makefile are ignored), built and run %s" % (number, path, ", ".join(sorted(files)),
                                                            "in the sandbox" if not sandbox.warning() else "with limits"))
            for n in notes:
                say("  note: " + n)
            if sandbox.warning():
                say(sandbox.warning())
        log = os.path.join(scratch, "build.log")
        if not build(tree, log, sandboxed=True):
            if not quiet:
                say("The submission does not build; the compiler says (last lines):")
                say("\n".join(sandbox.tail_lines(log, 25)))
            return rows, None
        results = run_rows(tree, rows, seconds=seconds, env=env)
        why = fast_path_refusal(number, tree, sandboxed=True)
        if why:
            refuse_rows(rows, results, why)
        if not quiet:
            if why:
                say(why)
            print_table(rows, results)
        if keep is not None:
            keep.append(scratch)
            scratch = None
        return rows, results
    finally:
        if scratch:
            shutil.rmtree(scratch, ignore_errors=True)


def safe_name(entry):
    base = archive_name(entry) or entry
    return re.sub(r"[^A-Za-z0-9._-]", "_", base).strip(".") or "submission"


def grade_class(number, submissions, out, seconds=None):
    """`make grade-class`: every entry of `submissions` (a folder or an archive per student) graded on
    its own; out/<student>.txt holds its table, out/points.csv one line per student.  A student whose
    submission fails (does not build, is unreadable, breaks the grader) gets a status, not a stop."""
    if not submissions:
        raise NoSuchTree("grade-class needs SUBMISSIONS=<folder with one folder or archive per student>")
    if not os.path.isdir(submissions):
        raise NoSuchTree("no such folder of submissions: %s" % submissions)
    entries = sorted(e for e in os.listdir(submissions) if not e.startswith("."))
    if not entries:
        raise NoSuchTree("no submissions in %s (one folder or archive per student)" % submissions)
    rows = grade_rows(number)
    graded = [r for r in rows if r.points > 0]
    os.makedirs(out, exist_ok=True)
    lines, used = [], set()
    say("Grading A%d for %d submissions in %s; tables and points.csv go to %s" % (number, len(entries), submissions, out))
    if sandbox.warning():
        say(sandbox.warning())
    for entry in entries:
        student = safe_name(entry)
        while student in used:
            student += "_"
        used.add(student)
        text, t0 = io.StringIO(), time.time()
        try:
            with contextlib.redirect_stdout(text):
                _, results = grade_submission(number, os.path.join(submissions, entry), rows, seconds=seconds)
            status = "graded" if results is not None else "does not build"
        except Failure as e:
            results, status = None, "error: %s" % e
            text.write("error: %s\n" % e)
        except Exception as e:  # a grader bug on one submission must not cost the others their grades
            results, status = None, "grader error: %r" % e
            text.write("grader error on this submission: %r\n" % e)
        points = [r.points if results and row_result(r, results)[0] else 0 for r in graded]
        write_atomically(os.path.join(out, student + ".txt"), text.getvalue())
        lines.append([student, entry, status, sum(points), sum(r.points for r in graded)] + points)
        say("  %-30s %3d / %d  %s  [%.0f s]" % (student, sum(points), sum(r.points for r in graded), status,
                                                time.time() - t0))
    csv_text = io.StringIO()
    w = csv.writer(csv_text, lineterminator="\n")
    w.writerow(["student", "submission", "status", "points", "max"] + [r.test for r in graded])
    w.writerows(lines)
    write_atomically(os.path.join(out, "points.csv"), csv_text.getvalue())
    say("points: %s" % os.path.join(out, "points.csv"))
    return lines


def write_atomically(path, text):
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, path)


def row_result(row, results):
    """(passed, first failure line) of a row; a pattern row (Suite.*) passes when all its tests pass."""
    if "*" not in row.test and "?" not in row.test or row.test in results:
        return results.get(row.test, (False, "test not found in the test binary (renamed? a typo in the table?)"))
    matched = sorted(n for n in results if fnmatch.fnmatchcase(n, row.test))
    if not matched:
        return False, "no test matches this pattern"
    failing = [n for n in matched if not results[n][0]]
    if not failing:
        return True, ""
    text = FailureText("%d of %d fail, first %s: %s" % (len(failing), len(matched), failing[0], results[failing[0]][1]))
    text.full = getattr(results[failing[0]][1], "full", "")
    return False, text


def print_table(rows, results, hints=None, signatures=None):
    """The grade table.  A failing row shows what failed (expected, got, where: the test's message and
    gtest's values) and a hint only when the failure is a recorded mistake's (keyed hints above), else a
    neutral pointer to the doc section."""
    if hints is None:
        number = rows[0].number if rows else 0
        hints = [h for h in keyed_hints(ROOT) if h.number == number]
        signatures = read_signatures(ROOT)
    graded = [r for r in rows if r.points > 0]
    also = [r for r in rows if r.points == 0]
    got, first = 0, True
    say("%-4s %-70s %7s  %s" % ("rung", "test", "points", "result"))
    for k, r in enumerate(graded, 1):
        ok, line = row_result(r, results)
        got += r.points if ok else 0
        say("%-4d %-70s %3d/%-3d %s%s" % (k, r.test, r.points if ok else 0, r.points, "pass" if ok else "FAIL",
                                            "   <-- start here" if not ok and first else ""))
        if not ok and not first and "Need to implement for A" in line:
            say("       (not implemented yet)")
        elif not ok and not first and line.startswith(REFUSED):
            say("       (refused: see the first failing row)")
        elif not ok:
            message, _, values = line.partition("  [gtest: ")
            say("       got:  " + message[:400])
            if values:
                values = values.replace("]  (+", "  (+", 1) if "]  (+" in values else values.rstrip("]")
                say("       gtest: " + values[:300])
            fired = fired_hints(r.test, line, hints, signatures or {})
            for h in fired:
                say("       hint: " + h.hint)
            if not fired and "Need to implement for A" not in line:
                say("       hint: none of the recorded mistakes gives this failure: compare expected and got "
                    "above, then see %s" % doc_section(r, line))
            elif not fired:
                say("       hint: replace the stub's throw with your code (%s)" % doc_section(r, line))
            first = False
    failing_also = [r for r in also if not row_result(r, results)[0]]
    if also:
        say("also using your code (0 points; they pass once the rungs above do): %d of %d pass%s"
            % (len(also) - len(failing_also), len(also), ", failing:" if failing_also else ""))
        shown = [r for r in failing_also if "Need to implement for A" not in row_result(r, results)[1]]
        for r in shown[:8]:
            say("       %s: %s" % (r.test, row_result(r, results)[1][:200]))
        if len(shown) > 8:
            say("       ... and %d more" % (len(shown) - 8))
        if len(shown) < len(failing_also):
            say("       %d stop at a \"Need to implement\" stub" % (len(failing_also) - len(shown)))
    say("total: %d / %d points" % (got, sum(r.points for r in graded)))


# ---- Gradescope's results.json (docs/assignments/README.md#gradescope-and-github-classroom) ------------
# The fields of Gradescope's autograder specification: top level score, max_score?, output, visibility,
# tests; each test name, score, max_score, output, visibility ("visible", "hidden", "after_due_date",
# "after_published").  Randomised rungs show after the due date (their seed is in their output).
GRADESCOPE_TOP = {"score": (int, float), "max_score": (int, float), "output": str, "visibility": str,
                  "tests": list}
GRADESCOPE_TEST = {"name": str, "score": (int, float), "max_score": (int, float), "output": str,
                   "visibility": str}
GRADESCOPE_VISIBILITY = {"visible", "hidden", "after_due_date", "after_published"}


def gradescope_results(rows, results, note=""):
    """The grade as Gradescope's results.json (a dict); results None: the submission does not build."""
    graded = [r for r in rows if r.points > 0]
    tests = []
    for k, r in enumerate(graded, 1):
        ok, line = row_result(r, results) if results is not None else (False, "does not build")
        hints = fired_hints(r.test, line, [h for h in keyed_hints(ROOT) if h.number == r.number],
                            read_signatures(ROOT)) if not ok else []
        output = "pass" if ok else line + "".join("\nhint: " + h.hint for h in hints)
        tests.append({"name": "rung %d: %s" % (k, r.test), "score": r.points if ok else 0, "max_score": r.points,
                      "output": output,
                      "visibility": "after_due_date" if r.test.startswith("Randomised") else "visible"})
    return {"score": sum(t["score"] for t in tests), "max_score": sum(r.points for r in graded),
            "output": note or "graded by `make grade` (docs/assignments/README.md)", "visibility": "visible",
            "tests": tests}


def gradescope_problems(data):
    """What in `data` breaks Gradescope's results.json format ([] when nothing)."""
    problems = []
    for key, kind in GRADESCOPE_TOP.items():
        if key in data and not isinstance(data[key], kind):
            problems.append("results.json: %s is not %s" % (key, kind))
    if "score" not in data or "tests" not in data:
        problems.append("results.json: needs score and tests")
    if data.get("visibility", "visible") not in GRADESCOPE_VISIBILITY:
        problems.append("results.json: visibility %r" % data.get("visibility"))
    for t in data.get("tests", []):
        for key, kind in GRADESCOPE_TEST.items():
            if key not in t or not isinstance(t[key], kind) or isinstance(t[key], bool):
                problems.append("results.json: test %r: %s missing or not %s" % (t.get("name"), key, kind))
        if t.get("visibility") not in GRADESCOPE_VISIBILITY:
            problems.append("results.json: test %r: visibility %r" % (t.get("name"), t.get("visibility")))
        if isinstance(t.get("score"), (int, float)) and not 0 <= t["score"] <= t.get("max_score", 0):
            problems.append("results.json: test %r: score outside 0..max_score" % t.get("name"))
    if isinstance(data.get("tests"), list) and data["tests"] and data.get("score") != sum(
            t.get("score", 0) for t in data["tests"]):
        problems.append("results.json: score is not the sum of the tests' scores")
    return problems


def table_points(rows, results):
    """(points per graded row, total) as the text table prints them (parsed from its own output)."""
    text = io.StringIO()
    with contextlib.redirect_stdout(text):
        print_table(rows, results)
    per = [int(m.group(1)) for m in re.finditer(r"^\d+\s+\S+\s+(\d+)/\d+\s+(?:pass|FAIL)", text.getvalue(), re.M)]
    total = re.search(r"^total: (\d+) / (\d+) points", text.getvalue(), re.M)
    return per, int(total.group(1)) if total else None


def check_gradescope(rows, results, what):
    """results.json for these results is valid and carries the text table's points."""
    import json
    data = json.loads(json.dumps(gradescope_results(rows, results)))
    problems = ["(g) %s: %s" % (what, p) for p in gradescope_problems(data)]
    per, total = table_points(rows, results)
    if [t["score"] for t in data["tests"]] != per or data["score"] != total:
        problems.append("(g) %s: results.json has %s = %s points, the text table %s = %s"
                        % (what, [t["score"] for t in data["tests"]], data["score"], per, total))
    return problems


def write_gradescope(rows, results, path, note=""):
    import json
    data = gradescope_results(rows, results, note)
    bad = gradescope_problems(data)
    if bad:
        raise Failure("; ".join(bad))
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    write_atomically(path, json.dumps(data, indent=1) + "\n")
    say("Gradescope results: %s (%s / %s points)" % (path, data["score"], data["max_score"]))


# ---- make check-assignments --------------------------------------------------------------------

def first_failing(rows, results):
    for r in rows:
        if not row_result(r, results)[0]:
            return r.test
    return None


def check_mutation(n, h, mine, keyed, signatures, record, tree, work):
    """(c) for one applied mutation: its row is the first failing one; every graded row is run, and on each
    failing row only this mutation's hint may fire (recorded evidence); `record` writes its evidence."""
    graded = [x for x in mine if x.points > 0]
    # One process for all graded rows (the reference's own code, mutated: no hostile code), per row only
    # when it crashes or hangs.
    xml = os.path.join(work, "A%d-mutation.xml" % n)
    together = run_tests(tree, [x.test for x in graded], xml, env={"RICHLAZY_GRADE_SEED": grade_seed()})
    if "__crash__" in together or "__timeout__" in together:
        res = run_rows(tree, graded, xml)
    else:
        res = {x.test: row_result(x, together) for x in graded}
    why = fast_path_refusal(n, tree)
    if why:
        refuse_rows(graded, res, why)
    first = first_failing(graded, res)
    if first != h.test:
        return ["(c) A%d: mutation %s should make %s the first failing row; it is %s"
                % (n, h.mutation, h.test, first or "none (every row passes)")]
    failure = res[h.test][1]
    if record and not randomised(h.test):
        signatures[h.mutation] = (h.test, evidence(getattr(failure, "full", "") or failure))
    problems = []
    for x in graded:
        ok, line = res.get(x.test, (True, ""))
        if ok:
            continue
        fired = fired_hints(x.test, line, keyed, signatures)
        strangers = [f.mutation for f in fired if f.mutation != h.mutation]
        if strangers:
            problems.append("(c) A%d: on mutation %s's failure of %s the hint of %s fires too (their failures "
                            "look the same: make the test tell them apart)" % (n, h.mutation, x.test, ", ".join(strangers)))
        if x.test == h.test and h not in fired and not randomised(x.test):
            recorded = signatures.get(h.mutation)
            problems.append("(c) A%d: the hint of mutation %s does not fire on its own failure of %s: %s\n"
                            "    now:      %s\n    recorded: %s\n    (a changed test message? `make "
                            "check-assignments RECORD=1` records it again)"
                            % (n, h.mutation, h.test, "no evidence recorded" if not recorded else
                               "recorded for %s" % recorded[0] if recorded[0] != h.test else "the evidence changed",
                               evidence(getattr(line, "full", "") or line)[:400],
                               recorded[1][:400] if recorded else "-"))
    return problems


class AssignmentReport:
    """What checking one assignment found: its lines of output (printed in assignment order once it is
    done, whatever order the parallel workers finish in), its problems and its notes."""
    def __init__(self):
        self.lines, self.problems, self.notes = [], [], []

    def say(self, *parts):
        self.lines.append(" ".join(str(p) for p in parts))


def check_assignment(n, rows, hints, signatures, src, work, strict, keep, stages, record, t0, make_jobs):
    """(b) and (c) for assignment n in its own tree work/An (so assignments can run side by side)."""
    out = AssignmentReport()
    mine = [r for r in rows if r.number == n]
    regions = regions_of(src, n)
    if stages == "a":
        return out
    if not regions:
        msg = "A%d: no marked bodies yet" % n
        (out.problems if strict else out.notes).append(msg)
        out.say("    " + msg + ("" if strict else " (not a failure without --strict)"))
        return out
    if not mine:
        out.problems.append("A%d has markers but no rows in the grading table" % n)
        return out
    tree = os.path.join(work, "A%d" % n)
    # (b) the student tree builds, fails every graded test of An, passes every other test
    make_student_tree(n, tree, src, force=True)
    if not build(tree, os.path.join(work, "A%d-build.log" % n), jobs=make_jobs):
        out.problems.append("(b) A%d: the student tree does not build: see %s/A%d-build.log" % (n, work, n))
        return out
    warnings = [l for l in open(os.path.join(work, "A%d-build.log" % n))
                if re.match(r"^\S+:\d+:\d+: warning:", l)]  # the compiler's, not make's
    for w in warnings:
        out.problems.append("(b) A%d: the student tree compiles with a warning: %s" % (n, w.strip()))
    res = run_tests(tree, None, os.path.join(work, "A%d-all.xml" % n)) if "b" in stages else {}
    if "__crash__" in res:
        out.problems.append("(b) A%d: %s" % (n, res.pop("__crash__")[1]))
        return out
    if "b" in stages:
        out.problems += check_gradescope(mine, res, "A%d student tree" % n)
    for r in mine if "b" in stages else []:
        if r.points > 0 and row_result(r, res)[0]:
            out.problems.append("(b) A%d: the stub passes the graded test %s (a hole: it tests nothing of A%d)"
                            % (n, r.test, n))
    failing = [name for name, (ok, _) in sorted(res.items())
               if not ok and not any(fnmatch.fnmatchcase(name, r.test) for r in mine)]
    if failing:  # a test the reference fails too is not the stub's doing (`make test` reports it)
        ref_all = run_tests(src, failing, os.path.join(work, "A%d-reference-unlisted.xml" % n))
        for name in failing:
            if name in ref_all and not ref_all[name][0]:
                note = "the reference itself fails %s (not counted against the stubs; see `make test`)" % name
                if note not in out.notes:
                    out.notes.append(note)
        failing = [name for name in failing if not (name in ref_all and not ref_all[name][0])]
    unlisted = []
    for name in failing:
        out.problems.append("(b) A%d: the stub breaks %s, which is not in A%d's table: %s" % (n, name, n, res[name][1]))
        unlisted.append(name)
    if unlisted:  # ready-made 0-point rows for the table, one pattern per suite
        suites = sorted({u.split(".")[0] for u in unlisted})
        out.say("    rows to add to %s if these tests call A%d's code:\n%s" % (
            TABLE, n, "\n".join("A%d\t%s.*\t0\t-\t-" % (n, s) for s in suites)))
    if "b" in stages:
        out.say("(b) A%d: %d marked bodies; the student tree built and ran %d tests  [%.0f s]"
            % (n, len(regions), len(res), time.time() - t0))
    # (c) each hint's mutation, applied to the reference, makes its test the first failing row
    for r in regions:  # back to the reference: the stubbed files rewritten (fresh mtimes: they recompile)
        write_fresh(os.path.join(tree, r.path), open(os.path.join(src, r.path), encoding="utf-8").read())
    for r in mine if "c" in stages else []:
        if r.points > 0 and r.mutation == "-":
            out.problems.append("(c) A%d: %s has %d points but no recorded mutation" % (n, r.test, r.points))
    keyed = [h for h in hints if h.number == n]
    for h in keyed if "c" in stages else []:
        try:
            path, before = apply_mutation(tree, h.mutation, src)
        except (Failure, OSError) as e:
            out.problems.append("(c) A%d: %s" % (n, e))
            continue
        inside = [g for g in regions if g.path == path]
        if not inside:
            out.problems.append("(c) A%d: mutation %s edits %s, which holds no A%d marker" % (n, h.mutation, path, n))
        if not build(tree, os.path.join(work, "A%d-mutation.log" % n), jobs=make_jobs):
            out.problems.append("(c) A%d: mutation %s does not compile: see %s/A%d-mutation.log"
                            % (n, h.mutation, work, n))
        else:
            out.problems += check_mutation(n, h, mine, keyed, signatures, record, tree, work)
        write_fresh(os.path.join(tree, path), before)
    if "c" in stages:
        out.say("(c) A%d: %d mutations applied to the reference, each hint fired on its own mutation only  [%.0f s]"
            % (n, len(keyed), time.time() - t0))
    if not keep:
        shutil.rmtree(tree)
    return out



# Seconds each assignment's (b) and (c) took in one serial run (a busy two-core machine): the
# workers take the longest first, so the last one to finish is a short one.
CHECK_COST = {1: 75, 2: 54, 3: 211, 4: 63, 5: 74, 6: 57, 7: 87, 8: 49}


def check(strict, only, table=None, src=ROOT, work=None, keep=False, stages="abc", record=False,
          hints_path=None, signatures_path=None):
    t0 = time.time()
    rows = read_table(src, table)
    hints = keyed_hints(src, table, hints_path)
    signatures = read_signatures(src, signatures_path)
    numbers = [n for n in ASSIGNMENTS if not only or n in only]
    problems, notes = [], []
    work = work or os.path.join(src, "out", "check-assignments")
    os.makedirs(work, exist_ok=True)

    # (a) the reference passes every graded test
    if not build(src, os.path.join(work, "reference-build.log")):
        raise Failure("the reference does not build: see %s/reference-build.log" % work)
    graded = [r for r in rows if r.number in numbers]
    seed = grade_seed()  # one seed for the whole check; RICHLAZY_GRADE_SEED=<seed> repeats a run
    os.environ["RICHLAZY_GRADE_SEED"] = seed
    say("randomised rungs: seed %s" % seed)
    ref = run_tests(src, [r.test for r in graded], os.path.join(work, "reference.xml"), require_mnist=True,
                    env={"RICHLAZY_GRADE_SEED": seed})
    for r in graded if "a" in stages else []:
        ok, line = row_result(r, ref)
        if not ok:
            problems.append("(a) A%d: the reference fails %s: %s" % (r.number, r.test, line))
    for n in (n for n in numbers if n in FAST_PATHS and "a" in stages):
        why = fast_path_refusal(n, src)
        if why:
            problems.append("(a) A%d: the fast-path check refuses the reference itself: %s" % (n, why))
    for n in numbers:
        problems += check_gradescope([r for r in rows if r.number == n], ref, "A%d reference" % n)
    say("(a) reference: %d graded tests, %d failing  [%.0f s]"
        % (len(graded), sum(not row_result(r, ref)[0] for r in graded), time.time() - t0))

    # (b) and (c) one assignment per worker, CHECK_JOBS of them side by side (default: the core count),
    # each make with its share of the cores; each assignment's lines print in order once it is done.
    workers = max(1, min(len(numbers), int(os.environ.get("CHECK_JOBS") or os.cpu_count() or 1)))
    make_jobs = max(1, int(os.environ.get("JOBS") or os.cpu_count() or 2) // workers)
    order = sorted(numbers, key=lambda n: -CHECK_COST.get(n, 0))  # the longest first: a shorter tail
    with concurrent.futures.ThreadPoolExecutor(workers) as pool:
        futures = {n: pool.submit(check_assignment, n, rows, hints, signatures, src, work, strict, keep, stages,
                                  record, t0, make_jobs) for n in order}
        for n in numbers:
            report = futures[n].result()
            for line in report.lines:
                say(line)
            problems += report.problems
            notes += [x for x in report.notes if x not in notes]

    if record and "c" in stages:
        write_signatures(src, signatures, signatures_path)
        say("recorded the evidence of %d mutations in %s" % (len(signatures), signatures_path or SIGNATURES))
    for n in notes:
        say("note: " + n)
    for p in problems:
        say("PROBLEM " + p)
    say("check-assignments: %s in %.0f s" % ("FAILED (%d problems)" % len(problems) if problems else "ok",
                                             time.time() - t0))
    return problems


# ---- selftest: each check can fail ---------------------------------------------------------------

def reformat_marked_bodies(tree, path):
    """Ordinary edits to every marked function of `path`, as a maintainer makes them: its parameters one
    per line, the marked body indented two more spaces, a blank line and a comment added in it."""
    lines = read_lines(os.path.join(tree, path))
    for region in sorted(find_regions(tree, path), key=lambda r: -r.begin):
        k = region.begin + 1
        while k < region.end and lines[k].strip().startswith("//"):
            k += 1
        body = ["  " + l if l.strip() else l for l in lines[k:region.end]]
        lines[k:region.end] = ["", region.indent + "// (a comment added by the reformatting test)"] + body
        start = region.begin - 1
        while not (lines[start] and not lines[start][0].isspace() and "(" in lines[start]):
            start -= 1
        end = start
        while "{" not in lines[end].split("//")[0]:
            end += 1
        text = " ".join(l.strip() for l in lines[start:end + 1])
        depth, close = 0, None
        for i in range(text.index("("), len(text)):
            depth += text[i] == "("
            depth -= text[i] == ")"
            if depth == 0:
                close = i
                break
        params = [q.strip() for q in split_top_level(text[text.index("(") + 1:close])]
        if params:
            lines[start:end + 1] = [text[:text.index("(") + 1]] + [
                "    " + q + ("," if i < len(params) - 1 else text[close:]) for i, q in enumerate(params)]
    write_fresh(os.path.join(tree, path), "\n".join(lines))


def stub_selftest(base):
    """The stubs survive ordinary edits: every marked file reformatted, stubbed again and compiled with
    the Makefile's warnings as errors; and a mutation whose line was edited is named as stale, with it."""
    failed = []
    cxx = [w for w in (os.environ.get("CXX") or "g++").split() if os.path.basename(w) != "ccache"] or ["g++"]
    paths = sorted({r.path for r in all_regions(base)}) + [parse_mutation(ROOT, "A8-label-off-by-one.txt")[0]]
    saved = {p: (open(os.path.join(base, p), "rb").read(), os.stat(os.path.join(base, p))) for p in set(paths)}
    try:
        return stub_checks(base, cxx, paths[:-1], failed)
    finally:  # back as they were, with their times (nothing recompiles for the checks after)
        for p, (data, st) in saved.items():
            with open(os.path.join(base, p), "wb") as f:
                f.write(data)
            os.utime(os.path.join(base, p), ns=(st.st_atime_ns, st.st_mtime_ns))


def stub_checks(base, cxx, paths, failed):
    for path in paths:
        reformat_marked_bodies(base, path)
        regions = find_regions(base, path)
        stub = os.path.join(base, path + ".stub" + os.path.splitext(path)[1])
        with open(stub, "w") as f:
            f.write(stubbed_text(base, path, regions))
        unit = stub
        if path.endswith(".h"):  # a header is compiled through a file that includes it
            unit = stub + ".cpp"
            with open(unit, "w") as f:
                f.write('#include "%s"\n' % os.path.relpath(stub, base))
        cmd = cxx + ["-std=c++17", "-I.", "-fsyntax-only", "-Wall", "-Wextra", "-Wpedantic", "-Werror", unit]
        out = subprocess.run(cmd, cwd=base, capture_output=True, text=True)
        if out.returncode != 0 or "Need to implement for A" not in open(stub).read():
            failed.append(path)
            say("stubs after reformatting %s do not compile:\n%s" % (path, out.stderr[-2000:]))
        for f in {stub, unit}:
            os.remove(f)
    say("(stubs) every marked file reformatted and stubbed again: %s" % ("ok" if not failed else "FAILED: " + ", ".join(failed)))
    # a stale mutation: the line it quotes edited in the reference
    name = "A8-label-off-by-one.txt"
    path, hunks = parse_mutation(ROOT, name)
    line = hunks[0][0].split("\n")[0]
    text = open(os.path.join(base, path)).read()
    write_fresh(os.path.join(base, path), text.replace(line, line.replace("+ 1", "+1"), 1))
    try:
        apply_mutation(base, name, ROOT)
        failed.append("stale mutation not reported")
    except Failure as e:
        ok = "is stale" in str(e) and line.strip() in str(e)
        say("(stale) %s -> %s" % ("ok" if ok else "FAILED", e))
        if not ok:
            failed.append("stale mutation not named with its line")
    return failed


def selftest():
    """Runs the checker on A5 with three deliberate breakages; each must be reported by its own check."""
    t0 = time.time()
    os.makedirs(os.path.join(ROOT, "out"), exist_ok=True)
    tmp = tempfile.mkdtemp(prefix="check-assignments-selftest-", dir=os.path.join(ROOT, "out"))
    base = os.path.join(tmp, "reference")
    copy_tree(ROOT, base)  # with build/: nothing recompiles
    n = 5
    rows = [r for r in read_table(ROOT) if r.number == n and r.mutation != "-"]
    # the last rung with recorded evidence (a randomised rung's failure is never recorded)
    first, later = rows[0], [r for r in rows if not randomised(r.test)][-1]
    table_lines = read_lines(os.path.join(ROOT, TABLE))

    def table(name, lines):
        path = os.path.join(tmp, name)
        with open(path, "w") as f:
            f.write("\n".join(lines) + "\n")
        return path

    cases = [
        # (a) a graded test the reference fails (here: a row naming a test that does not exist)
        ("a", table("broken-a.tsv", table_lines + ["A5\tMeasuresSelftest.DoesNotExist\t1\thint\t-"]),
         "(a) A5: the reference fails MeasuresSelftest.DoesNotExist"),
        # (b) a stub that does not make its graded test fail (a row whose test never reaches A5's code)
        ("b", table("broken-b.tsv", table_lines + ["A5\tMatrix.StoresRowMajor\t1\thint\t-"]),
         "(b) A5: the stub passes the graded test Matrix.StoresRowMajor"),
        # (c) a hint backed by the wrong mutation: the last rung's bug recorded under the first rung
        ("c", table("broken-c.tsv", [l.replace(first.mutation, later.mutation) if l.split("\t")[:2] == ["A5", first.test]
                                      else l for l in table_lines]),
         "(c) A5: mutation %s should make %s the first failing row" % (later.mutation, first.test)),
    ]
    # (c) a hint that would fire on another mutation's failure: the first mutation's evidence recorded
    # for the second (so the second's hint fires on the first's failure, and not on its own)
    sigs = read_signatures(ROOT)
    if first.mutation in sigs and later.mutation in sigs:
        # a second hint for the first row, keyed to the last mutation but holding the first's evidence
        hints_path = table("broken-hints.tsv", ["A5\t%s\tthe wrong hint\t%s" % (first.test, later.mutation)])
        sigs[later.mutation] = (first.test, sigs[first.mutation][1])
        write_signatures(tmp, sigs, os.path.join(tmp, "broken-signatures.tsv"))
        cases.append(("c", os.path.join(ROOT, TABLE),
                      "(c) A5: on mutation %s's failure of %s the hint of %s fires too" % (first.mutation, first.test, later.mutation),
                      hints_path, os.path.join(tmp, "broken-signatures.tsv")))
    failed = stub_selftest(base)
    if gradescope_problems({"score": 1, "tests": [{"name": "x", "score": 2, "max_score": 1, "output": "",
                                                   "visibility": "sometimes"}]}) == []:
        failed.append("the results.json validator accepts a broken file")
    for case in cases:
        stage, path, expected = case[:3]
        hints_path, signatures_path = case[3:] if len(case) > 3 else (None, None)
        say("---- selftest (%s): expecting a problem starting %r" % (stage, expected))
        problems = check(strict=False, only=[n], table=path, src=base, work=os.path.join(tmp, "work"), stages=stage,
                         hints_path=hints_path, signatures_path=signatures_path)
        if not any(p.startswith(expected) for p in problems):
            failed.append(stage)
    shutil.rmtree(tmp)
    say("check-assignments-selftest: %s in %.0f s" % (
        "FAILED: check(s) %s did not report the breakage" % ",".join(failed) if failed
        else "ok (each of the checks a, b, c reported its deliberate breakage)", time.time() - t0))
    return not failed


# ---- command line --------------------------------------------------------------------------------

def number_arg(text):
    m = re.fullmatch(r"A?(\d+)", text or "")
    if not m or int(m.group(1)) not in ASSIGNMENTS:
        raise argparse.ArgumentTypeError("assignment must be 1..8 (e.g. A=6), got %r" % text)
    return int(m.group(1))


def main(argv):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    t = sub.add_parser("tree")
    t.add_argument("number", type=number_arg)
    t.add_argument("--out")
    t.add_argument("--force", action="store_true")
    g = sub.add_parser("grade")
    g.add_argument("number", type=number_arg)
    g.add_argument("--tree")
    g.add_argument("--timeout", type=int, help="seconds per graded row (default %d)" % TEST_SECONDS)
    g.add_argument("--format", choices=("text", "gradescope"), default="text")
    g.add_argument("--results", help="where FORMAT=gradescope writes results.json (default "
                   "/autograder/results/results.json when /autograder exists, else out/grades/A<n>/results.json)")
    gc = sub.add_parser("grade-class")
    gc.add_argument("number", type=number_arg)
    gc.add_argument("submissions", help="one folder or archive per student")
    gc.add_argument("--out", help="default out/grades/A<n>")
    gc.add_argument("--timeout", type=int, help="seconds per graded row (default %d)" % TEST_SECONDS)
    c = sub.add_parser("check")
    c.add_argument("--strict", action="store_true", help="an assignment without markers is a failure")
    c.add_argument("--only", default="", help="comma-separated assignment numbers")
    c.add_argument("--keep", action="store_true", help="keep the generated trees under out/check-assignments")
    c.add_argument("--record", action="store_true", help="record each mutation's failure in %s" % SIGNATURES)
    sub.add_parser("selftest")
    sub.add_parser("hostile")
    args = p.parse_args(argv)
    try:
        if args.cmd == "tree":
            out = args.out or os.path.join(ROOT, "out", "assignments", "A%d" % args.number)
            regions = make_student_tree(args.number, out, force=args.force)
            if not regions:
                say("A%d: no marked bodies yet; %s is a copy of the reference" % (args.number, out))
            for r in regions:
                say("A%d stub: %s  %s  (%s)" % (r.number, r.path, r.function, r.doc))
            say("student tree: %s\nnext: implement the functions above there, then `make grade A=%d`"
                % (out, args.number))
            return 0
        if args.cmd == "grade":
            rows, results = grade(args.number, args.tree or default_tree(args.number), seconds=args.timeout)
            if args.format == "gradescope":
                path = args.results or ("/autograder/results/results.json" if os.path.isdir("/autograder")
                                        else os.path.join(ROOT, "out", "grades", "A%d" % args.number, "results.json"))
                write_gradescope(rows, results, path, "" if results is not None else "the submission does not build")
            return 0 if results is not None else 1
        if args.cmd == "grade-class":
            out = args.out or os.path.join(ROOT, "out", "grades", "A%d" % args.number)
            grade_class(args.number, args.submissions, out, seconds=args.timeout)
            return 0
        if args.cmd == "check":
            only = [number_arg(x) for x in args.only.split(",") if x]
            return 1 if check(args.strict, only, keep=args.keep, record=args.record) else 0
        if args.cmd == "selftest":
            return 0 if selftest() else 1
        if args.cmd == "hostile":
            import hostile  # the hostile submissions the grader is tested against
            return 0 if hostile.run_all() else 1
    except Failure as e:
        say("error: %s" % e)
        return 2
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
