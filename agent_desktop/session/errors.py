"""Errors the agent core raises to its shells; each carries what a user should be told."""

from __future__ import annotations

from agent_desktop.protocol.vocabulary import ErrorCode


class CoreError(Exception):
    """Base of every error the core raises on purpose."""


class RequestError(CoreError):
    """A request was refused, by the server or locally before sending; nothing changed.

    `code` is the protocol's stable `ErrorCode`; `message` is the human text to show.
    `local` is True when the core refused without asking the server (e.g. rejecting a case).
    """

    def __init__(self, code: ErrorCode, message: str, *, local: bool = False) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.local = local


class NotConnectedError(CoreError):
    """The request needs the server and the link is down; try again once online."""


class LinkLostError(CoreError):
    """The link dropped while a request waited for its reply: its outcome is unknown.

    Accept is idempotent on the server, so retrying after the resume is safe.
    """


class AuthFailedError(CoreError):
    """Login was refused (wrong password, revoked or expired token): ask the user again."""


class SignedOutError(AuthFailedError):
    """The server ended this sign-in (token expired, or signed out everywhere): the token and
    a remembered password are forgotten, so nothing signs in again without the user."""


class CredentialsUnavailableError(CoreError):
    """No safe keyring is usable; the token is not stored and the password is asked each start."""
