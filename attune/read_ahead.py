"""Reading the next batch of a slow iterator in the background while this one is used.

An import parses a file in Python and waits on the database for each batch it writes; with
the parsing in a second thread, the next batch is read while the database works on this one
(the wait releases the interpreter lock). The iterator must not touch the database: Django's
connections belong to the thread that opened them.

While a reading thread runs, the interpreter hands its lock between threads every half
millisecond rather than every five (``quick_handover``). A thread whose answer has come back
from the database waits for the lock until the reading thread is made to give it up; at five
milliseconds a time, a county's day (imported and rolled back, alternating) spent 5.0 s
looking its pupils up and 19.5 s in all, against 2.9 s and 16.1 to 17.2 s
(``docs/county-scale.md``).
"""

from __future__ import annotations

import queue
import sys
import threading
from collections.abc import Callable, Generator, Iterable, Iterator
from contextlib import contextmanager
from itertools import batched

_DONE = object()
HANDOVER_SECONDS = 0.0005
_handover_lock = threading.Lock()
_handover_users = 0
_handover_before = 0.0


@contextmanager
def quick_handover() -> Iterator[None]:
    """The interpreter lock passed between threads every ``HANDOVER_SECONDS`` while inside;
    the interval before is put back when the last thread inside leaves."""
    global _handover_users, _handover_before
    with _handover_lock:
        if _handover_users == 0:
            _handover_before = sys.getswitchinterval()
            sys.setswitchinterval(min(_handover_before, HANDOVER_SECONDS))
        _handover_users += 1
    try:
        yield
    finally:
        with _handover_lock:
            _handover_users -= 1
            if _handover_users == 0:
                sys.setswitchinterval(_handover_before)


class _Failed:
    def __init__(self, error: BaseException) -> None:
        self.error = error


def read_ahead[T](
    items: Iterable[T], size: int, depth: int = 2, *, meanwhile: Callable[[], object] | None = None
) -> Generator[list[T]]:
    """``items`` in lists of ``size``, in order, with up to ``depth`` lists read ahead.

    ``meanwhile``, if given, is called (in the caller's thread) whenever the next list is not
    ready yet, before waiting for it: work that can be done while the reading catches up.

    An error raised while reading is raised here, at the point it was reached. Closing the
    generator early (a ``break``, or an error in the caller) stops the reading thread and waits
    for it, so nothing is left running.
    """
    ready: queue.Queue[object] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def give(item: object) -> bool:
        while not stop.is_set():
            try:
                ready.put(item, timeout=0.05)
                return True
            except queue.Full:
                continue
        return False

    def read() -> None:
        try:
            for batch in batched(items, size):
                if not give(list(batch)):
                    return
            give(_DONE)
        except BaseException as error:  # handed to the caller, who raises it
            give(_Failed(error))

    reader = threading.Thread(target=read, name="attune-read-ahead", daemon=True)
    with quick_handover():
        reader.start()
        try:
            while True:
                if meanwhile is not None and ready.empty():
                    meanwhile()
                item = ready.get()
                if item is _DONE:
                    return
                if isinstance(item, _Failed):
                    raise item.error
                yield item  # type: ignore[misc]
        finally:
            stop.set()
            reader.join()


class Later[T]:
    """``work()`` run in a second thread from now; ``result()`` waits for it (and raises what
    it raised). Like ``read_ahead``, the work must not touch the database."""

    def __init__(self, work: Callable[[], T]) -> None:
        self._work = work
        self._value: T | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="attune-later", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            self._value = self._work()
        except BaseException as error:  # handed to whoever waits for the result
            self._error = error

    def result(self) -> T:
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._value  # type: ignore[return-value]
