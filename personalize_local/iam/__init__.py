"""IAM enforcement on the endpoint (``--enforce-iam``): who is calling and what they may do.

Personalize's own operations are authorized here (:mod:`.personalize`) with moto's policy
statement classes; everything moto serves is authorized by moto's own access control
(:mod:`.moto_hooks` switches it on per request). Every decision can go to a JSON-lines log.
"""
