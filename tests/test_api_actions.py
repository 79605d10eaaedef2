"""Supervisor actions through the OVH API (--allow-actions): set an agent available, on break
(with a custom status) or logged out from the Agents view, each confirmed, answered on screen,
in the event log and in the journal; refused without the flag, in kiosk mode, and with a key
that lacks the right. Screens are read with tmux from tests/ovh_api_server.py's answers.
"""

import glob
import json
import os
import re
import shlex
import subprocess
import time
import uuid

import pytest

from feedlib import binary, new_token
from ovh_api_server import APP_SECRET, BILLING, CONSUMER_KEY, QUEUE_SN, OvhApiServer
from ovh_server import OvhServer


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


class Screen:
    """ctiboard in a tmux session, 100x24."""

    def __init__(self, tmp_path, server, api, args, width=100, term="screen-256color",
                 tz="UTC"):
        token = new_token()
        server.add_token(token)
        self.tmp = tmp_path
        self.journal = tmp_path / "journal"
        env = {"HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path / "cfg"),
               "XDG_STATE_HOME": str(tmp_path / "state"), "CTIBOARD_TOKEN": token,
               "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "TERM": term, "TZ": tz}
        env.update(api.environment())
        # a socket of its own: the last test's server may still be on its way out
        self.sock = "ctiboard-actions-" + uuid.uuid4().hex[:12]
        argv = [binary(), "--url", server.url, "--journal", str(self.journal), "--set",
                "api_max_per_min=600", "--set", "api_status_s=1", *args]
        # the secrets go through the environment of tmux's command, never its argv
        command = "env %s %s" % (" ".join("%s=%s" % (k, shlex.quote(v))
                                          for k, v in env.items()),
                                 " ".join(shlex.quote(a) for a in argv))
        script = tmp_path / "run.sh"
        script.write_text(command + "; echo EXITED $?; sleep 600\n")
        self.tm("new-session", "-d", "-s", "a", "-x", str(width), "-y", "24", "sh", str(script))

    def tm(self, *args):
        r = subprocess.run(["tmux", "-L", self.sock, "-f", "/dev/null", *args],
                           capture_output=True, text=True)
        if r.returncode != 0:
            pytest.fail("tmux %s failed (%d): %s" % (args[0], r.returncode,
                                                     r.stderr.strip() or "(nothing said)"))
        return r.stdout

    def keys(self, *keys):
        for k in keys:
            self.tm("send-keys", "-t", "a", k)

    def text(self, s):
        self.tm("send-keys", "-t", "a", "-l", s)

    def until(self, pred, what, timeout=20):
        deadline = time.monotonic() + timeout
        while True:
            s = self.tm("capture-pane", "-p", "-t", "a")
            if pred(s):
                return s
            if time.monotonic() > deadline:
                pytest.fail("never showed %s:\n%s" % (what, s))
            time.sleep(0.05)

    def select(self, name):
        """The Agents view, filtered down to one agent."""
        self.until(lambda s: "3 agents" in s, "the roster")
        self.keys("a")
        self.until(lambda s: "Agents: 3 shown" in s, "the agents")
        self.keys("/")
        self.text(name)
        self.keys("Enter")
        return self.until(lambda s: "Agents: 1 shown" in s, "the filter on %s" % name)

    def quit(self):
        self.keys("q")
        self.until(lambda s: "EXITED 0" in s, "a clean exit")

    def kill(self):
        subprocess.run(["tmux", "-L", self.sock, "kill-server"], capture_output=True)

    def journal_lines(self):
        out = []
        for path in sorted(glob.glob(str(self.journal / "*"))):
            with open(path, encoding="utf-8") as fp:
                out += [json.loads(line) for line in fp if line.strip()]
        return out

    def assert_no_secret(self, screen):
        for secret in (APP_SECRET, CONSUMER_KEY):
            assert secret[:8] not in screen
            for path in glob.glob(str(self.tmp / "**"), recursive=True):
                if os.path.isfile(path) and not path.endswith("run.sh"):
                    with open(path, "rb") as fp:
                        assert secret[:8].encode() not in fp.read(), path


@pytest.fixture
def screens():
    started = []
    yield started
    for s in started:
        s.kill()


def run(screens, tmp_path, server, api, *args, width=100, term="screen-256color", tz="UTC"):
    s = Screen(tmp_path, server, api, args, width, term, tz)
    screens.append(s)
    return s


def puts(api):
    return [(path, json.loads(body)) for method, path, body in api.actions if method == "PUT"]


def signed_puts(api):
    return [r for r in api.requests() if r["method"] == "PUT"]


def test_each_agent_status_action_confirmed_answered_and_journalled(tmp_path, server, api,
                                                                    screens):
    scr = run(screens, tmp_path, server, api, "--allow-actions")
    scr.select("Alice")
    # asked, refused at the prompt: nothing sent
    scr.keys("L")
    scr.until(lambda s: "log Alice" in s and "out?" in s and "y: yes" in s, "the question")
    scr.keys("n")
    scr.until(lambda s: "no action taken" in s, "the refusal")
    # log out, confirmed
    scr.keys("L", "y")
    s = scr.until(lambda s: "out: done" in s, "the answer")
    assert puts(api) == [("agent/42", {"status": "loggedOut"})]
    put = signed_puts(api)[0]
    assert put["signed"] and put["status"] == 200
    assert put["path"] == "/1.0/telephony/%s/easyHunting/%s/hunting/agent/42" % (BILLING,
                                                                                 QUEUE_SN)
    assert put["content_type"].startswith("application/json")
    scr.until(lambda s: any(l.strip().startswith("Alice") and "logged out" in l
                            for l in s.splitlines()), "Alice logged out")
    # on break: the reasons are the service's custom statuses
    scr.keys("B")
    s = scr.until(lambda s: "Break reason for Alice" in s, "the reasons")
    assert "1 Lunch" in s and "2 Training" in s
    scr.keys("2")
    scr.until(lambda s: "on break (Training)?" in s, "the question")
    scr.keys("y")
    scr.until(lambda s: "(Training): done" in s, "the answer")
    assert puts(api)[-1] == ("agent/42", {"status": "onBreak", "breakStatus": 4})
    scr.until(lambda s: any(l.strip().startswith("Alice") and "Training" in l
                            for l in s.splitlines()), "Alice on break, Training")
    # a key that is not a reason cancels
    scr.keys("B", "x")
    scr.until(lambda s: "no action taken" in s, "the cancel")
    scr.keys("A")
    scr.until(lambda s: "available?" in s, "the question")
    scr.keys("y")
    scr.until(lambda s: "available: done" in s, "the answer")
    assert puts(api)[-1] == ("agent/42", {"status": "available"})
    assert len(puts(api)) == 3
    # the event log has each one
    scr.keys("Escape", "Escape", "e")
    s = scr.until(lambda s: s.count("supervisor-action") >= 3, "the event log")
    scr.quit()
    actions = [l for l in scr.journal_lines() if l.get("ctiboard") == "action"]
    assert [a["status"] for a in actions] == ["loggedOut", "onBreak", "available"]
    assert all(a["ok"] and a["http"] == 200 and a["answer"] == "done" for a in actions)
    assert actions[1]["breakStatus"] == 4 and actions[1]["breakReason"] == "Training"
    assert all(a["who"] and a["agentId"] == 42 and a["at"] > 0 for a in actions)
    assert "Alice" in actions[0]["what"]
    scr.assert_no_secret(s)


def test_the_journal_replay_counts_actions_cleanly(tmp_path, server, api, screens):
    scr = run(screens, tmp_path, server, api, "--set", "allow_actions=true")
    scr.select("Chlo")
    scr.keys("A", "y")
    scr.until(lambda s: "available: done" in s, "the answer")
    scr.quit()
    files = glob.glob(str(scr.journal / "*"))
    assert any('"ctiboard":"action"' in open(f, encoding="utf-8").read() for f in files)
    for f in files:
        r = subprocess.run([binary(), "--replay", f, "--speed", "0", "--headless",
                            "--no-journal"], capture_output=True, text=True, timeout=30,
                           env={"HOME": str(tmp_path), "PATH": os.environ["PATH"]})
        assert r.returncode == 0, r.stderr
        assert not re.search(r":\d+: ", r.stderr), r.stderr  # FILE:LINE: a bad line


def test_without_the_flag_the_keys_say_how(tmp_path, server, api, screens):
    scr = run(screens, tmp_path, server, api)
    scr.select("Alice")
    scr.keys("L")
    scr.until(lambda s: "actions are off: start with --allow-actions" in s, "how to enable")
    scr.keys("y", "B", "y", "A", "y")
    time.sleep(1.5)
    assert puts(api) == [] and signed_puts(api) == []
    scr.quit()


def test_a_missing_right_says_which_and_how(tmp_path, server, api, screens):
    api.consumers[CONSUMER_KEY]["rules"] = [("GET", "/*")]
    scr = run(screens, tmp_path, server, api, "--allow-actions")
    scr.select("Alice")
    scr.keys("L", "y")
    s = scr.until(lambda s: "HTTP 403" in s, "the refusal")
    assert "HTTP 403, run ctiboard api login --actions" in s
    assert puts(api) == []
    assert signed_puts(api)[0]["status"] == 403
    scr.quit()
    action = [l for l in scr.journal_lines() if l.get("ctiboard") == "action"][0]
    assert not action["ok"] and action["http"] == 403
    assert "lacks the right PUT /telephony/*/hunting/agent/*" in action["answer"]
    assert "ctiboard api login --actions" in action["answer"]
    assert "NOT_GRANTED_CALL" in action["answer"]
    scr.assert_no_secret(s)


@pytest.mark.parametrize("kiosk", ["--kiosk", "--kiosk=locked"])
def test_kiosk_never_acts(tmp_path, server, api, screens, kiosk):
    scr = run(screens, tmp_path, server, api, "--allow-actions", kiosk)
    scr.until(lambda s: "3 agents" in s, "the roster")
    scr.keys("a", "L", "y", "A", "y", "B", "1", "y")
    time.sleep(1.5)
    assert signed_puts(api) == []


# ---- a queue's live calls: listen, whisper, hang up ----

SUPERVISOR = "0033699887766"
CALLS_PATH = "queue/7/liveCalls/"


def ago(seconds):
    return time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(time.time() - seconds))


