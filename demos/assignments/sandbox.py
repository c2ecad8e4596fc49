"""The grader's sandbox: run one command on a student's code with limits and without the grader's rights.

What it does and does not isolate is written up in docs/assignments/README.md#what-the-sandbox-isolates.

The mechanism is Debian's own: bubblewrap (`bwrap`, package bubblewrap) puts the command in fresh
mount, pid, network, IPC and UTS namespaces (and a user namespace when we are not root) in which only
/usr (read-only), a private /tmp,
/proc, /dev and the folders the caller names exist; `prlimit` (util-linux) inside it caps memory,
processes, file size, core dumps and CPU time; the grader kills the whole sandbox at the wall-clock
limit (bwrap's --die-with-parent and the pid namespace take every forked child with it).  Started as
root, the command inside becomes the unprivileged user `nobody` with `setpriv` (util-linux), with no
capabilities left: inside a user namespace made by root, uid 0 outside would still own root's files,
and the kernel does not apply RLIMIT_NPROC to root.

Where bwrap cannot make namespaces (a container without user namespaces), `mode()` says why and the
command runs with the same prlimit limits, the same wall-clock kill and (as root) as `nobody`, but
sees the whole filesystem and the network: the grader prints that warning on every table.

Python 3 standard library only.
"""
import os
import shutil
import signal
import stat
import subprocess
import tempfile
import time

NOBODY = 65534
GIB = 1 << 30
MIB = 1 << 20


class Limits:
    """Wall-clock seconds, address space, processes (of the sandbox's user), bytes per written file,
    size of the private /tmp."""

    def __init__(self, seconds, memory=4 * GIB, processes=64, file_bytes=64 * MIB, tmp_bytes=256 * MIB):
        self.seconds, self.memory, self.processes = seconds, memory, processes
        self.file_bytes, self.tmp_bytes = file_bytes, tmp_bytes

    def prlimit_args(self):
        return ["prlimit", "--as=%d" % self.memory, "--nproc=%d" % self.processes,
                "--fsize=%d" % self.file_bytes, "--core=0", "--cpu=%d" % (int(self.seconds) + 5), "--"]


def as_root():
    return os.geteuid() == 0


def drop_to_nobody():
    """argv prefix that makes the rest run as nobody with no capabilities (only when we are root)."""
    if not as_root():
        return []
    return ["setpriv", "--reuid=%d" % NOBODY, "--regid=%d" % NOBODY, "--clear-groups", "--inh-caps=-all",
            "--bounding-set=-all", "--"]


def namespaces():
    """As root bwrap runs privileged (no user namespace: uid 0 in one would still own root's files) and
    hands setpriv the two capabilities it needs to become nobody; as anyone else, a user namespace."""
    if as_root():
        return ["--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try",
                "--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID"]
    return ["--unshare-all"]


def bwrap_prefix(limits, read_only, writable, cwd):
    """/usr read-only, Debian's merged-/usr links, a private /tmp of limited size, /proc and /dev of
    the new namespaces, the named folders at their own paths; nothing else of the host exists."""
    cmd = ["bwrap"] + namespaces() + ["--die-with-parent", "--new-session", "--ro-bind", "/usr", "/usr"]
    for link in ("bin", "lib", "lib64", "sbin"):  # /bin -> usr/bin, ...
        target = os.path.join("/", link)
        if os.path.islink(target):
            cmd += ["--symlink", os.readlink(target), target]
        elif os.path.isdir(target):
            cmd += ["--ro-bind", target, target]
    cmd += ["--perms", "0755", "--dir", "/etc", "--ro-bind-try", "/etc/ld.so.cache", "/etc/ld.so.cache", "--proc", "/proc", "--dev", "/dev",
            "--perms", "1777", "--size", str(limits.tmp_bytes), "--tmpfs", "/tmp"]
    made = {"/", "/tmp", "/usr"}
    for path in list(read_only) + list(writable):  # parents made by bwrap: 0755, so nobody can pass
        parts = os.path.abspath(path).split("/")[1:-1]
        for k in range(1, len(parts) + 1):
            parent = "/" + "/".join(parts[:k])
            if parent not in made:
                made.add(parent)
                cmd += ["--perms", "0755", "--dir", parent]
    for path in read_only:
        cmd += ["--ro-bind", path, path]
    for path in writable:
        cmd += ["--bind", path, path]
    return cmd + ["--chdir", cwd] + drop_to_nobody()


def hand_over(path, uid=NOBODY):
    """A folder the sandboxed command must write: owned by nobody when we are root (else it is ours).
    hand_over(path, 0) takes it back (read-only to nobody again: the fallback has no read-only mount)."""
    if not as_root():
        return
    for base, dirs, names in os.walk(path):
        os.lchown(base, uid, uid)
        for n in dirs + names:
            os.lchown(os.path.join(base, n), uid, uid)


