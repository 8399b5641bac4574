"""The mouse wheel never changes a field the producer has not focused: it scrolls the form instead."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QAbstractSlider, QAbstractSpinBox, QApplication, QComboBox, QScrollBar, QWidget

from desktop_app.ui.jobs.specs import OPERATION_ORDER


def _wheel(widget: QWidget, steps: int = -3) -> None:
    pos = QPointF(widget.width() / 2, widget.height() / 2)
    event = QWheelEvent(
        pos, widget.mapToGlobal(pos), QPoint(), QPoint(0, 120 * steps), Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False,
    )  # fmt: skip
    QApplication.sendEvent(widget, event)


def _value(widget: QWidget):
    if isinstance(widget, QComboBox):
        return widget.currentIndex()
    return widget.value()


def _value_fields(root: QWidget) -> list[QWidget]:
    found = root.findChildren(QWidget)
    return [
        w
        for w in found
        if isinstance(w, QAbstractSpinBox | QComboBox | QAbstractSlider)
        and not isinstance(w, QScrollBar)
        and w.isEnabled()
    ]


def _check(widget: QWidget, qtbot) -> None:
    if isinstance(widget, QComboBox) and widget.count() < 2:
        return
    if isinstance(widget, QAbstractSpinBox) and widget.maximum() == widget.minimum():
        return
    # Start where a wheel step down shows: the first choice, or the middle of a range.
    if isinstance(widget, QComboBox):
        widget.setCurrentIndex(0)
    else:
        widget.setValue((widget.minimum() + widget.maximum()) / 2)
    before = _value(widget)
    widget.clearFocus()
    _wheel(widget)
    assert _value(widget) == before, f"{widget.objectName() or type(widget).__name__} changed without focus"
    widget.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(widget.hasFocus, timeout=2000)
    _wheel(widget)
    assert _value(widget) != before, f"{widget.objectName() or type(widget).__name__} ignored the wheel with focus"
    widget.clearFocus()


def test_wheel_over_every_form_field_changes_nothing_until_focused(jobs_window, qtbot) -> None:
    jobs_window.activateWindow()
    panel = jobs_window.jobs.panel
    checked = 0
    for op in OPERATION_ORDER:
        panel.set_operation(op)
        form = panel.forms[op]
        for spin in form.findChildren(QAbstractSpinBox):
            spin.setEnabled(True)  # a weight's spin box is live once its "set" box is ticked
        for field in _value_fields(form):
            _check(field, qtbot)
            checked += 1
    assert checked >= 9  # three genders, pitch, vocal gender, three weights, model


def test_wheel_over_the_other_panels_fields_changes_nothing_until_focused(jobs_window, qtbot) -> None:
    jobs_window.activateWindow()
    panel = jobs_window.jobs.panel
    fields = [panel.operation_box]
    fields += _value_fields(jobs_window.tempo_panel) + _value_fields(jobs_window.results.panel)
    assert len(fields) >= 5
    for field in fields:
        _check(field, qtbot)


def test_wheel_over_an_unfocused_field_scrolls_the_form(jobs_window, qtbot) -> None:
    jobs_window.resize(1024, 640)
    panel = jobs_window.jobs.panel
    panel.set_operation(panel.operation.ADD_VOCALS)
    qtbot.waitUntil(lambda: panel.scroll.verticalScrollBar().maximum() > 0, timeout=5000)
    bar = panel.scroll.verticalScrollBar()
    bar.setValue(0)
    model = panel.forms[panel.operation].fields["vocal_gender"].input
    before = model.currentIndex()
    _wheel(model)
    assert model.currentIndex() == before
    assert bar.value() > 0


def test_wheel_over_the_export_dialogs_choices_changes_nothing_until_focused(jobs_window, qtbot, tmp_path) -> None:
    from desktop_app.ui.results.export_dialog import ExportDialog

    dialog = ExportDialog(
        [("working", "The song as it is now"), ("original", "The original")], "working", tmp_path, "x"
    )
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    for combo in (dialog.source, dialog.format):
        _check(combo, qtbot)
