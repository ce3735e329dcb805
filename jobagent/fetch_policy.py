"""Which addresses a worker may fetch from: the SSRF guard shared by CV URLs, company sites and job boards.

Public addresses only, unless the operator lists hosts or networks in ``JOBAGENT_ALLOWED_PRIVATE_HOSTS``
(comma-separated host names and CIDRs, e.g. ``cvs.internal, 10.20.0.0/16``). Link-local addresses
(169.254.0.0/16 holds the cloud metadata service; fe80::/10) stay refused unless a listed *network*
contains them: listing a host name is not enough. IPv6 forms that carry an IPv4 address (IPv4-mapped,
6to4, NAT64, Teredo) are judged by the IPv4 address they reach; site-local fec0::/10 is refused.

``JOBAGENT_ALLOW_PRIVATE_URLS=true`` (the older switch, kept for development and tests) means "any
loopback or private address", and still never link-local unless listed.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import urlsplit

from jobagent.errors import FetchRefused, FetchUnavailable
from jobagent.redaction import redact_url

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
_ALLOW_HINT = "list the host or its network in JOBAGENT_ALLOWED_PRIVATE_HOSTS to allow"
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_LINK_LOCAL = (ipaddress.ip_network("169.254.0.0/16"), ipaddress.ip_network("fe80::/10"))


@dataclass(frozen=True)
class AddressPolicy:
    """What may be fetched besides public addresses: listed host names, listed networks, or (legacy) any
    loopback/private address."""

    hosts: frozenset[str] = frozenset()
    networks: tuple[IPNetwork, ...] = ()
    allow_private: bool = False
    errors: tuple[str, ...] = field(default=(), compare=False)

    @classmethod
    def parse(cls, listed: str, *, allow_private: bool = False) -> AddressPolicy:
        hosts: set[str] = set()
        networks: list[IPNetwork] = []
        errors: list[str] = []
        for item in (part.strip() for part in listed.split(",")):
            if not item:
                continue
            try:
                networks.append(ipaddress.ip_network(item, strict=False))
            except ValueError:
                if "/" in item or " " in item:
                    errors.append(item)
                else:
                    hosts.add(item.lower().rstrip("."))
        return cls(frozenset(hosts), tuple(networks), allow_private, tuple(errors))

    def listed_network(self, ip: IPAddress) -> bool:
        return any(ip in net for net in self.networks if net.version == ip.version)

    def allows(self, host: str, ip: IPAddress) -> bool:
        """Whether a non-public ``ip`` (reached through ``host``) is allowed anyway."""
        if self.listed_network(ip):
            return True
        if any(ip in net for net in _LINK_LOCAL if net.version == ip.version):
            return False  # the metadata service: only an explicitly listed network opens it
        return self.allow_private or host.lower().rstrip(".") in self.hosts


def policy_for(allow_private: bool = False) -> AddressPolicy:
    """The operator's policy from the settings, with the caller's legacy ``allow_private`` switch on top."""
    from jobagent.config import get_settings

    settings = get_settings()
    listed = str(getattr(settings, "allowed_private_hosts", "") or "")
    return _parsed(listed, allow_private)


@lru_cache(maxsize=16)
def _parsed(listed: str, allow_private: bool) -> AddressPolicy:
    """Parsed once per setting: every submission checks its CV URLs, and parsing the networks again each time
    was most of that check's cost. The policy is frozen, so sharing it is safe."""
    return AddressPolicy.parse(listed, allow_private=allow_private)


def human_size(n: int) -> str:
    """Sizes in messages the user reads, so a 10 MB cap does not show up as 10485760 bytes."""
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):.3g} MB"
    if n >= 1024:
        return f"{n / 1024:.3g} KB"
    return f"{n} bytes"


