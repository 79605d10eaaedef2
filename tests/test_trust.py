"""Alerts and figures a supervisor can trust, through the real binary: one alert list read by
the snapshot, --headless, the bell and the screen; the queue cases where nobody answers;
per-queue settings and thresholds in the wrong order; what the screen says."""
import json
import os
import pty
import re
import select
import subprocess
import time
from datetime import datetime, timedelta, timezone

import pytest

from test_core import BIN, DAY, by, replay, run
from test_ui import lines, settled, tmux  # noqa: F401 (a fixture)

PARIS = timezone(timedelta(hours=1))
QUEUE = "0033972200000"
ALERT_KEYS = {"scope", "id", "level", "rule", "text", "since", "value"}


def journal(path, events):
    """Write events (kind, seconds after 10:00, resource, data, queue?) as a journal."""
    t0 = datetime(2025, 11, 26, 10, 0, 0, tzinfo=PARIS)
    out = []
    for kind, sec, resource, data, queue in events:
        ts = int((t0 + timedelta(seconds=sec)).timestamp())
        out.append({"Event": kind, "Token": "...CDAB", "Service": "queues" if queue else "sip",
                    "Ressource": resource, "Timestamp": ts * 10**9,
                    "Data": dict(data, Ts=str(ts)),
                    "Details": {"Description": "Support" if queue else "Accueil",
                                "Type": "easyHunting" if queue else "sipCirpack"},
                    "Received": ts * 10**9})
    path.write_text("".join(json.dumps(e) + "\n" for e in out))
    return path


def epoch(sec):
    return str(int(datetime(2025, 11, 26, 10, 0, 0, tzinfo=PARIS).timestamp()) + sec)


def timed_out_queue(path, n=5):
    """n callers, each removed by the queue after 30 s with NO_AGENT_TIMEOUT."""
    events = []
    for i in range(n):
        t = i * 60
        uuid = "u%d" % i
        events.append(("member-queue-start", t, QUEUE,
                       {"QueueMemberUUID": uuid, "QueueMemberCIDNumber": "061111110%d" % i,
                        "QueueMemberJoinedTime": epoch(t)}, True))
        events.append(("member-queue-end", t + 30, QUEUE,
                       {"QueueMemberUUID": uuid, "QueueCause": "Cancel",
                        "QueueCancelReason": "NO_AGENT_TIMEOUT",
                        "QueueMemberJoinedTime": epoch(t),
                        "QueueMemberLeavingTime": epoch(t + 30)}, True))
    return journal(path, events)


def test_five_timed_out_callers_mean_nobody_is_answering(tmp_path):
    snap, r = replay(tmp_path, timed_out_queue(tmp_path / "t.jsonl"))
    t = by(snap["queues"], "number", QUEUE)["today"]
    assert (t["offered"], t["timed_out"], t["answered"], t["abandoned"]) == (5, 5, 0, 0)
    a = [x for x in snap["alerts"] if x["rule"] == "nobody_answering"]
    assert {(x["scope"], x["id"], x["level"]) for x in a} == {
        ("queue", QUEUE, "critical"), ("total", "all", "critical")}
    assert by(a, "scope", "queue")["value"] == 5
    assert "5 callers timed out in 15 min, none answered" in by(a, "scope", "queue")["text"]
    # --headless: one stderr line per raise
    assert re.search(r"alert raised: critical queue %s nobody_answering: " % QUEUE, r.stderr)


def test_snapshot_alerts_have_exactly_the_fields(tmp_path):
    snap, r = replay(tmp_path)
    assert snap["alerts"], "the sample day has alerts"
    for a in snap["alerts"]:
        assert set(a) == ALERT_KEYS
        assert a["level"] in ("warning", "critical")
        assert a["scope"] in ("queue", "total", "line", "feed", "journal")
        assert isinstance(a["since"], int) and isinstance(a["value"], int)
    # every alert standing at the end was reported raised, and not cleared after
    raised = re.findall(r"alert (raised|changed|cleared): \S+ (\S+) (\S+) (\S+):", r.stderr)
    last = {}
    for what, scope, ident, rule in raised:
        last[(scope, ident, rule)] = what
    standing = {k for k, v in last.items() if v != "cleared"}
    assert standing == {(a["scope"], a["id"], a["rule"]) for a in snap["alerts"]}


