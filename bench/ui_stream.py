#!/usr/bin/python3
"""ui_stream.py: what a terminal byte stream (tmux pipe-pane output of
memlog's view) spends its bytes on, for bench/ui_bytes.sh.

    ui_stream.py FILE START END ROWS [SECONDS]

Decodes the whole stream (so the cursor row is known at START) and counts
the bytes from offset START to END: by kind (text, cursor moves, attributes,
erases, other), and by screen row (every byte is charged to the row the
cursor is on once it has been applied). Rough on purpose: the sequences
ncurses sends for xterm-256color, tmux-256color, screen and vt100.
"""
import re
import sys

CSI = re.compile(rb"\x1b\[([\x30-\x3f]*)([\x20-\x2f]*)([\x40-\x7e])")


def params(raw, default):
    """The numeric parameters of a CSI sequence, defaults filled in."""
    out = []
    for p in raw.decode("latin-1").lstrip("?>=").split(";"):
        out.append(int(p) if p.isdigit() else default)
    return out


def decode(data, start, end, nrows):
    """Byte counts by kind and by row within [start, end)."""
    kinds = {"text": 0, "move": 0, "attr": 0, "erase": 0, "other": 0}
    rows = [0] * (nrows + 1)  # the last slot: off-screen / unknown
    chars = [0] * (nrows + 1)  # characters drawn per row (text only)
    row = 0
    i, n = 0, len(data)

    def charge(kind, a, b, r):
        lo, hi = max(a, start), min(b, end)
        if hi > lo:
            kinds[kind] += hi - lo
            rows[r if 0 <= r < nrows else nrows] += hi - lo

    while i < n and i < end:
        c = data[i]
        if c == 0x1B:
            m = CSI.match(data, i)
            if m:
                final = m.group(3)
                kind = "other"
                if final in (b"H", b"f"):
                    row = params(m.group(1), 1)[0] - 1
                    kind = "move"
                elif final == b"d":
                    row = params(m.group(1), 1)[0] - 1
                    kind = "move"
                elif final in (b"A", b"F"):
                    row -= params(m.group(1), 1)[0]
                    kind = "move"
                elif final in (b"B", b"E"):
                    row += params(m.group(1), 1)[0]
                    kind = "move"
                elif final in (b"C", b"D", b"G", b"`"):
                    kind = "move"
                elif final == b"m":
                    kind = "attr"
                elif final in (b"K", b"J", b"X", b"P", b"@"):
                    kind = "erase"
                elif final == b"b":
                    kind = "text"  # REP: the previous character again
                charge(kind, i, m.end(), row)
                i = m.end()
                continue
            if i + 1 < n and data[i + 1] == 0x5D:  # OSC ... BEL or ST
                j = i + 2
                while j < n and data[j] != 0x07 and data[j : j + 2] != b"\x1b\\":
                    j += 1
                j = j + 1 if j < n and data[j] == 0x07 else j + 2
                charge("other", i, j, row)
                i = j
                continue
            j = i + 1
            while j < n and 0x20 <= data[j] <= 0x2F:  # intermediates: ESC ( B
                j += 1
            j += 1
            if data[i + 1 : i + 2] == b"M":
                row -= 1
                charge("move", i, j, row)
            elif data[i + 1 : i + 2] in (b"D", b"E"):
                row += 1
                charge("move", i, j, row)
            else:
                charge("attr" if data[i + 1 : i + 2] in (b"(", b")") else "other", i, j, row)
            i = j
            continue
        if c == 0x0A:
            row += 1
            charge("move", i, i + 1, row)
        elif c in (0x0D, 0x08, 0x09):
            charge("move", i, i + 1, row)
        elif c < 0x20 or c == 0x7F:
            charge("attr" if c in (0x0E, 0x0F) else "other", i, i + 1, row)
        else:
            j = i + 1
            if c >= 0xC0:
                while j < n and 0x80 <= data[j] < 0xC0:
                    j += 1
            charge("text", i, j, row)
            if start <= i < end and 0 <= row < nrows:
                chars[row] += 1
            i = j
            continue
        i += 1
    return kinds, rows, chars


def main():
    path, start, end, nrows = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    secs = float(sys.argv[5]) if len(sys.argv) > 5 else 1.0
    data = open(path, "rb").read()
    end = min(end, len(data))
    kinds, rows, chars = decode(data, start, end, nrows)
    total = end - start
    print(f"  bytes by kind (B/s): " + ", ".join(f"{k} {v / secs:.0f}" for k, v in kinds.items()))
    top = sorted(range(len(rows)), key=lambda r: -rows[r])[:8]
    print("  busiest rows (row: B/s, chars drawn/s): " + ", ".join(
        f"{'?' if r == nrows else r}: {rows[r] / secs:.0f} B/s {chars[r] / secs:.1f} ch/s"
        for r in top if rows[r]))
    print(f"  total {total} bytes in {secs:.0f} s = {total / secs:.0f} B/s")


if __name__ == "__main__":
    main()
