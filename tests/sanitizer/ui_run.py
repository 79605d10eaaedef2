#!/usr/bin/env python3
"""Drive the console UI of a sanitised build in tmux, then fail on any sanitizer report.

    python3 tests/sanitizer/ui_run.py build-thread/ctiboard

Runs the demo call centre at a high rate in a detached tmux session of its own (its own server
socket, so the sanitizer options of this environment reach the program), walks through the
views with keys (panels, detail, event log, filter, sort, wallboard, help, pause, resize),
quits with q, and fails if the program did not exit with 0 or if a sanitizer wrote a report.
Reports go to log files (log_path, and stderr redirected to a file), never onto the screen.
"""
import glob
import os
import shlex
import subprocess
import sys
import tempfile
import time

KEYS = ["Tab", "Tab", "Down", "Down", "Enter", "Escape", "e", "End", "Escape", "a", "a",
        "s", "s", "/", "0", "6", "Enter", "/", "Escape", "w", "w", "p", "p", "?", "Escape",
        "BTab"]


def tmux(sock, *args, check=True):
    return subprocess.run(["tmux", "-L", sock, "-f", "/dev/null"] + list(args), check=check,
                          capture_output=True, text=True)


def main():
    binary = os.path.abspath(sys.argv[1])
    if not os.access(binary, os.X_OK):
        print("ui_run: no executable %s" % binary)
        return 1
    work = tempfile.mkdtemp(prefix="ctiboard-ui-san-")
    logs = os.path.join(work, "san")
    env = {}
    for name in ("ASAN_OPTIONS", "UBSAN_OPTIONS", "TSAN_OPTIONS", "LSAN_OPTIONS"):
        env[name] = (os.environ.get(name, "") + ":log_path=" + logs).lstrip(":")
    env.update(HOME=work, XDG_CONFIG_HOME=work, XDG_STATE_HOME=work, TERM="xterm-256color",
               LANG="C.UTF-8")
    status = os.path.join(work, "status")
    stderr = os.path.join(work, "stderr")
    cmd = "env %s %s --demo --seed 1 --demo-rate 600 --no-journal 2>%s; echo $? > %s" % (
        " ".join("%s=%s" % (k, shlex.quote(v)) for k, v in env.items()), shlex.quote(binary),
        shlex.quote(stderr), shlex.quote(status))
    sock = "ctiboard-san-%d" % os.getpid()
    tmux(sock, "new-session", "-d", "-x", "160", "-y", "48", cmd)
    try:
        time.sleep(3)
        for key in KEYS:
            tmux(sock, "send-keys", key, check=False)
            time.sleep(0.25)
        tmux(sock, "resize-window", "-x", "100", "-y", "30", check=False)
        time.sleep(1)
        tmux(sock, "resize-window", "-x", "200", "-y", "60", check=False)
        time.sleep(1)
        screen = tmux(sock, "capture-pane", "-p", check=False).stdout
        tmux(sock, "send-keys", "q", check=False)
        deadline = time.monotonic() + 20  # a sanitised exit with leak checks is slow
        while not os.path.exists(status) and time.monotonic() < deadline:
            time.sleep(0.2)
            tmux(sock, "send-keys", "y", check=False)  # if quitting asks to confirm
    finally:
        tmux(sock, "kill-server", check=False)
    reports = sorted(glob.glob(logs + "*"))
    for r in reports:
        with open(r, errors="replace") as fp:
            sys.stdout.write(fp.read())
    code = open(status).read().strip() if os.path.exists(status) else None
    err = open(stderr, errors="replace").read() if os.path.exists(stderr) else ""
    if err:
        # UBSan combined with ASan reports on stderr whatever its log_path says
        sys.stdout.write(err)
        if "runtime error" in err or "Sanitizer" in err:
            reports.append(stderr)
    if reports or code != "0":
        print("ui_run: FAILED (exit status %s, %d sanitizer report(s)); last screen:\n%s"
              % (code, len(reports), screen))
        return 1
    print("ui_run: %s: demo driven through %d keys and two resizes, no report, exit 0"
          % (os.path.basename(binary), len(KEYS)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