def embedded_ipv4(ip: IPAddress) -> list[ipaddress.IPv4Address]:
    """The IPv4 addresses an IPv6 address reaches: IPv4-mapped, 6to4 (2002::/16), NAT64 (64:ff9b::/96),
    Teredo (2001::/32: server and client). Empty for a plain address."""
    if not isinstance(ip, ipaddress.IPv6Address):
        return []
    if ip.ipv4_mapped is not None:
        return [ip.ipv4_mapped]
    if ip.sixtofour is not None:
        return [ip.sixtofour]
    if ip in _NAT64:
        return [ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)]
    if ip.teredo is not None:
        return list(ip.teredo)
    return []


def _label(ip: IPAddress) -> str | None:
    # Order matters: 127.0.0.1 and 169.254.x are "private" too, but the specific name helps more.
    checks = [
        ("is_loopback", "a loopback"),
        ("is_link_local", "a link-local"),
        ("is_unspecified", "an unspecified"),
        ("is_multicast", "a multicast"),
        ("is_site_local", "a site-local"),  # fec0::/10: deprecated, but Python counts it as global
        ("is_private", "a private"),
        ("is_reserved", "a reserved"),
    ]
    for attr, label in checks:
        if getattr(ip, attr, False):
            return f"{label} address"
    if not ip.is_global:  # e.g. 100.64.0.0/10 carrier-grade NAT, which is neither private nor public
        return "not a public address"
    return None


def forbidden_reason(ip: IPAddress, host: str = "", policy: AddressPolicy | None = None) -> str | None:
    """Why a worker must not connect to ``ip``, or None when it may."""
    policy = policy or AddressPolicy()
    inner = embedded_ipv4(ip)
    if inner:  # judged by where the packets really go: the embedded IPv4 address
        if policy.listed_network(ip):
            return None
        for v4 in inner:
            label = _label(v4)
            if label and not policy.allows(host, v4):
                return f"{ip} reaches {v4}, {label}"
        return None
    label = _label(ip)
    if label is None or policy.allows(host, ip):
        return None
    return f"{ip} is {label}"


def _resolve(url: str, shown: str, host: str, port: int) -> list[IPAddress]:
    try:
        return [ipaddress.ip_address(host.strip("[]"))]
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        reason = exc.strerror or str(exc)
        if exc.errno == socket.EAI_AGAIN:  # the resolver is away, not the name wrong: worth another try
            raise FetchUnavailable(f"could not fetch {shown}: cannot resolve host {host} ({reason})",
                                   url=shown) from None
        raise FetchRefused(f"refused URL {shown}: cannot resolve host {host} ({reason})", url=shown) from None
    except UnicodeError as exc:
        raise FetchRefused(f"refused URL {shown}: cannot resolve host {host} ({exc})", url=shown) from None
    addresses: list[IPAddress] = []
    for info in infos:
        address = str(info[4][0]).split("%", 1)[0]  # drop an IPv6 zone id such as fe80::1%eth0
        try:
            addresses.append(ipaddress.ip_address(address))
        except ValueError:
            raise FetchRefused(f"refused URL {shown}: {host} resolves to unusable address {address}",
                               url=shown) from None
    if not addresses:
        raise FetchRefused(f"refused URL {shown}: {host} has no address", url=shown)
    return addresses


def check_url(url: str, *, allow_private: bool = False, policy: AddressPolicy | None = None) -> list[IPAddress]:
    """Refuse URLs that would make a worker talk to itself or its private network; return the addresses.

    Run before storing a submission and again on every fetch hop, because a public URL can redirect to a
    private one. The fetch then connects to the first returned address (see ``fetching.PinnedBackend``).
    """
    shown = redact_url(url)
    policy = policy or policy_for(allow_private)
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise FetchRefused(f"refused URL {shown}: {exc}", url=shown) from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise FetchRefused(f"refused URL {shown}: only http and https URLs are supported, not {scheme or 'none'}",
                           url=shown)
    host = parts.hostname
    if not host:
        raise FetchRefused(f"refused URL {shown}: no host name", url=shown)
    addresses = _resolve(url, shown, host, port or (443 if scheme == "https" else 80))
    for ip in addresses:
        reason = forbidden_reason(ip, host, policy)
        if reason:
            raise FetchRefused(f"refused URL {shown}: {reason} ({_ALLOW_HINT})", url=shown)
    return addresses
