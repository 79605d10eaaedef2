"""The Callbacks view, the header's count, the wallboard's tile, the queue's chart and the
sparklines, run for real in tmux (see test_ui.py for the harness and the golden screens)."""
import json
import re

import pytest

from callgen import CAMILLE, SUPPORT, Journal, callbacks_day, paris
from test_ui import BIN, Tmux, check_golden, lines  # noqa: F401

CLOCK = "09:57:00"  # the last event of callbacks_day()


@pytest.fixture
def tmux():
    t = Tmux()
    yield t
    t.kill()


@pytest.fixture
def day(tmp_path):
    path = tmp_path / "callbacks.jsonl"
    callbacks_day().write(path)
    return path


def start(tmux, day, width=80, height=24, args=(), env=None, marker="to call back"):
    s = tmux.start(list(args), width, height, env=env, journal=day)
    tmux.wait(s, lambda scr: CLOCK in scr and marker in scr, "the end of the replay")
    return s


def open_callbacks(tmux, s):
    tmux.keys(s, "c")
    return tmux.wait(s, lambda scr: "Callbacks:" in scr, "the Callbacks view")


@pytest.mark.parametrize("size", [(80, 24), (160, 48)])
def test_golden_callbacks_view(tmux, day, size):
    w, h = size
    s = start(tmux, day, w, h)
    open_callbacks(tmux, s)
    check_golden(tmux, s, "callbacks_%dx%d" % (w, h))


@pytest.mark.parametrize("size", [(80, 24), (160, 48)])
def test_golden_callback_history(tmux, day, size):
    w, h = size
    s = start(tmux, day, w, h)
    open_callbacks(tmux, s)
    tmux.keys(s, "Down", "Enter")
    tmux.wait(s, lambda scr: "Callback history" in scr, "the history")
    check_golden(tmux, s, "callback_history_%dx%d" % (w, h))


@pytest.mark.parametrize("size", [(80, 24), (160, 48)])
def test_golden_queue_chart(tmux, day, size):
    w, h = size
    s = start(tmux, day, w, h)
    tmux.keys(s, "Enter")  # the first queue: Support
    tmux.wait(s, lambda scr: "Queue +33 9 72 20 00 00" in scr, "the queue's detail")
    if h < 40:  # the chart is below the figures: scroll to it
        tmux.keys(s, *["Down"] * 16)
    check_golden(tmux, s, "chart_%dx%d" % (w, h))


def test_list_order_age_and_status(tmux, day):
    s = start(tmux, day, 160, 48)
    scr = open_callbacks(tmux, s)
    rows = [ln for ln in lines(scr) if re.match(r"^ +\d+:\d\d ", ln)]
    names = [r.split()[1] for r in rows]
    # open ones first, oldest first; then the closed ones, latest closed first
    assert names == ["Sophie", "+33", "Lina", "Paul", "Anne", "Jean"]
    assert rows[0].split()[0] == "47:00"  # left at 09:10, now 09:57
    assert "open, 1 attempt" in rows[0]
    assert "09:10 called back by Camille Roux" in rows[5]
    assert "09:40 called in, answered by Marie Dupont" in rows[4]
    assert "1 short abandon hidden" in scr and "+33 6 77 70 00 77" not in scr
    tmux.keys(s, "a")
    scr = tmux.wait(s, lambda x: "+33 6 77 70 00 77" in x, "the short abandon")
    assert "short abandon" in scr


def test_history_lists_each_try_and_call_back(tmux, day):
    s = start(tmux, day, 160, 48)
    open_callbacks(tmux, s)
    tmux.keys(s, "Enter")  # Sophie Noir: a timeout, then a call back nobody answered
    scr = tmux.wait(s, lambda x: "Callback history: Sophie Noir" in x, "her history")
    assert "09:10:00  left Support after waiting 5:00: timed out" in scr
    assert "09:20:30  called back from Marie Dupont: no answer" in scr
    assert "Sophie Noir  +33 6 98 76 54 32  (open)" in scr
    tmux.keys(s, "Escape")
    tmux.wait(s, lambda x: "Callbacks: 3 to call back" in x, "the list again")
    tmux.keys(s, *["Down"] * 5, "Enter")  # Jean Petit, the last: called back
    scr = tmux.wait(s, lambda x: "Callback history: Jean Petit" in x, "his history")
    assert "(called back)  Esc: back" in scr, scr
    tmux.keys(s, "Escape", "Escape")
    tmux.wait(s, lambda x: "Lines (" in x, "the panels again")


