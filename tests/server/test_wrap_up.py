"""Wrap-up (rule 13): a closed session's queue capacity stays reserved for `wrap_up_s`, with
disposition codes, a note, "extend" and "done", all in the work item's history."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import msgspec
import pytest

from agent_desktop.clock import ManualClock
from agent_desktop.protocol.codec import ProtocolError, decode_client, decode_server, encode_text
from agent_desktop.protocol.depth_messages import NOTE_MAX
from agent_desktop.protocol.messages import (
    AcceptOffer,
    Ack,
    CloseSession,
    CreateWork,
    ExtendWrapUp,
    FinishWrapUp,
    GetWork,
    OfferAdded,
    SessionOpened,
    WorkInfo,
    WrapUpChanged,
    WrapUpEnded,
)
from agent_desktop.protocol.vocabulary import (
    Channel,
    ErrorCode,
    Presence,
    QueueId,
    Reason,
    Role,
    SessionId,
    UserId,
    WorkId,
)
from agent_desktop.server.config import ServerConfig
from agent_desktop.server.config_loader import ConfigError, parse_config
from agent_desktop.server.runner import running_server
from agent_desktop.server.store import SqliteStore
from tests.server.engine_fixtures import EngineHarness, harness, make_config, queue, user
from tests.wire import logged_in

WRAP = 30.0
CODES = ["Resolved", "Call back", "Escalated"]
ALICE = UserId("alice")


def config(**chat: Any) -> ServerConfig:
    settings: dict[str, Any] = {"wrap_up_s": WRAP, "dispositions": CODES}
    settings.update(chat)
    return make_config(
        queues=[queue("chat", Channel.CHAT, **settings), queue("sms", Channel.SMS)],
        users=[user("alice", ["chat", "sms"], capacity=10), user("sam", role=Role.SUPERVISOR)],
    )


def served(h: EngineHarness) -> tuple[WorkId, SessionId]:
    """alice took a chat and closed it: she is wrapping up."""
    work = h.create(Channel.CHAT)
    h.accept("alice")
    session_id = h.work(work.work_id).session_id
    assert session_id is not None
    assert isinstance(h.call("alice", CloseSession(id=h.rid(), session_id=session_id)), Ack)
    return work.work_id, session_id


def history(h: EngineHarness, work_id: WorkId) -> list[tuple[str, str, Reason | None]]:
    info = h.call("sam", GetWork(id=h.rid(), work_id=work_id))
    assert isinstance(info, WorkInfo)
    return [(e.event, e.detail, e.reason) for e in info.history]


def test_no_work_in_the_queues_capacity_until_the_wrap_up_times_out() -> None:
    h = harness(config(), login=["sam", "alice"])
    work_id, _ = served(h)
    [started] = h.events("alice", WrapUpChanged)
    assert started.wrap_up.ends_at == h.clock.now() + WRAP
    assert started.wrap_up.dispositions == CODES
    assert h.presence("alice") is Presence.BUSY_DND  # the wrap-up holds all her capacity
    snapshot = h.engine.views.snapshot(ALICE)
    assert [w.work_id for w in snapshot.wrap_ups] == [work_id]
    offered = len(h.events("alice", OfferAdded))
    h.create(Channel.SMS)  # needs the capacity the wrap-up holds
    assert len(h.events("alice", OfferAdded)) == offered
    h.ok()
    h.tick(WRAP - 1)
    assert h.events("alice", WrapUpEnded) == []
    h.tick(1)
    [ended] = h.events("alice", WrapUpEnded)
    assert (ended.work_id, ended.reason) == (work_id, Reason.WRAP_UP_TIMEOUT)
    assert len(h.events("alice", OfferAdded)) == offered + 1  # the SMS, now
    assert [e[0] for e in history(h, work_id)][-3:] == [
        "closed",
        "wrap_up_started",
        "wrap_up_ended",
    ]
    h.ok()


def test_done_records_the_disposition_and_note_and_frees_the_capacity() -> None:
    h = harness(config(disposition_required=True, note_required=True), login=["sam", "alice"])
    work_id, _ = served(h)
    done = FinishWrapUp(id=h.rid(), work_id=work_id, disposition="Resolved", note="refund sent")
    assert isinstance(h.call("alice", done), Ack)
    [ended] = h.events("alice", WrapUpEnded)
    assert ended.reason is Reason.WRAP_UP_DONE
    assert history(h, work_id)[-1] == (
        "wrap_up_ended",
        "Resolved - refund sent",
        Reason.WRAP_UP_DONE,
    )
    assert h.presence("alice") is Presence.AVAILABLE
    assert h.engine.views.snapshot(ALICE).wrap_ups == []
    h.ok()


def test_extend_moves_the_deadline_and_is_in_the_history() -> None:
    h = harness(config(), login=["sam", "alice"])
    work_id, _ = served(h)
    h.tick(20)
    h.call("alice", ExtendWrapUp(id=h.rid(), work_id=work_id, seconds=60))
    changed = h.events("alice", WrapUpChanged)[-1]
    assert changed.wrap_up.ends_at == h.clock.now() + 10 + 60
    h.tick(15)  # past the first deadline
    assert h.events("alice", WrapUpEnded) == []
    h.tick(55)
    assert h.events("alice", WrapUpEnded)[0].reason is Reason.WRAP_UP_TIMEOUT
    assert ("wrap_up_extended", "60 s", None) in history(h, work_id)


@pytest.mark.parametrize(
    ("disposition", "note", "code"),
    [
        (None, "x", ErrorCode.DISPOSITION_REQUIRED),
        ("Resolved", "  ", ErrorCode.DISPOSITION_REQUIRED),
        ("Lost", "x", ErrorCode.INVALID_MESSAGE),
    ],
)
def test_a_done_that_misses_what_the_queue_requires_is_refused(
    disposition: str | None, note: str, code: ErrorCode
) -> None:
    h = harness(config(disposition_required=True, note_required=True), login=["sam", "alice"])
    work_id, _ = served(h)
    done = FinishWrapUp(id=h.rid(), work_id=work_id, disposition=disposition, note=note)
    assert h.refused("alice", done) is code


def test_the_longest_disposition_and_note_fit_the_history_line() -> None:
    longest = "x" * 100
    h = harness(config(dispositions=[longest]), login=["sam", "alice"])
    work_id, _ = served(h)
    note = "n" * NOTE_MAX
    h.call("alice", FinishWrapUp(id=h.rid(), work_id=work_id, disposition=longest, note=note))
    info = h.call("sam", GetWork(id=h.rid(), work_id=work_id))
    decoded = decode_server(encode_text(info))  # a client can read the history back
    assert isinstance(decoded, WorkInfo)
    assert decoded.history[-1].detail == f"{longest} - {note}"
    too_long = {"type": "finish_wrap_up", "id": "r", "work_id": work_id, "note": note + "n"}
    with pytest.raises(ProtocolError):
        decode_client(json.dumps(too_long))


def test_only_the_agent_wraps_up_and_only_a_running_wrap_up() -> None:
    h = harness(config(), login=["sam", "alice"])
    work_id, _ = served(h)
    assert h.refused("sam", ExtendWrapUp(id=h.rid(), work_id=work_id)) is ErrorCode.FORBIDDEN
    unknown = FinishWrapUp(id=h.rid(), work_id=WorkId("W1"))
    assert h.refused("alice", unknown) is ErrorCode.UNKNOWN_WRAP_UP


def test_no_wrap_up_on_a_queue_without_one() -> None:
    h = harness(config(wrap_up_s=0, dispositions=[]), login=["sam", "alice"])
    served(h)
    assert h.events("alice", WrapUpChanged) == []
    assert h.presence("alice") is Presence.AVAILABLE


def test_a_wrap_up_survives_a_restart_and_still_times_out(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite3"
    cfg = config()
    h = harness(cfg, SqliteStore(path), login=["sam", "alice"])
    work_id, _ = served(h)
    again = harness(cfg, SqliteStore(path), clock=ManualClock(h.clock.now() + 5), login=[])
    snapshot = again.connect("alice")
    assert [w.work_id for w in snapshot.wrap_ups] == [work_id]
    again.tick(WRAP)
    assert again.events("alice", WrapUpEnded)[0].work_id == work_id
    again.ok()


def test_config_refuses_dispositions_without_wrap_up_time() -> None:
    text = """users = []
