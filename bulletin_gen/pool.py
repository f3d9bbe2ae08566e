"""Work spread over worker processes: the model's issues, the web pages.

`map_chunks` runs `task` on each chunk in forked worker processes and yields the results in the
order of the chunks, whatever order they finish in. Forked workers start with everything the
main process holds (the sources, the model, the compiled templates), so only the chunks and the
results travel between processes. Where fork does not exist (Windows), the chunks run here,
one after the other: slower, never different.

A worker never outlives the main process: killed (kill -9, the OOM killer, a CI timeout), the
main process leaves its workers blocked on pipes that nobody reads, so each worker asks the
system to kill it when its parent dies (Linux), or else watches its parent itself. A SIGTERM to
the main process ends the build as Ctrl-C does: the pool is shut down and the output left as
it was.
"""

from __future__ import annotations

import contextlib
import gc
import os
import signal
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from itertools import islice
from types import FrameType
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from .libc import linux_call

if TYPE_CHECKING:
    from concurrent.futures import Future

# Work is cut into this many chunks a worker: the last chunks finish at different times, and a
# worker with nothing left to take waits, on average, for half of one.
CHUNKS_PER_JOB = 16
PR_SET_PDEATHSIG = 1  # prctl's option: the signal a process gets when its parent dies
WATCH_SECONDS = 0.5  # how often a worker without that option looks for its parent
STOP_POLL_SECONDS = 0.1  # how often the main process, waiting for a result, looks for SIGTERM
Chunk = TypeVar("Chunk")
Result = TypeVar("Result")

# The task of the pool a worker belongs to, set in each worker as it starts, never in the
# main process: a pool's initializer can hand a task to its workers in no other way.
_WORKER_TASK: dict[str, Callable[[Any], Any]] = {}
_WORKER_LEARNERS: list[Learner] = []


class Learner(Protocol):
    """Something a task adds to as it runs (a cache's entries): in a worker, what it learned
    is taken after each chunk and handed to the main process's own copy."""

    def take_learned(self) -> Any:
        """What was learned since the last call, forgotten here."""

    def absorb(self, learned: Any) -> None:
        """Add what a worker's copy learned."""


def can_fork() -> bool:
    return hasattr(os, "fork")


def map_chunks(task: Callable[[Chunk], Result], chunks: Sequence[Chunk], jobs: int,
               learners: Sequence[Learner] = ()) -> Iterator[Result]:
    """task(chunk) for every chunk, in order, on up to `jobs` worker processes; what the
    workers' copies of `learners` learn reaches the main process's as each result does."""
    if jobs <= 1 or len(chunks) <= 1 or not can_fork():
        yield from map(task, chunks)
        return
    # Imported here: a rebuild with little to do starts no worker, and these imports take
    # about 20 ms of its start-up.
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    workers = min(jobs, len(chunks))
    with _sigterm_noted() as stop, ProcessPoolExecutor(
            workers, mp_context=multiprocessing.get_context("fork"), initializer=_start_worker,
            initargs=(task, learners, os.getpid())) as pool:
        # A few chunks ahead, not all: results the main process has not taken yet (pages not
        # yet written) would otherwise pile up in its memory.
        waiting: deque[Future[tuple[Result, list[Any]]]] = deque()
        pending = iter(chunks)
        try:
            for chunk in islice(pending, 2 * workers):
                waiting.append(pool.submit(_run_chunk, chunk))
            while waiting:
                result, learned = _result(waiting.popleft(), stop)
                for chunk in islice(pending, 1):
                    waiting.append(pool.submit(_run_chunk, chunk))
                for learner, news in zip(learners, learned, strict=True):
                    learner.absorb(news)
                yield result
        finally:
            pool.shutdown(cancel_futures=True)


def split(count: int, size: int) -> list[range]:
    """range(count) cut into consecutive ranges of at most `size`."""
    return [range(start, min(start + size, count)) for start in range(0, count, size)]


