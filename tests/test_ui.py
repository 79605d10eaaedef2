"""The supervisor console, run for real in tmux at fixed sizes.

Each test starts the binary in a detached session of a private tmux server, replays a journal
with --speed 0 (the clock freezes at the last event, so screens are stable), sends keys and
reads the screen back with capture-pane. Golden screens live in tests/golden/; regenerate them
with `make goldens` (CTIBOARD_REGEN=1) and review the diff.
"""
import json
import os
import re
import signal
import subprocess
import time
import unicodedata
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
BIN = os.environ.get("CTIBOARD_BIN", str(HERE.parent / "ctiboard"))
DAY = HERE / "data" / "day.jsonl"
GOLDEN = HERE / "golden"
REGEN = os.environ.get("CTIBOARD_REGEN") == "1"
DAY_CLOCK = "11:00:00"  # the replay clock of day.jsonl: the time of its last event
WAIT_S = 10             # how long a screen may take to appear before a test fails

pytestmark = pytest.mark.skipif(not Path(BIN).exists(), reason="ctiboard is not built")


class Tmux:
    """A private tmux server; one session per program run."""

    count = 0

    def __init__(self):
        # one server per test: a server still exiting must not take the next test's session
        Tmux.count += 1
        self.socket = "ctiboard-test-%d-%d" % (os.getpid(), Tmux.count)
        self.n = 0

    def run(self, *args):
        r = subprocess.run(["tmux", "-L", self.socket, "-f", "/dev/null", *args],
                           capture_output=True, text=True)
        if r.returncode != 0:  # tmux's own words, not "exit status 1"
            pytest.fail("tmux %s failed (%d): %s" % (" ".join(args[:1]), r.returncode,
                                                     r.stderr.strip() or "(nothing said)"))
        return r.stdout

    def start(self, args, width=80, height=24, env=None, journal=DAY):
        """Start ctiboard replaying journal; returns the session name."""
        self.n += 1
        name = "s%d" % self.n
        environ = {"TZ": "Europe/Paris", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8",
                   "TERM": "screen-256color"}
        environ.update(env or {})
        sets = " ".join("%s=%s" % (k, shq(v)) for k, v in environ.items())
        argv = " ".join(shq(a) for a in [BIN, "--replay", str(journal), "--speed", "0",
                                        "--no-journal", *args])
        # the shell survives a Ctrl-C typed to the program (its children keep the default)
        command = "trap : INT QUIT TSTP; env -u NO_COLOR %s %s; echo ctiboard-exit=$?; " \
                  "sleep 600" % (sets, argv)
        self.run("new-session", "-d", "-s", name, "-x", str(width), "-y", str(height),
                 "sh", "-c", command)
        return name

    def screen(self, name, escapes=False):
        args = ["capture-pane", "-p", "-t", name] + (["-e"] if escapes else [])
        return self.run(*args)

    def keys(self, name, *keys):
        self.run("send-keys", "-t", name, *keys)

    def type(self, name, text):
        self.run("send-keys", "-t", name, "-l", text)

    def resize(self, name, width, height):
        self.run("resize-window", "-t", name, "-x", str(width), "-y", str(height))

    def show(self, name, fmt):
        return self.run("display-message", "-p", "-t", name, fmt).strip()

    def wait(self, name, pred, what):
        """Poll the screen until pred(screen) holds on a whole frame; fail with the last screen.

        Under load tmux can be captured between two writes of one frame, so a screen that
        satisfies pred is taken once a second capture shows the same text (or, for a screen that
        keeps changing, when the deadline comes and pred still holds)."""
        deadline = time.monotonic() + WAIT_S
        held = None
        while True:
            s = self.screen(name)
            ok = pred(s)
            if ok and s == held:
                return s
            held = s if ok else None
            if time.monotonic() > deadline:
                if ok:
                    return s
                pytest.fail("screen never showed %s; last screen:\n%s" % (what, s))
            time.sleep(0.03)

    def program_pid(self, name):
        """The pid of ctiboard: the child of the pane's shell."""
        shell = int(self.show(name, "#{pane_pid}"))
        kids = Path("/proc/%d/task/%d/children" % (shell, shell)).read_text().split()
        return int(kids[0])

    def kill(self):
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True)