def live_calls(api):
    """Support N1 (queue 7) now: one answered call, one caller waiting, one call ended."""
    api.set_live_calls(7, {
        1234: {"id": 1234, "state": "Answered", "begin": ago(200), "answered": ago(185), "end": None,
               "callerIdName": "Dupont", "callerIdNumber": "0033612345678",
               "destinationNumber": QUEUE_SN, "agent": "Alice", "queue": "Support N1",
               "onHold": False},
        1235: {"id": 1235, "state": "Waiting", "begin": ago(42),
               "answered": None, "end": None, "callerIdName": "\x1b[31mEvil\x07",
               "callerIdNumber": "anonymous", "destinationNumber": QUEUE_SN, "agent": "",
               "queue": "Support N1", "onHold": None},
        1236: {"id": 1236, "state": "Answered", "begin": ago(900),
               "answered": ago(890), "end": ago(600),
               "callerIdName": "Gone", "callerIdNumber": "0033611111111",
               "destinationNumber": QUEUE_SN, "agent": "Bob", "queue": "Support N1",
               "onHold": False},
    })


def call_posts(api):
    return [(path, body) for method, path, body in api.actions
            if method == "POST" and CALLS_PATH in path]


def open_live(scr):
    """The Support queue's live calls, from the Queues panel."""
    scr.until(lambda s: "Ventes" in s and "Chloé" in s, "the roster")
    scr.keys("/")
    scr.text("Support")
    scr.keys("Enter", "l")
    return scr.until(lambda s: "Live calls of" in s and "Dupont" in s, "the live calls")


