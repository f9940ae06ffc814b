"""Whether a host names this machine: the one test for "serve unsigned" and "trust the caller"."""

from __future__ import annotations

import ipaddress


def is_loopback(host: str) -> bool:
    """True for ``localhost`` and loopback addresses.

    Those are 127.0.0.0/8, ``::1`` (also written ``[::1]``, as in a URL) and the IPv4-mapped
    ``::ffff:127.x.x.x``.
    """
    if host == "localhost":
        return True
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped.is_loopback
    return address.is_loopback
