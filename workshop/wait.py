"""Wait for Amazon Personalize resources: the workshop's only polling loop.

Every ``create_*`` call returns before the resource is ready; the notebooks wait with
:func:`wait_until_active` (one resource), :func:`wait_all` (several, e.g. solution versions
training in parallel, behind one progress bar) and :func:`wait_until_deleted` (clean-up).

Each takes ``describe`` *callables* rather than ARNs, so one loop serves every ``describe_*``
operation::

    from functools import partial
    version = wait_until_active(
        partial(personalize.describe_solution_version, solutionVersionArn=arn)
    )

The status is found automatically: the one top-level member of the response whose value has a
``status`` (``solutionVersion``, ``campaign``, ``datasetImportJob``, …). Pass ``key`` to choose
another, e.g. ``("campaign", "latestCampaignUpdate", "status")`` after ``update_campaign``.

Polls start a quarter second apart and back off to ``poll`` seconds, so a fast endpoint is seen at
once and a 40-minute training job costs a describe call every ``poll`` seconds.
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from collections.abc import Callable, Collection, Mapping, Sequence
from typing import Any

Description = Mapping[str, Any]
Describe = Callable[[], Description]
Key = str | Sequence[str] | None

#: Statuses after which a resource will not become ACTIVE.
FAILED_STATUSES = frozenset(
    {"CREATE FAILED", "UPDATE FAILED", "CREATE STOPPED", "DELETE PENDING", "DELETE IN_PROGRESS"}
)
NOT_FOUND = "ResourceNotFoundException"
DEFAULT_TIMEOUT = 4 * 3600.0
DEFAULT_POLL = 30.0
# A quarter second first: a job that is done at once (a small import, a campaign update) is seen at
# once, and the doubling reaches ``poll`` after a few extra describe calls at most.
FIRST_POLL = 0.25


class ResourceFailed(RuntimeError):
    """A resource reached a failed status; ``reason`` is its ``failureReason``."""

    def __init__(self, name: str, status: str, reason: str | None, description: Description):
        self.name = name
        self.status = status
        self.reason = reason
        self.description = description
        because = f": {reason}" if reason else " (no failureReason given)"
        super().__init__(f"{name} is {status}{because}")


def wait_until_active(
    describe: Describe,
    key: Key = None,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    poll: float = DEFAULT_POLL,
    progress: bool = True,
    ready: Collection[str] = ("ACTIVE",),
    name: str | None = None,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> dict[str, Any]:
    """Poll ``describe()`` until the resource's status is ACTIVE; return the last response.

    Parameters
    ----------
    describe : callable
        No arguments, returns a ``describe_*`` response, e.g.
        ``partial(personalize.describe_campaign, campaignArn=arn)``.
    key : str or sequence of str, optional
        Where the status is: a top-level member (``"campaign"`` → ``["campaign"]["status"]``) or
        the full path to it. Default: the only top-level member that has a ``status``.
    timeout : float
        Seconds before giving up with :class:`TimeoutError`.
    poll : float
        Longest pause between two polls, in seconds (polls start 0.25 s apart and back off).
    progress : bool
        Show a progress line with the elapsed time and the current statuses (:class:`Progress`).
    ready : collection of str
        Statuses that end the wait (``("COMPLETED",)`` for a data deletion job).
    name : str, optional
        Label of the progress display and of errors; default from the describe operation
        (``describe_solution_version`` → "solution version").
    sleep, clock : callable
        Injectable for tests (default ``time.sleep`` and ``time.monotonic``).

    Returns
    -------
    dict
        The final ``describe()`` response.

    Raises
    ------
    ResourceFailed
        On ``CREATE FAILED`` (and other statuses in :data:`FAILED_STATUSES`, or any status
        ending in ``FAILED``), with the resource's ``failureReason``.
    TimeoutError
        When ``timeout`` passes first.
    """
    label = name or _label(describe, key)
    return wait_all(
        {label: describe},
        key,
        timeout=timeout,
        poll=poll,
        progress=progress,
        ready=ready,
        name=label,
        sleep=sleep,
        clock=clock,
    )[label]


def wait_all(
    describes: Mapping[str, Describe],
    key: Key = None,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    poll: float = DEFAULT_POLL,
    progress: bool = True,
    ready: Collection[str] = ("ACTIVE",),
    name: str = "waiting",
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> dict[str, dict[str, Any]]:
    """Wait for several resources at once, behind one progress display.

    Each round polls every resource that is not ready yet; the display counts the ready ones and
    shows how many are in each status. The first failure stops the wait.

    Parameters
    ----------
    describes : mapping of str to callable
        A label per resource (``"sims"``, ``"user-personalization"``) → its ``describe`` callable.
    key, timeout, poll, progress, ready, sleep, clock
        As in :func:`wait_until_active`.
    name : str
        Label of the progress display.

    Returns
    -------
    dict of str to dict
        Label → final ``describe()`` response, in the order of ``describes``.

    Raises
    ------
    ResourceFailed
        When any resource fails; the message names it and gives its ``failureReason``.
    TimeoutError
        When ``timeout`` passes first; the message lists what was still pending.
    """
    done_statuses = frozenset(ready)

    def check(label: str, describe: Describe) -> tuple[bool, str, dict[str, Any]]:
        response = dict(describe())
        holder, status_key = _locate(response, key)
        if status_key not in holder:
            raise ValueError(f"{label}: the response has no status at {key!r}")
        status = str(holder[status_key])
        if status in done_statuses:
            return True, status, response
        if status in FAILED_STATUSES or status.endswith("FAILED"):
            raise ResourceFailed(label, status, holder.get("failureReason"), response)
        return False, status, response

    return until_done(
        describes,
        check,
        timeout=timeout,
        poll=poll,
        progress=progress,
        name=name,
        sleep=sleep,
        clock=clock,
    )


def wait_until_deleted(
    describe: Describe | Mapping[str, Describe],
    *,
    timeout: float = 3600.0,
    poll: float = DEFAULT_POLL,
    progress: bool = True,
    name: str = "deleting",
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> None:
    """Poll until ``describe()`` raises ``ResourceNotFoundException``: the resource is gone.

    Parameters
    ----------
    describe : callable or mapping of str to callable
        One ``describe`` callable, or a label → callable mapping to wait for several deletions
        behind one progress display.
    timeout, poll, progress, sleep, clock
        As in :func:`wait_until_active` (default timeout one hour).
    name : str
        Label of the progress display.

    Raises
    ------
    ResourceFailed
        When a status ends in ``FAILED`` while waiting.
    TimeoutError
        When ``timeout`` passes first.
    Exception
        Any error of ``describe()`` other than ``ResourceNotFoundException``.
    """
    describes = describe if isinstance(describe, Mapping) else {name: describe}

    def check(label: str, one: Describe) -> tuple[bool, str, dict[str, Any]]:
        try:
            response = dict(one())
        except Exception as error:
            if error_code(error) == NOT_FOUND:
                return True, "DELETED", {}
            raise
        try:
            holder, status_key = _locate(response, None)
            status = str(holder.get(status_key, ""))
        except ValueError:  # no status member (e.g. a schema): it still exists
            holder, status = {}, "EXISTS"
        if status.endswith("FAILED"):
            raise ResourceFailed(label, status, holder.get("failureReason"), response)
        return False, status, response

    until_done(
        describes,
        check,
        timeout=timeout,
        poll=poll,
        progress=progress,
        name=name,
        sleep=sleep,
        clock=clock,
    )


def error_code(error: BaseException) -> str | None:
    """The service error code of a botocore ``ClientError`` (``None`` for other errors)."""
    response = getattr(error, "response", None)
    if isinstance(response, Mapping):
        return response.get("Error", {}).get("Code")
    return None


# ------------------------------------------------------------------------------------------------
# The loop
# ------------------------------------------------------------------------------------------------


#: ``check(label, describe)`` → (done, status to display, final response).
Check = Callable[[str, Describe], tuple[bool, str, dict[str, Any]]]


def until_done(
    describes: Mapping[str, Describe],
    check: Check,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    poll: float = DEFAULT_POLL,
    progress: bool = True,
    name: str = "waiting",
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> dict[str, dict[str, Any]]:
    """Call ``check`` on every pending resource each round until all are done.

    The loop behind :func:`wait_all` and :func:`wait_until_deleted`, and
    ``workshop.resources.delete_all``: one progress display counting the finished resources and
    summarising the statuses ``check`` reports, polls 0.25 s apart at first and backing off to
    ``poll`` seconds, and a :class:`TimeoutError` naming what is still pending after
    ``timeout`` seconds. Returns label → the response ``check`` finished it with.
    """
    if not describes:
        return {}
    start = clock()
    pending = dict(describes)
    finished: dict[str, dict[str, Any]] = {}
    statuses: dict[str, str] = {}
    interval = min(FIRST_POLL, poll)
    with _progress(progress, name, len(describes), clock) as bar:
        while True:
            for label, describe in list(pending.items()):
                done, statuses[label], response = check(label, describe)
                if done:
                    finished[label] = response
                    del pending[label]
                    bar.update(1)
            bar.set_postfix_str(_summary(statuses), refresh=True)
            if not pending:
                return {label: finished[label] for label in describes}
            left = timeout - (clock() - start)
            if left <= 0:
                waiting = ", ".join(f"{label} ({statuses[label]})" for label in pending)
                raise TimeoutError(f"Still waiting after {timeout:g} s for: {waiting}")
            sleep(max(0.0, min(interval, left)))
            interval = min(interval * 2, poll)


def _summary(statuses: Mapping[str, str]) -> str:
    if len(statuses) == 1:
        return next(iter(statuses.values()))
    counts = Counter(statuses.values())
    return ", ".join(f"{status} {count}" for status, count in sorted(counts.items()))


def _locate(response: Mapping[str, Any], key: Key) -> tuple[Mapping[str, Any], str]:
    """The mapping that holds the status, and the status's key in it."""
    if key is None:
        found = [
            member
            for member, value in response.items()
            if member != "ResponseMetadata" and isinstance(value, Mapping) and "status" in value
        ]
        if len(found) != 1:
            raise ValueError(
                f"Cannot tell where the status is in a response with members {sorted(response)}; "
                "pass key= (e.g. 'solutionVersion' or ('campaign', 'status'))."
            )
        return response[found[0]], "status"
    path = [key, "status"] if isinstance(key, str) else list(key)
    holder: Any = response
    for part in path[:-1]:
        holder = holder.get(part, {}) if isinstance(holder, Mapping) else {}
    return holder, path[-1]


