"""The console's header tells the truth about each live feed: live, reconnecting, token
rejected, stale; and a live event is on screen without any key pressed."""
import json
import time

from ovh_server import OvhServer, line_event
from wallboard_screens import BIN, Screen, clean_env

TOKEN = "0A1B2C3D-4E5F-4A1B-8C2D-3E4F5A6B7C8D"
LINE = "0033972101010"


def open_console(tmp_path, server, *settings, journal=None):
    tokfile = tmp_path / "token"
    tokfile.write_text(TOKEN + "\n")
    tokfile.chmod(0o600)
    argv = [BIN, "--url", server.url, "--token-file", str(tokfile)]
    argv += ["--journal", str(journal)] if journal else ["--no-journal"]
    argv += ["--set", "backoff_base_ms=3000", "--set", "backoff_cap_ms=3000"]
    for s in settings:
        argv += ["--set", s]
    return Screen(100, 30, argv, clean_env(tmp_path, TERM="tmux-256color"))


def header(text):
    return text.splitlines()[0]


def test_live_feed_and_an_event_on_screen(tmp_path):
    server = OvhServer([TOKEN], hold=0.3).start()
    s = open_console(tmp_path, server)
    try:
        s.wait_for(lambda t: "live" in header(t), "a live feed")
        server.add_events(TOKEN, [line_event("start_ringing", LINE, "c1", "0033612345678",
                                             TOKEN)])
        text = s.wait_for(lambda t: "+33 6 12 34 56 78" in t, "the caller ringing")
        raw = s.text(escapes=True)
    finally:
        s.close()
        server.stop()
    assert "live, last event" in header(text)
    assert "Ringing (1)" in text
    assert TOKEN[:13] not in raw


def test_rejected_token_is_said_in_the_header(tmp_path):
    server = OvhServer([], hold=0.3).start()  # the token is unknown: 401
    s = open_console(tmp_path, server)
    try:
        text = s.wait_for(lambda t: "TOKEN REJECTED" in header(t), "token rejected")
    finally:
        s.close()
        server.stop()
    assert "retry in" in header(text)


def test_refused_connections_say_why_with_a_countdown(tmp_path):
    server = OvhServer([TOKEN], hold=0.3).start()
    server.refuse(True)
    s = open_console(tmp_path, server)
    try:
        first = s.wait_for(lambda t: "retry in" in header(t), "the retry countdown")
        time.sleep(1.2)
        later = s.text()
    finally:
        s.close()
        server.stop()
    # a feed that never connected says why, not "connecting" forever
    assert "not connected: refused" in header(first), header(first)
    assert header(later) != header(first)  # the countdown moves without a key pressed


def test_a_silent_feed_turns_stale(tmp_path):
    server = OvhServer([TOKEN], hold=0.3).start()
    server.set_mode("never")  # polls are read and never answered
    s = open_console(tmp_path, server, "watchdog_s=1")
    try:
        text = s.wait_for(lambda t: "STALE" in header(t), "a stale feed")
    finally:
        s.close()
        server.stop()
    assert "STALE for" in header(text)


def test_journal_lines_not_written_are_said_in_the_header(tmp_path):
    # the day's file is a directory (for every day near now, whatever the time zone): no line
    # can be written, root included; the feed goes on and the header says how many were lost
    journal = tmp_path / "journal"
    for days in (-1, 0, 1):
        day = time.strftime("%Y-%m-%d", time.gmtime(time.time() + days * 86400))
        (journal / (day + ".jsonl")).mkdir(parents=True)
    server = OvhServer([TOKEN], hold=0.3).start()
    s = open_console(tmp_path, server, journal=journal)
    try:
        s.wait_for(lambda t: "live" in header(t), "a live feed")
        server.add_events(TOKEN, [line_event("start_ringing", LINE, "c%d" % i,
                                             "0033612345678", TOKEN) for i in range(2)])
        text = s.wait_for(lambda t: "JOURNAL: 2 lines not written" in header(t),
                          "the lost lines in the header")
    finally:
        s.close()
        server.stop()
    assert "Ringing (2)" in text  # the events were applied all the same


def _unresolvable_console(tmp_path, cols):
    tokfile = tmp_path / "token"
    tokfile.write_text(TOKEN + "\n")
    tokfile.chmod(0o600)
    argv = [BIN, "--url", "https://no-such-host.invalid/events", "--token-file",
            str(tokfile), "--no-journal"]
    return Screen(cols, 24, argv, clean_env(tmp_path, TERM="tmux-256color"))


