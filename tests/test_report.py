"""`ctiboard report`: the sample day and a multi-day journal, field by field, in text, CSV
(read back with Python's csv module) and JSON; what-if settings; the interval chart."""
import csv
import io
import json
import os
import subprocess
from pathlib import Path

import pytest

from callgen import CAMILLE, MARIE, SUPPORT, VENTES, Journal, callbacks_day, paris

HERE = Path(__file__).resolve().parent
BIN = os.environ.get("CTIBOARD_BIN", str(HERE.parent / "ctiboard"))
DAY = HERE / "data" / "day.jsonl"
QUEUE_KEYS = ["day", "queue", "name", "offered", "answered", "abandoned", "short_abandoned",
              "timed_out", "left_by_key", "other", "abandon_rate", "service_level", "sl_target_s",
              "avg_wait_s", "avg_talk_s", "longest_wait_s"]


def report(*args, ok=True, **env_extra):
    env = dict(os.environ, TZ="Europe/Paris", XDG_CONFIG_HOME="/nonexistent",
               XDG_STATE_HOME="/nonexistent", LC_ALL="C.UTF-8")
    env.update(env_extra)
    r = subprocess.run([BIN, "report", *map(str, args)], env=env, capture_output=True,
                       timeout=60)
    # decoded by hand: text mode would turn CSV's CRLF into LF
    r.stdout, r.stderr = r.stdout.decode(), r.stderr.decode()
    if ok:
        assert r.returncode == 0, r.stderr
    return r


def csv_rows(*args):
    out = report("--format", "csv", *args).stdout
    assert "\r\n" in out  # RFC 4180 line ends
    return list(csv.DictReader(io.StringIO(out, newline="")))


def test_sample_day_by_queue_in_csv_matches_the_figures_computed_by_hand():
    rows = csv_rows(DAY)
    assert list(rows[0]) == QUEUE_KEYS
    support, ventes, total = rows
    assert support == {"day": "2025-11-26", "queue": "0033972200000", "name": "Support",
                       "offered": "6", "answered": "2", "abandoned": "1",
                       "short_abandoned": "1", "timed_out": "1", "left_by_key": "0",
                       "other": "1",  # the caller still waiting at 11:00
                       "abandon_rate": "0.333", "service_level": "0.333", "sl_target_s": "20",
                       "avg_wait_s": "25", "avg_talk_s": "210", "longest_wait_s": "300"}
    assert (ventes["offered"], ventes["answered"], ventes["abandoned"]) == ("2", "1", "1")
    assert (ventes["service_level"], ventes["avg_wait_s"], ventes["avg_talk_s"]) == \
        ("0.500", "15", "360")
    assert (total["queue"], total["offered"], total["answered"], total["abandoned"]) == \
        ("total", "8", "3", "2")
    assert (total["abandon_rate"], total["avg_talk_s"], total["longest_wait_s"]) == \
        ("0.400", "260", "300")
    outcomes = ("answered", "abandoned", "short_abandoned", "timed_out", "left_by_key", "other")
    assert all(int(r["offered"]) == sum(int(r[k]) for k in outcomes) for r in rows)


def test_sample_day_in_text_and_json_say_the_same():
    text = report(DAY).stdout.splitlines()
    assert text[0].startswith("ctiboard report by queue, 2025-11-26 to 2025-11-26")
    header = text[2].split()
    assert header[:5] == ["Day", "Queue", "Name", "Offered", "Answered"]
    support = text[3].split()
    assert support[:10] == ["2025-11-26", "0033972200000", "Support", "6", "2", "1", "1", "1",
                            "0", "1"]
    assert support[10:] == ["33.3%", "33.3%", "0:20", "0:25", "3:30", "5:00"]
    doc = json.loads(report("--format", "json", DAY).stdout)
    assert (doc["report"], doc["from"], doc["to"], doc["sl_target_s"]) == \
        ("queue", "2025-11-26", "2025-11-26", 20)
    assert list(doc["rows"][0]) == QUEUE_KEYS
    assert doc["rows"][0]["service_level"] == pytest.approx(0.333)
    assert doc["rows"][0]["avg_talk_s"] == 210
    assert doc["rows"][2]["queue"] == "total"


