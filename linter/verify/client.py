"""Registry HTTP for ``palette-lint verify``, through httpx: the one module of palette-lint that opens connections.

Why httpx rather than an OCI client library: oras-py, the maintained Python OCI client, runs its own login flow
on top of requests. It hides which challenge the registry answered with, sends the credentials to a Bearer
realm on whatever host the registry names, and reports failures as exceptions without a stable kind. verify
must report each step (TLS, challenge, login, manifest, platforms) as its own finding and decide itself where
credentials may go, and the Distribution API calls it needs are few and documented (``GET /v2/``, a token
request, ``HEAD``/``GET`` of a manifest, ``GET`` of a config blob). httpx does the HTTP, the TLS (Python's ssl,
OpenSSL), the standard proxy variables (``HTTPS_PROXY``, ``NO_PROXY``, ...) and the timeouts.

Safety, enforced here:
- redirects are never followed automatically: a redirect to the same origin is followed with the request's
  credentials; one to another origin is not followed at all for ``/v2/``, token and manifest requests (it is
  reported), and is followed without credentials only for a content-addressed blob;
- credentials go over TLS, verified against the certificates given for the registry (else the system trust
  store); plain HTTP or unverified TLS only for a registry the file marks ``insecure``;
- every request has a timeout; a refused or reset connection is retried once, a timeout is not (the bound
  holds); a response body is read up to :data:`MAX_BODY` bytes.
"""

from __future__ import annotations

import json
import socket
import ssl
import time
from typing import Any, NamedTuple, Optional
from urllib.parse import urljoin, urlsplit
from urllib.request import parse_http_list, parse_keqv_list

import httpx

from linter import __version__
from linter.certs.certificate import Certificate, read_certificate
from linter.verify.observations import (
    DNS,
    HANDSHAKE,
    NETWORK,
    PROXY,
    REFUSED,
    TIMEOUT,
    TLS_EXPIRED,
    TLS_NOT_YET_VALID,
    TLS_UNTRUSTED,
    TLS_WRONG_HOST,
)

OCI_INDEX = "application/vnd.oci.image.index.v1+json"
DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json"
OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json"
INDEX_TYPES = (OCI_INDEX, DOCKER_LIST)
MANIFEST_ACCEPT = ", ".join((OCI_INDEX, DOCKER_LIST, OCI_MANIFEST, DOCKER_MANIFEST))
#: The most of a response body verify reads (manifests and image configs are kilobytes).
MAX_BODY = 4 * 1024 * 1024
MAX_REDIRECTS = 5
#: OpenSSL's verification error codes (X509_V_ERR_*) that name a specific problem.
_EXPIRED, _NOT_YET_VALID, _HOSTNAME_MISMATCH, _IP_MISMATCH = 10, 9, 62, 64
_REDIRECTS = (301, 302, 303, 307, 308)


class RequestFailed(Exception):
    """A request that got no HTTP answer: ``kind`` is one of the failure kinds of
    :mod:`linter.verify.observations`, ``detail`` says what happened (never a secret)."""

    def __init__(self, kind: str, detail: str) -> None:
        super().__init__(detail)
        self.kind = kind
        self.detail = detail


class Reply(NamedTuple):
    """An HTTP answer: status, headers, body (bounded), and the other origin it redirected to (not followed)."""

    status: int
    headers: httpx.Headers
    body: bytes
    elsewhere: str = ""


class Challenge(NamedTuple):
    scheme: str  # lower case: "basic", "bearer", ...
    params: dict[str, str]


