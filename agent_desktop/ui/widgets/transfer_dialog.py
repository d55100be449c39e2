"""The small dialog behind Transfer… and Escalate…: pick a queue or one agent."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from agent_desktop.protocol.model import QueueView, WorkItem
from agent_desktop.protocol.vocabulary import QueueId, UserId

AgentChoice = tuple[UserId, str]
"""An agent's id and display name."""


class TransferDialog(QDialog):
    """Choose exactly one target: a queue or an agent. Open it with `open()`, never `exec()`
    inside a coroutine.

    Queues are listed by name, only those of the session's channel (the server refuses a
    chat in an SMS queue), with the session's own queue chosen. The combos are editable, so a
    queue or agent the shell did not list can still be typed: an agent sees no agent list
    (only supervisors are sent one) and types the user name.

    Signals:
        target_chosen(object, object): queue id or None, agent id or None (exactly one set).
    """

    target_chosen = Signal(object, object)

    def __init__(
        self,
        verb: str,
        work: WorkItem,
        queues: Sequence[QueueView],
        agents: Sequence[AgentChoice],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        customer = work.customer.name
        self.setWindowTitle(f"{verb} {customer}")
        self.setModal(True)
        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        intro = QLabel(f"{verb} the conversation with {customer} to:")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.to_queue = QRadioButton("A queue")
        self.to_agent = QRadioButton("An agent")
        self.to_queue.setChecked(True)
        self.queue_combo = QComboBox()
        self.queue_combo.setEditable(True)
        fitting = [q for q in queues if q.channel is work.channel]
        if not any(q.queue == work.queue for q in fitting):
            fitting.insert(0, QueueView(queue=work.queue, name=work.queue, channel=work.channel))
        for queue in fitting:
            self.queue_combo.addItem(queue.name, queue.queue)
            self.queue_combo.setItemData(
                self.queue_combo.count() - 1, queue.queue, Qt.ItemDataRole.ToolTipRole
            )
        self.queue_combo.setCurrentIndex(self.queue_combo.findData(work.queue))
        self.queue_combo.setAccessibleName("Queue")
        self.agent_combo = QComboBox()
        self.agent_combo.setEditable(True)
        for agent, name in agents:
            self.agent_combo.addItem(f"{name} ({agent})" if name != agent else agent, agent)
        self.agent_combo.setAccessibleName("Agent")
        line = self.agent_combo.lineEdit()
        if not agents and line is not None:
            line.setPlaceholderText("Type the agent's user name")
        form.addRow(self.to_queue, self.queue_combo)
        form.addRow(self.to_agent, self.agent_combo)
        layout.addLayout(form)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText(verb)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        for signal in (
            self.to_queue.toggled,
            self.queue_combo.currentTextChanged,
            self.agent_combo.currentTextChanged,
        ):
            signal.connect(self._sync)
        self._sync()

    def _chosen(self, combo: QComboBox) -> str:
        text = combo.currentText().strip()
        index = combo.findText(text, Qt.MatchFlag.MatchExactly)
        data = combo.itemData(index) if index >= 0 else None
        return str(data) if data else text

    def target(self) -> tuple[QueueId | None, UserId | None]:
        if self.to_queue.isChecked():
            return QueueId(self._chosen(self.queue_combo)), None
        return None, UserId(self._chosen(self.agent_combo))

    def accept(self) -> None:
        super().accept()
        self.target_chosen.emit(*self.target())

    def _sync(self) -> None:
        by_queue = self.to_queue.isChecked()
        self.queue_combo.setEnabled(by_queue)
        self.agent_combo.setEnabled(not by_queue)
        combo = self.queue_combo if by_queue else self.agent_combo
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(bool(combo.currentText().strip()))
