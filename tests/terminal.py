"""Run a command with its stderr on a pseudo-terminal, as when someone watches it (progress bars)."""
from __future__ import annotations

import fcntl
import os
import pty
import struct
import subprocess
import termios
import threading


def stderr_on_terminal(args: list, **kwargs) -> tuple[subprocess.CompletedProcess, str]:
    """(the finished process, what it wrote to its terminal); the terminal is 100 columns wide, as real ones
    report a size (tqdm draws nothing on a terminal of size 0)."""
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
    seen: list[bytes] = []

    def drain() -> None:  # read while it runs: a full terminal buffer would block the command
        while True:
            try:
                chunk = os.read(leader, 4096)
            except OSError:
                return
            if not chunk:
                return
            seen.append(chunk)

    reader = threading.Thread(target=drain)
    reader.start()
    try:
        proc = subprocess.run(list(map(str, args)), stdout=subprocess.PIPE, stderr=follower, timeout=300, **kwargs)
    finally:
        os.close(follower)
        reader.join(timeout=10)
        os.close(leader)
    return proc, b"".join(seen).decode("utf-8", "replace")