def _label(describe: Describe, key: Key) -> str:
    """A readable label: ``partial(client.describe_solution_version, …)`` → "solution version"."""
    function = getattr(describe, "func", describe)
    operation = getattr(function, "__name__", "")
    if operation.startswith("describe_"):
        return operation.removeprefix("describe_").replace("_", " ")
    if key is not None:
        return key if isinstance(key, str) else str(key[0])
    return "resource"


#: ``publish(text, final)`` shows one line of progress: in place of the previous one, and for
#: the last time when ``final`` is true.
Publish = Callable[[str, bool], None]


class Progress:
    """One line, ``"<name>: <n>/<total> ready [<elapsed>, <statuses>]"``, redrawn in place.

    In a notebook the live line is a display updated through its ``display_id``; when the wait
    ends it is emptied and the final line is printed. So a saved notebook shows the final state
    (``4/4 ready`` beside the final statuses), never a stale first frame (a tqdm widget saves
    ``0/4 ready``), and a re-run that ignores display updates (nbval) sees the same outputs: an
    empty display and the printed final line. Elsewhere it redraws a line on stderr.
    """

    def __init__(
        self,
        name: str,
        total: int,
        publish: Publish | None = None,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.name, self.total, self.n, self.postfix = name, total, 0, ""
        self._clock = clock
        self._start = clock()
        self._publish = publish or _default_publisher()

    def text(self) -> str:
        seconds = int(self._clock() - self._start)
        elapsed = f"{seconds // 60:02d}:{seconds % 60:02d}"
        postfix = f", {self.postfix}" if self.postfix else ""
        return f"{self.name}: {self.n}/{self.total} ready [{elapsed}{postfix}]"

    def __enter__(self) -> Progress:
        self._publish(self.text(), False)
        return self

    def __exit__(self, *exc: object) -> None:
        self._publish(self.text(), True)

    def update(self, n: int = 1) -> None:
        self.n += n

    def set_postfix_str(self, s: str = "", refresh: bool = True) -> None:
        self.postfix = s
        if refresh:
            self._publish(self.text(), False)


def _default_publisher() -> Publish:
    """A display updated in place inside a Jupyter kernel; a redrawn stderr line elsewhere."""
    try:
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:  # pragma: no cover - IPython ships with the workshop's kernel
        get_ipython = None  # type: ignore[assignment]
    shell = get_ipython() if get_ipython else None
    if shell is not None and getattr(shell, "kernel", None) is not None:
        handle = display({"text/plain": ""}, raw=True, display_id=True)
        shown = [""]

        def publish_display(text: str, final: bool) -> None:
            live = "" if final else text
            if live != shown[0]:  # one message per change, not per poll
                handle.update({"text/plain": live}, raw=True)
                shown[0] = live
            if final:
                print(text, flush=True)

        return publish_display

    def publish_stderr(text: str, final: bool) -> None:
        sys.stderr.write("\r" + text + ("\n" if final else ""))
        sys.stderr.flush()

    return publish_stderr


def _progress(
    enabled: bool, name: str, total: int, clock: Callable[[], float] = time.monotonic
) -> Progress:
    publish = None if enabled else _silent
    return Progress(name, total, publish, clock=clock)


def _silent(text: str, final: bool) -> None:
    """The publisher of ``progress=False``: shows nothing."""
