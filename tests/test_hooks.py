"""The integration hooks through the real binary: screen-pops on ringing, to a local receiver
standing in for the CRM (tests/hook_receiver.py), and to a program run without a shell.

Replays at full speed with --hooks drive most tests (the program delivers what it queued
before it exits); the live tests use tests/ovh_server.py.
"""

import json
import os
import signal
import stat
import subprocess
import sys
import time

import pytest

from feedlib import Ctiboard, binary, counter, new_token
from hook_receiver import HookReceiver
from ovh_server import OvhServer, line_event

LINE_A, LINE_B = "0033972101010", "0033972101011"
AGENT_C, AGENT_D = "0033972101012", "0033972101013"
QUEUE = "0033972200000"
CALLER = "0033612345678"
TOKEN = "ABCDEFAB-CDEF-ABCD-EFAB-CDEFABCDEFAB"
# what a hostile caller ID may hold: URL and shell syntax, quotes, Unicode, a control character
HOSTILE = "Zoé & Co =\"x\" 'y' ?a=1#frag /../ 50% + $(touch pwned) `id`;\u0007|"
HOSTILE_CLEAN = HOSTILE.replace("\u0007", " ")  # control characters become spaces at ingest

ALL_FIELDS = ("caller", "caller_name", "called", "line", "line_name", "queue", "call_id",
              "event")
TEMPLATE = "/crm/pop?" + "&".join("%s={%s}" % (f, f) for f in ALL_FIELDS)


