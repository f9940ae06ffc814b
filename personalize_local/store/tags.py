"""Tags on resources: the service's limits and reserved prefix."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from ..errors import InvalidInputException, TooManyTagKeysException, TooManyTagsException

#: Tags one resource may carry (the AWS-wide tagging limit the service's errors cite).
MAX_TAGS_PER_RESOURCE = 50


def tags_from_wire(tags: Iterable[Mapping[str, str]] | None) -> dict[str, str]:
    """``[{"tagKey": k, "tagValue": v}, …]`` as a dict; later duplicates win, as in AWS."""
    result: dict[str, str] = {}
    for tag in tags or ():
        key = tag["tagKey"]
        if key.lower().startswith("aws:"):
            raise InvalidInputException(
                f"Tag key '{key}' uses the reserved prefix 'aws:', which is for AWS use only."
            )
        result[key] = tag["tagValue"]
    return result


def tags_to_wire(tags: Mapping[str, str]) -> list[dict[str, str]]:
    return [{"tagKey": key, "tagValue": value} for key, value in tags.items()]


def merge(current: Mapping[str, str], new: Mapping[str, str]) -> dict[str, str]:
    """``current`` updated with ``new``, or ``TooManyTagsException`` past the limit."""
    merged = {**current, **new}
    if len(merged) > MAX_TAGS_PER_RESOURCE:
        raise TooManyTagsException(
            f"Tags would exceed the maximum of {MAX_TAGS_PER_RESOURCE} tags per resource."
        )
    return merged


def remove(current: Mapping[str, str], keys: Iterable[str]) -> dict[str, str]:
    keys = list(keys)
    if len(keys) > MAX_TAGS_PER_RESOURCE:
        raise TooManyTagKeysException(
            "The request contains more tag keys than can be associated with a resource "
            f"({MAX_TAGS_PER_RESOURCE} tag keys per resource)."
        )
    return {key: value for key, value in current.items() if key not in set(keys)}
