"""`providerCredentials` only works in the BYOOS pack (`edge-native-byoi`).

## What it does
Reports `providerCredentials` at the root of an OS layer whose pack is known and is not the Bring Your Own
OS pack `edge-native-byoi`: an `edge-native-ubuntu` or other `edge-native-*` OS pack, `generic-byoi`, the
deprecated `byoi-agent-mode`, and so on. The pack is the profile's pack entry (`name`) for values inside a
profile, or the pack a standalone values file names in its own `{{.spectro.pack.NAME.options...}}`
macros. When the pack cannot be told (a standalone values file without such a macro), the rule is silent.

## Why is this bad?
A private provider registry serves the custom provider image built with EdgeForge, and only the BYOOS pack
pulls such an image (`options.system.uri`) and reads `providerCredentials`. In another OS pack the
credentials are dead configuration: the cluster does not use the private registry you set up, and the
other Edge OS packs are documented as unavailable for new Edge clusters.

## Example
```yaml
name: edge-store-infra
cloudType: edge-native
packs:
  - name: edge-native-ubuntu
    layer: os
    version: 22.04
    values: |
      providerCredentials:
        registry: harbor.example.com
        user: robot-edge
        password: '{{.spectro.macro.REGISTRY_PASSWORD}}'
      options:
        system.uri: harbor.example.com/edge/ubuntu-k3s:v1.30.4-v4.5.3
```

## Use instead
```yaml
name: edge-store-infra
cloudType: edge-native
packs:
  - name: edge-native-byoi
    layer: os
    version: 2.0.0
    values: |
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

## Source
"Deploy Cluster with a Private Provider Registry", step 4: "You should choose the Bring Your Own OS (BYOOS)
pack for your OS layer"; step 6 points to the BYOOS pack page for `providerCredentials`
(https://docs.spectrocloud.com/clusters/edge/site-deployment/deploy-custom-registries/deploy-private-registry/).
The BYOOS pack is `edge-native-byoi` ("Bring Your Own OS", https://docs.spectrocloud.com/integrations/byoos/).
That other OS packs ignore `providerCredentials` is an inference: only the BYOOS pack documents the field.
"""

from __future__ import annotations

from typing import Iterator

from linter.api import BYOOS_PACK, OS_LAYER, Document, Issue, Related, RuleContext, rule

CREDENTIALS = ("providerCredentials",)


@rule(id="PAL107", name="provider-credentials-need-byoos", scope="document", kinds={OS_LAYER}, severity="error",
      tags=("correctness", "provider-registry"))
def check(doc: Document, ctx: RuleContext) -> Iterator[Issue]:
    if not isinstance(doc.get(CREDENTIALS), dict) or doc.pack is None:
        return
    name = doc.pack.name.strip()
    if not name or name.lower() == BYOOS_PACK:
        return
    related: tuple[Related, ...] = ()
    if doc.parent is not None and len(doc.base) >= 2:
        related = (Related(f"the OS layer is the pack '{name}'", at=doc.base[:-1] + ("name",), doc=doc.parent),)
    yield Issue(
        f"providerCredentials in the OS pack '{name}' are ignored",
        help=f"only the BYOOS pack {BYOOS_PACK} pulls a custom provider image with these credentials; use "
             f"{BYOOS_PACK} for the OS layer with the provider image built by EdgeForge in options.system.uri",
        at=CREDENTIALS, part="key", related=related, value=name,
    )
