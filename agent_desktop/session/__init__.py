"""The headless agent core: connection, state, timers and notification policy. No Qt here.

The UI (or a script, or the ctl's simulated agents) holds one `AgentCore`:

    core = AgentCore(Settings(server_url="ws://127.0.0.1:8765", user="alice"),
                     password="demo", token_store=TokenStore(url, "alice"))
    core.subscribe(render)               # render(state: AgentState) after every change
    core.on_announcement(notify)         # notify(Announcement): new offer/toast/alert, offer gone
    await core.start()                   # connects, logs in, reconnects by itself
    await core.accept(offer_id)          # intents wait for the reply, raise RequestError

Public API:

- `AgentCore` (`core`): lifecycle (`start`; `login(password)` after AUTH_FAILED; `quit` /
  `go_offline` = goodbye keeping the token; `logout` = goodbye, token revoked and removed from
  the keyring; `close` = drop the link without goodbye; `reconnect_now`, `force_reconnect`
  after sleep or a network change; `wake` after a test moved a ManualClock), observation
  (`state`, `subscribe`, `states()`, `on_announcement`, `wait_for`, `set_window_active`) and
  intents (`accept`, `open_item`, `reject`, `set_presence`, `reset_presence`, `send_message`,
  `discard_unsent`,
  `call_control`/`hold`/`resume`/`mute`/`unmute`/`end_call`, `transfer`, `escalate`,
  `close_session`, `dismiss_alert`, `respond_to_alert`, `dismiss_toast`, `list_agents`,
  `presence_timeline`, `sync_clock`).
- `AgentState` and its parts (`state`): `Connection`/`LinkStatus`, `Identity`, `PendingOffer`
  (with `answer: AnswerStatus | None`: an accept waiting for the link or on the wire),
  `ShownAlert` (`ClientAlertKind`, `AlertAction`), `ShownToast` (keyed by `ToastId`),
  `OutgoingMessage`.
- `step` / `apply` / `next_deadline` (`reducer`): the pure transition, events in `events`,
  effects in `effects`: notifications (`OfferArrived`, `OfferLeft`, `ToastArrived`,
  `AlertArrived`) and commands (send, settle an intent, timers). The rules split by subject:
  `outbox` (what is sent when), `alerts` (which server alerts are still true). `StateStore`
  (`store`) holds the state, its observers and performs notifications and timers; `Sender`
  (`sender`) performs the sending; `Connector` (`connector`) keeps the link; `Link` (`link`)
  is one websocket connection.
- `decide`, `NotificationMode`, `NotificationDecision` (`policy`): the notification policy.
- `Settings`, `SettingsError` (`settings`); `TokenStore` (`credentials`); `Backoff` (`backoff`).
- Errors (`errors`): `RequestError` (code + message), `NotConnectedError`, `LinkLostError`,
  `AuthFailedError`, `CredentialsUnavailableError`.
- `AutoResponder` (`responder`) and `python -m agent_desktop.session`: a headless agent that
  accepts, rejects or ignores its offers.
"""

from agent_desktop.session.backoff import Backoff
from agent_desktop.session.core import AgentCore, Announcement
from agent_desktop.session.credentials import TokenStore
from agent_desktop.session.effects import (
    AlertArrived,
    Effect,
    OfferArrived,
    OfferLeft,
    ToastArrived,
)
from agent_desktop.session.errors import (
    AuthFailedError,
    CoreError,
    CredentialsUnavailableError,
    LinkLostError,
    NotConnectedError,
    RequestError,
)
from agent_desktop.session.policy import NotificationDecision, NotificationMode, decide
from agent_desktop.session.reducer import apply, next_deadline, step
from agent_desktop.session.responder import Answer, AutoResponder
from agent_desktop.session.settings import Settings, SettingsError
from agent_desktop.session.state import (
    AgentState,
    AlertAction,
    AnswerStatus,
    ClientAlertKind,
    Connection,
    Identity,
    LinkStatus,
    OutboxStatus,
    OutgoingMessage,
    PendingOffer,
    ShownAlert,
    ShownToast,
    ToastId,
)

__all__ = [
    "AgentCore",
    "AgentState",
    "AlertAction",
    "AlertArrived",
    "Announcement",
    "Answer",
    "AnswerStatus",
    "AuthFailedError",
    "AutoResponder",
    "Backoff",
    "ClientAlertKind",
    "Connection",
    "CoreError",
    "CredentialsUnavailableError",
    "Effect",
    "Identity",
    "LinkLostError",
    "LinkStatus",
    "NotConnectedError",
    "NotificationDecision",
    "NotificationMode",
    "OfferArrived",
    "OfferLeft",
    "OutboxStatus",
    "OutgoingMessage",
    "PendingOffer",
    "RequestError",
    "Settings",
    "SettingsError",
    "ShownAlert",
    "ShownToast",
    "ToastArrived",
    "ToastId",
    "TokenStore",
    "apply",
    "decide",
    "next_deadline",
    "step",
]
