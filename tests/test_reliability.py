"""Reliability through the real binary: start-up refusals, signals and exit statuses, files
that must not be destroyed, a journal that cannot be written, what a headless run says, and
faults made by the LD_PRELOAD shim (tests/shim/faults.c)."""
import json
import os
import pty
import shutil
import signal
import stat
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

import faults
from feedlib import Ctiboard, binary, counter, feed, new_token, wait_until
from ovh_server import OvhServer, line_event, scripted_calls

HERE = Path(__file__).resolve().parent
DAY = HERE / "data" / "day.jsonl"
LINE = "0033972101010"


def env_for(tmp_path, extra=None):
    e = dict(os.environ, TZ="Europe/Paris", HOME=str(tmp_path),
             XDG_CONFIG_HOME=str(tmp_path / "config"), XDG_STATE_HOME=str(tmp_path / "state"))
    e.pop("CTIBOARD_TOKEN", None)
    e.update(extra or {})
    return e


def run(tmp_path, *args, extra=None, timeout=20, **kw):
    return subprocess.run([binary(), *args], env=env_for(tmp_path, extra), capture_output=True,
                          text=True, timeout=timeout, stdin=subprocess.DEVNULL, **kw)


def on_a_tty(tmp_path, args, term):
    """Run with stdout on a pseudo-terminal; returns (status, what it printed)."""
    master, slave = pty.openpty()
    try:
        p = subprocess.Popen([binary(), *args], env=env_for(tmp_path, {"TERM": term}),
                             stdin=slave, stdout=slave, stderr=subprocess.PIPE)
        os.close(slave)
        slave = -1
        _, err = p.communicate(timeout=10)
        return p.returncode, err.decode()
    finally:
        if slave >= 0:
            os.close(slave)
        os.close(master)


@pytest.fixture
def server():
    srv = OvhServer(hold=0.3).start()
    yield srv
    srv.stop()


@pytest.fixture
def runs():
    started = []
    yield started
    for r in started:
        r.kill()


def start(runs, tmp_path, server, tokens, **kw):
    for t in tokens:
        server.add_token(t)
    r = Ctiboard(tmp_path, server.url, tokens, **kw).start()
    runs.append(r)
    return r


# ---- start-up ------------------------------------------------------------------------------

@pytest.mark.parametrize("mode", [[], ["--headless"], ["--headless", "--speed", "1"],
                                  ["--wallboard"]])
def test_replay_file_that_cannot_be_opened_fails_at_once(tmp_path, mode):
    t0 = time.monotonic()
    r = run(tmp_path, "--replay", str(tmp_path / "nope.jsonl"), *mode)
    assert r.returncode == 1
    assert time.monotonic() - t0 < 5
    assert "nope.jsonl" in r.stderr and "No such file" in r.stderr
    r = run(tmp_path, "--replay", str(tmp_path), *mode)
    assert r.returncode == 1 and "is a directory" in r.stderr


@pytest.mark.parametrize("args,named", [
    (["--demo", "--speed", "5"], "--speed applies only to --replay"),
    (["--replay", str(DAY), "--seed", "4"], "--seed applies only to --demo"),
    (["--replay", str(DAY), "--demo-rate", "4"], "--demo-rate applies only to --demo"),
    (["--demo", "--url", "https://example.org/"], "--url applies only to the live feed"),
    (["--replay", str(DAY), "--token-file", "/etc/x"], "--token-file applies only"),
    (["--speed", "2"], "--speed applies only to --replay"),
])
def test_options_that_do_not_apply_to_the_source_are_refused(tmp_path, args, named):
    r = run(tmp_path, *args, "--headless")
    assert r.returncode == 2, r.stderr
    assert named in r.stderr


def test_output_not_a_terminal_says_use_headless(tmp_path):
    r = run(tmp_path, "--demo", extra={"TERM": "xterm"})
    assert r.returncode == 1
    assert "not a terminal" in r.stderr and "--headless" in r.stderr


@pytest.mark.parametrize("term,words", [
    ("xterm-kitty-unknown", ["unknown terminal type 'xterm-kitty-unknown'",
                             "TERM=xterm-256color"]),
    ("dumb", ["TERM=dumb", "TERM=xterm-256color"]),
    ("", ["TERM is not set"]),
])
def test_unusable_terminal_type_is_one_line_and_a_fix(tmp_path, term, words):
    status, err = on_a_tty(tmp_path, ["--demo"], term)
    assert status == 1
    for w in words:
        assert w in err
    assert len(err.strip().splitlines()) == 1


def test_empty_token_file_says_it_holds_no_token(tmp_path):
    path = tmp_path / "tokens"
    path.write_text("# the token goes here\n\n")
    path.chmod(0o600)
    r = run(tmp_path, "--token-file", str(path), "--headless", "--no-journal",
            "--url", "http://127.0.0.1:9/")
    assert r.returncode == 1
    assert "%s holds no token" % path in r.stderr


