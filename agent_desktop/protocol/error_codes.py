"""When the server sends each `ErrorCode`: the table `docs/protocol.md` is generated from.

Every code has a row (a test checks it), so a new code cannot reach the wire undocumented.
An `error` means the request changed nothing, except `session_limit` (see its row).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from agent_desktop.protocol.vocabulary import ErrorCode

WHEN_SENT: Final[Mapping[ErrorCode, str]] = {
    ErrorCode.INVALID_MESSAGE: (
        "The frame is not JSON (nested too deeply included), a binary frame, of an unknown "
        "`type`, misses a field or has one of the "
        "wrong type or out of range (then `re` is null when no `id` could be read). Also for a "
        "request that contradicts itself: `login` with both a password and a token, or neither; "
        "a second `login` on a logged-in connection; `transfer`/`escalate` naming no target or "
        "two, or the agent who already has the session; a call control the call's state does "
        "not allow (hold a held call, mute a muted one)."
    ),
    ErrorCode.MESSAGE_TOO_LARGE: (
        "The frame is over 64 KiB; it is not read and the connection stays open. (Over 1 MiB the "
        "connection closes with WebSocket code 1009 instead.)"
    ),
    ErrorCode.UNSUPPORTED_VERSION: (
        "`hello` offers no version the server speaks; the server then closes the connection "
        "(WebSocket code 1008)."
    ),
    ErrorCode.NOT_NEGOTIATED: "Any request other than `hello` before a successful `hello`.",
    ErrorCode.AUTH_FAILED: (
        "`login` with an unknown user, a wrong password, or a token that is unknown, revoked or "
        "belongs to another user; also while the name is locked out at that address, or the "
        "address is, after repeated failures (the message says when to try again)."
    ),
    ErrorCode.TOKEN_EXPIRED: "`login` with a token past its expiry: log in with the password.",
    ErrorCode.NOT_LOGGED_IN: (
        "A request that needs a user (anything but `hello` and `login`) before `login` succeeded."
    ),
    ErrorCode.FORBIDDEN: (
        "Another agent's offer, session or alert; or, from an agent, a supervisor's request "
        "(`list_agents`, `reset_presence`, `create_work`, `customer_message`, `customer_end`, "
        "`get_work`, `get_presence_timeline` for someone else, `clear_penalty`, `list_queues`); "
        "`extend_wrap_up` / `finish_wrap_up` of another agent's wrap-up."
    ),
    ErrorCode.UNKNOWN_OFFER: "`accept_offer` / `reject_offer` naming no offer the server knows.",
    ErrorCode.UNKNOWN_SESSION: "A session request naming no open session.",
    ErrorCode.UNKNOWN_WORK: "`get_work`, `customer_message` or `customer_end` naming no item.",
    ErrorCode.UNKNOWN_AGENT: (
        "`reset_presence`, `get_presence_timeline`, `transfer`/`escalate` to an agent or "
        "`create_work` for an agent, `clear_penalty`, naming no configured user; work sent to "
        "an account that takes no work (a supervisor or admin with no queues)."
    ),
    ErrorCode.UNKNOWN_QUEUE: "`create_work` or `transfer`/`escalate` naming no configured queue.",
    ErrorCode.UNKNOWN_ALERT: (
        "`dismiss_alert` naming no alert (one already cleared is acknowledged, not refused)."
    ),
    ErrorCode.OFFER_EXPIRED: "Accepting or rejecting an offer after its `expires_at`.",
    ErrorCode.OFFER_NOT_PENDING: (
        "Accepting or rejecting an offer already accepted, rejected, missed or withdrawn."
    ),
    ErrorCode.NOT_REJECTABLE: (
        "`reject_offer` for an offer that cannot be rejected: a case assignment, an auto-assign, "
        "or a queue or template with `allow_reject` false."
    ),
    ErrorCode.SESSION_LIMIT: (
        "`accept_offer` that would open an 11th session. The only `error` that follows a change: "
        "the offer is withdrawn (`queue_limit_exceeded`), the item rerouted, a `max_sessions` "
        "alert raised and presence set `busy_dnd`."
    ),
    ErrorCode.INVALID_PRESENCE: (
        "`set_presence`, `reset_presence` or `set_next_presence` to `inactive` (set by the "
        "system only), naming a custom presence the config does not define or with another "
        "base than its own (or a custom name with no presence); `reset_presence` for an agent "
        "who is not connected."
    ),
    ErrorCode.WRONG_CHANNEL: (
        "`call_control` on a session that is not a voice call; `create_work`, `transfer` or "
        "`escalate` to a queue of another channel than the item's."
    ),
    ErrorCode.WORK_CLOSED: (
        "`customer_message` or `customer_end` for a closed item; `customer_message` after the "
        "customer left (a second `customer_end` is acknowledged)."
    ),
    ErrorCode.UNKNOWN_BOOKING: (
        "`change_booking` or `get_booking` naming a booking that does not exist."
    ),
    ErrorCode.INVALID_BOOKING: (
        "`create_booking` or `change_booking` with impossible times (an end not after the "
        "start, longer than 30 days, a start more than a day ago), a malformed email address, "
        "phone number or time zone, or a status change the booking lifecycle forbids; "
        "`sms_received` from something that is not a phone number."
    ),
    ErrorCode.UNKNOWN_CODE: (
        "`change_booking_code` naming a portal code that does not exist (forged or mistyped)."
    ),
    ErrorCode.UNKNOWN_WRAP_UP: (
        "`extend_wrap_up` or `finish_wrap_up` naming an item that is not in wrap-up (never was, "
        "or it already ended)."
    ),
    ErrorCode.DISPOSITION_REQUIRED: (
        "`finish_wrap_up` without a disposition or a note where the item's queue requires one "
        "(`disposition_required`, `note_required`). A disposition the queue does not list is "
        "`invalid_message`."
    ),
    ErrorCode.INTERNAL_ERROR: (
        "A bug in the server while handling the request (logged there with a traceback); the "
        "connection stays open."
    ),
}