def test_header_count_is_the_snapshot_count_whatever_the_view(tmux, tmp_path):  # noqa: F811
    snap, _ = replay(tmp_path)
    n = len(snap["alerts"])
    want = "%d alert%s" % (n, "s" if n > 1 else "")
    s = tmux.start([], 160, 48)
    x = settled(tmux, s)
    assert want in lines(x)[0]
    tmux.keys(s, "/")
    tmux.type(s, "Ventes")
    tmux.keys(s, "Enter")
    x = tmux.wait(s, lambda x: "filter: Ventes" in x, "the filter")
    assert want in lines(x)[0]  # a filter hides rows, not alerts
    tmux.keys(s, "Tab", "s")  # another panel, another order
    tmux.keys(s, "p")
    x = tmux.wait(s, lambda x: "PAUSED" in lines(x)[0], "pause")
    assert want in lines(x)[0]


def test_per_queue_settings_from_set_and_list_keys(tmp_path):
    snap, _ = replay(tmp_path, DAY, "--set", "queue.+33 9 72 20 00 00.sl_target_s=45")
    support = by(snap["queues"], "number", QUEUE)["today"]
    ventes = by(snap["queues"], "description", "Ventes")["today"]
    assert support["service_level_target_s"] == 45
    assert ventes["service_level_target_s"] == 20
    r = run("--list-keys")
    assert "queue.<number>.<key>" in r.stdout
    assert "queue.0033972200000.sl_target_s = 30" in r.stdout


@pytest.mark.parametrize("args,message", [
    (["--set", "alert_wait_warn_s=200"],
     "alert_wait_warn_s = 200 is above alert_wait_crit_s = 120"),
    (["--set", "queue.0033972200000.alert_sl_crit=90"],
     "queue.0033972200000.alert_sl_warn = 80 is below alert_sl_crit = 90"),
    (["--set", "queue.0033972200000.url=x"], "'url' cannot be set for one queue"),
])
def test_bad_thresholds_are_refused_by_name(args, message):
    r = run("--replay", str(DAY), "--speed", "0", "--headless", *args)
    assert r.returncode == 2
    assert message in r.stderr


def test_inverted_thresholds_in_the_file_name_the_file(tmp_path):
    conf = tmp_path / "config"
    conf.write_text("alert_waiting_warn = 20\n")
    r = run("--config", str(conf), "--replay", str(DAY), "--speed", "0", "--headless")
    assert r.returncode != 0
    assert "%s: alert_waiting_warn = 20 is above alert_waiting_crit = 10" % conf in r.stderr


def test_selected_row_keeps_its_alert_colour_and_titles_differ(tmux):  # noqa: F811
    s = tmux.start([], 80, 24)
    settled(tmux, s)
    rows = tmux.screen(s, escapes=True).split("\n")
    support = next(r for r in rows if "Support" in r)  # the first queue: selected, critical
    # the marker keeps the critical colours (white on red) inside the selection (cyan)
    assert re.match(r"^(\x1b\[[0-9;]*m)*\x1b\[[0-9;]*41m\*", support), repr(support)
    assert "46m" in support
    title = next(r for r in rows if "Queues (2)" in r)
    assert "46m" not in title  # the focused title does not look like the selection


def ringing_journal(path):
    """An agent's phone rung by a queue offer, and an outgoing call ringing at the far end."""
    agent, line, caller = "0033972101011", "0033972101010", "0033611223344"
    return journal(path, [
        ("registered", 0, agent, {"CallId": "", "Calling": agent, "Called": agent}, False),
        ("registered", 0, line, {"CallId": "", "Calling": line, "Called": line}, False),
        ("member-queue-start", 10, QUEUE,
         {"QueueMemberUUID": "m1", "QueueMemberCIDNumber": "0611223344",
          "QueueMemberJoinedTime": epoch(10)}, True),
        ("agent-offering", 12, QUEUE,
         {"QueueMemberUUID": "m1", "QueueMemberCIDNumber": "0611223344", "Agent": agent,
          "QueueMemberJoinedTime": epoch(10)}, True),
        ("start_ringing", 12, agent, {"CallId": "a1", "Calling": caller, "Called": agent}, False),
        ("start_ringing", 13, line,
         {"CallId": "o1", "Calling": line, "Called": "0033144556677"}, False),
        ("registered", 100, line, {"CallId": "", "Calling": line, "Called": line}, False),
    ])