def split_by_weight(weights: Sequence[int], parts: int) -> list[range]:
    """range(len(weights)) cut into consecutive ranges of roughly equal total weight, about
    `parts` of them."""
    share = max(1, -(-sum(weights) // max(parts, 1)))
    ranges, start, total = [], 0, 0
    for index, weight in enumerate(weights):
        total += weight
        if total >= share:
            ranges.append(range(start, index + 1))
            start, total = index + 1, 0
    if start < len(weights):
        ranges.append(range(start, len(weights)))
    return ranges


class Stop:
    """Whether a SIGTERM has come while the pool runs."""

    requested = False


@contextlib.contextmanager
def _sigterm_noted() -> Iterator[Stop]:
    """While the pool runs, a SIGTERM is noted rather than fatal: the main process then stops
    waiting for results (`_result`), shuts the pool down and ends the build as an exception
    does, cleaning up on the way out. The handler only notes it: an exception raised by a
    signal handler lands anywhere, even in the pool's own bookkeeping, and can be swallowed
    there. A handler already set (`bulletin serve` sets one) is left in place; so is SIGTERM
    outside the main thread, where no handler can be set."""
    stop = Stop()
    if (threading.current_thread() is not threading.main_thread()
            or signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL):
        yield stop
        return
    main = os.getpid()

    def note(signum: int, frame: FrameType | None) -> None:
        if os.getpid() != main:  # a worker, before it has set its own (`_start_worker`)
            os._exit(128 + signum)
        stop.requested = True

    signal.signal(signal.SIGTERM, note)
    try:
        yield stop
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        if stop.requested:  # noted after the last result was taken: not lost for that
            raise SystemExit(128 + signal.SIGTERM)


def _result(future: Future[Result], stop: Stop) -> Result:
    """The future's result, waited for a little at a time so that a SIGTERM is seen; then
    SystemExit, with the status of a process that SIGTERM ended (the pool may also have
    broken, its workers ended by the same signal)."""
    from concurrent.futures import wait

    while not future.done() and not stop.requested:
        wait([future], timeout=STOP_POLL_SECONDS)
    if stop.requested:
        raise SystemExit(128 + signal.SIGTERM)
    return future.result()


def die_with_parent(parent: int) -> None:
    """End this process when `parent` does: by the system (Linux), or else by a thread that
    watches for a new parent (the orphan's). A parent that died before this was set up is
    already gone: then this process ends at once."""
    if not _parent_death_signal(signal.SIGKILL):
        watch_parent(parent)
    if os.getppid() != parent:
        os._exit(1)


def _parent_death_signal(signum: int) -> bool:
    """Ask Linux to send `signum` to this process when its parent dies; False elsewhere."""
    prctl = linux_call("prctl")
    return prctl is not None and prctl(PR_SET_PDEATHSIG, int(signum), 0, 0, 0) == 0


def watch_parent(parent: int, interval: float = WATCH_SECONDS) -> threading.Thread:
    """A daemon thread that ends this process once its parent is no longer `parent`."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(interval)
        os._exit(1)  # at once: the main thread may be blocked on a pipe for good

    thread = threading.Thread(target=watch, name="bulletin-watch-parent", daemon=True)
    thread.start()
    return thread


def _start_worker(task: Callable[[Any], Any], learners: Sequence[Learner],
                  parent: int) -> None:
    # The main process's SIGTERM handler (`_ended_by_sigterm`) is not the worker's: a worker
    # that SIGTERM reaches (with the whole process group) simply ends.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    die_with_parent(parent)
    # What the worker was forked with is the main process's, only read here: out of the
    # worker's garbage collections, which would otherwise walk it again and again (and copy
    # every memory page they touch).
    gc.freeze()
    for learner in learners:  # what the main process had learned before the fork is its own
        learner.take_learned()
    _WORKER_TASK["run"] = task
    _WORKER_LEARNERS[:] = learners


def _run_chunk(chunk: Any) -> tuple[Any, list[Any]]:
    result = _WORKER_TASK["run"](chunk)
    return result, [learner.take_learned() for learner in _WORKER_LEARNERS]
