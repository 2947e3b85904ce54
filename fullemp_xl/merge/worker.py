"""A merge worker process: `python -m fullemp_xl.merge.worker [RULES]`.

Reads batches of files to read from stdin and writes one result per file to stdout, as length-prefixed
pickles. It is a plain child process of its own (not multiprocessing's), so it never re-imports the
parent's main module and can be killed and replaced at any moment.
"""
from __future__ import annotations

import os
import pickle
import struct
import sys
from pathlib import Path

HEADER = struct.Struct(">I")
MEMORY_LIMIT = 2 * 1024 ** 3


def send(stream, obj) -> None:
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(HEADER.pack(len(data)) + data)
    stream.flush()


def receive(stream):
    """The next object, or EOFError when the other side has gone (also mid-frame)."""
    head = stream.read(HEADER.size)
    if len(head) < HEADER.size:
        raise EOFError
    (size,) = HEADER.unpack(head)
    data = stream.read(size)
    if len(data) < size:
        raise EOFError
    return pickle.loads(data)


def _limit_memory() -> None:
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    except (ImportError, ValueError, OSError):  # Windows, or a limit the system refuses
        pass


def main(argv: list[str]) -> int:
    _limit_memory()
    rules = argv[0] if argv and argv[0] else None
    from ..summary.model import Brief, quarantined
    from .read import read_submission

    crash_on = os.environ.get("FULLEMP_TEST_ABORT_ON", "")
    inp, out = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # nothing but frames may reach the parent through stdout
    while True:
        try:
            batch = receive(inp)
        except EOFError:
            return 0
        if batch is None:
            return 0
        for index, source, link, data, mtime in batch:
            if crash_on and crash_on in source:  # tests: the worker dies as a native crash would kill it
                os.abort()
            try:
                result = read_submission(source, link, Path(data) if isinstance(data, str) else data, mtime, rules)
            except MemoryError:
                result = quarantined(source, link, "读取这个文件需要的内存超出上限（文件可能已损坏或异常巨大），已跳过", mtime)
            except Exception as exc:  # a bug of ours must not lose the other files
                result = quarantined(source, link, f"读取这个文件时程序出错（{type(exc).__name__}），已跳过；"
                                                   "请把这个文件发给维护人员", mtime)
            # the parent keeps the brief and stores the rest as these bytes, unread until it needs them
            send(out, (index, Brief.of(result), pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