def test_filter_works_in_the_callbacks_view(tmux, day):
    s = start(tmux, day, 160, 48)
    open_callbacks(tmux, s)
    tmux.keys(s, "/")
    tmux.type(s, "sophie")
    scr = tmux.wait(s, lambda x: "Anne Vert" not in x and "Sophie Noir" in x, "the filtered list")
    assert "Jean Petit" not in scr
    tmux.keys(s, "Enter")
    tmux.keys(s, "/")
    tmux.type(s, "0612345678"[1:])  # digits of a number, national form
    tmux.keys(s, "Escape")
    tmux.keys(s, "/")
    tmux.type(s, "612345678")
    scr = tmux.wait(s, lambda x: "Jean Petit" in x and "Sophie" not in x, "a number's entry")
    tmux.keys(s, "Escape")
    tmux.wait(s, lambda x: "Sophie Noir" in x and "Jean Petit" in x, "the whole list")
    tmux.keys(s, "/")
    tmux.type(s, "timed")  # the outcome's words: Sophie's caller timed out
    scr = tmux.wait(s, lambda x: "Sophie Noir" in x and "Jean Petit" not in x, "by outcome")
    assert "Anne Vert" not in scr
    tmux.keys(s, "Escape")


def test_help_and_footer_name_the_key(tmux, day):
    s = start(tmux, day, 160, 48)
    scr = tmux.screen(s)
    assert "c Callbacks" in lines(scr)[-1]
    tmux.keys(s, "?")
    scr = tmux.wait(s, lambda x: "ctiboard help" in x, "the help")
    assert re.search(r"  c +callers to call back", scr)
    # and what closes an entry, with the window in use
    tmux.keys(s, "NPage")
    scr = tmux.wait(s, lambda x: "Same number" in x, "the callbacks' definitions")
    assert "Callers to call back (c; the last 24 h, across midnight)" in scr
    assert "Called back" in scr and "Called in" in scr


def test_header_count_shrinks_as_callers_are_called_back(tmux, tmp_path):
    # replayed at four times the real pace: two callers leave after 10 s; Camille calls one back, who
    # answers 2 + 8 s later
    j = Journal()
    t0 = 1764145000
    j.abandoned(SUPPORT, "b1", "0612345678", "Jean Petit", t0, t0 + 10)
    j.abandoned(SUPPORT, "b2", "0698765432", "Sophie Noir", t0, t0 + 10)
    j.outbound(CAMILLE, "cb1", "+33612345678", t0 + 12, answered=True, talk=30)
    path = tmp_path / "live.jsonl"
    j.write(path)
    s = tmux.start(["--speed", "4"], 80, 24, journal=path)
    tmux.wait(s, lambda x: "2 to call back" in lines(x)[0], "two callers to call back")
    tmux.wait(s, lambda x: "1 to call back" in lines(x)[0], "one left after the call back")


def test_wallboard_has_a_to_call_back_tile(tmux, day):
    s = start(tmux, day, 80, 24, ["--wallboard"], marker="TO CALL BACK")
    scr = tmux.screen(s)
    assert "3 callers, the oldest left 47:00 ago" in scr
    s = start(tmux, day, 160, 48, ["--wallboard"], marker="TO CALL BACK")
    scr = tmux.screen(s)
    assert "TO CALL BACK" in lines(scr)[-3] and "3 callers" in lines(scr)[-2]


def test_chart_in_ascii_and_monochrome(tmux, day):
    s = start(tmux, day, 160, 48, ["--ascii"])
    tmux.keys(s, "Enter")
    scr = tmux.wait(s, lambda x: "* service level" in x, "the ASCII chart")
    assert "\u2588" not in scr and "\u25c6" not in scr and "x unanswered" in scr
    s = start(tmux, day, 160, 48, ["--no-color"])
    tmux.keys(s, "Enter")
    tmux.wait(s, lambda x: "\u25c6 service level" in x, "the chart")
    raw = tmux.screen(s, escapes=True)
    sgr = [int(p) for m in re.finditer(r"\x1b\[([0-9;]*)m", raw) for p in m.group(1).split(";")
           if p]
    assert not any(30 <= p <= 38 or 40 <= p <= 48 or 90 <= p <= 107 for p in sgr)
    # the glyphs tell the parts apart without colour
    plain = tmux.screen(s)
    assert "\u2588 answered" in plain and "\u2592 unanswered" in plain


