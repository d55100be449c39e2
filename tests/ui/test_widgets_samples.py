"""Sample session-state values the widget tests render (no tests here).

Real protocol and state types, built the way the core builds them; only the values are made up.
"""

from __future__ import annotations

from agent_desktop.protocol.model import (
    AgentView,
    Alert,
    Call,
    CaseRecord,
    ChatMessage,
    Customer,
    Notification,
    Offer,
    PresenceChange,
    PresenceInfo,
    Session,
    TemplateField,
    Toast,
    WorkItem,
)
from agent_desktop.protocol.vocabulary import (
    AlertId,
    AlertKind,
    CallState,
    Channel,
    ContactId,
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
from agent_desktop.session.state import PendingOffer, ShownToast

NOW = 1_700_000_000.0
ANA = Customer(
    name="Ana Lima",
    phone="+55 11 91234-5678",
    email="ana.lima@example.com",
    contact_id=ContactId("c-102"),
    account="ACME Retail",
)


def work(
    work_id: str = "w1",
    channel: Channel = Channel.CHAT,
    customer: Customer = ANA,
    **extra: object,
) -> WorkItem:
    return WorkItem(
        work_id=WorkId(work_id),
        channel=channel,
        queue=QueueId(channel.value),
        customer=customer,
        subject="Order 4471 arrived damaged",
        **extra,  # type: ignore[arg-type]  # test-only pass-through of optional fields
    )


def offer(
    offer_id: str = "o1",
    *,
    channel: Channel = Channel.CHAT,
    title: str = "Chat from Ana Lima",
    accept_label: str = "Accept",
    reject_label: str | None = "Reject",
    wait_time_s: float = 60.0,
    show_timeout: bool = True,
    offered_at: float = NOW,
    fields: list[TemplateField] | None = None,
) -> Offer:
    return Offer(
        offer_id=OfferId(offer_id),
        work=work(f"w-{offer_id}", channel),
        agent=UserId("alice"),
        notification=Notification(
            kind=NotificationKind.ALERT,
            title=title,
            fields=fields
            if fields is not None
            else [
                TemplateField(label="Customer", value="Ana Lima"),
                TemplateField(label="Queue", value="Chat"),
            ],
            accept_label=accept_label,
            reject_label=reject_label,
            wait_time_s=wait_time_s,
            show_timeout=show_timeout,
        ),
        offered_at=offered_at,
        expires_at=offered_at + wait_time_s,
    )


def pending(o: Offer, clock_offset: float = 0.0) -> PendingOffer:
    """As the core makes it: the server's `expires_at` moved onto the local clock."""
    return PendingOffer(offer=o, deadline=o.expires_at - clock_offset)


def message(msg_id: str, sender: Sender, text: str, at: float = NOW) -> ChatMessage:
    return ChatMessage(msg_id=msg_id, sender=sender, text=text, at=at)


def session(
    session_id: str = "s1",
    channel: Channel = Channel.CHAT,
    customer: Customer = ANA,
    transcript: list[ChatMessage] | None = None,
    call: Call | None = None,
    customer_left: bool = False,
    **work_extra: object,
) -> Session:
    return Session(
        session_id=SessionId(session_id),
        work=work(f"w-{session_id}", channel, customer, **work_extra),
        agent=UserId("alice"),
        opened_at=NOW,
        opened_reason=Reason.ACCEPT,
        transcript=transcript
        if transcript is not None
        else [message("m1", Sender.CUSTOMER, "Hi, my order arrived damaged.")],
        call=call,
        customer_left=customer_left,
    )


def voice_session(state: CallState = CallState.CONNECTED, muted: bool = False) -> Session:
    return session(
        "s-voice",
        Channel.VOICE,
        transcript=[],
        call=Call(state=state, muted=muted),
        bot_summary="Caller wants to change the delivery address of order 4471.",
    )


def case_session() -> Session:
    return session(
        "s-case",
        Channel.CASE,
        transcript=[],
        case=CaseRecord(
            case_number="CS-2031",
            title="Refund for damaged goods",
            status="active",
            priority="high",
            description="Customer sent photos of the damaged parcel.",
        ),
    )


def server_alert(kind: AlertKind = AlertKind.MISSED, alert_id: str = "a1") -> Alert:
    return Alert(
        alert_id=AlertId(alert_id),
        kind=kind,
        message="You missed a chat from Ana Lima. You are Inactive until you set yourself "
        "Available.",
        raised_at=NOW,
    )


def toast(title: str = "Case CS-2031 assigned to you", after: float = 8.0) -> ShownToast:
    return ShownToast(
        toast=Toast(
            title=title,
            fields=[TemplateField(label="Customer", value="Ana Lima")],
            session_id=SessionId("s-case"),
            origin=Origin.NEW,
            reason=Reason.AUTO_ACCEPT,
            dismiss_after_s=after,
        ),
        until=NOW + after,
    )


def presence(
    value: Presence = Presence.AVAILABLE,
    source: PresenceSource = PresenceSource.AGENT,
    reason: Reason = Reason.MANUAL,
) -> PresenceInfo:
    return PresenceInfo(presence=value, source=source, reason=reason, previous=None, changed_at=NOW)


def agent_view(
    agent: str,
    name: str,
    value: Presence = Presence.AVAILABLE,
    *,
    source: PresenceSource = PresenceSource.AGENT,
    reason: Reason = Reason.MANUAL,
    sessions: int = 0,
    pending_offers: int = 0,
    connected: bool = True,
    alerts: list[AlertKind] | None = None,
) -> AgentView:
    return AgentView(
        agent=UserId(agent),
        display_name=name,
        role=Role.AGENT,
        presence=presence(value, source, reason),
        connected=connected,
        sessions=sessions,
        pending_offers=pending_offers,
        alerts=tuple(alerts or ()),
        queues=(QueueId("chat"),),
        capacity_used=sessions,
        capacity=3,
    )


def change(
    value: Presence,
    source: PresenceSource,
    reason: Reason,
    previous: Presence | None,
    at: float,
    by: str | None = None,
) -> PresenceChange:
    return PresenceChange(
        presence=value,
        source=source,
        reason=reason,
        previous=previous,
        changed_at=at,
        by=UserId(by) if by else None,
    )
