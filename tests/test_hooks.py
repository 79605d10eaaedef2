"""The integration hooks through the real binary: screen-pops on ringing, to a local receiver
standing in for the CRM (tests/hook_receiver.py), and to a program run without a shell.

Replays at full speed with --hooks drive most tests (the program delivers what it queued
before it exits); the live tests use tests/ovh_server.py.
"""

import json
import os
import re
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


# ---- alert notifications --------------------------------------------------------------------

QUIET = {"alert_wait_warn_s": 0, "alert_wait_crit_s": 0, "alert_sl_warn": 0, "alert_sl_crit": 0,
         "alert_ring_warn_s": 0, "alert_ring_crit_s": 0, "alert_stale_warn_s": 0,
         "alert_stale_crit_s": 0, "alert_waiting_warn": 3, "alert_waiting_crit": 6}
ALERT_FIELDS = ("state", "scope", "id", "name", "level", "rule", "text", "since", "value")


def waiting(counts, step_s=10):
    """members-count events of QUEUE giving these numbers of callers waiting, step_s apart."""
    t = time.time_ns() - 3600 * 10**9
    out = []
    for i, n in enumerate(counts):
        ev = queue_event("members-count", "", "", "", "", t + i * step_s * 10**9)
        ev["Data"]["Count"] = str(n)
        for k in ("QueueMemberUUID", "QueueMemberSessionUUID", "QueueMemberCIDName",
                  "QueueMemberCIDNumber", "Agent", "QueueAgent"):
            del ev["Data"][k]
        out.append(ev)
    return out


def queue_alerts(rx, prefix):
    return [r.json() for r in rx.of(prefix) if r.json().get("scope") == "queue"]


def test_each_raise_and_clear_is_posted_once_through_the_engines_hysteresis(tmp_path, rx):
    # 4 raises the warning; hovering at 2..3 (within the engine's margin) changes nothing;
    # 7 turns it critical; 0 clears it
    settings = dict(QUIET, on_alert_url=rx.base + "/alert", on_alert_min_s=0)
    r, snap = run(tmp_path, waiting([0, 4, 2, 3, 2, 3, 7, 5, 6, 0]), settings, "--hooks")
    assert r.returncode == 0, r.stderr
    got = queue_alerts(rx, "/alert")
    assert [(a["state"], a["level"]) for a in got] == [
        ("raised", "warning"), ("raised", "critical"), ("cleared", "critical")]
    first = got[0]
    assert sorted(first) == sorted(ALERT_FIELDS)
    assert first["scope"] == "queue" and first["id"] == QUEUE and first["name"] == "Support"
    assert first["rule"] == "waiting" and first["value"] == 4
    assert first["text"] == "queue Support: 4 callers waiting"
    assert isinstance(first["since"], int) and first["since"] > 1.7e9
    assert got[1]["value"] == 7 and got[1]["since"] == first["since"]
    assert all(r.method == "POST" and r.headers["Content-Type"] == "application/json"
               for r in rx.of("/alert"))
    # the "All queues" row raised and cleared too: one alert each, counted together
    assert snap["hooks"]["alert"]["sent"] == len(rx.of("/alert")) == 6
    # the same run's stderr still reports every change
    assert "alert raised: warning queue %s waiting" % QUEUE in r.stderr


def test_at_most_one_notification_per_alert_per_window(tmp_path, rx):
    # raised, cleared, raised, cleared ... within on_alert_min_s: the first raise goes; what
    # comes after is held back, each new state replacing the held one, and the last, a clear,
    # goes when the window ends
    settings = dict(QUIET, on_alert_url=rx.base + "/rate", on_alert_min_s=2,
                    alert_waiting_crit=0)
    r, _ = run(tmp_path, waiting([0, 4, 0, 4, 0, 4, 0]), settings, "--hooks")
    assert r.returncode == 0, r.stderr
    got = [r for r in rx.of("/rate") if r.json()["scope"] == "queue"]
    assert [(g.json()["state"], g.json()["level"]) for g in got] == [
        ("raised", "warning"), ("cleared", "warning")]
    assert got[1].t - got[0].t >= 1.9


def test_a_long_window_holds_back_a_clear_but_never_an_alert_turning_critical(tmp_path, rx):
    settings = dict(QUIET, on_alert_url=rx.base + "/long", on_alert_min_s=3600)
    r, snap = run(tmp_path, waiting([0, 4, 7, 0]), settings, "--hooks")
    assert r.returncode == 0, r.stderr
    assert [(a["state"], a["level"]) for a in queue_alerts(rx, "/long")] == [
        ("raised", "warning"), ("raised", "critical")]


