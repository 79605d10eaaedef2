"""The checkpoint: a restart that loads it and replays only the journal's tail shows exactly what
a restart that replays the whole journal shows; a checkpoint that does not fit is refused with a
line on stderr, and the figures are still right."""
import json
import os
import shutil
import subprocess
import sys
import time

import pytest

from feedlib import Ctiboard, counter, new_token
from ovh_server import OvhServer

HERE = os.path.dirname(os.path.abspath(__file__))
DAY = os.path.join(HERE, "data", "day.jsonl")
GEN_DAY = os.path.join(HERE, "..", "bench", "gen_day.py")
RESET = {"ctiboard": "reset_today"}

NS_LO, NS_HI = 10**18, 4 * 10**18
S_LO, S_HI = 10**9, 4 * 10**9


def shift(value, delta_s):
    """value with every time in it (ns or s, number or decimal string) moved by delta_s."""
    if isinstance(value, dict):
        return {k: shift(v, delta_s) for k, v in value.items()}
    if isinstance(value, list):
        return [shift(v, delta_s) for v in value]
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        if NS_LO <= value < NS_HI:
            return value + delta_s * 10**9
        if S_LO <= value < S_HI:
            return value + delta_s
        return value
    if isinstance(value, str):
        head, dot, tail = value.partition(".")
        if head.isdigit() and (not dot or tail.isdigit()):
            n = int(head)
            if NS_LO <= n < NS_HI:
                return str(n + delta_s * 10**9) + dot + tail
            if S_LO <= n < S_HI:
                return str(n + delta_s) + dot + tail
    return value


def events_ending_now(lines, end_s):
    """The journal lines moved in time so that the last one was received at end_s."""
    evs = [json.loads(l) for l in lines if l.strip()]
    last = max(e["Received"] for e in evs) // 10**9
    return [shift(e, end_s - last) for e in evs]


