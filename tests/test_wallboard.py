"""Golden screens of the wallboard: the real binary in tmux at 80x24, 160x48 and 320x90, on
a frozen replay of the demo (--speed 0 stops the clock at the last event), with page
rotation, an alert tile, monochrome, the Linux console without UTF-8, and the feed banners.

Regenerate the golden files with `make goldens` (CTIBOARD_REGEN=1) and review them as a diff."""

import json
import os
import pathlib
import re

import pytest

from wallboard_screens import BIN, Screen, clean_env, frozen_clock, make_fixtures

GOLDEN = pathlib.Path(__file__).resolve().parent / "golden" / "wallboard"
UPDATE = os.environ.get("CTIBOARD_REGEN") == "1" or os.environ.get("UPDATE_GOLDEN") == "1"
BLOCK = "\u2588"


@pytest.fixture(scope="module")
def journals(tmp_path_factory):
    """The demo's first two hours, and the same cut at the top of its first wave of callers."""
    work = tmp_path_factory.mktemp("wall")
    demo, alert = make_fixtures(work)
    return {"day": demo, "alert": alert, "home": work}


def open_wall(journals, name, cols, rows, *args, **env):
    journal = journals[name]
    argv = [BIN, "--replay", str(journal), "--speed", "0", "--wallboard", "--no-journal", *args]
    env.setdefault("TERM", "tmux-256color")
    return Screen(cols, rows, argv, clean_env(journals["home"], **env))


def sgr_params(raw):
    """Every SGR parameter in a capture with escapes."""
    out = []
    for m in re.finditer(r"\x1b\[([0-9;]*)m", raw):
        out += [int(p) for p in m.group(1).split(";") if p]
    return out


def colours_in(raw):
    """Does the capture set a foreground or background colour (other than the default)?"""
    return any(30 <= p <= 38 or 40 <= p <= 48 or 90 <= p <= 107 for p in sgr_params(raw))


def reverse_in(raw):
    return 7 in sgr_params(raw)


def check_golden(name, text):
    path = GOLDEN / f"{name}.txt"
    if UPDATE or not path.exists():
        if not UPDATE:
            pytest.fail(f"no golden file {path.name}: "
                        "run `make goldens` (CTIBOARD_REGEN=1) and review it")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    assert text == path.read_text(), f"screen differs from {path.name}"


def test_80x24_pages_rotate(journals):
    clock = frozen_clock(journals["day"])
    s = open_wall(journals, "day", 80, 24, "--rotate", "1")
    try:
        first = s.wait_for(lambda t: clock in t and "page 1/2" in t, "page 1/2")
        second = s.wait_for(lambda t: clock in t and "page 2/2" in t, "page 2/2")
        back = s.wait_for(lambda t: "page 1/2" in t, "page 1/2 again")
    finally:
        s.close()
    assert "ALL QUEUES" in first and "ALL QUEUES" not in second
    assert back == first
    check_golden("80x24-page1", first)
    check_golden("80x24-page2", second)


def test_160x48_alert_tile(journals):
    clock = frozen_clock(journals["alert"])
    s = open_wall(journals, "alert", 160, 48)
    try:
        text = s.wait_for(lambda t: clock in t and "WARNING" in t or "CRITICAL" in t, "an alert")
        colours = s.text(escapes=True)
    finally:
        s.close()
    assert "page" not in text.splitlines()[0]  # four tiles on one page
    assert text.count("\u250c") == 4 + 1  # and the "To call back" tile along the bottom
    assert "TO CALL BACK" in text.splitlines()[-3]
    assert BLOCK in text
    assert colours_in(colours)  # the tiles are coloured
    check_golden("160x48-alert", text)


