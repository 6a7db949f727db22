"""Hooks: how a domain asks a later one (in the declared order) without importing it.

Cohorts must know a leader's guidance talks to find clashes, and cancelling a cohort
cancels its planned talks; but guidance depends on cohorts, not the other way round.
So the earlier domain declares a hook with the signature it needs, and the later one
answers it. ``course.wiring`` connects every hook to its answer, in one place that
reads as the list of such dependencies; the app, the CLI and the demo import it.

A hook is called inside the caller's transaction, so what its receiver writes
commits or rolls back with the change that caused it. A hook nobody answers is an
error, never a silent no-op: a cancellation that left talks standing would fail open.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Generic, ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")


class NotWired(RuntimeError):
    pass


class Hook(Generic[P, R]):
    def __init__(self, name: str) -> None:
        self.name = name
        self._receiver: Callable[P, Awaitable[R]] | None = None

    def connect(self, receiver: Callable[P, Awaitable[R]]) -> None:
        if self._receiver is not None and self._receiver is not receiver:
            raise RuntimeError(f"hook {self.name} already has a receiver")
        self._receiver = receiver

    @property
    def connected(self) -> bool:
        return self._receiver is not None

    async def __call__(self, *args: P.args, **kwargs: P.kwargs) -> R:
        if self._receiver is None:
            raise NotWired(f"hook {self.name} has no receiver: import course.wiring")
        return await self._receiver(*args, **kwargs)


class Event(Generic[P]):
    """Something that happened in an earlier domain which later ones act on (a session
    moved, an absence recorded). Like a hook it is called inside the caller's
    transaction, so what a receiver writes (a message in the outbox) commits or rolls
    back with the change; unlike a hook it returns nothing and may have several
    receivers. An event nobody receives is an error too."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._receivers: list[Callable[P, Awaitable[None]]] = []

    def connect(self, receiver: Callable[P, Awaitable[None]]) -> None:
        if receiver not in self._receivers:
            self._receivers.append(receiver)

    @property
    def connected(self) -> bool:
        return bool(self._receivers)

    async def __call__(self, *args: P.args, **kwargs: P.kwargs) -> None:
        if not self._receivers:
            raise NotWired(f"event {self.name} has no receiver: import course.wiring")
        for receiver in self._receivers:
            await receiver(*args, **kwargs)
