"""Read many files in worker processes, so that no file can take the merge down.

Each worker reads and scores the files it is sent, one result per file, in order. When a worker dies
(a crash or an abort inside a native library, an out-of-memory kill) or stops answering, the file it
was on is quarantined with that reason, the rest of its batch goes back in the queue and a fresh
worker takes over. Workers run with a memory ceiling where the system supports one. Memory in the
parent stays flat: at most a few batches of archive members are in flight.
"""
from __future__ import annotations

import multiprocessing as mp
import os
import time
from collections import deque
from dataclasses import dataclass
from multiprocessing.connection import wait
from pathlib import Path
from typing import Iterator

from .discover import ArchiveReader, Candidate
from .model import FileResult
from .read import quarantined

BATCH = 8
STALL_SECONDS = 120.0  # one file that takes longer than this is given up on
WORKER_MEMORY = 2 * 1024 ** 3


@dataclass
class _Worker:
    process: mp.process.BaseProcess
    conn: object
    pending: deque  # indexes of candidates sent, in the order the worker reads them
    since: float


def _serve(conn, rules: str | None) -> None:
    """A worker: read (index, source, link, path|bytes, mtime) batches until told to stop."""
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (WORKER_MEMORY, WORKER_MEMORY))
    except (ImportError, ValueError, OSError):  # Windows, or a limit the system refuses
        pass
    from .read import read_submission

    while True:
        try:
            batch = conn.recv()
        except EOFError:
            return
        if batch is None:
            return
        for index, source, link, data, mtime in batch:
            try:
                result = read_submission(source, link, Path(data) if isinstance(data, str) else data, mtime, rules)
            except MemoryError:
                result = quarantined(source, link, "读取这个文件需要的内存超出上限（文件可能已损坏或异常巨大），已跳过", mtime)
            except Exception as exc:  # a bug of ours must not lose the other files
                result = quarantined(source, link, f"读取这个文件时程序出错（{type(exc).__name__}），已跳过；"
                                                   "请把这个文件发给维护人员", mtime)
            conn.send((index, result))


def default_jobs() -> int:
    return max(1, os.cpu_count() or 1)


def read_all(candidates: list[Candidate], *, jobs: int, rules: str | None) -> Iterator[tuple[int, FileResult]]:
    """(index, result) for every candidate, in completion order."""
    ctx = mp.get_context("spawn")
    archives = ArchiveReader()
    queue: deque[int] = deque(range(len(candidates)))
    workers: list[_Worker] = []
    done = 0

    def start() -> _Worker:
        parent, child = ctx.Pipe()
        proc = ctx.Process(target=_serve, args=(child, rules), daemon=True)
        proc.start()
        child.close()
        return _Worker(proc, parent, deque(), time.monotonic())

    def payload(index: int):
        c = candidates[index]
        if c.path:
            return index, c.source, c.link, c.path, c.mtime
        try:
            data = archives.read(c.archive)
        except Exception:
            return index, c.source, c.link, b"", c.mtime  # the reader reports an empty file plainly
        return index, c.source, c.link, data, c.mtime

    def feed(w: _Worker) -> None:
        batch = []
        while queue and len(w.pending) + len(batch) < BATCH:
            batch.append(payload(queue.popleft()))
        if batch:
            w.pending.extend(i for i, *_ in batch)
            w.since = time.monotonic()
            w.conn.send(batch)

    def replace(w: _Worker, reason: str) -> Iterator[tuple[int, FileResult]]:
        """The worker died or stalled on its first pending file: quarantine it, requeue the rest."""
        if w.process.is_alive():
            w.process.kill()
        w.process.join(5)
        w.conn.close()
        if w.pending:
            culprit = w.pending.popleft()
            c = candidates[culprit]
            queue.extendleft(reversed(w.pending))
            yield culprit, quarantined(c.source, c.link, reason, c.mtime)
        workers.remove(w)
        if queue or any(x.pending for x in workers):
            fresh = start()
            workers.append(fresh)
            feed(fresh)

    try:
        for _ in range(max(1, min(jobs, len(candidates)))):
            w = start()
            workers.append(w)
            feed(w)
        while done < len(candidates):
            ready = wait([w.conn for w in workers] + [w.process.sentinel for w in workers], timeout=5)
            for w in list(workers):
                if w.conn in ready:
                    try:
                        while w.conn.poll():
                            index, result = w.conn.recv()
                            if w.pending and w.pending[0] == index:
                                w.pending.popleft()
                            w.since = time.monotonic()
                            done += 1
                            yield index, result
                    except (EOFError, OSError):
                        pass
                    if len(w.pending) <= BATCH // 2:
                        feed(w)
                if w in workers and not w.process.is_alive():
                    code = w.process.exitcode
                    reason = ("读取这个文件时读取程序异常退出（退出码 {}），文件可能已损坏：请用 Excel 打开后另存为 .xlsx 再提交"
                              .format(code))
                    for item in replace(w, reason):
                        done += 1
                        yield item
                elif w in workers and w.pending and time.monotonic() - w.since > STALL_SECONDS:
                    for item in replace(w, f"读取这个文件超过 {STALL_SECONDS:.0f} 秒仍未完成，已跳过：文件可能已损坏或异常巨大"):
                        done += 1
                        yield item
            if not workers and done < len(candidates):
                w = start()
                workers.append(w)
                feed(w)
    finally:
        for w in workers:
            try:
                w.conn.send(None)
            except (OSError, EOFError, BrokenPipeError):
                pass
        for w in workers:
            w.process.join(2)
            if w.process.is_alive():
                w.process.kill()
        archives.close()
