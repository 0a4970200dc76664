"""A change to `providerCredentials` in a deployed profile may never reach the clusters that use it.

## What it does
Compares the OS layer of a deployed profile with its base revision (`--base-ref`, or pre-commit's refs)
and reports each of `providerCredentials.registry`, `user` and `password` that was changed, added or
removed (one finding when the whole `providerCredentials` block is added or removed). Values are never
quoted: the message names the field only. A password given as a macro counts as changed when the macro's
name changes; a new value behind the same macro is invisible here. Certificates are
`tls-certificate-on-existing-cluster` (PAL105).

A file is deployed when it existed at the base revision, unless the `deployed:` and `new:` patterns of
`.palette-lint.yaml` say otherwise; a new file listed under `deployed:` is compared with the file git finds
it was copied from (`infra-v2.yaml` from `infra-v1.yaml`), else with an empty profile. Without a base
revision the rule is skipped, and the run says so.

## Why is this bad?
Palette's two pages disagree on what happens to an existing cluster. "Edge Cluster Upgrade Behavior"
lists `providerCredentials.*` among the OS-layer changes that are a no-op: the clusters keep pulling the
provider image with the old credentials, and fail at their next repave or node replacement once the old
credentials are revoked. "Deploy Cluster with a Private Provider Registry" says moving an active cluster
to the profile version that adds the credentials triggers a full repave. Either way the change is not a
quiet credential rotation: keep the old credentials valid until every existing cluster has been replaced
or repaved and checked, or give new credentials to new clusters only.

## Example
```yaml
# file: before/values.yaml
providerCredentials:
  registry: harbor.example.com
  user: robot-edge
  password: '{{.spectro.macro.REGISTRY_PASSWORD}}'
options:
  system.uri: harbor.example.com/edge/ubuntu-k3s:v1.30.4-v4.5.3
# file: after/values.yaml
providerCredentials:
  registry: harbor.example.com
  user: robot-edge-2026
  password: '{{.spectro.macro.REGISTRY_PASSWORD_2026}}'
options:
  system.uri: harbor.example.com/edge/ubuntu-k3s:v1.30.4-v4.5.3
```

## Use instead
Keep the deployed profile's credentials (rotate the password behind the same macro in Palette, and in the
registry, once every cluster uses it), and give new credentials to a new profile:
```yaml
# file: before/values.yaml
providerCredentials:
  registry: harbor.example.com
  user: robot-edge
  password: '{{.spectro.macro.REGISTRY_PASSWORD}}'
options:
  system.uri: harbor.example.com/edge/ubuntu-k3s:v1.30.4-v4.5.3
# file: after/values.yaml
providerCredentials:
  registry: harbor.example.com
  user: robot-edge
  password: '{{.spectro.macro.REGISTRY_PASSWORD}}'
options:
  system.uri: harbor.example.com/edge/ubuntu-k3s:v1.30.4-v4.5.3
# file: after/new-sites/values.yaml
providerCredentials:
  registry: harbor.example.com
  user: robot-edge-2026
  password: '{{.spectro.macro.REGISTRY_PASSWORD_2026}}'
options:
  system.uri: harbor.example.com/edge/ubuntu-k3s:v1.30.4-v4.5.3
```

## Source
- "Edge Cluster Upgrade Behavior", OS layer: `providerCredentials.*` changes are a no-op for existing
  clusters (https://docs.spectrocloud.com/clusters/edge/cluster-management/upgrade-behavior/).
- "Deploy Cluster with a Private Provider Registry", step 8: updating an active cluster to the profile
  version with the credentials "will trigger a full cluster repave"
  (https://docs.spectrocloud.com/clusters/edge/site-deployment/deploy-custom-registries/deploy-private-registry/).
- The two pages conflict (palette-formats.md section 2.4); the warning, and the advice to keep the old
  credentials valid, are inferences that hold under either reading.
"""

from __future__ import annotations

from typing import Any, Iterator, Optional

from linter.api import OS_LAYER, Document, Issue, Related, RuleContext, rule

KEY = "providerCredentials"
FIELDS = ("registry", "user", "password")
WHY = ("Palette's Edge upgrade-behavior page lists providerCredentials changes as a no-op for existing "
       "clusters (its private-registry page speaks of a full repave instead)")
KEEP = ("so the clusters already on this profile may keep using the old credentials; keep them valid in the "
        "registry until every existing cluster is replaced or repaved")


@rule(id="PAL402", name="provider-credentials-change-not-applied", scope="change", kinds={OS_LAYER},
      severity="warning", tags=("change-impact", "provider-registry"))
def check(before: Optional[Document], after: Document, ctx: RuleContext) -> Iterator[Issue]:
    if not ctx.deployed:
        return
    now = after.get((KEY,))
    then = before.get((KEY,)) if before is not None else None
    if not isinstance(now, dict) and not isinstance(then, dict):
        return
    base = (Related(f"at the base revision {ctx.base}", at=(KEY,), doc=before),) if before is not None else ()
    if not isinstance(then, dict):
        yield Issue("providerCredentials added to a deployed profile",
                    help=f"{WHY}, so the clusters already on this profile may never use them; make sure they can "
                         "still pull the provider image without them, and expect only new clusters to use the "
                         "credentials",
                    at=(KEY,), part="key", related=base, value="added")
        return
    if not isinstance(now, dict):
        yield Issue("providerCredentials removed from a deployed profile", help=f"{WHY}, {KEEP}",
                    at=(KEY,), part="key", related=base, value="removed")
        return
    for field in FIELDS:
        old, new = _text(then.get(field)), _text(now.get(field))
        if old == new:
            continue
        verb = "added" if not old else "removed" if not new else "changed"
        at = (KEY, field) if new else (KEY,)
        related = (Related(f"at the base revision {ctx.base}", at=(KEY, field), doc=before),) \
            if before is not None else ()
        yield Issue(f"providerCredentials.{field} {verb} in a deployed profile", help=f"{WHY}, {KEEP}",
                    at=at, part="key" if not new else "auto", related=related, value=f"{field}|{verb}")


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else "" if value is None else str(value)