def test_live_calls_listen_whisper_hangup_each_confirmed_answered_and_journalled(
        tmp_path, server, api, screens):
    live_calls(api)
    scr = run(screens, tmp_path, server, api, "--allow-actions", "--set",
              "supervisor_number=+33 6 99 88 77 66", width=80)
    s = open_live(scr)
    assert "Evil" in s and "\x1b" not in s and "Gone" not in s  # sanitised; ended left out
    assert "talking" in s and "waiting" in s and "Alice" in s
    row = [l for l in s.splitlines() if "Dupont" in l][0]
    assert "+33 6 12" in row and re.search(r" \d+:\d\d ", row)  # talking for 3:05 or so
    assert "+33 6 99 88 77 66" in s  # whom listening calls
    assert "L Listen" in s and "W Whisper" in s and "H Hang up" in s  # the footer
    assert all(len(l) <= 80 for l in s.splitlines())
    assert api.requests("/queue/7/liveCalls/1234")  # read through the API, signed
    assert all(r["signed"] for r in api.requests("liveCalls"))
    # listen, declined: nothing sent
    scr.keys("L")
    scr.until(lambda s: "listen to +33 6 12 34 56 78 with Alice on +33 6 99 88 77 66? y/n"
              in s, "the question")
    scr.keys("n")
    scr.until(lambda s: "no action taken" in s, "the refusal")
    assert call_posts(api) == []
    scr.keys("L", "y")
    scr.until(lambda s: "accepted (OVH task" in s, "the answer")
    assert call_posts(api) == [(CALLS_PATH + "1234/eavesdrop", '{"number":"%s"}' % SUPERVISOR)]
    scr.keys("W")
    scr.until(lambda s: "whisper to Alice, with +33 6 12 34 56 78, from +33 6 99 88 77 66? y/n"
              in s, "the question")
    scr.keys("y")
    scr.until(lambda s: re.search(r"accepted \(OVH task \d+, todo\): whisper", s), "the answer")
    path, body = call_posts(api)[-1]
    assert path == CALLS_PATH + "1234/whisper"
    assert json.loads(body) == {"number": SUPERVISOR, "whisperingMode": "Whisper to agent only"}
    scr.keys("H")
    scr.until(lambda s: "OVH API: hang up +33 6 12 34 56 78 with Alice?  y: yes" in s,
              "the question")
    scr.keys("y")
    scr.until(lambda s: re.search(r"accepted \(OVH task \d+, todo\): hang up", s), "the answer")
    assert call_posts(api)[-1] == (CALLS_PATH + "1234/hangup", "")
    post = [r for r in api.requests("/hangup")][0]
    assert post["signed"] and post["status"] == 200 and post["body"] == ""
    # the waiting caller: not an answered call, nothing sent
    scr.keys("j", "H")
    scr.until(lambda s: "not answered" in s, "the refusal")
    assert len(call_posts(api)) == 3
    scr.keys("Escape", "Escape", "e")
    s = scr.until(lambda s: s.count("supervisor-action") >= 3, "the event log")
    scr.quit()
    actions = [l for l in scr.journal_lines() if l.get("ctiboard") == "action"]
    assert [a["kind"] for a in actions] == ["listen", "whisper", "hangup"]
    assert all(a["ok"] and a["http"] == 200 and a["answer"].startswith("accepted (OVH task")
               for a in actions)
    assert all(a["queueId"] == 7 and a["callId"] == 1234 and a["caller"] == "0033612345678"
               and a["agent"] == "Alice" and a["who"] and a["at"] > 0 for a in actions)
    assert [a.get("number") for a in actions] == [SUPERVISOR, SUPERVISOR, None]
    # a replay counts and skips them
    for f in glob.glob(str(scr.journal / "*")):
        r = subprocess.run([binary(), "--replay", f, "--speed", "0", "--headless",
                            "--no-journal"], capture_output=True, text=True, timeout=30,
                           env={"HOME": str(tmp_path), "PATH": os.environ["PATH"]})
        assert r.returncode == 0, r.stderr
        assert not re.search(r":\d+: ", r.stderr), r.stderr
    scr.assert_no_secret(s)


