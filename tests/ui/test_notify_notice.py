"""A notice is a plain value the session hands over; impossible ones are refused."""

from __future__ import annotations

import pytest

from agent_desktop.protocol.vocabulary import NotificationKind, OfferId
from agent_desktop.ui.notify.notice import Notice, OfferKey


def test_a_toast_with_buttons_is_refused() -> None:
    with pytest.raises(ValueError, match="toast has no Accept/Reject"):
        Notice(
            OfferKey(OfferId("t")), "Assigned", (), NotificationKind.TOAST, 8, accept_label="Accept"
        )


def test_an_offer_without_an_accept_label_is_refused() -> None:
    with pytest.raises(ValueError, match="accept label"):
        Notice(OfferKey(OfferId("o")), "Chat", (), NotificationKind.ALERT, 60, accept_label=None)


def test_a_negative_timeout_is_refused() -> None:
    with pytest.raises(ValueError, match="timeout_s"):
        Notice(OfferKey(OfferId("o")), "Chat", (), NotificationKind.ALERT, -1)


def test_the_body_is_the_lines_one_per_row() -> None:
    notice = Notice(
        OfferKey(OfferId("o")), "Chat", ("Customer: Ann", "Queue: chat"), NotificationKind.ALERT, 1
    )
    assert notice.body == "Customer: Ann\nQueue: chat"
