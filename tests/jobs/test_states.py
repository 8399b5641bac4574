"""The pure state machine: every legal move, every illegal one refused, and what a restart does."""

from __future__ import annotations

import pytest

from desktop_app.jobs.states import InvalidTransition, JobState, ResumeAction, Trigger, next_state, resume_action

S, T = JobState, Trigger


def test_the_happy_path() -> None:
    path = [T.BEGIN_UPLOAD, T.SUBMITTED, T.POLL_PENDING, T.POLL_PENDING, T.POLL_COMPLETED, T.DOWNLOADED]
    state = S.DRAFT
    seen = [state]
    for trigger in path:
        state = next_state(state, trigger)
        seen.append(state)
    assert seen == [S.DRAFT, S.UPLOADING, S.SUBMITTED, S.RUNNING, S.RUNNING, S.DOWNLOADING, S.DONE]


def test_a_fast_job_can_complete_on_the_first_poll() -> None:
    assert next_state(S.SUBMITTED, T.POLL_COMPLETED) is S.DOWNLOADING


def test_timeout_is_a_question_not_a_failure() -> None:
    stalled = next_state(S.RUNNING, T.TIMEOUT)
    assert stalled is S.STALLED and not stalled.finished
    assert "keep waiting" in stalled.label
    assert next_state(stalled, T.KEEP_WAITING) is S.RUNNING
    assert next_state(stalled, T.POLL_COMPLETED) is S.DOWNLOADING


@pytest.mark.parametrize("state", [s for s in JobState if not s.finished])
def test_any_unfinished_job_can_fail_or_be_cancelled(state: JobState) -> None:
    assert next_state(state, T.FAIL) is S.FAILED
    assert next_state(state, T.CANCEL) is S.CANCELLED


@pytest.mark.parametrize("state", [S.DONE, S.FAILED, S.CANCELLED])
@pytest.mark.parametrize("trigger", [T.FAIL, T.CANCEL, T.SUBMITTED, T.POLL_PENDING, T.BEGIN_UPLOAD, T.DOWNLOADED])
def test_finished_jobs_do_not_move(state: JobState, trigger: Trigger) -> None:
    with pytest.raises(InvalidTransition):
        next_state(state, trigger)


@pytest.mark.parametrize(
    ("state", "trigger"),
    [(S.DRAFT, T.SUBMITTED), (S.DRAFT, T.POLL_PENDING), (S.SUBMITTED, T.BEGIN_UPLOAD), (S.RUNNING, T.BEGIN_UPLOAD),
     (S.DOWNLOADING, T.TIMEOUT), (S.RUNNING, T.DOWNLOADED), (S.DONE, T.RETRY), (S.RUNNING, T.RETRY)],
)  # fmt: skip
def test_illegal_moves_are_refused(state: JobState, trigger: Trigger) -> None:
    with pytest.raises(InvalidTransition):
        next_state(state, trigger)


def test_a_job_with_ids_is_never_submitted_again() -> None:
    for state in (S.FAILED, S.CANCELLED):
        assert next_state(state, T.RETRY, has_ids=True) is S.RUNNING
        assert next_state(state, T.RETRY, has_ids=False) is S.DRAFT
    for state in (S.UPLOADING, S.SUBMITTED, S.RUNNING, S.STALLED, S.DOWNLOADING):
        assert resume_action(state, has_ids=True, submit_started=True) is ResumeAction.POLL


def test_resume_actions() -> None:
    assert resume_action(S.DRAFT, has_ids=False, submit_started=False) is ResumeAction.SUBMIT
    assert resume_action(S.UPLOADING, has_ids=False, submit_started=False) is ResumeAction.SUBMIT
    assert resume_action(S.UPLOADING, has_ids=False, submit_started=True) is ResumeAction.HOLD
    assert resume_action(S.DONE, has_ids=True, submit_started=True) is ResumeAction.NOTHING
