"""The OS layer must name its provider image, and `providerCredentials.registry` must be a plain registry host.

## What it does
Checks the two values that tell Palette where the provider image comes from, in the OS layer's values
(a standalone values file or the OS pack's `values` in a profile):
- `options.system.uri` must be an image reference (`registry.example.com/edge/ubuntu-k3s:v1.30.4`).
  A value with a scheme (`https://`), blanks, upper-case repository names or no value at all is reported;
  when the uri is templated from other options (`{{.spectro.pack.edge-native-byoi.options.system.registry}}/...`),
  the options are filled in first and the result is checked. Macros that cannot be resolved here
  (`{{.spectro.system.kubernetes.version}}`, `{{.spectro.macro.NAME}}`) are assumed to be fine.
- When `providerCredentials` is set, `options.system.uri` must be there: the credentials exist only to
  pull that image (error). Another OS pack than BYOOS is left to `provider-credentials-need-byoos` (PAL107).
- When `options.system.uri` is `NA` (Agent Mode), no provider image is pulled at all, so
  `providerCredentials` has no effect (a note).
- `providerCredentials.registry` must be a registry domain or IP address, with an optional port:
  a scheme (`https://harbor.example.com`) is an error; a path (`harbor.example.com/edge`) is a warning.

## Why is this bad?
The edge host pulls the provider image named by `system.uri` when the cluster is created or repaved. A
reference that does not parse fails that pull on the device, far from the profile that caused it.
`providerCredentials` without a provider image, or in Agent Mode, authenticates nothing and suggests a
protection that is not there. Credentials are matched to the image by registry host: with a scheme in
`registry` the host is never matched, and a path is not part of a registry's identity (both inference,
from how container runtimes key credentials by host).

## Example
```yaml
pack:
  content:
    images:
      - image: '{{.spectro.pack.edge-native-byoi.options.system.uri}}'
providerCredentials:
  registry: https://harbor.example.com
  user: robot-edge
  password: '{{.spectro.macro.REGISTRY_PASSWORD}}'
options:
  system.uri: harbor.example.com/edge/ubuntu-k3s:v1.30.4-v4.5.3
```
```yaml
options:
  system.registry: https://ttl.sh
  system.uri: '{{.spectro.pack.edge-native-byoi.options.system.registry}}/ubuntu:k3s-v1.30.4'
```

## Use instead
```yaml
pack:
  content:
    images:
      - image: '{{.spectro.pack.edge-native-byoi.options.system.uri}}'
providerCredentials:
  registry: harbor.example.com
  user: robot-edge
  password: '{{.spectro.macro.REGISTRY_PASSWORD}}'
options:
  system.uri: harbor.example.com/edge/ubuntu-k3s:v1.30.4-v4.5.3
```
```yaml
options:
  system.registry: ttl.sh
  system.uri: '{{.spectro.pack.edge-native-byoi.options.system.registry}}/ubuntu:k3s-{{.spectro.system.kubernetes.version}}'
```

## Source
- "Deploy Cluster with a Private Provider Registry"
  (https://docs.spectrocloud.com/clusters/edge/site-deployment/deploy-custom-registries/deploy-private-registry/):
  `system.uri` holds the custom OS image built with EdgeForge, and `providerCredentials.registry` takes a
  `<registry_domain or IP Address>` (example `registry-1.docker.io`).
- Agent Mode sets `system.uri` to `NA` ("Install Palette Agent", palette-formats.md 2.2). That
  `providerCredentials` then has no effect is an inference: there is no provider image to pull.
- Inference: the warning for a path in `registry` and the error for a scheme follow from credentials
  being matched by registry host; the image reference grammar is the OCI distribution reference grammar.
"""

from __future__ import annotations

from typing import Any, Iterator, Optional

from linter.api import (
    BYOOS_PACK,
    OS_LAYER,
    Document,
    Issue,
    Related,
    RuleContext,
    Severity,
    TextFix,
    fixes,
    images,
    macros,
    rule,
)

CREDENTIALS = ("providerCredentials",)
REGISTRY = ("providerCredentials", "registry")


@rule(id="PAL108", name="provider-image-reference", scope="document", kinds={OS_LAYER}, severity="error",
      tags=("correctness", "provider-registry"))
def check(doc: Document, ctx: RuleContext) -> Iterator[Issue]:
    has_credentials = isinstance(doc.get(CREDENTIALS), dict)
    image = macros.provider_image(doc.data)
    yield from _check_uri(doc, image, has_credentials)
    yield from _check_registry(doc)


