"""Only accounts that can take work receive it: a supervisor or admin without queues is refused as
the target of direct work, a transfer or an escalation, and the refusal changes nothing."""

from __future__ import annotations

from agent_desktop.protocol.messages import CreateWork, Error, Escalate, SessionOpened, Transfer
from agent_desktop.protocol.vocabulary import Channel, ErrorCode, QueueId, Role, UserId
from agent_desktop.server.routing.directory import Directory
from agent_desktop.server.runner import RunningServer
from tests.server.engine_fixtures import harness, make_config, user
from tests.wire import logged_in


def test_who_takes_work() -> None:
    config = make_config(
        users=[
            user("alice", ["chat"]),
            user("idle_agent"),
            user("sam", role=Role.SUPERVISOR),
            user("lead", ["chat"], role=Role.SUPERVISOR),
        ]
    )
    directory = Directory(config)
    takes = {u for u in directory.users if directory.takes_work(u)}
    assert takes == {"alice", "idle_agent", "lead"}


def test_direct_work_for_a_supervisor_or_admin_is_refused_and_changes_nothing() -> None:
    h = harness(login=["sam", "admin", "alice"])
    for target in ("sam", "admin"):
        request = CreateWork(
            id=h.rid(), channel=Channel.CHAT, queue=QueueId("chat"), agent=UserId(target)
        )
        assert h.refused("sam", request) is ErrorCode.UNKNOWN_AGENT


def test_a_transfer_or_escalation_to_a_supervisor_or_admin_is_refused() -> None:
    h = harness(login=["sam", "admin", "alice"])
    h.create(Channel.CHAT, queue_id="chat_vip", agent=UserId("alice"))
    [opened] = h.events("alice", SessionOpened)
    session_id = opened.session.session_id
    for kind in (Transfer, Escalate):
        for target in ("sam", "admin"):
            request = kind(id=h.rid(), session_id=session_id, to_agent=UserId(target))
            assert h.refused("alice", request) is ErrorCode.UNKNOWN_AGENT
    h.ok()


async def test_over_sockets_create_work_for_the_supervisor_is_refused(
    server: RunningServer,
) -> None:
    async with logged_in(server.url, "sam") as sam:
        reply = await sam.request(
            CreateWork(id="w1", channel=Channel.CHAT, queue=QueueId("chat"), agent=UserId("sam"))
        )
        assert isinstance(reply, Error), reply
        assert reply.code is ErrorCode.UNKNOWN_AGENT
        assert "takes no work" in reply.message
