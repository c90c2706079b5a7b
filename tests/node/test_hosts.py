"""Loopback, as the access rules use it: 127.0.0.0/8, ::1 and localhost, never resolved."""
import pytest

from pydevnet.node.hosts import is_ip_address, is_loopback


@pytest.mark.parametrize("host", ["127.0.0.1", "127.1.2.3", "127.255.255.254", "::1", "[::1]",
                                  "0:0:0:0:0:0:0:1", "::ffff:127.0.0.1", "localhost", "LocalHost",
                                  "localhost.", " localhost "])
def test_loopback(host):
    assert is_loopback(host)


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "", "10.0.0.1", "192.168.1.5", "128.0.0.1",
                                  "::2", "::ffff:10.0.0.1", "localhost.example", "evil.localhost",
                                  "my-machine", "127.0.0.1.nip.io"])
def test_not_loopback(host):
    assert not is_loopback(host)


def test_ip_literals():
    assert is_ip_address("10.0.0.1") and is_ip_address("fe80::1")
    assert not is_ip_address("example.com") and not is_ip_address("[::1]")