def scratch_folder(prefix):
    """A fresh folder for the grader's own files that nobody may pass through (not list or write)."""
    path = tempfile.mkdtemp(prefix=prefix)
    os.chmod(path, 0o711)
    return path


_MODE = None


def mode():
    """("bwrap", "") when bubblewrap works here, else ("limits-only", why).  GRADER_SANDBOX=none forces
    the second (to see the fallback's warning and behaviour)."""
    global _MODE
    if _MODE is None:
        _MODE = _probe()
    return _MODE


def _probe():
    if os.environ.get("GRADER_SANDBOX") == "none":
        return "limits-only", "GRADER_SANDBOX=none"
    for tool in (["bwrap", "prlimit"] + (["setpriv"] if as_root() else [])):
        if not shutil.which(tool):
            return "limits-only", "%s is not installed (Debian: apt-get install %s)" % (
                tool, "bubblewrap" if tool == "bwrap" else "util-linux")
    cmd = ["bwrap"] + namespaces() + ["--ro-bind", "/", "/", "--die-with-parent"] + drop_to_nobody() + ["true"]
    try:
        proc = subprocess.run(cmd, capture_output=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as e:
        return "limits-only", "bwrap does not run: %s" % e
    if proc.returncode != 0:
        why = proc.stderr.decode(errors="replace").strip().split("\n")[-1]
        return "limits-only", "bwrap cannot make namespaces here (%s)" % why
    return "bwrap", ""


def warning():
    kind, why = mode()
    if kind == "bwrap":
        return ""
    return ("WARNING: no sandbox (%s): student code runs with time, memory, process and file-size limits%s, "
            "but can read every file the grader's user can, write where it can, and use the network. "
            "See docs/assignments/README.md#what-the-sandbox-isolates" % (why, " as nobody" if as_root() else ""))


class Result:
    def __init__(self, returncode, timed_out, seconds):
        self.returncode, self.timed_out, self.seconds = returncode, timed_out, seconds


def run(argv, cwd, limits, output, read_only=(), writable=(), env=None):
    """Runs argv in the sandbox; stdout and stderr go to the file `output` (a host path, capped by the
    limit on file size).  read_only and writable are host folders, mounted at the same paths; cwd must
    be one of them.  env: the only environment the command sees (plus PATH, HOME=/tmp, TMPDIR=/tmp)."""
    clean = {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": "/tmp", "TMPDIR": "/tmp", "LANG": "C.UTF-8"}
    clean.update(env or {})
    inner = limits.prlimit_args() + list(argv)
    if mode()[0] == "bwrap":
        cmd = bwrap_prefix(limits, read_only, writable, cwd) + inner
        where = "/"
    else:
        cmd = drop_to_nobody() + inner
        where = cwd
    t0 = time.time()
    with open(output, "wb") as out:
        proc = subprocess.Popen(cmd, cwd=where, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                                env=clean, start_new_session=True)
        try:
            rc, timed_out = proc.wait(timeout=limits.seconds), False
        except subprocess.TimeoutExpired:
            timed_out = True
            _kill_group(proc.pid)
            rc = proc.wait()
    return Result(rc, timed_out, time.time() - t0)


def _kill_group(pgid):
    """The sandbox's session: bwrap's monitor, and through --die-with-parent its pid namespace."""
    try:
        os.killpg(pgid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def _open_regular(path):
    """A file the sandbox may have planted: no symlink followed, no FIFO waited on; None unless regular."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return None
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        return None
    return os.fdopen(fd, "rb")


def read_capped(path, limit=1 * MIB):
    """A file the sandbox wrote, at most `limit` bytes of it (None when absent or not a regular file)."""
    f = _open_regular(path)
    if f is None:
        return None
    with f:
        return f.read(limit)


def read_tail(path, limit):
    """The last `limit` bytes of a file the sandbox wrote (its output; capped by the file-size limit)."""
    f = _open_regular(path)
    if f is None:
        return None
    with f:
        size = os.fstat(f.fileno()).st_size
        f.seek(max(0, size - limit))
        return f.read(limit)


def tail_lines(path, count, limit=16384):
    """The last `count` lines (at most `limit` bytes) of a file the sandbox wrote, for a message."""
    data = read_tail(path, limit) or b""
    lines = data.decode(errors="replace").rstrip("\n").split("\n")
    if len(data) == limit:
        lines = lines[1:]  # the first one is cut
    return [l[:500] for l in lines[-count:]]
