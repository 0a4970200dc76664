"""The sequence ``palette-lint verify`` runs against one registry and the provider images on it:

1. connect, with TLS verified against the certificates given for the registry (else the system trust store);
   when verification fails, read the certificate the registry serves (on a connection that sends nothing);
2. ``GET /v2/`` without credentials: the challenge (none, ``Basic`` or ``Bearer``);
3. log in with the file's user name and password: ``GET /v2/`` with them (``Basic``), or a token from the
   registry's token service when that service is on the registry's own origin (credentials never go to
   another host);
4. for each image: ``HEAD`` its manifest (OCI index, Docker manifest list and single manifests accepted), then
   read the platforms it holds (the index, or a single manifest's image config).

Registries are checked in parallel, at most :data:`MAX_PARALLEL` at a time; blocks that name the same registry
with the same certificates and credentials are checked once.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Optional

import httpx

from linter.verify import client as http
from linter.verify.client import RegistryClient, Reply, RequestFailed
from linter.verify.observations import (
    BASIC,
    BEARER,
    DENIED,
    FOUND,
    HANDSHAKE,
    IMAGE_ERROR,
    LOGIN_NOT_SENT,
    LOGIN_OK,
    LOGIN_REJECTED,
    MISSING,
    NOT_A_REGISTRY,
    NOT_CHECKED,
    OPEN,
    TLS_FAILURES,
    Image,
    ImageOutcome,
    Registry,
    RegistryOutcome,
)

MAX_PARALLEL = 4


class Session:
    """What the checks of one registry found out, and what the image checks need: the client and the way to
    authenticate (a Basic login, a token)."""

    def __init__(self, registry: Registry, timeout: float) -> None:
        self.registry = registry
        self.timeout = timeout
        self.client: Optional[RegistryClient] = None
        self.outcome = RegistryOutcome()
        self.basic: Optional[httpx.Auth] = None
        self.bearer: Optional[http.Challenge] = None

    def connect(self) -> RegistryOutcome:
        registry = self.registry
        schemes = ("https", "http") if registry.insecure else ("https",)
        reply: Optional[Reply] = None
        for scheme in schemes:
            context = http.trust_context(registry.trust.certificates if registry.trust else None, registry.insecure)
            self.client = RegistryClient(registry.host, scheme, context, self.timeout)
            try:
                reply = self.client.request("GET", "/v2/")
                break
            except RequestFailed as failed:
                if failed.kind == HANDSHAKE and scheme != schemes[-1]:
                    self.client.close()
                    continue  # an insecure registry that speaks plain HTTP
                served = self.client.served_certificate() if failed.kind in TLS_FAILURES else None
                return RegistryOutcome(failure=failed.kind, detail=failed.detail, served=served, scheme=scheme)
        assert reply is not None and self.client is not None
        scheme = self.client.scheme
        if reply.elsewhere:
            return RegistryOutcome(scheme=scheme, redirect=reply.elsewhere, redirect_request="GET /v2/")
        if reply.status == 200:
            return RegistryOutcome(scheme=scheme, challenge=OPEN)
        challenge = http.parse_challenge(reply.headers.get("www-authenticate", "")) if reply.status == 401 else None
        if challenge is None:
            return RegistryOutcome(failure=NOT_A_REGISTRY, scheme=scheme,
                                   detail=f"GET /v2/ answered HTTP {reply.status}, not a registry API answer")
        if challenge.scheme == BASIC:
            return self._login_basic(RegistryOutcome(scheme=scheme, challenge=BASIC))
        if challenge.scheme == BEARER:
            self.bearer = challenge
            return self._login_bearer(RegistryOutcome(scheme=scheme, challenge=BEARER,
                                                      realm=challenge.params.get("realm", "")))
        return RegistryOutcome(scheme=scheme, challenge=challenge.scheme)

    def _login_basic(self, outcome: RegistryOutcome) -> RegistryOutcome:
        credentials = self.registry.credentials
        if credentials is None or self.client is None:
            return outcome
        auth = http.basic_auth(credentials.user, credentials.password)
        try:
            reply = self.client.request("GET", "/v2/", auth=auth)
        except RequestFailed as failed:
            return _replace(outcome, failure=failed.kind, detail=failed.detail)
        if reply.elsewhere:
            return _replace(outcome, redirect=reply.elsewhere, redirect_request="GET /v2/ with the credentials")
        if reply.status == 200:
            self.basic = auth
            return _replace(outcome, login=LOGIN_OK)
        if reply.status in (401, 403):
            return _replace(outcome, login=LOGIN_REJECTED, login_detail=f"HTTP {reply.status}")
        return _replace(outcome, failure=NOT_A_REGISTRY,
                        detail=f"GET /v2/ with the credentials answered HTTP {reply.status}")

    def _login_bearer(self, outcome: RegistryOutcome) -> RegistryOutcome:
        credentials = self.registry.credentials
        realm = outcome.realm
        if credentials is None or self.client is None or not realm:
            return outcome
        if http.origin_of(realm) != http.origin_of(self.client.origin):
            return _replace(outcome, login=LOGIN_NOT_SENT,
                            login_detail=f"the token service is {http.host_of(realm)}, another host")
        try:
            reply = self._token_request("", http.basic_auth(credentials.user, credentials.password))
        except RequestFailed as failed:
            return _replace(outcome, failure=failed.kind, detail=f"the token service: {failed.detail}")
        if reply.elsewhere:
            return _replace(outcome, redirect=reply.elsewhere, redirect_request="the token request")
        if reply.status == 200 and http.token_from(reply):
            self.basic = http.basic_auth(credentials.user, credentials.password)
            return _replace(outcome, login=LOGIN_OK)
        if reply.status in (401, 403):
            return _replace(outcome, login=LOGIN_REJECTED, login_detail=f"the token service answered HTTP {reply.status}")
        return _replace(outcome, login_detail=f"the token service answered HTTP {reply.status}")

    def _token_request(self, scope: str, auth: Optional[httpx.Auth]) -> Reply:
        assert self.client is not None and self.bearer is not None
        params = {k: v for k, v in (("service", self.bearer.params.get("service", "")), ("scope", scope)) if v}
        url = str(httpx.URL(self.bearer.params.get("realm", ""), params=params))
        return self.client.request("GET", url, auth=auth)

    def _image_auth(self, repository: str) -> Optional[httpx.Auth]:
        """How to authenticate a pull of ``repository``: the Basic login, or a pull token (with the
        credentials when the token service is on the registry's origin, anonymous otherwise)."""
        if self.bearer is None:
            return self.basic
        try:
            reply = self._token_request(f"repository:{repository}:pull", self.basic)
        except RequestFailed:
            return None
        token = http.token_from(reply) if reply.status == 200 and not reply.elsewhere else None
        return http.BearerToken(token) if token else None

    def image(self, image: Image) -> ImageOutcome:
        assert self.client is not None
        auth = self._image_auth(image.repository)
        path = f"/v2/{image.repository}/manifests/{image.reference}"
        headers = {"Accept": http.MANIFEST_ACCEPT}
        try:
            head = self.client.request("HEAD", path, auth=auth, headers=headers)
            if head.elsewhere:
                return ImageOutcome(IMAGE_ERROR, f"HEAD of the manifest was redirected to {head.elsewhere}, another "
                                                 "host (credentials are not sent there)")
            if head.status == 404:
                return ImageOutcome(MISSING, "HTTP 404")
            if head.status in (401, 403):
                return ImageOutcome(DENIED, f"HTTP {head.status}")
            if head.status != 200:
                return ImageOutcome(IMAGE_ERROR, f"HEAD of the manifest answered HTTP {head.status}")
            manifest = self.client.request("GET", path, auth=auth, headers=headers)
            body = http.json_body(manifest) if manifest.status == 200 else None
            if body is None:
                return ImageOutcome(FOUND, "the manifest could not be read", http.media_type(head))
            kind = str(body.get("mediaType") or http.media_type(manifest) or http.media_type(head))
            if kind in http.INDEX_TYPES or isinstance(body.get("manifests"), list):
                return ImageOutcome(FOUND, "", kind, _index_platforms(body))
            return ImageOutcome(FOUND, "", kind, self._config_platform(image.repository, body, auth))
        except RequestFailed as failed:
            return ImageOutcome(IMAGE_ERROR, failed.detail)

    def _config_platform(self, repository: str, manifest: dict[str, object],
                         auth: Optional[httpx.Auth]) -> tuple[str, ...]:
        assert self.client is not None
        config = manifest.get("config")
        digest = config.get("digest") if isinstance(config, dict) else None
        if not isinstance(digest, str):
            return ()
        reply = self.client.request("GET", f"/v2/{repository}/blobs/{digest}", auth=auth, blob=True)
        data = http.json_body(reply) if reply.status == 200 else None
        platform = _platform(data) if data is not None else ""
        return (platform,) if platform else ()

    def close(self) -> None:
        if self.client is not None:
            self.client.close()


def _platform(data: dict[str, object]) -> str:
    os_name, arch, variant = data.get("os"), data.get("architecture"), data.get("variant")
    if not isinstance(os_name, str) or not isinstance(arch, str):
        return ""
    return f"{os_name}/{arch}" + (f"/{variant}" if isinstance(variant, str) and variant else "")


def _index_platforms(index: dict[str, object]) -> tuple[str, ...]:
    found: list[str] = []
    manifests = index.get("manifests")
    for entry in manifests if isinstance(manifests, list) else ():
        platform = entry.get("platform") if isinstance(entry, dict) else None
        text = _platform(platform) if isinstance(platform, dict) else ""
        if text and text != "unknown/unknown":
            found.append(text)
    return tuple(dict.fromkeys(found))


def _replace(outcome: RegistryOutcome, **changes: object) -> RegistryOutcome:
    from msgspec.structs import replace

    return replace(outcome, **changes)


def check_registry(registry: Registry, images: list[Image], timeout: float
                   ) -> tuple[RegistryOutcome, dict[int, ImageOutcome]]:
    """The outcome of one registry and of each of its images (by index in ``images``)."""
    session = Session(registry, timeout)
    try:
        outcome = session.connect()
        results: dict[int, ImageOutcome] = {}
        usable = not outcome.failure and not outcome.redirect and outcome.login != LOGIN_REJECTED
        for index, image in enumerate(images):
            results[index] = session.image(image) if usable else ImageOutcome(NOT_CHECKED)
        return outcome, results
    finally:
        session.close()


def check_all(registries: list[Registry], images: list[Image], timeout: float
              ) -> tuple[dict[int, RegistryOutcome], dict[int, ImageOutcome]]:
    """Check every registry (once per network key) and every image; outcomes by ``id()`` of the registry and
    image objects."""
    groups: dict[tuple[object, ...], tuple[Registry, list[Registry], list[Image]]] = {}
    for registry in registries:
        groups.setdefault(registry.network_key(), (registry, [], []))[1].append(registry)
    for image in images:
        groups.setdefault(image.registry.network_key(), (image.registry, [], []))[2].append(image)
    registry_outcomes: dict[int, RegistryOutcome] = {}
    image_outcomes: dict[int, ImageOutcome] = {}
    if not groups:
        return registry_outcomes, image_outcomes
    with ThreadPoolExecutor(max_workers=min(MAX_PARALLEL, len(groups))) as pool:
        futures = {key: pool.submit(check_registry, first, group_images, timeout)
                   for key, (first, _members, group_images) in groups.items()}
        for key, future in futures.items():
            outcome, results = future.result()
            _first, members, group_images = groups[key]
            for member in members:
                registry_outcomes[id(member)] = outcome
            for index, image in enumerate(group_images):
                image_outcomes[id(image)] = results[index]
                registry_outcomes.setdefault(id(image.registry), outcome)
    return registry_outcomes, image_outcomes
