"""The SSRF guard: which URLs may be fetched, and which addresses may be connected to."""

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import SplitResult, urlsplit

from service.errors import UrlBlocked

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# Cloud metadata endpoints, named although the checks below refuse them already: a provider
# could move one, and these must never be reachable.
METADATA_ADDRESSES = frozenset(
    ipaddress.ip_address(a) for a in ("169.254.169.254", "fd00:ec2::254", "100.100.100.200")
)
_SCHEMES = {"http": 80, "https": 443}


def resolve(host: str, port: int) -> list[str]:
    """Every address `host` resolves to (tests replace this function)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise HostNotFound(host) from exc
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


class HostNotFound(Exception):
    """The name does not resolve: the server is unreachable, not forbidden."""


@dataclass(frozen=True, slots=True)
class Guard:
    """The rules of one service: allowed host names and ports."""

    allowed_hosts: frozenset[str]
    allowed_ports: frozenset[int]

    def check_url(self, url: SplitResult) -> None:
        """Refuse what no address check can make safe: other schemes, credentials, odd ports."""
        if url.scheme not in _SCHEMES:
            raise _blocked(f"scheme {url.scheme or 'none'} is not http or https", url=url.geturl())
        if url.username is not None or url.password is not None:
            raise _blocked("URLs with credentials are not fetched", url=redacted(url.geturl()))
        if not url.hostname:
            raise _blocked("the URL names no host", url=url.geturl())
        try:
            port = url.port or _SCHEMES[url.scheme]
        except ValueError as exc:
            raise _blocked("the port is not a number", url=url.geturl()) from exc
        if port not in self.allowed_ports:
            raise _blocked(f"port {port} is not allowed", url=url.geturl())

    def public_addresses(self, host: str, port: int) -> list[str]:
        """The addresses to connect to for `host`; refused unless every one of them is public
        (one private answer among public ones is how rebinding attacks hide) or the host is
        allowed by name."""
        host = host.lower().rstrip(".").strip("[]")
        addresses = resolve(host, port)
        if host in self.allowed_hosts:
            return addresses
        for address in addresses:
            if not is_public(address):
                reason = (
                    f"{host} is not a public address"
                    if address == host
                    else f"{host} resolves to the non-public address {address}"
                )
                raise _blocked(reason, host=host, address=address)
        return addresses


def is_public(address: str) -> bool:
    """Whether `address` is a globally routed unicast address (IPv4-mapped IPv6 unwrapped)."""
    try:
        ip: IPAddress = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = ip.ipv4_mapped or ip.sixtofour or (ip.teredo[1] if ip.teredo else None)
        if embedded is not None:
            ip = embedded
    return ip.is_global and not ip.is_multicast and ip not in METADATA_ADDRESSES


def redacted(url: str) -> str:
    """`url` without the password or user name it may carry (for logs and error details)."""
    parts = urlsplit(url)
    if parts.username is None and parts.password is None:
        return url
    return parts._replace(netloc="***@" + parts.netloc.rpartition("@")[2]).geturl()


def _blocked(reason: str, **details: str) -> UrlBlocked:
    return UrlBlocked(f"not fetched: {reason}", details={**details, "reason": reason})
