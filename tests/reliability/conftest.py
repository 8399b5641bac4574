"""Reliability suite: the count of bad inputs tried, printed at the end of the run."""

from __future__ import annotations

from collections import Counter

import pytest

# test function → category; each passed parametrized row is one bad input tried.
CATEGORIES = {
    "test_bad_audio_file": "audio files",
    "test_bad_audio_file_in_the_window": "audio files opened in the window",
    "test_bad_request_field": "form and request fields",
    "test_bad_cli_argument": "command-line arguments",
    "test_bad_typed_selection": "typed selection in the window",
    "test_bad_form_field_in_the_window": "form fields in the window",
    "test_bad_service_answer": "service answers (whole job)",
    "test_bad_client_answer": "service answers (single call)",
}
_tried: Counter[str] = Counter()


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.when == "call" and report.passed and "[" in report.nodeid:
        function = report.nodeid.split("::")[-1].split("[")[0]
        if function in CATEGORIES:
            _tried[CATEGORIES[function]] += 1


def pytest_terminal_summary(terminalreporter) -> None:
    if not _tried:
        return
    terminalreporter.section("bad inputs tried")
    for category, count in _tried.most_common():
        terminalreporter.write_line(f"{count:4d}  {category}")
    terminalreporter.write_line(f"{sum(_tried.values()):4d}  in all (each with a clear message and data unchanged)")
