"""The wire: botocore's service models drive routing, validation and serialisation.

Nothing below this package touches a request, and nothing above it formats JSON.
"""
