"""The operation forms refuse what the service would refuse, field by field, before anything is sent."""

from __future__ import annotations

from PySide6.QtCore import Qt

from desktop_app.api.operations import Operation


def _panel(win):
    return win.jobs.panel


def test_inpaint_needs_a_region_and_a_prompt(jobs_window, qtbot) -> None:
    panel = _panel(jobs_window)
    panel.set_operation(Operation.INPAINT)
    assert not panel.submit_button.isEnabled()
    assert "Drag over the bars" in panel.problem_label.text()
    jobs_window.document.region.set_range(4.5, 8.5)
    prompt = panel.forms[Operation.INPAINT].fields["prompt"]
    assert not panel.submit_button.isEnabled()
    # A fresh field is not scolded: what is missing is said once, under the form.
    assert not prompt.error.isVisibleTo(panel)
    assert "prompt" in panel.problem_label.text().lower()
    qtbot.keyClicks(prompt.input, "a brighter synth lead")
    assert panel.submit_button.isEnabled()
    prompt.input.clear()  # edited and emptied: now the field itself says why
    assert prompt.error.isVisibleTo(panel) and prompt.error.text()
    assert not panel.submit_button.isEnabled()
    qtbot.keyClicks(prompt.input, "a brighter synth lead")
    assert not prompt.error.isVisibleTo(panel)
    assert "0:04.500" in panel.target_label.text()


def test_lyrics_limit_is_shown_at_2001_characters(jobs_window) -> None:
    panel = _panel(jobs_window)
    panel.set_operation(Operation.REMIX)
    form = panel.forms[Operation.REMIX]
    form.fields["prompt"].set_value("lo-fi")
    lyrics = form.fields["lyrics"]
    lyrics.set_value("a" * 2000)
    assert panel.submit_button.isEnabled()
    assert lyrics.counter.text() == "2000 / 2000"
    lyrics.set_value("a" * 2001)
    assert not panel.submit_button.isEnabled()
    assert "2000" in lyrics.error.text()
    assert lyrics.counter.text() == "2001 / 2000"


def test_sing_over_requires_lyrics(jobs_window) -> None:
    panel = _panel(jobs_window)
    panel.set_operation(Operation.SING_OVER)
    form = panel.forms[Operation.SING_OVER]
    form.fields["prompt"].set_value("soulful")
    assert not panel.submit_button.isEnabled()
    form.fields["lyrics"].set_value("Never mind, I'll find someone like you")
    assert panel.submit_button.isEnabled()


def test_add_vocals_weights_and_required_fields(jobs_window) -> None:
    panel = _panel(jobs_window)
    panel.set_operation(Operation.ADD_VOCALS)
    form = panel.forms[Operation.ADD_VOCALS]
    for name, value in (("prompt", "calm vocals"), ("title", "Night"), ("style", "Jazz"), ("negative_tags", "metal")):
        form.fields[name].set_value(value)
    assert panel.submit_button.isEnabled()
    form.fields["title"].set_value("x" * 81)
    assert not panel.submit_button.isEnabled()
    assert "80" in form.fields["title"].error.text()
    form.fields["title"].set_value("Night")
    form.fields["style_weight"].set_value(0.61)
    assert panel.submit_button.isEnabled()
    assert panel.request().style_weight == 0.61


def test_cover_lists_the_engines_voices_and_needs_one(jobs_window, qtbot) -> None:
    panel = _panel(jobs_window)
    panel.set_operation(Operation.COVER)
    picker = panel.forms[Operation.COVER].voice_picker
    qtbot.waitUntil(lambda: picker.list.count() > 0, timeout=15000)
    assert not panel.submit_button.isEnabled()
    picker.list.setCurrentRow(0)
    assert panel.submit_button.isEnabled()
    pitch = panel.forms[Operation.COVER].fields["pitch"].input
    pitch.setValue(40)  # the spin box clamps to the service's range
    assert pitch.value() == 12
    first = picker.list.item(0).data(Qt.ItemDataRole.UserRole)
    qtbot.keyClicks(picker.search, first[:3])
    qtbot.waitUntil(lambda: "matching" in picker.status.text(), timeout=15000)
    assert picker.list.count() >= 1


def test_engine_that_lacks_the_operation_is_explained(jobs_window) -> None:
    from desktop_app.services.settings import Options

    panel = _panel(jobs_window)
    jobs_window.settings.set(Options.engine, "musicgpt")
    panel.set_operation(Operation.ADD_VOCALS)
    panel.refresh_engine()
    assert not panel.submit_button.isEnabled()
    assert "sunoapi.org" in panel.problem_label.text()
    jobs_window.settings.set(Options.engine, "local")
    panel.refresh_engine()
