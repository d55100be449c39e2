"""Protocol values for unit tests, built with the wire types themselves."""

from __future__ import annotations

from agent_desktop.protocol.model import (
    AgentView,
    Alert,
    ChatMessage,
    Customer,
    Notification,
    Offer,
    PresenceInfo,
    Session,
    TemplateField,
    Toast,
    WorkItem,
)
from agent_desktop.protocol.vocabulary import (
    AlertId,
    AlertKind,
    Channel,
    NotificationKind,
    OfferId,
    Origin,
    Presence,
    PresenceSource,
    QueueId,
    Reason,
    Role,
    Sender,
    SessionId,
    UserId,
    WorkId,
)

T0 = 1_800_000_000.0


def work(work_id: str = "w1", channel: Channel = Channel.CHAT) -> WorkItem:
    return WorkItem(
        work_id=WorkId(work_id),
        channel=channel,
        queue=QueueId(channel.value),
        customer=Customer(name="Zoe Customer"),
    )


def offer(
    offer_id: str = "o1",
    *,
    work_id: str = "w1",
    expires_at: float = T0 + 120,
    rejectable: bool = True,
    show_timeout: bool = True,
    channel: Channel = Channel.CHAT,
    kind: NotificationKind = NotificationKind.ALERT,
) -> Offer:
    return Offer(
        offer_id=OfferId(offer_id),
        work=work(work_id, channel),
        agent=UserId("alice"),
        notification=Notification(
            kind=kind,
            title="Incoming chat",
            fields=[TemplateField(label="Customer", value="Zoe Customer")],
            accept_label="Accept" if rejectable else "Open",
            reject_label="Reject" if rejectable else None,
            wait_time_s=120,
            show_timeout=show_timeout,
        ),
        offered_at=expires_at - 120,
        expires_at=expires_at,
    )


def session(session_id: str = "s1", *, work_id: str = "w1", transcript: int = 0) -> Session:
    return Session(
        session_id=SessionId(session_id),
        work=work(work_id),
        agent=UserId("alice"),
        opened_at=T0,
        opened_reason=Reason.ACCEPT,
        transcript=[message(f"m{i}", "earlier") for i in range(transcript)],
    )


def message(
    msg_id: str, text: str, *, sender: Sender = Sender.CUSTOMER, client_msg_id: str | None = None
) -> ChatMessage:
    return ChatMessage(msg_id=msg_id, sender=sender, text=text, at=T0, client_msg_id=client_msg_id)


def presence(
    value: Presence = Presence.AVAILABLE,
    *,
    source: PresenceSource = PresenceSource.AGENT,
    reason: Reason = Reason.MANUAL,
    previous: Presence | None = None,
) -> PresenceInfo:
    return PresenceInfo(
        presence=value, source=source, reason=reason, previous=previous, changed_at=T0
    )


def alert(alert_id: str = "a1", kind: AlertKind = AlertKind.MISSED) -> Alert:
    return Alert(alert_id=AlertId(alert_id), kind=kind, message="You missed a chat", raised_at=T0)


def toast(session_id: str = "s1", dismiss_after_s: float = 8.0) -> Toast:
    return Toast(
        title="Chat transferred to you",
        fields=[],
        session_id=SessionId(session_id),
        origin=Origin.TRANSFER,
        reason=Reason.TRANSFER,
        dismiss_after_s=dismiss_after_s,
    )


def agent_view(agent: str, value: Presence = Presence.AVAILABLE) -> AgentView:
    return AgentView(
        agent=UserId(agent),
        display_name=agent.title(),
        role=Role.AGENT,
        presence=presence(value),
        connected=True,
        sessions=0,
        pending_offers=0,
        alerts=(),
        queues=(QueueId("chat"),),
        capacity_used=0,
        capacity=100,
    )
