"""Two modules in one session, each keeping its state across its own tests."""

import pytest

pytestmark = pytest.mark.personalize_keep_state


def test_creates_a_group(personalize):
    api = personalize.client("personalize")
    assert api.list_dataset_groups()["datasetGroups"] == []
    api.create_dataset_group(name="second-module")


def test_still_sees_it_in_the_same_module(personalize):
    groups = personalize.client("personalize").list_dataset_groups()["datasetGroups"]
    assert [group["name"] for group in groups] == ["second-module"]
