"""Why a first sign-in could not reach the server, in words an agent can act on.

The core reports a lost link as the error's text (`Connection.detail`); it keeps retrying, which
is right for a resume but not for someone signing in for the first time, who needs to hear now
that the address is wrong or the certificate untrusted. The classification reads the standard
library's and the OS's error texts (OSError errno text, ssl's reason codes), which are stable.
"""

from __future__ import annotations

import re

from agent_desktop.ui.i18n import translate


def settings_hint() -> str:
    return translate(
        "SignIn",
        "If your organisation uses its own certificate authority, add its CA certificate in "
        "Settings (the Settings… button below), then sign in again.",
    )


_REFUSED = ("errno 111", "errno 61", "errno 10061", "connection refused", "connect call failed")
_UNKNOWN_NAME = (
    "name or service not known",
    "nodename nor servname",
    "getaddrinfo failed",
    "temporary failure in name resolution",
    "errno -2",
    "errno -3",
    "errno -5",
    "errno 8",
    "errno 11001",
)
_UNREACHABLE = ("network is unreachable", "no route to host", "errno 101", "errno 113")
_SSL_REASON = re.compile(r"certificate verify failed:\s*(?P<why>[^(]+?)\s*(\(_ssl|$)")


def sign_in_problem(url: str, detail: str) -> str:
    """One or two sentences for the sign-in dialog: what went wrong and what to do."""
    lowered = detail.lower()
    if "certificate_verify_failed" in lowered or "certificate verify failed" in lowered:
        match = _SSL_REASON.search(detail)
        why = (
            match.group("why").strip() if match else translate("SignIn", "it could not be verified")
        )
        return translate(
            "SignIn", "The server's certificate is not trusted ({why}). {hint}"
        ).format(why=why, hint=settings_hint())
    if "wrong_version_number" in lowered or "record layer failure" in lowered:
        text = translate(
            "SignIn",
            "Cannot reach {url}: the server does not speak TLS on that port. "
            "Try ws:// instead of wss://, or check the port.",
        )
    elif any(word in lowered for word in _REFUSED):
        text = translate(
            "SignIn",
            "Cannot reach {url}: connection refused. Check the server address and port, "
            "or ask your administrator whether the server is running.",
        )
    elif any(word in lowered for word in _UNKNOWN_NAME):
        text = translate(
            "SignIn", "Cannot reach {url}: the server name is not known. Check the server address."
        )
    elif any(word in lowered for word in _UNREACHABLE):
        text = translate(
            "SignIn", "Cannot reach {url}: the network is unreachable. Check your connection."
        )
    elif "timed out" in lowered or "timeout" in lowered:
        text = translate("SignIn", "Cannot reach {url}: the server did not answer in time.")
    else:
        return translate("SignIn", "Cannot sign in at {url}: {why}").format(
            url=url, why=detail or translate("SignIn", "the connection failed")
        )
    return text.format(url=url)
