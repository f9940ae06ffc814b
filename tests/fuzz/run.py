"""Send every case, judge every answer, and keep what a failing run needs to be replayed."""

from __future__ import annotations

import json
import logging
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from .generate import Case
from .wire import Answer, send

#: A hung server stalls every later case for the whole timeout: stop after a few.
MAX_HANGS = 5


def problem(case: Case, answer: Answer) -> str | None:
    """Why ``answer`` is not an acceptable reply to ``case``, or None."""
    if answer.status >= 500:
        return f"status {answer.status}: {answer.body[:300]!r}"
    if answer.status == 200 or case.method == "HEAD":
        return None
    try:
        error = json.loads(answer.body)
    except ValueError:
        error = None
    if isinstance(error, dict) and {"__type", "message"} <= set(error):
        if not all(isinstance(error[k], str) for k in ("__type", "message")):
            return f"error members are not strings: {answer.body[:300]!r}"
        return None
    if case.http_layer and 400 <= answer.status < 500:
        return None  # refused by the HTTP server before any routing, as AWS's front end does
    return f"status {answer.status} without a JSON error: {answer.body[:300]!r}"


def kind(answer: Answer) -> str:
    """'200', or the status and error code: what the summary counts."""
    if answer.status == 200:
        return "200"
    try:
        return f"{answer.status} {json.loads(answer.body)['__type']}"
    except (ValueError, KeyError, TypeError):
        return f"{answer.status} (not JSON)"


class Errors(logging.Handler):
    """What the server logs at ERROR: an unexpected exception, a job that crashed."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(self.format(record).splitlines()[-1][:300])


@dataclass
class Report:
    sent: int = 0
    seconds: float = 0.0
    failures: list[str] = field(default_factory=list)
    answers: Counter[str] = field(default_factory=Counter)
    by_operation: defaultdict[str, Counter[str]] = field(
        default_factory=lambda: defaultdict(Counter)
    )
    slowest: tuple[float, str] = (0.0, "")

    def summary(self) -> str:
        kinds = ", ".join(f"{k} x{n}" for k, n in self.answers.most_common())
        return (
            f"fuzz: {self.sent} requests over {len(self.by_operation)} operations in "
            f"{self.seconds:.1f} s; slowest {self.slowest[0]:.2f} s: {self.slowest[1]}\n"
            f"answers: {kinds}"
        )

    def write(self, path: str) -> None:
        """Every failure, then every operation's answers (``FUZZ_REPORT``)."""
        with open(path, "w") as out:
            out.writelines(f"{line}\n" for line in self.failures)
            for name, kinds in sorted(self.by_operation.items()):
                out.write(f"{name}: {dict(kinds.most_common())}\n")


def run(cases: Iterable[Case], url: str, settle: Callable[[], None]) -> Report:
    """Send ``cases`` to ``url`` one by one; ``settle`` waits for the jobs they started."""
    report = Report()
    errors = Errors()
    logger = logging.getLogger("personalize_local")
    logger.addHandler(errors)
    start = time.monotonic()
    hangs = 0
    try:
        for case in cases:
            report.sent += 1
            try:
                answer = send(case, url)
            except (OSError, ValueError) as error:  # TimeoutError is an OSError: a hang
                report.failures.append(f"{case}: no answer ({type(error).__name__}: {error})")
                hangs += 1
                if hangs >= MAX_HANGS:
                    report.failures.append(f"stopped after {hangs} requests without an answer")
                    break
                continue
            report.slowest = max(report.slowest, (answer.seconds, str(case)))
            report.answers[kind(answer)] += 1
            report.by_operation[case.operation.name][kind(answer)] += 1
            found = problem(case, answer)
            if found:
                report.failures.append(f"{case}: {found}")
        settle()  # jobs the fuzz started (imports, training) fail in the log, not in an answer
    finally:
        logger.removeHandler(errors)
    report.seconds = time.monotonic() - start
    report.failures += [f"server logged: {line}" for line in errors.records]
    return report
