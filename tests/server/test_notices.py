"""server/notices.py: every notice reaches the log at its level and every subscriber."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import pytest

from roomcast.server.notices import Notice, Notices, Severity

LOGGER = "tests.notices"


@pytest.fixture
def notices() -> Notices:
    return Notices(logging.getLogger(LOGGER))


def test_severities_are_logging_levels() -> None:
    assert [(s.name, int(s)) for s in Severity] == [
        ("INFO", logging.INFO),
        ("WARNING", logging.WARNING),
        ("ERROR", logging.ERROR),
    ]
    assert Severity.INFO < Severity.WARNING < Severity.ERROR


@pytest.mark.parametrize(
    ("method", "severity"),
    [("info", Severity.INFO), ("warning", Severity.WARNING), ("error", Severity.ERROR)],
)
def test_each_level_goes_to_the_log_and_to_subscribers(
    notices: Notices, caplog: pytest.LogCaptureFixture, method: str, severity: Severity
) -> None:
    got: list[Notice] = []
    notices.subscribe(got.append)
    before = datetime.now(UTC)
    with caplog.at_level(logging.DEBUG, logger=LOGGER):
        getattr(notices, method)("a client was closed: 100% of its buffer")
    assert [(r.name, r.levelno, r.getMessage()) for r in caplog.records] == [
        (LOGGER, int(severity), "a client was closed: 100% of its buffer")
    ]
    [notice] = got
    assert (notice.severity, notice.text) == (severity, "a client was closed: 100% of its buffer")
    assert notice.time.tzinfo is not None
    assert before <= notice.time <= datetime.now(UTC)


def test_text_is_not_a_format_string(notices: Notices, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger=LOGGER):
        notices.warning("%s %d %(name)s")
    assert [r.getMessage() for r in caplog.records] == ["%s %d %(name)s"]


def test_without_subscribers_the_log_still_gets_it(
    notices: Notices, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger=LOGGER):
        notices.emit(Severity.ERROR, "history store failed")
    assert [(r.levelname, r.getMessage()) for r in caplog.records] == [
        ("ERROR", "history store failed")
    ]


def test_every_subscriber_in_order_until_it_unsubscribes(notices: Notices) -> None:
    seen: list[tuple[str, str]] = []
    off_a = notices.subscribe(lambda n: seen.append(("a", n.text)))
    off_b = notices.subscribe(lambda n: seen.append(("b", n.text)))
    notices.info("one")
    off_a()
    notices.info("two")
    off_b()
    notices.info("three")
    assert seen == [("a", "one"), ("b", "one"), ("b", "two")]


def test_a_failing_subscriber_is_logged_and_the_others_still_hear(
    notices: Notices, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(_: Notice) -> None:
        raise RuntimeError("listener bug")

    seen: list[str] = []
    notices.subscribe(broken)
    notices.subscribe(lambda n: seen.append(n.text))
    with caplog.at_level(logging.INFO, logger=LOGGER):
        notices.warning("slow consumer")
    assert seen == ["slow consumer"]
    failures = [r for r in caplog.records if r.getMessage() == "a notice listener failed"]
    assert len(failures) == 1
    assert failures[0].levelno == logging.ERROR
    assert failures[0].exc_info is not None
    assert isinstance(failures[0].exc_info[1], RuntimeError)


def test_a_subscriber_may_unsubscribe_while_being_told(notices: Notices) -> None:
    seen: list[str] = []

    def once(n: Notice) -> None:
        seen.append(n.text)
        off()

    off = notices.subscribe(once)
    notices.info("first")
    notices.info("second")
    assert seen == ["first"]
