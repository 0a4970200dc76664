"""Container image references and registry hosts, compared the way a registry client would.

Hosts are normalised: lower case; scheme, credentials, path and default ports dropped; Docker Hub's aliases
(``registry-1.docker.io``, ``index.docker.io``, ``registry.hub.docker.com``) folded into ``docker.io``.
"""

from __future__ import annotations

import re
from typing import Optional

from msgspec import Struct

DOCKER_HUB = "docker.io"
_DOCKER_ALIASES = {"docker.io", "registry-1.docker.io", "index.docker.io", "registry.hub.docker.com",
                   "hub.docker.com"}
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
#: Every scheme at the start, a scheme written twice too (``https://https://host``); linear: a scheme's
#: characters cannot be its ``://``.
_SCHEMES = re.compile(r"^(?:[A-Za-z][A-Za-z0-9+.-]*://)+")
_COMPONENT = re.compile(r"^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$")
_TAG = re.compile(r"^[\w][\w.-]{0,127}$")
_DIGEST = re.compile(r"^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$")
_HOST = re.compile(r"^(?:\[[0-9a-fA-F:]+\]|[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*)(?::[0-9]+)?$")


class ImageReference(Struct, frozen=True):
    host: str  # normalised registry host
    repository: str
    tag: str = ""
    digest: str = ""
    explicit_host: bool = True  # False when the reference names no registry (Docker Hub implied)


def has_scheme(text: str) -> bool:
    return bool(_SCHEME.match(text.strip()))


def without_schemes(text: str) -> str:
    """``text`` stripped, without the scheme (or schemes) it starts with."""
    return _SCHEMES.sub("", text.strip())


def split_registry(text: str) -> tuple[str, str]:
    """A registry field's (host with port, path) once schemes and credentials are dropped."""
    value = without_schemes(text)
    if "@" in value.split("/", 1)[0]:
        value = value.rsplit("@", 1)[1]  # user information runs to the last "@"
    host, _, path = value.partition("/")
    return host, path.strip("/")


def normalize_host(host: str) -> str:
    """``Registry-1.Docker.IO:443`` -> ``docker.io``; ``harbor.local:443`` -> ``harbor.local``."""
    value = host.strip().lower().rstrip(".")
    if value.endswith(":443"):
        value = value[:-4]
    elif value.endswith(":80"):
        value = value[:-3]
    value = value.rstrip(".")
    if value in _DOCKER_ALIASES:
        return DOCKER_HUB
    return value


def registry_host(text: str) -> str:
    """The normalised host of a registry field (``providerCredentials.registry``, ``domain``)."""
    host, _path = split_registry(text)
    return normalize_host(host)


def host_without_port(host: str) -> str:
    if host.startswith("["):
        return host.split("]", 1)[0] + "]"
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def is_valid_host(host: str) -> bool:
    return bool(_HOST.match(host))


def parse_image(reference: str) -> Optional[ImageReference]:
    """Parse a reference such as ``example.io:5000/team/os:v1.4.5`` or ``ubuntu@sha256:...``; None when it
    is not a valid image reference."""
    text = reference.strip()
    if not text or any(c.isspace() for c in text) or has_scheme(text):
        return None
    digest = ""
    if "@" in text:
        text, digest = text.split("@", 1)
        if not _DIGEST.match(digest):
            return None
    first, _, rest = text.partition("/")
    explicit = bool(rest) and ("." in first or ":" in first or first == "localhost" or first != first.lower())
    if explicit:
        host, remainder = first, rest
        if not is_valid_host(host):
            return None
    else:
        host, remainder = DOCKER_HUB, text
    tag = ""
    last = remainder.rsplit("/", 1)[-1]
    if ":" in last:
        name_part, tag = last.rsplit(":", 1)
        remainder = remainder[: len(remainder) - len(last)] + name_part
        if not _TAG.match(tag):
            return None
    components = remainder.split("/")
    if not remainder or not all(_COMPONENT.match(c) for c in components):
        return None
    if not explicit and len(components) == 1:
        remainder = "library/" + remainder
    return ImageReference(normalize_host(host), remainder, tag, digest, explicit)


# ---- registries that authenticate with tokens (palette-formats.md section 7) ----------------------

_ECR = re.compile(r"^\d{12}\.dkr\.ecr(?:-fips)?\.[a-z0-9-]+\.amazonaws\.com(?:\.cn)?$")
_ECR_LOOSE = re.compile(r"(?:^|\.)dkr\.ecr(?:-fips)?\.[a-z0-9-]+\.amazonaws\.com(?:\.cn)?$")
_ARTIFACT_REGISTRY = re.compile(r"^(?:[a-z0-9-]+-)?docker\.pkg\.dev$")
_GCR = re.compile(r"^(?:[a-z0-9-]+\.)?gcr\.io$")
_ACR = re.compile(r"^[a-z0-9-]+\.azurecr\.(?:io|cn|us)$")


