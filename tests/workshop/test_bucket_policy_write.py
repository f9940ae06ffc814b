"""01 merges the Personalize statements; a bucket that has them (the stack's) is not written."""

from __future__ import annotations

import json
from typing import Any

from workshop import discovery


class RecordingS3:
    """Just the two S3 calls ``add_personalize_statements`` makes, recorded."""

    def __init__(self, policy: dict[str, Any]) -> None:
        self.policy = json.dumps(policy)
        self.writes = 0

    def get_bucket_policy(self, Bucket: str) -> dict[str, str]:
        return {"Policy": self.policy}

    def put_bucket_policy(self, Bucket: str, Policy: str) -> None:
        self.policy = Policy
        self.writes += 1


def test_writes_only_when_statements_are_missing() -> None:
    s3 = RecordingS3({"Version": "2012-10-17", "Statement": []})
    first = discovery.add_personalize_statements(s3, "bucket", "123456789012")
    assert s3.writes == 1
    again = discovery.add_personalize_statements(s3, "bucket", "123456789012")
    assert s3.writes == 1  # the statements are there: no s3:PutBucketPolicy needed
    assert again == first
    statements = discovery.personalize_bucket_statements("bucket", "123456789012")
    statements[0]["Action"] = "s3:*"  # a statement with the same Sid but other content
    s3.policy = json.dumps({"Version": "2012-10-17", "Statement": statements})
    discovery.add_personalize_statements(s3, "bucket", "123456789012")
    assert s3.writes == 2