def shq(s):
    return "'" + str(s).replace("'", "'\\''") + "'"


@pytest.fixture
def tmux():
    t = Tmux()
    yield t
    t.kill()


def lines(screen):
    """The rows of a captured screen (each row ends with a newline)."""
    return (screen[:-1] if screen.endswith("\n") else screen).split("\n")


def cols(s):
    """Terminal columns of a string (wide characters count two, combining marks none)."""
    w = 0
    for ch in s:
        if unicodedata.combining(ch) or unicodedata.category(ch) in ("Cf", "Mn", "Me"):
            continue
        w += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return w


def golden_path(name):
    return GOLDEN / (name + ".txt")


def check_golden(t, session, name):
    """Compare the screen with its golden file (or write it when regenerating)."""
    path = golden_path(name)
    if REGEN:
        # wait until the screen has settled: the same twice in a row, 300 ms apart
        prev = None
        deadline = time.monotonic() + WAIT_S
        while time.monotonic() < deadline:
            s = t.screen(session)
            if s == prev:
                break
            prev = s
            time.sleep(0.3)
        GOLDEN.mkdir(exist_ok=True)
        path.write_text(s)
        return s
    want = path.read_text()
    deadline = time.monotonic() + WAIT_S
    while True:
        s = t.screen(session)
        if s == want:
            return s
        if time.monotonic() > deadline:
            import difflib
            diff = "\n".join(difflib.unified_diff(want.split("\n"), s.split("\n"), "golden",
                                                  "screen", lineterm=""))
            pytest.fail("screen differs from %s:\n%s" % (path.name, diff))
        time.sleep(0.03)


def settled(t, session, marker="Lines ("):
    """Wait for the end of the day's replay on the main screen."""
    return t.wait(session, lambda s: DAY_CLOCK in lines(s)[0] and marker in s,
                  "the end of the replay")


def panel_rows(screen, title):
    """The rows of a panel: the lines after its title line up to the next panel title."""
    out, inside = [], False
    for ln in lines(screen):
        if TITLE.match(ln):
            inside = TITLE.match(ln).group(1) == title
            continue
        if inside:
            # the left column ends at the vertical rule of the wide layout
            if not re.split("[\u2502|]", ln)[0].strip() or ln.startswith("Tab "):
                break
            out.append(ln)
    return out


TITLE = re.compile(r"^ ?[\u25bev ]?(Queues|Ringing|Active calls|Lines) [(\d]")


# ---- golden screens ----

@pytest.mark.parametrize("size", [(80, 24), (160, 48)])
def test_golden_console(tmux, size):
    w, h = size
    s = tmux.start([], w, h)
    check_golden(tmux, s, "console_%dx%d" % (w, h))


@pytest.mark.parametrize("view,keys", [("help", ["?"]), ("log", ["e"]),
                                       ("detail_queue", ["Enter"]),
                                       ("detail_line", ["Tab", "Tab", "Tab", "Enter"])])
def test_golden_views(tmux, view, keys):
    s = tmux.start([], 80, 24)
    settled(tmux, s)
    tmux.keys(s, *keys)
    check_golden(tmux, s, "%s_80x24" % view)


# ---- navigation, detail, filter, sort ----