def test_slack_format_posts_one_line_of_text(tmp_path, rx):
    settings = dict(QUIET, on_alert_url=rx.base + "/slack/T000/B000/s3cr3tkey",
                    on_alert_format="slack", on_alert_min_s=0)
    r, _ = run(tmp_path, waiting([0, 7, 0]), settings, "--hooks")
    assert r.returncode == 0, r.stderr
    bodies = [x.json() for x in rx.of("/slack/")]
    assert all(list(b) == ["text"] for b in bodies)
    texts = [b["text"] for b in bodies]
    assert "CRITICAL: queue Support: 7 callers waiting" in texts
    assert "Cleared (was critical): queue Support: 7 callers waiting" in texts


def test_a_failed_notification_is_retried_with_backoff_then_counted(tmp_path, rx):
    rx.behave("/flaky", fail_first=3)
    rx.behave("/dead", status=503)
    settings = dict(QUIET, on_alert_url=rx.base + "/flaky/s3cr3tkey", on_alert_min_s=0,
                    alert_waiting_crit=0)
    r, snap = run(tmp_path, waiting([0, 4]), settings, "--hooks")
    assert r.returncode == 0, r.stderr
    tries = rx.of("/flaky")
    # the queue's and the total's raise both fail, are tried again a second later; one of
    # them fails a third time and waits two seconds before it goes through
    assert len(tries) == 5
    assert snap["hooks"]["alert"] == {"sent": 2, "failed": 0, "dropped": 0}
    gaps = [b.t - a.t for a, b in zip(tries, tries[1:])]
    assert 0.9 <= gaps[1] and 1.8 <= gaps[3]
    assert r.stderr.count("(will retry)") == 3
    settings.update(on_alert_url=rx.base + "/dead/s3cr3tkey", hook_retries=1)
    r, snap = run(tmp_path, waiting([0, 4]), settings, "--hooks")
    assert snap["hooks"]["alert"]["failed"] == 2 and len(rx.of("/dead")) == 4
    assert "HTTP 503" in snap["hooks"]["last_error"]
    assert "s3cr3t" not in r.stderr and "s3cr3t" not in json.dumps(snap)


def test_alert_command_gets_the_fields(tmp_path):
    out = tmp_path / "alerts.out"
    settings = dict(QUIET, on_alert_cmd="%s %s {state} {level} {text}" % (recorder(tmp_path),
                                                                          out),
                    on_alert_min_s=0, alert_waiting_crit=0)
    r, _ = run(tmp_path, waiting([0, 4, 0]), settings, "--hooks")
    assert r.returncode == 0, r.stderr
    runs = [json.loads(x) for x in out.read_text().splitlines()]
    queue = [x for x in runs if x["env"]["CTIBOARD_SCOPE"] == "queue"]
    assert [x["argv"] for x in queue] == [
        ["raised", "warning", "queue Support: 4 callers waiting"],
        ["cleared", "warning", "queue Support: 4 callers waiting"]]
    assert queue[0]["env"]["CTIBOARD_ID"] == QUEUE and queue[0]["env"]["CTIBOARD_VALUE"] == "4"


# ---- the console -----------------------------------------------------------------------------

def test_the_console_header_shows_failed_hooks_and_the_feed_latency(tmp_path, rx, server):
    from wallboard_screens import BIN, Screen, clean_env
    rx.behave("/down", status=500)
    token = new_token()
    server.add_token(token)
    tokfile = tmp_path / "token"
    tokfile.write_text(token + "\n")
    tokfile.chmod(0o600)
    argv = [BIN, "--url", server.url, "--token-file", str(tokfile), "--no-journal",
            "--set", "on_ring_url=" + rx.base + "/down/s3cr3t?c={caller}"]
    s = Screen(200, 30, argv, clean_env(tmp_path, TERM="tmux-256color"))
    try:
        s.wait_for(lambda t: "live" in t.splitlines()[0], "a live feed")
        now = time.time_ns()
        server.add_events(token, [line_event("start_ringing", LINE_A, "c%d" % i,
                                             "003361234567%d" % i, token,
                                             now - 3 * 10**9 + i) for i in range(2)])
        text = s.wait_for(lambda t: "HOOKS: 2 failed" in t.splitlines()[0], "failures shown")
        head = text.splitlines()[0]
        # stamped 3 s before they were sent: the median and p95 the header shows (from a
        # histogram whose buckets are 25% apart)
        m = re.search(r"latency (\d+\.\d) s, p95 (\d+\.\d) s", head)
        assert m and 2.2 <= float(m.group(1)) <= 3.8 and 2.2 <= float(m.group(2)) <= 3.8, head
        s.keys("e")  # the event log keeps the failure, by host only
        log = s.wait_for(lambda t: "HTTP 500" in t, "the failure in the event log")
        assert "ring hook http://127.0.0.1:" in log and "s3cr3t" not in log
    finally:
        s.close()
