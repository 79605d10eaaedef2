"""The demo call centre through the real binary: a seed gives the same journal every time,
another seed another one, every event has the protocol's shape and passes ingest, and a
simulated day has the figures of a believable call centre (read from the snapshot)."""

import csv
import io
import json
import os
import pathlib
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
BIN = os.environ.get("CTIBOARD_BIN", str(ROOT / "ctiboard"))
DEMO_TOKEN = "00000000-0000-4000-8000-0000000000DE"


def big_int(v):
    """An int64 of the stream, as a JSON integer or a string of digits."""
    if isinstance(v, str):
        assert v.isdigit(), v
        return int(v)
    assert isinstance(v, int), v
    return v


def run_demo(tmp, seed, duration, rate, journal=True, name=None):
    """Run a headless demo; return (journal text, snapshot)."""
    work = tmp / (name or f"seed{seed}")
    work.mkdir()
    env = dict(os.environ, TZ="Europe/Paris", HOME=str(work),
               XDG_STATE_HOME=str(work / "state"), XDG_CONFIG_HOME=str(work / "config"))
    env.pop("CTIBOARD_TOKEN", None)
    snap = work / "s.json"
    args = [BIN, "--demo", "--seed", str(seed), "--demo-rate", str(rate),
            "--demo-duration", str(duration), "--headless", "--snapshot", str(snap)]
    args += ["--journal", str(work / "journal")] if journal else ["--no-journal"]
    subprocess.run(args, env=env, check=True, timeout=120, stdin=subprocess.DEVNULL)
    text = ""
    if journal:
        for f in sorted((work / "journal").glob("*.jsonl")):
            text += f.read_text()
    return text, json.loads(snap.read_text())