def test_navigation_selects_rows_and_opens_their_detail(tmux):
    s = tmux.start([], 80, 24)
    settled(tmux, s)
    tmux.keys(s, "Tab", "Tab", "Tab")        # Lines, sorted by name
    tmux.keys(s, "j", "Down", "Enter")       # Accueil, Direction, Marie Dupont
    tmux.wait(s, lambda x: "Line +33 9 72 10 10 11  Marie Dupont" in x, "Marie's detail")
    tmux.keys(s, "Escape", "G", "Enter")      # the last line: Paul Martin
    tmux.wait(s, lambda x: "Line +33 9 72 10 10 12  Paul Martin" in x, "Paul's detail")
    tmux.keys(s, "BSpace", "k", "Enter")      # Backspace goes back too; up one: Marie
    tmux.wait(s, lambda x: "Line +33 9 72 10 10 11  Marie Dupont" in x, "Marie again")
    tmux.keys(s, "Escape", "g", "Enter")      # the first: Accueil
    tmux.wait(s, lambda x: "Line +33 9 72 10 10 10  Accueil" in x, "Accueil's detail")
    tmux.keys(s, "Escape", "BTab", "BTab", "Enter")  # back to Ringing: the line ringing
    tmux.wait(s, lambda x: "Line +33 9 72 10 10 10  Accueil" in x and "ringing" in x,
              "the ringing line's detail")
    tmux.keys(s, "Escape", "BTab", "Enter")   # Queues, first by name: Support
    d = tmux.wait(s, lambda x: "Queue +33 9 72 20 00 00  Support" in x, "Support's detail")
    # the numbers behind the figures (a definition too long for the row goes on below it)
    d = " ".join(d.split())
    assert "= 1 answered within 20 s / (2 answered + 1 abandoned)" in d
    assert "= 1 abandoned / (2 answered + 1 abandoned)" in d


def test_detail_shows_numbers_never_in_raw_form(tmux):
    s = tmux.start([], 160, 48)
    settled(tmux, s)
    for keys, title in ((["e"], "Event log"), (["Escape", "Enter"], "Queue +33"),
                        (["Escape", "Tab", "Tab", "Tab", "Enter"], "Line +33"),
                        (["Escape"], "Lines (4)")):
        tmux.keys(s, *keys)
        screen = tmux.wait(s, lambda x: title in x, title)
        assert not re.search(r"\b00\d{6,}", screen), screen


def test_filter_by_name_and_number_live_and_esc_clears(tmux):
    s = tmux.start([], 80, 24)
    settled(tmux, s)
    tmux.keys(s, "/")
    tmux.type(s, "Pau")
    x = tmux.wait(s, lambda x: "Lines 1/4" in x, "the filtered lines while typing")
    assert [r.split()[0] for r in panel_rows(x, "Lines")] == ["Paul"]
    assert "Filter: Pau_" in lines(x)[-1]
    tmux.keys(s, "Enter")
    x = tmux.wait(s, lambda x: "filter: Pau" in lines(x)[-1], "the kept filter in the footer")
    tmux.keys(s, "Escape")
    tmux.wait(s, lambda x: "Lines (4)" in x and "filter:" not in x, "the filter cleared")
    # by number, in the national form
    tmux.keys(s, "/")
    tmux.type(s, "0972101013")
    x = tmux.wait(s, lambda x: "Lines 1/4" in x, "the line of that number")
    assert "Direction" in panel_rows(x, "Lines")[0]
    assert "Active calls 1/1" in x and "Ringing 0/1" in x  # Direction's call only
    tmux.keys(s, "Escape")
    tmux.wait(s, lambda x: "Lines (4)" in x and "Filter:" not in x, "Esc clearing as it edits")


def test_sort_cycles_the_focused_panel(tmux):
    s = tmux.start([], 80, 24)
    x = settled(tmux, s)

    def names(screen):
        return [r[2:20].strip() for r in panel_rows(screen, "Lines")]

    assert names(x) == ["Accueil", "Direction", "Marie Dupont", "Paul Martin"]
    tmux.keys(s, "Tab", "Tab", "Tab", "s")
    x = tmux.wait(s, lambda x: "Lines sorted by number" in x, "the sort by number")
    assert names(x) == ["Accueil", "Marie Dupont", "Paul Martin", "Direction"]
    tmux.keys(s, "s")
    x = tmux.wait(s, lambda x: "Lines sorted by state" in x, "the sort by state")
    assert names(x) == ["Accueil", "Direction", "Marie Dupont", "Paul Martin"]
    assert "ringing" in panel_rows(x, "Lines")[0] and "in call" in panel_rows(x, "Lines")[1]
    # the queues keep their own order
    tmux.keys(s, "Tab", "s")
    x = tmux.wait(s, lambda x: "Queues sorted by waiting" in x, "the queues by waiting")
    assert panel_rows(x, "Queues")[0].startswith("* Support")


