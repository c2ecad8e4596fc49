"""The explorer in a real browser (docs/explorer.md#tested-in-a-browser): a headless Chromium loads the
served page, trains a small sweep through the form, reads the numbers the page shows and checks them
against the native program's results.csv, times the issue's 2AF run, and takes a screenshot.

    python3 test_browser.py <explorer folder> <native build dir> [--screenshot out.png]

Python standard library only.  Chromium is driven over its DevTools protocol on a pipe
(--remote-debugging-pipe: JSON messages separated by NUL bytes on file descriptors 3 and 4), so no
WebSocket client is needed.  When Chromium is missing or cannot start, it prints
"explorer-browser-test: SKIPPED: <why>" and exits 0 (the node test, test_node.sh, still runs).
"""
import csv
import functools
import http.server
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
# The same run as the page's form gets below; results.csv of it is the reference.
SWEEP = {"task": "2af", "N": 100, "gain": 1.25, "lr": 0.003, "iters": 300, "ranks": "1,10,100", "seed": 1, "logEvery": 50,
         "live": True}
NATIVE_FLAGS = ["--task", "2af", "--N", "100", "--gain", "1.25", "--lr", "0.003", "--iters", "300", "--ranks", "1,10,100",
                "--seed", "1", "--seeds", "1", "--threads", "1", "--log-every", "50", "--log-measures"]
TIMING_FLAGS = ["--task", "2af", "--N", "100", "--iters", "500", "--ranks", "100", "--seed", "1", "--seeds", "1",
                "--threads", "1", "--log-every", "50"]
COLUMNS = ["weight_change", "representation_alignment", "kernel_alignment", "loss_first", "loss_final", "accuracy"]
SHOWN_REL = 5e-6   # the page shows 6 significant digits: half a unit in the 6th digit
FULL_REL = 1e-9    # its data-value attribute carries every digit: as the node test (test_node.js says why)


def say(msg):
    print("explorer-browser-test: " + msg, flush=True)


class Skip(Exception):
    pass


