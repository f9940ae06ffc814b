"""Fuzz every Personalize operation with malformed requests: never a 5xx, never a hang.

Seeded and reproducible: ``FUZZ_SEED`` and ``FUZZ_PER_OPERATION`` change the run, and
``FUZZ_REPORT=path`` writes every failure and every operation's answers (a longer local run:
``FUZZ_PER_OPERATION=200 FUZZ_REPORT=/tmp/fuzz.txt .venv/bin/pytest tests/fuzz -s``). Each
failure names the operation and the mutation, so it can be replayed from the same seed.
"""

from __future__ import annotations

import json
import os
import random
from types import SimpleNamespace

import pytest

from personalize_local.protocol.validate import validate

from ..wire.builders import UP_RECIPE, USERS
from . import resources
from .generate import generate
from .run import run
from .shapes import Builder, operations

SEED = int(os.environ.get("FUZZ_SEED", "7919"))
PER_OPERATION = int(os.environ.get("FUZZ_PER_OPERATION", "40"))
#: The CI run must send at least this many requests.
MINIMUM = 3000


@pytest.fixture
def known(aws: SimpleNamespace) -> dict:
    return resources.create(aws)


def test_fuzz_never_answers_5xx_nor_hangs(server, aws, known):
    cases = generate(known, SEED, PER_OPERATION)
    assert len(cases) >= MINIMUM
    assert {case.operation.name for case in cases} == {op.name for op in operations()}
    report = run(cases, aws.url, settle=lambda: server.emulator.jobs.wait(timeout=120))
    print(f"\n{report.summary()} (seed {SEED})")
    if os.environ.get("FUZZ_REPORT"):
        report.write(os.environ["FUZZ_REPORT"])
    failures = report.failures
    assert not failures, f"{len(failures)} failures:\n" + "\n".join(failures[:40])
    assert report.sent == len(cases)
    # The endpoint still serves valid calls afterwards (the fuzz may have deleted the resources).
    arn = aws.personalize.create_schema(name="after-the-fuzz", schema=json.dumps(USERS))[
        "schemaArn"
    ]
    assert aws.personalize.describe_schema(schemaArn=arn)["schema"]["name"] == "after-the-fuzz"
    assert aws.personalize.list_dataset_groups()["datasetGroups"]
    assert aws.personalize.describe_recipe(recipeArn=UP_RECIPE)["recipe"]["status"] == "ACTIVE"
    with pytest.raises(aws.runtime.exceptions.ResourceNotFoundException):
        aws.runtime.get_recommendations(campaignArn=f"{arn}-none", userId="u1")


def test_base_requests_are_valid():
    """The fuzz mutates valid requests; a generator bug would make every case trivially 400."""
    fake = {"trackingId": "t", "datasetArn": "arn:aws:personalize:us-east-1:1:dataset/x"}
    builder = Builder(fake, random.Random(SEED))
    for operation in operations():
        for full in (False, True):
            validate(builder.request(operation, full), operation.input_shape)
