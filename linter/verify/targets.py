"""What ``palette-lint verify`` checks, found in the parsed files: every registry a credentials block names
(``providerCredentials`` in an OS layer; ``stylus.registryCredentials``, ``stylus.externalRegistries.registries[]``
and the targets of ``registryMappingRules`` in user-data) and every OS layer's provider image, where the edge host
will really pull it from (through the cluster's external registry or mapping rule when its user-data has one;
palette-formats.md sections 1.3, 1.5 and 6).

Each value keeps the document and YAML path it comes from, so a finding points at it. Macros are resolved with
the values the user passed (:mod:`linter.verify.macro_values`); a value that cannot be known becomes a
:class:`~linter.verify.observations.Gap`.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any, Iterable, Optional

from msgspec import Struct, field

from linter.certs import pem
from linter.document import Document
from linter.engine.clusters import Cluster
from linter.model import YamlPath
from linter.palette import credentials, images, macros
from linter.verify.macro_values import MacroValues, env_name
from linter.verify.observations import Credentials, Gap, Image, Place, Registry, Trust

PROVIDER = ("providerCredentials",)
REGISTRY_CREDENTIALS = ("stylus", "registryCredentials")
EXTERNAL = ("stylus", "externalRegistries")
CA_CERTS = ("stylus", "site", "caCerts")
#: The host Docker Hub's registry API answers on (``docker.io`` is its name in image references).
DOCKER_HUB_API = "registry-1.docker.io"


class Targets(Struct):
    """Everything one run verifies: registries (one per block that names one), provider images, gaps."""

    registries: list[Registry] = field(default_factory=list)
    images: list[Image] = field(default_factory=list)
    gaps: list[Gap] = field(default_factory=list)


def api_host(host: str) -> str:
    """The host a registry's API is reached on: ``docker.io`` -> ``registry-1.docker.io``; others as written,
    in lower case."""
    value = host.strip().lower()
    return DOCKER_HUB_API if images.normalize_host(value) == images.DOCKER_HUB else value


class _Finder:
    def __init__(self, values: MacroValues) -> None:
        self.values = values
        self.targets = Targets()
        self._blocks: dict[tuple[int, YamlPath], Optional[Registry]] = {}

    # ---- values ---------------------------------------------------------------------------------------------
    def text(self, doc: Document, path: YamlPath, what: str, options: Optional[dict[str, Any]] = None
             ) -> Optional[str]:
        """The value at ``path`` as text with its macros resolved; None when it is missing, or a gap."""
        value = doc.get(path)
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            return None
        raw = str(value).strip()
        if not raw:
            return None
        resolved, missing = self.values.resolve(raw, options or {})
        if missing:
            self.gap(doc, path, what, missing)
            return None
        return resolved.strip()

    def gap(self, doc: Document, path: YamlPath, what: str, missing: tuple[str, ...]) -> None:
        hints = [env_name(m) for m in missing]
        where = ", ".join(h for h in hints if h)
        how = f"set {where} or give the values in --macros FILE" if where else "give the values in --macros FILE"
        self.targets.gaps.append(Gap(Place(doc, path), what,
                                     f"it uses {', '.join(missing)}, which {'has' if len(missing) == 1 else 'have'} "
                                     f"no value here: {how}", missing))

    def trust(self, doc: Document, path: YamlPath) -> Optional[Trust]:
        """The certificates given at ``path`` (a PEM string, a list of them, or base64 PEM), as DER."""
        value = doc.get(path)
        if value is None or (isinstance(value, str) and not value.strip()) or value == []:
            return None
        ders: list[bytes] = []
        for text in pem.pem_texts(doc):
            if text.path[:len(path)] == path:
                for block in text.blocks:
                    der = block.der() if block.is_certificate else None
                    if der:
                        ders.append(der)
        return Trust(tuple(ders), Place(doc, path))

    def credentials(self, doc: Document, path: YamlPath, label: str, user_key: str, data: dict[str, Any],
                    options: Optional[dict[str, Any]] = None) -> Optional[Credentials]:
        user_path, password_path = path + (user_key,), path + ("password",)
        if data.get(user_key) in (None, "") and data.get("password") in (None, ""):
            return None
        user = self.text(doc, user_path, f"{label}.{user_key}", options)
        raw = data.get("password")
        if raw is None or raw == "":
            return None
        if isinstance(raw, str) and credentials.placeholder_kind(raw) is not None:
            self.targets.gaps.append(Gap(Place(doc, password_path), f"{label}.password",
                                         "it holds a placeholder, not a password: the login was not checked"))
            return None
        password = self.text(doc, password_path, f"{label}.password", options)
        if user is None or password is None:
            return None
        if data.get("encodedPassword") is True:
            try:
                password = base64.b64decode(password, validate=True).decode("utf-8")
            except (binascii.Error, UnicodeDecodeError, ValueError):
                self.targets.gaps.append(Gap(Place(doc, password_path), f"{label}.password",
                                             "encodedPassword is true but the password is not base64 text"))
                return None
        return Credentials(user, password, Place(doc, user_path), Place(doc, password_path))

    # ---- blocks ---------------------------------------------------------------------------------------------
    def block(self, doc: Document, path: YamlPath, label: str, host_key: str, user_key: str,
              trust_path: Optional[YamlPath], options: Optional[dict[str, Any]] = None) -> Optional[Registry]:
        """The registry of one credentials block (found once however often it is asked for)."""
        key = (id(doc), path)
        if key in self._blocks:
            return self._blocks[key]
        found: Optional[Registry] = None
        data = doc.get(path)
        if isinstance(data, dict):
            host_text = self.text(doc, path + (host_key,), f"{label}.{host_key}", options)
            host = api_host(images.split_registry(host_text)[0]) if host_text else ""
            if host and images.is_valid_host(host):
                gaps = len(self.targets.gaps)
                login = self.credentials(doc, path, label, user_key, data, options)
                found = Registry(host=host, place=Place(doc, path + (host_key,)), label=label,
                                 insecure=data.get("insecure") is True,
                                 trust=self.trust(doc, trust_path) if trust_path else None,
                                 credentials=login, unknown_credentials=login is None and len(self.targets.gaps) > gaps)
                self.targets.registries.append(found)
        self._blocks[key] = found
        return found

    def user_data(self, doc: Document) -> list[tuple[Registry, str]]:
        """The registries of one user-data document, with the path (domain's) each block's domain gives."""
        found: list[tuple[Registry, str]] = []
        if isinstance(doc.get(REGISTRY_CREDENTIALS), dict):
            registry = self.block(doc, REGISTRY_CREDENTIALS, "stylus.registryCredentials", "domain", "username",
                                  CA_CERTS)
            if registry is not None:
                found.append((registry, _domain_path(doc.get(REGISTRY_CREDENTIALS + ("domain",)))))
        entries = doc.get(EXTERNAL + ("registries",))
        if isinstance(entries, list):
            for index in range(len(entries)):
                path = EXTERNAL + ("registries", index)
                registry = self.block(doc, path, f"stylus.externalRegistries.registries[{index}]", "domain",
                                      "username", path + ("certificates",))
                if registry is not None:
                    found.append((registry, _domain_path(doc.get(path + ("domain",)))))
        rules = doc.get(EXTERNAL + ("registryMappingRules",))
        if isinstance(rules, dict):
            for source, target in rules.items():
                if not isinstance(target, str) or not target.strip():
                    continue
                host = api_host(images.split_registry(target)[0])
                if host and images.is_valid_host(host) and not any(r.host == host for r, _ in found):
                    self.anonymous(host, Place(doc, EXTERNAL + ("registryMappingRules", source)),
                                   f"the registryMappingRules target of {source}")
        return found

    def anonymous(self, host: str, place: Place, label: str) -> Registry:
        """A registry no credentials block names (a public provider image's, a mapping rule's target)."""
        key = (id(place.doc), place.path)
        existing = self._blocks.get(key)
        if existing is not None and existing.host == host:
            return existing
        registry = Registry(host=host, place=place, label=label)
        self._blocks[key] = registry
        self.targets.registries.append(registry)
        return registry

    # ---- provider images ------------------------------------------------------------------------------------
    def provider_image(self, layer: Document, external: Optional[Document]) -> None:
        options, _paths = macros.flat_options(layer.data)
        provider = self.block(layer, PROVIDER, "providerCredentials", "registry", "user",
                              PROVIDER + ("certificates",), options) if isinstance(layer.get(PROVIDER), dict) else None
        image = macros.provider_image(layer.data)
        if image.missing or image.agent_mode or not isinstance(image.raw, str):
            return
        resolved = self.text(layer, image.path, "options.system.uri", options)
        if resolved is None:
            return
        reference = images.parse_image(resolved)
        if reference is None:
            return  # not an image reference: PAL108 (check) says why
        shown = image.display or image.raw
        place = Place(layer, image.path)
        if external is not None:
            rewritten = self.through_external(external, resolved, shown, place)
            if rewritten is not None:
                return
        host = api_host(reference.host)
        registry = provider if provider is not None and provider.host == host else \
            self.anonymous(host, Place(layer, image.host_path or image.path), "the provider image's registry")
        self.targets.images.append(Image(registry, reference.repository, reference.digest or reference.tag or "latest",
                                         shown, place))

    def through_external(self, doc: Document, resolved: str, shown: str, place: Place) -> Optional[Image]:
        """The provider image as the user-data's external registry makes the node pull it (a mapping rule, or
        the first registry's domain prefixed; palette-formats.md 1.3 and 1.5); None when none applies."""
        blocks = self.user_data(doc)
        rules = doc.get(EXTERNAL + ("registryMappingRules",))
        via_place: Optional[Place] = None
        registry: Optional[Registry] = None
        mapped = images.mapping_rule_for(resolved, rules)
        if mapped is not None:
            source, rewritten = mapped
            via = f"as {_shown(rewritten, shown, resolved)}, rewritten by the registryMappingRules entry {source}"
            via_place = Place(doc, EXTERNAL + ("registryMappingRules", source))
        elif blocks:
            first = blocks[0][0]
            domain = doc.get(first.place.path)
            rewritten = images.prefixed_reference(self.text(doc, first.place.path, "domain") or str(domain), resolved)
            via = f"as {_shown(rewritten, shown, resolved)}, through the external registry of {first.label}"
            via_place = first.place
            registry = first
        else:
            return None
        reference = images.parse_image(rewritten)
        if reference is None:
            return None
        host = api_host(reference.host)
        if registry is None:
            same_host = [(r, p) for r, p in blocks if r.host == host]
            prefixed = [r for r, p in same_host if p and (reference.repository + "/").startswith(p + "/")]
            candidates = prefixed or [r for r, _ in same_host]
            registry = candidates[0] if candidates else None
        if registry is None:
            registry = self.anonymous(host, via_place, "the registryMappingRules target")
        found = Image(registry, reference.repository, reference.digest or reference.tag or "latest", shown, place,
                      via, via_place)
        self.targets.images.append(found)
        return found


def _domain_path(domain: Any) -> str:
    """The path part of a ``domain`` (``10.10.254.254:8000/spectro-images`` -> ``spectro-images``)."""
    return images.split_registry(domain)[1] if isinstance(domain, str) else ""


def _shown(rewritten: str, shown: str, resolved: str) -> str:
    """The rewritten reference for messages: its resolved part replaced by the reference as written (macros
    kept, so no macro value is printed)."""
    return rewritten.replace(resolved, shown) if resolved in rewritten else rewritten


def find_targets(clusters: Iterable[Cluster], values: MacroValues) -> Targets:
    """Every registry and provider image of ``clusters`` (each document once)."""
    finder = _Finder(values)
    for cluster in clusters:
        external = next((doc for doc in cluster.user_data
                         if isinstance(doc.get(EXTERNAL), dict) or isinstance(doc.get(REGISTRY_CREDENTIALS), dict)),
                        None)
        for layer in cluster.os_layers:
            finder.provider_image(layer, external)
        for doc in cluster.user_data:
            finder.user_data(doc)
    return finder.targets