class Chromium:
    """A headless Chromium and one page, driven over the DevTools protocol on a pipe."""

    def __init__(self, binary, profile):
        to_child_r, self._to_child = os.pipe()
        self._from_child, from_child_w = os.pipe()

        def wire():  # the child reads commands on fd 3 and writes answers on fd 4
            r, w = os.dup(to_child_r), os.dup(from_child_w)  # above 4, so neither dup2 clobbers the other
            os.dup2(r, 3)
            os.dup2(w, 4)

        args = [binary, "--headless=new", "--remote-debugging-pipe", "--no-sandbox", "--disable-gpu",
                "--no-first-run", "--no-default-browser-check", "--user-data-dir=" + profile,
                "--window-size=1260,1500", "about:blank"]
        self.proc = subprocess.Popen(args, preexec_fn=wire, pass_fds=(3, 4),
                                     stdout=subprocess.DEVNULL, stderr=open(os.path.join(profile, "stderr.log"), "w"))
        os.close(to_child_r)
        os.close(from_child_w)
        self._buffer = b""
        self._next = 0
        self.session = None

    def send(self, method, params=None, session=True, timeout=60):
        self._next += 1
        msg = {"id": self._next, "method": method, "params": params or {}}
        if session and self.session:
            msg["sessionId"] = self.session
        os.write(self._to_child, json.dumps(msg).encode() + b"\0")
        deadline = time.time() + timeout
        while time.time() < deadline:
            answer = self._read(deadline)
            if answer.get("id") == self._next:
                if "error" in answer:
                    raise RuntimeError(f"{method}: {answer['error']}")
                return answer.get("result", {})
        raise TimeoutError(f"{method}: no answer in {timeout} s")

    def _read(self, deadline):
        while b"\0" not in self._buffer:
            if self.proc.poll() is not None:
                raise Skip(f"Chromium exited with status {self.proc.returncode}")
            import select
            ready, _, _ = select.select([self._from_child], [], [], max(0.0, deadline - time.time()))
            if not ready:
                raise TimeoutError("Chromium did not answer")
            chunk = os.read(self._from_child, 1 << 20)
            if not chunk:
                raise Skip("Chromium closed its DevTools pipe")
            self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(message)

    def open_page(self):
        target = self.send("Target.createTarget", {"url": "about:blank"}, session=False)["targetId"]
        self.session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True}, session=False)["sessionId"]
        self.send("Page.enable")
        self.send("Emulation.setDeviceMetricsOverride", {"width": 1260, "height": 1500, "deviceScaleFactor": 1, "mobile": False})

    def evaluate(self, expression):
        result = self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True, "awaitPromise": True})
        if "exceptionDetails" in result:
            raise RuntimeError(f"page script failed: {result['exceptionDetails'].get('exception', {}).get('description')}")
        return result["result"].get("value")

    def wait_for(self, expression, timeout):
        deadline = time.time() + timeout
        while time.time() < deadline:
            value = self.evaluate(expression)
            if value:
                return value
            time.sleep(0.2)
        raise TimeoutError(f"timed out after {timeout} s waiting for {expression}")

    def close(self):
        try:
            self.send("Browser.close", session=False, timeout=5)
        except Exception:
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def serve(root):
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    handler = functools.partial(Quiet, directory=root)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def run_sweep_through_form(browser, values):
    """Types the values into the Fig. 1 form, presses Train, waits, returns the table's cells."""
    field = "document.querySelector('#fig1-form [name={}]')"
    fill = "".join(field.format(k) + (f".checked = {json.dumps(v)};" if isinstance(v, bool) else f".value = {json.dumps(str(v))};")
                   for k, v in values.items())
    browser.evaluate(fill + "document.getElementById('fig1-run').click(); true")
    state = browser.wait_for("document.body.dataset.fig1 !== 'running' && document.body.dataset.fig1", 300)
    if state != "done":
        raise RuntimeError("the page's sweep stopped: " + str(browser.evaluate("document.getElementById('fig1-status').textContent")))
    return browser.evaluate("""[...document.querySelectorAll('#fig1-table tr[data-rank]')].map(tr => ({
        rank: tr.dataset.rank,
        cells: Object.fromEntries([...tr.querySelectorAll('td[data-column]')].map(td =>
                 [td.dataset.column, {shown: td.textContent, value: td.dataset.value}]))}))""")


