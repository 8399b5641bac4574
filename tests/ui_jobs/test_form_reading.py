"""Forms read top-down: a switched-to form starts at its top with the cursor in the first missing field,
problems are summed up once, and a paid engine's send button says what it costs and asks once."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from desktop_app.api.operations import Operation
from desktop_app.services.settings import Options
from tests.support import WAIT_MS


def test_switching_operation_shows_the_form_from_its_top_with_the_first_missing_field_focused(
    jobs_window, qtbot
) -> None:
    jobs_window.resize(1024, 640)
    jobs_window.activateWindow()
    panel = jobs_window.jobs.panel
    panel.set_operation(Operation.ADD_VOCALS)
    bar = panel.scroll.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0, timeout=5000)
    bar.setValue(bar.maximum())  # the producer scrolled down to the webhook
    panel.set_operation(Operation.REMIX)
    assert bar.value() == 0
    prompt = panel.forms[Operation.REMIX].fields["prompt"]
    qtbot.waitUntil(prompt.input.hasFocus, timeout=WAIT_MS)
    # Add vocals with its prompt filled: the cursor goes to the next missing field, the title.
    form = panel.forms[Operation.ADD_VOCALS]
    form.fields["prompt"].set_value("calm vocals")
    panel.set_operation(Operation.ADD_VOCALS)
    qtbot.waitUntil(form.fields["title"].input.hasFocus, timeout=WAIT_MS)


def test_missing_fields_are_summed_up_once_and_marked_beside_each(jobs_window) -> None:
    panel = jobs_window.jobs.panel
    panel.set_operation(Operation.ADD_VOCALS)
    form = panel.forms[Operation.ADD_VOCALS]
    summary = panel.problem_label.text()
    assert summary.count("\n") == 0, summary  # one line, not four stacked warnings
    assert summary == "Still needed: Vocal content and style, Title, Style, Avoid."
    for name in ("prompt", "title", "style", "negative_tags"):
        assert form.fields[name].mark.isVisibleTo(panel)
        assert not form.fields[name].error.isVisibleTo(panel)
    assert form.fields["negative_tags"].mark.toolTip() == "The negative tags are required for add vocals."
    for name, value in (("prompt", "calm vocals"), ("title", "Night"), ("style", "Jazz")):
        form.fields[name].set_value(value)
    assert not form.fields["title"].mark.isVisibleTo(panel)
    assert panel.problem_label.text() == "The negative tags are required for add vocals."


def test_long_placeholders_are_shortened_with_the_whole_hint_in_the_tooltip(jobs_window) -> None:
    jobs_window.resize(1024, 640)
    panel = jobs_window.jobs.panel
    panel.set_operation(Operation.REMIX)
    webhook = panel.forms[Operation.REMIX].fields["webhook_url"].input
    full = webhook.fullPlaceholderText()
    assert webhook.toolTip() == full
    assert webhook.fontMetrics().horizontalAdvance(webhook.placeholderText()) <= webhook.width()


def test_a_paid_engine_says_its_cost_and_the_first_send_asks_once(jobs_window, qtbot, monkeypatch) -> None:
    window = jobs_window
    panel = window.jobs.panel
    window.settings.set(Options.engine, "sunoapi")
    panel.credit_hint = lambda operation, engine: 45.0 if engine == "sunoapi" else None
    panel.set_operation(Operation.ADD_VOCALS)
    panel.refresh_engine()
    assert panel.submit_button.text() == "Send to sunoapi.org · ≈45 credits"
    form = panel.forms[Operation.ADD_VOCALS]
    for name, value in (("prompt", "calm"), ("title", "Night"), ("style", "Jazz"), ("negative_tags", "metal")):
        form.fields[name].set_value(value)
    assert panel.submit_button.isEnabled(), panel.problem_label.text()
    sent: list = []
    panel.submit_requested.disconnect()  # nothing goes to the real service: the request is kept here
    panel.submit_requested.connect(sent.append)
    asked: list[str] = []

    def answer(button_text: str) -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        asked.append(box.text())
        next(b for b in box.buttons() if b.text().replace("&", "") == button_text).click()

    QTimer.singleShot(0, lambda: answer("Cancel"))
    qtbot.mouseClick(panel.submit_button, Qt.MouseButton.LeftButton)
    assert sent == [] and len(asked) == 1 and "45 credits" in asked[0]
    QTimer.singleShot(0, lambda: answer("Send"))
    qtbot.mouseClick(panel.submit_button, Qt.MouseButton.LeftButton)
    assert len(sent) == 1 and len(asked) == 2
    assert window.settings.get(Options.paid_send_confirmed)
    qtbot.mouseClick(panel.submit_button, Qt.MouseButton.LeftButton)  # remembered: no third question
    assert len(sent) == 2 and len(asked) == 2


def test_a_short_form_scrolls_no_further_than_its_own_end(jobs_window, qtbot) -> None:
    """Cover is short: the scroll range is its own height, not that of the longest form (no blank area)."""
    jobs_window.resize(1024, 640)
    panel = jobs_window.jobs.panel
    panel.set_operation(Operation.ADD_VOCALS)
    tall = panel.stack.sizeHint().height()
    panel.set_operation(Operation.COVER)
    cover = panel.forms[Operation.COVER]
    qtbot.waitUntil(lambda: panel.stack.sizeHint().height() < tall, timeout=WAIT_MS)
    assert panel.stack.minimumSizeHint().height() <= cover.minimumSizeHint().height() + 12


def test_the_credit_hint_is_last_times_price_per_take_times_the_takes_asked_for(jobs_window) -> None:
    from types import SimpleNamespace

    from desktop_app.ui.jobs.operation_panel import credits_from_history

    past = [
        SimpleNamespace(operation="remix", engine="musicgpt", cost=None, credit_estimate=30.0, params={}),
        SimpleNamespace(
            operation="inpaint", engine="musicgpt", cost=90.0, credit_estimate=95.0, params={"num_outputs": 2}
        ),
    ]
    hint = credits_from_history(SimpleNamespace(list_jobs=lambda limit: past))
    assert hint(Operation.INPAINT, "musicgpt") == 45.0 and hint(Operation.REMIX, "musicgpt") == 30.0
    assert hint(Operation.INPAINT, "sunoapi") is None
    panel = jobs_window.jobs.panel
    jobs_window.settings.set(Options.engine, "musicgpt")
    panel.credit_hint = hint
    panel.set_operation(Operation.INPAINT)
    panel.refresh_engine()  # what the Engine… dialog does after a change
    takes = panel.forms[Operation.INPAINT].fields["num_outputs"]
    takes.set_value(2)
    assert panel.submit_button.text() == "Send to MusicGPT · ≈90 credits"
    takes.set_value(1)
    assert panel.submit_button.text() == "Send to MusicGPT · ≈45 credits"
