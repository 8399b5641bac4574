"""Each error class, its message and its retry policy, through the real clients."""

from __future__ import annotations

import random

import httpx
import pytest

from desktop_app.api import errors as e
from desktop_app.api.models import AddVocalsRequest, RemixRequest
from desktop_app.api.musicgpt import MusicGPTClient
from desktop_app.api.operations import Operation
from desktop_app.api.retry import RetryPolicy, call_with_retry, parse_retry_after
from desktop_app.api.sunoapi import SunoApiClient
from tests.support.fake_services import MUSICGPT, SUNO, UPLOAD, FakeServices

REMIX = RemixRequest(audio_url="https://x.example/a.mp3", prompt="p")
VOCALS = AddVocalsRequest(audio_url="https://x/y.mp3", prompt="p", title="t", style="s", negative_tags="n")


class Waits:
    def __init__(self) -> None:
        self.delays: list[float] = []

    def __call__(self, seconds: float) -> bool:
        self.delays.append(seconds)
        return False


@pytest.fixture
def fake() -> FakeServices:
    return FakeServices(polls_until_done=0)


def musicgpt(fake, waits, attempts=4) -> MusicGPTClient:
    return MusicGPTClient(fake.client(), MUSICGPT, fake.key, policy=RetryPolicy(max_attempts=attempts), wait=waits)


def suno(fake, waits, attempts=4) -> SunoApiClient:
    return SunoApiClient(fake.client(), SUNO, UPLOAD, fake.key, policy=RetryPolicy(max_attempts=attempts), wait=waits)


@pytest.mark.parametrize(
    ("status", "cls"),
    [(401, e.AuthError), (403, e.AuthError), (402, e.InsufficientCreditsError), (400, e.ServiceValidationError),
     (422, e.ServiceValidationError), (404, e.NotFoundError)],
)  # fmt: skip
def test_musicgpt_errors_that_are_never_retried(fake, status, cls) -> None:
    waits = Waits()
    fake.fail_next("/Remix", status, {"success": False, "message": "Audio URL could not be downloaded"})
    with pytest.raises(cls) as info:
        musicgpt(fake, waits).submit(REMIX)
    assert waits.delays == [] and len(fake.calls("/Remix")) == 1
    assert info.value.status == status and not info.value.retryable
    assert str(info.value)  # a sentence for the user


def test_bad_key_message_says_what_to_do() -> None:
    fake = FakeServices()
    client = MusicGPTClient(fake.client(), MUSICGPT, "wrong-key", wait=Waits())
    with pytest.raises(e.AuthError, match=r"did not accept the API key.*Settings"):
        client.submit(REMIX)


def test_validation_shows_the_services_own_message(fake) -> None:
    fake.fail_next("/Remix", 422, {"detail": "Field required: prompt"})
    with pytest.raises(e.ServiceValidationError, match="Field required: prompt"):
        musicgpt(fake, Waits()).submit(REMIX)


def test_no_credits_says_top_up(fake) -> None:
    fake.fail_next("/Remix", 402, {"success": False, "message": "Insufficient credit balance"})
    with pytest.raises(e.InsufficientCreditsError, match="run out of credits"):
        musicgpt(fake, Waits()).submit(REMIX)


def test_rate_limit_waits_retry_after_then_succeeds(fake) -> None:
    waits = Waits()
    fake.fail_next("/Remix", 429, {"message": "slow down"}, headers={"Retry-After": "7"})
    receipt = musicgpt(fake, waits).submit(REMIX)  # refused, so certainly not taken: sent again after 7 s
    assert waits.delays == [7.0] and receipt.task_id and fake.submit_count == 1


def test_a_rate_limited_poll_is_handed_back_to_the_poll_loop(fake) -> None:
    """The loop waits it out with every job's polls and the shared budget (jobs/polling.py)."""
    waits = Waits()
    client = musicgpt(fake, waits)
    receipt = client.submit(REMIX)
    fake.fail_next("/byId", 429, {"message": "slow down"}, headers={"Retry-After": "7"})
    with pytest.raises(e.RateLimitError) as refused:
        client.status(Operation.REMIX, receipt.task_id, receipt.conversion_ids)
    assert refused.value.retry_after == 7.0 and waits.delays == []
    fake.fail_next("/byId", 503, {"message": "busy"})  # any other retryable error is still retried in place
    assert client.status(Operation.REMIX, receipt.task_id, receipt.conversion_ids).raw_status
    assert len(waits.delays) == 1


def test_rate_limit_without_retry_after_backs_off_exponentially_with_jitter() -> None:
    policy = RetryPolicy(base_delay=1.0, max_delay=60.0, jitter=0.3)
    error = e.RateLimitError("slow")
    rng = random.Random(1)
    delays = [policy.delay(n, error, rng) for n in range(1, 9)]
    for n, delay in enumerate(delays, start=1):
        nominal = min(60.0, 2 ** (n - 1))
        assert nominal * 0.7 <= delay <= nominal * 1.3
    assert len({round(d, 6) for d in delays}) == len(delays)  # jittered


