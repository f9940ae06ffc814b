"""workshop.cleanup: which names and S3 keys one attendee's clean-up may delete."""

from __future__ import annotations

from typing import Any, ClassVar

import pytest

from workshop import cleanup


def test_owned_by_accepts_the_prefix_and_its_children_only():
    mine = cleanup.owned_by("personalize-workshop-1a2b3c")
    assert mine("personalize-workshop-1a2b3c")
    assert mine("personalize-workshop-1a2b3c-interactions")
    assert not mine("personalize-workshop-9f8e7d")
    assert not mine("personalize-workshop-9f8e7d-interactions")
    assert not mine("personalize-workshop-1a2b3c4")  # a longer suffix is another attendee
    assert not mine("personalize-workshop")


def test_owned_by_also_works_with_the_old_fixed_prefix():
    mine = cleanup.owned_by("personalize-workshop")
    assert mine("personalize-workshop") and mine("personalize-workshop-items")
    assert not mine("personalize-workshopper")


def test_owned_by_refuses_an_empty_prefix():
    with pytest.raises(ValueError):
        cleanup.owned_by("")


def test_keys_in_bucket_keeps_this_bucket_and_the_workshop_folders():
    paths = [
        "s3://b/data/interactions.csv",
        "s3://b/batch/output/",
        "s3://b/notes/private.txt",  # not a workshop folder
        "s3://bb/data/items.csv",  # another bucket whose name starts the same
        "s3://other/data/items.csv",
    ]
    keys = cleanup.keys_in_bucket(paths, "b", ("data/", "batch/", "export/"))
    assert keys == ("batch/output/", "data/interactions.csv")


class FakePersonalize:
    """The job lists and descriptions :func:`cleanup.job_locations` reads, one page each."""

    #: (list operation, its scope parameter and value) -> the job descriptions listed there.
    JOBS: ClassVar[dict[tuple[str, str], list[dict[str, Any]]]] = {
        ("dataset_import_job", "ds"): [{"dataSource": {"dataLocation": "s3://b/data/i.csv"}}],
        ("batch_inference_job", "sv"): [
            {
                "jobInput": {"s3DataSource": {"path": "s3://b/batch/in.json"}},
                "jobOutput": {"s3DataDestination": {"path": "s3://b/batch/out/"}},
            }
        ],
    }

    def get_paginator(self, operation):
        client = self

        class Pages:
            def paginate(self, **params):
                return [client.list(operation, **params)]

        return Pages()

    def list(self, operation, **params):
        if operation == "list_solution_versions":
            return {"solutionVersions": [{"solutionVersionArn": "sv"}]}
        kind = operation.removeprefix("list_").removesuffix("s")
        member = _camel(kind)
        (scope,) = params.values()
        jobs = self.JOBS.get((kind, scope), [])
        return {member + "s": [{member + "Arn": f"{kind}|{scope}|{n}"} for n in range(len(jobs))]}

    def __getattr__(self, name):
        kind = name.removeprefix("describe_")
        member = _camel(kind)

        def describe(**params):
            _, scope, n = params[member + "Arn"].split("|")
            return {member: self.JOBS[(kind, scope)][int(n)]}

        return describe


def _camel(kind):
    head, *rest = kind.split("_")
    return head + "".join(part.title() for part in rest)


def test_job_locations_collects_every_path_the_jobs_used():
    found = cleanup.job_locations(FakePersonalize(), ["ds"], ["solution"])
    assert found == {
        "s3://b/data/i.csv",
        "s3://b/batch/in.json",
        "s3://b/batch/out/",
    }
