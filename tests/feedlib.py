"""Helpers to run the real ctiboard binary headless against tests/ovh_server.py.

    run = Ctiboard(tmp_path, server.url, [TOKEN], settings={"watchdog_s": 2})
    run.start()
    snap = run.wait(lambda s: feed(s, TOKEN)["state"] == "live", "feed live")
    assert run.stop() == 0

Waits poll the snapshot file (written atomically by the program) until a condition holds;
the deadline only bounds a failing test, it is never what a test asserts.
"""

import json
import os
import signal
import subprocess
import time
import uuid

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)

# Short holds and backoffs so the whole suite stays fast. The server holds 0.3 s; the client's
# hold_s only sizes its timeouts (request hold_s + 20 s, low-speed guard hold_s + 5 s).
FAST = {
    "hold_s": 1,
    "connect_timeout_s": 2,
    "backoff_base_ms": 50,
    "backoff_cap_ms": 400,
    "healthy_reset_s": 1,
    "auth_retry_s": 1,
    "min_poll_interval_ms": 50,
    "watchdog_s": 60,
    "body_cap_bytes": 1 << 20,
}


def binary():
    path = os.environ.get("CTIBOARD_BIN")
    if path:
        if not os.access(path, os.X_OK):
            pytest.fail("CTIBOARD_BIN=%s is not an executable" % path)
        return path
    path = os.path.join(REPO, "ctiboard")
    if not os.access(path, os.X_OK):
        pytest.skip("no ctiboard binary (run make, or set CTIBOARD_BIN)")
    return path


def new_token():
    """A made-up token of the OVH shape."""
    return str(uuid.uuid4()).upper()


def wait_until(pred, what, timeout=15.0):
    """Wait for a condition outside the program (on the test server, say)."""
    deadline = time.monotonic() + timeout
    while not pred():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting for " + what)
        time.sleep(0.02)


def feed(snap, token):
    """The snapshot's feed entry of token (matched on the redacted label)."""
    for f in snap.get("feeds", []):
        if f.get("token", "").endswith(token[-4:]):
            return f
    raise AssertionError("no feed for ...%s in %r" % (token[-4:], snap.get("feeds")))


def counter(snap, name):
    return snap.get("counters", {}).get(name, 0)


class Ctiboard:
    def __init__(self, tmp_path, url, tokens, settings=None, args=(), journal=False,
                 env=None, file_mode=0o600):
        self.dir = str(tmp_path)
        self.url = url
        self.tokens = list(tokens)
        self.settings = dict(FAST)
        self.settings.update(settings or {})
        self.args = list(args)
        self.journal = journal
        self.env = env
        self.file_mode = file_mode
        self.proc = None
        self.snapshot_path = os.path.join(self.dir, "s.json")
        self.token_path = os.path.join(self.dir, "tokens")
        self.journal_dir = os.path.join(self.dir, "journal")
        self.last = None

    def argv(self):
        argv = [binary(), "--url", self.url, "--token-file", self.token_path, "--headless",
                "--snapshot", self.snapshot_path]
        argv += ["--journal", self.journal_dir] if self.journal else ["--no-journal"]
        for k, v in self.settings.items():
            argv += ["--set", "%s=%s" % (k, v)]
        return argv + self.args

    def start(self):
        with open(self.token_path, "w") as fp:
            fp.write("# tokens for a test run\n")
            fp.write("".join(t + "\n" for t in self.tokens))
        os.chmod(self.token_path, self.file_mode)
        env = dict(os.environ)
        env.pop("CTIBOARD_TOKEN", None)
        env["HOME"] = self.dir
        env["XDG_CONFIG_HOME"] = os.path.join(self.dir, "config")
        env["XDG_STATE_HOME"] = os.path.join(self.dir, "state")
        for k in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY",
                  "all_proxy"):
            env.pop(k, None)
        env.update(self.env or {})
        self.stdout = open(os.path.join(self.dir, "stdout"), "wb")
        self.stderr = open(os.path.join(self.dir, "stderr"), "wb")
        self.proc = subprocess.Popen(self.argv(), stdin=subprocess.DEVNULL, stdout=self.stdout,
                                     stderr=self.stderr, env=env, cwd=self.dir)
        return self

    def snap(self):
        try:
            with open(self.snapshot_path) as fp:
                self.last = json.load(fp)
        except (OSError, ValueError):
            pass
        return self.last

    def wait(self, pred, what, timeout=15.0):
        """Poll the snapshot until pred(snapshot) is true; fail with the last one if not."""
        deadline = time.monotonic() + timeout
        while True:
            s = self.snap()
            if s is not None:
                try:
                    if pred(s):
                        return s
                except (AssertionError, KeyError, IndexError, TypeError):
                    pass
            if self.proc.poll() is not None:
                raise AssertionError("ctiboard exited (%s) while waiting for %s; stderr: %s"
                                     % (self.proc.returncode, what, self.read("stderr")))
            if time.monotonic() > deadline:
                raise AssertionError("timed out waiting for %s; last snapshot feeds=%s "
                                     "counters=%s" % (what, s and s.get("feeds"),
                                                      s and s.get("counters")))
            time.sleep(0.05)

    def stop(self, sig=signal.SIGTERM, timeout=5.0):
        """Signal the program and return its exit status: 0 when it stopped as the signal
        asks (status 128 + the signal's number, kept in self.status), None if it would not
        exit."""
        self.status = None
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                return None
        self.stdout.close()
        self.stderr.close()
        self.snap()
        self.status = self.proc.returncode
        return 0 if self.status == 128 + sig else self.status

    def kill(self):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    def read(self, name):
        with open(os.path.join(self.dir, name), "rb") as fp:
            return fp.read().decode("utf-8", "replace")

    def vm_hwm_kib(self):
        """Peak resident memory of the running program."""
        with open("/proc/%d/status" % self.proc.pid) as fp:
            for line in fp:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
        raise AssertionError("no VmHWM")

    def written_files(self):
        """Every file the run left in its directory, except the token file itself."""
        out = []
        for root, _, files in os.walk(self.dir):
            for name in files:
                path = os.path.join(root, name)
                if path != self.token_path:
                    out.append(path)
        return out

    def assert_no_token_written(self):
        """No token (nor its first 13 characters, in any case) in any output of the run."""
        needles = []
        for t in self.tokens:
            needles += [t[:13].encode(), t[:13].lower().encode()]
        for path in self.written_files():
            with open(path, "rb") as fp:
                data = fp.read()
            for n in needles:
                assert n not in data, "token text found in %s" % path
        for a in self.argv():
            for t in self.tokens:
                assert t[:13] not in a
