"""Read many files in worker processes, so that no file can take the merge down.

Each worker (`python -m fullemp_xl.merge.worker`) reads and scores the files it is sent, one result
per file, in order. When a worker dies (a crash or an abort inside a native library, an out-of-memory
kill) or stops answering, the file it was on is quarantined with that reason, the rest of its batch
goes back in the queue and a fresh worker takes over. A thread per worker reads its results (this
works the same on Windows, where pipes cannot be polled). Memory in the parent stays flat: at most a
few batches of archive members are in flight.
"""
from __future__ import annotations

import os
import pickle
import queue
import subprocess
import sys
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from .discover import ArchiveReader, Candidate
from ..summary.model import Brief, FileResult, quarantined
from .worker import receive, send

BATCH = 16
STALL_SECONDS = 120.0  # one file that takes longer than this is given up on
PACKAGE_ROOT = str(Path(__file__).resolve().parents[2])


def packed(index: int, result: FileResult) -> tuple[int, Brief, bytes]:
    """A result made here (a quarantine) in the form the workers send theirs."""
    return index, Brief.of(result), pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)


def default_jobs() -> int:
    return max(1, os.cpu_count() or 1)


@dataclass
class _Worker:
    process: subprocess.Popen
    pending: deque = field(default_factory=deque)  # indexes sent, in the order the worker reads them
    since: float = field(default_factory=time.monotonic)
    alive: bool = True


def _spawn(rules: str | None, events: queue.Queue) -> _Worker:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (PACKAGE_ROOT, env.get("PYTHONPATH", "")) if p)
    flags = getattr(subprocess, "CREATE_NO_WINDOW", 0)
    proc = subprocess.Popen([sys.executable, "-m", "fullemp_xl.merge.worker", rules or ""], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env, creationflags=flags)
    worker = _Worker(proc)

    def listen() -> None:
        try:
            while True:
                events.put((worker, receive(proc.stdout)))
        except (EOFError, OSError, ValueError):
            events.put((worker, None))

    threading.Thread(target=listen, daemon=True).start()
    return worker


class Started:
    """Workers started early (before the inputs are searched), so that their start-up, imports and first rule
    set load overlap the parent's own work; `read_all` takes them over, `close` stops the ones never used."""

    def __init__(self, jobs: int, rules: str | None):
        self.rules, self.events = rules, queue.Queue()
        self.workers = [_spawn(rules, self.events) for _ in range(max(1, jobs))]
        self.stopped: list[_Worker] = []

    def take(self, n: int, rules: str | None) -> list[_Worker]:
        """Up to n of the workers (for these rules), the rest stopped; the same workers are never taken twice."""
        taken = self.workers[:n] if rules == self.rules else []
        self.workers = [w for w in self.workers if w not in taken]
        self._stop_unused()
        return taken

    def _stop_unused(self) -> None:
        for w in self.workers:
            w.alive = False  # its listener's end-of-stream is no death to report
            _stop(w)
        self.stopped += self.workers
        self.workers = []

    def close(self) -> None:
        """Stop the workers never taken and wait for every stopped one (they have long exited by then)."""
        self._stop_unused()
        for w in self.stopped:
            try:
                w.process.wait(5)
            except subprocess.TimeoutExpired:
                w.process.kill()
                w.process.wait()
            _close_output(w)
        self.stopped = []


def _close_output(w: _Worker) -> None:
    """The pipe a worker answered on, once it has exited (its listener has read to the end, or stops here)."""
    try:
        w.process.stdout.close()
    except (OSError, ValueError):
        pass


def _stop(w: _Worker) -> None:
    try:
        send(w.process.stdin, None)
        w.process.stdin.close()
    except OSError:
        pass


def read_all(candidates: list[Candidate], *, jobs: int, rules: str | None,
             started: Started | None = None) -> Iterator[tuple[int, Brief, bytes]]:
    """(index, brief, pickled FileResult) for every candidate, in completion order. Each candidate is dropped
    from the list once its result is handed over: a country's worth of paths need not stay in memory.
    `started`: workers already started (Started), used before any new one is."""
    events: queue.Queue = started.events if started is not None else queue.Queue()
    archives = ArchiveReader()
    todo: deque[int] = deque(range(len(candidates)))
    workers: list[_Worker] = []
    done = 0

    def payload(index: int):
        c = candidates[index]
        if not c.archive:
            return index, c.source, c.link, c.link, c.mtime
        try:
            data = archives.read(c.archive)
        except Exception:
            data = b""  # the reader then says plainly that the file is empty or damaged
        return index, c.source, c.link, data, c.mtime

    def feed(w: _Worker) -> None:
        # guided: near the end a worker holds no more than its share of what is left, so that the workers run
        # out together (not one reading its last BATCH files while the other has stopped)
        cap = min(BATCH, max(2, len(todo) // max(1, len(workers))))
        batch = []
        while todo and len(w.pending) + len(batch) < cap:
            batch.append(payload(todo.popleft()))
        if batch:
            w.pending.extend(item[0] for item in batch)
            w.since = time.monotonic()
            try:
                send(w.process.stdin, batch)
            except OSError:  # it died meanwhile: its listener reports that
                pass

    def retire(w: _Worker, reason: str) -> Iterator[tuple[int, FileResult]]:
        """The worker died or stalled on its first pending file: quarantine that file, requeue the rest."""
        w.alive = False
        if w.process.poll() is None:
            w.process.kill()
        workers.remove(w)
        if w.pending:
            culprit = w.pending.popleft()
            c = candidates[culprit]
            todo.extendleft(reversed(w.pending))
            w.pending.clear()
            yield packed(culprit, quarantined(c.source, c.link, reason, c.mtime))
            candidates[culprit] = None
        if todo:
            fresh = _spawn(rules, events)
            workers.append(fresh)
            feed(fresh)

    try:
        wanted = max(1, min(jobs, len(candidates)))
        workers += started.take(wanted, rules) if started is not None else []
        while len(workers) < wanted:
            workers.append(_spawn(rules, events))
        for w in workers:
            feed(w)
        while done < len(candidates):
            try:
                w, message = events.get(timeout=1.0)
            except queue.Empty:
                w, message = None, None
            if w is not None and w.alive:
                if message is None:
                    code = w.process.wait()
                    reason = (f"读取这个文件时读取程序异常退出（退出码 {code}），文件可能已损坏：请用 Excel 打开后另存为 .xlsx "
                              "再提交")
                    for item in retire(w, reason):
                        done += 1
                        yield item
                else:
                    index = message[0]
                    if w.pending and w.pending[0] == index:
                        w.pending.popleft()
                    w.since = time.monotonic()
                    done += 1
                    yield message
                    candidates[index] = None
                    if len(w.pending) <= BATCH // 2:
                        feed(w)
            for w in [x for x in workers if x.pending and time.monotonic() - x.since > STALL_SECONDS]:
                for item in retire(w, f"读取这个文件超过 {STALL_SECONDS:.0f} 秒仍未完成，已跳过：文件可能已损坏或异常巨大"):
                    done += 1
                    yield item
            if not workers and done < len(candidates):
                fresh = _spawn(rules, events)
                workers.append(fresh)
                feed(fresh)
    finally:
        for w in workers:
            w.alive = False  # its listener's end-of-stream is no death to report
            _stop(w)
        if started is not None:  # waited for at the very end (an exit takes tens of ms): the summary is written first
            started.stopped += workers
        else:
            for w in workers:
                try:
                    w.process.wait(5)
                except subprocess.TimeoutExpired:
                    w.process.kill()
                _close_output(w)
        archives.close()