def test_help_is_generated_from_the_key_table(tmux):
    s = tmux.start([], 80, 24)
    main = settled(tmux, s)
    footer = lines(main)[-1]
    tmux.keys(s, "F1")
    x = tmux.wait(s, lambda x: "ctiboard help" in x, "the help")
    tmux.keys(s, "PageDown")
    more = tmux.wait(s, lambda x: "q F10" in x, "the rest of the keys")
    tmux.keys(s, "Home")
    tmux.wait(s, lambda x: "ctiboard help" in x, "the top of the help")
    # every key shown in the footer is explained in the help
    explained = set()
    for ln in lines(x) + lines(more):
        if ln.startswith("  ") and not ln.startswith("   "):
            explained.update(ln[2:19].split())
    shown = re.findall(r"(\S+) [A-Z][a-z]+", footer)
    assert len(shown) >= 8, footer
    for key in shown:
        assert key in explained, (key, sorted(explained))
    tmux.keys(s, "End")
    x = tmux.wait(s, lambda x: "Service level" in x and "Abandon rate" in x,
                  "the statistics' definitions")
    assert "answered within T" in x
    tmux.keys(s, "?")
    tmux.wait(s, lambda x: "Lines (4)" in x, "the panels again")


def test_help_lists_each_key_once_and_quit_last(tmux):
    s = tmux.start([], 80, 24)
    settled(tmux, s)
    tmux.keys(s, "?")
    tmux.wait(s, lambda x: "ctiboard help" in x, "the help")
    tmux.keys(s, "PageDown")
    x = tmux.wait(s, lambda x: "q F10" in x, "the end of the keys")
    tmux.keys(s, "Home")
    first = tmux.wait(s, lambda x: "Up k" in x, "the top of the help")
    keys = []  # the key column, in order, each row once (the two pages may overlap)
    for ln in dict.fromkeys(lines(first) + lines(x)):
        name = ln[2:19].strip() if ln.startswith("  ") and not ln.startswith("   ") else ""
        if name:
            keys.append(name)
    # one line a key, even for a key that means something else in another view
    assert keys.count("a") == 1, keys
    text = " ".join(ln.strip() for ln in lines(first) + lines(x))
    assert "the agents" in text and "registered events" in text and "short abandons" in text
    assert keys.index("a") < keys.index("q F10"), keys  # quit closes the list
    assert keys.index("? F1") < keys.index("q F10"), keys


@pytest.mark.parametrize("view", ["", "c"])
def test_footer_at_80_columns_keeps_help_quit_and_the_views(tmux, view):
    s = tmux.start([], 80, 24)
    settled(tmux, s)
    if view:
        tmux.keys(s, view)
        tmux.wait(s, lambda x: "Callbacks:" in x, "the Callbacks view")
    footer = lines(tmux.wait(s, lambda x: "Help" in lines(x)[-1], "the footer"))[-1]
    assert "? Help" in footer and "q Quit" in footer, footer
    if not view:
        assert "c Callbacks" in footer and "a Agents" in footer, footer


def test_pause_shows_a_banner_and_resumes(tmux):
    s = tmux.start([], 80, 24)
    settled(tmux, s)
    tmux.keys(s, "p")
    x = tmux.wait(s, lambda x: "PAUSED" in lines(x)[0], "the paused header")
    assert "PAUSED: the display is frozen" in lines(x)[-2]
    tmux.keys(s, "p")
    tmux.wait(s, lambda x: "PAUSED" not in x, "the banner gone")


def test_reset_asks_first_and_zeroes_the_counters(tmux):
    s = tmux.start([], 80, 24)
    x = settled(tmux, s)
    total = [r for r in panel_rows(x, "Queues") if "All queues" in r][0]
    total = total.lstrip("!* ")  # the total row carries an alert marker like a queue
    assert total.split()[4] == "3"  # answered
    tmux.keys(s, "r")
    tmux.wait(s, lambda x: "Reset today's counters?" in lines(x)[-1], "the question")
    tmux.keys(s, "n")
    x = tmux.wait(s, lambda x: "Reset today" not in x, "the question gone")
    assert [r for r in panel_rows(x, "Queues") if "All queues" in r][0].lstrip("!* ") == total
    tmux.keys(s, "r")
    tmux.wait(s, lambda x: "Reset today's counters?" in lines(x)[-1], "the question again")
    tmux.keys(s, "y")
    x = tmux.wait(s, lambda x: "counters reset" in lines(x)[-1], "the reset done")
    total = [r for r in panel_rows(x, "Queues") if "All queues" in r][0].lstrip("!* ")
    assert total.split()[4] == "0" and total.split()[5] == "0", total