def _check_uri(doc: Document, image: macros.ProviderImage, has_credentials: bool) -> Iterator[Issue]:
    if image.missing:
        if has_credentials and _byoos_or_unknown(doc):
            anchor = ("options",) if doc.has(("options",)) else CREDENTIALS
            yield Issue(
                "providerCredentials is set but options has no system.uri",
                help="the credentials exist to pull the provider image named there, so they authenticate nothing; "
                     "set options.system.uri to the provider image built with EdgeForge (registry/repository:tag)",
                at=anchor, part="key", value="missing",
            )
        return
    if image.agent_mode:
        if has_credentials:
            yield Issue(
                "providerCredentials has no effect in Agent Mode (options.system.uri is NA)",
                help="no provider image is pulled, the host keeps its own OS; remove providerCredentials",
                at=CREDENTIALS, part="key", severity=Severity.NOTE, value="agent-mode",
            )
        return
    if not isinstance(image.raw, str):
        kind = "empty" if image.raw is None else f"a {_type_name(image.raw)}"
        yield Issue(
            f"options.system.uri is {kind}, not an image reference",
            help="the edge host cannot pull the provider image; set it to the provider image built with EdgeForge, "
                 "quoted (registry/repository:tag)",
            at=image.path, value="not-a-string",
        )
        return
    if image.reference is not None:
        return
    if image.templated:
        culprits = [(key, path) for key, path in image.sources
                    if isinstance(doc.get(path), str) and images.has_scheme(doc.get(path))]
        cited = culprits or list(image.sources)
        related = tuple(Related(f"system.uri is templated from {key}", at=path) for key, path in cited)
        names = ", ".join(key for key, _path in culprits)
        verb = "has" if len(culprits) == 1 else "have"
        hint = f"{names} {verb} a scheme: write only the host; " if culprits else ""
        yield Issue(
            "options.system.uri does not resolve to an image reference",
            help=f"{hint}it resolves to '{image.display}': the edge host cannot pull the provider image; fix the options "
                 "it is templated from so that it reads registry/repository:tag",
            at=image.path, related=related, value=image.display,
        )
        return
    yield Issue(
        f"options.system.uri is not an image reference ({_problem(image.display)})",
        help=f"'{image.display}' cannot be pulled by the edge host; write it as registry/repository:tag, e.g. "
             "harbor.example.com/edge/ubuntu-k3s:v1.30.4",
        at=image.path, value=image.display,
    )


def _byoos_or_unknown(doc: Document) -> bool:
    """Whether the OS layer is the BYOOS pack or its pack is unknown: another OS pack names its image elsewhere
    and gets ``provider-credentials-need-byoos`` (PAL107) instead."""
    name = doc.pack.name.strip().lower() if doc.pack is not None else ""
    return not name or name == BYOOS_PACK


def _check_registry(doc: Document) -> Iterator[Issue]:
    registry = doc.get(REGISTRY)
    if not isinstance(registry, str) or not registry.strip() or macros.contains_macro(registry):
        return
    host, path = images.split_registry(registry)
    if images.has_scheme(registry):
        scheme = registry.strip().split("://", 1)[0]
        host = images.split_registry(registry)[0]  # a scheme written twice (https://https://...) is dropped whole
        write = f"write '{host}'" if host else "write the registry host alone, e.g. harbor.example.com:8443"
        yield Issue(
            f"providerCredentials.registry has a scheme ({scheme}://)",
            help=f"Palette wants a registry domain or IP address, and the credentials are matched to the provider "
                 f"image by host; {write}",
            at=REGISTRY, value="scheme", fix=_host_only(doc, registry, host),
        )
    elif path:
        yield Issue(
            f"providerCredentials.registry has a path (/{path})",
            help=f"it names a registry by domain or IP address (with an optional port), and credentials are matched "
                 f"by host; write '{host}' and keep the path in options.system.uri",
            at=REGISTRY, severity=Severity.WARNING, value="path", fix=_host_only(doc, registry, host),
        )
    elif not images.is_valid_host(host):
        yield Issue(
            "providerCredentials.registry is not a registry domain or IP address",
            help="the credentials cannot be matched to the provider image; write the registry host, e.g. "
                 "harbor.example.com:8443",
            at=REGISTRY, value="host",
        )


def _host_only(doc: Document, registry: str, host: str) -> Optional[TextFix]:
    """The fix: delete what surrounds the host (a scheme, a path), so the field is the host alone."""
    start = registry.find(host, registry.find("://") + 3 if "://" in registry else 0)
    if not host or start < 0 or "@" in registry[:start]:
        return None  # user information in the URL: not a text to edit blindly
    end = start + len(host)
    edits = []
    if start:
        edits.append(fixes.replace_in_value(doc, REGISTRY, 0, start, ""))
    if end < len(registry):
        edits.append(fixes.replace_in_value(doc, REGISTRY, end, len(registry), ""))
    return fixes.safe(f"keep only the host, {host}", *edits)


def _problem(reference: str) -> str:
    text = reference.strip()
    if images.has_scheme(text):
        return "it has a scheme: drop " + text.split("://", 1)[0] + "://"
    if not text:
        return "it is empty"
    if any(c.isspace() for c in text):
        return "it contains blanks"
    name = text.split("@", 1)[0]
    first, _, rest = name.partition("/")
    repository = rest if rest and ("." in first or ":" in first or first == "localhost") else name
    last = repository.rsplit("/", 1)[-1]
    if ":" in last:  # the tag starts at the first colon of the last segment: a tag holds none
        repository = repository[: len(repository) - len(last)] + last.split(":", 1)[0]
    if repository != repository.lower():
        return "repository names are lower case"
    return "expected registry/repository:tag"


def _type_name(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, dict):
        return "mapping"
    if isinstance(value, list):
        return "list"
    return type(value).__name__

