"""A new provider image in a deployed profile repaves every cluster that moves to the new version.

## What it does
Compares the OS layer of a deployed profile with its base revision (`--base-ref`, or pre-commit's refs)
and reports when the provider image changes: `options.system.uri` itself, or a `system.*` option it is
templated from (`{{.spectro.pack.edge-native-byoi.options.system.registry}}/...`, followed through
options that are templates themselves), including such an option removed from the profile. The finding is
at `system.uri` when its text changed or an option it uses was removed, else at each option that changed;
the base version is cited. Rewriting `system.uri` so that it names the same
image (inlining an option, say) is not reported; Agent Mode (`system.uri: NA`) has no provider image.

It is a note, not a problem: it tells the reviewer what the change does to the running fleet.
A file is deployed when it existed at the base revision, unless the `deployed:` and `new:` patterns of
`.palette-lint.yaml` say otherwise; a new file listed under `deployed:` is compared with the file git finds
it was copied from (`infra-v2.yaml` from `infra-v1.yaml`), else with an empty profile. Without a base
revision the rule is skipped, and the run says so.

## Why is this bad?
Palette's Edge upgrade behavior repaves a cluster when `options.system.uri`, or a parameter it is
templated from, changes: each node is reinstalled from the new provider image and its workloads are
drained and restarted. Every cluster that moves to this profile version is repaved. That is often
intended (a Kubernetes or OS upgrade), but a reviewer should see it before the change is merged and
rolled out.

## Example
```yaml
# file: before/values.yaml
options:
  system.registry: harbor.example.com
  system.repo: edge/ubuntu-k3s
  system.peVersion: v4.5.3
  system.uri: '{{.spectro.pack.edge-native-byoi.options.system.registry}}/{{.spectro.pack.edge-native-byoi.options.system.repo}}:{{.spectro.pack.edge-native-byoi.options.system.peVersion}}'
# file: after/values.yaml
options:
  system.registry: harbor.example.com
  system.repo: edge/ubuntu-k3s
  system.peVersion: v4.6.1
  system.uri: '{{.spectro.pack.edge-native-byoi.options.system.registry}}/{{.spectro.pack.edge-native-byoi.options.system.repo}}:{{.spectro.pack.edge-native-byoi.options.system.peVersion}}'
```

## Use instead
Changes that do not touch the provider image (here `system.customTag` is not part of `system.uri`), or
the new image in a new profile for new clusters:
```yaml
# file: before/values.yaml
options:
  system.customTag: demo
  system.uri: harbor.example.com/edge/ubuntu-k3s:v1.30.4-v4.5.3
# file: after/values.yaml
options:
  system.customTag: store
  system.uri: harbor.example.com/edge/ubuntu-k3s:v1.30.4-v4.5.3
# file: after/next/values.yaml
options:
  system.uri: harbor.example.com/edge/ubuntu-k3s:v1.31.1-v4.6.1
```

## Source
"Edge Cluster Upgrade Behavior" (https://docs.spectrocloud.com/clusters/edge/cluster-management/upgrade-behavior/):
a change to `options.system.uri`, or to any parameter `system.uri` is templated from, repaves the cluster;
the other `options.system.*` keys are a no-op. "Deploy Cluster with a Private Provider Registry" says
moving an active cluster to a profile version with a changed OS layer triggers a full cluster repave
(https://docs.spectrocloud.com/clusters/edge/site-deployment/deploy-custom-registries/deploy-private-registry/).
Comparing the image the options resolve to, rather than the text, is an inference.
"""

from __future__ import annotations

from typing import Any, Iterator, Optional

from linter.api import OS_LAYER, Document, Issue, Related, RuleContext, macros, rule

URI = "system.uri"


@rule(id="PAL401", name="os-layer-repave", scope="change", kinds={OS_LAYER}, severity="note",
      tags=("change-impact", "provider-registry"))
def check(before: Optional[Document], after: Document, ctx: RuleContext) -> Iterator[Issue]:
    if not ctx.deployed:
        return
    image = macros.provider_image(after.data)
    if image.missing or image.agent_mode:
        return
    old_image = macros.provider_image(before.data if before is not None else None)
    options, paths = macros.flat_options(after.data)
    old_options, _old_paths = macros.flat_options(before.data if before is not None else None)
    related: tuple[Related, ...] = ()
    if before is not None and not old_image.missing:
        related = (Related(f"at the base revision {ctx.base}: {old_image.display or 'no image'}",
                           at=old_image.path, doc=before),)
    impact = ("every cluster on this profile is repaved when it moves to this version (each node is "
              "reinstalled from the new image, its workloads drained and restarted); roll it out as a repave, "
              "in a maintenance window")
    if _text(options.get(URI)) != _text(old_options.get(URI)):
        if image.display == old_image.display:
            return  # written differently, the same image
        was = f"from {old_image.display} " if old_image.display else ""
        yield Issue("the provider image changes in a deployed profile (a repave)",
                    help=f"it changes {was}to {image.display}: {impact}",
                    at=image.path, related=related, value=image.display)
        return
    for key in _sources(options, old_options):
        if _text(options.get(key)) == _text(old_options.get(key)):
            continue
        if key not in paths:  # removed: system.uri now renders without it
            yield Issue(
                f"removing {key} changes the provider image of a deployed profile (a repave)",
                help=f"options.system.uri is templated from {key}, so the provider image changes: {impact}",
                at=image.path, related=related, value=f"{key}|removed",
            )
            continue
        yield Issue(
            f"{key} changes the provider image of a deployed profile (a repave)",
            help=f"options.system.uri is templated from {key}, so the provider image changes: {impact}",
            at=paths[key], related=(Related(f"options.system.uri ({image.display}) is templated from it",
                                            at=image.path), *related),
            value=f"{key}|{_text(options.get(key))}",
        )


def _sources(options: dict[str, Any], old_options: dict[str, Any]) -> list[str]:
    """The options ``system.uri`` is templated from, directly or through other templated options, in this
    version or, for an option this version removed, in the base version."""
    found: list[str] = []
    pending = [URI]
    while pending:
        name = pending.pop(0)
        value = options[name] if name in options else old_options.get(name)
        for key in macros.option_references(value) if isinstance(value, str) else []:
            if (key in options or key in old_options) and key not in found and key != URI:
                found.append(key)
                pending.append(key)
    return found


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else "" if value is None else str(value)
