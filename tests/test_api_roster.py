"""The dashboard with OVH API credentials: the roster and the agents' live status, read from
tests/ovh_api_server.py beside the event feed of tests/ovh_server.py.

Every check waits on the snapshot the program writes; deadlines only bound a failing test.
"""

import os
import re

import pytest

from feedlib import Ctiboard, counter, feed, new_token, wait_until
from ovh_api_server import APP_SECRET, CONSUMER_KEY, QUEUE_SN, OvhApiServer
from ovh_server import OvhServer, scripted_calls

QUICK = {"api_max_per_min": 600, "api_status_s": 1}


@pytest.fixture
def server():
    srv = OvhServer(hold=0.3).start()
    yield srv
    srv.stop()


@pytest.fixture
def api():
    srv = OvhApiServer().start()
    yield srv
    srv.stop()


@pytest.fixture
def runs():
    started = []
    yield started
    for r in started:
        r.kill()


def start(runs, tmp_path, server, api, settings=QUICK, args=(), env=None, journal=False):
    token = new_token()
    server.add_token(token)
    os.makedirs(str(tmp_path), exist_ok=True)
    e = api.environment() if api else {}
    e.update(env or {})
    r = Ctiboard(tmp_path, server.url, [token], settings=settings, args=list(args), env=e,
                 journal=journal).start()
    runs.append(r)
    return r, token


def agent(snap, name):
    return [a for a in snap["agents"] if a["name"] == name][0]


def assert_no_api_secret(run):
    for path in run.written_files():
        with open(path, "rb") as fp:
            data = fp.read()
        for secret in (APP_SECRET, CONSUMER_KEY):
            assert secret[:12].encode() not in data, "a secret in %s" % path


def test_lines_queues_and_agents_from_the_start(tmp_path, server, api, runs):
    run, _ = start(runs, tmp_path, server, api, journal=True)
    snap = run.wait(lambda s: s["api"]["state"] == "ok" and s["api"]["statuses_age_s"] is not None
                    and len(s["agents"]) == 3, "the roster and the statuses")
    assert counter(snap, "events") == 0  # all of it before any event
    lines = {l["number"]: l["description"] for l in snap["lines"]}
    assert lines == {"0033972101010": "Accueil", "0033972101011": "Alice",
                     "0033972101012": "Bob", "0033972101013": "Chloé"}
    queues = {q["number"]: q for q in snap["queues"]}
    assert queues[QUEUE_SN]["description"] == "Support"
    assert {a["number"] for a in queues[QUEUE_SN]["agents"]} == {"0033972101011",
                                                                  "0033972101012"}
    alice, bob, chloe = agent(snap, "Alice"), agent(snap, "Bob"), agent(snap, "Chloé")
    assert (alice["status"], alice["taken_today"], alice["talk_s"]) == ("waiting", 3, 420)
    assert alice["queues"] == "Support N1" and alice["source"] == "api"
    assert alice["status_since"] > 0
    assert (bob["status"], bob["break_reason"]) == ("onBreak", "Lunch")
    assert chloe["status"] == "loggedOut" and chloe["queues"] == "Ventes"
    ovh = {q["queue_id"]: q for q in snap["api"]["queues"]}
    assert (ovh[7]["answered"], ovh[7]["lost"], ovh[7]["total"]) == (12, 2, 14)
    assert run.stop() == 0
    assert_no_api_secret(run)
    run.assert_no_token_written()


def test_live_status_changes_show(tmp_path, server, api, runs):
    run, _ = start(runs, tmp_path, server, api)
    run.wait(lambda s: agent(s, "Alice")["status"] == "waiting", "Alice waiting")
    api.set_live_status(42, "inAQueueCall", answeredCalls=4)
    snap = run.wait(lambda s: agent(s, "Alice")["status"] == "inAQueueCall", "Alice on a call")
    assert agent(snap, "Alice")["taken_today"] == 4
    api.set_live_status(43, "waiting")
    snap = run.wait(lambda s: agent(s, "Bob")["status"] == "waiting", "Bob back")
    assert agent(snap, "Bob")["break_reason"] == ""


def test_an_api_failure_never_disturbs_the_feed(tmp_path, server, api, runs):
    api.fail(503, count=10**6)
    run, token = start(runs, tmp_path, server, api)
    server.add_events(token, scripted_calls(token, "0033972109999", 3))
    snap = run.wait(lambda s: counter(s, "events") >= 9 and s["api"]["state"] == "error",
                    "the events applied while the API fails")
    assert feed(snap, token)["state"] == "live"
    assert "HTTP 503" in snap["api"]["last_error"]
    assert snap["agents"] == []
    # the API comes back: the roster arrives, the feed never noticed
    api.faults.clear()
    snap = run.wait(lambda s: s["api"]["state"] == "ok" and len(s["agents"]) == 3,
                    "the roster after the API came back", timeout=90)
    assert feed(snap, token)["state"] == "live"