def test_listen_and_whisper_need_supervisor_number_hangup_does_not(tmp_path, server, api,
                                                                   screens):
    live_calls(api)
    scr = run(screens, tmp_path, server, api, "--allow-actions", width=80)
    s = open_live(scr)
    assert "supervisor_number is not set" in s
    for key in ("L", "W"):
        scr.keys(key)
        scr.until(lambda s: "set supervisor_number = <your number>" in s, "how to set it")
        scr.keys("y")
    time.sleep(0.5)
    assert call_posts(api) == []
    scr.keys("H", "y")
    scr.until(lambda s: "accepted (OVH task" in s, "the hang-up")
    assert call_posts(api) == [(CALLS_PATH + "1234/hangup", "")]
    scr.quit()


def test_a_live_call_action_without_the_right_says_which_and_how(tmp_path, server, api,
                                                                 screens):
    live_calls(api)
    api.consumers[CONSUMER_KEY]["rules"] = [("GET", "/*")]
    scr = run(screens, tmp_path, server, api, "--allow-actions", width=80)
    open_live(scr)
    scr.keys("H", "y")
    s = scr.until(lambda s: "HTTP 403" in s, "the refusal")
    assert "ctiboard api login --actions" in s
    assert call_posts(api) == []
    scr.quit()
    action = [l for l in scr.journal_lines() if l.get("ctiboard") == "action"][0]
    assert action["kind"] == "hangup" and not action["ok"] and action["http"] == 403
    assert ("lacks the right POST /telephony/*/hunting/queue/*/liveCalls/*/hangup"
            in action["answer"])
    scr.assert_no_secret(s)