def test_sparkline_on_queue_rows_where_width_fits(tmux, day):
    s = start(tmux, day, 160, 48)
    scr = tmux.screen(s)
    support = next(ln for ln in lines(scr) if ln.startswith("* Support"))
    left = re.split("\u2502", support)[0]
    assert re.search("[\u2581-\u2588]{6}$", left.rstrip())
    assert "1 hour" in lines(scr)[1]
    s = start(tmux, day, 80, 24)
    assert "1 hour" not in tmux.screen(s)


def test_snapshot_and_screen_agree(tmux, day, tmp_path):
    out = tmp_path / "s.json"
    s = start(tmux, day, 80, 24, ["--snapshot", str(out)])
    def final(_):
        try:
            return json.loads(out.read_text())["now_iso"][11:19] == CLOCK
        except (OSError, ValueError):
            return False
    tmux.wait(s, final, "the snapshot at the end of the replay")
    snap = json.loads(out.read_text())
    open_ = [c for c in snap["callbacks"] if c["status"] == "open" and
             c["outcome"] != "short_abandoned"]
    assert "%d to call back" % len(open_) in lines(tmux.screen(s))[0]


@pytest.fixture
def long_day(tmp_path):
    """callbacks_day() with a caller who left more than an hour ago, no name, a mobile."""
    j = callbacks_day()
    j.abandoned(SUPPORT, "old", "0033758547612", "", paris(2025, 11, 26, 8, 40),
                paris(2025, 11, 26, 8, 52, 20))
    path = tmp_path / "long.jsonl"
    j.write(path)
    return path


@pytest.mark.parametrize("width", [80, 120, 200])
def test_callbacks_columns_fit_their_values(tmux, long_day, width):
    s = start(tmux, long_day, width, 24)
    scr = open_callbacks(tmux, s)
    head = next(ln for ln in lines(scr) if ln.lstrip().startswith("Age"))
    # every column is shown, the first try's times too; at 80 columns the time the caller
    # left (their age says it) makes room for the status
    columns = ["Age", "Caller", "Queue", "Left", "Waited", "Outcome", "Tries", "Status"]
    if width == 80:
        columns.remove("Left")
    assert head.split() == columns, head
    old = next(ln for ln in lines(scr) if "+33 7 58" in ln)
    assert "+33 7 58 54 76 12 " in old, old  # the number whole
    assert old.split()[0] == "1:04:40", old  # an age over an hour whole
    assert "12:20" in old and ("08:52" in old) == (width > 80), old
    # a status too long for the width ends with a mark, never silently cut; how the caller
    # was reached always shows
    for ln in lines(scr):
        if re.match(r"^ +\d+:\d\d", ln) and "called" in ln:
            assert ln.rstrip().endswith(("Roux", "Dupont", "Accueil", "\u2026")), ln
            assert re.search(r"\d\d:\d\d called (back|in)", ln), ln


def test_queue_detail_wraps_its_definitions_at_80_columns(tmux, day):
    s = start(tmux, day, 80, 40)
    tmux.keys(s, "Enter")  # the first queue: Support
    scr = tmux.wait(s, lambda scr: "Queue +33 9 72 20 00 00" in scr, "the queue's detail")
    rows = lines(scr)
    at = next(i for i, ln in enumerate(rows) if ln.startswith("  Offered"))
    # the definition goes on, under itself, on the next row: nothing is cut
    offered = rows[at].rstrip() + " " + rows[at + 1].strip()
    assert "+ 1 timed out + 0 left by key + 0 other (waiting, or expired)" in offered, \
        rows[at:at + 2]
    assert rows[at + 1].startswith(" " * 27) and rows[at + 1][27] != " ", rows[at + 1]
    at = next(i for i, ln in enumerate(rows) if ln.startswith("  Service level"))
    assert (rows[at].rstrip() + " " + rows[at + 1].strip()).endswith("+ 3 abandoned)")