def test_a_missing_right_is_its_own_state(tmp_path, server, api, runs):
    api.consumers[CONSUMER_KEY]["rules"] = [("GET", "/auth/*")]
    run, token = start(runs, tmp_path, server, api)
    snap = run.wait(lambda s: s["api"]["state"] == "auth_failed", "the API refused")
    assert "NOT_GRANTED_CALL" in snap["api"]["last_error"]
    assert feed(snap, token)["state"] in ("connecting", "live")


def test_polling_keeps_within_the_budget(tmp_path, server, api, runs):
    # 20 a minute: a burst of 2, then one every 3 s, whatever api_status_s asks
    run, _ = start(runs, tmp_path, server, api,
                   settings={"api_max_per_min": 20, "api_status_s": 1})
    wait_until(lambda: len(api.requests()) >= 4, "a few requests", timeout=30)
    reqs = api.requests()
    span = reqs[-1]["t"] - reqs[0]["t"]
    assert len(reqs) <= 2 + span * 20 / 60 + 1
    assert run.stop() == 0


def test_no_credentials_or_no_api_is_as_before(tmp_path, server, api, runs):
    run, token = start(runs, tmp_path / "a", server, api, args=["--no-api"])
    snap = run.wait(lambda s: feed(s, token)["state"] == "live", "feed live")
    assert snap["api"]["state"] == "off" and snap["agents"] == []
    assert run.stop() == 0
    run2, token2 = start(runs, tmp_path / "b", server, None)
    snap = run2.wait(lambda s: feed(s, token2)["state"] == "live", "feed live")
    assert snap["api"]["state"] == "off" and snap["lines"] == []
    assert run2.stop() == 0
    assert not api.requests()


