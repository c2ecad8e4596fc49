"""Hostile submissions: what the grader is tested against (docs/assignments/README.md#hostile-submissions).

`make check-assignments-hostile` (CI) runs `assignments.py hostile`, which calls run_all() below.

One A8 submission carries a hostile `PerceptualDecision::build_trial`: what it does is chosen at run
time by the environment variable HOSTILE_CASE, so it is built once (in the sandbox, like any
submission) and run under every case: loop forever, allocate without bound, fork without bound, write
and delete outside its tree, read files outside it, connect to a listener on 127.0.0.1, flood its
output.  The same submission ships an edited test file (every graded test empty, so it would pass)
and a Makefile with a `$(shell ...)` line: both must be ignored.  Then: a submission that
`#include`s /etc/shadow, a missing path, a path that is neither folder nor archive, a broken archive,
and a class of four through grade-class (one makes the compiler read /dev/zero).  After every case a
sentinel folder outside the grader's scratch must be unchanged: the sentinel file still there, no new
file.  Without bwrap the cases only namespaces can pass are SKIPPED with the reason (NEEDS_NAMESPACES).

Python 3 standard library only.
"""
import contextlib
import io
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time

import assignments as A
import sandbox

N = 8  # A8: one source file, the cheapest rebuild

INCLUDES = """#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <vector>"""

# Bounded on purpose: without its guard each case still ends (6 GiB, 5000 processes, 256 MiB of output),
# so the check can be seen to fail without harming the machine.
BODY = r"""  (void)cond; (void)layout; (void)rng;
  const auto arg = [](const char* name) { const char* v = std::getenv(name); return std::string(v ? v : ""); };
  const std::string c = arg("HOSTILE_CASE");
  std::string did;
  if (c == "loop") {
    std::ifstream f("/proc/self/cmdline");
    const std::string cmdline((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    if (cmdline.find(arg("HOSTILE_LOOP_IN")) != std::string::npos)
      for (volatile unsigned long i = 0;; i = i + 1) {
      }
  } else if (c == "alloc") {
    std::vector<char*> kept;
    for (int k = 0; k < 96; ++k) {  // 96 x 64 MiB = 6 GiB, over the 4 GiB limit (on address space:
      kept.push_back(new char[64 << 20]);  // touching every page too only makes the case slower)
      kept.back()[k] = 1;
    }
    did = "allocated 6 GiB; ";
  } else if (c == "fork") {
    int forked = 0;
    for (; forked < 5000; ++forked) {
      const pid_t pid = ::fork();
      if (pid < 0) break;
      if (pid == 0) {
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        ::pause();
        ::_exit(0);
      }
    }
    did = "forked " + std::to_string(forked) + " processes; ";
  } else if (c == "write") {
    const std::string out = arg("HOSTILE_OUTSIDE");
    if (std::ofstream(out + "/written-by-student").put('x')) did += "wrote outside; ";
    if (std::remove((out + "/sentinel").c_str()) == 0) did += "deleted the sentinel; ";
    if (std::ofstream("build/tests/all_tests", std::ios::app).put('x')) did += "changed the test binary; ";
    if (std::ofstream("planted-in-tree").put('x')) did += "wrote in its tree; ";
  } else if (c == "read") {
    for (const std::string path : {std::string("/etc/shadow"), std::string("/etc/passwd"), arg("HOSTILE_SECRET")})
      if (std::ifstream(path).good()) did += "read " + path + "; ";
  } else if (c == "socket") {
    for (int k = 0; k < 3; ++k) {
      const int s = ::socket(AF_INET, SOCK_STREAM, 0);
      sockaddr_in a{};
      a.sin_family = AF_INET;
      a.sin_port = htons(static_cast<uint16_t>(std::atoi(arg("HOSTILE_PORT").c_str())));
      a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      if (s >= 0 && ::connect(s, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0) did += "connected; ";
      if (s >= 0) ::close(s);
    }
  } else if (c == "flood") {
    const std::string line(1 << 20, 'y');
    for (int k = 0; k < 256; ++k) std::fwrite(line.data(), 1, line.size(), stdout);
    did = "wrote 256 MiB of output; ";
  }
  throw std::logic_error("Need to implement for A8: hostile submission (" + c + "): " +
                         (did.empty() ? std::string("nothing got through") : did));"""


def hostile_source(root=A.ROOT):
    """The reference file with A8's marked region replaced by BODY (the rest of the file is kept)."""
    regions = A.regions_of(root, N)
    path = regions[0].path
    lines = A.read_lines(os.path.join(root, path))
    r = regions[0]
    lines[r.begin:r.end + 1] = BODY.split("\n")
    first = next(i for i, l in enumerate(lines) if l.startswith("#include"))
    lines[first + 1:first + 1] = INCLUDES.split("\n")
    return path, "\n".join(lines)


