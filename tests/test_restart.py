"""A restart on the same day: today's journal is replayed, so the day's counters and the calls
still in progress are back before the first poll answers."""
import json
import time

from feedlib import Ctiboard, counter, new_token
from ovh_server import OvhServer, line_event, scripted_calls

LINE = "0033972101010"
QUEUE = "0033972200000"


def line_of(snap):
    return next(l for l in snap["lines"] if l["number"] == LINE)


def test_restart_on_the_same_day_keeps_the_counters(tmp_path):
    token = new_token()
    server = OvhServer([token], hold=0.3).start()
    runs = []
    try:
        events = scripted_calls(token, LINE, 3)
        events.append(line_event("start_calling", LINE, "in-progress", "0033611111111", token))
        server.add_events(token, events)

        first = Ctiboard(tmp_path, server.url, [token], journal=True).start()
        runs.append(first)
        before = first.wait(lambda s: counter(s, "events") == len(events), "every event")
        assert first.stop() == 0
        assert line_of(before)["today"]["calls_in"] == 4
        assert line_of(before)["state"] == "in_call"

        # the server has nothing new: whatever the second run shows comes from the journal
        server.refuse(True)
        (tmp_path / "s.json").unlink()
        second = Ctiboard(tmp_path, server.url, [token], journal=True).start()
        runs.append(second)
        after = second.wait(lambda s: counter(s, "events") == len(events), "the journal")
        assert second.stop() == 0
        assert line_of(after)["today"] == line_of(before)["today"]
        assert [c["call_id"] for c in line_of(after)["calls"]] == ["in-progress"]
        assert after["counters"]["duplicates"] == 0
        first.assert_no_token_written()
    finally:
        for r in runs:
            r.kill()  # a run left by a failed wait
        server.stop()


def local_tz_at(hour):
    """A fixed-offset TZ (POSIX spelling, sign inverted) in which it is now hour:xx; its
    offset from UTC in seconds."""
    offset = (hour - time.gmtime().tm_hour) % 24
    if offset > 12:
        offset -= 24
    return "CTB%+d" % -offset, offset * 3600


def answered_call(token, call_id, t_s):
    """Journal lines of an answered inbound call on LINE at t_s (UTC seconds)."""
    ns = t_s * 10**9
    lines = []
    for k, kind in enumerate(("start_ringing", "start_calling", "end_calling")):
        ev = line_event(kind, LINE, call_id, "0033612345678", "...%s" % token[-4:],
                        ns + k * 10**9)
        ev["Received"] = ns + k * 10**9
        lines.append(json.dumps(ev) + "\n")
    return lines


def test_restart_in_a_night_shift_replays_yesterday_too(tmp_path):
    # it is 10:xx local time and "today" starts at 13:00: today began yesterday at 13:00, in
    # yesterday's journal file
    tz, offset = local_tz_at(10)
    now = int(time.time())
    local_midnight = (now + offset) // 86400 * 86400 - offset
    yesterday, today = local_midnight - 86400, local_midnight
    journal = tmp_path / "journal"
    journal.mkdir()
    token = new_token()
    day_name = lambda t: time.strftime("%Y-%m-%d.jsonl", time.gmtime(t + offset))  # noqa: E731
    (journal / day_name(yesterday)).write_text("".join(
        answered_call(token, "before-the-shift", yesterday + 9 * 3600) +
        answered_call(token, "evening", yesterday + 15 * 3600)))
    (journal / day_name(today)).write_text("".join(
        answered_call(token, "after-midnight", today + 2 * 3600)))

    server = OvhServer([token], hold=0.3).start()
    server.refuse(True)  # nothing from the feed: the counters come from the journal alone
    run = Ctiboard(tmp_path, server.url, [token], journal=True,
                   settings={"shift_start": "13:00"}, env={"TZ": tz})
    try:
        run.start()
        snap = run.wait(lambda s: counter(s, "events") == 9 and not s["startup"]["active"],
                        "the journal of the shift")
        assert run.stop() == 0
    finally:
        run.kill()
        server.stop()
    # the call before 13:00 yesterday belongs to the day before; the two after it are today's
    assert snap["day_start"] == yesterday + 13 * 3600
    assert line_of(snap)["today"]["calls_in"] == 2
    assert counter(snap, "events") == 9


def queue_joined(token, uuid, t_s):
    """The journal line of a caller joining QUEUE at t_s (UTC seconds)."""
    ns = t_s * 10**9
    ev = {"Event": "member-queue-start", "Token": "...%s" % token[-4:], "Service": "queues",
          "Ressource": QUEUE, "Timestamp": ns,
          "Data": {"QueueMemberUUID": uuid, "QueueMemberCIDNumber": "0611111111",
                   "QueueMemberJoinedTime": str(t_s), "Ts": str(t_s)},
          "Details": {"Description": "Support", "Type": "easyHunting"}, "Received": ns}
    return json.dumps(ev) + "\n"


def test_restart_after_midnight_keeps_what_is_still_open(tmp_path):
    # it is 01:xx local time: a call answered at 22:xx and a caller waiting since 23:xx, both
    # yesterday, are still open; today's counters start at midnight
    tz, offset = local_tz_at(1)
    now = int(time.time())
    local_midnight = (now + offset) // 86400 * 86400 - offset
    yesterday = local_midnight - 86400
    journal = tmp_path / "journal"
    journal.mkdir()
    token = new_token()
    day_name = lambda t: time.strftime("%Y-%m-%d.jsonl", time.gmtime(t + offset))  # noqa: E731
    talking_since = now - 3 * 3600
    lines = answered_call(token, "finished", yesterday + 10 * 3600)
    lines += answered_call(token, "still-talking", talking_since)[:2]  # no end_calling
    lines.append(queue_joined(token, "still-waiting", now - 2 * 3600))
    (journal / day_name(yesterday)).write_text("".join(lines))

    server = OvhServer([token], hold=0.3).start()
    server.refuse(True)  # nothing from the feed: what shows comes from the journal alone
    # a short callback window: only the expiry (4 h) makes yesterday's file worth reading
    run = Ctiboard(tmp_path, server.url, [token], journal=True,
                   settings={"callback_window_h": 1}, env={"TZ": tz})
    try:
        run.start()
        snap = run.wait(lambda s: counter(s, "events") == 6 and not s["startup"]["active"],
                        "yesterday's journal")
        assert run.stop() == 0
    finally:
        run.kill()
        server.stop()
    assert snap["day_start"] == local_midnight
    line = line_of(snap)
    assert [c["call_id"] for c in line["calls"]] == ["still-talking"]
    assert abs(line["calls"][0]["duration_s"] - (snap["now"] - talking_since - 1)) <= 2
    assert line["today"]["calls_in"] == 0  # both calls began yesterday
    queue = next(q for q in snap["queues"] if q["number"] == QUEUE)
    assert [m["id"] for m in queue["members"]] == ["still-waiting"]
    assert abs(queue["members"][0]["wait_s"] - 2 * 3600) <= 5