def test_demo_headless_says_what_it_does(tmp_path):
    r = run(tmp_path, "--demo", "--headless", "--demo-rate", "1000", "--demo-duration", "60")
    assert r.returncode == 0, r.stderr
    assert r.stderr.count("demo without a screen") == 1


def test_demo_headless_with_a_journal_says_the_journal_is_kept(tmp_path):
    journal = tmp_path / "journal"
    r = run(tmp_path, "--demo", "--headless", "--journal", str(journal), "--demo-duration", "600")
    assert r.returncode == 0, r.stderr
    said = [l for l in r.stderr.splitlines() if "demo without a screen" in l]
    assert said == ["ctiboard: demo without a screen: events go to the journal in %s" % journal]
    assert any(f.stat().st_size > 0 for f in journal.iterdir())


def test_replay_headless_without_snapshot_says_nothing_is_kept(tmp_path):
    day = os.path.join(os.path.dirname(__file__), "data", "day.jsonl")
    r = run(tmp_path, "--replay", day, "--speed", "0", "--headless")
    assert r.returncode == 0, r.stderr
    said = [l for l in r.stderr.splitlines() if "without a screen" in l]
    assert said == ["ctiboard: replay without a screen and without --snapshot: nothing is shown "
                    "or kept; alerts and malformed lines are reported here"]
    r = run(tmp_path, "--replay", day, "--speed", "0", "--headless",
            "--snapshot", str(tmp_path / "snap.json"))
    assert r.returncode == 0, r.stderr
    assert "without a screen" not in r.stderr