def test_resize_lays_out_again_at_once(tmux):
    s = tmux.start([], 160, 48)
    check_golden(tmux, s, "console_160x48")
    tmux.resize(s, 80, 24)
    check_golden(tmux, s, "console_80x24")
    tmux.resize(s, 160, 48)
    check_golden(tmux, s, "console_160x48")


# ---- terminals ----

COLOUR_SGR = re.compile(r"\x1b\[[0-9;]*(?:3[0-7]|4[0-7]|38;5;\d+|48;5;\d+)[0-9;]*m")


@pytest.mark.parametrize("how", ["--no-color", "NO_COLOR"])
def test_monochrome_uses_no_colour_but_keeps_alert_markers(tmux, how):
    s = tmux.start(["--no-color"] if how == "--no-color" else [], 80, 24,
                   env={"NO_COLOR": "1"} if how == "NO_COLOR" else None)
    x = settled(tmux, s)
    esc = tmux.screen(s, escapes=True)
    assert not COLOUR_SGR.search(esc), "colour used in monochrome"
    assert "\x1b[7m" in esc or "\x1b[1m" in esc or ";7m" in esc  # reverse or bold instead
    assert panel_rows(x, "Queues")[0].startswith("* Support")  # critical marker


def test_colour_mode_does_use_colour(tmux):
    s = tmux.start([], 80, 24)
    settled(tmux, s)
    assert COLOUR_SGR.search(tmux.screen(s, escapes=True))


def test_ascii_lines(tmux):
    s = tmux.start(["--ascii"], 160, 48)
    x = settled(tmux, s)
    assert "|" in x and "\u2502" not in x and "\u25be" not in x and "\u00b7" not in x
    check_golden(tmux, s, "console_160x48_ascii")


# ---- hostile text ----

def hostile_journal(path):
    """A small journal whose free text tries to break the screen."""
    paris = timezone(timedelta(hours=1))
    t0 = datetime(2025, 11, 26, 10, 0, 0, tzinfo=paris)
    names = {
        "0033972101020": "\x1b[2J\x1b[31mRED\x07 %s%n%x \x1b]0;title\x07",
        "0033972101021": "東京営業部の非常に長い名前東京営業部の非常に長い名前",
        "0033972101022": "\u202eevil\u202c Zoe\u0301 e\u0301\u0301\u0301 \t tab",
        "0033972101023": "A" * 300,
        "0033972101024": "📞 Standard 🎧\u200b\ufeff @BAD@",
    }
    out = []

    def ev(kind, sec, resource, desc, data, queue=False):
        ts = int((t0 + timedelta(seconds=sec)).timestamp())
        out.append({"Event": kind, "Token": "...CDAB", "Service": "queues" if queue else "sip",
                    "Ressource": resource, "Timestamp": ts * 10**9,
                    "Date": "2025-11-26T10:00:00.000000 (CET)", "Data": data,
                    "Details": {"Description": desc, "Id": "1", "IdBillingAccount": "77",
                                "SimultaneousLine": "2",
                                "Type": "easyHunting" if queue else "sipCirpack"},
                    "Received": ts * 10**9})

    for i, (num, desc) in enumerate(sorted(names.items())):
        ev("registered", i, num, desc, {"CallId": "", "Calling": num, "Called": num,
                                        "Dialed": num, "Ts": str(1764147600 + i)})
    caller = "0033611223344"
    for i, num in enumerate(sorted(names)[:3]):
        ev("start_ringing", 10 + i, num, names[num],
           {"CallId": "c%d" % i, "Calling": caller, "Called": num, "Dialed": num})
    ev("start_calling", 20, "0033972101023", names["0033972101023"],
       {"CallId": "c9", "Calling": "0033972101023", "Called": "0033144556677",
        "Dialed": "0033144556677"})
    q = "0033972200009"
    qdesc = "\u009b31m Queue \u00ad\x7f%s\u4e2d\u6587\u961f\u5217"
    for i, cid in enumerate(["\x1b[5m\r\nInjected\x00name", "\ud800 lone \udfff",
                             "مرحبا بالعالم"]):
        ev("member-queue-start", 30 + i, q, qdesc,
           {"Action": "member-queue-start", "Queue": q, "QueueMemberUUID": "u%d" % i,
            "QueueMemberCIDName": cid, "QueueMemberCIDNumber": "06123456%02d" % i,
            "QueueMemberJoinedTime": str(1764147630 + i), "Count": str(i + 1)}, queue=True)
    ev("agent-offering", 40, q, qdesc,
       {"Action": "agent-offering", "Queue": q, "QueueMemberUUID": "u0",
        "QueueMemberCIDName": "\x1b[5m\r\nInjected\x00name",
        "QueueMemberCIDNumber": "0612345600", "Agent": "0033972101021",
        "QueueAgent": "agent_0033972101021_1"}, queue=True)
    text = "".join(json.dumps(e, ensure_ascii=False) + "\n" for e in out)
    # lone surrogates as raw bytes, and bytes that are not UTF-8 at all
    path.write_bytes(text.encode("utf-8", "surrogatepass").replace(b"@BAD@", b"\xff\xfe\xc3("))
    return "10:00:40"