def test_a_narrow_header_keeps_the_feed_state_and_the_alert_count(tmp_path):
    s = _unresolvable_console(tmp_path, 80)
    try:
        text = s.wait_for(lambda t: "DNS" in header(t), "the DNS failure")
    finally:
        s.close()
    assert "not connected: DNS" in header(text), header(text)
    assert "no alert" in header(text) or " alert" in header(text), header(text)


def test_a_wide_header_gives_the_error_the_room_it_has(tmp_path):
    s = _unresolvable_console(tmp_path, 200)
    try:
        text = s.wait_for(lambda t: "retry in" in header(t), "the retry countdown")
    finally:
        s.close()
    line = header(text)
    assert "Could not resolve host: no-such-host.invalid, retry in" in line, line
    assert "0.0 ev/s" in line and "alert" in line, line


def test_the_wallboard_banner_says_why_there_is_no_data(tmp_path):
    s = _unresolvable_console(tmp_path, 80)
    try:
        s.wait_for(lambda t: "DNS" in header(t), "the DNS failure")
        s.keys("w")
        text = s.wait_for(lambda t: "NO DATA YET" in t, "the wallboard's banner")
    finally:
        s.close()
    banner = next(ln for ln in text.splitlines() if "NO DATA YET" in ln)
    assert "NOT CONNECTED (DNS) - NO DATA YET" in banner, banner


def queue_caller(kind, ts_ns):
    """A caller entering the Support queue at ts_ns (protocol.md's queue event shape)."""
    return {"Event": kind, "Token": TOKEN, "Service": "queues", "Ressource": "0033972200000",
            "Timestamp": ts_ns, "Date": "2025-11-26T11:00:00.000000 (CET)",
            "Data": {"Action": kind, "Calling": "0611223344", "Queue": "0033972200000",
                     "QueueMemberUUID": "m1", "QueueMemberCIDNumber": "0611223344",
                     "QueueMemberCIDName": "0611223344",
                     "QueueMemberJoinedTime": str(ts_ns // 10**9), "Ts": str(ts_ns // 10**9)},
            "Details": {"Description": "Support", "Id": "4000", "IdBillingAccount": "77",
                        "SimultaneousLine": "0", "Type": "easyHunting"}}


def support_row(text):
    rows = [l for l in text.splitlines() if "Support" in l and "Queue" not in l.split()[0:1]]
    return rows[0] if rows else ""


def test_a_callers_wait_grows_on_screen_with_no_event(tmp_path):
    # nothing comes after the caller: the Queues panel's wait grows all the same (the rows'
    # aging without a new copy of the model is tested in tests/unit/test_panels.c)
    server = OvhServer([TOKEN], hold=60).start()
    s = open_console(tmp_path, server, "alert_wait_warn_s=0", "alert_wait_crit_s=0")
    try:
        s.wait_for(lambda t: "live" in header(t), "a live feed")
        server.add_events(TOKEN, [queue_caller("member-queue-start", time.time_ns())])
        first = s.wait_for(lambda t: "0:0" in support_row(t), "the Support queue's caller")
        later = s.wait_for(lambda t: support_row(t) and support_row(t) != support_row(first),
                           "the wait grown", timeout=10)
    finally:
        s.close()
        server.stop()
    assert support_row(first) != support_row(later)


def test_the_wallboard_banner_says_the_figures_come_from_the_journal(tmp_path):
    # not connected, but today's journal gave figures: they are not "no data"
    journal = tmp_path / "journal"
    journal.mkdir()
    ev = line_event("start_ringing", LINE, "c1", "0033612345678", "...CDAB")
    ev["Received"] = ev["Timestamp"]
    (journal / time.strftime("%Y-%m-%d.jsonl")).write_text(json.dumps(ev) + "\n")
    tokfile = tmp_path / "token"
    tokfile.write_text(TOKEN + "\n")
    tokfile.chmod(0o600)
    argv = [BIN, "--url", "https://no-such-host.invalid/events", "--token-file",
            str(tokfile), "--journal", str(journal), "--no-api"]
    s = Screen(80, 24, argv, clean_env(tmp_path, TERM="tmux-256color"))
    try:
        s.wait_for(lambda t: "DNS" in header(t), "the DNS failure")
        s.keys("w")
        text = s.wait_for(lambda t: "FIGURES FROM THE JOURNAL" in t, "the wallboard's banner")
    finally:
        s.close()
    assert "NO DATA YET" not in text