def test_core_files_are_off(tmp_path):
    p = subprocess.Popen([binary(), "--demo", "--headless"], env=env_for(tmp_path),
                         stdin=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 10
        while True:
            limits = Path("/proc/%d/limits" % p.pid).read_text()
            line = next(l for l in limits.splitlines() if l.startswith("Max core file size"))
            if line.split()[5] == "0" or time.monotonic() > deadline:
                break
            time.sleep(0.05)
        assert line.split()[4:6] == ["0", "0"], line
    finally:
        p.terminate()
        p.wait(10)


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to run the program as another user")
def test_process_is_not_dumpable():
    # A process that is not dumpable has its /proc files owned by root whatever its own uid:
    # run as nobody, the program's /proc/PID/environ must belong to root, not to nobody.
    nobody = 65534
    home = Path(tempfile.mkdtemp(prefix="ctiboard-nobody-", dir="/tmp"))
    try:
        home.chmod(0o755)
        prog = home / "ctiboard"
        shutil.copy(binary(), prog)
        prog.chmod(0o755)
        p = subprocess.Popen(["setpriv", "--reuid=%d" % nobody, "--regid=%d" % nobody,
                              "--clear-groups", str(prog), "--demo", "--headless"],
                             env=env_for(home), stdin=subprocess.DEVNULL,
                             stderr=subprocess.PIPE, cwd=str(home))
        try:
            status = Path("/proc/%d/status" % p.pid)
            wait_until(lambda: "\nUid:\t%d" % nobody in status.read_text() or
                       p.poll() is not None, "the program running as nobody")
            time.sleep(0.5)  # past its start-up, where it says so
            assert p.poll() is None, p.stderr.read()
            assert "\nUid:\t%d" % nobody in status.read_text()
            assert Path("/proc/%d/environ" % p.pid).stat().st_uid == 0
        finally:
            p.terminate()
            p.wait(10)
    finally:
        shutil.rmtree(home)


# ---- signals and exit statuses ---------------------------------------------------------------

@pytest.mark.parametrize("sig,status", [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_stop_signal_gives_its_exit_status(tmp_path, sig, status):
    out = tmp_path / "s.json"
    p = subprocess.Popen([binary(), "--demo", "--headless", "--snapshot", str(out)],
                         env=env_for(tmp_path), stdin=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL)
    try:
        wait_until(out.exists, "a first snapshot")
        p.send_signal(sig)
        assert p.wait(5) == status
    finally:
        p.kill()
        p.wait()


def test_shutdown_during_a_slow_dns_lookup_is_fast(tmp_path, runs):
    """The resolver thread of a lookup that takes 30 s is left behind, not joined."""
    tok = new_token()
    # (libcurl answers "localhost" itself: a name it must look up)
    r = Ctiboard(tmp_path, "https://events.example.invalid/", [tok],
                 env=faults.env(binary(), intercepted=True, DNS_S=30))
    runs.append(r)
    r.start()
    r.wait(lambda s: feed(s, tok)["state"] == "connecting", "a first snapshot")
    time.sleep(0.5)  # the lookup is under way
    t0 = time.monotonic()
    assert r.stop(timeout=5) == 0
    assert r.status == 143
    assert time.monotonic() - t0 < 1.0


# ---- libcurl and threads ---------------------------------------------------------------------

def test_failing_multi_poll_is_reported_and_recovers(tmp_path, server, runs):
    tok = new_token()
    server.add_events(tok, scripted_calls(tok, LINE, 1))
    run_ = start(runs, tmp_path, server, [tok], env=faults.env(binary(), MULTI_POLL=3))
    run_.wait(lambda s: counter(s, "events") >= 3, "the events after the failures")
    assert run_.stop() == 0
    err = run_.read("stderr")
    assert "curl_multi_poll: Out of memory" in err  # said by the headless state log


def test_ticker_that_cannot_start_is_fatal(tmp_path):
    r = run(tmp_path, "--demo", "--headless", "--no-journal",
            extra=faults.env(binary(), intercepted=True, THREAD=1))
    assert r.returncode == 1
    assert "cannot start the ticker thread" in r.stderr


def test_retry_after_is_capped_by_the_backoff_cap(tmp_path, server, runs):
    tok = new_token()
    server.add_events(tok, scripted_calls(tok, LINE, 1))
    server.set_mode("status", count=1, token=tok, status=503, retry_after=3600)
    run_ = start(runs, tmp_path, server, [tok], settings={"backoff_cap_ms": 1000})
    run_.wait(lambda s: counter(s, "events") >= 3, "events after at most the cap")
    assert run_.stop() == 0
    first, second = server.requests_of(tok)[:2]
    assert 0 < second.t - first.done_t < 2.0


# ---- headless log --------------------------------------------------------------------------

def test_headless_logs_each_feed_state_change(tmp_path, server, runs):
    good, refused = new_token(), new_token()
    server.add_events(good, scripted_calls(good, LINE, 1))
    server.set_mode("status", count=1, token=good, status=503)
    server.add_token(good)
    run_ = Ctiboard(tmp_path, server.url, [good, refused]).start()
    runs.append(run_)
    run_.wait(lambda s: counter(s, "events") >= 3 and
              feed(s, refused)["state"] == "auth_failed", "events, and the refusal")
    server.set_mode("status", count=1, token=good, status=500)
    wait_until(lambda: any(q.status == 500 for q in server.requests_of(good)), "the 500")
    server.add_events(good, [line_event("start_ringing", LINE, "later", "0033611111111",
                                        good)])
    run_.wait(lambda s: counter(s, "events") >= 4 and feed(s, good)["state"] == "live",
              "the event after the second failure")
    assert run_.stop() == 0
    lines = run_.read("stderr").splitlines()
    g, r = "..." + good[-4:], "..." + refused[-4:]
    said = [l for l in lines if l.startswith("ctiboard: feed ")]
    mine = [l for l in said if l.startswith("ctiboard: feed %s: " % g)]
    assert len(mine) == 4, run_.read("stderr")
    assert mine[0].startswith("ctiboard: feed %s: reconnecting in" % g) and "HTTP 503" in mine[0]
    assert mine[1] == "ctiboard: feed %s: connected, live" % g
    assert mine[2].startswith("ctiboard: feed %s: reconnecting in" % g) and "HTTP 500" in mine[2]
    assert mine[3] == "ctiboard: feed %s: recovered, live again" % g
    assert any(l.startswith("ctiboard: feed %s: token rejected (HTTP 401); next try in"
                            % r) for l in said), said
    assert "live feed without a screen and without --snapshot" not in "\n".join(lines)
    for l in said:
        assert good[:13] not in l and refused[:13] not in l


# ---- files ---------------------------------------------------------------------------------

def replay_to(tmp_path, target):
    return run(tmp_path, "--replay", str(DAY), "--speed", "0", "--headless", "--snapshot",
               str(target))


def test_snapshot_is_created_private(tmp_path):
    out = tmp_path / "s.json"
    os.umask(0o022)
    r = replay_to(tmp_path, out)
    assert r.returncode == 0, r.stderr
    assert stat.S_IMODE(out.stat().st_mode) == 0o600


def test_snapshot_never_replaces_a_fifo_or_a_directory(tmp_path):
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    r = replay_to(tmp_path, fifo)
    assert r.returncode == 1 and "not a regular file" in r.stderr
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    d = tmp_path / "dir"
    d.mkdir()
    r = replay_to(tmp_path, d)
    assert r.returncode == 1 and "not a regular file" in r.stderr
    assert d.is_dir()


@pytest.mark.skipif(os.geteuid() != 0, reason="making a device node needs root")
def test_snapshot_never_replaces_a_device(tmp_path):
    dev = tmp_path / "null"
    os.mknod(dev, 0o666 | stat.S_IFCHR, os.makedev(1, 3))  # a /dev/null of our own
    r = replay_to(tmp_path, dev)
    assert r.returncode == 1 and "not a regular file" in r.stderr
    assert stat.S_ISCHR(dev.lstat().st_mode)


def test_snapshot_through_a_symlink_writes_the_target(tmp_path):
    target = tmp_path / "real.json"
    target.write_text("{}")
    link = tmp_path / "link.json"
    link.symlink_to(target)
    r = replay_to(tmp_path, link)
    assert r.returncode == 0, r.stderr
    assert link.is_symlink()
    assert json.loads(target.read_text())["counters"]["events"] == 47
    relative = tmp_path / "sub" / "rel.json"  # a relative link: to a file beside it
    relative.parent.mkdir()
    (relative.parent / "to.json").write_text("")
    relative.symlink_to("to.json")
    assert replay_to(tmp_path, relative).returncode == 0
    assert relative.is_symlink() and (relative.parent / "to.json").stat().st_size > 100
    dangling = tmp_path / "dangling.json"
    dangling.symlink_to(tmp_path / "missing" / "x.json")
    r = replay_to(tmp_path, dangling)  # followed: its target's directory is missing
    assert r.returncode == 1 and "missing/x.json" in r.stderr


def test_unwritable_journal_directory_is_not_fatal(tmp_path, server, runs):
    tok = new_token()
    server.add_events(tok, scripted_calls(tok, LINE, 1))
    blocker = tmp_path / "journal"  # a file where the directory should be
    blocker.write_text("")
    run_ = start(runs, tmp_path, server, [tok], journal=True)
    s = run_.wait(lambda s: counter(s, "events") >= 3 and s["journal_error"], "the events")
    assert "not a directory" in s["journal_error"]
    # the administrator fixes it: the journal writes again, without a restart
    blocker.unlink()
    server.add_events(tok, [line_event("start_ringing", LINE, "later", "0033611111111", tok)])
    s = run_.wait(lambda s: counter(s, "events") >= 4 and not s["journal_error"],
                  "the journal writing again")
    assert run_.stop() == 0
    err = run_.read("stderr")
    assert "running without a journal, retrying" in err
    assert "ctiboard: journal: writing again" in err
    snap = run_.snap()
    assert snap["counters"]["journal_lost"] == 3  # counted in the final snapshot
    journal = list((tmp_path / "journal").glob("*.jsonl"))
    assert len(journal) == 1 and "later" in journal[0].read_text()


def test_warning_before_the_screen_is_kept_in_the_program(tmp_path, server, runs):
    tok = new_token()
    server.add_events(tok, scripted_calls(tok, LINE, 1))
    run_ = start(runs, tmp_path, server, [tok], file_mode=0o644)
    s = run_.wait(lambda s: counter(s, "events") >= 3, "events")
    assert run_.stop() == 0
    assert "readable by other users" in s["notice"]
    assert run_.token_path in s["notice"]


def test_final_snapshot_counts_the_last_lines_lost(tmp_path, server, runs):
    """Lines lost in the last second (after the ticker's last look) are in the last snapshot:
    it is written after the journal is closed."""
    tok = new_token()
    (tmp_path / "journal").write_text("")  # no journal can be written
    run_ = start(runs, tmp_path, server, [tok], journal=True)
    run_.wait(lambda s: feed(s, tok)["state"] == "live", "a live feed")
    server.add_events(tok, scripted_calls(tok, LINE, 4))
    run_.wait(lambda s: counter(s, "events") >= 12, "the events")
    assert run_.stop() == 0  # at once: the ticker has most likely not counted them yet
    assert run_.snap()["counters"]["journal_lost"] == 12


def test_live_headless_without_snapshot_says_what_it_does(tmp_path, server):
    tok = new_token()
    server.add_token(tok)
    path = tmp_path / "tokens"
    path.write_text(tok + "\n")
    path.chmod(0o600)
    p = subprocess.Popen([binary(), "--url", server.url, "--token-file", str(path),
                          "--headless", "--journal", str(tmp_path / "journal")],
                         env=env_for(tmp_path), stdin=subprocess.DEVNULL,
                         stderr=subprocess.PIPE, text=True)
    try:
        wait_until(lambda: server.requests_of(tok), "a first poll")
        p.send_signal(signal.SIGTERM)
        _, err = p.communicate(timeout=10)
    finally:
        p.kill()
    assert p.returncode == 143
    said = [l for l in err.splitlines() if "without a screen and without --snapshot" in l]
    assert said == ["ctiboard: live feed without a screen and without --snapshot: "
                    "events go to the journal only"]
