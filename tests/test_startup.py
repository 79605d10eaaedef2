"""A live start replays the journal on a thread: the screen opens at once and shows the
replay's progress; the feed's events wait for the replay and go in after it, journalled once;
the figures at the end are those of a plain replay of the same files.

Yesterday's journal file is a named pipe held open by the test, so the replay is seen while it
runs whatever the machine's speed: no timing is assumed, only the order of things."""
import json
import os
import re
import subprocess
import time

from feedlib import Ctiboard, counter, new_token, wait_until
from ovh_server import OvhServer, line_event, scripted_calls
from test_restart import local_tz_at
from wallboard_screens import BIN, Screen, clean_env

FEED_LINE = "0033972109999"
PROGRESS = re.compile(r"LOADING THE JOURNAL: \d+%, [1-9]\d* events")


def calls(token, n, first_s, last_s, tag):
    """Journal lines of n answered inbound calls on 50 lines, spread over [first_s, last_s]."""
    out = []
    step = (last_s - first_s) * 10**9 // max(n, 1)
    for i in range(n):
        t = first_s * 10**9 + i * step
        line = "00339721%05d" % (i % 50)
        for k, kind in enumerate(("start_ringing", "start_calling", "end_calling")):
            ev = line_event(kind, line, "%s-%d" % (tag, i), "00336%08d" % i,
                            "...%s" % token[-4:], t + k * step // 4)
            ev["Received"] = t + k * step // 4
            out.append(json.dumps(ev, separators=(",", ":")) + "\n")
    return out


class Journal:
    """A journal directory in a time zone where it is now 02:xx: today's file is a regular
    file of today_calls calls; yesterday's is a named pipe (see the module's comment) that
    yesterday() fills and closes."""

    def __init__(self, tmp_path, token, today_calls, yesterday_calls=1000):
        self.tz, offset = local_tz_at(2)
        now = int(time.time())
        midnight = (now + offset) // 86400 * 86400 - offset
        self.dir = tmp_path / "journal"
        self.dir.mkdir()
        name = lambda t: time.strftime("%Y-%m-%d.jsonl", time.gmtime(t + offset))  # noqa
        self.today_path = self.dir / name(now)
        self.old = calls(token, yesterday_calls, midnight - 4 * 3600, midnight - 3 * 3600, "y")
        self.new = calls(token, today_calls, now - 3000, now - 10, "t")
        self.today_path.write_text("".join(self.new))
        self.fifo = self.dir / name(midnight - 86400)
        os.mkfifo(self.fifo, 0o600)
        # read-write: opening does not wait for the reader, and the reader sees no end of
        # file while this is open
        self.fd = os.open(self.fifo, os.O_RDWR)

    def give(self):
        """Give yesterday's lines to the replay, without ending the file."""
        data = "".join(self.old).encode()
        while data:
            data = data[os.write(self.fd, data):]

    def yesterday(self):
        """Give yesterday's lines to the replay and end the file."""
        self.give()
        self.close()

    def close(self):
        """End yesterday's file; the pipe goes (nobody else should wait on it)."""
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None
            self.fifo.unlink()

    def events(self):
        return len(self.old) + len(self.new)

    def plain_replay(self, tmp_path):
        """The snapshot of a plain --replay of the same lines."""
        both = tmp_path / "both.jsonl"
        both.write_text("".join(self.old + self.new))
        snap = tmp_path / "replay.json"
        env = clean_env(tmp_path, TZ=self.tz)
        subprocess.run([BIN, "--replay", str(both), "--speed", "0", "--headless",
                        "--snapshot", str(snap)], env=env, check=True, timeout=120,
                       capture_output=True)
        return json.loads(snap.read_text())


def figures(snap):
    """What must not depend on how the journal was read: the day's figures of every line."""
    return {line["number"]: line["today"] for line in snap["lines"]}


def read_snapshot(path):
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None


def console(tmp_path, server, token, journal, *args):
    tokfile = tmp_path / "token"
    tokfile.write_text(token + "\n")
    tokfile.chmod(0o600)
    argv = [BIN, "--url", server.url, "--token-file", str(tokfile), "--journal",
            str(journal.dir), "--snapshot", str(tmp_path / "s.json"), *args]
    return Screen(100, 30, argv, clean_env(tmp_path, TERM="tmux-256color", TZ=journal.tz))


def test_console_opens_at_once_and_ends_with_the_figures_of_a_plain_replay(tmp_path):
    token = new_token()
    server = OvhServer([token], hold=0.3).start()
    journal = Journal(tmp_path, token, today_calls=66667)  # 200,001 lines today
    s = console(tmp_path, server, token, journal)
    try:
        # the screen is up while yesterday's file is still being read
        s.wait_for(lambda t: "LOADING THE JOURNAL: 0%, 0 events" in t, "the screen")
        journal.give()
        text = s.wait_for(lambda t: PROGRESS.search(t.splitlines()[0]), "the progress")
        assert "Lines (" in text
        assert read_snapshot(tmp_path / "s.json")["startup"]["active"]
        journal.close()
        done = tmp_path / "s.json"
        wait_until(lambda: (read_snapshot(done) or {}).get("startup", {}).get("active") is False
                   and counter(read_snapshot(done), "events") == journal.events(),
                   "the end of the replay", timeout=120)
        text = s.wait_for(lambda t: "LOADING" not in t, "the progress gone")
        live = read_snapshot(done)
    finally:
        s.close()
        journal.close()
        server.stop()
    assert live["startup"]["events"] == journal.events()
    replayed = journal.plain_replay(tmp_path)
    assert counter(replayed, "events") == journal.events()
    assert figures(live) == figures(replayed)
    assert sum(t["calls_in"] for t in figures(live).values()) == 66667


def test_wallboard_says_the_journal_is_loading(tmp_path):
    token = new_token()
    server = OvhServer([token], hold=0.3).start()
    journal = Journal(tmp_path, token, today_calls=100)
    s = console(tmp_path, server, token, journal, "--wallboard")
    try:
        text = s.wait_for(lambda t: "LOADING THE JOURNAL: 0%, " in t and "NOT COMPLETE" in t,
                          "the banner")
        assert "CONNECTING" not in text  # the replay's banner first
        journal.yesterday()
        s.wait_for(lambda t: "LOADING" not in t, "the banner gone")
    finally:
        s.close()
        journal.close()
        server.stop()


def test_feed_events_wait_for_the_replay_and_are_journalled_once(tmp_path):
    token = new_token()
    server = OvhServer([token], hold=0.3).start()
    feed_events = scripted_calls(token, FEED_LINE, 5)  # 15 events, sent at once
    server.add_events(token, feed_events)
    journal = Journal(tmp_path, token, today_calls=1000)
    run = Ctiboard(tmp_path, server.url, [token], journal=True,
                   env={"TZ": journal.tz})
    try:
        run.start()
        # the feed polled and got its events while the journal was being read
        wait_until(lambda: server.delivered(token) == len(feed_events), "the feed's events")
        during = run.wait(lambda s: s["startup"]["active"], "a snapshot of the replay")
        assert all(line["number"] != FEED_LINE for line in during["lines"])
        journal.yesterday()
        after = run.wait(lambda s: not s["startup"]["active"] and
                         counter(s, "events") == journal.events() + len(feed_events),
                         "every event", timeout=60)
        assert run.stop() == 0
    finally:
        run.kill()
        journal.close()
        server.stop()
    line = next(l for l in after["lines"] if l["number"] == FEED_LINE)
    assert line["today"]["calls_in"] == 5
    assert after["counters"]["duplicates"] == 0
    # today's file: the lines it had, then the feed's events, each once
    kept = journal.today_path.read_text().splitlines(keepends=True)
    assert kept[:len(journal.new)] == journal.new
    tail = [json.loads(x) for x in kept[len(journal.new):]]
    assert [(e["Event"], e["Data"]["CallId"]) for e in tail] == \
        [(e["Event"], e["Data"]["CallId"]) for e in feed_events]
    run.assert_no_token_written()


def test_headless_prints_the_progress_of_a_long_replay(tmp_path):
    token = new_token()
    server = OvhServer([token], hold=0.3).start()
    journal = Journal(tmp_path, token, today_calls=1000)
    run = Ctiboard(tmp_path, server.url, [token], journal=True, env={"TZ": journal.tz})
    try:
        run.start()
        # yesterday's file is open and not ended: the replay lasts until the test ends it
        wait_until(lambda: "replaying the journal: " in run.read("stderr"), "a progress line")
        journal.yesterday()
        wait_until(lambda: "journal replayed: " in run.read("stderr"), "the last line",
                   timeout=60)
        assert run.stop() == 0
    finally:
        run.kill()
        journal.close()
        server.stop()
    err = run.read("stderr")
    progress = re.findall(r"ctiboard: replaying the journal: (\d+)%, (\d+) events", err)
    assert progress
    # yesterday's file (a pipe) has no size: the first lines come before today's bytes; a
    # slow machine may say more once today's file is read, never going back
    percents = [int(p) for p, _ in progress]
    assert percents[0] == 0 and percents == sorted(percents) and percents[-1] <= 100
    last = re.search(r"ctiboard: journal replayed: (\d+) events in \d+\.\d s\n", err)
    assert last and int(last.group(1)) == journal.events()
    assert err.index("replaying the journal") < last.start()
