"""A chat longer than a frame: views carry the newest messages and page back to the rest.

Seen before: a chat whose transcript passed 1 MiB made every snapshot of its agent larger than
the client accepts (close code 1009), so the agent's app reconnected forever and never got in.
"""

from __future__ import annotations

from agent_desktop.protocol.codec import MAX_FRAME_BYTES, encode
from agent_desktop.protocol.messages import (
    CreateWork,
    CustomerMessage,
    GetTranscript,
    GetWork,
    SessionOpened,
    TranscriptPage,
    WorkCreated,
    WorkInfo,
)
from agent_desktop.protocol.model import ChatMessage
from agent_desktop.protocol.vocabulary import Channel, ErrorCode, QueueId, UserId, WorkId
from agent_desktop.server.config import ServerConfig
from agent_desktop.server.runner import running_server
from tests.server.engine_fixtures import EngineHarness, harness, make_config
from tests.wire import logged_in

LONG = "x" * 9_000
MESSAGES = 150  # ~1.4 MB of text: more than a frame


def long_chat(h: EngineHarness, count: int = MESSAGES) -> WorkId:
    """A chat alice accepted, then the customer wrote `count` long messages."""
    work = h.create(Channel.CHAT)
    h.accept("alice")
    for n in range(count):
        h.call("sam", CustomerMessage(id=h.rid(), work_id=work.work_id, text=f"{n:03} {LONG}"))
    return work.work_id


def page_back(h: EngineHarness, name: str, work_id: WorkId, newest: list[ChatMessage]) -> list[str]:
    """Every message text, oldest first, by paging back from what a view showed."""
    shown = list(newest)
    while True:
        page = h.call(name, GetTranscript(id=h.rid(), work_id=work_id, before=shown[0].msg_id))
        assert isinstance(page, TranscriptPage)
        assert len(encode(page)) < MAX_FRAME_BYTES
        shown = page.messages + shown
        if page.earlier_messages == 0:
            return [m.text for m in shown]
        assert page.messages, "a page always moves back"


def test_a_reconnect_with_a_chat_longer_than_a_frame_gets_a_snapshot_that_fits() -> None:
    h = harness(make_config(), login=["sam", "alice"])
    work_id = long_chat(h)
    h.disconnect("alice")
    snapshot = h.connect("alice")
    assert len(encode(snapshot)) < MAX_FRAME_BYTES
    [session] = snapshot.sessions
    assert session.transcript[-1].text.startswith(f"{MESSAGES - 1:03} ")  # the newest is there
    assert session.earlier_messages + len(session.transcript) == MESSAGES
    assert session.earlier_messages > 0
    texts = page_back(h, "alice", work_id, session.transcript)
    assert texts == [f"{n:03} {LONG}" for n in range(MESSAGES)], "all, in order, once"
    h.ok()


def test_a_supervisor_reads_the_whole_transcript_of_any_item_in_pages() -> None:
    h = harness(make_config(), login=["sam", "alice"])
    work_id = long_chat(h)
    info = h.call("sam", GetWork(id=h.rid(), work_id=work_id))
    assert isinstance(info, WorkInfo)
    assert len(encode(info)) < MAX_FRAME_BYTES
    assert info.earlier_messages + len(info.transcript) == MESSAGES
    assert len(page_back(h, "sam", work_id, info.transcript)) == MESSAGES
    newest = h.call("sam", GetTranscript(id=h.rid(), work_id=work_id))  # no `before`: newest
    assert isinstance(newest, TranscriptPage)
    assert newest.messages[-1].text.startswith(f"{MESSAGES - 1:03} ")


def test_others_unknown_or_malformed_transcript_requests_are_refused_and_change_nothing() -> None:
    h = harness(make_config(), login=["sam", "alice", "bob"])
    work_id = long_chat(h, 3)
    assert h.refused("bob", GetTranscript(id=h.rid(), work_id=work_id)) is ErrorCode.FORBIDDEN
    assert (
        h.refused("alice", GetTranscript(id=h.rid(), work_id=work_id, before="M-nope"))
        is ErrorCode.UNKNOWN_MESSAGE
    )
    assert (
        h.refused("alice", GetTranscript(id=h.rid(), work_id=WorkId("W9999")))
        is ErrorCode.UNKNOWN_WORK
    )
    page = h.call("alice", GetTranscript(id=h.rid(), work_id=work_id))
    assert isinstance(page, TranscriptPage)
    assert (len(page.messages), page.earlier_messages) == (3, 0)
    assert h.engine.sessions.of(UserId("alice"))


async def test_over_real_sockets_the_agent_gets_back_in_and_pages_the_transcript(
    demo_config: ServerConfig,
) -> None:
    async with running_server(demo_config) as server, logged_in(server.url, "sam") as sam:
        async with logged_in(server.url, "alice") as alice:
            created = await sam.call(
                CreateWork(
                    id=sam.next_id(),
                    channel=Channel.CHAT,
                    queue=QueueId("chat_vip"),  # auto-accepted: a session at once
                    customer_name="Ana Lima",
                    agent=UserId("alice"),
                )
            )
            assert isinstance(created, WorkCreated)
            work_id = created.work.work_id
            await alice.next_event(SessionOpened)
            for n in range(MESSAGES):
                await sam.call(
                    CustomerMessage(id=sam.next_id(), work_id=work_id, text=f"{n:03} {LONG}")
                )
            token = alice.logged_in.token if alice.logged_in is not None else None
        # The app's next start: the token resumes, and the snapshot must arrive whole.
        async with logged_in(server.url, "alice", token=token) as again:
            assert again.snapshot is not None
            [session] = again.snapshot.sessions
            assert session.earlier_messages + len(session.transcript) == MESSAGES
            first = session.transcript[0].msg_id
            page = await again.call(
                GetTranscript(id=again.next_id(), work_id=work_id, before=first)
            )
            assert isinstance(page, TranscriptPage)
            assert page.messages[-1].text.startswith(f"{session.earlier_messages - 1:03} ")
