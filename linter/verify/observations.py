"""What ``palette-lint verify`` wants to verify (targets) and what it observed (outcomes): pure data, no network.

The verify rules (``rules/verify/``) are pure functions of an :class:`Observation`; each value a rule may report
on carries the document and YAML path it comes from (a :class:`Place`), so the engine locates the finding.
Nothing here holds a secret in a field that a message could quote by accident: the password of
:class:`Credentials` is only ever sent to its registry.
"""

from __future__ import annotations

from typing import NamedTuple, Optional

from msgspec import Struct

from linter.certs.certificate import Certificate
from linter.document import Document
from linter.model import YamlPath

#: Observation kinds: a registry (connection, TLS, challenge, login), an image on it, a value verify could not know.
REGISTRY, IMAGE, GAP = "registry", "image", "gap"

#: Why a registry could not be talked to (:attr:`RegistryOutcome.failure`).
DNS, REFUSED, TIMEOUT, NETWORK, PROXY, HANDSHAKE, NOT_A_REGISTRY = (
    "dns", "refused", "timeout", "network", "proxy", "tls-handshake", "not-a-registry")
TLS_UNTRUSTED, TLS_EXPIRED, TLS_NOT_YET_VALID, TLS_WRONG_HOST = (
    "tls-untrusted", "tls-expired", "tls-not-yet-valid", "tls-wrong-host")
TLS_FAILURES = frozenset({TLS_UNTRUSTED, TLS_EXPIRED, TLS_NOT_YET_VALID, TLS_WRONG_HOST})

#: The registry's answer to ``GET /v2/`` without credentials (:attr:`RegistryOutcome.challenge`).
OPEN, BASIC, BEARER = "open", "basic", "bearer"

#: The login (:attr:`RegistryOutcome.login`): accepted, rejected, or not tried (no credentials, or not sent).
LOGIN_OK, LOGIN_REJECTED, LOGIN_NOT_SENT, LOGIN_NONE = "ok", "rejected", "not-sent", ""

#: The image's manifest (:attr:`ImageOutcome.status`).
FOUND, MISSING, DENIED, IMAGE_ERROR, NOT_CHECKED = "found", "missing", "denied", "error", "not-checked"


class Place(NamedTuple):
    """Where a value is: a document and the YAML path in it."""

    doc: Document
    path: YamlPath


class Credentials(Struct, frozen=True):
    """A user name and password as the file gives them (macros resolved). ``password`` is a secret: it is sent
    to the registry the credentials name, over TLS (or plain HTTP for a registry marked ``insecure``), and
    nowhere else."""

    user: str
    password: str
    user_place: Place
    password_place: Place


class Trust(Struct, frozen=True):
    """The certificates a file gives for a registry (DER), which verify trusts instead of the system store."""

    certificates: tuple[bytes, ...]
    place: Place


class Registry(Struct, frozen=True):
    """A registry to connect to, as one block of the files names it. ``host`` is ``host[:port]`` as requests
    address it; ``label`` names the block in messages (``providerCredentials``,
    ``stylus.externalRegistries.registries[0]``, or ``the provider image's registry``)."""

    host: str
    place: Place
    label: str
    insecure: bool = False
    trust: Optional[Trust] = None
    credentials: Optional[Credentials] = None
    #: The block has credentials that could not be known (a :class:`Gap`): what needs them was not checked.
    unknown_credentials: bool = False

    def network_key(self) -> tuple[object, ...]:
        """What the network sees of this registry: blocks with the same key are checked once."""
        credentials = (self.credentials.user, self.credentials.password) if self.credentials else None
        return (self.host, self.insecure, self.trust.certificates if self.trust else None, credentials)


class Image(Struct, frozen=True):
    """A provider image where the edge host will pull it from. ``shown`` is the reference for messages (macros
    as written); ``via`` says how Palette rewrites it (an external registry, a mapping rule), with ``via_place``."""

    registry: Registry
    repository: str
    reference: str  # a tag or a digest
    shown: str
    place: Place
    via: str = ""
    via_place: Optional[Place] = None


class Gap(Struct, frozen=True):
    """A value verify needs but cannot know: a macro without a value, a placeholder. ``what`` names the value
    and ``reason`` says why (neither quotes it)."""

    place: Place
    what: str
    reason: str
    macros: tuple[str, ...] = ()


class RegistryOutcome(Struct, frozen=True):
    """What one registry answered. ``failure`` is empty when it could be talked to; with a TLS failure,
    ``served`` is the certificate it serves (read on a second connection that sends nothing)."""

    failure: str = ""
    detail: str = ""
    served: Optional[Certificate] = None
    scheme: str = "https"
    challenge: str = ""
    realm: str = ""  # a Bearer challenge's token service (scheme://host[:port]/path)
    login: str = LOGIN_NONE
    login_detail: str = ""
    redirect: str = ""  # the other host a request was redirected to; credentials were not sent there
    redirect_request: str = ""  # which request was redirected ("GET /v2/")
    elapsed: float = 0.0


class ImageOutcome(Struct, frozen=True):
    """What the registry said of one image: its manifest and the platforms it holds."""

    status: str
    detail: str = ""
    media_type: str = ""
    platforms: tuple[str, ...] = ()  # "linux/amd64", "linux/arm64/v8", ...


class Observation(Struct, frozen=True):
    """One thing verify observed, for the verify rules: a registry and its outcome; an image, its registry's
    outcome and its own; or a gap. ``platform`` is the edge host's (``linux/amd64``)."""

    kind: str
    registry: Optional[Registry] = None
    outcome: Optional[RegistryOutcome] = None
    image: Optional[Image] = None
    image_outcome: Optional[ImageOutcome] = None
    gap: Optional[Gap] = None
    platform: str = "linux/amd64"


def platform_matches(wanted: str, platforms: tuple[str, ...]) -> bool:
    """Whether ``wanted`` (``linux/arm64``, ``linux/arm/v7``) is among ``platforms``; a variant is compared
    only when ``wanted`` gives one (``linux/arm64`` matches ``linux/arm64/v8``)."""
    want = wanted.split("/")
    for platform in platforms:
        have = platform.split("/")
        if have[:2] == want[:2] and (len(want) < 3 or have[2:3] == want[2:3]):
            return True
    return False


def describe_certificate(cert: Certificate) -> str:
    """How a message names a served certificate: its subject, the names it is for, its validity (all public)."""
    names = [*cert.dns_names, *cert.ip_addresses]
    issued = f"for {', '.join(names)}" if names else "with no subject alternative names"
    return (f"a certificate {issued} ('{cert.subject}', valid {cert.not_before.strftime('%Y-%m-%d')} to "
            f"{cert.not_after.strftime('%Y-%m-%d')}{', self-signed' if cert.self_signed else ''})")
