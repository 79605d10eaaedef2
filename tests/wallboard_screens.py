"""Run ctiboard in a detached tmux of a fixed size and read its screen (for the wallboard's
golden tests and the screenshots). Each screen gets its own tmux server (-L), so runs never
share state, and every server is killed when its screen is closed."""

import datetime
import json
import os
import pathlib
import subprocess
import time
import uuid
from zoneinfo import ZoneInfo

ROOT = pathlib.Path(__file__).resolve().parent.parent
BIN = os.environ.get("CTIBOARD_BIN", str(ROOT / "ctiboard"))
TZ = "Europe/Paris"


def clean_env(home, **extra):
    """An environment with no token and no user configuration, in a fixed time zone."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("CTIBOARD_", "LC_", "NO_COLOR", "TMUX"))}
    env.update(TZ=TZ, LANG="C.UTF-8", HOME=str(home), XDG_STATE_HOME=str(home / "state"),
               XDG_CONFIG_HOME=str(home / "config"))
    env.update(extra)
    return env


def make_demo_journal(workdir, seed=7, duration=7200):
    """A journal of the demo call centre from 08:00 (deterministic for a seed); its path."""
    workdir.mkdir(parents=True, exist_ok=True)
    subprocess.run([BIN, "--demo", "--seed", str(seed), "--demo-rate", "1000000",
                    "--demo-duration", str(duration), "--headless", "--journal",
                    str(workdir / "journal")],
                   env=clean_env(workdir), check=True, timeout=60, stdin=subprocess.DEVNULL)
    files = sorted((workdir / "journal").glob("*.jsonl"))
    assert len(files) == 1, files
    return files[0]


def make_fixtures(work):
    """Two replays of the demo (seed 7) under fixed names: its first two hours (08:00 to
    10:00, a calm morning), and its first three hours cut when the most callers wait (a wave,
    some tiles in alert). Returns their paths (day, wave)."""
    day = make_demo_journal(work / "demo")
    lines = make_demo_journal(work / "wave", duration=3 * 3600).read_text()
    lines = lines.splitlines(keepends=True)
    peak, at = 0, 0
    for n, line in enumerate(lines):
        ev = json.loads(line)
        if ev.get("Event") == "members-count" and int(ev["Data"]["Count"]) > peak:
            peak, at = int(ev["Data"]["Count"]), n
    assert peak >= 5, "the demo's wave should queue callers up"
    # fixed names: the header shows the replayed file's name, not the journal's date
    demo = work / "demo.jsonl"
    demo.write_text(day.read_text())
    wave = work / "wave.jsonl"
    wave.write_text("".join(lines[: at + 1]))
    return demo, wave


def frozen_clock(journal):
    """Local HH:MM:SS of the last event of a journal: the clock of its replay at speed 0."""
    last = json.loads(journal.read_text().splitlines()[-1])
    when = datetime.datetime.fromtimestamp(int(last["Timestamp"]) // 10**9, ZoneInfo(TZ))
    return when.strftime("%H:%M:%S")


class Screen:
    """A program in a detached tmux session of cols x rows."""

    def __init__(self, cols, rows, argv, env):
        self.sock = "ctiboard-test-" + uuid.uuid4().hex[:12]
        self.tenv = dict(os.environ, LC_ALL="C.UTF-8")
        self.tenv.pop("TMUX", None)
        command = " ".join(_quote(a) for a in argv)
        envs = " ".join(f"{k}={_quote(v)}" for k, v in env.items())
        self._tmux("new-session", "-d", "-x", str(cols), "-y", str(rows),
                   f"env -i {envs} {command}")

    def _tmux(self, *args):
        r = subprocess.run(["tmux", "-L", self.sock, "-f", "/dev/null", *args],
                           env=self.tenv, capture_output=True, text=True, timeout=20)
        if r.returncode != 0:  # tmux's own words, not "exit status 1"
            raise RuntimeError("tmux %s failed (%d): %s" % (args[0], r.returncode,
                                                            r.stderr.strip() or "(nothing said)"))
        return r.stdout

    def text(self, escapes=False, whole_rows=False):
        """The screen as text, one line a row (with SGR escapes when asked; with the trailing
        spaces of each row when whole_rows, for coloured bars that reach the right edge)."""
        args = ["capture-pane", "-p", "-t", "0"] + (["-e"] if escapes else [])
        args += ["-N"] if whole_rows else []
        return self._tmux(*args)

    def keys(self, *keys):
        self._tmux("send-keys", "-t", "0", *keys)

    def wait_for(self, pred, what, timeout=15.0):
        """Poll the screen until pred(text) holds and the screen is still; return the text."""
        deadline = time.monotonic() + timeout
        last = None
        while time.monotonic() < deadline:
            text = self.text()
            if pred(text) and text == last:
                return text
            last = text if pred(text) else None
            time.sleep(0.1)
        raise AssertionError(f"screen never showed {what}:\n{self.text()}")

    def close(self):
        subprocess.run(["tmux", "-L", self.sock, "kill-server"], env=self.tenv,
                       capture_output=True, timeout=20)


def _quote(s):
    return "'" + str(s).replace("'", "'\\''") + "'"