def test_live_calls_without_the_flag_are_shown_but_never_acted_on(tmp_path, server, api,
                                                                  screens):
    live_calls(api)
    scr = run(screens, tmp_path, server, api, "--set", "supervisor_number=0699887766",
              width=80, term="vt100")  # monochrome
    s = open_live(scr)
    assert "talking" in s and "waiting" in s
    scr.keys("L")
    scr.until(lambda s: "actions are off: start with --allow-actions" in s, "how to enable")
    scr.keys("y", "W", "y", "H", "y")
    time.sleep(1.5)
    assert call_posts(api) == []
    # leaving the view stops the reading
    scr.keys("Escape")
    scr.until(lambda s: "Live calls of" not in s, "the panels")
    time.sleep(1.5)  # a read in flight ends
    before = len(api.requests("liveCalls"))
    time.sleep(2.5)  # api_status_s is 1: a watched queue would be read twice meanwhile
    assert len(api.requests("liveCalls")) == before
    scr.quit()


@pytest.mark.parametrize("kiosk", ["--kiosk", "--kiosk=locked", "--wallboard"])
def test_kiosk_and_wallboard_never_act_on_a_call(tmp_path, server, api, screens, kiosk):
    live_calls(api)
    scr = run(screens, tmp_path, server, api, "--allow-actions", "--set",
              "supervisor_number=0699887766", kiosk)
    time.sleep(2)
    scr.keys("/")
    scr.text("Support")
    scr.keys("Enter", "l", "L", "y", "W", "y", "H", "y")
    time.sleep(1.5)
    assert call_posts(api) == []
    assert api.requests("liveCalls") == []  # not even read


# ---- agents' status changes in the journal, for the report ----