def queue_event(kind, member, caller, name, agent, ts_ns, queue=QUEUE):
    return {
        "Event": kind, "Token": TOKEN, "Service": "queues", "Ressource": queue,
        "Timestamp": ts_ns, "Date": "2025-11-26T11:00:00.000000 (CET)",
        "Data": {"Action": kind, "Calling": caller, "Protocol": "sip", "Queue": queue,
                 "QueueMemberUUID": member, "QueueMemberSessionUUID": member + "-s",
                 "QueueMemberCIDName": name, "QueueMemberCIDNumber": caller,
                 "Agent": agent, "QueueAgent": "agent_%s_12" % agent,
                 "Ts": str(ts_ns // 10**9)},
        "Details": {"Description": "Support", "Id": "4001", "IdBillingAccount": "77",
                    "SimultaneousLine": "0", "Type": "easyHunting"},
    }


def ring(line, call_id, caller, ts_ns, kind="start_ringing"):
    return line_event(kind, line, call_id, caller, TOKEN, ts_ns)


def day_of_calls():
    """Rings of every kind; the comments say which must pop."""
    t = time.time_ns() - 600 * 10**9
    s = 10**9
    return [
        ring(LINE_A, "call-a", CALLER, t),                        # pops
        ring(LINE_A, "call-a", CALLER, t + 2 * s),                # rings again: no second pop
        ring(LINE_A, "call-a", CALLER, t + 3 * s, "start_calling"),
        ring(LINE_A, "call-a", CALLER, t + 60 * s, "end_calling"),
        ring(LINE_A, "call-out", LINE_A, t + 70 * s),             # its own outgoing call: no
        ring(LINE_B, "call-b", "0033698765432", t + 80 * s),      # pops
        ring(LINE_B, "call-b", "0033698765432", t + 80 * s),      # the same event twice: no
        queue_event("member-queue-start", "m1", "0611223344", HOSTILE, "", t + 90 * s),
        queue_event("agent-offering", "m1", "0611223344", HOSTILE, AGENT_C, t + 91 * s),  # pops
        queue_event("agent-offering", "m1", "0611223344", HOSTILE, AGENT_C, t + 95 * s),  # no
        queue_event("agent-offering", "m1", "0611223344", HOSTILE, AGENT_D, t + 96 * s),  # pops
        ring(LINE_B, "call-b", "0033698765432", t + 100 * s, "end_ringing"),
        ring(LINE_B, "call-b", "0033698765432", t + 101 * s),     # a late ring of a popped call
    ]


@pytest.fixture
def rx():
    r = HookReceiver().start()
    yield r
    r.stop()


def write_events(tmp_path, events, name="calls.jsonl"):
    path = tmp_path / name
    path.write_text("".join(json.dumps(e) + "\n" for e in events))
    return path


def run(tmp_path, events, settings, *extra, env=None, timeout=60):
    """Replay events at full speed with the given settings; the program's result and snapshot."""
    journal = write_events(tmp_path, events)
    snap = tmp_path / "s.json"
    argv = [binary(), "--replay", str(journal), "--speed", "0", "--headless", "--snapshot",
            str(snap), *extra]
    for k, v in settings.items():
        argv += ["--set", "%s=%s" % (k, v)]
    e = dict(os.environ, XDG_CONFIG_HOME=str(tmp_path / "config"),
             XDG_STATE_HOME=str(tmp_path / "state"))
    e.update(env or {})
    for k in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy",
              "ALL_PROXY"):
        e.pop(k, None)
    r = subprocess.run(argv, env=e, capture_output=True, text=True, timeout=timeout,
                       cwd=str(tmp_path))
    return r, (json.loads(snap.read_text()) if snap.exists() else None)


def test_each_incoming_ring_pops_once_with_its_fields_url_encoded(tmp_path, rx):
    r, snap = run(tmp_path, day_of_calls(), {"on_ring_url": rx.base + TEMPLATE}, "--hooks")
    assert r.returncode == 0, r.stderr
    pops = rx.of("/crm/")
    assert len(pops) == 4, [p.query for p in pops]
    assert all(p.method == "GET" for p in pops)
    # every field is there, each exactly once: no value leaked into another parameter
    for p in pops:
        assert sorted(p.query) == sorted(ALL_FIELDS), p.raw_query
    by_line = {p.query["line"]: p.query for p in pops}
    assert set(by_line) == {LINE_A, LINE_B, AGENT_C, AGENT_D}
    a = by_line[LINE_A]
    assert a == {"caller": CALLER, "caller_name": "", "called": LINE_A, "line": LINE_A,
                 "line_name": "Line 1010", "queue": "", "call_id": "call-a",
                 "event": "start_ringing"}
    c = by_line[AGENT_C]
    assert c["caller"] == "0033611223344"  # the canonical form of the national number
    assert c["caller_name"] == HOSTILE_CLEAN
    assert c["queue"] == QUEUE and c["called"] == QUEUE
    assert c["call_id"] == "m1" and c["event"] == "agent-offering"
    assert by_line[AGENT_D]["caller_name"] == HOSTILE_CLEAN
    # the raw query has only percent-escapes where the name's syntax was
    raw = next(p.raw_query for p in pops if p.query["line"] == AGENT_C)
    assert "caller_name=Zo%C3%A9%20%26%20Co%20%3D%22x%22" in raw
    assert snap["hooks"]["ring"] == {"sent": 4, "failed": 0, "dropped": 0}
    assert not (tmp_path / "pwned").exists()


def test_without_hooks_flag_a_replay_fires_nothing(tmp_path, rx):
    r, snap = run(tmp_path, day_of_calls(), {"on_ring_url": rx.base + TEMPLATE})
    assert r.returncode == 0, r.stderr
    assert counter(snap, "events") > 0
    # the same run with --hooks pops: the silence above is the flag's doing
    r, _ = run(tmp_path, day_of_calls(), {"on_ring_url": rx.base + "/with-flag?c={caller}"},
               "--hooks")
    assert r.returncode == 0, r.stderr
    assert rx.of("/crm/") == []
    assert len(rx.of("/with-flag")) == 4


def test_post_sends_the_same_fields_as_json(tmp_path, rx):
    r, _ = run(tmp_path, day_of_calls(),
               {"on_ring_url": rx.base + "/post/{line}", "on_ring_method": "post"}, "--hooks")
    assert r.returncode == 0, r.stderr
    pops = rx.of("/post/")
    assert len(pops) == 4
    for p in pops:
        assert p.method == "POST"
        assert p.headers.get("Content-Type") == "application/json"
        body = p.json()
        assert sorted(body) == sorted(ALL_FIELDS)
        assert p.path == "/post/" + body["line"]
    c = next(p.json() for p in pops if p.json()["line"] == AGENT_C)
    assert c["caller_name"] == HOSTILE_CLEAN


def test_on_ring_lines_limits_the_pops_to_some_lines(tmp_path, rx):
    r, _ = run(tmp_path, day_of_calls(),
               {"on_ring_url": rx.base + "/only?line={line}",
                "on_ring_lines": "+33 9 72 10 10 11, %s" % AGENT_D}, "--hooks")
    assert r.returncode == 0, r.stderr
    assert sorted(p.query["line"] for p in rx.of("/only")) == [LINE_B, AGENT_D]


RECORDER = """#!%s
import json, os, sys
with open(sys.argv[1], "a") as fp:
    fp.write(json.dumps({"argv": sys.argv[2:],
                         "env": {k: v for k, v in os.environ.items()
                                 if k.startswith("CTIBOARD_")}}) + "\\n")
"""


def recorder(tmp_path):
    path = tmp_path / "record.py"
    path.write_text(RECORDER % sys.executable)
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


def test_command_gets_each_field_as_one_argument_and_in_the_environment(tmp_path):
    out = tmp_path / "calls.out"
    cmd = "%s %s --from {caller} {caller_name} 'two words' {event}" % (recorder(tmp_path), out)
    r, snap = run(tmp_path, day_of_calls(), {"on_ring_cmd": cmd}, "--hooks",
                  env={"CTIBOARD_TOKEN": TOKEN, "CTIBOARD_OTHER": "x"})
    assert r.returncode == 0, r.stderr
    runs = [json.loads(x) for x in out.read_text().splitlines()]
    assert len(runs) == 4
    hostile = [x for x in runs if x["env"]["CTIBOARD_LINE"] == AGENT_C]
    assert hostile[0]["argv"] == ["--from", "0033611223344", HOSTILE_CLEAN, "two words",
                                  "agent-offering"]
    env = hostile[0]["env"]
    assert env["CTIBOARD_CALLER_NAME"] == HOSTILE_CLEAN
    assert env["CTIBOARD_QUEUE"] == QUEUE and env["CTIBOARD_CALL_ID"] == "m1"
    # the secret and any other CTIBOARD_* of the program's own environment stay behind
    assert set(env) == {"CTIBOARD_" + f.upper() for f in ALL_FIELDS}
    assert not (tmp_path / "pwned").exists()
    assert snap["hooks"]["ring"]["sent"] == 4


@pytest.mark.parametrize("cmd, why", [
    ("/bin/echo pre{caller}", "whole argument"),
    ("/bin/echo {nosuch}", "unknown placeholder {nosuch}"),
    ("/bin/echo 'open", "unterminated"),
    ("no-such-program-here {caller}", "not found in PATH"),
])
def test_a_bad_command_is_refused_at_start_naming_the_key(tmp_path, cmd, why):
    r, _ = run(tmp_path, day_of_calls(), {"on_ring_cmd": cmd}, "--hooks")
    assert r.returncode == 1
    assert "on_ring_cmd" in r.stderr and why in r.stderr


def test_a_bad_url_template_is_refused_at_start(tmp_path):
    r, _ = run(tmp_path, day_of_calls(), {"on_ring_url": "ftp://crm/{caller}"}, "--hooks")
    assert r.returncode == 1 and "on_ring_url" in r.stderr
    r, _ = run(tmp_path, day_of_calls(), {"on_ring_url": "https://crm/{phone}"}, "--hooks")
    assert r.returncode == 1 and "unknown placeholder {phone}" in r.stderr


def test_a_crm_answering_500_is_counted_and_logged_without_its_secrets(tmp_path, rx):
    rx.behave("/down", status=500)
    r, snap = run(tmp_path, day_of_calls(),
                  {"on_ring_url": rx.base + "/down/s3cr3tpath?key=s3cr3tkey&c={caller}"},
                  "--hooks")
    assert r.returncode == 0, r.stderr
    assert len(rx.of("/down")) == 4
    assert snap["hooks"]["ring"] == {"sent": 0, "failed": 4, "dropped": 0}
    assert "HTTP 500" in snap["hooks"]["last_error"]
    assert r.stderr.count("ring hook http://127.0.0.1:") == 4
    assert "HTTP 500" in r.stderr
    for text in (r.stderr, json.dumps(snap)):
        assert "s3cr3t" not in text


def test_a_crm_that_hangs_times_out_and_holds_nothing_up(tmp_path, rx):
    rx.behave("/hang", hang=True)
    started = time.monotonic()
    r, snap = run(tmp_path, day_of_calls(),
                  {"on_ring_url": rx.base + "/hang?c={caller}", "hook_timeout_s": 1,
                   "hook_workers": 2}, "--hooks")
    assert r.returncode == 0, r.stderr
    assert snap["hooks"]["ring"]["failed"] == 4
    assert "no answer in 1 s" in snap["hooks"]["last_error"]
    assert time.monotonic() - started < 30


@pytest.fixture
def server():
    srv = OvhServer(hold=0.3).start()
    yield srv
    srv.stop()


def test_live_ringing_pops_while_a_hung_crm_holds_up_neither_feed_nor_exit(tmp_path, rx,
                                                                           server):
    rx.behave("/hang", hang=True)
    token = new_token()
    server.add_token(token)
    run_ = Ctiboard(tmp_path, server.url, [token],
                    settings={"on_ring_url": rx.base + "/hang?c={caller}&l={line}",
                              "hook_timeout_s": 60, "hook_workers": 1, "hook_queue": 3})
    run_.start()
    try:
        now = time.time_ns()
        calls = [line_event("start_ringing", LINE_A, "live-%d" % i, "00336000000%02d" % i,
                            token, now + i) for i in range(8)]
        server.add_events(token, calls[:1])
        first = rx.wait_for(1, "/hang")[0]
        server.add_events(token, calls[1:])  # the one worker is stuck: 3 wait, 4 are dropped
        assert first.query == {"c": "0033600000000", "l": LINE_A}
        # the one worker is stuck on a CRM that never answers: every event is in the model all
        # the same, and what the full queue could not take is counted as dropped
        snap = run_.wait(lambda s: counter(s, "events") == 8 and
                         s["hooks"]["ring"]["dropped"] == 8 - 1 - 3, "events applied")
        assert snap["hooks"]["ring"]["sent"] == 0
        assert len(snap["lines"]) == 1
        stopped = time.monotonic()
        assert run_.stop() == 0
        assert time.monotonic() - stopped < 5
    finally:
        run_.kill()
    # the token never reaches the CRM
    for req in rx.requests:
        assert token[:13] not in req.target and token[:13].encode() not in req.body
        assert all(token[:13] not in v for v in req.headers.values())


def test_live_ring_pops_once_and_a_restart_does_not_pop_it_again(tmp_path, rx, server):
    token = new_token()
    server.add_token(token)
    settings = {"on_ring_url": rx.base + "/live?c={caller}&id={call_id}"}
    run_ = Ctiboard(tmp_path, server.url, [token], settings=settings, journal=True).start()
    try:
        now = time.time_ns()
        server.add_events(token, [line_event("start_ringing", LINE_A, "r1", CALLER, token, now),
                                  line_event("start_ringing", LINE_A, "r1", CALLER, token,
                                             now + 10**9)])
        got = rx.wait_for(1, "/live")
        run_.wait(lambda s: counter(s, "events") == 2, "both rings applied")
        assert run_.stop() == 0
        # today's journal is replayed at start-up: its rings are history, not news
        run2 = Ctiboard(tmp_path, server.url, [token], settings=settings, journal=True)
        run2.start()
        run2.wait(lambda s: counter(s, "events") >= 2, "journal replayed")
        server.add_events(token, [line_event("start_ringing", LINE_B, "r2", CALLER, token,
                                             now + 2 * 10**9)])
        rx.wait_for(2, "/live")
        assert run2.stop() == 0
    finally:
        run_.kill()
    got = rx.of("/live")
    assert [g.query["id"] for g in got] == ["r1", "r2"]