def check_layout(screen, width, height):
    rows = lines(screen)
    assert len(rows) == height, rows
    for r in rows:
        assert not re.search(r"[\x00-\x1f\x7f-\x9f]", r), repr(r)
        assert cols(r) <= width, (cols(r), r)
    assert rows[0].rstrip().endswith("10:00:40"), rows[0]
    assert rows[-1].startswith("Tab Panel"), rows[-1]
    # the Number column of the Lines panel stays aligned whatever the names hold
    head = [r for r in rows if re.search(r"Lines \(\d+\)", r)][0]
    col = cols(head[:head.index("Number")])
    body = panel_rows(screen, "Lines")
    assert len(body) == 5, body
    for r in body:
        i = r.index("+33 9 72")
        assert cols(r[:i]) == col, (col, r)


@pytest.mark.parametrize("size", [(80, 24), (160, 48)])
def test_hostile_text_leaves_the_layout_intact(tmux, tmp_path, size):
    w, h = size
    j = tmp_path / "hostile.jsonl"
    clock = hostile_journal(j)
    s = tmux.start([], w, h, journal=j)
    x = tmux.wait(s, lambda x: clock in lines(x)[0] and "Lines (5)" in x, "the hostile replay")
    check_layout(x, w, h)
    check_golden(tmux, s, "hostile_%dx%d" % (w, h))


def test_hostile_text_in_a_non_utf8_locale_is_plain_ascii(tmux, tmp_path):
    j = tmp_path / "hostile.jsonl"
    clock = hostile_journal(j)
    s = tmux.start([], 80, 24, env={"LANG": "C", "LC_ALL": "C"}, journal=j)
    x = tmux.wait(s, lambda x: clock in lines(x)[0] and "Lines (5)" in x, "the hostile replay")
    assert all(ord(ch) < 128 for ch in x), [ch for ch in x if ord(ch) >= 128]
    check_layout(x, 80, 24)


# ---- leaving ----

@pytest.mark.parametrize("key", ["q", "F10"])
def test_quit_restores_the_terminal(tmux, key):
    s = tmux.start([], 80, 24)
    settled(tmux, s)
    assert tmux.show(s, "#{alternate_on}") == "1"
    tmux.keys(s, key)
    tmux.wait(s, lambda x: "ctiboard-exit=0" in x, "the shell after the program")
    assert tmux.show(s, "#{alternate_on}") == "0"


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT, signal.SIGHUP])
def test_signals_restore_the_terminal(tmux, sig):
    s = tmux.start([], 80, 24)
    settled(tmux, s)
    os.kill(tmux.program_pid(s), sig)
    tmux.wait(s, lambda x: "ctiboard-exit=" in x, "the shell after the signal")
    assert tmux.show(s, "#{alternate_on}") == "0"


