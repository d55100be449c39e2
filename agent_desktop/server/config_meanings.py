"""What each configuration key means, for keys whose field in `config.py` has no docstring.

`docs/protocol.md`'s configuration reference is generated from the structs in `config.py`: the
docstring under a field is its meaning. This table fills in the fields without one. A test
checks that every row names a real field and that no row repeats a docstring, so when a field
gets its docstring in `config.py`, its row here must go.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

MEANINGS: Final[Mapping[tuple[str, str], str]] = {
    ("Timings", "heartbeat_interval_s"): "The server pings every connection this often.",
    ("Timings", "heartbeat_timeout_s"): (
        "A connection that does not answer a ping within this is dropped: its agent is offline."
    ),
    ("Timings", "token_ttl_s"): "How long a login's token resumes a session (12 h).",
    ("Timings", "toast_dismiss_s"): "Toasts carry this as `dismiss_after_s`.",
    ("TemplateConfig", "title"): "The notification's title.",
    ("TemplateConfig", "fields"): "What the notification shows, in this order.",
    ("TemplateConfig", "kind"): (
        "`alert`: a decision with Accept/Reject, gone at the timeout; `toast`: information only."
    ),
    (
        "TemplateConfig",
        "accept_label",
    ): "The Accept button's label (a case assignment has its own).",
    ("TemplateConfig", "reject_label"): "The Reject button's label.",
    ("TemplateConfig", "wait_time_s"): "How long the offer waits for an answer (its timeout).",
    ("TemplateConfig", "show_timeout"): (
        "Show the countdown; when false it still runs, only hidden."
    ),
    ("TemplateConfig", "allow_reject"): (
        "Offers of this template can be rejected (the queue must allow it too; a case or an "
        "auto-accepted item never can)."
    ),
    ("QueueConfig", "id"): "The queue's id, as work and transfers name it.",
    ("QueueConfig", "name"): "The queue's name, as agents see it.",
    ("QueueConfig", "channel"): "The channel of all its work.",
    ("QueueConfig", "allowed_presences"): "Presences in which an agent receives its work.",
    ("QueueConfig", "capacity_cost"): "Capacity one item of this queue takes from its agent.",
    ("QueueConfig", "auto_accept"): "Work is assigned at once and its session opens by itself.",
    ("QueueConfig", "allow_reject"): "Its offers can be rejected (the template must allow it too).",
    ("QueueConfig", "missed_alerts"): (
        "A missed offer makes the agent `inactive` and raises a `missed` alert."
    ),
    ("QueueConfig", "reject_alerts"): (
        "A rejected offer makes the agent `busy_dnd` and raises a `rejected` alert."
    ),
    ("UserConfig", "id"): "The login name.",
    ("UserConfig", "name"): "The name shown to the user and to supervisors.",
    ("UserConfig", "role"): "What the user may do.",
    ("UserConfig", "queues"): "The queues whose work the user receives.",
    ("UserConfig", "capacity"): "The agent's capacity, spent by each item's `capacity_cost`.",
    ("ContactConfig", "id"): "The contact's id.",
    ("ContactConfig", "name"): "The customer's name shown for linked work.",
    ("ContactConfig", "mobile_phone"): (
        "An SMS from this number (normalised) is linked to the contact."
    ),
    ("ContactConfig", "email"): "The contact's e-mail address.",
    ("ContactConfig", "account"): "The contact's account, a template field.",
}
