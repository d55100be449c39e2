"""The channel traits table covers every channel, and what the app shows for each exists."""

from __future__ import annotations

from agent_desktop.protocol.channel import CHANNEL_TRAITS, traits
from agent_desktop.protocol.vocabulary import Channel
from agent_desktop.resources import icon_path


def test_every_channel_has_traits_and_an_icon() -> None:
    assert set(CHANNEL_TRAITS) == set(Channel)
    for channel in Channel:
        row = traits(channel)
        assert row.channel is channel
        assert icon_path(row.icon).is_file(), row.icon


def test_rule_4_a_case_is_not_rejectable_and_is_assigned_at_its_timeout() -> None:
    case = traits(Channel.CASE)
    assert not case.rejectable
    assert case.assigned_at_timeout
    assert case.accept_label == "Open item"
    others = [traits(c) for c in Channel if c is not Channel.CASE]
    assert all(t.rejectable and not t.assigned_at_timeout for t in others)


def test_phrase_keeps_the_customers_name_as_written() -> None:
    assert traits(Channel.CHAT).phrase("Ana Lima") == "a chat from Ana Lima"
    assert traits(Channel.CASE).phrase("Lima Design") == "a case for Lima Design"
