"""Work spread over worker processes: the model's issues, the web pages.

`map_chunks` runs `task` on each chunk in forked worker processes and yields the results in the
order of the chunks, whatever order they finish in. Forked workers start with everything the
main process holds (the sources, the model, the compiled templates), so only the chunks and the
results travel between processes. Where fork does not exist (Windows), the chunks run here,
one after the other: slower, never different.
"""

from __future__ import annotations

import gc
import os
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from itertools import islice
from typing import TYPE_CHECKING, Any, Protocol, TypeVar, runtime_checkable

if TYPE_CHECKING:
    from concurrent.futures import Future

# Work is cut into this many chunks a worker: the last chunks finish at different times, and a
# worker with nothing left to take waits, on average, for half of one.
CHUNKS_PER_JOB = 16
Chunk = TypeVar("Chunk")
Result = TypeVar("Result")

# The task of the pool a worker belongs to, set in each worker as it starts, never in the
# main process: a pool's initializer can hand a task to its workers in no other way.
_WORKER_TASK: dict[str, Callable[[Any], Any]] = {}
_WORKER_LEARNERS: list[Learner] = []


@runtime_checkable
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
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"),
                             initializer=_start_worker, initargs=(task, learners)) as pool:
        # A few chunks ahead, not all: results the main process has not taken yet (pages not
        # yet written) would otherwise pile up in its memory.
        waiting: deque[Future[tuple[Result, list[Any]]]] = deque()
        pending = iter(chunks)
        try:
            for chunk in islice(pending, 2 * workers):
                waiting.append(pool.submit(_run_chunk, chunk))
            while waiting:
                result, learned = waiting.popleft().result()
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


def _start_worker(task: Callable[[Any], Any], learners: Sequence[Learner]) -> None:
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