class Outside:
    """A folder outside the grader's scratch, with a sentinel file: it must come out unchanged."""

    def __init__(self, parent):
        self.path = tempfile.mkdtemp(prefix="hostile-outside-", dir=parent)
        os.chmod(self.path, 0o777)  # writable by anyone: only the sandbox can keep a student out
        with open(os.path.join(self.path, "sentinel"), "w") as f:
            f.write("must survive\n")
        self.before = self.listing()

    def listing(self):
        return sorted(os.listdir(self.path))

    def problems(self, case):
        now = self.listing()
        out = []
        if "sentinel" not in now:
            out.append("%s: the sentinel outside the scratch folder was deleted" % case)
        new = sorted(set(now) - set(self.before))
        if new:
            out.append("%s: new file(s) outside the scratch folder: %s" % (case, ", ".join(new)))
            for n in new:
                os.remove(os.path.join(self.path, n))
        if "sentinel" not in now:
            with open(os.path.join(self.path, "sentinel"), "w") as f:
                f.write("must survive\n")
        return out


class Listener:
    """A TCP listener on 127.0.0.1 (outside the sandbox) that counts connections."""

    def __init__(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.sock.settimeout(0.2)
        self.port, self.accepted, self.stop = self.sock.getsockname()[1], 0, False
        self.thread = threading.Thread(target=self.loop, daemon=True)
        self.thread.start()

    def loop(self):
        while not self.stop:
            try:
                conn, _ = self.sock.accept()
                self.accepted += 1
                conn.close()
            except OSError:
                pass

    def close(self):
        self.stop = True
        self.thread.join()
        self.sock.close()


def captured(fn, *args, **kw):
    text = io.StringIO()
    with contextlib.redirect_stdout(text):
        value = fn(*args, **kw)
    return value, text.getvalue()


def cli(*args):
    """The grader's command line, as `make grade` calls it: (exit code, output)."""
    proc = subprocess.run([sys.executable, os.path.join(A.ROOT, "demos", "assignments", "assignments.py")] +
                          list(args), capture_output=True, text=True)
    return proc.returncode, proc.stdout + proc.stderr


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


# Cases that only bwrap's namespaces can pass: without it (GRADER_SANDBOX=none, or no user namespaces)
# they are SKIPPED with the reason, unless HOSTILE_REQUIRE_SANDBOX=1 (then they run, and fail).
NEEDS_NAMESPACES = ("write", "read", "socket", "shadow")


class Report:
    """Runs the expectations; after each case, the folder outside must be unchanged."""

    def __init__(self, outside):
        self.outside, self.problems, self.ran, self.skipped = outside, [], [], []
        self.isolated = sandbox.mode()[0] == "bwrap" or os.environ.get("HOSTILE_REQUIRE_SANDBOX") == "1"

    def skip(self, case, name):
        if case in NEEDS_NAMESPACES and not self.isolated:
            self.skipped.append(name)
            A.say("  %-44s SKIPPED  (no sandbox: %s)" % (name, sandbox.mode()[1]))
            return True
        return False

    def expect(self, name, ok, what, output):
        self.ran.append(name)
        A.say("  %-44s %s  %s" % (name, "ok" if ok else "FAILED", what))
        if not ok:
            self.problems.append("%s: expected %s; the grader printed:\n%s" % (name, what, output))
        self.problems.extend(self.outside.problems(name))


def run_all():
    t0 = time.time()
    os.makedirs(os.path.join(A.ROOT, "out"), exist_ok=True)
    work = tempfile.mkdtemp(prefix="hostile-", dir=os.path.join(A.ROOT, "out"))
    os.chmod(work, 0o755)  # the outside folder must be reachable: only the sandbox may keep a student out
    report = Report(Outside(work))
    listener = Listener()
    kept = []
    kind, why = sandbox.mode()
    A.say("hostile submissions against the grader (A%d); sandbox: %s" % (N, kind if kind == "bwrap" else sandbox.warning()))
    try:
        path, text = hostile_source()
        tree = built_hostile_submission(work, path, text, report, kept)
        if tree:
            stray = other_builds_in(tree)
            report.expect("no other build of the reference in the tree", not stray,
                          "build/ holds only the default build's parts (no build/portable, build/wasm, ...)",
                          "found: " + ", ".join(stray))
            run_time_cases(tree, path, report, listener)
        if not report.skip("shadow", "#include \"/etc/shadow\""):
            shadow_case(work, path, text, report)
        path_cases(work, report)
        class_case(work, path, report)
    finally:
        listener.close()
        for k in kept:
            shutil.rmtree(k, ignore_errors=True)
        shutil.rmtree(work, ignore_errors=True)
    for p in report.problems:
        A.say("PROBLEM " + p)
    A.say("check-assignments-hostile: %s, %d cases in %.0f s%s" % (
        "FAILED (%d problems)" % len(report.problems) if report.problems else "ok", len(report.ran), time.time() - t0,
        "; SKIPPED %d that need the sandbox (%s)" % (len(report.skipped), why) if report.skipped else ""))
    return not report.problems


def other_builds_in(tree):
    """What of tree/build/ is not the default build's objects and library (listed here on its own, not
    taken from the grader, so that the check stays independent of the guard): another build
    (build/portable, build/wasm) or a stray test binary would hold the reference solution compiled."""
    allowed = ("linalg", "nn", "tasks", "theory", "demos", "tests", "librichlazy.a")
    build = os.path.join(tree, "build")
    stray = [os.path.join("build", n) for n in sorted(os.listdir(build)) if n not in allowed] if os.path.isdir(build) else []
    tests = os.path.join(build, "tests")
    if os.path.isdir(tests):
        stray += [os.path.join("build/tests", n) for n in sorted(os.listdir(tests))
                  if os.path.isfile(os.path.join(tests, n)) and not n.endswith((".o", ".d")) and n != "all_tests"]
    return stray


def graded_rows():
    return [r for r in A.grade_rows(N) if r.points > 0]


def built_hostile_submission(work, path, text, report, kept):
    """Case 1: the hostile source with an edited test file (every graded test empty) and a Makefile
    whose $(shell ...) writes outside; graded (both rows FAIL), its sandboxed build kept for the rest."""
    graded = graded_rows()
    sub = os.path.join(work, "submission")
    write(os.path.join(sub, path), text)
    write(os.path.join(sub, "tests", "test_perceptual_decision.cpp"), "#include <gtest/gtest.h>\n" + "".join(
        "TEST(%s) {}\n" % r.test.replace(".", ", ") for r in graded))
    write(os.path.join(sub, "Makefile"), "X := $(shell touch %s/makefile-ran)\nbuild/tests/all_tests:\n\ttrue\n"
          % report.outside.path)
    (_, results), out = captured(A.grade_submission, N, sub, graded[:2], seconds=20, keep=kept)
    report.expect("edited test and shipped Makefile", results is not None and all(
        not results[r.test][0] and "nothing got through" in results[r.test][1] for r in graded[:2]),
        "both rows FAIL with the submission's own message (the edited tests and Makefile ignored)", out)
    return os.path.join(kept[0], "tree") if kept else None


def run_time_cases(tree, path, report, listener):
    """Cases 2-8 on the one build, HOSTILE_CASE choosing the behaviour."""
    graded = graded_rows()
    first = graded[0].test
    env = {"HOSTILE_OUTSIDE": report.outside.path, "HOSTILE_PORT": str(listener.port),
           "HOSTILE_SECRET": os.path.join(A.ROOT, path), "HOSTILE_LOOP_IN": first}
    cases = [
        # Row 1 loops and is stopped at 3 s; row 2 gets 30 s, so that a slow start of the test binary on a
        # busy machine cannot make it time out too.
        ("loop (forever, in the first row only)", "loop", graded[:2], (3, 30),
         lambda res: "timed out after 3 s" in res[first][1] and "nothing got through" in res[graded[1].test][1],
         "row 1 'timed out after 3 s', row 2 still runs and FAILs on its own"),
        ("allocate without bound", "alloc", graded[:1], 30,
         lambda res: "bad_alloc" in res[first][1] or "crashed" in res[first][1],
         "the row FAILs with std::bad_alloc at the 4 GiB limit"),
        ("fork without bound", "fork", graded[:1], 30, lambda res: bounded_forks(res[first][1]),
         "the row FAILs after fewer than 100 processes (limit 64)"),
        ("write and delete outside its tree", "write", graded[:1], 30,
         lambda res: "nothing got through" in res[first][1],
         "every write refused (outside folder, its tree, the test binary)"),
        ("read outside its tree", "read", graded[:1], 30, lambda res: "nothing got through" in res[first][1],
         "/etc/shadow, /etc/passwd and the reference solution not there"),
        ("connect to 127.0.0.1 (3 tries)", "socket", graded[:1], 30,
         lambda res: "nothing got through" in res[first][1] and listener.accepted == 0,
         "no connection reaches the listener"),
        ("flood its output", "flood", graded[:1], 30, lambda res: "SIGXFSZ" in res[first][1],
         "the row FAILs when the output passes 64 MiB"),
    ]
    for name, case, rows, seconds, good, what in cases:
        if report.skip(case, name):
            continue
        res, out = {}, ""
        for row, row_seconds in zip(rows, seconds if isinstance(seconds, tuple) else [seconds] * len(rows)):
            part, part_out = captured(A.run_rows, tree, [row], seconds=row_seconds, env=dict(env, HOSTILE_CASE=case))
            res.update(part)
            out += part_out
        out += captured(A.print_table, rows, res)[1]
        report.expect(name, good(res), what, out)
        A.say("      row 1: " + res[first][1][:150])


def shadow_case(work, path, text, report):
    """Case 9: #include "/etc/shadow", compiled in the sandbox, where there is none."""
    shadow = os.path.join(work, "shadow")
    write(os.path.join(shadow, path), '#include "/etc/shadow"\n' + text)
    (_, results), out = captured(A.grade_submission, N, shadow, graded_rows()[:1])
    report.expect("#include \"/etc/shadow\"", results is None and "/etc/shadow: No such file" in out and "root:" not in out,
                  "does not build: '/etc/shadow: No such file' (and no line of it in the log)", out)


def broken_zip(work):
    path = os.path.join(work, "broken.zip")
    if not os.path.exists(path):
        write(path, "PK\x03\x04 this is no zip")
    return path


def path_cases(work, report):
    """Cases 10-12 (and an unreadable folder when not root): one error line, exit 2, nothing created."""
    missing = os.path.join(report.outside.path, "no-such-dir", "student")
    rc, out = cli("grade", str(N), "--tree", missing)
    report.expect("missing path", rc == 2 and out == "error: no such tree: %s\n" % missing and not os.path.exists(
        os.path.dirname(missing)), "exit 2, 'error: no such tree: <path>', nothing created", out)
    fifo = os.path.join(work, "a-fifo")
    os.mkfifo(fifo)
    rc, out = cli("grade", str(N), "--tree", fifo)
    report.expect("neither folder nor archive (a FIFO)", rc == 2 and out.startswith("error: cannot read tree: %s" % fifo)
                  and out.count("\n") == 1, "exit 2, one line 'error: cannot read tree: <path> (...)'", out)
    broken = broken_zip(work)
    rc, out = cli("grade", str(N), "--tree", broken)
    report.expect("broken archive", rc == 2 and out.startswith("error: cannot read tree: %s" % broken)
                  and out.count("\n") == 1, "exit 2, one line 'error: cannot read tree: <path> (...)'", out)
    if os.geteuid() != 0:  # root reads any mode; a folder without read permission
        closed = os.path.join(work, "closed")
        os.makedirs(closed, mode=0)
        rc, out = cli("grade", str(N), "--tree", closed)
        os.chmod(closed, 0o755)
        report.expect("unreadable folder", rc == 2 and out.startswith("error: cannot read tree: %s" % closed),
                      "exit 2, 'error: cannot read tree: <path> (Permission denied)'", out)


def class_case(work, path, report):
    """Case 13: grade-class over a symlink to /etc/shadow (refused: the stub is graded), a broken
    archive, a text file, and a file that makes the compiler read /dev/zero (stopped by the 4 GiB
    limit: "does not build")."""
    klass, grades = os.path.join(work, "class"), os.path.join(work, "grades")
    os.makedirs(os.path.join(klass, "alice", os.path.dirname(path)))
    os.symlink("/etc/shadow", os.path.join(klass, "alice", path))
    shutil.copy(broken_zip(work), os.path.join(klass, "bob.zip"))
    write(os.path.join(klass, "carol.txt"), "not a submission\n")
    write(os.path.join(klass, "dave", path), '#include "/dev/zero"\n')
    lines, out = captured(A.grade_class, N, klass, grades, seconds=20)
    by = {l[0]: l for l in lines}
    points = os.path.join(grades, "points.csv")
    report.expect("a class of four (grade-class)", os.path.isfile(points) and len(open(points).readlines()) == 5
                  and by["alice"][2] == "graded" and by["alice"][3] == 0
                  and "symlink" in open(os.path.join(grades, "alice.txt")).read()
                  and by["bob"][2].startswith("error: cannot read tree") and by["carol.txt"][2].startswith("error")
                  and by["dave"][2] == "does not build" and "out of memory" in open(os.path.join(grades, "dave.txt")).read(),
                  "points.csv with 4 students: alice graded 0 (her symlink to /etc/shadow refused), bob and carol "
                  "errors, dave does not build (his #include \"/dev/zero\": the compiler runs out of memory)", out)


def bounded_forks(line):
    m = re.search(r"forked (\d+) processes", line)
    return bool(m) and int(m.group(1)) < 100
