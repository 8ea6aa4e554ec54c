"""Batches read ahead in a second thread: the same batches, errors where they happened, and
no thread left behind."""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from itertools import batched

import pytest
from hypothesis import given
from hypothesis import strategies as st

from attune.read_ahead import HANDOVER_SECONDS, Later, quick_handover, read_ahead


@given(items=st.lists(st.integers(), max_size=60), size=st.integers(1, 7), depth=st.integers(1, 3))
def test_the_batches_are_the_items_in_order(items: list[int], size: int, depth: int) -> None:
    assert list(read_ahead(items, size, depth)) == [list(b) for b in batched(items, size)]


def test_an_error_while_reading_is_raised_after_the_batches_before_it() -> None:
    def items() -> Iterator[int]:
        yield from range(5)
        raise ValueError("row 6 is unreadable")

    got = []
    with pytest.raises(ValueError, match="row 6"):
        for batch in read_ahead(items(), 2):
            got.append(batch)
    assert got == [[0, 1], [2, 3]]


def test_stopping_early_stops_the_reading_thread() -> None:
    read = []

    def items() -> Iterator[int]:
        for n in range(1_000_000):
            read.append(n)
            yield n

    batches = read_ahead(items(), 10, depth=1)
    assert next(batches) == list(range(10))
    batches.close()

    assert not [t for t in threading.enumerate() if t.name == "attune-read-ahead"]
    assert len(read) < 100  # it stopped a batch or two ahead, not at the end


def test_the_reading_happens_in_another_thread() -> None:
    threads = set()

    def items() -> Iterator[int]:
        for n in range(4):
            threads.add(threading.get_ident())
            yield n

    assert list(read_ahead(items(), 2)) == [[0, 1], [2, 3]]
    assert threads and threading.get_ident() not in threads


def test_meanwhile_runs_in_the_callers_thread_while_the_next_batch_is_not_ready() -> None:
    """An import compares the batch it has while the next is still being read."""
    called = threading.Event()
    threads = set()

    def items() -> Iterator[int]:
        yield 0
        assert called.wait(timeout=10)  # the next item only comes once meanwhile has run
        yield 1

    def meanwhile() -> None:
        threads.add(threading.get_ident())
        called.set()

    assert list(read_ahead(items(), 1, meanwhile=meanwhile)) == [[0], [1]]
    assert threads == {threading.get_ident()}


def test_later_gives_the_work_done_in_another_thread_or_its_error() -> None:
    done = Later(threading.get_ident)
    assert done.result() != threading.get_ident()

    def fails() -> int:
        raise ValueError("no")

    with pytest.raises(ValueError, match="no"):
        Later(fails).result()


def test_the_lock_changes_hands_quickly_while_reading_and_as_before_after() -> None:
    before = sys.getswitchinterval()
    seen = [sys.getswitchinterval() for _ in read_ahead(range(4), 2)]
    assert seen == [HANDOVER_SECONDS, HANDOVER_SECONDS]
    assert sys.getswitchinterval() == before


def test_the_interval_comes_back_when_the_last_of_two_readers_stops() -> None:
    before = sys.getswitchinterval()
    first = read_ahead(range(4), 1)
    next(first)
    with quick_handover():
        assert sys.getswitchinterval() == HANDOVER_SECONDS
    assert sys.getswitchinterval() == HANDOVER_SECONDS  # the first is still reading
    first.close()
    assert sys.getswitchinterval() == before