def test_one_ringing_row_per_phone_and_outgoing_is_no_alert(tmux, tmp_path):  # noqa: F811
    from test_ui import panel_rows
    j = ringing_journal(tmp_path / "ring.jsonl")
    s = tmux.start([], 80, 24, journal=j)
    x = tmux.wait(s, lambda x: "10:01:40" in lines(x)[0] and "Ringing (" in x, "the replay")
    rows = panel_rows(x, "Ringing")
    assert "Ringing (2)" in x, x  # the agent's phone once, the outgoing call once
    offer = next(r for r in rows if "Support" in r)
    assert "+33 6 11 22 33 44" in offer and offer.startswith("*")  # 88 s: critical
    out = next(r for r in rows if "to +33 1 44 55 66 77" in r)
    assert not out.startswith(("!", "*")), out  # ringing at the far end: no alert
    snap, _ = replay(tmp_path, j)
    ringing = [a for a in snap["alerts"] if a["rule"] == "ringing"]
    assert [(a["id"], a["level"]) for a in ringing] == [("0033972101011", "critical")]
    assert "%d alert" % len(snap["alerts"]) in lines(x)[0]


def bells(args, seconds=2.0):
    """Run ctiboard on a terminal of its own for a while; the bells (BEL) it wrote."""
    pid, fd = pty.fork()
    if pid == 0:
        os.environ.update(TERM="xterm", LANG="C.UTF-8", LC_ALL="C.UTF-8", TZ="Europe/Paris",
                          LINES="24", COLUMNS="80")
        os.execv(BIN, [BIN, "--no-journal", *args])
    out = b""
    deadline = time.monotonic() + seconds
    try:
        while time.monotonic() < deadline:
            if select.select([fd], [], [], 0.1)[0]:
                try:
                    out += os.read(fd, 65536)
                except OSError:
                    break
    finally:
        os.kill(pid, 15)
        try:
            while select.select([fd], [], [], 0.5)[0] and os.read(fd, 65536):
                pass
        except OSError:
            pass
        os.waitpid(pid, 0)
    return out.count(b"\x07")


@pytest.mark.parametrize("wall", [[], ["--wallboard"]])
def test_bell_rings_on_a_critical_alert_in_every_view(tmp_path, wall):
    j = timed_out_queue(tmp_path / "t.jsonl")
    replay_args = ["--replay", str(j), "--speed", "0", *wall]
    assert bells(replay_args + ["--bell"]) >= 1
    assert bells(replay_args) == 0  # only when asked for


def test_wallboard_tile_shows_timed_out_callers(tmp_path):
    from test_ui import Tmux
    j = timed_out_queue(tmp_path / "t.jsonl")
    t = Tmux()
    try:
        s = t.start(["--wallboard"], 80, 24, journal=j)
        x = t.wait(s, lambda x: "TIMED OUT 5" in x, "the timed-out callers on the tile")
        assert "CRITICAL" in x  # nobody answering
    finally:
        t.kill()


def test_line_detail_since_is_where_the_duration_counts_from(tmux, tmp_path):  # noqa: F811
    line, caller = "0033972101010", "0033611223344"
    j = journal(tmp_path / "talk.jsonl", [
        ("start_ringing", 0, line, {"CallId": "c1", "Calling": caller, "Called": line}, False),
        ("end_ringing", 20, line, {"CallId": "c1", "Calling": caller, "Called": line}, False),
        ("start_calling", 20, line, {"CallId": "c1", "Calling": caller, "Called": line}, False),
        ("registered", 120, line, {"CallId": "", "Calling": line, "Called": line}, False),
    ])
    s = tmux.start([], 80, 24, journal=j)
    tmux.wait(s, lambda x: "10:02:00" in lines(x)[0] and "Lines (1)" in x, "the replay")
    tmux.keys(s, "Tab", "Tab", "Tab", "Enter")  # the Lines panel, its one line
    x = tmux.wait(s, lambda x: "Calls now (1)" in x, "the line's detail")
    call = next(ln for ln in lines(x) if "talking" in ln)
    # rang at 10:00:00, answered at 10:00:20, 1:40 later: since the answer, not the ring
    assert "1:40" in call and "since 10:00:20" in call, call