def write_journal(journal, events, offset_s, append=False):
    """Each event into the day file of its receipt (local time at offset_s from UTC)."""
    os.makedirs(journal, exist_ok=True)
    files = {}
    for e in events:
        name = time.strftime("%Y-%m-%d.jsonl", time.gmtime(e["Received"] // 10**9 + offset_s))
        files.setdefault(name, []).append(json.dumps(e, separators=(",", ":")) + "\n")
    for name, lines in files.items():
        with open(os.path.join(journal, name), "a" if append else "w") as fp:
            fp.write("".join(lines))
    return sorted(files)


def local_tz_at(hour):
    """A fixed-offset TZ (POSIX spelling, sign inverted) in which it is now hour:xx."""
    offset = (hour - time.gmtime().tm_hour) % 24
    if offset > 12:
        offset -= 24
    return "CTB%+d" % -offset, offset * 3600


@pytest.fixture
def server():
    token = new_token()
    srv = OvhServer([token], hold=0.3).start()
    srv.refuse(True)  # nothing from the feed: what shows comes from the journal alone
    srv.token = token
    yield srv
    srv.stop()


def restart(workdir, server, journal, n_events, tz, settings=None):
    """A live run on a copy of journal: its last snapshot, stderr and the checkpoint it left."""
    os.makedirs(workdir, exist_ok=True)
    mine = os.path.join(workdir, "journal")
    if os.path.abspath(journal) != os.path.abspath(mine):
        shutil.rmtree(mine, ignore_errors=True)
        shutil.copytree(journal, mine)
    run = Ctiboard(workdir, server.url, [server.token], journal=True,
                   settings=settings or {}, env={"TZ": tz})
    try:
        run.start()
        run.wait(lambda s: not s["startup"]["active"] and
                 counter(s, "events") + counter(s, "duplicates") >= n_events,
                 "the journal replayed", timeout=60)
        assert run.stop() == 0
        snap = run.snap()
    finally:
        run.kill()
    with open(os.path.join(workdir, "stderr")) as fp:
        err = fp.read()
    return snap, err


VOLATILE = {"now", "now_iso", "startup", "feeds", "api", "hooks", "notice", "since"}
# ages counted to the snapshot's "now": made times, so that two runs a second apart compare
AGES = {"duration_s", "registered_age_s", "longest_wait_s"}


def figures(snap):
    """The snapshot without what belongs to the run (its clock, feeds, start-up, alerts' start),
    ages made times, and without this run's own notices in the event log."""
    now = snap["now"]
    volatile = set(VOLATILE)
    if any(q["members"] for q in snap["queues"]):  # the worst wait may still grow
        volatile.add("worst_wait_s")

    def clean(v):
        if isinstance(v, dict):
            if "rule" in v and "scope" in v:  # an alert: what, not for how long
                return {k: v[k] for k in ("scope", "id", "level", "rule")}
            # a caller not answered yet waits until now
            ages = AGES | {"wait_s"} if v.get("state") in ("waiting", "offered") else AGES
            return {k: now - x if k in ages and isinstance(x, int) and x else clean(x)
                    for k, x in v.items() if k not in volatile}
        if isinstance(v, list):
            return [clean(x) for x in v
                    if not (isinstance(x, dict) and x.get("kind") == "ctiboard")]
        return v
    return clean(snap)


def assert_same_figures(a, b):
    fa, fb = figures(a), figures(b)
    if fa != fb:
        diff = [k for k in fa if fa.get(k) != fb.get(k)]
        pytest.fail("the snapshots differ in %s:\n%s\n%s" % (
            diff, json.dumps({k: fa.get(k) for k in diff})[:3000],
            json.dumps({k: fb.get(k) for k in diff})[:3000]))


def checkpoint_vs_full(tmp_path, server, head, tail, tz, offset_s, settings=None):
    """Journal head, run once (it leaves a checkpoint), append tail; restart with the
    checkpoint and without it: both snapshots, both stderrs."""
    journal = str(tmp_path / "journal")
    write_journal(journal, head, offset_s)
    first, err = restart(str(tmp_path / "first"), server, journal,
                         sum(1 for e in head if "Event" in e), tz, settings)
    assert "checkpoint" not in err  # none yet: nothing to say
    assert os.path.exists(tmp_path / "first" / "journal" / "checkpoint.bin")
    assert os.stat(tmp_path / "first" / "journal" / "checkpoint.bin").st_mode & 0o777 == 0o600
    journal = str(tmp_path / "first" / "journal")
    write_journal(journal, tail, offset_s, append=True)
    full_dir = str(tmp_path / "full")
    shutil.copytree(journal, os.path.join(full_dir, "journal"))
    os.unlink(os.path.join(full_dir, "journal", "checkpoint.bin"))
    n = sum(1 for e in head + tail if "Event" in e)
    with_cp, err_cp = restart(str(tmp_path / "with"), server, journal, n, tz, settings)
    full, err_full = restart(full_dir, server, os.path.join(full_dir, "journal"), n, tz,
                             settings)
    assert "checkpoint" not in err_cp and "checkpoint" not in err_full
    return with_cp, full


def day_events(end_s):
    with open(DAY) as fp:
        return events_ending_now(fp.readlines(), end_s)


def test_checkpoint_and_tail_equal_full_replay_on_the_sample_day(tmp_path, server):
    tz, offset = local_tz_at(20)
    evs = day_events(int(time.time()) - 60)
    with_cp, full = checkpoint_vs_full(tmp_path, server, evs[:30], evs[30:], tz, offset)
    assert counter(full, "events") == counter(with_cp, "events") > 0
    assert sum(l["today"]["calls_in"] for l in full["lines"]) > 0
    assert_same_figures(with_cp, full)


def test_checkpoint_equal_full_replay_on_a_generated_day(tmp_path, server):
    out = subprocess.run([sys.executable, GEN_DAY, "--events", "6000", "--lines", "30",
                          "--queues", "4", "--seed", "3"], check=True, capture_output=True,
                         text=True).stdout
    tz, offset = local_tz_at(23)
    evs = events_ending_now(out.splitlines(), int(time.time()) - 30)
    with_cp, full = checkpoint_vs_full(tmp_path, server, evs[:3500], evs[3500:], tz, offset)
    assert sum(q["today"]["offered"] for q in full["queues"]) > 0
    assert_same_figures(with_cp, full)


def test_checkpoint_equal_full_replay_across_midnight(tmp_path, server):
    # it is 01:xx: the sample day, moved to end now, began yesterday evening; the checkpoint
    # is made before midnight's events are in
    tz, offset = local_tz_at(1)
    now = int(time.time())
    evs = day_events(now - 60)
    midnight = (now + offset) // 86400 * 86400 - offset
    before = [e for e in evs if e["Received"] // 10**9 < midnight]
    after = [e for e in evs if e["Received"] // 10**9 >= midnight]
    if not before or not after:  # the day is shorter than the time since midnight
        pytest.skip("the sample day does not cross midnight at this hour")
    with_cp, full = checkpoint_vs_full(tmp_path, server, before, after, tz, offset,
                                       {"callback_window_h": 1})
    assert_same_figures(with_cp, full)


def test_checkpoint_equal_full_replay_after_a_reset(tmp_path, server):
    tz, offset = local_tz_at(20)
    evs = day_events(int(time.time()) - 60)
    reset_at = dict(RESET, Received=evs[20]["Received"])
    later = dict(RESET, Received=evs[40]["Received"])
    head = evs[:21] + [reset_at] + evs[21:30]
    tail = evs[30:41] + [later] + evs[41:]
    with_cp, full = checkpoint_vs_full(tmp_path, server, head, tail, tz, offset)
    assert_same_figures(with_cp, full)


def spoil_and_restart(tmp_path, server, spoil):
    """A run leaves a checkpoint; spoil(path) changes it; the next run must refuse it, say so,
    and show what a full replay shows. Returns the refusal line."""
    tz, offset = local_tz_at(20)
    evs = day_events(int(time.time()) - 60)
    journal = str(tmp_path / "journal")
    write_journal(journal, evs, offset)
    restart(str(tmp_path / "first"), server, journal, len(evs), tz)
    journal = str(tmp_path / "first" / "journal")
    spoil(os.path.join(journal, "checkpoint.bin"), journal)
    snap, err = restart(str(tmp_path / "second"), server, journal, len(evs), tz)
    full_dir = str(tmp_path / "full")
    shutil.copytree(journal, os.path.join(full_dir, "journal"))
    os.unlink(os.path.join(full_dir, "journal", "checkpoint.bin"))
    full, _ = restart(full_dir, server, os.path.join(full_dir, "journal"), len(evs), tz)
    assert_same_figures(snap, full)
    said = [l for l in err.splitlines() if "checkpoint" in l]
    assert len(said) == 1, err
    assert "replaying the whole journal" in said[0]
    return said[0]


def rewrite(path, at, data):
    with open(path, "r+b") as fp:
        fp.seek(at)
        fp.write(data)


def test_a_corrupt_checkpoint_is_refused(tmp_path, server):
    said = spoil_and_restart(tmp_path, server,
                             lambda p, j: rewrite(p, os.path.getsize(p) // 2, b"\xff\x00\xff"))
    assert "checksum" in said


def test_a_truncated_checkpoint_is_refused(tmp_path, server):
    said = spoil_and_restart(tmp_path, server,
                             lambda p, j: os.truncate(p, os.path.getsize(p) - 100))
    assert "cut short" in said


def test_a_checkpoint_of_another_format_version_is_refused(tmp_path, server):
    said = spoil_and_restart(tmp_path, server, lambda p, j: rewrite(p, 8, b"\x63\x00\x00\x00"))
    assert "format version 99" in said


def test_a_checkpoint_of_another_build_is_refused(tmp_path, server):
    said = spoil_and_restart(tmp_path, server, lambda p, j: rewrite(p, 16, b"\x01\x02\x03"))
    assert "another build" in said


def test_a_checkpoint_of_another_journal_is_refused(tmp_path, server):
    def other_journal(p, journal):
        name = sorted(f for f in os.listdir(journal) if f.endswith(".jsonl"))[-1]
        path = os.path.join(journal, name)
        with open(path) as fp:
            lines = fp.readlines()
        lines[-1] = lines[-1].replace('"Event":"', '"Event":"x', 1)  # unknown from now on
        with open(path, "w") as fp:
            fp.write("".join(lines))
    said = spoil_and_restart(tmp_path, server, other_journal)
    assert "another journal" in said


def test_a_checkpoint_with_other_settings_is_refused(tmp_path, server):
    tz, offset = local_tz_at(20)
    evs = day_events(int(time.time()) - 60)
    journal = str(tmp_path / "journal")
    write_journal(journal, evs, offset)
    restart(str(tmp_path / "first"), server, journal, len(evs), tz)
    snap, err = restart(str(tmp_path / "second"), server, str(tmp_path / "first" / "journal"),
                        len(evs), tz, {"expiry_s": 7200})
    assert "other settings" in err
    assert counter(snap, "events") + counter(snap, "duplicates") == len(evs)


def run_then_append(tmp_path, server, head, tail, tz, offset_s, settings, end):
    """A live run on a journal holding head; tail appended to its journal while it runs; then
    end(run, checkpoint path) stops it. The journal it leaves."""
    run = Ctiboard(str(tmp_path / "live"), server.url, [server.token], journal=True,
                   settings=settings, env={"TZ": tz})
    write_journal(run.journal_dir, head, offset_s)
    cp = os.path.join(run.journal_dir, "checkpoint.bin")
    try:
        run.start()
        run.wait(lambda s: not s["startup"]["active"] and
                 counter(s, "events") + counter(s, "duplicates") >= len(head),
                 "the journal replayed", timeout=60)
        assert os.path.exists(cp)
        written = os.stat(cp).st_mtime_ns
        write_journal(run.journal_dir, tail, offset_s, append=True)
        end(run, cp, written)
    finally:
        run.kill()
    return run.journal_dir


def restart_both(tmp_path, server, journal, n, tz):
    """Restarts on journal with its checkpoint and without: both snapshots and stderrs."""
    full_dir = str(tmp_path / "full")
    shutil.copytree(journal, os.path.join(full_dir, "journal"))
    os.unlink(os.path.join(full_dir, "journal", "checkpoint.bin"))
    with_cp, err_cp = restart(str(tmp_path / "with"), server, journal, n, tz)
    full, _ = restart(full_dir, server, os.path.join(full_dir, "journal"), n, tz)
    return with_cp, err_cp, full


def test_checkpoint_kept_up_with_the_journal_while_running(tmp_path, server):
    tz, offset = local_tz_at(20)
    evs = day_events(int(time.time()) - 60)
    head, tail = evs[:30], evs[30:]

    def brought_up_then_killed(run, cp, written):
        deadline = time.monotonic() + 20
        while os.stat(cp).st_mtime_ns == written:  # brought up within checkpoint_s
            assert time.monotonic() < deadline, "the checkpoint was not brought up"
            time.sleep(0.1)
        time.sleep(0.5)  # its rename is done: the file is whole
        run.proc.kill()  # no exit: what a restart gets is what the period wrote
        run.proc.wait()

    journal = run_then_append(tmp_path, server, head, tail, tz, offset, {"checkpoint_s": 1},
                              brought_up_then_killed)
    with_cp, err, full = restart_both(tmp_path, server, journal, len(evs), tz)
    assert "checkpoint" not in err
    assert with_cp["startup"]["events"] == 0  # everything came from the checkpoint
    assert full["startup"]["events"] > 0
    assert_same_figures(with_cp, full)


def test_checkpoint_brought_up_at_exit(tmp_path, server):
    tz, offset = local_tz_at(20)
    evs = day_events(int(time.time()) - 60)
    head, tail = evs[:30], evs[30:]

    def stopped(run, cp, written):
        time.sleep(1.5)
        assert os.stat(cp).st_mtime_ns == written  # checkpoint_s 0: not while running
        assert run.stop() == 0

    journal = run_then_append(tmp_path, server, head, tail, tz, offset, {"checkpoint_s": 0},
                              stopped)
    with_cp, err, full = restart_both(tmp_path, server, journal, len(evs), tz)
    assert "checkpoint" not in err
    assert with_cp["startup"]["events"] == 0
    assert_same_figures(with_cp, full)