[templates.chat]
title = "Chat"

[[queues]]
id = "chat"
name = "Chat"
channel = "chat"
template = "chat"
dispositions = ["Resolved"]
"""
    with pytest.raises(ConfigError) as raised:
        parse_config(text, source="s.toml")
    assert str(raised.value) == (
        "s.toml:10: queue 'chat': dispositions is entered in wrap-up; set wrap_up_s > 0"
    )
    required = text.replace(
        'dispositions = ["Resolved"]', "wrap_up_s = 5\ndisposition_required = true"
    )
    with pytest.raises(ConfigError, match=r":11: .*no dispositions are listed"):
        parse_config(required)


async def test_wrap_up_over_real_sockets(demo_config: ServerConfig) -> None:
    queues = [
        msgspec.structs.replace(q, wrap_up_s=WRAP, dispositions=CODES) if q.id == "chat" else q
        for q in demo_config.queues
    ]
    async with (
        running_server(msgspec.structs.replace(demo_config, queues=queues)) as server,
        logged_in(server.url, "alice") as alice,
        logged_in(server.url, "sam") as sam,
    ):
        await sam.request(CreateWork(id=sam.next_id(), channel=Channel.CHAT, queue=QueueId("chat")))
        offer = (await alice.next_event(OfferAdded)).offer
        await alice.request(AcceptOffer(id=alice.next_id(), offer_id=offer.offer_id))
        session = (await alice.next_event(SessionOpened)).session
        await alice.request(CloseSession(id=alice.next_id(), session_id=session.session_id))
        wrap_up = (await alice.next_event(WrapUpChanged)).wrap_up
        assert wrap_up.work_id == offer.work.work_id
        assert wrap_up.ends_at > wrap_up.started_at
        reply = await alice.request(
            FinishWrapUp(id=alice.next_id(), work_id=wrap_up.work_id, disposition="Call back")
        )
        assert isinstance(reply, Ack)
        ended = await alice.next_event(WrapUpEnded)
        assert ended.reason is Reason.WRAP_UP_DONE
