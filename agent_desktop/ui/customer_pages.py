"""The customer-notification pages beside the Team page (issue 14), wired to the core.

Supervisors and admins get the **Customer notifications** tab (the read-only sent log); admins
also get **Booking codes** (only they may change a portal code). The log is listed when its
tab comes to the front or a filter changes; the server's `notifications_updated` pushes keep it
live from then on (the core merges them).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Final

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QTabWidget, QWidget

from agent_desktop.protocol.bookings import CodeAction
from agent_desktop.protocol.vocabulary import Role
from agent_desktop.session.core import AgentCore
from agent_desktop.session.log_filter import NotificationFilter
from agent_desktop.session.state import AgentState
from agent_desktop.ui.i18n import QT_TRANSLATE_NOOP, translate
from agent_desktop.ui.tasks import TaskOwner

if TYPE_CHECKING:  # imported when a staff member's pages are first built
    from agent_desktop.ui.widgets.booking_codes_view import BookingCodesView
    from agent_desktop.ui.widgets.notification_log_view import NotificationLogView

NOTIFICATIONS_TAB: Final = QT_TRANSLATE_NOOP("CustomerPages", "Customer notifications")
CODES_TAB: Final = QT_TRANSLATE_NOOP("CustomerPages", "Booking codes")


class CustomerPages(QObject):
    """Adds the tabs to `pages` once the user is known to be staff, and keeps them filled."""

    def __init__(
        self,
        pages: QTabWidget,
        core: AgentCore,
        tasks: TaskOwner,
        after: Callable[[], QWidget],
    ) -> None:
        """`after`: the tab these go after (the Team page, itself built when first needed)."""
        super().__init__(pages)
        self.pages, self.core, self.tasks, self._after = pages, core, tasks, after
        # Built when first needed (staff only): an agent's start does not pay for them.
        self._log: NotificationLogView | None = None
        self._codes: BookingCodesView | None = None
        pages.currentChanged.connect(lambda _index: self._refresh_shown())

    @property
    def log(self) -> NotificationLogView:
        if self._log is None:
            from agent_desktop.ui.widgets.notification_log_view import NotificationLogView

            self._log = NotificationLogView()
            self._log.filter_changed.connect(self._refresh_shown)
        return self._log

    @property
    def codes(self) -> BookingCodesView:
        if self._codes is None:
            from agent_desktop.ui.widgets.booking_codes_view import BookingCodesView

            self._codes = BookingCodesView()
            self._codes.action_requested.connect(self._change_code)
            self._codes.block_all_requested.connect(self._block_all)
        return self._codes

    def show_state(self, state: AgentState) -> None:
        identity = state.identity
        if identity is not None and identity.supervises and self.pages.indexOf(self.log) < 0:
            at = self.pages.insertTab(
                self.pages.indexOf(self._after()) + 1,
                self.log,
                translate("CustomerPages", NOTIFICATIONS_TAB),
            )
            # Tab tooltips are the tabs' descriptions for screen readers too.
            self.pages.setTabToolTip(
                at, translate("CustomerPages", "The messages sent to customers and their state")
            )
            if identity.role is Role.ADMIN:
                at = self.pages.insertTab(
                    self.pages.indexOf(self.log) + 1,
                    self.codes,
                    translate("CustomerPages", CODES_TAB),
                )
                self.pages.setTabToolTip(
                    at, translate("CustomerPages", "Customers' booking portal codes")
                )
        if self._log is not None:
            self._log.show_entries(state.notifications)
        if self._codes is not None:
            self._codes.show_codes(state.booking_codes)

    def current_filter(self) -> NotificationFilter:
        span = self.log.since_span()
        # The log's times are the server's: "the last hour" is counted on the server's clock.
        server_now = self.core.clock.now() + self.core.state.clock_offset
        return NotificationFilter(
            state=self.log.state_filter.currentData(),
            notification_type=self.log.type_filter.currentData(),
            channel=self.log.channel_filter.currentData(),
            since=None if span is None else max(0.0, server_now - span),
        )

    def _refresh_shown(self) -> None:
        if not self.core.state.online:
            return
        shown = self.pages.currentWidget()
        if shown is self._log:
            listing = self.core.list_notifications(self.current_filter())
            self.tasks.run("Customer notifications", listing)
        elif shown is self._codes:
            self.tasks.run("Booking codes", self.core.list_booking_codes())

    def _change_code(self, code: str, action: CodeAction) -> None:
        from agent_desktop.ui.widgets.booking_codes_view import EXTEND_DAYS

        days = EXTEND_DAYS if action is CodeAction.EXTEND else None
        change = self.core.change_booking_code(code, action, days)
        self.tasks.run(f"{action.value.capitalize()} code", change)

    def _block_all(self, booking_id: str) -> None:
        self.tasks.run("Block all codes", self.core.block_booking_codes(booking_id))
