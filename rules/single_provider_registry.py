"""A cluster pulls provider images from one private registry: one `providerCredentials`, on the image's host.

## What it does
Looks at every document of a cluster (its profiles, OS-layer values and user-data; a file linted alone is
a cluster of its own) and reports:
- every `providerCredentials` after the first, at any depth and in any layer or profile: two OS-layer
  values, a copy under `pack:` or in another pack's values, a second profile of the same cluster. The one
  at the root of the OS-layer values counts as the first; the finding cites it;
- a provider image on another registry than `providerCredentials.registry`: the host of
  `options.system.uri` (or of `options.system.registry` when the uri is templated from it) differs from
  the credentials' registry. Hosts are compared the way a registry client does: case, default ports
  (`:443`), Docker Hub's aliases (`registry-1.docker.io` is `docker.io`), and a scheme or path written by
  mistake do not count. Skipped in Agent Mode (`system.uri: NA`) and when the host cannot be resolved
  (it comes from a macro).

## Why is this bad?
Palette documents that a cluster cannot pull provider images from more than one private registry. With
two credentials blocks only one is used, and which one is not documented; with credentials for one
registry and the image on another, the credentials are never sent to the image's registry and the pull
fails with an authorization error on the edge host, at deployment or at the next repave.

## Example
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
  system.uri: registry.example.org/edge/ubuntu-k3s:v1.30.4-v4.5.3
```
```yaml
# file: infra.yaml
name: edge-store-infra
cloudType: edge-native
packs:
  - name: edge-native-byoi
    layer: os
    values: |
      providerCredentials:
        registry: harbor.example.com
        user: robot-edge
        password: '{{.spectro.macro.REGISTRY_PASSWORD}}'
      options:
        system.uri: harbor.example.com/edge/ubuntu-k3s:v1.30.4-v4.5.3
# file: addons.yaml
name: edge-store-addons
cloudType: edge-native
packs:
  - name: nginx
    layer: addon
    values: |
      providerCredentials:
        registry: quay.example.com
        user: robot-apps
        password: '{{.spectro.macro.QUAY_PASSWORD}}'
```

## Use instead
```yaml
pack:
  content:
    images:
      - image: '{{.spectro.pack.edge-native-byoi.options.system.uri}}'
providerCredentials:
  registry: Harbor.Example.com:443
  user: robot-edge
  password: '{{.spectro.macro.REGISTRY_PASSWORD}}'
options:
  system.registry: harbor.example.com
  system.uri: '{{.spectro.pack.edge-native-byoi.options.system.registry}}/edge/ubuntu-k3s:v1.30.4-v4.5.3'
```

## Source
"Deploy Cluster with a Private Provider Registry", Limitations: "A cluster cannot pull provider images from
more than one private registry"
(https://docs.spectrocloud.com/clusters/edge/site-deployment/deploy-custom-registries/deploy-private-registry/).
Reading a second `providerCredentials` anywhere in the cluster, and a provider image on another host
than the credentials' registry, as a breach of that limitation is an inference: the page does not say
whether `providerCredentials.registry` must match the `system.uri` host, but credentials are only sent to
the registry they name.
"""

from __future__ import annotations

from typing import Any, Iterator

from linter.api import (
    ALL_DOCUMENT_KINDS,
    OS_LAYER,
    Cluster,
    Document,
    Issue,
    Related,
    RuleContext,
    YamlPath,
    format_path,
    images,
    macros,
    rule,
)

KEY = "providerCredentials"
ROOT = (KEY,)


@rule(id="PAL101", name="single-provider-registry", scope="cluster", kinds=ALL_DOCUMENT_KINDS, severity="error",
      tags=("correctness", "provider-registry"))
def check(cluster: Cluster, ctx: RuleContext) -> Iterator[Issue]:
    yield from _duplicates(cluster)
    for doc in cluster.os_layers:
        yield from _host_mismatch(doc)


def _duplicates(cluster: Cluster) -> Iterator[Issue]:
    found: list[tuple[int, int, Document, YamlPath]] = []
    for order, doc in enumerate(cluster.documents):
        for path in doc.find_key(KEY):
            if doc.get(path) is None:
                continue  # an empty key configures nothing
            primary = doc.kind == OS_LAYER and tuple(path) == ROOT
            found.append((0 if primary else 1, order, doc, tuple(path)))
    if len(found) < 2:
        return
    found.sort(key=lambda item: (item[0], item[1]))
    _rank, _order, first_doc, first_path = found[0]
    first_registry = _registry(first_doc.get(first_path))
    first_line = first_doc.span_of(first_path, "key").line
    for _rank, _order, doc, path in found[1:]:
        where = f"line {first_line}" if doc.path == first_doc.path else f"{first_doc.describe()}, line {first_line}"
        registry = _registry(doc.get(path))
        hosts = ""
        if registry and first_registry and images.registry_host(registry) != images.registry_host(first_registry):
            hosts = f", for {images.registry_host(first_registry)}; this one is for {images.registry_host(registry)}"
        yield Issue(
            "a second providerCredentials in the cluster",
            help=f"the first is at {where}{hosts}; a cluster can pull provider images from only one private "
                 "registry: keep one providerCredentials, at the root of the OS-layer values, and delete the others",
            at=path, part="key", doc=doc,
            related=(Related(f"the first providerCredentials ({format_path(first_doc.outer_path(first_path))})",
                             at=first_path, doc=first_doc),),
            value=format_path(doc.outer_path(path)),
        )


def _host_mismatch(doc: Document) -> Iterator[Issue]:
    registry = _registry(doc.get(ROOT))
    if not registry:
        return
    credentials_host = images.registry_host(registry)
    image = macros.provider_image(doc.data)
    if not credentials_host or image.agent_mode or not image.host or image.host == credentials_host:
        return
    via = ""
    if image.host_path != image.path:
        option = ".".join(str(step) for step in image.host_path[1:])
        via = f" (system.uri is templated from {option})"
    yield Issue(
        "providerCredentials are for another registry than the image",
        help=f"the provider image is on {image.host}{via}, providerCredentials.registry is {credentials_host}: a cluster uses one private provider registry and "
             f"these credentials are not sent to {image.host}, so the pull fails; push the provider image to "
             f"{credentials_host} or set providerCredentials.registry to {image.host}",
        at=image.host_path, doc=doc,
        related=(Related(f"providerCredentials.registry names {credentials_host}", at=ROOT + ("registry",),
                         doc=doc),),
        value=f"{image.host}|{credentials_host}",
    )


def _registry(value: Any) -> str:
    """The plain ``registry`` of a credentials mapping ('' when missing, not text or a macro)."""
    if not isinstance(value, dict):
        return ""
    registry = value.get("registry")
    if not isinstance(registry, str) or not registry.strip() or macros.contains_macro(registry):
        return ""
    return registry
