"""SigV4 signature verification for every request the endpoint serves.

Off on loopback unless asked for; always on when the endpoint binds another address. The
modules, each with one job:

- `signed`: what the request says it is signed with (Authorization header or presigned query);
- `canonical`: the signature it should carry, computed by botocore's own signers;
- `verifier`: the checks (key, time, payload hash, signature) in the order AWS makes them;
- `refusals`: the error AWS answers with, in the wire format of the client's protocol.
"""

from .refusals import Refusal, Rejected
from .verifier import Verifier

__all__ = ["Refusal", "Rejected", "Verifier"]
