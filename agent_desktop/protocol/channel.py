"""What each channel is like, in one table that the server, the core and the widgets read.

Code asks `traits(channel).has_call_controls` instead of testing `channel is Channel.VOICE`, so a
new channel is a row here (plus its config and icon), not a hunt through the engine, the config
loader and the widgets.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from agent_desktop.protocol.vocabulary import Channel


@dataclass(frozen=True, slots=True)
class ChannelTraits:
    channel: Channel
    label: str
    """How people name the channel: a tooltip, a session header, a settings checkbox."""
    noun: str
    """How an alert names one item of it: "You missed a chat from ..."."""
    icon: str
    """Icon file name (without `.svg`) under the app's resources."""
    rejectable: bool
    """Rule 4: a case assignment cannot be rejected, whatever the template says."""
    assigned_at_timeout: bool
    """Rule 4: an offer nobody answered is assigned at its timeout instead of rerouted."""
    has_transcript: bool
    """The agent and customer exchange text messages (a reply box, a transcript)."""
    has_call_controls: bool
    """A live call: hold, resume, mute, unmute, end; a session opens connected."""
    has_case_record: bool
    """The work carries a case record (number, title); case-only template fields apply."""
    links_contact_by_phone: bool
    """Rule 9: the sender's number is matched against contacts' mobile phones."""
    accept_label: str | None
    """A fixed Accept label (the case's "Open item"), or None: the template's label."""
    caller_waits: bool
    """A customer is waiting live on the line: an offer to an agent whose link is gone is
    rerouted at once, not held for the reroute grace (rule 8)."""

    def phrase(self, customer: str) -> str:
        """ "a chat from Ana Lima", "a case for Lima Design": how an alert names the item."""
        preposition = "for" if self.has_case_record else "from"
        return f"{self.noun} {preposition} {customer}"


CHANNEL_TRAITS: Final[dict[Channel, ChannelTraits]] = {
    trait.channel: trait
    for trait in (
        ChannelTraits(
            channel=Channel.CHAT,
            label="Chat",
            noun="a chat",
            icon="chat",
            rejectable=True,
            assigned_at_timeout=False,
            has_transcript=True,
            has_call_controls=False,
            has_case_record=False,
            links_contact_by_phone=False,
            accept_label=None,
            caller_waits=False,
        ),
        ChannelTraits(
            channel=Channel.SMS,
            label="SMS",
            noun="an SMS",
            icon="sms",
            rejectable=True,
            assigned_at_timeout=False,
            has_transcript=True,
            has_call_controls=False,
            has_case_record=False,
            links_contact_by_phone=True,
            accept_label=None,
            caller_waits=False,
        ),
        ChannelTraits(
            channel=Channel.VOICE,
            label="Voice call",
            noun="a call",
            icon="voice",
            rejectable=True,
            assigned_at_timeout=False,
            has_transcript=False,
            has_call_controls=True,
            has_case_record=False,
            links_contact_by_phone=False,
            accept_label=None,
            caller_waits=True,
        ),
        ChannelTraits(
            channel=Channel.CASE,
            label="Case",
            noun="a case",
            icon="case",
            rejectable=False,
            assigned_at_timeout=True,
            has_transcript=False,
            has_call_controls=False,
            has_case_record=True,
            links_contact_by_phone=False,
            accept_label="Open item",
            caller_waits=False,
        ),
    )
}


def traits(channel: Channel) -> ChannelTraits:
    return CHANNEL_TRAITS[channel]