def trust_context(certificates: Optional[tuple[bytes, ...]], insecure: bool) -> ssl.SSLContext:
    """The TLS settings for one registry: the given certificates (DER) as the only trust anchors, each one
    trusted on its own (a server certificate given for a self-signed registry works, as in Go); the system
    trust store when none are given; no verification for a registry marked ``insecure``. Host names are matched
    against the subject alternative names only, as Go (containerd) does."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    if insecure:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        return context
    if certificates is None:
        context.load_default_certs()
    elif certificates:
        context.load_verify_locations(cadata=b"".join(certificates))
    context.verify_flags |= ssl.VERIFY_X509_PARTIAL_CHAIN
    context.hostname_checks_common_name = False
    return context


def _causes(exc: BaseException) -> list[BaseException]:
    found: list[BaseException] = []
    current: Optional[BaseException] = exc
    while current is not None and current not in found and len(found) < 10:
        found.append(current)
        current = current.__cause__ or current.__context__
    return found


def classify(exc: Exception, timeout: float) -> RequestFailed:
    """An httpx exception as a failure kind and a plain description."""
    if isinstance(exc, httpx.TimeoutException):
        return RequestFailed(TIMEOUT, f"no answer within {timeout:g} s")
    if isinstance(exc, httpx.ProxyError):
        return RequestFailed(PROXY, "the proxy (from the *_PROXY environment variables) failed the connection")
    for cause in _causes(exc):
        if isinstance(cause, ssl.SSLCertVerificationError):
            code = cause.verify_code
            kind = {_EXPIRED: TLS_EXPIRED, _NOT_YET_VALID: TLS_NOT_YET_VALID, _HOSTNAME_MISMATCH: TLS_WRONG_HOST,
                    _IP_MISMATCH: TLS_WRONG_HOST}.get(code, TLS_UNTRUSTED)
            return RequestFailed(kind, cause.verify_message or "certificate verify failed")
        if isinstance(cause, ssl.SSLError):
            return RequestFailed(HANDSHAKE, f"the TLS handshake failed ({cause.reason or type(cause).__name__})")
        if isinstance(cause, socket.gaierror):
            return RequestFailed(DNS, "the host name does not resolve (DNS)")
        if isinstance(cause, ConnectionRefusedError):
            return RequestFailed(REFUSED, "the connection was refused (nothing listens on that port)")
        if isinstance(cause, (httpx.RemoteProtocolError, httpx.ReadError)):
            return RequestFailed(NETWORK, "the server closed the connection without an HTTP answer")
        if isinstance(cause, OSError) and cause.strerror:
            return RequestFailed(NETWORK, cause.strerror.lower())
    return RequestFailed(NETWORK, f"the request failed ({type(exc).__name__})")


def parse_challenge(header: str) -> Optional[Challenge]:
    """A ``WWW-Authenticate`` header's first challenge: ``Bearer realm="...",service="..."``."""
    text = header.strip()
    if not text:
        return None
    scheme, _, rest = text.partition(" ")
    params: dict[str, str] = {}
    try:
        params = {k.lower(): v for k, v in parse_keqv_list(parse_http_list(rest)).items()} if rest.strip() else {}
    except ValueError:
        params = {}
    return Challenge(scheme.lower(), params)


def origin_of(url: str) -> str:
    """``https://Host:443/x`` -> ``https://host:443``: scheme, host and port (the default port filled in)."""
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    host = (parts.hostname or "").lower()
    return f"{parts.scheme}://{'[' + host + ']' if ':' in host else host}:{port}"


def host_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.netloc.rsplit("@", 1)[-1].lower()


