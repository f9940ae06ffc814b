"""What one attendee's clean-up (module 6) may delete, in an account other attendees share.

Every Personalize resource of an attendee is named ``workshop_prefix`` (the dataset group) or
``workshop_prefix + "-…"`` (everything else), and ``workshop_prefix`` carries the attendee's own
suffix (``personalize-workshop-1a2b3c``): :func:`owned_by` recognises exactly those names.

The S3 objects to delete are the ones this attendee's jobs read or wrote, found from the jobs
themselves (:func:`job_locations`), so the clean-up never guesses from key names and never
touches another attendee's uploads under other keys. The bucket and role that notebook 00
creates are shared by every attendee of the account and Region: :func:`others_in_account`
tells whether anyone else still has a workshop dataset group there, and then they stay.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from botocore.exceptions import ClientError

from .resources import list_all

#: The start of every attendee's ``workshop_prefix`` (``personalize-workshop-<attendee>``).
WORKSHOP_NAME = "personalize-workshop"


def owned_by(workshop_prefix: str) -> Callable[[str], bool]:
    """A test for resource names: ``workshop_prefix`` itself or ``workshop_prefix + "-…"``.

    >>> mine = owned_by("personalize-workshop-1a2b3c")
    >>> mine("personalize-workshop-1a2b3c"), mine("personalize-workshop-1a2b3c-items")
    (True, True)
    >>> mine("personalize-workshop-9f8e7d"), mine("personalize-workshop-1a2b3c4")
    (False, False)
    """
    if not workshop_prefix:
        raise ValueError("workshop_prefix is empty: run 00_Setup first")
    return lambda name: name == workshop_prefix or name.startswith(workshop_prefix + "-")


def others_in_account(personalize: Any, workshop_prefix: str) -> list[str]:
    """Names of workshop dataset groups in the account that are not this attendee's."""
    mine = owned_by(workshop_prefix)
    return sorted(
        group["name"]
        for group in list_all(personalize, "list_dataset_groups", "datasetGroups")
        if group["name"].startswith(WORKSHOP_NAME) and not mine(group["name"])
    )


def job_locations(
    personalize: Any, dataset_arns: Iterable[str], solution_arns: Iterable[str]
) -> set[str]:
    """Every ``s3://`` path the jobs of these datasets and solutions read or wrote.

    Import jobs (``dataSource.dataLocation``) per dataset and batch inference jobs
    (``jobInput`` and ``jobOutput``) per solution version: the kinds of job the notebooks run, so
    the notebook role needs no other ``List*`` permission. Call it before the datasets and
    solutions are deleted: their jobs are listed through them.
    """
    paths: set[str] = set()
    for dataset_arn in dataset_arns:
        for job in _jobs(personalize, "dataset_import_job", datasetArn=dataset_arn):
            paths.add(job.get("dataSource", {}).get("dataLocation", ""))
    for solution_arn in solution_arns:
        versions = list_all(
            personalize, "list_solution_versions", "solutionVersions", solutionArn=solution_arn
        )
        for version in versions:
            arn = version["solutionVersionArn"]
            for job in _jobs(personalize, "batch_inference_job", solutionVersionArn=arn):
                paths.add(job.get("jobInput", {}).get("s3DataSource", {}).get("path", ""))
                paths.add(_destination(job))
    return {path for path in paths if path.startswith("s3://")}


def keys_in_bucket(paths: Iterable[str], bucket: str, prefixes: Iterable[str]) -> tuple[str, ...]:
    """The object keys (or key prefixes) of ``paths`` that lie in ``bucket`` under ``prefixes``.

    >>> keys_in_bucket(["s3://b/data/x.csv", "s3://other/data/y.csv", "s3://b/tmp/z"], "b",
    ...                ("data/", "batch/"))
    ('data/x.csv',)
    """
    allowed = tuple(prefixes)
    keys = {
        path.removeprefix(f"s3://{bucket}/") for path in paths if path.startswith(f"s3://{bucket}/")
    }
    return tuple(sorted(key for key in keys if key.startswith(allowed)))


def _jobs(personalize: Any, kind: str, **scope: str) -> list[Mapping[str, Any]]:
    """The descriptions of every ``kind`` job in ``scope`` (gone ones are skipped)."""
    key = "".join(part.title() for part in kind.split("_"))
    listed = list_all(personalize, f"list_{kind}s", key[0].lower() + key[1:] + "s", **scope)
    found = []
    for job in listed:
        arn_key = key[0].lower() + key[1:] + "Arn"
        try:
            response = getattr(personalize, f"describe_{kind}")(**{arn_key: job[arn_key]})
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") == "ResourceNotFoundException":
                continue
            raise
        found.append(response[key[0].lower() + key[1:]])
    return found


def _destination(job: Mapping[str, Any]) -> str:
    return job.get("jobOutput", {}).get("s3DataDestination", {}).get("path", "")
