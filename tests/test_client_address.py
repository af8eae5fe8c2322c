"""courseware/client.py: the client address the throttles count by."""

import pytest
from django.test import RequestFactory

from courseware.client import client_address


def address(settings, proxies, remote, forwarded=None):
    settings.COURSEWARE_TRUSTED_PROXIES = proxies
    headers = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_address(RequestFactory().get("/", **headers))


def test_without_trusted_proxies_the_header_is_ignored(settings):
    assert address(settings, 0, "203.0.113.5", "198.51.100.1") == "203.0.113.5"


def test_behind_one_proxy_the_last_entry_is_the_client(settings):
    # The client wrote "1.2.3.4" itself; nginx appended what it really saw.
    forwarded = "1.2.3.4, 198.51.100.7"
    assert address(settings, 1, "127.0.0.1", forwarded) == "198.51.100.7"


def test_behind_two_proxies_the_entry_before_theirs_is_the_client(settings):
    forwarded = "1.2.3.4, 198.51.100.7, 10.0.0.2"
    assert address(settings, 2, "127.0.0.1", forwarded) == "198.51.100.7"


def test_a_header_shorter_than_the_proxy_chain_falls_back_to_the_socket(settings):
    assert address(settings, 2, "10.0.0.9", "198.51.100.7") == "10.0.0.9"
    assert address(settings, 1, "10.0.0.9") == "10.0.0.9"


def test_one_ipv6_network_counts_as_one_client(settings):
    first = address(settings, 0, "2001:db8:1:2::1")
    second = address(settings, 0, "2001:db8:1:2:ffff::9")
    assert first == second == "2001:db8:1:2::/64"
    assert address(settings, 0, "::ffff:203.0.113.5") == "203.0.113.5"


@pytest.mark.parametrize("junk", ["", "not an address", "999.1.1.1", "1.2.3.4<script>"])
def test_anything_that_is_not_an_address_is_one_shared_bucket(settings, junk):
    assert address(settings, 1, "127.0.0.1", junk) in {"127.0.0.1", "unknown"}
    assert address(settings, 0, junk) == "unknown"
