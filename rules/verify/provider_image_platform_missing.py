"""The provider image must hold an image for the edge host's platform.

## What it does
When the provider image's manifest exists (PAL508), `palette-lint verify` reads the platforms it holds: the
entries of an OCI image index or Docker manifest list, or the image configuration of a single manifest. This rule
reports a provider image without the edge host's platform: `linux/amd64` by default, `--arch arm64` (or
`arm/v7`, ...) for other hosts. The finding is at `system.uri`.

## Why is this bad?
An edge host pulls the image for its own architecture; without one, the pull fails with "no matching manifest"
and the site stops at deployment. It happens when a multi-architecture build pushed only one architecture, or an
x86 image is rolled out to ARM devices.

## Example
```yaml
pack:
  content:
    images:
      - image: '{{.spectro.pack.edge-native-byoi.options.system.uri}}'
options:
  system.uri: harbor.example.com/edge/ubuntu-k3s:v1.30.4-v4.5.3-arm64-only
```

## Use instead
```yaml
pack:
  content:
    images:
      - image: '{{.spectro.pack.edge-native-byoi.options.system.uri}}'
options:
  system.uri: harbor.example.com/edge/ubuntu-k3s:v1.30.4-v4.5.3
```

## Source
- The OCI Image Index Specification (`manifests[].platform`) and the OCI Image Configuration (`os`,
  `architecture`, `variant`).
- EdgeForge builds a provider image per architecture (CanvOS `ARCH`, amd64 or arm64).
"""

from __future__ import annotations

from typing import Iterator

from linter.api import OS_LAYER, USER_DATA, Issue, Observation, Related, RuleContext, observations, rule


@rule(id="PAL509", name="provider-image-platform-missing", scope="verify", kinds={OS_LAYER, USER_DATA},
      severity="error", tags=("verify", "provider-registry"))
def check(observation: Observation, ctx: RuleContext) -> Iterator[Issue]:
    image, result = observation.image, observation.image_outcome
    if observation.kind != observations.IMAGE or image is None or result is None:
        return
    if result.status != observations.FOUND or not result.platforms:
        return
    if observations.platform_matches(observation.platform, result.platforms):
        return
    where = f" ({image.via})" if image.via else ""
    related = (Related("the rule that decides where the node pulls the image", at=image.via_place.path,
                       doc=image.via_place.doc),) if image.via_place is not None else ()
    yield Issue(f"the provider image {image.shown}{where} has no {observation.platform} image (it has "
                f"{', '.join(result.platforms)}): an edge host of that platform cannot pull it; push the image for "
                "it, or set the edge host's platform with --arch", at=image.place.path, doc=image.place.doc,
                related=related, value=f"{image.registry.host}/{image.repository}:{image.reference}|{observation.platform}")