# ---- wallboard and kiosk ----

def test_w_toggles_the_wallboard(tmux):
    s = tmux.start([], 80, 24)
    settled(tmux, s)
    tmux.keys(s, "w")
    tmux.wait(s, lambda x: "Lines (" not in x and "Tab Panel" not in x, "the wallboard")
    tmux.keys(s, "w")
    settled(tmux, s)


def test_kiosk_quits_only_with_confirmation(tmux):
    s = tmux.start(["--kiosk"], 80, 24)
    settled(tmux, s)
    tmux.keys(s, "e", "?", "p", "r", "q")
    x = tmux.wait(s, lambda x: "Quit?" in lines(x)[-1], "the quit question")
    assert "Lines (4)" in x and "PAUSED" not in x and "help" not in x  # the rest did nothing
    tmux.keys(s, "n")
    tmux.wait(s, lambda x: "Quit?" not in x, "the question gone")
    tmux.keys(s, "q", "y")
    tmux.wait(s, lambda x: "ctiboard-exit=0" in x, "the program gone")


def test_kiosk_locked_ignores_ctrl_c_but_stops_on_sigterm(tmux):
    s = tmux.start(["--kiosk=locked"], 80, 24)
    before = settled(tmux, s)
    tmux.keys(s, "C-c", "C-\\", "C-z")
    tmux.resize(s, 81, 24)  # a redraw after the keys: the program still runs
    tmux.wait(s, lambda x: lines(x)[0].find(DAY_CLOCK) == 81 - 1 - len(DAY_CLOCK),
              "the redraw at the new size")
    tmux.resize(s, 80, 24)
    x = tmux.wait(s, lambda x: x == before, "the same screen as before the keys")
    assert "ctiboard-exit" not in x
    os.kill(tmux.program_pid(s), signal.SIGTERM)
    tmux.wait(s, lambda x: "ctiboard-exit=143" in x, "exit status 143 after SIGTERM")


def test_ctrl_c_quits_the_console_with_status_130(tmux):
    s = tmux.start([], 80, 24)
    settled(tmux, s)
    tmux.keys(s, "C-c")
    tmux.wait(s, lambda x: "ctiboard-exit=130" in x, "exit status 130 after Ctrl-C")


def test_warning_said_before_the_screen_shows_inside(tmux, tmp_path):
    config = tmp_path / "config"
    config.write_text("token = abcdefab-cdef-abcd-efab-cdefabcd0001\n")
    config.chmod(0o644)
    short = tmp_path / "short.jsonl"  # a log short enough to show its oldest entry
    short.write_text("".join(DAY.read_text().splitlines(True)[:3]))
    s = tmux.start(["--config", str(config)], 120, 30, journal=short)
    x = tmux.wait(s, lambda x: "WARNING: configuration holding a token" in lines(x)[0],
                  "the warning in the header")
    assert "abcdefab" not in x
    tmux.keys(s, "e")
    tmux.wait(s, lambda x: any("ctiboard" in l and "readable by others: chmod 600" in l
                               for l in lines(x)[1:]), "the warning in the event log")


def test_kiosk_locked_ignores_every_key(tmux):
    s = tmux.start(["--kiosk=locked"], 80, 24)
    before = settled(tmux, s)
    tmux.keys(s, "e", "?", "p", "w", "q", "y", "F10", "Escape")
    # keys already written are read before the resize is drawn: wait for the new size
    tmux.resize(s, 81, 24)
    tmux.wait(s, lambda x: lines(x)[0].find(DAY_CLOCK) == 81 - 1 - len(DAY_CLOCK),
              "the redraw at the new size")
    tmux.resize(s, 80, 24)
    x = tmux.wait(s, lambda x: x == before, "the same screen as before the keys")
    assert "ctiboard-exit" not in x
