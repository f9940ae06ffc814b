"""The control plane: one provider module per resource family.

Each public function is named after its operation (``create_schema`` for CreateSchema), takes
the request's top-level members as snake_case keyword arguments and returns a dict shaped like
the operation's output. The edge finds them by name; nothing here touches HTTP.
"""