def token_registry(host: str) -> Optional[str]:
    """The token-authenticating service behind a normalised host, if any."""
    bare = host_without_port(normalize_host(host))
    if _ECR.match(bare) or _ECR_LOOSE.search(bare):
        return "AWS ECR"
    if bare == "public.ecr.aws":
        return "AWS ECR Public"
    if _ARTIFACT_REGISTRY.match(bare):
        return "Google Artifact Registry"
    if _GCR.match(bare):
        return "Google Container Registry"
    if _ACR.match(bare):
        return "Azure Container Registry"
    return None


#: Palette's own public image sources: anonymous mirrors, fine as mapping-rule keys (palette-formats.md 7).
PALETTE_PUBLIC_SOURCES = ("us-docker.pkg.dev/palette-images", "gcr.io/spectro-images-public",
                          "gcr.io/spectro-dev-public", "us-east1-docker.pkg.dev/spectro-images")


def is_palette_public_source(text: str) -> bool:
    value = _SCHEME.sub("", text.strip()).lower().rstrip("/")
    return any(value == s or value.startswith(s + "/") for s in PALETTE_PUBLIC_SOURCES)


# ---- credentials that are tokens, not a user name and password (palette-formats.md section 7) -------

#: User names that mean "the password is a token" (or a key file), with the service that issues them.
TOKEN_USERNAMES = {
    "aws": "AWS ECR",
    "oauth2accesstoken": "Google Cloud (an OAuth access token)",
    "_json_key": "Google Cloud (a service account key)",
    "_json_key_base64": "Google Cloud (a base64 service account key)",
    "_dcgcloud_token": "Google Cloud (a gcloud helper token)",
    "00000000-0000-0000-0000-000000000000": "Azure Container Registry (a Microsoft Entra token)",
}
_JWT = re.compile(r"^eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$")
_ECR_TOKEN_PREFIX = "eyJwYXlsb2FkIjoi"  # base64 of '{"payload":"', how an ECR authorization token starts


def token_username(user: object) -> Optional[str]:
    """What a token user name stands for (``AWS`` -> AWS ECR ...), None for an ordinary user name.
    ``AWS`` is matched as written (ECR's user name is upper case); the others ignore case."""
    if not isinstance(user, str):
        return None
    value = user.strip()
    if value == "AWS":
        return TOKEN_USERNAMES["aws"]
    if value.lower() == "aws":
        return None
    return TOKEN_USERNAMES.get(value.lower())


def token_password(password: object) -> Optional[str]:
    """What kind of token a password looks like, None when it looks like an ordinary password. The result
    names the kind only: it never contains the password."""
    if not isinstance(password, str):
        return None
    value = password.strip()
    if value.startswith("ya29."):
        return "a Google OAuth access token"
    if value.startswith(_ECR_TOKEN_PREFIX):
        return "an AWS ECR authorization token"
    if _JWT.match(value):
        return "a JSON Web Token"
    return None


# ---- where an external registry sends an image (palette-formats.md sections 1.3 and 1.5) ------------


def mapping_rule_for(reference: str, rules: object) -> Optional[tuple[str, str]]:
    """The ``registryMappingRules`` entry (source prefix, rewritten reference) that applies to ``reference``:
    the longest source that equals the reference or is a prefix of it at a ``/`` boundary. A reference that
    names no registry is also tried with Docker Hub's host. None when no rule applies."""
    if not isinstance(rules, dict):
        return None
    text = reference.strip()
    candidates = [text]
    parsed = parse_image(text)
    if parsed is not None and not parsed.explicit_host:
        canonical = f"{DOCKER_HUB}/{parsed.repository}" + (f":{parsed.tag}" if parsed.tag else "") \
            + (f"@{parsed.digest}" if parsed.digest else "")
        candidates.extend(dict.fromkeys((f"{DOCKER_HUB}/{text}", canonical)))
    best: Optional[tuple[str, str]] = None
    for source, target in rules.items():
        if not isinstance(source, str) or not isinstance(target, str) or not source.strip():
            continue
        prefix = _SCHEME.sub("", source.strip()).rstrip("/")
        for candidate in candidates:
            if candidate == prefix or candidate.startswith(prefix + "/"):
                rewritten = _SCHEME.sub("", target.strip()).rstrip("/") + candidate[len(prefix):]
                if best is None or len(prefix) > len(_SCHEME.sub("", best[0].strip()).rstrip("/")):
                    best = (source, rewritten)
                break
    return best


def prefixed_reference(domain: str, reference: str) -> str:
    """``reference`` pulled through an external registry: its domain (with path) prefixed to the original
    reference, ``10.10.254.254:8000/spectro-images`` + ``quay.io/kairos/x:1`` -> ``10.10.254.254:8000/...``."""
    return _SCHEME.sub("", domain.strip()).rstrip("/") + "/" + reference.strip()
