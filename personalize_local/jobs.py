"""The job pool's old address, kept only for ``persistence.py``, which still imports it here.

The pool lives in `store.jobs` (it ends lifecycles and writes the journal, so it belongs to the
store). Delete this module once ``persistence.py`` imports ``store.jobs``.
"""

from .store.jobs import Job, JobFailure, Jobs, Outcome

__all__ = ["Job", "JobFailure", "Jobs", "Outcome"]