@pytest.fixture(scope="module")
def hour(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("demo")
    return run_demo(tmp, 7, 3600, 1000)


def test_same_seed_same_journal(hour, tmp_path):
    again, _ = run_demo(tmp_path, 7, 3600, 1000)
    assert len(hour[0].splitlines()) > 300
    assert again == hour[0]


def test_other_seed_other_journal(hour, tmp_path):
    other, _ = run_demo(tmp_path, 8, 3600, 1000)
    assert len(other.splitlines()) > 300
    assert other != hour[0]


def event_lines(text):
    """The journal's lines of events, without its own lines (the agents' statuses)."""
    return [line for line in text.splitlines() if not line.startswith('{"ctiboard":')]


def test_events_have_the_protocol_shapes(hour):
    kinds = set()
    for n, line in enumerate(event_lines(hour[0]), 1):
        ev = json.loads(line)
        where = f"journal event {n}"
        kinds.add(ev["Event"])
        assert DEMO_TOKEN not in line, where  # redacted before it reached the disk
        # the simulator writes big integers; the journal may keep them as digit strings
        assert big_int(ev["Timestamp"]) > 2**53, where
        assert ev["Date"].endswith(")") and "T" in ev["Date"], where
        assert isinstance(ev["Data"], dict), where
        details = ev["Details"]
        assert set(details) == {"Description", "Id", "IdBillingAccount", "SimultaneousLine",
                                "Type"}, where
        assert all(isinstance(v, str) for v in details.values()), where
        data = ev["Data"]
        if ev["Service"] == "queues":
            assert details["Type"] in ("easyHunting", "cloudHunting"), where
            assert data["Action"] == ev["Event"] and data["Queue"] == ev["Ressource"], where
            for k, v in data.items():
                if k.startswith("Queue") and k.endswith("Time"):
                    assert v.isdigit() and abs(int(v) - big_int(ev["Timestamp"]) // 10**9) < 4 * 3600, where
            if ev["Event"] != "members-count":
                assert data["QueueMemberUUID"] and data["QueueMemberJoinedTime"], where
            else:
                assert data["Count"].isdigit(), where
            if ev["Event"] == "member-queue-end":
                assert data["QueueCause"] in ("Terminated", "Cancel"), where
            if ev["Event"] == "bridge-agent-start":
                assert data["QueueAgent"].startswith("agent_" + data["Agent"]), where
        else:
            assert ev["Service"] == "sip" and details["Type"] == "sipCirpack", where
            assert data["Event"] == ev["Event"] and data["Billing"] == ev["Ressource"], where
            assert data["CallId"] and data["Calling"] and data["Called"], where
            assert big_int(data["TsGet"]) > 2**53, where
            ts = data["Ts"]  # a number or a string on the real stream: both are produced
            assert float(ts) * 1e9 == pytest.approx(big_int(ev["Timestamp"]), abs=2e6), where
            if ev["Event"] == "registered":
                assert data["Calling"] == data["Called"] == data["Dialed"] == ev["Ressource"]
    assert {"registered", "start_ringing", "start_calling", "end_ringing", "end_calling",
            "member-queue-start", "members-count", "agent-offering", "bridge-agent-start",
            "bridge-agent-end", "member-queue-end"} <= kinds


def test_every_event_passes_ingest(hour):
    counters = hour[1]["counters"]
    assert counters["events"] == len(event_lines(hour[0]))
    assert counters["malformed"] == 0
    assert counters["unknown"] == 0
    assert counters["duplicates"] == 0


def test_a_believable_day(tmp_path):
    # 08:00 to 20:00 of a simulated day, as fast as the machine goes
    _, snap = run_demo(tmp_path, 7, 12 * 3600, 1000000, journal=False)
    queues = {q["description"]: q for q in snap["queues"]}
    assert set(queues) == {"Sales", "Support", "Billing"}
    answered = abandoned = in_sl = 0.0
    for name, q in queues.items():
        t = q["today"]
        assert t["answered"] > 30, name
        assert 0.6 <= t["service_level"] <= 0.98, name
        answered += t["answered"]
        abandoned += t["abandoned"]
        in_sl += t["service_level"] * (t["answered"] + t["abandoned"])
    sl = in_sl / (answered + abandoned)
    abandon_rate = abandoned / (answered + abandoned)
    assert 0.6 <= sl <= 0.98
    assert 0.005 <= abandon_rate <= 0.10
    lines = snap["lines"]
    assert len(lines) == 12
    for line in lines:
        assert line["today"]["calls_in"] + line["today"]["calls_out"] > 0, line["number"]
    assert sum(l["today"]["missed"] for l in lines) > 0
    counters = snap["counters"]
    assert counters["malformed"] == 0 and counters["unknown"] == 0
    assert counters["registered"] > 12 * 50


def test_the_demo_journals_its_agents_statuses_for_the_report(tmp_path):
    # 08:00 to 20:00: every agent's lunch (45 min) and the end of every shift are inside
    text, _ = run_demo(tmp_path, 7, 12 * 3600, 1000000)
    statuses = [json.loads(line) for line in text.splitlines()
                if line.startswith('{"ctiboard":"agent_status"')]
    assert {s["status"] for s in statuses} >= {"waiting", "onBreak", "loggedOut"}
    assert all(s["reason"] == "Lunch" for s in statuses if s["status"] == "onBreak")
    env = dict(os.environ, TZ="Europe/Paris", XDG_CONFIG_HOME="/nonexistent")
    files = sorted((tmp_path / "seed7" / "journal").glob("*.jsonl"))
    r = subprocess.run([BIN, "report", "--by", "agent", "--format", "csv", *map(str, files)],
                       env=env, capture_output=True, text=True, check=True, timeout=60)
    listed = list(csv.DictReader(io.StringIO(r.stdout, newline="")))
    rows = {row["name"]: row for row in listed}
    # in the console's order: accents folded, Léa before Louis and Lucas
    assert [row["name"] for row in listed] == [
        "Camille Roux", "Chloé Dubois", "Hugo Bernard", "Inès Laurent", "Léa Martin",
        "Louis Lefèvre", "Lucas Simon", "Manon Michel", "Nathan Moreau"]
    # the demo's shifts (local time), cut at its start at 08:00
    shifts = {"Camille Roux": (8, 17), "Léa Martin": (8.5, 19.5), "Hugo Bernard": (8, 18),
              "Chloé Dubois": (8, 17), "Nathan Moreau": (8, 17.5), "Inès Laurent": (8.5, 19.5),
              "Lucas Simon": (8, 18), "Manon Michel": (8, 17), "Louis Lefèvre": (9, 19.5)}
    assert set(rows) == set(shifts)
    for name, (start, end) in shifts.items():
        assert abs(int(rows[name]["break_s"]) - 45 * 60) <= 60, name
        assert abs(int(rows[name]["logged_in_s"]) - (end - start) * 3600) <= 60, name


def test_a_demo_into_a_journal_that_holds_today_says_so(tmp_path):
    env = dict(os.environ, TZ="Europe/Paris", HOME=str(tmp_path),
               XDG_STATE_HOME=str(tmp_path / "state"), XDG_CONFIG_HOME=str(tmp_path / "cfg"))
    env.pop("CTIBOARD_TOKEN", None)
    args = [BIN, "--demo", "--headless", "--demo-duration", "60", "--journal",
            str(tmp_path / "journal")]
    said = []
    for _ in range(2):
        r = subprocess.run(args, env=env, capture_output=True, text=True, timeout=60,
                           stdin=subprocess.DEVNULL)
        assert r.returncode == 0, r.stderr
        said.append("already holds a day" in r.stderr)
    assert said == [False, True]
