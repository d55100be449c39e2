"""New customer messages as desktop notifications while the agent is in another window.

A chat does not stop while the agent looks elsewhere: a customer's message arriving then is
raised as a notification (its own setting, on by default), one per session with the newest
text. Clicking it opens the session. All of them go when the agent comes back to the app.
"""

from __future__ import annotations

from agent_desktop.protocol.model import Session
from agent_desktop.protocol.vocabulary import NotificationKind, Sender, SessionId
from agent_desktop.session.state import AgentState
from agent_desktop.ui.notify.notice import MessageKey, Notice
from agent_desktop.ui.notify.notifier import OfferNotifier
from agent_desktop.ui.screen_reader import ScreenReader
from agent_desktop.ui.tasks import TaskOwner

MESSAGE_NOTICE_S = 15.0
"""How long the OS may keep a message notice up on its own."""
PREVIEW_CHARS = 200


def _customer_lines(session: Session) -> int:
    return sum(1 for m in session.transcript if m.sender is Sender.CUSTOMER)


def message_notice(session: Session) -> Notice:
    newest = next(m for m in reversed(session.transcript) if m.sender is Sender.CUSTOMER)
    text = newest.text if len(newest.text) <= PREVIEW_CHARS else newest.text[:PREVIEW_CHARS] + "…"
    return Notice(
        key=MessageKey(session.session_id),
        title=f"{session.work.customer.name} wrote",
        lines=(text,),
        kind=NotificationKind.TOAST,
        timeout_s=MESSAGE_NOTICE_S,
        accept_label=None,
        reject_label=None,
    )


class MessageNotices:
    """Watches the sessions for customer messages: notifies while the window is inactive,
    and tells a screen reader always."""

    def __init__(
        self,
        notifier: OfferNotifier,
        tasks: TaskOwner,
        *,
        enabled: bool = True,
        screen_reader: ScreenReader | None = None,
    ) -> None:
        self._notifier = notifier
        self._screen_reader = screen_reader
        self._tasks = tasks
        self.enabled = enabled
        self.window_active = False
        self._counted: dict[SessionId, tuple[Session, int]] = {}
        """Per open session: the value last seen and its customer messages (new ones are the
        surplus). Called on every state change, so an unchanged session (the reducer keeps
        the same value) is not counted again."""

    def show_state(self, state: AgentState) -> None:
        counted: dict[SessionId, tuple[Session, int]] = {}
        for session in state.sessions:
            seen = self._counted.get(session.session_id)
            if seen is not None and seen[0] is session:
                counted[session.session_id] = seen
                continue
            count = _customer_lines(session)
            counted[session.session_id] = (session, count)
            before = seen[1] if seen is not None else None
            # A session seen for the first time brings its history with it: not news.
            if before is None or count <= before:
                continue
            notice = message_notice(session)
            if self._screen_reader is not None:  # in the app too: a screen reader sees no dot
                self._screen_reader.announce(f"{notice.title}: {notice.body}")
            if self._should_notify():
                self._tasks.run("Show notification", self._notifier.show(notice))
        self._counted = counted

    def set_window_active(self, active: bool) -> None:
        self.window_active = active
        if active:
            self._tasks.run("Withdraw notification", self._withdraw_all())

    async def _withdraw_all(self) -> None:
        for key in self._notifier.showing():
            if isinstance(key, MessageKey):
                await self._notifier.withdraw(key)

    def _should_notify(self) -> bool:
        return self.enabled and not self.window_active