@pytest.mark.parametrize("status", [500, 502, 503, 455])
def test_server_errors_are_retried_a_bounded_number_of_times(fake, status) -> None:
    waits = Waits()
    fake.fail_next("/byId", status, {"message": "boom"}, times=10)
    client = musicgpt(fake, waits, attempts=3)
    receipt = client.submit(REMIX)
    with pytest.raises(e.ServerError):
        client.status(Operation.REMIX, receipt.task_id, receipt.conversion_ids)
    assert len(fake.calls("/byId")) == 3 and len(waits.delays) == 2


@pytest.mark.parametrize(
    ("code", "cls", "retried"),
    [(401, e.AuthError, False), (429, e.InsufficientCreditsError, False), (405, e.RateLimitError, False),
     (430, e.RateLimitError, False), (455, e.ServerError, True), (500, e.ServerError, True),
     (400, e.ServiceValidationError, False), (413, e.ServiceValidationError, False)],
)  # fmt: skip
def test_sunoapi_body_codes(fake, code, cls, retried) -> None:
    """Which error each body code is, and whether a poll retries it in place (a rate limit goes back to
    the poll loop at once, which waits it out with every job's polls)."""
    waits = Waits()
    fake.fail_next("/record-info", 200, {"code": code, "msg": f"code {code}", "data": None}, times=10)
    with pytest.raises(cls, match=f"code {code}" if cls is e.ServiceValidationError else None):
        suno(fake, waits, attempts=3).status("suno-1")
    assert len(fake.calls("/record-info")) == (3 if retried else 1)


def test_sunoapi_429_is_credits_not_a_rate_limit(fake) -> None:
    with pytest.raises(e.InsufficientCreditsError):
        fake.fail_next("/add-vocals", 200, {"code": 429, "msg": "Insufficient credits", "data": None})
        suno(fake, Waits()).submit(VOCALS, "https://x/y.mp3")


def test_network_errors_are_retried_for_polls() -> None:
    calls = {"n": 0}

    def handler(request: httpx.Request) -> httpx.Response:
        calls["n"] += 1
        if calls["n"] < 3:
            raise httpx.ReadTimeout("timed out", request=request)
        return httpx.Response(200, json={"success": True, "conversion": {"status": "IN_QUEUE"}})

    client = MusicGPTClient(httpx.Client(transport=httpx.MockTransport(handler)), MUSICGPT, "k" * 8, wait=Waits())
    assert client.status(Operation.COVER, "t", ("c",)).raw_status == "IN_QUEUE"
    assert calls["n"] == 3


def test_a_submit_is_not_resent_after_the_request_went_out() -> None:
    calls = {"n": 0}

    def handler(request: httpx.Request) -> httpx.Response:
        calls["n"] += 1
        raise httpx.ReadTimeout("no answer", request=request)

    client = MusicGPTClient(httpx.Client(transport=httpx.MockTransport(handler)), MUSICGPT, "k" * 8, wait=Waits())
    with pytest.raises(e.NetworkError) as info:
        client.submit(REMIX)
    assert calls["n"] == 1 and info.value.request_sent


def test_a_submit_is_resent_when_the_connection_never_opened() -> None:
    calls = {"n": 0}

    def handler(request: httpx.Request) -> httpx.Response:
        calls["n"] += 1
        if calls["n"] == 1:
            raise httpx.ConnectError("refused", request=request)
        return httpx.Response(200, json={"success": True, "task_id": "t", "conversion_id": "c", "eta": 3})

    client = MusicGPTClient(httpx.Client(transport=httpx.MockTransport(handler)), MUSICGPT, "k" * 8, wait=Waits())
    assert client.submit(REMIX).task_id == "t"
    assert calls["n"] == 2


def test_cancel_during_a_backoff_stops_at_once() -> None:
    import threading

    cancel = threading.Event()

    def fn():
        raise e.ServerError("boom", status=500)

    def wait(seconds: float) -> bool:
        cancel.set()
        return True

    with pytest.raises(e.CancelledError):
        call_with_retry(fn, cancel=cancel, wait=wait)


@pytest.mark.parametrize(
    ("header", "seconds"),
    [("120", 120.0), ("0", 0.0), ("-5", 0.0), ("Wed, 21 Oct 2015 07:28:00 GMT", 30.0), ("soon", None), (None, None)],
)
def test_retry_after_in_seconds_or_http_date(header, seconds) -> None:
    import email.utils

    now = email.utils.parsedate_to_datetime("Wed, 21 Oct 2015 07:27:30 GMT").timestamp()
    assert parse_retry_after(header, now=now) == seconds


def test_retry_after_is_capped() -> None:
    assert RetryPolicy(max_retry_after=600).delay(1, e.RateLimitError("x", retry_after=86400)) == 600


def test_unknown_status_is_a_plain_service_error() -> None:
    error = e.error_for_status(418, "MusicGPT", "teapot")
    assert type(error) is e.ServiceError and "418" in str(error) and "teapot" in str(error)
