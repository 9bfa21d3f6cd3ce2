#!/usr/bin/env python3
"""gen_hostile_log.py: writes a log file made to attack a terminal viewer.

The same seed always gives the same bytes. The file mixes terminal escape
sequences (CSI, OSC, DCS, ESC c, 8-bit C1), controls, invalid UTF-8, NULs,
wide, zero-width and bidi characters, one very long line, lines cut in the
middle of an escape sequence or a UTF-8 character, and ends without a newline.
Used by tests/unit/test_logtext.c and by hand:

    python3 tests/gen_hostile_log.py --seed 7 --lines 500 --out /tmp/hostile.log
"""

import argparse
import random
import sys

# Pieces that a terminal would act on if they reached it unfiltered.
ESCAPES = [
    b"\x1b[31m", b"\x1b[1;33;41m", b"\x1b[0m", b"\x1b[m", b"\x1b[38;5;196m",
    b"\x1b[38;2;255;0;0m", b"\x1b[2J", b"\x1b[H", b"\x1b[10;20H", b"\x1b[A",
    b"\x1b[5D", b"\x1b[?25l", b"\x1b[?1049h", b"\x1b[6n", b"\x1b[21t", b"\x1b[K",
    b"\x1b]0;owned\x07", b"\x1b]2;title\x1b\\", b"\x1b]8;;http://x.example/\x1b\\link\x1b]8;;\x1b\\",
    b"\x1b]52;c;Y2xpcGJvYXJk\x07", b"\x1bP+q544e\x1b\\", b"\x1bPq#0;2;0;0;0\x1b\\",
    b"\x1bc", b"\x1b7", b"\x1b8", b"\x1b(0", b"\x1b#8", b"\x1b_apc\x1b\\", b"\x1b^pm\x1b\\",
    b"\x9b31m", b"\x9d0;c1 title\x07", b"\x90dcs\x9c", b"\xc2\x9b2J", b"\xc2\x9d0;t\xc2\x9c",
    b"\x07", b"\x08\x08\x08", b"\r", b"\x00", b"\x7f", b"\x0e", b"\x0f", b"\x1b",
]

# Byte strings that are not UTF-8.
INVALID = [
    b"\xc0\xaf", b"\xc1\xbf", b"\xe0\x80\xaf", b"\xe0\x9f\xbf", b"\xf0\x80\x80\xaf",
    b"\xed\xa0\x80", b"\xed\xbf\xbf", b"\xf4\x90\x80\x80", b"\xf5\x80\x80\x80",
    b"\xf8\x88\x80\x80\x80", b"\xfc\x84\x80\x80\x80\x80", b"\xfe", b"\xff", b"\x80",
    b"\xbf", b"\xe2\x82", b"\xf0\x9f\x98", b"\xc3",
]

# Characters a terminal draws wide, zero-width, or reorders.
TRICKY = [
    "中文", "日本語", "한국어", "\u3000", "\uff21", "e\u0301", "a\u0308\u0308\u0308",
    "\u200b", "\u200d", "\u200e", "\u200f", "\u202e", "\u202d", "\u2066", "\u2067",
    "\u2068", "\u2069", "\u061c", "\ufeff", "\u00ad", "\u2028", "\u2029", "\ufe0f",
    "\U0001f600", "\U0001f680", "\U0001f468\u200d\U0001f469\u200d\U0001f467",
    "\U0001f1eb\U0001f1f7", "\u2705", "\U000e0001", "\U0010ffff", "\ufffd", "\uffff",
    "\ue000", "\u0085", "\u00a0", "\u115f", "\u1160",
]

WORDS = [b"INFO", b"WARN", b"ERROR", b"loading", b"shard", b"done", b"rss", b"MiB",
         b"worker", b"batch", b"=", b"42", b"0x7ffd", b"[gc]", b"\t", b"\t\t"]


def piece(rng):
    """One random piece of a line."""
    r = rng.random()
    if r < 0.35:
        return rng.choice(WORDS) + b" "
    if r < 0.6:
        return rng.choice(ESCAPES)
    if r < 0.75:
        return rng.choice(INVALID)
    if r < 0.9:
        return rng.choice(TRICKY).encode("utf-8", "surrogatepass")
    return bytes(rng.randrange(256) for _ in range(rng.randrange(1, 12)))


def line(rng):
    """One random line; some stop in the middle of a sequence on purpose."""
    out = b"".join(piece(rng) for _ in range(rng.randrange(0, 30)))
    if out and rng.random() < 0.15:
        out = out[: rng.randrange(len(out))]
    return out.replace(b"\n", b"")


def long_line(rng, size):
    """A line of size bytes that repeats hostile pieces all along."""
    parts = [b"long line: "]
    n = len(parts[0])
    while n < size:
        p = piece(rng).replace(b"\n", b"")
        parts.append(p)
        n += len(p)
    return b"".join(parts)[:size]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--lines", type=int, default=300)
    ap.add_argument("--long-bytes", type=int, default=1 << 20, help="size of the very long line")
    ap.add_argument("--out", default="-")
    args = ap.parse_args()

    rng = random.Random(args.seed)
    lines = [line(rng) for _ in range(args.lines)]
    if args.long_bytes > 0:
        lines.insert(rng.randrange(len(lines) + 1), long_line(rng, args.long_bytes))
    # CRLF endings, blank lines, and a last line with no newline that stops
    # inside a UTF-8 character.
    lines.insert(rng.randrange(len(lines) + 1), b"crlf ending\r")
    lines.insert(rng.randrange(len(lines) + 1), b"")
    data = b"\n".join(lines) + b"\npartial \xe4\xb8"

    if args.out == "-":
        sys.stdout.buffer.write(data)
    else:
        with open(args.out, "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
