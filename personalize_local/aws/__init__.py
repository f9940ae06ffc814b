"""The rest of AWS as Personalize sees it: S3 and IAM, reached through the endpoint's own API."""
