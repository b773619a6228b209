#!/usr/bin/env python3
"""Draw the example site's phone-screen mockups and keep the YAML boxes in step with them.

Every screenshot of the example tutorials in content/ is a flat-colour phone screen
(540x1170) drawn by this script: no screenshot of a real app is shipped. Each screen is a
short function below that stacks widgets (status bar, header, rows, inputs, buttons,
dialogs, a tab bar) from top to bottom. A widget drawn with target=True is what the step
tells the reader to click: its box becomes a `highlight:` box of that step. A widget
drawn with private=True holds (made-up) personal data: its box becomes a `redact:` box.

    python3 tools/mockups/mockups.py           # write the PNGs and sync highlight/redact
    python3 tools/mockups/mockups.py --check   # exit 1 if a PNG or a YAML box is stale

Standard library only (the PNGs are encoded with zlib + struct) and deterministic: the
same run writes the same bytes.
"""
from __future__ import annotations

import argparse
import math
import re
import struct
import sys
import zlib
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CONTENT = ROOT / "content"
W, H = 540, 1170

# --------------------------------------------------------------------------------------
# A 5x7 bitmap font for the short ASCII labels on the screens
# --------------------------------------------------------------------------------------

_FONT_ROWS = {
    "A": ".###./#...#/#...#/#####/#...#/#...#/#...#", "B": "####./#...#/#...#/####./#...#/#...#/####.",
    "C": ".###./#...#/#..../#..../#..../#...#/.###.", "D": "####./#...#/#...#/#...#/#...#/#...#/####.",
    "E": "#####/#..../#..../####./#..../#..../#####", "F": "#####/#..../#..../####./#..../#..../#....",
    "G": ".###./#...#/#..../#.###/#...#/#...#/.####", "H": "#...#/#...#/#...#/#####/#...#/#...#/#...#",
    "I": ".###./..#../..#../..#../..#../..#../.###.", "J": "..###/...#./...#./...#./...#./#..#./.##..",
    "K": "#...#/#..#./#.#../##.../#.#../#..#./#...#", "L": "#..../#..../#..../#..../#..../#..../#####",
    "M": "#...#/##.##/#.#.#/#.#.#/#...#/#...#/#...#", "N": "#...#/#...#/##..#/#.#.#/#..##/#...#/#...#",
    "O": ".###./#...#/#...#/#...#/#...#/#...#/.###.", "P": "####./#...#/#...#/####./#..../#..../#....",
    "Q": ".###./#...#/#...#/#...#/#.#.#/#..#./.##.#", "R": "####./#...#/#...#/####./#.#../#..#./#...#",
    "S": ".####/#..../#..../.###./....#/....#/####.", "T": "#####/..#../..#../..#../..#../..#../..#..",
    "U": "#...#/#...#/#...#/#...#/#...#/#...#/.###.", "V": "#...#/#...#/#...#/#...#/#...#/.#.#./..#..",
    "W": "#...#/#...#/#...#/#.#.#/#.#.#/#.#.#/.#.#.", "X": "#...#/#...#/.#.#./..#../.#.#./#...#/#...#",
    "Y": "#...#/#...#/.#.#./..#../..#../..#../..#..", "Z": "#####/....#/...#./..#../.#.../#..../#####",
    "a": "...../...../.###./....#/.####/#...#/.####", "b": "#..../#..../#.##./##..#/#...#/#...#/####.",
    "c": "...../...../.###./#..../#..../#...#/.###.", "d": "....#/....#/.##.#/#..##/#...#/#...#/.####",
    "e": "...../...../.###./#...#/#####/#..../.###.", "f": "..##./.#..#/.#.../###../.#.../.#.../.#...",
    "g": "...../...../.####/#...#/.####/....#/.###.", "h": "#..../#..../#.##./##..#/#...#/#...#/#...#",
    "i": "..#../...../.##../..#../..#../..#../.###.", "j": "...#./...../..##./...#./...#./#..#./.##..",
    "k": "#..../#..../#..#./#.#../##.../#.#../#..#.", "l": ".##../..#../..#../..#../..#../..#../.###.",
    "m": "...../...../##.#./#.#.#/#.#.#/#...#/#...#", "n": "...../...../#.##./##..#/#...#/#...#/#...#",
    "o": "...../...../.###./#...#/#...#/#...#/.###.", "p": "...../...../####./#...#/####./#..../#....",
    "q": "...../...../.##.#/#..##/.####/....#/....#", "r": "...../...../#.##./##..#/#..../#..../#....",
    "s": "...../...../.####/#..../.###./....#/####.", "t": ".#.../.#.../###../.#.../.#.../.#..#/..##.",
    "u": "...../...../#...#/#...#/#...#/#..##/.##.#", "v": "...../...../#...#/#...#/#...#/.#.#./..#..",
    "w": "...../...../#...#/#...#/#.#.#/#.#.#/.#.#.", "x": "...../...../#...#/.#.#./..#../.#.#./#...#",
    "y": "...../...../#...#/#...#/.####/....#/.###.", "z": "...../...../#####/...#./..#../.#.../#####",
    "0": ".###./#...#/#..##/#.#.#/##..#/#...#/.###.", "1": "..#../.##../..#../..#../..#../..#../.###.",
    "2": ".###./#...#/....#/...#./..#../.#.../#####", "3": "#####/...#./..#../...#./....#/#...#/.###.",
    "4": "...#./..##./.#.#./#..#./#####/...#./...#.", "5": "#####/#..../####./....#/....#/#...#/.###.",
    "6": "..##./.#.../#..../####./#...#/#...#/.###.", "7": "#####/....#/...#./..#../.#.../.#.../.#...",
    "8": ".###./#...#/#...#/.###./#...#/#...#/.###.", "9": ".###./#...#/#...#/.####/....#/...#./.##..",
    " ": "...../...../...../...../...../...../.....", ".": "...../...../...../...../...../.##../.##..",
    ",": "...../...../...../...../.##../..#../.#...", ":": "...../.##../.##../...../.##../.##../.....",
    "-": "...../...../...../.###./...../...../.....", "/": "...../....#/...#./..#../.#.../#..../.....",
    "!": "..#../..#../..#../..#../..#../...../..#..", "?": ".###./#...#/....#/...#./..#../...../..#..",
    "*": "...../..#../#.#.#/.###./#.#.#/..#../.....", "@": ".###./#...#/....#/.##.#/#.#.#/#.#.#/.###.",
    "$": "..#../.####/#.#../.###./..#.#/####./..#..", "%": "##.../##..#/...#./..#../.#.../#..##/...##",
    ">": ".#.../..#../...#./....#/...#./..#../.#...", "<": "...#./..#../.#.../#..../.#.../..#../...#.",
    "+": "...../..#../..#../#####/..#../..#../.....", "(": "...#./..#../.#.../.#.../.#.../..#../...#.",
    ")": ".#.../..#../...#./...#./...#./..#../.#...", "'": "..#../..#../.#.../...../...../...../.....",
    "&": ".##../#..#./#.#../.#.../#.#.#/#..#./.##.#", "#": ".#.#./.#.#./#####/.#.#./#####/.#.#./.#.#.",
    "_": "...../...../...../...../...../...../#####", "=": "...../...../#####/...../#####/...../.....",
    "|": "..#../..#../..#../..#../..#../..#../..#..", "¥": "#...#/.#.#./#####/..#../#####/..#../..#..",
}
FONT = {ch: [row for row in rows.split("/")] for ch, rows in _FONT_ROWS.items()}


def text_width(s: str, scale: int) -> int:
    return len(s) * 6 * scale - scale


# --------------------------------------------------------------------------------------
# Canvas: flat-colour drawing into RGB rows, encoded as PNG
# --------------------------------------------------------------------------------------