def main(argv):
    args = [a for a in argv[1:] if not a.startswith("--screenshot")]
    shot = next((a.split("=", 1)[1] for a in argv[1:] if a.startswith("--screenshot=")), None)
    if len(args) != 2:
        sys.stderr.write("usage: test_browser.py <explorer folder> <native build dir> [--screenshot=out.png]\n")
        return 2
    explorer, build = (os.path.abspath(a) for a in args)
    page_path = os.path.relpath(os.path.join(explorer, "index.html"), REPO)
    if page_path.startswith(".."):
        sys.stderr.write(f"test_browser.py: the explorer folder must be inside the repository {REPO}\n")
        return 2
    binary = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if not binary:
        say("SKIPPED: no Chromium on PATH (Debian: apt-get install chromium)")
        return 0

    tmp = tempfile.mkdtemp(prefix="explorer-browser-")
    server = browser = None
    try:
        subprocess.run([os.path.join(build, "bin", "fig1_rank_sweep")] + NATIVE_FLAGS + ["--out", os.path.join(tmp, "fig1")],
                       check=True, stdout=subprocess.DEVNULL, cwd=REPO)
        with open(os.path.join(tmp, "fig1", "results.csv")) as f:
            native = {row["rank"]: row for row in csv.DictReader(f)}
        # The native peer of the timing run below, measured in this test (the machine may be busy).
        subprocess.run([os.path.join(build, "bin", "fig1_rank_sweep")] + TIMING_FLAGS + ["--out", os.path.join(tmp, "peer")],
                       check=True, stdout=subprocess.DEVNULL, cwd=REPO)
        with open(os.path.join(tmp, "peer", "results.csv")) as f:
            peer = next(csv.DictReader(f))
        say(f"native peer: 2AF N=100 500 iterations, {float(peer['train_seconds']) + float(peer['measure_seconds']):.2f} s "
            f"(training {float(peer['train_seconds']):.2f} s, KA at start and end)")

        server = serve(REPO)  # the repository root: the page's links to docs/ and the sources resolve
        url = f"http://127.0.0.1:{server.server_address[1]}/{page_path}"
        try:
            browser = Chromium(binary, tmp)
            browser.send("Browser.getVersion", session=False, timeout=30)
            browser.open_page()
        except (Skip, TimeoutError, OSError, RuntimeError) as e:
            try:  # Chromium's own last words say why (no display, no sandbox, a missing library...)
                with open(os.path.join(tmp, "stderr.log")) as f:
                    last = [l.strip() for l in f if l.strip()][-1:]
            except OSError:
                last = []
            say(f"SKIPPED: Chromium could not start ({e}{': ' + last[0] if last else ''}); the node test still runs")
            return 0
        browser.send("Page.navigate", {"url": url})
        browser.wait_for("document.readyState === 'complete' && document.body.dataset.fig4a === 'done'", 180)
        say(f"loaded {url}; the Fig. 4A panel trained on load")

        # 1. The timing run, alone: 2AF, N = 100, 500 iterations, one network; measured as the
        #    native program's default (KA at the start and the end) and with live KA every 50 steps.
        for live in (False, True):
            timing = run_sweep_through_form(browser, dict(SWEEP, iters=500, ranks="100", live=live))
            seconds = float(timing[0]["cells"]["wall_seconds"]["value"])
            say(f"timing: 2AF N=100 500 iterations, {'live KA/RA/dW' if live else 'loss only'} every 50 steps: "
                f"{seconds:.2f} s in Chromium")

        # 2. The sweep the screenshot shows, compared with the native run.
        rows = run_sweep_through_form(browser, SWEEP)
        failures, worst = 0, 0.0
        for row in rows:
            ref = native[row["rank"]]
            for column in COLUMNS:
                cell, want = row["cells"][column], float(ref[column])
                for text, tol in ((cell["shown"], SHOWN_REL), (cell["value"], FULL_REL)):
                    got = float(text)
                    rel = abs(got - want) / max(abs(want), 1e-300)
                    if tol == FULL_REL:
                        worst = max(worst, rel)
                    if rel > tol:
                        failures += 1
                        say(f"MISMATCH rank {row['rank']} {column}: page {text}, native {ref[column]}")
        say(f"{len(rows)} ranks x {len(COLUMNS)} numbers read from the page; largest relative difference of "
            f"the full values {worst:.2e}; shown values within half a unit of their 6th digit")
        verdict = browser.evaluate("document.getElementById('fig1-verdict').textContent")
        say("verdict: " + verdict)

        # 3. Fig. 2 through its button; then the screenshot.
        browser.evaluate("document.querySelector('#fig2-form button').click(); true")
        browser.wait_for("document.body.dataset.fig2 === 'done'", 300)
        if shot:
            import base64
            height = browser.evaluate("Math.ceil(document.getElementById('fig2').getBoundingClientRect().bottom + window.scrollY) + 8")  # the whole page, scaled to stay small
            data = browser.send("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True,
                                                          "clip": {"x": 0, "y": 0, "width": 1260, "height": height, "scale": 0.6}})["data"]
            with open(shot, "wb") as f:
                f.write(base64.b64decode(data))
            say(f"screenshot: {shot}")
        if failures or len(rows) != 3:
            say(f"FAILED: {failures} numbers differ from the native results.csv")
            return 1
        say("PASSED: the numbers the page shows equal the native run's")
        return 0
    finally:
        if browser:
            browser.close()
        if server:
            server.shutdown()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
