#!/usr/bin/python3
"""Regenerate screenshots/*.png from the program itself.

Each screen is the real binary in a detached tmux of a fixed size, on a frozen replay of the
demo call centre (seed 7: deterministic), captured with its colours (tmux capture-pane -e),
turned into HTML here and photographed by headless Chromium. Needs tmux, chromium and
fonts-dejavu-core (`make screenshot-deps`).

    tests/screenshots.py [--out DIR] [--keep]
"""

import argparse
import html
import os
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from callgen import callbacks_day  # noqa: E402
from wallboard_screens import (BIN, ROOT, Screen, clean_env, frozen_clock,  # noqa: E402
                               make_fixtures)

# name, columns, rows, replay ("day", "wave" or "callbacks"), arguments, keys, text that shows
# it is ready
SHOTS = [
    ("console", 120, 36, "wave", [], [], "Lines"),
    ("console-80x24-mono", 80, 24, "wave", ["--no-color"], [], "Lines"),
    ("wallboard", 200, 56, "wave", ["--wallboard"], [], "ALL QUEUES"),
    ("help", 100, 36, "day", [], ["?"], "ctiboard help"),
    ("callbacks", 120, 24, "callbacks", [], ["c"], "Callbacks:"),
    ("queue-chart", 120, 40, "wave", [], ["Enter"], "service level"),
]

# The 16 colours of the screenshots (a dark terminal), then the defaults.
PALETTE = ["#1d1f21", "#cc3333", "#4e9a06", "#c4a000", "#3465a4", "#75507b", "#06989a",
           "#d3d7cf", "#555753", "#ef2929", "#8ae234", "#fce94f", "#729fcf", "#ad7fa8",
           "#34e2e2", "#eeeeec"]
DEFAULT_FG, DEFAULT_BG = "#d3d7cf", "#1d1f21"
FONT_PX, LINE_EM, CHAR_EM, PAD = 15, 1.17, 0.6021, 12

SGR = re.compile(r"\x1b\[([0-9;]*)m")


