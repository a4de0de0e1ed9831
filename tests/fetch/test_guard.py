"""The SSRF guard: schemes, credentials, ports, and every resolved address."""

from urllib.parse import urlsplit

import pytest

from service.errors import UrlBlocked
from service.fetch import guard
from service.fetch.guard import Guard
from service.fetch.guard import resolve as real_resolve

DEFAULT = Guard(allowed_hosts=frozenset(), allowed_ports=frozenset({80, 443}))


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.0.0.5",
        "172.16.3.4",
        "192.168.1.1",
        "169.254.169.254",
        "100.64.0.1",
        "0.0.0.0",
        "224.0.0.1",
        "240.0.0.1",
        "255.255.255.255",
        "::1",
        "::",
        "fe80::1",
        "fd00:ec2::254",
        "ff02::1",
        "::ffff:127.0.0.1",
        "::ffff:169.254.169.254",
        "2002:7f00:1::",
        "not an address",
    ],
)
def test_non_public_addresses(address: str) -> None:
    assert not guard.is_public(address)


@pytest.mark.parametrize("address", ["93.184.216.34", "2606:4700::1111", "::ffff:93.184.216.34"])
def test_public_addresses(address: str) -> None:
    assert guard.is_public(address)


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("ftp://news.example/article", "scheme ftp"),
        ("file:///etc/passwd", "scheme file"),
        ("http://user:pw@news.example/", "credentials"),
        ("http://user@news.example/", "credentials"),
        ("http://news.example:8080/", "port 8080"),
        ("https://news.example:22/", "port 22"),
        ("http:///path-only", "no host"),
    ],
)
def test_urls_refused_before_any_lookup(url: str, reason: str) -> None:
    with pytest.raises(UrlBlocked) as raised:
        DEFAULT.check_url(urlsplit(url))
    assert reason in raised.value.message


def test_allowed_ports_are_a_setting() -> None:
    DEFAULT.check_url(urlsplit("https://news.example/a"))
    Guard(allowed_hosts=frozenset(), allowed_ports=frozenset({8080})).check_url(
        urlsplit("http://news.example:8080/")
    )


def test_every_resolved_address_must_be_public(dns: dict[str, list[str]]) -> None:
    dns["mixed.example"] = ["93.184.216.34", "10.0.0.5"]
    dns["internal.example"] = ["10.0.0.5"]
    assert DEFAULT.public_addresses("news.example", 443) == ["93.184.216.34"]
    for host in ("mixed.example", "internal.example", "127.0.0.1", "169.254.169.254"):
        with pytest.raises(UrlBlocked):
            DEFAULT.public_addresses(host, 80)


def test_allowed_hosts_may_resolve_anywhere(dns: dict[str, list[str]]) -> None:
    dns["intranet.example"] = ["10.0.0.5"]
    allowing = Guard(
        allowed_hosts=frozenset({"intranet.example", "127.0.0.1"}), allowed_ports=frozenset({80})
    )
    assert allowing.public_addresses("Intranet.Example.", 80) == ["10.0.0.5"]
    assert allowing.public_addresses("127.0.0.1", 80) == ["127.0.0.1"]
    with pytest.raises(UrlBlocked):
        allowing.public_addresses("10.0.0.5", 80)


def test_the_real_resolver_reads_ip_literals_without_the_network() -> None:
    # Imported at collection, before the `dns` fixture replaces it; literals need no DNS server.
    assert real_resolve("127.0.0.1", 80) == ["127.0.0.1"]
    with pytest.raises(guard.HostNotFound):
        real_resolve("bad..name", 80)
