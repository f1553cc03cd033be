"""A bounded number of trainings at once, served first come first served.

On a lecture server every student's run competes for the same two cores: thirty runs
started together all crawl, and each finishes only when nearly all do. Holding a slot
(:meth:`TrainingSlots.hold`) lets ``MAX_TRAININGS`` of them run at full speed while the
others wait in line, so the first finish first.

A waiting caller is told so: the page registers a listener with :func:`notify_waits`
(core never imports Streamlit), and the listener is called while the wait lasts. The
listener is found through a context variable because the slot is taken deep inside the
engine, several calls below a cached page function whose arguments are its cache key.
"""

from __future__ import annotations

import contextlib
import contextvars
import threading
from collections import deque
from collections.abc import Callable, Iterator

#: Called with the number of requests ahead in the line when a wait starts and about every
#: :data:`WAIT_POLL_SECONDS` while it lasts (it may raise to give up waiting), and with
#: None once a slot is held after a wait.
WaitListener = Callable[[int | None], None]

#: How often a waiting caller's listener is called again (the page's rerun check).
WAIT_POLL_SECONDS = 0.2

_LISTENER: contextvars.ContextVar[WaitListener | None] = contextvars.ContextVar(
    "training_wait_listener", default=None)


@contextlib.contextmanager
def notify_waits(listener: WaitListener | None) -> Iterator[None]:
    """Within the block, trainings started in this thread (context) report waits to
    ``listener``."""
    token = _LISTENER.set(listener)
    try:
        yield
    finally:
        _LISTENER.reset(token)


def current_listener() -> WaitListener | None:
    """The listener registered for this thread (context), if any."""
    return _LISTENER.get()


class TrainingSlots:
    """``size`` slots; callers beyond them wait in one first-in first-out line."""

    def __init__(self, size: int) -> None:
        if size < 1:
            raise ValueError(f"size must be at least 1, got {size}")
        self.size = size
        self._cond = threading.Condition()
        self._line: deque[object] = deque()
        self._running = 0
        #: Counters for tests and benchmarks: slots taken so far, how many of those had to
        #: wait, and the most held at once.
        self.served = 0
        self.waited = 0
        self.peak = 0

    @property
    def running(self) -> int:
        """Slots held now."""
        return self._running

    @property
    def waiting(self) -> int:
        """Callers in line now."""
        return len(self._line)

    @contextlib.contextmanager
    def hold(self) -> Iterator[None]:
        """Hold a slot for the block, waiting in line for one if all are taken."""
        self._enter(_LISTENER.get())
        try:
            yield
        finally:
            with self._cond:
                self._running -= 1
                self._cond.notify_all()

    def _take(self, ticket: object) -> int | None:
        """Under the lock: take a slot if ``ticket`` is first in line and one is free
        (returns None), else return how many are ahead of it."""
        if self._running < self.size and self._line[0] is ticket:
            self._line.popleft()
            self._running += 1
            self.served += 1
            self.peak = max(self.peak, self._running)
            self._cond.notify_all()  # the next in line may find a second free slot
            return None
        return self._line.index(ticket)

    def _enter(self, listener: WaitListener | None) -> None:
        ticket = object()
        with self._cond:
            self._line.append(ticket)
            ahead = self._take(ticket)
            waits = ahead is not None
            self.waited += waits
        try:
            while ahead is not None:
                # The listener runs outside the lock: it draws on a page and may raise.
                if listener is not None:
                    listener(ahead)
                with self._cond:
                    ahead = self._take(ticket)
                    if ahead is not None:
                        self._cond.wait(WAIT_POLL_SECONDS)
                        ahead = self._take(ticket)
        finally:
            if ahead is not None:  # gave up waiting (the listener raised): leave the line
                with self._cond:
                    self._line.remove(ticket)
                    self._cond.notify_all()
        if listener is not None and waits:
            self._after_wait(listener)

    def _after_wait(self, listener: WaitListener) -> None:
        """Tell the listener the wait is over; a listener that fails frees the slot."""
        try:
            listener(None)
        except BaseException:
            with self._cond:
                self._running -= 1
                self._cond.notify_all()
            raise