def test_status_changes_are_journalled_and_reported_as_break_and_logged_in_time(
        tmp_path, server, api, screens):
    scr = run(screens, tmp_path, server, api)
    scr.until(lambda s: "3 agents" in s, "the roster")
    time.sleep(1.5)  # a round of statuses journals each agent's first
    api.accounts[BILLING]["easyHunting"][QUEUE_SN]["hunting"]["agents"][42]["breakStatus"] = 3
    api.set_live_status(42, "onBreak")
    scr.keys("a")
    scr.until(lambda s: any(l.strip().startswith("Alice") and "Lunch" in l
                            for l in s.splitlines()), "Alice on break, Lunch")
    scr.quit()
    statuses = [l for l in scr.journal_lines() if l.get("ctiboard") == "agent_status"]
    alice = [(l["status"], l["reason"]) for l in statuses if l["agent"] == "0033972101011"]
    assert alice == [("waiting", ""), ("onBreak", "Lunch")]  # a change each, no repeat
    assert {l["agent"] for l in statuses} == {"0033972101011", "0033972101012",
                                              "0033972101013"}
    assert all(l["queue"] and l["t"] > 0 and l["Received"] > 0 for l in statuses)
    assert [l["name"] for l in statuses if l["agent"] == "0033972101012"][0] == "Bob"
    scr.assert_no_secret("")
    # the report reads them: Bob has been on break since the run began, Chloé logged out
    env = {"HOME": str(tmp_path), "PATH": os.environ["PATH"], "TZ": "UTC",
           "XDG_CONFIG_HOME": str(tmp_path / "none")}
    r = subprocess.run([binary(), "report", "--by", "agent", "--format", "json",
                        "--journal", str(scr.journal)], capture_output=True, text=True,
                       timeout=30, env=env)
    assert r.returncode == 0, r.stderr
    rows = {row["agent"]: row for row in json.loads(r.stdout)["rows"]}
    bob, chloe, alice = rows["0033972101012"], rows["0033972101013"], rows["0033972101011"]
    assert bob["break_s"] > 0 and bob["break_s"] == bob["logged_in_s"]
    assert chloe["break_s"] == 0 and chloe["logged_in_s"] == 0
    assert alice["logged_in_s"] >= alice["break_s"] >= 0
    # a replay of the live program skips them: no bad line
    for f in glob.glob(str(scr.journal / "*")):
        rr = subprocess.run([binary(), "--replay", f, "--speed", "0", "--headless",
                             "--no-journal"], capture_output=True, text=True, timeout=30,
                            env=env)
        assert rr.returncode == 0 and not re.search(r":\d+: ", rr.stderr), rr.stderr


def test_each_day_file_begins_with_every_agents_status(tmp_path, server, api, screens):
    # a time zone whose midnight comes 12 s after the start: a report ends a status with the
    # file it is in, so the new day's file gets every agent's status again, though none changed
    utc_s = int(time.time()) % 86400
    ahead = (86400 - 12 - utc_s) % 86400
    tz = "CTB-%02d:%02d:%02d" % (ahead // 3600, ahead // 60 % 60, ahead % 60)
    scr = run(screens, tmp_path, server, api, tz=tz)
    scr.until(lambda s: "3 agents" in s, "the roster")
    agents = {"0033972101011", "0033972101012", "0033972101013"}
    deadline = time.monotonic() + 40
    while True:
        files = sorted(glob.glob(str(scr.journal / "*.jsonl")))
        days = []
        for path in files:
            with open(path, encoding="utf-8") as fp:
                lines = [json.loads(line) for line in fp if line.strip()]
            days.append([l["agent"] for l in lines if l.get("ctiboard") == "agent_status"])
        if len(days) == 2 and set(days[1]) == agents:
            break
        assert time.monotonic() < deadline, days
        time.sleep(0.2)
    assert sorted(days[0]) == sorted(agents)  # once each the first day: nothing changed
    assert sorted(days[1]) == sorted(agents)
    scr.quit()
