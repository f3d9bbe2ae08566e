"""pool.py: chunks of work in forked workers, results in order, learners kept in step."""

from __future__ import annotations

import gc
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bulletin_gen.pool import can_fork, map_chunks, split, split_by_weight


@given(st.lists(st.integers(0, 50), max_size=60), st.integers(1, 9))
def test_split_by_weight_keeps_every_index_once_in_order(weights: list[int], parts: int) -> None:
    ranges = split_by_weight(weights, parts)
    assert [index for part in ranges for index in part] == list(range(len(weights)))
    assert all(len(part) > 0 for part in ranges)


def test_split_by_weight_balances_the_weight() -> None:
    ranges = split_by_weight([5] * 40, 4)
    assert [len(part) for part in ranges] == [10, 10, 10, 10]


def test_split_cuts_into_ranges_of_the_size() -> None:
    assert split(7, 3) == [range(0, 3), range(3, 6), range(6, 7)]
    assert split(0, 3) == []


class Tally:
    """A learner: remembers the numbers it saw."""

    def __init__(self) -> None:
        self.seen: list[int] = []

    def take_learned(self) -> Any:
        learned, self.seen = self.seen, []
        return learned

    def absorb(self, learned: Any) -> None:
        self.seen.extend(learned)


@pytest.mark.skipif(not can_fork(), reason="worker processes are forked")
def test_workers_give_results_in_order_and_hand_back_what_they_learned() -> None:
    tally = Tally()
    tally.seen.append(-1)  # known before the pool starts: stays, and is not sent back twice

    def square(chunk: range) -> list[int]:
        tally.seen.extend(chunk)
        return [n * n for n in chunk]

    results = list(map_chunks(square, split(20, 3), jobs=3, learners=[tally]))
    assert [n for chunk in results for n in chunk] == [n * n for n in range(20)]
    assert sorted(tally.seen) == [-1, *range(20)]


def test_one_job_runs_the_chunks_here() -> None:
    tally = Tally()

    def note(chunk: range) -> int:
        tally.seen.extend(chunk)
        return len(chunk)

    assert list(map_chunks(note, split(5, 2), jobs=1, learners=[tally])) == [2, 2, 1]
    assert tally.seen == [0, 1, 2, 3, 4]


@pytest.mark.skipif(not can_fork(), reason="worker processes are forked")
def test_workers_leave_what_they_inherit_out_of_their_garbage_collections() -> None:
    inherited = [[n] for n in range(1000)]  # objects of the main process, there when forked
    frozen_here = gc.get_freeze_count()

    def count(chunk: range) -> list[int]:
        return [gc.get_freeze_count() for _ in chunk if inherited]

    counts = [n for part in map_chunks(count, split(4, 1), jobs=2) for n in part]
    assert len(counts) == 4 and all(n >= len(inherited) for n in counts)
    assert gc.get_freeze_count() == frozen_here  # the main process's collections are its own