class RegistryClient:
    """HTTP to one registry (``scheme://host``). Not thread-safe: one per registry, used by one thread."""

    def __init__(self, host: str, scheme: str, context: ssl.SSLContext, timeout: float, retries: int = 1) -> None:
        self.host = host
        self.scheme = scheme
        self.origin = f"{scheme}://{host}"
        self.timeout = timeout
        self.retries = retries
        self.http = httpx.Client(verify=context, timeout=httpx.Timeout(timeout), follow_redirects=False,
                                 trust_env=True, headers={"User-Agent": f"palette-lint/{__version__} (verify)"})

    def close(self) -> None:
        self.http.close()

    def __enter__(self) -> RegistryClient:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def request(self, method: str, target: str, *, auth: Optional[httpx.Auth] = None,
                headers: Optional[dict[str, str]] = None, blob: bool = False) -> Reply:
        """``method`` on ``target`` (a path on this registry, or a URL). ``auth`` is sent only to this
        registry's origin; a redirect elsewhere is returned unfollowed (``Reply.elsewhere``), except for a
        ``blob``, which is fetched from there without credentials."""
        url = target if "://" in target else self.origin + target
        home = origin_of(self.origin)
        if auth is not None and origin_of(url) != home:
            auth = None  # a token service on another origin gets no credentials
        for _hop in range(MAX_REDIRECTS + 1):
            reply = self._send(method, url, auth, headers or {})
            location = reply.headers.get("location") if reply.status in _REDIRECTS else None
            if not location:
                return reply
            following = urljoin(url, location)
            if origin_of(following) != origin_of(url):
                if not blob:
                    return reply._replace(elsewhere=host_of(following))
                auth = None
            url = following
        raise RequestFailed(NETWORK, f"more than {MAX_REDIRECTS} redirects")

    def _send(self, method: str, url: str, auth: Optional[httpx.Auth], headers: dict[str, str]) -> Reply:
        attempt = 0
        while True:
            try:
                with self.http.stream(method, url, auth=auth if auth is not None else httpx.USE_CLIENT_DEFAULT,
                                      headers=headers) as response:
                    body = b""
                    if method != "HEAD":
                        for chunk in response.iter_bytes():
                            body += chunk
                            if len(body) > MAX_BODY:
                                raise RequestFailed(NETWORK, f"the answer is larger than {MAX_BODY} bytes")
                    return Reply(response.status_code, response.headers, body)
            except httpx.HTTPError as exc:
                failed = classify(exc, self.timeout)
                if failed.kind in (REFUSED, NETWORK) and attempt < self.retries:
                    attempt += 1
                    time.sleep(0.2)
                    continue
                raise failed from None

    def served_certificate(self) -> Optional[Certificate]:
        """The certificate the registry serves, read on a connection that does not verify it and sends nothing
        but an anonymous ``GET /v2/``: what to show when verification failed. None when it cannot be read."""
        context = trust_context(None, insecure=True)
        try:
            with httpx.Client(verify=context, timeout=httpx.Timeout(self.timeout), follow_redirects=False,
                              trust_env=True) as client:
                with client.stream("GET", self.origin + "/v2/") as response:
                    stream = response.extensions.get("network_stream")
                    ssl_object = stream.get_extra_info("ssl_object") if stream is not None else None
                    der = ssl_object.getpeercert(True) if ssl_object is not None else None  # _ssl._SSLSocket: positional
        except (httpx.HTTPError, OSError, ValueError):
            return None
        return read_certificate(der) if der else None


def basic_auth(user: str, password: str) -> httpx.Auth:
    return httpx.BasicAuth(user, password)


class BearerToken(httpx.Auth):
    """``Authorization: Bearer TOKEN`` (a token from the registry's token service)."""

    def __init__(self, token: str) -> None:
        self._token = token

    def __repr__(self) -> str:
        return "BearerToken(***)"

    def auth_flow(self, request: httpx.Request) -> Any:
        request.headers["Authorization"] = f"Bearer {self._token}"
        yield request


def token_from(reply: Reply) -> Optional[str]:
    """The token of a token service's JSON answer (``token`` or ``access_token``)."""
    try:
        data = json.loads(reply.body)
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    token = data.get("token") or data.get("access_token")
    return token if isinstance(token, str) and token else None


def json_body(reply: Reply) -> Optional[dict[str, Any]]:
    try:
        data = json.loads(reply.body)
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def media_type(reply: Reply) -> str:
    return reply.headers.get("content-type", "").split(";", 1)[0].strip().lower()