class Canvas:
    def __init__(self, w: int, h: int, bg):
        self.w, self.h = w, h
        self.rows = [bytearray(bytes(bg) * w) for _ in range(h)]

    def hline(self, x0, x1, y, color):
        x0, x1 = max(0, int(x0)), min(self.w, int(x1))
        if 0 <= y < self.h and x1 > x0:
            self.rows[y][x0 * 3:x1 * 3] = bytes(color) * (x1 - x0)

    def rect(self, x0, y0, x1, y1, color):
        for y in range(max(0, y0), min(self.h, y1)):
            self.hline(x0, x1, y, color)

    def rrect(self, x0, y0, x1, y1, r, color):
        r = min(r, (x1 - x0) // 2, (y1 - y0) // 2)
        for y in range(y0, y1):
            dy = max(y0 + r - y - 0.5, y - (y1 - r) + 0.5, 0)
            inset = r - math.sqrt(max(0.0, r * r - dy * dy)) if dy > 0 else 0
            self.hline(x0 + round(inset), x1 - round(inset), y, color)

    def frame(self, x0, y0, x1, y1, r, t, color, fill):
        """A rounded outline t pixels thick around a filled inside."""
        self.rrect(x0, y0, x1, y1, r, color)
        self.rrect(x0 + t, y0 + t, x1 - t, y1 - t, max(0, r - t), fill)

    def circle(self, cx, cy, r, color):
        for y in range(cy - r, cy + r):
            dy = y + 0.5 - cy
            half = math.sqrt(max(0.0, r * r - dy * dy))
            self.hline(round(cx - half), round(cx + half), y, color)

    def triangle_up(self, cx, y0, half_w, h, color):
        for i in range(h):
            half = half_w * (i + 0.5) / h
            self.hline(round(cx - half), round(cx + half), y0 + i, color)

    def triangle_right(self, x0, cy, w, half_h, color):
        for y in range(cy - half_h, cy + half_h):
            self.hline(x0, x0 + round(w * (1 - abs(y + 0.5 - cy) / half_h)), y, color)

    def check(self, cx, cy, size, thick, color):
        """A tick mark: two thick strokes drawn as runs of small squares."""
        pts = [(cx - size, cy), (cx - size // 3, cy + size * 2 // 3), (cx + size, cy - size * 2 // 3)]
        for (xa, ya), (xb, yb) in zip(pts, pts[1:]):
            n = max(abs(xb - xa), abs(yb - ya))
            for i in range(n + 1):
                x, y = round(xa + (xb - xa) * i / n), round(ya + (yb - ya) * i / n)
                self.rect(x - thick // 2, y - thick // 2, x + thick - thick // 2, y + thick - thick // 2, color)

    def text(self, x, y, s, scale, color):
        if x < 0 or x + text_width(s, scale) > self.w:
            raise ValueError(f"text {s!r} does not fit at x={x}")
        for ch in s:
            for r, row in enumerate(FONT.get(ch, FONT["?"])):
                c = 0
                while c < 5:  # one rect per run of ink
                    if row[c] == "#":
                        end = c
                        while end < 5 and row[end] == "#":
                            end += 1
                        self.rect(x + c * scale, y + r * scale, x + end * scale, y + (r + 1) * scale, color)
                        c = end
                    else:
                        c += 1
            x += 6 * scale

    def dim(self, keep=0.45):
        table = bytes(int(v * keep) for v in range(256))
        self.rows = [row.translate(table) for row in self.rows]

    def png(self) -> bytes:
        raw = b"".join(b"\x00" + bytes(r) for r in self.rows)

        def chunk(tag, data):
            return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))

        ihdr = struct.pack(">IIBBBBB", self.w, self.h, 8, 2, 0, 0, 0)
        return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr)
                + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


# --------------------------------------------------------------------------------------
# Themes: one per app
# --------------------------------------------------------------------------------------

WHITE, INK, GREY, LIGHT, LINE, BAR = (255, 255, 255), (17, 17, 17), (118, 118, 122), (246, 246, 248), (226, 226, 230), (214, 216, 220)
RED, GREEN_OK = (204, 12, 57), (0, 150, 80)


class Theme:
    def __init__(self, header, accent, button, button_fg, link, bg, focus, header_fg=WHITE):
        self.header, self.accent, self.button, self.button_fg = header, accent, button, button_fg
        self.link, self.bg, self.focus, self.header_fg = link, bg, focus, header_fg


AMAZON = Theme(header=(35, 47, 62), accent=(255, 153, 0), button=(255, 216, 20), button_fg=INK,
               link=(0, 113, 133), bg=(234, 237, 237), focus=(228, 121, 17))
TAOBAO = Theme(header=(255, 80, 0), accent=(255, 80, 0), button=(255, 80, 0), button_fg=WHITE,
               link=(255, 80, 0), bg=(244, 244, 244), focus=(255, 80, 0))
WECHAT = Theme(header=(7, 193, 96), accent=(7, 193, 96), button=(7, 193, 96), button_fg=WHITE,
               link=(87, 107, 149), bg=(237, 237, 237), focus=(7, 193, 96))


def tint(color, amount):
    """color mixed with white (amount 0..1)."""
    return tuple(round(c + (255 - c) * amount) for c in color)


# --------------------------------------------------------------------------------------
# Screen: widgets stacked from the top; targets become highlight boxes
# --------------------------------------------------------------------------------------

class Screen:
    def __init__(self, theme: Theme, bg=None):
        self.t = theme
        self.c = Canvas(W, H, bg or theme.bg)
        self.y = 0
        self.highlights: list[tuple] = []
        self.redacts: list[tuple] = []
        self._behind = 0

    # bookkeeping ---------------------------------------------------------------------

    def mark(self, box, target=False, private=False):
        if not self._behind:
            if target:
                self.highlights.append(box)
            if private:
                self.redacts.append(box)
        return box

    @contextmanager
    def behind(self):
        """Draw a page that a dialog or sheet then covers: dimmed, no targets."""
        self._behind += 1
        yield
        self._behind -= 1
        self.c.dim()

    def centered(self, s, y, scale, color, x0=0, x1=W):
        self.c.text(x0 + (x1 - x0 - text_width(s, scale)) // 2, y, s, scale, color)

    @staticmethod
    def fit(s, width, scale=3):
        while scale > 1 and text_width(s, scale) > width:
            scale -= 1
        return scale

    # chrome --------------------------------------------------------------------------

    def status(self, bg=None, fg=None):
        bg, fg = bg or self.t.header, fg or self.t.header_fg
        self.c.rect(0, 0, W, 40, bg)
        self.c.text(28, 13, "9:41", 2, fg)
        for i in range(4):  # signal bars
            self.c.rect(430 + i * 9, 26 - i * 4, 436 + i * 9, 28, fg)
        self.c.frame(474, 13, 508, 29, 4, 2, fg, bg)  # battery
        self.c.rect(477, 16, 500, 26, fg)
        self.c.rect(508, 18, 511, 24, fg)
        self.y = 40

    def header(self, title, back=True, right=None, bg=None, fg=None):
        bg, fg = bg or self.t.header, fg or self.t.header_fg
        y = self.y
        self.c.rect(0, y, W, y + 88, bg)
        if back:
            self.c.text(22, y + 33, "<", 3, fg)
        scale = self.fit(title, 380)
        self.centered(title, y + 44 - 7 * scale // 2, scale, fg)
        if right == "more":
            for i in range(3):
                self.c.circle(478 + i * 14, y + 44, 4, fg)
        elif right:
            self.c.text(W - 24 - text_width(right, 2), y + 37, right, 2, fg)
        self.y += 88

    def amazon_logo(self, x, y, scale, color):
        self.c.text(x, y, "amazon", scale, color)
        w = text_width("amazon", scale)
        base = y + 7 * scale + scale + 2
        self.c.rect(x + scale * 2, base, x + w - scale * 3, base + scale, AMAZON.accent)  # the smile
        self.c.rect(x + w - scale * 4, base - scale * 2, x + w - scale * 3, base + scale, AMAZON.accent)
        self.c.rect(x + w - scale * 6, base - scale * 2, x + w - scale * 3, base - scale, AMAZON.accent)

    def browser(self, url):
        """A mobile browser: light status bar and an address bar."""
        self.status(bg=WHITE, fg=INK)
        y = self.y
        self.c.rect(0, y, W, y + 80, (241, 243, 244))
        self.c.rrect(20, y + 14, 456, y + 66, 26, WHITE)
        self.c.rrect(40, y + 34, 54, y + 50, 3, GREY)  # padlock
        self.c.frame(42, y + 26, 52, y + 38, 5, 2, GREY, WHITE)
        self.c.text(68, y + 33, url, 2, (60, 64, 67))
        self.c.frame(472, y + 24, 504, y + 56, 6, 3, (60, 64, 67), (241, 243, 244))
        self.c.text(482, y + 33, "2", 2, (60, 64, 67))
        self.c.rect(0, y + 79, W, y + 80, LINE)
        self.y += 80

    def browser_toolbar(self):
        y = H - 88
        self.c.rect(0, y, W, H, (241, 243, 244))
        self.c.rect(0, y, W, y + 1, LINE)
        for i, glyph in enumerate(["<", ">", "+", "=", "*"]):
            self.c.text(48 + i * 106 - 7, y + 30, glyph, 3, (95, 99, 104))

    def tabbar(self, tabs, active, target=False):
        """tabs: (icon, label) pairs; the active tab is drawn in the accent colour."""
        y0 = H - 100
        self.c.rect(0, y0, W, H, WHITE)
        self.c.rect(0, y0, W, y0 + 1, LINE)
        cell = W // len(tabs)
        box = None
        for i, (icon, label) in enumerate(tabs):
            cx = i * cell + cell // 2
            color = self.t.accent if i == active else (140, 140, 145)
            draw_icon(self.c, icon, cx, y0 + 34, color, WHITE)
            self.centered(label, y0 + 66, 2, color, i * cell, (i + 1) * cell)
            if i == active:
                box = (i * cell + 4, y0 + 6, (i + 1) * cell - 4, H - 8)
        return self.mark(box, target)

    # content -------------------------------------------------------------------------

    def gap(self, h=20):
        self.y += h

    def title(self, s, scale=3, x=28, color=INK):
        scale = self.fit(s, W - 2 * x, scale)
        self.c.text(x, self.y, s, scale, color)
        self.y += 7 * scale + 20

    def label(self, s, color=GREY, x=28, scale=2):
        self.c.text(x, self.y, s, scale, color)
        self.y += 7 * scale + 14

    def bars(self, widths, x=28, color=BAR, step=28, private=False):
        """Placeholder paragraph: one rounded bar per line, widths in pixels."""
        y0 = self.y
        for i, w in enumerate(widths):
            self.c.rrect(x, self.y, x + w, self.y + 14, 7, color)
            self.y += step
        self.y += 8
        if private:
            self.mark((x - 4, y0 - 6, x + max(widths) + 4, self.y - step + 14 - 8 + 6), private=True)

    def row(self, label, value=None, icon=None, icon_color=None, chevron=True, target=False,
            private=False, h=92, bg=WHITE, sub=False, color=INK):
        y = self.y
        self.c.rect(0, y, W, y + h, bg)
        x = 28
        if sub:
            x = 60
        if icon:
            draw_icon(self.c, icon, x + 20, y + h // 2, icon_color or self.t.accent, bg)
            x += 60
        right = W - 28 - (26 if chevron else 0)
        if value:
            vw = text_width(value, 2)
            self.c.text(right - vw, y + h // 2 - 7, value, 2, GREY)
            right -= vw + 16
        scale = self.fit(label, right - x, 3 if not sub else 2)
        self.c.text(x, y + h // 2 - 7 * scale // 2, label, scale, color)
        if chevron:
            self.c.text(W - 40, y + h // 2 - 7, ">", 2, (190, 190, 195))
        self.c.rect(x, y + h - 1, W, y + h, LINE)
        self.y += h
        return self.mark((0 + 2, y, W - 2, y + h), target, private)

    def button(self, label, style="primary", target=False, margin=32, h=84, radius=None):
        y = self.y
        x0, x1 = margin, W - margin
        r = h // 2 if radius is None else radius
        if style == "primary":
            self.c.rrect(x0, y, x1, y + h, r, self.t.button)
            fg = self.t.button_fg
        elif style == "secondary":
            self.c.rrect(x0, y, x1, y + h, r, (230, 230, 234))
            fg = INK
        else:  # outline
            self.c.frame(x0, y, x1, y + h, r, 2, (190, 192, 196), WHITE)
            fg = INK
        scale = self.fit(label, x1 - x0 - 40)
        self.centered(label, y + (h - 7 * scale) // 2, scale, fg, x0, x1)
        self.y += h + 20
        return self.mark((x0 - 6, y - 6, x1 + 6, y + h + 6), target)

    def small_button(self, x, y, label, style="outline", target=False, color=None):
        w = text_width(label, 2) + 36
        color = color or self.t.accent
        if style == "primary":
            self.c.rrect(x, y, x + w, y + 48, 24, color)
            self.c.text(x + 18, y + 17, label, 2, WHITE)
        else:
            self.c.frame(x, y, x + w, y + 48, 24, 2, color if style == "accent" else (180, 182, 186), WHITE)
            self.c.text(x + 18, y + 17, label, 2, color if style == "accent" else INK)
        return self.mark((x - 6, y - 6, x + w + 6, y + 54), target)

    def link(self, s, target=False, x=28, scale=2):
        y = self.y
        self.c.text(x, y, s, scale, self.t.link)
        self.y += 7 * scale + 24
        return self.mark((x - 8, y - 10, x + text_width(s, scale) + 8, y + 7 * scale + 10), target)

    def input(self, label, value="", placeholder=False, password=0, focused=False, error=False,
              target=False, private=False, suffix=None, x0=28, x1=W - 28):
        if label:
            self.c.text(x0, self.y, label, 2, INK)
            self.y += 28
        y = self.y
        border = RED if error else self.t.focus if focused else (166, 166, 170)
        self.c.frame(x0, y, x1, y + 76, 8, 3 if focused or error else 2, border, WHITE)
        if password:
            for i in range(password):
                self.c.circle(x0 + 28 + i * 24, y + 38, 7, INK)
        scale = 3 if text_width(value, 3) < x1 - x0 - 140 else 2
        if value and not password:
            self.c.text(x0 + 18, y + 38 - 7 * scale // 2, value, scale, GREY if placeholder else INK)
        if focused:
            if password:
                cx = x0 + 20 + password * 24 + 6
            else:
                cx = x0 + 24 + (text_width(value, scale) if value and not placeholder else 0)
            self.c.rect(cx, y + 20, cx + 3, y + 56, self.t.focus)
        if suffix:
            self.c.text(x1 - 18 - text_width(suffix, 2), y + 31, suffix, 2, self.t.link)
        self.y += 76 + 22
        return self.mark((x0 - 6, y - 6, x1 + 6, y + 82), target, private)

    def codeboxes(self, digits="", n=6, dots=False, target=False, box_w=64, gap=12):
        y = self.y
        total = n * box_w + (n - 1) * gap
        x = (W - total) // 2
        for i in range(n):
            bx = x + i * (box_w + gap)
            filled = i < len(digits)
            self.c.frame(bx, y, bx + box_w, y + 78, 8, 3 if i == len(digits) else 2,
                         self.t.focus if i == len(digits) else (170, 170, 175), WHITE)
            if filled and dots:
                self.c.circle(bx + box_w // 2, y + 39, 9, INK)
            elif filled:
                self.c.text(bx + box_w // 2 - 11, y + 25, digits[i], 4, INK)
        self.y += 78 + 26
        return self.mark((x - 8, y - 8, x + total + 8, y + 86), target)

    def radio(self, label, selected, target=False, detail=None):
        y = self.y
        h = 110 if detail else 88
        self.c.frame(28, y, W - 28, y + h - 12, 10, 3 if selected else 2,
                     self.t.focus if selected else (200, 200, 205), tint(self.t.accent, 0.9) if selected else WHITE)
        bg = tint(self.t.accent, 0.9) if selected else WHITE
        self.c.circle(66, y + 38, 15, self.t.link if selected else (150, 150, 155))
        self.c.circle(66, y + 38, 12, bg)
        if selected:
            self.c.circle(66, y + 38, 7, self.t.link)
        scale = self.fit(label, W - 130, 3)
        self.c.text(98, y + 38 - 7 * scale // 2, label, scale, INK)
        if detail:
            self.c.rrect(98, y + 70, 98 + detail, y + 82, 6, BAR)
        self.y += h
        return self.mark((22, y - 6, W - 22, y + h - 6), target)

    def checkbox(self, label, checked=True, x=28):
        y = self.y
        self.c.frame(x, y, x + 30, y + 30, 5, 2, (130, 130, 135), WHITE)
        if checked:
            self.c.rrect(x + 2, y + 2, x + 28, y + 28, 4, self.t.link)
            self.c.check(x + 15, y + 16, 8, 4, WHITE)
        self.c.text(x + 44, y + 8, label, 2, INK)
        self.y += 52

    def notice(self, lines, kind="error"):
        color = RED if kind == "error" else GREEN_OK
        y = self.y
        h = 40 + 30 * len(lines)
        self.c.frame(28, y, W - 28, y + h, 10, 2, color, WHITE)
        self.c.rect(28, y + 8, 34, y + h - 8, color)
        self.c.circle(66, y + 34, 14, color)
        if kind == "error":
            self.c.text(61, y + 27, "!", 2, WHITE)
        else:
            self.c.check(66, y + 35, 7, 3, WHITE)
        for i, s in enumerate(lines):
            self.c.text(96, y + 22 + i * 30, s, 2, color if i == 0 else INK)
        self.y += h + 24

    def card(self, h, x0=20, x1=W - 20, color=WHITE, r=16):
        """A white card; returns its top so the caller can place things inside."""
        y = self.y
        self.c.rrect(x0, y, x1, y + h, r, color)
        self.y += h + 16
        return y

    def thumb(self, x, y, size, color):
        """A product photo stand-in: a tinted square with a simple object in it."""
        self.c.rrect(x, y, x + size, y + size, 10, tint(color, 0.75))
        self.c.rrect(x + size // 4, y + size // 3, x + size * 3 // 4, y + size * 5 // 6, 8, color)
        self.c.circle(x + size // 2, y + size // 3, size // 7, tint(color, 0.35))

    def toast(self, s, y=None):
        y = self.y if y is None else y
        w = text_width(s, 2) + 56
        x = (W - w) // 2
        self.c.rrect(x, y, x + w, y + 56, 28, (50, 50, 54))
        self.c.text(x + 28, y + 21, s, 2, WHITE)

    def dialog(self, title, lines, buttons, target=None, stacked=False):
        """A centered dialog; buttons: labels, the first drawn as the primary one."""
        height = 100 + 30 * len(lines) + (len(buttons) * 80 if stacked else 90)
        x0, x1 = 50, W - 50
        y0 = (H - height) // 2
        self.c.rrect(x0, y0, x1, y0 + height, 18, WHITE)
        self.centered(title, y0 + 34, 3, INK, x0, x1)
        y = y0 + 86
        for w in lines:
            self.c.rrect((W - w) // 2, y, (W + w) // 2, y + 14, 7, BAR)
            y += 30
        y += 10
        boxes = []
        if stacked:
            for i, b in enumerate(buttons):
                color = self.t.link if i == 0 else GREY
                self.c.rect(x0, y, x1, y + 1, LINE)
                self.centered(b, y + 28, 3 if i == 0 else 2, color, x0, x1)
                boxes.append((x0 + 4, y + 4, x1 - 4, y + 76))
                y += 80
        else:
            self.c.rect(x0, y, x1, y + 1, LINE)
            cell = (x1 - x0) // len(buttons)
            for i, b in enumerate(buttons):
                bx = x0 + i * cell
                if i:
                    self.c.rect(bx, y, bx + 1, y + 90, LINE)
                self.centered(b, y + 34, 2, self.t.link if i == 0 else INK, bx, bx + cell)
                boxes.append((bx + 4, y + 6, bx + cell - 4, y + 84))
        if target is not None:
            self.mark(boxes[target], True)

    def sheet(self, height, title=None):
        """A bottom sheet; leaves self.y at its first content line."""
        y0 = H - height
        self.c.rrect(0, y0, W, H + 40, 24, WHITE)
        self.c.rrect(W // 2 - 30, y0 + 12, W // 2 + 30, y0 + 18, 3, (200, 200, 205))
        self.y = y0 + 40
        if title:
            self.centered(title, self.y, 3, INK)
            self.y += 50
            self.c.rect(0, self.y, W, self.y + 1, LINE)
        return y0

    def keypad(self):
        """The numeric keypad of a payment password screen."""
        y0 = H - 4 * 104 - 24
        self.c.rect(0, y0, W, H, (210, 213, 219))
        keys = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "", "0", "<"]
        kw = (W - 4 * 8) // 3
        for i, k in enumerate(keys):
            x = 8 + (i % 3) * (kw + 8)
            y = y0 + 8 + (i // 3) * 104
            if k:
                self.c.rrect(x, y, x + kw, y + 96, 10, WHITE if k != "<" else (210, 213, 219))
                self.c.text(x + kw // 2 - 11, y + 34, k, 4, INK)

    def chart(self, values, labels, color, h=260):
        y0 = self.y
        top = max(values)
        n = len(values)
        cell = (W - 80) // n
        for i in range(4):  # grid lines
            self.c.rect(56, y0 + i * h // 4, W - 24, y0 + i * h // 4 + 1, LINE)
        self.c.rect(56, y0 + h, W - 24, y0 + h + 2, GREY)
        for i, (v, s) in enumerate(zip(values, labels)):
            bh = round(h * v / top * 0.92)
            x = 60 + i * cell + cell // 4
            self.c.rect(x, y0 + h - bh, x + cell // 2, y0 + h, color)
            self.centered(s, y0 + h + 12, 2, GREY, 60 + i * cell, 60 + (i + 1) * cell)
        self.y += h + 50


# --------------------------------------------------------------------------------------
# Icons: a few flat shapes, about 40 px wide, centered on (cx, cy)
# --------------------------------------------------------------------------------------

def draw_icon(c: Canvas, name, cx, cy, color, bg):
    if name == "home":
        c.triangle_up(cx, cy - 18, 20, 16, color)
        c.rect(cx - 13, cy - 3, cx + 13, cy + 16, color)
        c.rect(cx - 4, cy + 5, cx + 4, cy + 16, bg)
    elif name == "person":
        c.circle(cx, cy - 8, 9, color)
        c.rrect(cx - 16, cy + 4, cx + 16, cy + 20, 8, color)
    elif name == "cart":
        c.rect(cx - 20, cy - 16, cx - 12, cy - 12, color)
        c.rrect(cx - 14, cy - 12, cx + 18, cy + 6, 4, color)
        c.circle(cx - 8, cy + 14, 5, color)
        c.circle(cx + 12, cy + 14, 5, color)
    elif name == "menu":
        for dy in (-14, -2, 10):
            c.rrect(cx - 18, cy + dy, cx + 18, cy + dy + 5, 2, color)
    elif name == "chat":
        c.rrect(cx - 20, cy - 16, cx + 20, cy + 10, 10, color)
        c.triangle_up(cx - 8, cy + 6, 6, 12, color)
    elif name == "contacts":
        c.circle(cx - 5, cy - 7, 8, color)
        c.rrect(cx - 19, cy + 4, cx + 9, cy + 18, 7, color)
        c.rect(cx + 12, cy - 10, cx + 20, cy - 6, color)
        c.rect(cx + 12, cy, cx + 20, cy + 4, color)
    elif name == "compass":
        c.circle(cx, cy, 19, color)
        c.circle(cx, cy, 14, bg)
        c.circle(cx, cy, 5, color)
    elif name == "video":
        c.rrect(cx - 20, cy - 14, cx + 20, cy + 14, 6, color)
        c.triangle_right(cx - 5, cy, 13, 8, bg)
    elif name == "bag":
        c.circle(cx, cy - 9, 9, color)
        c.circle(cx, cy - 9, 5, bg)
        c.rrect(cx - 18, cy - 6, cx + 18, cy + 18, 5, color)
    elif name == "grid":
        for dx in (-18, 3):
            for dy in (-18, 3):
                c.rrect(cx + dx, cy + dy, cx + dx + 15, cy + dy + 15, 4, color)
    elif name == "box":
        c.rect(cx - 18, cy - 14, cx + 18, cy + 18, color)
        c.rect(cx - 18, cy - 4, cx + 18, cy - 1, bg)
        c.rect(cx - 4, cy - 14, cx + 4, cy - 4, bg)
    elif name == "chart":
        for i, hh in enumerate((14, 26, 20, 34)):
            c.rect(cx - 19 + i * 10, cy + 17 - hh, cx - 12 + i * 10, cy + 17, color)
    elif name == "tag":
        c.circle(cx, cy, 19, color)
        c.text(cx - 9, cy - 7, "%", 2, bg)
    elif name == "wallet":
        c.rrect(cx - 20, cy - 15, cx + 20, cy + 15, 6, color)
        c.rrect(cx + 4, cy - 5, cx + 20, cy + 5, 4, bg)
        c.circle(cx + 11, cy, 3, color)
    elif name == "card":
        c.rrect(cx - 20, cy - 13, cx + 20, cy + 13, 5, color)
        c.rect(cx - 20, cy - 6, cx + 20, cy - 1, bg)
    elif name == "shield":
        c.rrect(cx - 16, cy - 18, cx + 16, cy + 4, 4, color)
        c.triangle_up(cx, cy - 18, 16, 1, color)
        for i in range(16):
            c.hline(cx - 16 + i, cx + 16 - i, cy + 4 + i, color)
    elif name == "star":
        c.triangle_up(cx, cy - 18, 18, 30, color)
        c.rect(cx - 20, cy - 5, cx + 20, cy + 2, color)
    elif name == "pin":
        c.circle(cx, cy - 6, 14, color)
        c.circle(cx, cy - 6, 5, bg)
        for i in range(14):
            c.hline(cx - 10 + i * 10 // 14, cx + 10 - i * 10 // 14, cy + 4 + i, color)
    elif name == "qr":
        c.rect(cx - 18, cy - 18, cx + 18, cy + 18, color)
        c.rect(cx - 13, cy - 13, cx + 13, cy + 13, bg)
        c.rect(cx - 8, cy - 8, cx + 8, cy + 8, color)
    elif name == "gear":
        c.circle(cx, cy, 18, color)
        c.circle(cx, cy, 7, bg)
    elif name == "camera":
        c.rrect(cx - 20, cy - 12, cx + 20, cy + 16, 6, color)
        c.rect(cx - 8, cy - 18, cx + 8, cy - 12, color)
        c.circle(cx, cy + 2, 9, bg)
    else:  # a plain rounded square
        c.rrect(cx - 20, cy - 20, cx + 20, cy + 20, 10, color)


# --------------------------------------------------------------------------------------
# The screens: image path under content/ -> (theme, drawing function)
# --------------------------------------------------------------------------------------

SCREENS: dict = {}


def screen(path, theme):
    def register(fn):
        SCREENS[path] = (theme, fn)
        return fn
    return register


AMAZON_TABS = [("home", "Home"), ("tag", "Deals"), ("cart", "Cart"), ("person", "My")]
SELLER_TABS = [("home", "Home"), ("box", "Orders"), ("chart", "Inventory"), ("menu", "Menu")]
TAOBAO_TABS = [("home", "Home"), ("video", "Videos"), ("chat", "Messages"), ("cart", "Cart"), ("person", "My Taobao")]
WECHAT_TABS = [("chat", "Chats"), ("contacts", "Contacts"), ("compass", "Discover"), ("person", "Me")]


# Amazon shopping app ------------------------------------------------------------------

def amazon_my_page(s: Screen, target_row=None, target_tab=False):
    """The Amazon app's "My" page, greeting the user by nickname."""
    s.status()
    s.tabbar(AMAZON_TABS, 3, target=target_tab)
    y = s.y
    s.c.rect(0, y, W, y + 92, AMAZON.header)
    s.amazon_logo(28, y + 22, 4, WHITE)
    draw_icon(s.c, "cart", 490, y + 42, WHITE, AMAZON.header)
    s.y += 92
    y = s.y
    s.c.rect(0, y, W, y + 100, (55, 71, 90))
    s.c.circle(68, y + 50, 30, tint(AMAZON.accent, 0.3))
    s.c.text(58, y + 36, "N", 4, AMAZON.header)
    s.c.text(116, y + 38, "Hello, Nini", 4, WHITE)
    s.y += 116
    boxes = {}
    for i, name in enumerate(["Your Orders", "Buy Again", "Your Account", "Your Lists"]):
        x = 28 + (i % 2) * 248
        yy = s.y + (i // 2) * 84
        s.c.frame(x, yy, x + 236, yy + 68, 34, 2, (180, 184, 188), WHITE)
        s.centered(name, yy + 27, 2, INK, x, x + 236)
        boxes[name] = (x - 6, yy - 6, x + 242, yy + 74)
    s.y += 2 * 84 + 12
    s.label("Your Orders", INK, scale=3)
    for i, col in enumerate([(64, 120, 200), (200, 90, 60), (90, 160, 90)]):
        s.thumb(28 + i * 166, s.y, 150, col)
    s.y += 170
    if target_row in boxes:
        s.mark(boxes[target_row], True)
    for name in ["Account Settings", "Customer Service"]:
        s.row(name, target=(name == target_row))


def amazon_signin_page(s: Screen):
    s.status()
    s.header("Sign-In")
    s.gap(30)
    s.title("Sign in", 4)
    s.c.text(28, s.y, "nini@example.com", 2, INK)
    s.mark((22, s.y - 8, 236, s.y + 22), private=True)
    s.c.text(260, s.y, "Change", 2, AMAZON.link)
    s.y += 50
    s.notice(["There was a problem", "Your password is incorrect"])
    return s


@screen("cross-border-ec/amazon/forgot-password/step-01.png", AMAZON)
def _(s):
    amazon_my_page(s, target_row="Account Settings", target_tab=True)


@screen("cross-border-ec/amazon/forgot-password/step-02.png", AMAZON)
def _(s):
    s.status()
    s.header("Account Settings")
    s.gap(24)
    s.label("Account settings")
    s.row("Change Account Settings", icon="shield", icon_color=AMAZON.link, target=True)
    for name, icon in [("Your Addresses", "pin"), ("Payment Options", "card"), ("Your Prime Membership", "star")]:
        s.row(name, icon=icon, icon_color=(90, 100, 110))
    s.gap(24)
    s.label("Preferences")
    s.row("Country & Language", value="EN")
    s.row("Notifications")
    s.tabbar(AMAZON_TABS, 3)


@screen("cross-border-ec/amazon/forgot-password/step-03.png", AMAZON)
def _(s):
    amazon_signin_page(s)
    s.c.text(28, s.y, "Password", 2, INK)
    s.c.text(W - 28 - text_width("Forgot Password?", 2), s.y, "Forgot Password?", 2, AMAZON.link)
    s.mark((W - 36 - text_width("Forgot Password?", 2), s.y - 10, W - 20, s.y + 24), True)
    s.y += 28
    s.input(None, password=8, error=True, focused=True)
    s.checkbox("Show password", checked=False)
    s.gap(10)
    s.button("Sign-In")
    s.gap(10)
    s.bars([300, 420], x=28)


@screen("cross-border-ec/amazon/forgot-password/step-04.png", AMAZON)
def _(s):
    with s.behind():
        amazon_signin_page(s)
    s.sheet(420, "Open with")
    s.y += 40
    apps = [("Chrome", (66, 133, 244)), ("Browser", (255, 112, 67)), ("Firefox", (230, 96, 0))]
    for i, (name, color) in enumerate(apps):
        cx = 110 + i * 160
        s.c.circle(cx, s.y + 44, 44, color)
        s.c.circle(cx, s.y + 44, 18, WHITE)
        s.centered(name, s.y + 106, 2, INK, cx - 80, cx + 80)
        if name == "Browser":
            s.mark((cx - 64, s.y - 10, cx + 64, s.y + 132), True)
    s.y += 160
    s.c.rect(0, s.y, W, s.y + 1, LINE)
    s.centered("Just once", s.y + 38, 2, GREY, 0, W // 2)
    s.centered("Always", s.y + 38, 2, GREY, W // 2, W)


def amazon_web_page(s: Screen, url, heading):
    s.browser(url)
    s.gap(30)
    s.amazon_logo((W - text_width("amazon", 4)) // 2, s.y, 4, INK)
    s.y += 70
    s.title(heading)
    s.browser_toolbar()


@screen("cross-border-ec/amazon/forgot-password/step-05.png", AMAZON)
def _(s):
    amazon_web_page(s, "amazon.com/ap/forgotpassword", "Password assistance")
    s.bars([470, 380])
    s.gap(10)
    s.input("Email or mobile phone number", "nini@example.com", focused=True, target=True)
    s.gap(8)
    s.button("Continue", target=True, radius=10)
    s.gap(30)
    s.label("Has your email or mobile number changed?", INK)
    s.bars([440, 330, 200])


@screen("cross-border-ec/amazon/forgot-password/step-06.png", AMAZON)
def _(s):
    amazon_web_page(s, "amazon.com/ap/forgotpassword", "Choose an option")
    s.bars([440, 250])
    s.gap(10)
    s.radio("Set new password", True, target=True, detail=300)
    s.gap(12)
    s.radio("Sign in with a code", False, detail=260)
    s.gap(30)
    s.button("Continue", target=True, radius=10)


@screen("cross-border-ec/amazon/forgot-password/step-07.png", AMAZON)
def _(s):
    amazon_web_page(s, "amazon.com/ap/cvf/verify", "Verification required")
    s.bars([460, 420, 180])
    s.c.text(28, s.y, "+86 138 **** 5678", 2, INK)
    s.mark((22, s.y - 8, 240, s.y + 22), private=True)
    s.y += 46
    s.label("Enter verification code", INK)
    s.codeboxes("482916", target=True)
    s.button("Continue", target=True, radius=10)
    s.link("Resend code")


@screen("cross-border-ec/amazon/forgot-password/step-08.png", AMAZON)
def _(s):
    amazon_web_page(s, "amazon.com/ap/forgotpassword", "Confirm your name")
    s.bars([470, 360])
    s.gap(10)
    s.input("User name", "Nini", focused=True, target=True)
    s.gap(8)
    s.button("Continue", target=True, radius=10)
    s.gap(20)
    s.bars([420, 300], color=(230, 232, 236))


@screen("cross-border-ec/amazon/forgot-password/step-09.png", AMAZON)
def _(s):
    amazon_web_page(s, "amazon.com/ap/forgotpassword", "Create new password")
    s.bars([470, 300])
    s.gap(10)
    s.input("New password", password=10)
    s.input("Password again", password=10, focused=True)
    s.checkbox("Show password", checked=False)
    s.gap(10)
    s.button("Save changes", target=True, radius=10)
    s.gap(20)
    s.label("Secure password tips", INK)
    s.bars([400, 360, 420])


@screen("cross-border-ec/amazon/forgot-password/step-10.png", AMAZON)
def _(s):
    with s.behind():
        amazon_web_page(s, "amazon.com/ap/signin", "Sign in")
        s.notice(["Password changed", "Sign in with your new password"], kind="ok")
        s.input("Email or mobile phone number", "")
        s.button("Continue", radius=10)
    s.dialog("Save password?", [300, 220], ["Save", "Not now", "Never save"], target=0, stacked=True)


# Amazon Seller app --------------------------------------------------------------------

@screen("cross-border-ec/amazon/view-sales/step-01.png", AMAZON)
def _(s):
    s.status()
    y = s.y
    s.c.rect(0, y, W, y + 92, AMAZON.header)
    s.amazon_logo(28, y + 22, 4, WHITE)
    s.c.text(190, y + 36, "seller central", 2, tint(AMAZON.accent, 0.2))
    s.y += 108
    top = s.card(230)
    s.c.text(48, top + 24, "Today's sales", 2, GREY)
    s.c.text(48, top + 60, "$1,284.50", 5, INK)
    s.c.text(48, top + 130, "37 units  -  29 orders", 2, GREY)
    s.c.rrect(48, top + 170, 380, top + 184, 7, tint(AMAZON.link, 0.6))
    for name, value in [("Open orders", "12"), ("Buyer messages", "3"), ("Account health", "Good")]:
        top = s.card(96)
        s.c.text(48, top + 38, name, 3, INK)
        s.c.text(W - 48 - text_width(value, 3), top + 38, value, 3, AMAZON.link)
    s.tabbar(SELLER_TABS, 0)
    s.mark((3 * (W // 4) + 4, H - 94, W - 4, H - 8), True)


@screen("cross-border-ec/amazon/view-sales/step-02.png", AMAZON)
def _(s):
    s.status()
    s.header("Menu", back=False)
    for name in ["Catalog", "Inventory", "Pricing", "Orders", "Advertising"]:
        s.row(name)
    s.row("Reports", chevron=False, target=True, bg=tint(AMAZON.accent, 0.85))
    s.row("Business Reports", sub=True, target=True)
    for name in ["Fulfillment", "Payments", "Return Reports"]:
        s.row(name, sub=True)
    s.tabbar(SELLER_TABS, 3)


@screen("cross-border-ec/amazon/view-sales/step-03.png", AMAZON)
def _(s):
    s.status()
    s.header("Business Reports")
    s.gap(20)
    s.label("Dashboards")
    s.row("Sales Dashboard", icon="chart", icon_color=AMAZON.link, target=True)
    s.gap(20)
    s.label("Business Reports - By Date")
    for name in ["Sales and Traffic", "Detail Page Sales", "Seller Performance"]:
        s.row(name)
    s.gap(20)
    s.label("Business Reports - By ASIN")
    s.row("Detail Page Sales by ASIN")
    s.tabbar(SELLER_TABS, 3)


def sales_dashboard(s, date_label):
    s.status()
    s.header("Sales Dashboard")
    s.gap(20)
    box = s.input("Date", date_label, suffix="v")
    s.gap(4)
    top = s.card(150)
    s.c.text(48, top + 22, "Units ordered", 2, GREY)
    s.c.text(48, top + 56, "1,046", 4, INK)
    s.c.text(290, top + 22, "Product sales", 2, GREY)
    s.c.text(290, top + 56, "$31,870", 4, INK)
    return box


@screen("cross-border-ec/amazon/view-sales/step-04.png", AMAZON)
def _(s):
    with s.behind():
        sales_dashboard(s, "Last 30 days")
    s.sheet(640, "Date range")
    for name in ["Today", "Yesterday", "Last 7 days", "Last 30 days", "Year to date"]:
        s.row(name, chevron=False)
    s.row("Custom", chevron=False, target=True, color=AMAZON.link)


@screen("cross-border-ec/amazon/view-sales/step-05.png", AMAZON)
def _(s):
    s.status()
    s.header("Custom date range")
    s.gap(24)
    s.input("Start date", "01/01/2024", target=True)
    s.input("End date", "04/30/2024", focused=True, target=True)
    top = s.card(420)
    s.c.text(48, top + 24, "April 2024", 3, INK)
    for i, d in enumerate("SMTWTFS"):
        s.c.text(56 + i * 66, top + 80, d, 2, GREY)
    for day in range(1, 31):
        col, row = (day + 0) % 7, (day + 0) // 7
        x, y = 44 + col * 66, top + 120 + row * 56
        if day == 30:
            s.c.circle(x + 17, y + 7, 24, AMAZON.link)
        label = str(day)
        s.c.text(x + 17 - text_width(label, 2) // 2, y, label, 2, WHITE if day == 30 else INK)
    s.button("Apply", target=True, radius=10)


@screen("cross-border-ec/amazon/view-sales/step-06.png", AMAZON)
def _(s):
    sales_dashboard(s, "01/01/2024 - 04/30/2024")
    s.label("Compare sales", INK, scale=3)
    y = s.y
    for i, name in enumerate(["Day", "Week", "Month"]):
        x = 28 + i * 162
        selected = name == "Month"
        s.c.rrect(x, y, x + 150, y + 56, 10, AMAZON.link if selected else WHITE)
        s.centered(name, y + 21, 2, WHITE if selected else INK, x, x + 150)
        if selected:
            s.mark((x - 6, y - 6, x + 156, y + 62), True)
    s.y += 80
    s.chart([218, 241, 276, 311], ["Jan", "Feb", "Mar", "Apr"], AMAZON.link)
    s.tabbar(SELLER_TABS, 3)


@screen("cross-border-ec/amazon/view-sales/step-07.png", AMAZON)
def _(s):
    s.status()
    s.header("Sales and Traffic", right="more")
    s.gap(20)
    s.input("Date", "01/01/2024 - 04/30/2024", suffix="v")
    y = s.y
    s.c.rect(0, y, W, y + 60, (214, 219, 222))
    for x, name in [(28, "Month"), (190, "Units"), (350, "Sales")]:
        s.c.text(x, y + 22, name, 2, INK)
    s.y += 60
    for month, units, sales in [("Jan 2024", "218", "$6,630"), ("Feb 2024", "241", "$7,310"),
                                ("Mar 2024", "276", "$8,420"), ("Apr 2024", "311", "$9,510")]:
        y = s.y
        s.c.rect(0, y, W, y + 70, WHITE)
        s.c.rect(0, y + 69, W, y + 70, LINE)
        for x, v in [(28, month), (190, units), (350, sales)]:
            s.c.text(x, y + 28, v, 2, INK)
        s.y += 70
    s.gap(40)
    s.button("Download (CSV)", target=True, radius=10)
    s.tabbar(SELLER_TABS, 3)


# Amazon seller sign-up (in a mobile browser) --------------------------------------------

def seller_signup_page(s, heading, step=None):
    s.browser("sellercentral.amazon.com")
    y = s.y
    s.c.rect(0, y, W, y + 80, AMAZON.header)
    s.amazon_logo(28, y + 18, 3, WHITE)
    s.c.text(160, y + 28, "seller central", 2, tint(AMAZON.accent, 0.2))
    s.y += 80
    if step:
        y = s.y + 24
        for i in range(5):
            s.c.rrect(28 + i * 98, y, 116 + i * 98, y + 10, 5, AMAZON.link if i < step else BAR)
        s.y += 50
    else:
        s.gap(30)
    s.title(heading)
    s.gap(8)
    s.browser_toolbar()


@screen("cross-border-ec/amazon/open-store/step-01.png", AMAZON)
def _(s):
    s.browser("sell.amazon.com")
    y = s.y
    s.c.rect(0, y, W, y + 420, AMAZON.header)
    s.amazon_logo(28, y + 30, 3, WHITE)
    s.c.text(28, y + 110, "Become an", 4, WHITE)
    s.c.text(28, y + 160, "Amazon seller", 4, WHITE)
    s.c.rrect(28, y + 228, 460, y + 242, 7, (90, 105, 120))
    s.c.rrect(28, y + 256, 360, y + 270, 7, (90, 105, 120))
    s.y = y + 300
    s.button("Sign up", target=True, radius=10)
    s.y = y + 440
    top = s.card(220)
    s.c.text(48, top + 26, "Professional", 3, INK)
    s.c.text(48, top + 76, "$39.99", 5, INK)
    s.c.text(250, top + 96, "/ month + fees", 2, GREY)
    s.c.rrect(48, top + 150, 440, top + 164, 7, BAR)
    s.c.rrect(48, top + 178, 360, top + 192, 7, BAR)
    top = s.card(140)
    s.c.text(48, top + 26, "Individual", 3, INK)
    s.c.text(48, top + 76, "$0.99 / unit sold", 2, GREY)
    s.browser_toolbar()


@screen("cross-border-ec/amazon/open-store/step-02.png", AMAZON)
def _(s):
    seller_signup_page(s, "Create account")
    s.input("Your name", "Nini Zhang")
    s.input("Email", "nini.shop@example.com", private=True)
    s.input("Password", password=9)
    s.input("Re-enter password", password=9, focused=True)
    s.button("Next", target=True, radius=10)


@screen("cross-border-ec/amazon/open-store/step-03.png", AMAZON)
def _(s):
    seller_signup_page(s, "Verify email address")
    s.bars([470, 440, 200])
    s.input("Enter OTP", "305817", focused=True, target=True)
    s.button("Create your Amazon account", target=True, radius=10)
    s.link("Resend OTP")


@screen("cross-border-ec/amazon/open-store/step-04.png", AMAZON)
def _(s):
    seller_signup_page(s, "Business location", step=1)
    s.input("Business location", "China", suffix="v")
    s.input("Business type", "Privately-owned business", suffix="v")
    s.input("Business name", "Nini Home Goods Co., Ltd.")
    s.checkbox("I agree to the seller agreement")
    s.gap(10)
    s.button("Agree and continue", target=True, radius=10)


@screen("cross-border-ec/amazon/open-store/step-05.png", AMAZON)
def _(s):
    seller_signup_page(s, "Business information", step=2)
    s.input("Company registration number", "91440300MA5F", private=True)
    s.input("Registered business address", "Shenzhen, Guangdong")
    y = s.y
    s.input("Phone number", "+86 138 0013 8000", x1=340, private=True)
    s.y = y + 28
    s.small_button(360, s.y + 14, "Send SMS", style="accent", target=True, color=AMAZON.link)
    s.y = y + 126
    s.input("SMS code", "", placeholder=True)
    s.button("Next", target=True, radius=10)


@screen("cross-border-ec/amazon/open-store/step-06.png", AMAZON)
def _(s):
    seller_signup_page(s, "Primary contact person", step=3)
    s.input("Full name on ID", "Zhang Nini")
    s.input("Country of citizenship", "China", suffix="v")
    s.input("ID number", "4403************", private=True)
    s.input("Date of birth", "05/18/1990")
    s.button("Next", target=True, radius=10)


@screen("cross-border-ec/amazon/open-store/step-07.png", AMAZON)
def _(s):
    seller_signup_page(s, "Billing", step=4)
    s.bars([460, 300])
    s.input("Card number", "4581 2300 1234 5678", private=True)
    y = s.y
    s.input("Expires", "08/28", x1=250)
    s.y = y
    s.input("Card holder", "ZHANG NINI", x0=270)
    s.checkbox("Use my business address")
    s.gap(10)
    s.button("Next", target=True, radius=10)


@screen("cross-border-ec/amazon/open-store/step-08.png", AMAZON)
def _(s):
    seller_signup_page(s, "Store", step=5)
    s.input("Store name", "Nini Home Goods", focused=True)
    s.label("Do you have UPCs for all your products?", INK)
    s.radio("Yes", True)
    s.radio("No", False)
    s.gap(10)
    s.button("Next", target=True, radius=10)


@screen("cross-border-ec/amazon/open-store/step-09.png", AMAZON)
def _(s):
    seller_signup_page(s, "Identity verification", step=5)
    s.bars([460, 380])
    for name in ["ID card - front", "ID card - back", "Bank statement"]:
        y = s.y
        s.c.frame(28, y, W - 28, y + 110, 10, 2, (160, 165, 170), LIGHT)
        draw_icon(s.c, "camera", 84, y + 55, AMAZON.link, LIGHT)
        s.c.text(130, y + 36, name, 3, INK)
        s.c.text(130, y + 70, "Upload (JPG, PNG, PDF)", 2, GREY)
        s.y += 126
    s.button("Submit", target=True, radius=10)


# Amazon shipping addresses --------------------------------------------------------------

def address_card(s, name, lines, default=False, buttons=("Edit", "Remove", "Set as Default"), target=None):
    top = s.card(250 if buttons else 200)
    s.c.text(48, top + 26, name, 3, INK)
    if default:
        s.c.rrect(W - 170, top + 20, W - 40, top + 54, 6, tint(AMAZON.link, 0.8))
        s.c.text(W - 150, top + 30, "Default", 2, AMAZON.link)
    for i, w in enumerate(lines):
        s.c.rrect(48, top + 76 + i * 30, 48 + w, top + 90 + i * 30, 7, BAR)
    x = 48
    for b in buttons:
        box = s.small_button(x, top + 180, b, target=(b == target))
        x = box[2] + 8


@screen("cross-border-ec/amazon/change-shipping-address/step-01.png", AMAZON)
def _(s):
    amazon_my_page(s, target_row="Your Account", target_tab=True)


@screen("cross-border-ec/amazon/change-shipping-address/step-02.png", AMAZON)
def _(s):
    s.status()
    s.header("Your Account")
    s.gap(24)
    s.label("Orders")
    s.row("Your Orders", icon="box", icon_color=(90, 100, 110))
    s.row("Buy Again", icon="cart", icon_color=(90, 100, 110))
    s.gap(24)
    s.label("Account settings")
    s.row("Login & Security", icon="shield", icon_color=(90, 100, 110))
    s.row("Your Addresses", icon="pin", icon_color=AMAZON.link, target=True)
    s.row("Payment Options", icon="card", icon_color=(90, 100, 110))
    s.tabbar(AMAZON_TABS, 3)


@screen("cross-border-ec/amazon/change-shipping-address/step-03.png", AMAZON)
def _(s):
    s.status()
    s.header("Your Addresses")
    s.gap(20)
    s.button("+ Add a new address", style="outline", radius=10)
    address_card(s, "Nini Zhang", [380, 300, 220], default=True, target="Edit")
    address_card(s, "Nini Zhang", [340, 260, 200])
    s.tabbar(AMAZON_TABS, 3)


@screen("cross-border-ec/amazon/change-shipping-address/step-04.png", AMAZON)
def _(s):
    s.status()
    s.header("Edit address")
    s.gap(20)
    s.input("Full name", "Nini Zhang")
    s.input("Phone number", "+1 206 555 0147", private=True)
    s.input("Address", "25 Example Rd, Apt 5", focused=True, private=True)
    y = s.y
    s.input("City", "Springfield", x1=300)
    s.y = y
    s.input("ZIP code", "12345", x0=320, private=True)
    s.button("Update address", target=True, radius=10)


@screen("cross-border-ec/amazon/change-shipping-address/step-05.png", AMAZON)
def _(s):
    s.status()
    s.header("Your Addresses")
    s.gap(20)
    s.button("+ Add a new address", style="outline", radius=10)
    address_card(s, "Nini Zhang", [380, 300, 220], default=True)
    address_card(s, "Nini Zhang", [340, 260, 200], target="Set as Default")
    s.toast("Address saved", y=H - 190)
    s.tabbar(AMAZON_TABS, 3)


@screen("cross-border-ec/amazon/change-shipping-address/step-06.png", AMAZON)
def _(s):
    s.status()
    s.header("Order Details")
    s.gap(20)
    top = s.card(130)
    s.c.text(48, top + 28, "Order placed  May 6, 2024", 2, GREY)
    s.c.text(48, top + 70, "Not yet shipped", 3, GREEN_OK)
    top = s.card(200)
    s.c.text(48, top + 26, "Shipping address", 3, INK)
    s.c.text(W - 48 - text_width("Change", 2), top + 30, "Change", 2, AMAZON.link)
    s.mark((W - 60 - text_width("Change", 2), top + 14, W - 34, top + 52), True)
    for i, w in enumerate([340, 280, 200]):
        s.c.rrect(48, top + 78 + i * 30, 48 + w, top + 92 + i * 30, 7, BAR)
    top = s.card(200)
    s.thumb(48, top + 30, 140, (64, 120, 200))
    s.c.rrect(210, top + 40, 470, top + 54, 7, BAR)
    s.c.rrect(210, top + 70, 400, top + 84, 7, BAR)
    s.c.text(210, top + 110, "$24.99", 3, INK)
    s.button("Cancel items", style="outline", radius=10)
    s.tabbar(AMAZON_TABS, 3)


# Taobao -------------------------------------------------------------------------------

def taobao_confirm_order(s):
    s.status()
    s.header("Confirm Order")
    s.gap(16)
    top = s.card(150)
    draw_icon(s.c, "pin", 60, top + 70, TAOBAO.accent, WHITE)
    s.c.text(100, top + 30, "Nini  138****8000", 3, INK)
    s.c.rrect(100, top + 74, 440, top + 88, 7, BAR)
    s.c.rrect(100, top + 100, 360, top + 114, 7, BAR)
    top = s.card(300)
    s.c.text(40, top + 22, "Nini's Tea House", 2, INK)
    s.thumb(40, top + 60, 150, (60, 140, 90))
    s.c.rrect(210, top + 70, 490, top + 84, 7, BAR)
    s.c.rrect(210, top + 100, 420, top + 114, 7, BAR)
    s.c.text(210, top + 170, "¥89.00", 3, TAOBAO.accent)
    s.c.text(440, top + 170, "x1", 3, GREY)
    s.c.text(40, top + 250, "Delivery", 2, GREY)
    s.c.text(W - 40 - text_width("Express  Free", 2), top + 250, "Express  Free", 2, INK)
    y = H - 110
    s.c.rect(0, y, W, H, WHITE)
    s.c.rect(0, y, W, y + 1, LINE)
    s.c.text(28, y + 44, "Total", 2, INK)
    s.c.text(100, y + 38, "¥89.00", 3, TAOBAO.accent)
    s.c.rrect(300, y + 20, W - 24, y + 90, 35, TAOBAO.accent)
    s.centered("Submit Order", y + 45, 2, WHITE, 300, W - 24)
    return (294, y + 14, W - 18, y + 96)


@screen("domestic-ec/taobao/pay-with-wechat/step-01.png", TAOBAO)
def _(s):
    s.status(bg=(250, 250, 250), fg=INK)
    y = s.y
    s.thumb(0, y, W, (60, 140, 90))
    s.c.circle(44, y + 44, 26, (0, 0, 0))
    s.c.text(34, y + 30, "<", 3, WHITE)
    s.y += W + 20
    top = s.card(250)
    s.c.text(40, top + 26, "¥89.00", 5, TAOBAO.accent)
    s.c.text(320, top + 44, "2,000+ sold", 2, GREY)
    s.c.rrect(40, top + 110, 490, top + 126, 8, (120, 120, 124))
    s.c.rrect(40, top + 142, 400, top + 158, 8, (120, 120, 124))
    s.c.rrect(40, top + 196, 300, top + 210, 7, BAR)
    y = H - 110
    s.c.rect(0, y, W, H, WHITE)
    s.c.rect(0, y, W, y + 1, LINE)
    for i, (icon, name) in enumerate([("home", "Shop"), ("chat", "Chat"), ("cart", "Cart")]):
        cx = 44 + i * 72
        draw_icon(s.c, icon, cx, y + 38, (110, 110, 115), WHITE)
        s.centered(name, y + 70, 2, (110, 110, 115), cx - 36, cx + 36)
    s.c.rrect(232, y + 20, 380, y + 90, 35, (255, 170, 0))
    s.centered("Add to Cart", y + 48, 2, WHITE, 232, 380)
    s.c.rrect(388, y + 20, W - 16, y + 90, 35, TAOBAO.accent)
    s.centered("Buy Now", y + 48, 2, WHITE, 388, W - 16)
    s.mark((382, y + 14, W - 10, y + 96), True)


@screen("domestic-ec/taobao/pay-with-wechat/step-02.png", TAOBAO)
def _(s):
    s.mark(taobao_confirm_order(s), True)


@screen("domestic-ec/taobao/pay-with-wechat/step-03.png", TAOBAO)
def _(s):
    with s.behind():
        taobao_confirm_order(s)
    s.sheet(560)
    s.centered("¥89.00", s.y + 10, 5, INK)
    s.y += 80
    s.c.rect(0, s.y, W, s.y + 1, LINE)
    s.row("Alipay balance", icon="wallet", icon_color=(22, 119, 255), chevron=False)
    s.c.circle(W - 50, s.y - 46, 16, TAOBAO.accent)
    s.c.check(W - 50, s.y - 45, 8, 3, WHITE)
    s.row("Other payment methods", color=GREY, target=True)
    s.gap(40)
    s.button("Confirm Payment")


@screen("domestic-ec/taobao/pay-with-wechat/step-04.png", TAOBAO)
def _(s):
    with s.behind():
        taobao_confirm_order(s)
    s.sheet(720, "Payment method")
    for name, icon, color in [("Alipay balance", "wallet", (22, 119, 255)), ("Huabei", "card", (22, 119, 255)),
                              ("Bank card", "card", (200, 60, 60)), ("WeChat Pay", "chat", WECHAT.accent)]:
        selected = name == "WeChat Pay"
        s.row(name, icon=icon, icon_color=color, chevron=False, target=selected)
        cy = s.y - 46
        if selected:
            s.c.circle(W - 50, cy, 16, TAOBAO.accent)
            s.c.check(W - 50, cy + 1, 8, 3, WHITE)
        else:
            s.c.circle(W - 50, cy, 16, (190, 190, 195))
            s.c.circle(W - 50, cy, 13, WHITE)
    s.gap(40)
    s.button("Confirm Payment", target=True)


@screen("domestic-ec/taobao/pay-with-wechat/step-05.png", WECHAT)
def _(s):
    s.status()
    s.header("WeChat Pay")
    s.gap(20)
    top = s.card(300)
    s.centered("Taobao", top + 50, 3, GREY)
    s.centered("¥89.00", top + 120, 7, INK)
    s.c.rect(40, top + 220, W - 40, top + 221, LINE)
    s.c.text(48, top + 250, "Order", 2, GREY)
    s.c.text(W - 48 - text_width("Nini's Tea House", 2), top + 250, "Nini's Tea House", 2, INK)
    s.row("Payment method", value="Balance")
    s.gap(120)
    s.button("Pay", target=True, margin=120, radius=10)


@screen("domestic-ec/taobao/pay-with-wechat/step-06.png", WECHAT)
def _(s):
    s.status()
    s.header("WeChat Pay", back=False)
    s.c.rect(0, s.y, W, H, WHITE)
    s.y = 220
    s.c.circle(W // 2, s.y + 60, 60, WECHAT.accent)
    s.c.check(W // 2, s.y + 64, 26, 9, WHITE)
    s.y += 160
    s.centered("Payment successful", s.y, 3, INK)
    s.y += 60
    s.centered("¥89.00", s.y, 6, INK)
    s.y += 90
    s.c.rect(60, s.y, W - 60, s.y + 1, LINE)
    s.y += 30
    for name, value in [("Merchant", "Taobao"), ("Paid with", "Balance")]:
        s.c.text(60, s.y, name, 2, GREY)
        s.c.text(W - 60 - text_width(value, 2), s.y, value, 2, INK)
        s.y += 44
    s.y = H - 260
    s.button("Done", target=True, margin=140, radius=10)


def taobao_my_header(s):
    s.status()
    y = s.y
    s.c.rect(0, y, W, y + 200, TAOBAO.header)
    s.c.circle(76, y + 70, 44, WHITE)
    s.c.text(60, y + 50, "N", 5, TAOBAO.header)
    s.c.text(140, y + 46, "Nini", 4, WHITE)
    s.c.rrect(140, y + 92, 330, y + 104, 6, tint(TAOBAO.header, 0.4))
    for i, (n, name) in enumerate([("36", "Favorites"), ("12", "Shops"), ("208", "History")]):
        cx = 90 + i * 180
        s.centered(n, y + 130, 3, WHITE, cx - 80, cx + 80)
        s.centered(name, y + 162, 2, tint(TAOBAO.header, 0.6), cx - 80, cx + 80)
    s.y += 216


@screen("domestic-ec/taobao/request-refund/step-01.png", TAOBAO)
def _(s):
    s.tabbar(TAOBAO_TABS, 4, target=True)
    taobao_my_header(s)
    top = s.card(220)
    s.c.text(40, top + 26, "My Orders", 3, INK)
    label = "View all >"
    s.c.text(W - 40 - text_width(label, 2), top + 30, label, 2, GREY)
    s.mark((W - 52 - text_width(label, 2), top + 14, W - 28, top + 58), True)
    for i, (icon, name) in enumerate([("wallet", "To Pay"), ("box", "To Ship"), ("home", "Receive"),
                                      ("chat", "Review"), ("card", "Refunds")]):
        cx = 20 + 50 + i * 100
        draw_icon(s.c, icon, cx, top + 116, (60, 60, 64), WHITE)
        s.centered(name, top + 158, 2, INK, cx - 50, cx + 50)
    top = s.card(200)
    s.c.text(40, top + 26, "My Services", 3, INK)
    for i, color in enumerate([(255, 150, 0), (22, 119, 255), (7, 193, 96), (230, 60, 80)]):
        s.c.rrect(52 + i * 120, top + 80, 112 + i * 120, top + 140, 16, tint(color, 0.2))


def taobao_order_card(s, shop, color, status, buttons, target=None):
    top = s.card(330)
    s.c.text(40, top + 24, shop, 2, INK)
    s.c.text(W - 40 - text_width(status, 2), top + 24, status, 2, TAOBAO.accent)
    s.thumb(40, top + 62, 140, color)
    s.c.rrect(200, top + 72, 490, top + 86, 7, BAR)
    s.c.rrect(200, top + 102, 400, top + 116, 7, BAR)
    s.c.text(200, top + 160, "¥89.00", 3, INK)
    x = W - 40
    for b in reversed(buttons):
        x -= text_width(b, 2) + 36
        s.small_button(x, top + 250, b, style="accent" if b == target else "outline", target=(b == target))
        x -= 12


@screen("domestic-ec/taobao/request-refund/step-02.png", TAOBAO)
def _(s):
    s.status()
    s.header("My Orders", right="more")
    y = s.y
    s.c.rect(0, y, W, y + 70, WHITE)
    for i, name in enumerate(["All", "To Pay", "To Ship", "To Receive"]):
        cx = 70 + i * 133
        s.centered(name, y + 26, 2, TAOBAO.accent if i == 0 else INK, cx - 66, cx + 66)
    s.c.rrect(50, y + 58, 90, y + 64, 3, TAOBAO.accent)
    s.y += 86
    taobao_order_card(s, "Nini's Tea House >", (60, 140, 90), "To Ship",
                      ["Request Refund", "Remind Seller"], target="Request Refund")
    taobao_order_card(s, "Sunny Kitchen >", (200, 120, 40), "To Receive",
                      ["Track", "Confirm Receipt"])
    s.tabbar(TAOBAO_TABS, 4)


@screen("domestic-ec/taobao/request-refund/step-03.png", TAOBAO)
def _(s):
    with s.behind():
        s.status()
        s.header("Order Details")
        s.gap(20)
        taobao_order_card(s, "Nini's Tea House >", (60, 140, 90), "To Ship", ["Request Refund"])
    s.sheet(560, "Choose refund type")
    s.gap(10)
    for name, w, target in [("Refund only", 300, True), ("Return and refund", 340, False), ("Exchange", 260, False)]:
        y = s.y
        s.c.rect(0, y, W, y + 120, WHITE)
        s.c.text(40, y + 30, name, 3, INK)
        s.c.rrect(40, y + 76, 40 + w, y + 90, 7, BAR)
        s.c.text(W - 44, y + 50, ">", 2, (190, 190, 195))
        s.c.rect(40, y + 119, W, y + 120, LINE)
        s.mark((4, y + 4, W - 4, y + 116), target)
        s.y += 120


@screen("domestic-ec/taobao/request-refund/step-04.png", TAOBAO)
def _(s):
    s.status()
    s.header("Request Refund")
    s.gap(16)
    top = s.card(170)
    s.thumb(40, top + 20, 130, (60, 140, 90))
    s.c.rrect(190, top + 40, 490, top + 54, 7, BAR)
    s.c.text(190, top + 100, "¥89.00", 3, INK)
    s.row("Reason", value="No longer needed", target=True)
    s.row("Refund amount", value="¥89.00", chevron=False)
    s.gap(16)
    y = s.y
    s.c.rect(0, y, W, y + 290, WHITE)
    s.c.text(28, y + 24, "Description and photos", 2, INK)
    s.c.frame(28, y + 60, W - 28, y + 150, 8, 2, LINE, LIGHT)
    s.c.text(46, y + 80, "Bought the wrong size", 2, INK)
    s.c.frame(28, y + 170, 128, y + 270, 8, 2, (190, 190, 195), LIGHT)
    s.c.text(63, y + 202, "+", 5, GREY)
    s.y += 310
    s.y = H - 130
    s.button("Submit", target=True)


@screen("domestic-ec/taobao/request-refund/step-05.png", TAOBAO)
def _(s):
    s.status()
    s.header("Refund Details")
    y = s.y
    s.c.rect(0, y, W, y + 170, tint(TAOBAO.header, 0.15))
    s.c.text(28, y + 40, "Waiting for seller", 4, WHITE)
    s.c.rrect(28, y + 110, 420, y + 124, 7, tint(TAOBAO.header, 0.55))
    s.y += 190
    top = s.card(330)
    for i, (name, done) in enumerate([("Request submitted", True), ("Seller reviews", None), ("Refund paid", False)]):
        cy = top + 50 + i * 100
        color = GREEN_OK if done else TAOBAO.accent if done is None else (190, 190, 195)
        if i < 2:
            s.c.rect(55, cy, 59, cy + 100, (220, 220, 225))
        s.c.circle(57, cy, 14, color)
        s.c.text(96, cy - 10, name, 3, INK if done is not False else GREY)
        s.c.rrect(96, cy + 24, 360, cy + 36, 6, BAR)
    s.row("Refund amount", value="¥89.00", chevron=False)
    s.row("Refund to", value="Original payment", chevron=False)
    s.gap(30)
    s.button("Contact Seller", style="outline")


# WeChat -------------------------------------------------------------------------------

def wechat_services(s):
    s.status()
    s.header("Services", right="more")
    s.gap(16)
    top = s.card(260, color=WECHAT.accent)
    boxes = {}
    for i, (icon, name) in enumerate([("qr", "Money"), ("wallet", "Wallet")]):
        cx = 145 + i * 250
        draw_icon(s.c, icon, cx, top + 100, WHITE, WECHAT.accent)
        s.centered(name, top + 160, 3, WHITE, cx - 120, cx + 120)
        s.c.text(cx - text_width("¥268.00" if i else "", 2) // 2, top + 204, "¥268.00" if i else "", 2,
                 tint(WECHAT.accent, 0.6))
        boxes[name] = (cx - 110, top + 36, cx + 110, top + 238)
    for section in ["Financial Services", "Daily Services"]:
        top = s.card(270)
        s.c.text(40, top + 24, section, 2, GREY)
        for i, color in enumerate([(250, 160, 40), (60, 130, 240), (7, 193, 96), (240, 90, 80)]):
            cx = 84 + i * 124
            s.c.circle(cx, top + 110, 28, color)
            s.c.rrect(cx - 44, top + 170, cx + 44, top + 184, 7, BAR)
        for i, color in enumerate([(130, 110, 230), (250, 190, 40)]):
            cx = 84 + i * 124
            s.c.circle(cx, top + 230, 20, color)
    return boxes


def wechat_wallet(s, target=None):
    s.status()
    s.header("Wallet", right="more")
    s.gap(16)
    for name, icon, color, value in [("Balance", "wallet", (250, 160, 40), "¥268.00"),
                                     ("Mini Fund", "chart", (240, 150, 40), None),
                                     ("Cards", "card", (60, 130, 240), "2"),
                                     ("Family Card", "contacts", (240, 90, 80), None)]:
        s.row(name, value=value, icon=icon, icon_color=color, target=(name == target))
    s.gap(16)
    for name, icon, color in [("Tencent LiCaiTong", "chart", (60, 130, 240)),
                              ("Security Guard", "shield", (7, 193, 96))]:
        s.row(name, icon=icon, icon_color=color)
    s.gap(16)
    s.row("Payment Settings", icon="gear", icon_color=(100, 110, 130), target=(target == "Payment Settings"))
    s.row("Help Center", icon="chat", icon_color=(100, 110, 130))


@screen("payments/wechat-pay/bind-bank-card/step-01.png", WECHAT)
def _(s):
    s.status()
    s.tabbar(WECHAT_TABS, 3, target=True)
    s.header("Me", back=False, right="more")
    y = s.y
    s.c.rect(0, y, W, y + 180, WHITE)
    s.c.rrect(28, y + 40, 128, y + 140, 14, (250, 160, 40))
    s.c.text(58, y + 68, "N", 6, WHITE)
    s.c.text(156, y + 52, "Nini", 4, INK)
    s.c.text(156, y + 104, "WeChat ID: nini_2024", 2, GREY)
    s.mark((150, y + 96, 400, y + 126), private=True)
    draw_icon(s.c, "qr", 470, y + 112, (120, 120, 124), WHITE)
    s.y += 196
    s.row("Services", icon="wallet", icon_color=WECHAT.accent, target=True)
    s.gap(16)
    for name, icon, color in [("Favorites", "box", (240, 160, 40)), ("Moments", "grid", (60, 130, 240)),
                              ("Cards & Offers", "card", (60, 130, 240)), ("Sticker Gallery", "star", (250, 190, 40))]:
        s.row(name, icon=icon, icon_color=color)
    s.gap(16)
    s.row("Settings", icon="gear", icon_color=(60, 130, 240))


@screen("payments/wechat-pay/bind-bank-card/step-02.png", WECHAT)
def _(s):
    boxes = wechat_services(s)
    s.mark(boxes["Wallet"], True)


@screen("payments/wechat-pay/bind-bank-card/step-03.png", WECHAT)
def _(s):
    wechat_wallet(s, target="Cards")


@screen("payments/wechat-pay/bind-bank-card/step-04.png", WECHAT)
def _(s):
    s.status()
    s.header("Cards", right="more")
    s.gap(20)
    for bank, color, last4 in [("China Merchants Bank", (200, 40, 50), "6021"), ("Bank of China", (30, 120, 110), "8834")]:
        top = s.card(190, color=color)
        s.c.circle(76, top + 56, 28, WHITE)
        s.c.circle(76, top + 56, 16, color)
        s.c.text(120, top + 38, bank, 2, WHITE)
        s.c.text(120, top + 66, "Debit card", 2, tint(color, 0.55))
        s.c.text(120, top + 122, "**** **** **** " + last4, 3, WHITE)
    s.row("+ Add a Card", chevron=True, target=True, color=INK)


@screen("payments/wechat-pay/bind-bank-card/step-05.png", WECHAT)
def _(s):
    s.status()
    s.header("Add a Card")
    s.gap(30)
    s.bars([460, 240], x=28)
    s.gap(10)
    s.input("Card holder", "Ni**", private=False)
    s.input("Card number", "6217 0000 1234 5678", focused=True, suffix="Scan", private=True, target=True)
    s.gap(40)
    s.button("Next", target=True, margin=100, radius=10)


@screen("payments/wechat-pay/bind-bank-card/step-06.png", WECHAT)
def _(s):
    s.status()
    s.header("Card Information")
    s.gap(20)
    s.row("Card type", value="Debit card", chevron=False)
    s.row("Name", value="Ni**", chevron=False)
    s.row("ID type", value="Resident ID", chevron=False)
    s.row("ID number", value="4403 **** **** 2021", chevron=False, private=True)
    s.row("Mobile number", value="138 0013 8000", chevron=False, private=True)
    s.gap(30)
    s.checkbox("I agree to the user agreement")
    s.gap(30)
    s.button("Next", target=True, margin=100, radius=10)


@screen("payments/wechat-pay/bind-bank-card/step-07.png", WECHAT)
def _(s):
    s.status()
    s.header("Verify Mobile Number")
    s.gap(40)
    s.title("Enter SMS code")
    s.bars([440, 300])
    s.gap(10)
    s.input(None, "732046", focused=True, suffix="Resend (52s)", target=True)
    s.gap(40)
    s.button("Done", target=True, margin=100, radius=10)


@screen("payments/wechat-pay/set-payment-password/step-01.png", WECHAT)
def _(s):
    boxes = wechat_services(s)
    s.mark(boxes["Wallet"], True)
    s.tabbar(WECHAT_TABS, 3)


@screen("payments/wechat-pay/set-payment-password/step-02.png", WECHAT)
def _(s):
    wechat_wallet(s, target="Payment Settings")


def wechat_payment_settings(s, target=False):
    s.status()
    s.header("Payment Settings")
    s.gap(16)
    s.row("Real-name Verification", value="Verified")
    s.row("Payment Password", target=target)
    s.row("Biometric Payment")
    s.gap(16)
    s.row("Deduction Services")
    s.row("Transfer Settings")
    s.row("Payment Security")


@screen("payments/wechat-pay/set-payment-password/step-03.png", WECHAT)
def _(s):
    with s.behind():
        wechat_payment_settings(s)
    s.sheet(300)
    s.y -= 20
    s.row("Change Password", chevron=False, target=True)
    s.row("Reset Password", chevron=False)
    s.c.rect(0, s.y, W, s.y + 14, (237, 237, 237))
    s.y += 14
    s.row("Cancel", chevron=False, color=GREY)


def wechat_password_page(s, title, filled, done=False):
    s.status()
    s.header("Payment Password")
    s.c.rect(0, s.y, W, H, WHITE)
    s.gap(60)
    s.centered(title, s.y, 3, INK)
    s.y += 50
    s.centered("6 digits", s.y, 2, GREY)
    s.y += 60
    box = s.codeboxes("*" * filled, dots=True, target=True, box_w=66, gap=10)
    if done:
        s.gap(30)
        s.button("Done", target=True, margin=140, radius=10)
    s.keypad()
    return box


@screen("payments/wechat-pay/set-payment-password/step-04.png", WECHAT)
def _(s):
    wechat_password_page(s, "Enter current password", 3)


@screen("payments/wechat-pay/set-payment-password/step-05.png", WECHAT)
def _(s):
    wechat_password_page(s, "Set new password", 6)


@screen("payments/wechat-pay/set-payment-password/step-06.png", WECHAT)
def _(s):
    wechat_password_page(s, "Enter it again", 6, done=True)


# --------------------------------------------------------------------------------------
# Boxes and YAML sync
# --------------------------------------------------------------------------------------

def fractions(box, pad=0):
    """A pixel box -> {x, y, w, h} fractions of the image, kept inside the image."""
    x0, y0, x1, y1 = box
    x0, y0 = max(2, x0 - pad), max(2, y0 - pad)
    x1, y1 = min(W - 2, x1 + pad), min(H - 2, y1 + pad)
    fx0, fy0 = math.floor(x0 / W * 1000), math.floor(y0 / H * 1000)
    fx1, fy1 = math.ceil(x1 / W * 1000), math.ceil(y1 / H * 1000)
    return f"{{x: {fx0 / 1000:.3f}, y: {fy0 / 1000:.3f}, w: {(fx1 - fx0) / 1000:.3f}, h: {(fy1 - fy0) / 1000:.3f}}}"


def render(path):
    theme, fn = SCREENS[path]
    s = Screen(theme)
    fn(s)
    return s.c.png(), [fractions(b) for b in s.highlights], [fractions(b, pad=2) for b in s.redacts]


IMAGE_LINE = re.compile(r"^(\s*)image:\s*(\S+)\s*$")


def sync_yaml(text: str, yaml_dir: Path, boxes: dict) -> tuple[str, set]:
    """Rewrite the highlight:/redact: lines of every step whose image we draw."""
    lines = text.split("\n")
    out, used, i = [], set(), 0
    while i < len(lines):
        m = IMAGE_LINE.match(lines[i])
        out.append(lines[i])
        i += 1
        if not m:
            continue
        indent = m.group(1)
        key = (yaml_dir / m.group(2)).resolve().relative_to(CONTENT.resolve()).as_posix()
        block = []  # the rest of this step: blank lines and lines indented like image:
        while i < len(lines) and (not lines[i].strip()
                                  or len(lines[i]) - len(lines[i].lstrip()) >= len(indent)):
            block.append(lines[i])
            i += 1
        if key not in boxes:
            out += block
            continue
        used.add(key)
        kept = [ln for ln in block if not re.match(rf"^{indent}(highlight|redact):", ln)]
        trailing = []
        while kept and not kept[-1].strip():
            trailing.insert(0, kept.pop())
        hl, rd = boxes[key]
        if hl:
            kept.append(f"{indent}highlight: [{', '.join(hl)}]")
        if rd:
            kept.append(f"{indent}redact: [{', '.join(rd)}]")
        out += kept + trailing
    return "\n".join(out), used


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--check", action="store_true", help="write nothing; exit 1 if anything is stale")
    args = ap.parse_args(argv)
    stale, boxes = [], {}
    for path in sorted(SCREENS):
        png, hl, rd = render(path)
        boxes[path] = (hl, rd)
        dest = CONTENT / path
        if not dest.exists() or dest.read_bytes() != png:
            stale.append(dest)
            if not args.check:
                dest.parent.mkdir(parents=True, exist_ok=True)
                dest.write_bytes(png)
    used = set()
    for yml in sorted(CONTENT.rglob("*.yaml")):
        if yml.name.startswith("_"):
            continue
        text = yml.read_text(encoding="utf-8")
        new, seen = sync_yaml(text, yml.parent, boxes)
        used |= seen
        if new != text:
            stale.append(yml)
            if not args.check:
                yml.write_text(new, encoding="utf-8")
    for path in sorted(set(SCREENS) - used):
        print(f"warning: {path} is drawn but no tutorial step shows it", file=sys.stderr)
    verb = "stale" if args.check else "written"
    for p in stale:
        print(f"{verb}: {p.relative_to(ROOT)}")
    print(f"{len(SCREENS)} screens, {len(stale)} files {verb}")
    return 1 if args.check and stale else 0


if __name__ == "__main__":
    sys.exit(main())