def xterm256(n):
    if n < 16:
        return PALETTE[n]
    if n < 232:
        n -= 16
        steps = [0, 95, 135, 175, 215, 255]
        return "#%02x%02x%02x" % (steps[n // 36], steps[n // 6 % 6], steps[n % 6])
    v = 8 + 10 * (n - 232)
    return "#%02x%02x%02x" % (v, v, v)


class Pen:
    def __init__(self):
        self.reset()

    def reset(self):
        self.fg = self.bg = None
        self.bold = self.dim = self.under = self.rev = False

    def apply(self, params):
        ps = [int(p) for p in params.split(";") if p] or [0]
        i = 0
        while i < len(ps):
            p = ps[i]
            if p == 0:
                self.reset()
            elif p == 1:
                self.bold = True
            elif p == 2:
                self.dim = True
            elif p == 4:
                self.under = True
            elif p == 7:
                self.rev = True
            elif p == 22:
                self.bold = self.dim = False
            elif p == 24:
                self.under = False
            elif p == 27:
                self.rev = False
            elif 30 <= p <= 37:
                self.fg = p - 30
            elif 90 <= p <= 97:
                self.fg = p - 90 + 8
            elif p == 39:
                self.fg = None
            elif 40 <= p <= 47:
                self.bg = p - 40
            elif 100 <= p <= 107:
                self.bg = p - 100 + 8
            elif p == 49:
                self.bg = None
            elif p in (38, 48) and i + 2 < len(ps) and ps[i + 1] == 5:
                if p == 38:
                    self.fg = ("256", ps[i + 2])
                else:
                    self.bg = ("256", ps[i + 2])
                i += 2
            i += 1

    def colours(self):
        def col(c, default, bright):
            if c is None:
                return default
            if isinstance(c, tuple):
                return xterm256(c[1])
            return PALETTE[c + 8 if bright and c < 8 else c]

        fg = col(self.fg, DEFAULT_FG, self.bold)
        bg = col(self.bg, DEFAULT_BG, False)
        if self.rev:
            fg, bg = bg, fg
        return fg, bg


def ansi_to_html(text, cols, rows):
    """One div per row; every run of one pen a span of that pen's colours. A full block is
    drawn as a cell filled with the text colour, so big digits have no seams."""
    out = []
    pen = Pen()  # capture-pane -e carries attributes over from one row to the next
    for line in text.split("\n")[:rows]:
        spans = []
        pos = 0
        for m in list(SGR.finditer(line)) + [None]:
            chunk = line[pos:m.start()] if m else line[pos:]
            if chunk:
                fg, bg = pen.colours()
                style = "color:%s;background:%s" % (fg, bg)
                if pen.bold:
                    style += ";font-weight:bold"
                if pen.under:
                    style += ";text-decoration:underline"
                if pen.dim:
                    style += ";opacity:.7"
                for part in re.split("(\u2588+)", chunk):
                    if not part:
                        continue
                    if part[0] == "\u2588":
                        spans.append('<span style="color:%s;background:%s">%s</span>'
                                     % (fg, fg, " " * len(part)))
                    else:
                        spans.append('<span style="%s">%s</span>' % (style, html.escape(part)))
            if m:
                pen.apply(m.group(1))
                pos = m.end()
        out.append('<div class="r">%s</div>' % "".join(spans))
    width = int(cols * CHAR_EM * FONT_PX + 2 * PAD + 1)
    height = int(rows * LINE_EM * FONT_PX + 2 * PAD + 1)
    page = """<!DOCTYPE html><html><head><meta charset="utf-8"><style>
html, body { margin: 0; background: %s; }
body { padding: %dpx; font: %dpx/%sem "DejaVu Sans Mono", monospace; color: %s; }
.r { white-space: pre; height: %sem; overflow: hidden; }
.r span { display: inline-block; height: %sem; vertical-align: top; }
</style></head><body>%s</body></html>
""" % (DEFAULT_BG, PAD, FONT_PX, LINE_EM, DEFAULT_FG, LINE_EM, LINE_EM, "\n".join(out))
    return page, width, height


def chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    sys.exit("screenshots: chromium is missing (make screenshot-deps)")


def photograph(page, width, height, png, work):
    src = work / (png.stem + ".html")
    src.write_text(page)
    cmd = [chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
           "--force-device-scale-factor=1", "--window-size=%d,%d" % (width, height),
           "--user-data-dir=%s" % (work / "chromium"), "--screenshot=%s" % png,
           src.as_uri()]
    subprocess.run(cmd, check=True, capture_output=True, timeout=120,
                   env=dict(os.environ, HOME=str(work)))


def capture(shot, fixtures, home):
    name, cols, rows, replay, args, keys, ready = shot
    argv = [BIN, "--replay", str(fixtures[replay]), "--speed", "0", "--no-journal", *args]
    screen = Screen(cols, rows, argv, clean_env(home, TERM="tmux-256color"))
    clock = frozen_clock(fixtures[replay])
    try:
        # the replay has been applied whole when its last event's time is on the clock
        screen.wait_for(lambda t: clock in t and (keys or ready in t), "the replay")
        if keys:
            screen.keys(*keys)
            screen.wait_for(lambda t: ready in t, ready)
        return screen.text(escapes=True, whole_rows=True)
    finally:
        screen.close()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", default=str(ROOT / "screenshots"))
    ap.add_argument("--keep", action="store_true", help="keep the HTML and captures")
    opt = ap.parse_args()
    if not shutil.which("tmux"):
        sys.exit("screenshots: tmux is missing (make screenshot-deps)")
    out = pathlib.Path(opt.out)
    out.mkdir(parents=True, exist_ok=True)
    work = pathlib.Path(tempfile.mkdtemp(prefix="ctiboard-shots-"))
    try:
        day, wave = make_fixtures(work / "fixtures")
        callbacks = work / "fixtures" / "callbacks.jsonl"
        callbacks_day().write(callbacks)  # callers who left, called back and called in
        fixtures = {"day": day, "wave": wave, "callbacks": callbacks}
        for shot in SHOTS:
            text = capture(shot, fixtures, work)
            (work / (shot[0] + ".ansi")).write_text(text)
            page, width, height = ansi_to_html(text, shot[1], shot[2])
            png = out / (shot[0] + ".png")
            photograph(page, width, height, png, work)
            print("screenshots: %s (%dx%d, %dx%d px)" % (png, shot[1], shot[2], width, height))
    finally:
        if opt.keep:
            print("screenshots: work files in", work)
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
