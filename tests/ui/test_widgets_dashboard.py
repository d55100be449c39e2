"""Alert bar, presence selector, toasts, status bar, presence timeline, settings and tray."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from agent_desktop.protocol.vocabulary import (
    AlertKind,
    Channel,
    Presence,
    PresenceSource,
    Reason,
)
from agent_desktop.session.policy import NotificationMode
from agent_desktop.session.settings import Settings
from agent_desktop.session.state import (
    CONNECTION_LOST_ALERT,
    ClientAlertKind,
    Connection,
    LinkStatus,
    ShownAlert,
)
from agent_desktop.ui.settings_store import Preferences
from agent_desktop.ui.widgets.alert_bar import AlertBar
from agent_desktop.ui.widgets.presence_selector import PresenceSelector
from agent_desktop.ui.widgets.presence_timeline import PresenceTimeline
from agent_desktop.ui.widgets.settings_dialog import SettingsDialog
from agent_desktop.ui.widgets.status_bar import StatusBarWidget
from agent_desktop.ui.widgets.toast_stack import ToastStack
from agent_desktop.ui.widgets.tray import TrayIcon
from tests.ui.test_widgets_samples import NOW, change, presence, server_alert, toast

CONNECTION_LOST = ShownAlert(
    alert_id=CONNECTION_LOST_ALERT,
    kind=ClientAlertKind.CONNECTION_LOST,
    message="",
    raised_at=NOW,
)


# --- alert bar ---------------------------------------------------------------------------


def test_alert_bar_is_hidden_without_alerts(qtbot: QtBot) -> None:
    bar = AlertBar()
    qtbot.addWidget(bar)
    bar.show_state([])
    assert bar.isHidden()


def test_missed_alert_offers_set_available_and_dismiss(qtbot: QtBot) -> None:
    bar = AlertBar()
    qtbot.addWidget(bar)
    bar.show_state([ShownAlert.of(server_alert())])
    row = bar.row("a1")
    assert row is not None
    assert row.message.text().startswith("You missed a chat from Ana Lima.")
    assert row.action_button.text() == "Set me Available"
    assert row.dismiss_button is not None
    with qtbot.waitSignal(bar.set_available_requested):
        QTest.mouseClick(row.action_button, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(bar.dismiss_requested) as dismissed:
        QTest.mouseClick(row.dismiss_button, Qt.MouseButton.LeftButton)
    assert dismissed.args == ["a1"]


def test_connection_lost_alert_offers_reconnect_and_no_dismiss(qtbot: QtBot) -> None:
    bar = AlertBar()
    qtbot.addWidget(bar)
    bar.show_state([CONNECTION_LOST, ShownAlert.of(server_alert(AlertKind.MAX_SESSIONS, "a2"))])
    assert len(bar.rows()) == 2
    row = bar.row(CONNECTION_LOST_ALERT)
    assert row is not None
    # The client's own alert has no server text: the bar says it in words.
    assert row.message.text().startswith("The connection to the server was lost.")
    assert row.action_button.text() == "Reconnect now"
    assert row.dismiss_button is None
    assert row.property("severity") == "danger"
    with qtbot.waitSignal(bar.reconnect_requested):
        QTest.mouseClick(row.action_button, Qt.MouseButton.LeftButton)


# --- presence selector -------------------------------------------------------------------


def test_presence_selector_offers_everything_but_inactive(qtbot: QtBot) -> None:
    selector = PresenceSelector()
    qtbot.addWidget(selector)
    selector.show_state(presence(Presence.AWAY))
    assert Presence.INACTIVE not in selector.presences()
    assert selector.combo.currentText() == "Away"
    assert selector.explanation.text() == ""


def test_presence_selector_says_who_set_inactive_and_why(qtbot: QtBot) -> None:
    selector = PresenceSelector()
    qtbot.addWidget(selector)
    selector.show_state(presence(Presence.INACTIVE, PresenceSource.SYSTEM, Reason.DISPLAY_TIMEOUT))
    assert selector.combo.currentText() == "Inactive"
    assert selector.explanation.text() == "set by system: an offer was missed"
    assert selector.combo.toolTip() == "Inactive — set by system: an offer was missed"
    # Shown, but not choosable.
    item = selector._model.item(0)
    assert not item.isEnabled()


def test_presence_selector_emits_only_on_the_agents_choice(qtbot: QtBot) -> None:
    selector = PresenceSelector()
    qtbot.addWidget(selector)
    with qtbot.assertNotEmitted(selector.presence_chosen):
        selector.show_state(
            presence(Presence.BUSY_DND, PresenceSource.SUPERVISOR, Reason.SUPERVISOR)
        )
    assert selector.combo.currentText() == "Do not disturb"
    assert selector.explanation.text() == "reset by a supervisor", "said once, not twice"
    with qtbot.waitSignal(selector.presence_chosen) as chosen:
        selector.combo.activated.emit(selector.presences().index(Presence.AVAILABLE))
    assert chosen.args == [Presence.AVAILABLE]


def test_presence_selector_never_shows_available_over_a_dead_link(qtbot: QtBot) -> None:
    selector = PresenceSelector()
    qtbot.addWidget(selector)
    selector.show_state(presence(Presence.AVAILABLE), online=False)
    assert selector.combo.currentText() == "Offline"
    assert not selector.combo.isEnabled()


# --- toasts ------------------------------------------------------------------------------


def test_toast_shows_and_dismisses_itself(qtbot: QtBot) -> None:
    stack = ToastStack()
    qtbot.addWidget(stack)
    shown = toast(after=0.2)
    stack.show_state([shown])
    [card] = stack.cards()
    assert card.title.text() == "Case CS-2031 assigned to you"
    assert stack.isVisibleTo(stack) or not stack.isHidden()
    with qtbot.waitSignal(stack.toast_dismissed, timeout=2000):
        pass
    qtbot.waitUntil(lambda: stack.cards() == [])
    assert stack.isHidden()
    # The state may still list it until the core drops it: it does not come back.
    stack.show_state([shown])
    assert stack.cards() == []


def test_toast_open_button_asks_for_its_session(qtbot: QtBot) -> None:
    stack = ToastStack()
    qtbot.addWidget(stack)
    stack.show_state([toast()])
    [card] = stack.cards()
    with qtbot.waitSignal(stack.open_session_requested) as opened:
        QTest.mouseClick(card.open_button, Qt.MouseButton.LeftButton)
    assert opened.args == ["s-case"]
    QTest.mouseClick(card.close_button, Qt.MouseButton.LeftButton)
    assert stack.cards() == []


def test_toast_the_core_dropped_goes(qtbot: QtBot) -> None:
    stack = ToastStack()
    qtbot.addWidget(stack)
    stack.show_state([toast("First"), toast("Second")])
    stack.show_state([toast("Second")])
    assert [c.title.text() for c in stack.cards()] == ["Second"]


def test_ten_toasts_in_one_state_are_built_one_per_turn_in_order(qtbot: QtBot) -> None:
    stack = ToastStack()
    qtbot.addWidget(stack)
    titles = [f"Chat {i} assigned to you" for i in range(10)]
    # Distinct `until`s: a toast's key is its session and its instant.
    stack.show_state([toast(title, after=8.0 + i) for i, title in enumerate(titles)])
    # Before, all ten cards were built in this one call (a 100+ ms turn of the loop).
    assert [c.title.text() for c in stack.cards()] == titles[:1]
    assert not stack.isHidden()
    qtbot.waitUntil(lambda: len(stack.cards()) == 10)
    assert [c.title.text() for c in stack.cards()] == titles


def test_a_toast_closed_before_its_card_was_built_never_shows(qtbot: QtBot) -> None:
    stack = ToastStack()
    qtbot.addWidget(stack)
    first, second, third = toast("First", 8.0), toast("Second", 9.0), toast("Third", 10.0)
    stack.show_state([first, second, third])
    stack.show_state([first, third])  # the core dropped the second before its card came
    qtbot.waitUntil(lambda: len(stack.cards()) == 2)
    assert [c.title.text() for c in stack.cards()] == ["First", "Third"]


# --- status bar --------------------------------------------------------------------------


def test_status_bar_connection_texts(qtbot: QtBot) -> None:
    status = StatusBarWidget()
    qtbot.addWidget(status)
    status.show_state(Connection(LinkStatus.ONLINE), NOW)
    assert status.connection.text() == "Online"
    status.show_state(Connection(LinkStatus.RECONNECTING, retry_at=NOW + 3.2, attempt=2), NOW)
    assert status.connection.text() == "Reconnecting in 4 s"
    status.show_state(Connection(LinkStatus.OFFLINE), NOW)
    assert status.connection.text() == "Offline"
    status.show_state(Connection(LinkStatus.AUTH_FAILED, detail="Wrong password"), NOW)
    assert status.connection.text() == "Sign-in failed"
    assert status.connection.toolTip() == "Wrong password"
    status.set_notification_path("Desktop notifications with Accept/Reject buttons")
    assert status.notification_path.text() == "Desktop notifications with Accept/Reject buttons"


# --- presence timeline -------------------------------------------------------------------


def test_presence_timeline_explains_each_change_newest_first(qtbot: QtBot) -> None:
    timeline = PresenceTimeline()
    qtbot.addWidget(timeline)
    timeline.show_state(
        [
            change(Presence.AVAILABLE, PresenceSource.AGENT, Reason.LOGIN, None, NOW, "alice"),
            change(
                Presence.INACTIVE,
                PresenceSource.SYSTEM,
                Reason.DISPLAY_TIMEOUT,
                Presence.AVAILABLE,
                NOW + 60,
            ),
            change(
                Presence.AVAILABLE,
                PresenceSource.SUPERVISOR,
                Reason.SUPERVISOR,
                Presence.INACTIVE,
                NOW + 120,
                "sam",
            ),
        ]
    )
    assert timeline.lines() == [
        "Available: Supervisor sam reset your presence (was Inactive)",
        "Inactive: An offer was missed (was Available)",
        "Available: Signed in",
    ]
    assert timeline.empty.isHidden()
    who = [timeline.tree.topLevelItem(i) for i in range(3)]
    assert [item.text(2) for item in who if item is not None] == [
        "Supervisor sam",
        "System",
        "alice",
    ]


def test_empty_presence_timeline_says_so(qtbot: QtBot) -> None:
    timeline = PresenceTimeline()
    qtbot.addWidget(timeline)
    timeline.show_state([])
    assert not timeline.empty.isHidden()
    assert timeline.empty.text() == "No presence changes yet."


# --- settings ----------------------------------------------------------------------------


def test_settings_dialog_returns_the_edited_settings(qtbot: QtBot) -> None:
    dialog = SettingsDialog(Settings(user="alice"))
    qtbot.addWidget(dialog)
    assert dialog.mode.currentText() == "Always"
    assert [dialog.mode.itemText(i) for i in range(dialog.mode.count())] == [
        "Always",
        "Only when the app is not in focus",
        "Off",
    ]
    dialog.set_self_test_result("Desktop notifications with Accept/Reject buttons")
    assert dialog.self_test.text() == (
        "Notification self-test: Desktop notifications with Accept/Reject buttons"
    )
    dialog.mode.setCurrentIndex(1)
    dialog.channel_sound[Channel.VOICE].setChecked(False)
    dialog.sound.setChecked(False)
    assert not dialog.repeat_sound.isEnabled()
    assert not dialog.channel_sound[Channel.CHAT].isEnabled()
    dialog.server_url.setText("wss://cc.example.com")
    with qtbot.waitSignal(dialog.settings_accepted) as accepted:
        dialog.accept()
    settings = accepted.args[0]
    assert settings == Settings(
        server_url="wss://cc.example.com",
        user="alice",
        notification_mode=NotificationMode.WHEN_UNFOCUSED,
        sound=False,
        channel_sound={Channel.VOICE: False},
    )


def test_settings_dialog_turns_message_notifications_off(qtbot: QtBot) -> None:
    dialog = SettingsDialog(Settings(user="alice"), None, Preferences(message_notices=True))
    qtbot.addWidget(dialog)
    assert dialog.message_notices.isChecked()
    dialog.message_notices.setChecked(False)
    with qtbot.waitSignal(dialog.preferences_accepted) as accepted:
        dialog.accept()
    assert accepted.args == [Preferences(message_notices=False)]


def test_settings_dialog_refuses_an_invalid_server(qtbot: QtBot) -> None:
    dialog = SettingsDialog(Settings())
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.server_url.setText("http://cc.example.com")
    with qtbot.assertNotEmitted(dialog.settings_accepted):
        dialog.accept()
    assert dialog.error.isVisible()
    assert "server_url must be ws://" in dialog.error.text()
    assert dialog.isVisible()


# --- tray --------------------------------------------------------------------------------


def test_tray_menu_and_tooltip(qtbot: QtBot) -> None:
    tray = TrayIcon()
    tray.show_state(Presence.BUSY, 2)
    assert tray.tooltip() == "Agent Desktop — Busy — 2 unread sessions"
    assert tray.presence_actions[Presence.BUSY].isChecked()
    assert Presence.INACTIVE not in tray.presence_actions
    with qtbot.waitSignal(tray.presence_chosen) as chosen:
        tray.presence_actions[Presence.AWAY].trigger()
    assert chosen.args == [Presence.AWAY]
    with qtbot.waitSignal(tray.quit_requested):
        tray.quit_action.trigger()
    tray.show_state(Presence.AVAILABLE, 0)
    assert tray.tooltip() == "Agent Desktop — Available"
    tray.show_state(None, 0)
    assert not tray.presence_actions[Presence.AVAILABLE].isEnabled()