def test_the_agents_view(tmp_path, server, api):
    import shlex
    import subprocess
    import time

    from feedlib import binary

    token = new_token()
    server.add_token(token)
    env = {"HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path / "cfg"),
           "XDG_STATE_HOME": str(tmp_path / "state"), "CTIBOARD_TOKEN": token,
           "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "TERM": "screen-256color", "TZ": "UTC"}
    env.update(api.environment())
    sock = "ctiboard-agents-%d" % os.getpid()
    argv = [binary(), "--url", server.url, "--no-journal", "--set", "api_max_per_min=600",
            "--set", "api_status_s=1"]
    # the secrets go through the environment of tmux's command, never its argv
    command = "env %s %s" % (" ".join("%s=%s" % (k, shlex.quote(v)) for k, v in env.items()),
                             " ".join(shlex.quote(a) for a in argv))
    script = tmp_path / "run.sh"
    script.write_text(command + "\nsleep 600\n")

    def tm(*args):
        r = subprocess.run(["tmux", "-L", sock, "-f", "/dev/null", *args],
                           capture_output=True, text=True)
        if r.returncode != 0:  # tmux's own words, not "exit status 1"
            pytest.fail("tmux %s failed (%d): %s" % (args[0], r.returncode,
                                                     r.stderr.strip() or "(nothing said)"))
        return r.stdout

    def screen_until(pred, what):
        deadline = time.monotonic() + 20
        while True:
            s = tm("capture-pane", "-p", "-t", "a")
            if pred(s):
                return s
            if time.monotonic() > deadline:
                pytest.fail("never showed %s:\n%s" % (what, s))
            time.sleep(0.05)

    tm("new-session", "-d", "-s", "a", "-x", "100", "-y", "24", "sh", str(script))
    try:
        s = screen_until(lambda s: "API ok, 3 agents" in s, "the API's state in the header")
        tm("send-keys", "-t", "a", "a")
        s = screen_until(lambda s: "Agents: 3 shown" in s and "Lunch" in s and "logged out" in s,
                         "the agents and their statuses")
        row = {name: line for line in s.splitlines() for name in ("Alice", "Bob", "Chlo")
               if line.strip().startswith(name)}
        assert "available" in row["Alice"] and "Support N1" in row["Alice"]
        assert "on break" in row["Bob"] and "Lunch" in row["Bob"]
        assert "logged out" in row["Chlo"] and "Ventes" in row["Chlo"]
        api.set_live_status(42, "inAQueueCall")
        screen_until(lambda s: any(l.strip().startswith("Alice") and "on a call" in l
                                   for l in s.splitlines()), "Alice on a call")
        tm("send-keys", "-t", "a", "s")
        screen_until(lambda s: "by status" in s, "the sort by status")
        tm("send-keys", "-t", "a", "/")
        tm("send-keys", "-t", "a", "-l", "Lunch")
        tm("send-keys", "-t", "a", "Enter")
        s = screen_until(lambda s: "Agents: 1 shown" in s, "the filter")
        tm("send-keys", "-t", "a", "Enter")
        s = screen_until(lambda s: "Agent Bob" in s, "Bob's day")
        assert "on break" in s and "Lunch" in s and "Calls taken     1 today" in s
        # the queue's detail: its agents by status, OVH's counts beside ctiboard's
        tm("send-keys", "-t", "a", "Escape")
        screen_until(lambda s: "Agents: 1 shown" in s, "the agents again")
        tm("send-keys", "-t", "a", "Escape")
        tm("send-keys", "-t", "a", "Escape")
        screen_until(lambda s: "Queues" in s and "Agents:" not in s, "the panels")
        tm("send-keys", "-t", "a", "Enter")
        s = screen_until(lambda s: "OVH's counts" in s, "the queue's detail")
        assert "Agents (OVH)" in s, s
        assert re.search(r"OVH's counts +(12|4) answered, (2|1) lost since .*; ctiboard 0 "
                         r"answered, 0 lost  DRIFT", s)
        for secret in (APP_SECRET, CONSUMER_KEY):
            assert secret[:8] not in s
    finally:
        subprocess.run(["tmux", "-L", sock, "kill-server"], capture_output=True)


def test_the_demo_simulates_agents_statuses(tmp_path):
    import json
    import subprocess

    from feedlib import binary

    def demo_until(duration_s):
        snap = str(tmp_path / ("d%d.json" % duration_s))
        subprocess.run([binary(), "--demo", "--headless", "--seed", "3", "--demo-rate",
                        "100000", "--demo-duration", str(duration_s), "--no-journal",
                        "--snapshot", snap], check=True, timeout=120,
                       env=dict(os.environ, HOME=str(tmp_path),
                                XDG_CONFIG_HOME=str(tmp_path / "cfg")))
        with open(snap) as fp:
            return json.load(fp)

    # 12:15: lunch breaks, with their reason, and calls taken through the morning
    snap = demo_until(4 * 3600 + 15 * 60)
    agents = {a["name"]: a for a in snap["agents"]}
    assert len(agents) == 9 and all(a["source"] == "demo" for a in agents.values())
    on_break = [a for a in agents.values() if a["status"] == "onBreak"]
    assert on_break and all(a["break_reason"] == "Lunch" for a in on_break)
    assert agents["Camille Roux"]["status"] == "onBreak"  # her lunch is at 12:00
    assert sum(a["taken_today"] for a in agents.values()) > 20
    assert agents["Lucas Simon"]["queues"] == "Support, Billing"
    # 19:45: every shift is over, everyone logged out
    snap = demo_until(11 * 3600 + 45 * 60)
    assert {a["status"] for a in snap["agents"]} == {"loggedOut"}


def test_wallboard_tiles_count_the_agents(tmp_path):
    import shlex
    import subprocess
    import time

    from feedlib import binary

    sock = "ctiboard-wall-%d" % os.getpid()
    env = "HOME=%s XDG_CONFIG_HOME=%s LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=screen-256color" % (
        shlex.quote(str(tmp_path)), shlex.quote(str(tmp_path / "cfg")))
    command = "env %s %s --demo --seed 3 --wallboard --no-journal; sleep 600" % (
        env, shlex.quote(binary()))

    def tm(*args):
        return subprocess.run(["tmux", "-L", sock, "-f", "/dev/null", *args], check=True,
                              capture_output=True, text=True).stdout

    tm("new-session", "-d", "-s", "w", "-x", "160", "-y", "45", "sh", "-c", command)
    try:
        deadline = time.monotonic() + 20
        while True:
            s = tm("capture-pane", "-p", "-t", "w")
            found = re.findall(r"agents: (\d+) available, (\d+) on a call, (\d+) on break, "
                               r"(\d+) out", s)
            if len(found) == 3:
                break
            if time.monotonic() > deadline:
                pytest.fail("no agent counts on the tiles:\n" + s)
            time.sleep(0.1)
        # Sales has 3 agents, Support 4, Billing 3 (Lucas answers two queues)
        assert sorted(sum(int(n) for n in f) for f in found) == [3, 3, 4]
    finally:
        subprocess.run(["tmux", "-L", sock, "kill-server"], capture_output=True)


def test_queue_rows_count_the_agents_by_status(tmp_path):
    import shlex
    import subprocess
    import time

    from feedlib import binary

    sock = "ctiboard-rows-%d" % os.getpid()
    env = "HOME=%s XDG_CONFIG_HOME=%s LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=screen-256color" % (
        shlex.quote(str(tmp_path)), shlex.quote(str(tmp_path / "cfg")))
    command = "env %s %s --demo --seed 3 --no-journal; sleep 600" % (env, shlex.quote(binary()))

    def tm(*args):
        return subprocess.run(["tmux", "-L", sock, "-f", "/dev/null", *args], check=True,
                              capture_output=True, text=True).stdout

    def cell(header, row, head):
        end = header.index(head) + len(head)  # the columns are right-aligned under their head
        return row[end - len(head):end].strip()

    tm("new-session", "-d", "-s", "c", "-x", "120", "-y", "30", "sh", "-c", command)
    try:
        deadline = time.monotonic() + 20
        while True:
            rows = tm("capture-pane", "-p", "-t", "c").split("\n")
            header = next((r for r in rows if "Queues (3)" in r), "")
            queues = [r for r in rows if re.match(r"^.\s(Billing|Sales|Support)\s", r)]
            if "Free" in header and "Out" in header and len(queues) == 3:
                break
            if time.monotonic() > deadline:
                pytest.fail("no agent columns in the Queues panel:\n" + "\n".join(rows))
            time.sleep(0.1)
        counts = [[int(cell(header, r, h)) for h in ("Free", "On call", "Break", "Out")]
                  for r in queues]
        # the demo's agents by status: Sales has 3 agents, Support 4, Billing 3
        assert sorted(sum(c) for c in counts) == [3, 3, 4], counts
    finally:
        subprocess.run(["tmux", "-L", sock, "kill-server"], capture_output=True)


def test_demo_names_sort_as_a_reader_expects_and_the_agent_says_its_status_is_the_demos(
        tmp_path):
    import shlex
    import subprocess
    import time

    from feedlib import binary

    sock = "ctiboard-sort-%d" % os.getpid()
    env = "HOME=%s XDG_CONFIG_HOME=%s LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=screen-256color" % (
        shlex.quote(str(tmp_path)), shlex.quote(str(tmp_path / "cfg")))
    command = "env %s %s --demo --seed 3 --no-journal; sleep 600" % (env, shlex.quote(binary()))

    def tm(*args):
        return subprocess.run(["tmux", "-L", sock, "-f", "/dev/null", *args], check=True,
                              capture_output=True, text=True).stdout

    def screen_until(pred, what):
        deadline = time.monotonic() + 20
        while True:
            s = tm("capture-pane", "-p", "-t", "d")
            if pred(s):
                return s
            if time.monotonic() > deadline:
                pytest.fail("never showed %s:\n%s" % (what, s))
            time.sleep(0.05)

    def order(s, names, after):
        """names in the order of the rows they begin (after a mark), below the line that
        holds `after` (a name may also appear in another row's columns)."""
        rows = s.splitlines()
        start = [i for i, line in enumerate(rows) if after in line][0]
        at = {}
        for i, line in enumerate(rows[start:]):
            for n in names:
                if re.match(r"^.{0,3}" + re.escape(n), line) and n not in at:
                    at[n] = i
        assert set(at) == set(names), s
        return sorted(names, key=lambda n: at[n])

    names = ["Léa Martin", "Louis Lefèvre", "Lucas Simon"]
    tm("new-session", "-d", "-s", "d", "-x", "160", "-y", "45", "sh", "-c", command)
    try:
        # the Lines panel, by name: accents folded, not byte order ("Léa" after "Lucas")
        s = screen_until(lambda s: all(re.search(r"(?m)^.{0,3}" + re.escape(n), s)
                                       for n in names), "the demo's lines")
        assert order(s, names, "Lines (") == names
        tm("send-keys", "-t", "d", "a")
        s = screen_until(lambda s: "Agents: 9 shown" in s and all(n in s for n in names),
                         "the Agents view")
        assert order(s, names, "Agents: 9 shown") == names
        tm("send-keys", "-t", "d", "Enter")
        s = screen_until(lambda s: "Agent Camille Roux" in s, "the first agent's day")
        assert "Status from     the demo (simulated agents, not the OVH API)" in s, s
        assert "OVH API (live status)" not in s
    finally:
        subprocess.run(["tmux", "-L", sock, "kill-server"], capture_output=True)
