"""A restart on the same day: today's journal is replayed, so the day's counters and the calls
still in progress are back before the first poll answers."""
from feedlib import Ctiboard, counter, new_token
from ovh_server import OvhServer, line_event, scripted_calls

LINE = "0033972101010"


def line_of(snap):
    return next(l for l in snap["lines"] if l["number"] == LINE)


def test_restart_on_the_same_day_keeps_the_counters(tmp_path):
    token = new_token()
    server = OvhServer([token], hold=0.3).start()
    try:
        events = scripted_calls(token, LINE, 3)
        events.append(line_event("start_calling", LINE, "in-progress", "0033611111111", token))
        server.add_events(token, events)

        first = Ctiboard(tmp_path, server.url, [token], journal=True).start()
        before = first.wait(lambda s: counter(s, "events") == len(events), "every event")
        assert first.stop() == 0
        assert line_of(before)["today"]["calls_in"] == 4
        assert line_of(before)["state"] == "in_call"

        # the server has nothing new: whatever the second run shows comes from the journal
        server.refuse(True)
        (tmp_path / "s.json").unlink()
        second = Ctiboard(tmp_path, server.url, [token], journal=True).start()
        after = second.wait(lambda s: counter(s, "events") == len(events), "the journal")
        assert second.stop() == 0
        assert line_of(after)["today"] == line_of(before)["today"]
        assert [c["call_id"] for c in line_of(after)["calls"]] == ["in-progress"]
        assert after["counters"]["duplicates"] == 0
        first.assert_no_token_written()
    finally:
        server.stop()
