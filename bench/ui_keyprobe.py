#!/usr/bin/python3
"""ui_keyprobe.py: how long a program in a tmux pane takes to answer a key.

    ui_keyprobe.py SOCKET STREAM KEY TEXT [TIMEOUT_S]

Sends KEY with `tmux -L SOCKET send-keys`, then watches STREAM (the pane's
output, appended by `tmux pipe-pane`) for TEXT written after that point.
Prints two figures in ms: from the moment send-keys returned (the key is in
the pane's pty by then), and from just before send-keys was started (what a
person would feel, plus the tmux client's start-up). "none" after TIMEOUT_S.
Polling the file every 2 ms in one process keeps the measurement itself out
of the figure, unlike a capture-pane per poll (a new tmux client each time).
"""
import os
import subprocess
import sys
import time


def main():
    sock, stream, key, text = sys.argv[1:5]
    limit = float(sys.argv[5]) if len(sys.argv) > 5 else 10.0
    want = text.encode()
    offset = os.path.getsize(stream)
    t0 = time.monotonic()
    subprocess.run(["tmux", "-L", sock, "send-keys", "-t", "ui", key], check=True)
    t1 = time.monotonic()
    buf = b""
    with open(stream, "rb") as f:
        f.seek(offset)
        while time.monotonic() - t1 < limit:
            chunk = f.read()
            if chunk:
                # Keep a tail so a match split across reads is still found.
                buf = buf[-len(want):] + chunk
                if want in buf:
                    now = time.monotonic()
                    print(f"{1000 * (now - t1):.0f} {1000 * (now - t0):.0f}")
                    return 0
            else:
                time.sleep(0.002)
    print("none none")
    return 1


if __name__ == "__main__":
    sys.exit(main())
