"""Who is asking: the client's address, read the same way everywhere.

The login throttles (the sandbox's and the admin's, through django-axes)
count failures per address, so the address must be one a client cannot
choose. ``REMOTE_ADDR`` is the socket's peer: true, but behind a proxy it is
the proxy. ``X-Forwarded-For`` is a list each proxy appends to, and its
left end is whatever the client sent, so only the entries written by your
own proxies can be believed. ``COURSEWARE_TRUSTED_PROXIES`` says how many
there are; the client is the entry just before theirs.
"""

import ipaddress

from django.conf import settings


def client_address(request) -> str:
    """The client's IP address as text, trusting only the configured proxies."""
    address = request.META.get("REMOTE_ADDR", "")
    proxies = settings.COURSEWARE_TRUSTED_PROXIES
    if proxies > 0:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        # With one trusted proxy, the last entry is what that proxy saw.
        if len(forwarded) >= proxies:
            address = forwarded[-proxies]
    return normalized(address)


def normalized(address: str) -> str:
    """One spelling per address; a whole IPv6 /64 counts as one client.

    One IPv6 connection usually owns a /64 and can pick any address in it,
    so counting single IPv6 addresses would let it dodge every limit.
    Anything that is not an address at all is kept as "unknown", one shared
    bucket, rather than trusted.
    """
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return "unknown"
    if ip.version == 6 and ip.ipv4_mapped is None:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    if ip.version == 6:
        return str(ip.ipv4_mapped)
    return str(ip)