def test_320x90_bigger_digits(journals):
    clock = frozen_clock(journals["day"])
    s = open_wall(journals, "day", 320, 90)
    try:
        big = s.wait_for(lambda t: clock in t, "the clock")
    finally:
        s.close()
    s = open_wall(journals, "day", 160, 48)
    try:
        medium = s.wait_for(lambda t: clock in t, "the clock")
    finally:
        s.close()

    def tallest_digit(text):
        # rows of the first tile's digit block under the WAITING label
        rows = text.splitlines()
        top = next(i for i, r in enumerate(rows) if "WAITING" in r)
        n = 0
        for r in rows[top + 1:]:
            if BLOCK not in r:
                break
            n += 1
        return n

    assert tallest_digit(big) > tallest_digit(medium)
    check_golden("320x90", big)


def test_monochrome_alert_is_reverse_with_marker(journals):
    clock = frozen_clock(journals["alert"])
    s = open_wall(journals, "alert", 80, 24, "--no-color")
    try:
        text = s.wait_for(lambda t: clock in t, "the clock")
        raw = s.text(escapes=True)
    finally:
        s.close()
    title = next(r for r in text.splitlines() if "ALL QUEUES" in r)
    assert "! ALL QUEUES  WARNING !" in title or "* ALL QUEUES  CRITICAL *" in title
    raw_title = next(r for r in raw.splitlines() if "ALL QUEUES" in r)
    assert reverse_in(raw_title)
    assert not colours_in(raw)
    check_golden("80x24-mono-alert", text)


def test_linux_console_without_utf8(journals):
    clock = frozen_clock(journals["day"])
    s = open_wall(journals, "day", 80, 24, TERM="linux", LANG="C")
    try:
        text = s.wait_for(lambda t: clock in t, "the clock")
        raw = s.text(escapes=True)
    finally:
        s.close()
    assert BLOCK not in text and "\u250c" not in text
    assert all(ord(c) < 128 for c in text)
    # digits are runs of reverse-video spaces
    assert reverse_in(raw)
    assert "WAITING" in text and "ALL QUEUES" in text
    check_golden("80x24-linux", text)


def _feed_server():
    try:
        from ovh_server import OvhServer  # the feed's local OVH-compatible server
    except ImportError:
        pytest.skip("tests/ovh_server.py (the local event server) is not in this tree")
    return OvhServer


TOKEN = "0A1B2C3D-4E5F-4A1B-8C2D-3E4F5A6B7C8D"


def open_live(tmp_path, server, cols, rows, *args):
    tokfile = tmp_path / "token"
    tokfile.write_text(TOKEN + "\n")
    tokfile.chmod(0o600)
    argv = [BIN, "--url", server.url, "--token-file", str(tokfile), "--wallboard",
            "--no-journal", *args]
    return Screen(cols, rows, argv, clean_env(tmp_path, TERM="tmux-256color"))


def without_clock(text):
    return "\n".join(text.splitlines()[1:]) + "\n"


def test_rejected_token_banner(tmp_path):
    server = _feed_server()(tokens=[], hold=0.5)  # the token is unknown: 401
    server.start()
    s = open_live(tmp_path, server, 80, 24)
    try:
        text = s.wait_for(lambda t: "TOKEN REJECTED" in t, "the rejected-token banner")
        raw = s.text(escapes=True)
    finally:
        s.close()
        server.stop()
    banner = text.splitlines()[1]
    assert "TOKEN REJECTED" in banner and "NOT LIVE" in banner
    assert TOKEN not in raw
    assert raw.splitlines()[1].startswith("\x1b[")  # the banner row is highlighted whole
    check_golden("80x24-rejected", without_clock(text))


def test_stale_feed_banner(tmp_path):
    server = _feed_server()(tokens=[TOKEN], hold=0.5)
    server.start()
    server.set_mode("never")  # polls are read and never answered
    s = open_live(tmp_path, server, 160, 48, "--set", "watchdog_s=1")
    try:
        text = s.wait_for(lambda t: "FEED STALE" in t, "the stale banner")
    finally:
        s.close()
        server.stop()
    rows = text.splitlines()
    assert any("FEED STALE" in r and "NOT LIVE" in r for r in rows[1:4])
    check_golden("160x48-stale", without_clock(text))