def test_a_reset_in_the_journal_does_not_cut_the_day(tmp_path):
    # the console's `r` is journalled so that a restart honours it; a report reads the whole day
    lines = DAY.read_text().splitlines(keepends=True)
    cut = tmp_path / "reset.jsonl"
    cut.write_text("".join(lines[:len(lines) // 2]) + '{"ctiboard":"reset_today"}\n' +
                   "".join(lines[len(lines) // 2:]))
    assert csv_rows(cut) == csv_rows(DAY)


def test_what_if_recomputes_with_other_definitions():
    # M2 waited 40 s: answered within a 45 s target, not within 20 s
    base = csv_rows(DAY)[0]
    wider = csv_rows("--set", "sl_target_s=45", DAY)[0]
    assert (base["service_level"], wider["service_level"]) == ("0.333", "0.667")
    assert wider["sl_target_s"] == "45"
    only = csv_rows("--set", "sl_target_s=45", "--set", "sl_formula=answered_only", DAY)[0]
    assert only["service_level"] == "1.000"
    # a longer short-abandon threshold turns M3's 30 s abandon into a short one
    short = csv_rows("--set", "short_abandon_s=31", DAY)[0]
    assert (short["abandoned"], short["short_abandoned"], short["abandon_rate"]) == \
        ("0", "2", "0.000")
    # one queue's own target: its row says which, the total mixes two and says none
    own = csv_rows("--set", "queue.0033972200000.sl_target_s=45", DAY)
    assert [(x["name"], x["service_level"], x["sl_target_s"]) for x in own] == \
        [("Support", "0.667", "45"), ("Ventes", "0.500", "20"), ("All queues", "0.600", "")]
    text = report("--set", "queue.0033972200000.sl_target_s=45", DAY).stdout
    assert "answered within each queue's target (20 s unless set)" in text.splitlines()[0]
    bad = report("--set", "sl_target_s=zero", DAY, ok=False)
    assert bad.returncode == 2 and "sl_target_s" in bad.stderr


def test_sample_day_by_line_and_agent():
    lines = {r["name"]: r for r in csv_rows("--by", "line", DAY)}
    assert lines["Accueil"] == {"day": "2025-11-26", "line": "0033972101010",
                                "name": "Accueil", "calls_in": "3", "calls_out": "1",
                                "answered": "1", "missed": "1", "talk_s": "480"}
    agents = csv_rows("--by", "agent", DAY)
    assert list(agents[0]) == ["day", "agent", "name", "calls_taken", "talk_s", "avg_talk_s",
                               "offers_not_taken", "queues", "queue_names", "break_s",
                               "logged_in_s"]
    paul = [a for a in agents if a["name"] == "Paul Martin"][0]
    assert (paul["queues"], paul["queue_names"]) == ("0033972200000 0033972200001",
                                                     "Support, Ventes")
    # no OVH API status in the journal: the two columns are there, empty
    assert all(a["break_s"] == "" and a["logged_in_s"] == "" for a in agents)
    assert sum(int(a["calls_taken"]) for a in agents) == 3
    assert sum(int(a["talk_s"]) for a in agents) == 300 + 120 + 360


def test_by_interval_lists_each_interval_and_ends_with_the_chart():
    rows = csv_rows("--by", "interval", DAY)
    assert list(rows[0]) == ["day", "queue", "name", "start", "end", "offered", "answered",
                             "abandoned", "service_level", "longest_wait_s"]
    support = [r for r in rows if r["name"] == "Support"]
    assert sum(int(r["offered"]) for r in support) == 6
    assert sum(int(r["answered"]) for r in support) == 2
    assert all(r["end"] > r["start"] for r in rows)
    # an interval nobody joined has no longest wait: empty, not 0
    assert all((r["longest_wait_s"] == "") == (r["offered"] == "0") for r in rows)
    assert any(r["offered"] == "0" for r in rows)
    hourly = csv_rows("--by", "interval", "--interval", "60", DAY)
    assert [(r["start"], r["end"]) for r in hourly if r["name"] == "Support"][0][1][-2:] == "00"
    text = report("--by", "interval", DAY).stdout
    tail = text[text.index("Support 0033972200000, per 15 min"):]
    assert "█" in tail and "◆ service level" in tail and "100%" in tail
    ascii_text = report("--by", "interval", "--ascii", DAY).stdout
    assert "█" not in ascii_text and "* service level" in ascii_text


def test_by_callback_lists_the_callers_with_their_status(tmp_path):
    path = tmp_path / "cb.jsonl"
    callbacks_day().write(path)
    rows = csv_rows("--by", "callback", path)
    assert list(rows[0]) == ["caller", "display", "queue", "queue_name", "left_at", "wait_s",
                             "outcome", "tries", "attempts", "status", "closed_by",
                             "closed_by_name", "closed_at"]
    by = {r["caller"]: r for r in rows}
    assert by["0033612345678"] == {
        "caller": "0033612345678", "display": "Jean Petit", "queue": SUPPORT,
        "queue_name": "Support", "left_at": "2025-11-26 09:03:10", "wait_s": "70",
        "outcome": "abandoned", "tries": "1", "attempts": "0", "status": "called_back",
        "closed_by": CAMILLE, "closed_by_name": "Camille Roux",
        "closed_at": "2025-11-26 09:10:08"}
    sophie = by["0033698765432"]
    assert (sophie["status"], sophie["attempts"], sophie["closed_by"],
            sophie["closed_by_name"]) == ("open", "1", "", "")
    assert by["0033655500011"]["tries"] == "2"
    assert [r["status"] for r in rows][:4] == ["open"] * 4


def multi_day_journal(tmp_path):
    """Three days in a journal directory, the middle one missing."""
    d = tmp_path / "journal"
    d.mkdir()
    day1, day3 = Journal(), Journal()
    at1 = lambda h, m, s=0: paris(2025, 11, 24, h, m, s)  # noqa: E731
    at3 = lambda h, m, s=0: paris(2025, 11, 26, h, m, s)  # noqa: E731
    day1.answered(SUPPORT, "a1", "0611000001", "", at1(9, 0), at1(9, 0, 10), at1(9, 5), CAMILLE)
    day1.answered(SUPPORT, "a2", "0611000002", "", at1(9, 1), at1(9, 1, 30), at1(9, 3), MARIE)
    day1.abandoned(SUPPORT, "b1", "0611000003", "", at1(10, 0), at1(10, 1))
    # late in the evening: left by key, called back after midnight from day 2's file
    day1.abandoned(VENTES, "b2", "0611000004", "Nuit", at1(23, 50), at1(23, 51), "EXIT_WITH_KEY")
    day2 = Journal()
    day2.outbound(MARIE, "cb", "+33611000004", paris(2025, 11, 25, 0, 20), answered=True)
    day3.answered(VENTES, "a3", "0611000005", "", at3(14, 0), at3(14, 0, 5), at3(14, 2), MARIE)
    day3.abandoned(VENTES, "b3", "0611000006", "", at3(14, 10), at3(14, 12), "TIMEOUT")
    day1.write(d / "2025-11-24.jsonl")
    day3.write(d / "2025-11-26.jsonl")
    return d, day2


def test_multi_day_journal_gives_one_row_per_queue_per_day(tmp_path):
    d, _ = multi_day_journal(tmp_path)
    r = report("--format", "csv", "--journal", d, "--from", "2025-11-24", "--to", "2025-11-26")
    assert "no journal for that day" in r.stderr and "2025-11-25.jsonl" in r.stderr
    rows = list(csv.DictReader(io.StringIO(r.stdout, newline="")))
    got = [(x["day"], x["name"], x["offered"], x["answered"], x["abandoned"], x["timed_out"],
            x["left_by_key"]) for x in rows]
    assert got == [
        ("2025-11-24", "Support", "3", "2", "1", "0", "0"),
        ("2025-11-24", "Ventes", "1", "0", "0", "0", "1"),
        ("2025-11-24", "All queues", "4", "2", "1", "0", "1"),
        ("2025-11-26", "Ventes", "2", "1", "0", "1", "0"),
        ("2025-11-26", "All queues", "2", "1", "0", "1", "0"),
        ("2025-11-24/2025-11-26", "All queues", "6", "3", "1", "1", "1"),
    ]
    day1 = rows[0]
    assert (day1["avg_wait_s"], day1["service_level"], day1["longest_wait_s"]) == \
        ("20", "0.333", "60")  # waits 10 and 30 s (one within 20 s) over 2 + 1 abandon
    # one day of the range only
    only = csv_rows("--journal", d, "--from", "2025-11-26", "--to", "2025-11-26")
    assert [x["day"] for x in only] == ["2025-11-26", "2025-11-26"]


def test_a_caller_still_waiting_at_the_end_counts_in_the_longest_wait(tmp_path):
    at = lambda h, m, s=0: paris(2025, 11, 24, h, m, s)  # noqa: E731
    j = Journal()
    j.answered(SUPPORT, "a1", "0611000001", "", at(9, 0), at(9, 0, 10), at(9, 5), CAMILLE)
    j.queue("member-queue-start", at(9, 20), SUPPORT, "w1", "0611000002", "Still Here")
    j.outbound(MARIE, "o1", "0611000009", at(9, 40), answered=False)  # the input's last: 9:40:30
    path = tmp_path / "2025-11-24.jsonl"
    j.write(path)
    day = csv_rows(path)[0]
    assert (day["offered"], day["answered"], day["longest_wait_s"]) == ("2", "1", "1230")
    slots = {(x["start"], x["longest_wait_s"]) for x in csv_rows("--by", "interval", path)}
    assert ("09:15", "1230") in slots and ("09:00", "10") in slots


def test_rows_are_in_name_order_whatever_came_first(tmp_path):
    at = lambda h, m, s=0: paris(2025, 11, 24, h, m, s)  # noqa: E731
    j = Journal()  # Ventes and Marie's line are seen first
    j.answered(VENTES, "v1", "0611000001", "", at(9, 0), at(9, 0, 10), at(9, 5), MARIE)
    j.answered(SUPPORT, "s1", "0611000002", "", at(9, 10), at(9, 10, 10), at(9, 15), CAMILLE)
    path = tmp_path / "2025-11-24.jsonl"
    j.write(path)
    assert [r["name"] for r in csv_rows(path)] == ["Support", "Ventes", "All queues"]
    # agents the queue events alone know have no name: by number then
    assert [r["agent"] for r in csv_rows("--by", "agent", path)] == [CAMILLE, MARIE]
    day = csv_rows("--by", "interval", "--interval", "1440", path)
    assert [(r["start"], r["end"]) for r in day] == [("00:00", "24:00")] * 2


def test_multi_day_callback_closed_after_midnight(tmp_path):
    d, day2 = multi_day_journal(tmp_path)
    day2.write(d / "2025-11-25.jsonl")
    rows = csv_rows("--by", "callback", "--journal", d, "--from", "2025-11-24",
                    "--to", "2025-11-26")
    by = {r["caller"]: r for r in rows}
    night = by["0033611000004"]
    assert (night["outcome"], night["status"], night["closed_by"], night["closed_at"]) == \
        ("left_by_key", "called_back", MARIE, "2025-11-25 00:20:08")


def test_bad_requests_are_named():
    r = report("--from", "2025-02-30", ok=False)
    assert r.returncode == 2 and "--from" in r.stderr and "2025-02-30" in r.stderr
    r = report("--by", "week", ok=False)
    assert r.returncode == 2 and "--by" in r.stderr
    r = report("--format", "xls", ok=False)
    assert r.returncode == 2 and "--format" in r.stderr
    r = report("--from", "2025-11-26", "--to", "2025-11-20", ok=False)
    assert r.returncode == 2 and "after" in r.stderr
    r = report("--journal", "/nonexistent/j", "--from", "2025-11-26", ok=False)
    assert r.returncode == 1 and "no journal" in r.stderr
    r = report("/nonexistent/file.jsonl", ok=False)
    assert r.returncode == 1
    assert r.stderr.startswith("ctiboard report: cannot open /nonexistent/file.jsonl")
    for day in ("2025-11-31", "2025-13-01"):
        r = report("--from", day, ok=False)
        assert r.returncode == 2 and "'%s': no such date" % day in r.stderr
    r = report("--from", "2025-1-31", ok=False)
    assert r.returncode == 2 and "expected YYYY-MM-DD" in r.stderr
    r = report("--journal", "/nonexistent/j", DAY, ok=False)
    assert r.returncode == 2 and "give one or the other" in r.stderr


def test_an_input_with_no_day_says_so(tmp_path):
    empty = tmp_path / "empty.jsonl"
    empty.write_text("")
    assert report(empty).stdout.startswith("ctiboard report by queue, no day;")
    doc = json.loads(report("--format", "json", empty).stdout)
    assert (doc["from"], doc["to"], doc["rows"]) == (None, None, [])


def test_a_long_range_names_a_few_missing_days_and_counts_the_rest(tmp_path):
    (tmp_path / "2025-11-26.jsonl").write_text(DAY.read_text())
    r = report("--journal", tmp_path, "--from", "2025-11-01", "--to", "2025-11-30",
               "--format", "csv")
    named = [l for l in r.stderr.splitlines() if "no journal for that day" in l]
    assert [l.rsplit("/", 1)[1] for l in named] == \
        ["2025-11-01.jsonl", "2025-11-02.jsonl", "2025-11-03.jsonl"]
    assert "and no journal for 26 more days of the range (the last: %s)" % (
        tmp_path / "2025-11-30.jsonl") in r.stderr
    assert len(r.stderr.splitlines()) == 4
    assert csv_rows(DAY) == list(csv.DictReader(io.StringIO(r.stdout, newline="")))


def test_the_chart_is_ascii_in_a_locale_that_is_not_utf8():
    utf8 = report("--by", "interval", DAY).stdout
    plain = report("--by", "interval", DAY, LC_ALL="C").stdout
    assert "\u2588" in utf8 and "\u2588" not in plain
    assert plain.isascii() and "# answered  x unanswered  . other  * service level" in plain
    assert "--by WHAT" in report("--help").stdout


def test_a_bad_line_is_named_and_the_rest_reported(tmp_path):
    path = tmp_path / "j.jsonl"
    lines = DAY.read_text().splitlines(keepends=True)
    path.write_text("".join(lines[:5]) + "{not json\n" + "".join(lines[5:]))
    r = report("--format", "csv", path)
    assert "j.jsonl:6" in r.stderr
    assert "ctiboard report: 1 bad line skipped (named above)" in r.stderr
    # many bad lines: the first ten named, all counted
    path.write_text("".join(lines[:5]) + "{not json\n" * 15 + "".join(lines[5:]))
    r = report("--format", "csv", path)
    assert len([l for l in r.stderr.splitlines() if "j.jsonl:" in l]) == 10
    assert "15 bad lines skipped (the first of each file named above)" in r.stderr
    assert list(csv.DictReader(io.StringIO(r.stdout, newline="")))[0]["offered"] == "6"


def test_the_readme_chart_example_is_what_its_command_prints_in_any_time_zone():
    """The README's chart example names the time zone it was made in, so that whoever copies
    the command sees the same hours whatever their own TZ."""
    readme = (HERE.parent / "README.md").read_text().splitlines()
    at = [i for i, l in enumerate(readme) if "ctiboard report --by interval" in l
          and l.startswith("    $ ")][0]
    words = readme[at][len("    $ "):].split()
    env = dict(os.environ, TZ="America/New_York", XDG_CONFIG_HOME="/nonexistent",
               XDG_STATE_HOME="/nonexistent", LC_ALL="C.UTF-8")
    while "=" in words[0]:
        key, value = words.pop(0).split("=", 1)
        env[key] = value
    assert words[0] == "ctiboard"
    shown = []
    for line in readme[at + 1:]:
        if not line.startswith("    "):
            break
        if line.strip() != "...":
            shown.append(line[4:])
    r = subprocess.run([BIN, *words[1:]], env=env, capture_output=True, text=True, timeout=60,
                       cwd=str(HERE.parent))
    assert r.returncode == 0, r.stderr
    out = r.stdout.splitlines()
    start = out.index(shown[0])
    assert out[start:start + len(shown)] == shown


def test_the_readme_report_examples_are_what_their_commands_print():
    readme = (HERE.parent / "README.md").read_text().splitlines()
    starts = [i for i, l in enumerate(readme)
              if l.startswith("    $ ctiboard report") and "tests/data/day.jsonl" in l
              and "--by interval" not in l]
    assert len(starts) == 2
    for at in starts:
        command = readme[at][len("    $ "):]
        shown = []
        for line in readme[at + 1:]:
            if (line and not line.startswith("    ")) or line.startswith("    $ "):
                break
            shown.append(line[4:])
        while shown and not shown[-1]:
            shown.pop()
        words, head = command.split(" | ")[0].split()[1:], "| head -2" in command
        out = report(*words).stdout.replace("\r\n", "\n").splitlines()
        assert (out[:2] if head else out) == shown, command


ZOE = "0033972101099"


def status_line(t, status, reason="", seen=None, agent=ZOE, name="Zoé"):
    """An agent_status line as the OVH API thread journals it."""
    return json.dumps({"ctiboard": "agent_status", "queue": SUPPORT, "agent": agent,
                       "name": name, "agentId": 42, "status": status, "reason": reason,
                       "t": t, "Received": (seen or t + 5) * 10**9},
                      separators=(",", ":"), ensure_ascii=False)


def test_agent_report_adds_time_on_break_and_logged_in_from_the_api_statuses(tmp_path):
    day = (2025, 11, 26)
    statuses = tmp_path / "statuses.jsonl"
    statuses.write_text("\n".join([
        # logged out since the evening before; journalled that morning: the 25th is not
        # reported (the journal knew nothing of Zoé then)
        status_line(paris(2025, 11, 25, 18, 0), "loggedOut", seen=paris(*day, 8, 55)),
        status_line(paris(*day, 9, 0), "waiting"),
        status_line(paris(*day, 10, 30), "inAQueueCall"),
        status_line(paris(*day, 10, 40), "waiting"),
        status_line(paris(*day, 12, 0), "onBreak", "Lunch"),
        status_line(paris(*day, 13, 0), "waiting"),
        status_line(paris(*day, 13, 0), "waiting"),  # seen again after a restart
        status_line(paris(*day, 15, 0), "onBreak", "Training"),
        status_line(paris(*day, 15, 30), "waiting"),
        status_line(paris(*day, 17, 0), "loggedOut"),
    ]) + "\n", encoding="utf-8")
    rows = csv_rows("--by", "agent", DAY, statuses)
    zoe = [r for r in rows if r["agent"] == ZOE]
    assert len(zoe) == 1, rows
    zoe = zoe[0]
    assert zoe["day"] == "2025-11-26" and zoe["name"] == "Zoé"
    assert zoe["break_s"] == str(3600 + 1800)
    assert zoe["logged_in_s"] == str(8 * 3600)  # 09:00 to 17:00, breaks included
    assert (zoe["calls_taken"], zoe["queues"]) == ("0", SUPPORT)
    # agents only the events know have no status: empty, not zero
    others = [r for r in rows if r["agent"] != ZOE]
    assert others and all(r["break_s"] == "" and r["logged_in_s"] == "" for r in others)
    doc = json.loads(report("--by", "agent", "--format", "json", DAY, statuses).stdout)
    z = [r for r in doc["rows"] if r["agent"] == ZOE][0]
    assert (z["break_s"], z["logged_in_s"]) == (5400, 28800)
    assert all(r["break_s"] is None for r in doc["rows"] if r["agent"] != ZOE)
    text = report("--by", "agent", DAY, statuses).stdout
    assert "Break" in text and "Logged in" in text
    zline = [l for l in text.splitlines() if ZOE in l][0]
    assert "1:30:00" in zline and "8:00:00" in zline
    # the other reports and a replay skip the lines: no bad line reported
    r = report(DAY, statuses)
    assert "statuses.jsonl:" not in r.stderr, r.stderr


def test_a_status_lasts_no_longer_than_the_file_it_was_journalled_in(tmp_path):
    # the 26th's file ends at 21:30:05 (Max's line): Zoé's break, still on, ends there; the
    # journal says nothing of the night, and the 27th's file begins with her status again
    MAX = "0033972101098"
    first, second = tmp_path / "2025-11-26.jsonl", tmp_path / "2025-11-27.jsonl"
    first.write_text("\n".join([
        status_line(paris(2025, 11, 26, 20, 0), "onBreak", "Late"),
        status_line(paris(2025, 11, 26, 21, 30), "waiting", agent=MAX, name="Max"),
    ]) + "\n", encoding="utf-8")
    second.write_text("\n".join([
        status_line(paris(2025, 11, 27, 8, 0), "waiting"),
        status_line(paris(2025, 11, 27, 9, 0), "loggedOut", agent=MAX, name="Max"),
    ]) + "\n", encoding="utf-8")
    rows = csv_rows("--by", "agent", first, second)
    zoe = {r["day"]: (r["break_s"], r["logged_in_s"]) for r in rows if r["agent"] == ZOE}
    assert zoe == {"2025-11-26": ("5405", "5405"), "2025-11-27": ("0", "3605")}
    # the same figures whenever the report runs, and with the first file alone
    alone = [r for r in csv_rows("--by", "agent", first) if r["agent"] == ZOE]
    assert [(r["break_s"], r["logged_in_s"]) for r in alone] == [("5405", "5405")]


def test_a_day_has_the_same_agent_times_whatever_the_range(tmp_path):
    # the 30th's file begins with each agent's status again, begun on the 29th: that counts
    # from the 30th's start, not again on the 29th
    MAX = "0033972101098"
    day29, day30 = tmp_path / "2025-11-29.jsonl", tmp_path / "2025-11-30.jsonl"
    on29 = lambda h, m, s=0: paris(2025, 11, 29, h, m, s)  # noqa: E731
    on30 = lambda h, m, s=0: paris(2025, 11, 30, h, m, s)  # noqa: E731
    day29.write_text("\n".join([
        status_line(on29(23, 0), "onBreak", "Late"),
        status_line(on29(23, 30), "waiting", agent=MAX, name="Max"),
    ]) + "\n", encoding="utf-8")
    day30.write_text("\n".join([
        status_line(on29(23, 0), "onBreak", "Late", seen=on30(8, 0)),
        status_line(on29(23, 30), "waiting", agent=MAX, name="Max", seen=on30(8, 0)),
        status_line(on30(9, 0), "waiting"),
        status_line(on30(10, 0), "loggedOut", agent=MAX, name="Max"),
    ]) + "\n", encoding="utf-8")

    def zoe(*files):
        return {r["day"]: (r["break_s"], r["logged_in_s"])
                for r in csv_rows("--by", "agent", *files) if r["agent"] == ZOE}
    alone, both = zoe(day29), zoe(day29, day30)
    assert alone == {"2025-11-29": ("1805", "1805")}
    assert both == {"2025-11-29": ("1805", "1805"), "2025-11-30": ("32400", "36005")}

