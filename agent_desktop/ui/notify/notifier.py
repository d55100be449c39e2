"""`OfferNotifier`: the app's one entry point for desktop notifications.

It owns the choice of path. At start it runs the self-test down an ordered chain of adapters
(native -> tray balloon -> in-app) and keeps the first that works; when a delivery later
fails it steps down the chain, re-shows the notice there and reports the new path once.

It is also the one place that knows which notices are showing: adapters hand back a handle
and keep nothing. `reconcile()` takes away every notice whose offer is no longer pending (or
whose toast is gone) in the core's state, however that came about: accepted or rejected
here or on the notification, missed, withdrawn, or absent from a reconnect's snapshot.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence

from agent_desktop.ui.notify.adapter import NoticeAdapter, NoticeHandle
from agent_desktop.ui.notify.notice import Notice, NoticeKey
from agent_desktop.ui.notify.path import NotificationPath, PathReport

_FALLBACK_WORDS = {
    NotificationPath.NATIVE: "using native notifications",
    NotificationPath.TRAY: "using the tray balloon",
    NotificationPath.IN_APP: "notifications show in the app only",
}


class OfferNotifier:
    """Shows, replaces and withdraws offer and toast notices on the best working path.

    `on_path_reported` hears the self-test result once at start and once more for each
    downgrade: the app shows it (and says "fallback" once, not per notification).
    Answers (accept, reject, open, dismissed) go to the `NoticeResponder` the adapters were
    built with.
    """

    def __init__(
        self,
        chain: Sequence[NoticeAdapter],
        on_path_reported: Callable[[PathReport], None] | None = None,
        *,
        is_live: Callable[[NoticeKey], bool] | None = None,
    ) -> None:
        if not chain:
            raise ValueError("the chain needs at least one adapter (the in-app one)")
        self._chain = list(chain)
        self._on_path_reported = on_path_reported
        self._index: int | None = None
        self._report: PathReport | None = None
        self._shown: dict[NoticeKey, tuple[NoticeAdapter, NoticeHandle]] = {}
        """Every notice on screen, by key, with the adapter and handle that take it back."""
        self._is_live = is_live or (lambda _key: True)
        """Whether a key's offer is still pending (or its toast up), in the core's state now."""
        # show/withdraw/downgrade interleave on the loop; one at a time keeps the chain sane.
        self._lock = asyncio.Lock()

    @property
    def report(self) -> PathReport | None:
        """The latest self-test result; None before `start()`."""
        return self._report

    async def start(self) -> PathReport:
        """Run the self-test (once) and report which path works, and why."""
        async with self._lock:
            return await self._ensure_started()

    async def show(self, notice: Notice) -> None:
        """Show (or replace) the notice for `notice.key` on the current path.

        Whether to notify at all (the "only when not in focus" setting) is the session
        policy's call (`session/policy.py`); this only decides how.
        """
        async with self._lock:
            await self._ensure_started()
            await self._take_back(notice.key)
            while self._is_live(notice.key):
                adapter = self._current()
                handle = await adapter.show(notice)
                if handle is not None:
                    self._shown[notice.key] = (adapter, handle)
                    break
                await self._step_down(
                    f"A {adapter.path.value.replace('_', '-')} notification was not delivered"
                )
            # Answered while the OS was still taking it: it must not stay behind.
            if not self._is_live(notice.key):
                await self._take_back(notice.key)

    async def withdraw(self, key: NoticeKey) -> None:
        """Take the notice away: the offer expired, or was answered here or elsewhere."""
        async with self._lock:
            await self._take_back(key)

    def showing(self) -> list[NoticeKey]:
        """The keys of the notices on screen now."""
        return list(self._shown)

    def has_stale(self) -> bool:
        """Is a notice up whose offer is no longer pending (or toast gone)? Cheap: call often."""
        return any(not self._is_live(key) for key in self._shown)

    async def reconcile(self) -> None:
        """Take away every notice that is no longer live, however its offer ended."""
        async with self._lock:
            for key in [k for k in self._shown if not self._is_live(k)]:
                await self._take_back(key)

    async def close(self) -> None:
        """Withdraw everything still shown (the app quits or the agent logs out)."""
        async with self._lock:
            for key in list(self._shown):
                await self._take_back(key)
            for adapter in self._chain:
                await adapter.close()

    async def _take_back(self, key: NoticeKey) -> None:
        shown = self._shown.pop(key, None)
        if shown is not None:
            adapter, handle = shown
            await adapter.withdraw(handle)

    def _current(self) -> NoticeAdapter:
        assert self._index is not None, "start() runs before any show()"
        return self._chain[self._index]

    async def _ensure_started(self) -> PathReport:
        if self._report is None:
            return await self._choose(0, [])
        return self._report

    async def _step_down(self, why: str) -> None:
        assert self._index is not None
        if self._index + 1 >= len(self._chain):
            raise RuntimeError("the last adapter of the chain must not fail")
        await self._choose(self._index + 1, [why])

    async def _choose(self, start: int, failures: list[str]) -> PathReport:
        for index in range(start, len(self._chain)):
            adapter = self._chain[index]
            probe = await adapter.probe()
            if not probe.works:
                failures.append(probe.reason)
                continue
            if failures:
                reason = f"{'; '.join(failures)}: {_FALLBACK_WORDS[adapter.path]}"
            else:
                reason = probe.reason
            self._index = index
            self._report = PathReport(
                path=adapter.path, reason=reason, buttons=probe.buttons, fallback=bool(failures)
            )
            if self._on_path_reported is not None:
                self._on_path_reported(self._report)
            return self._report
        raise RuntimeError(f"no notification path works: {'; '.join(failures)}")
