"""The kinds of document and the shapes that tell them apart (palette-formats.md sections 1, 2.2 and 5). The
readers of ``linter/inputs/`` decide a file's kind with these tests.

- ``user-data``: EdgeForge installer or site user-data: a ``#cloud-config`` first line, or a ``stylus`` mapping.
- ``os-layer``: the values of a profile's OS layer (the BYOOS ``edge-native-byoi`` pack): top-level ``options``
  with a ``system.*`` key, ``pack.content.images``, or ``providerCredentials`` at the root.
- ``profile``: a whole profile: a Palette export JSON (``spec.template.packs[]``) or a packs-list YAML
  (top-level ``packs[]``, as terraform-spectrocloud-modules keeps them); or a cluster's profiles as the Palette
  API takes them when a cluster is created or updated (``spec.profiles[].packValues[]``).
- ``pack-values``: the values of any other pack embedded in a profile.
- ``terraform``: a Terraform file that declares profiles or clusters, and a cluster resource in it: no rule reads
  these; they hold the profiles, clusters and pack values that are documents of their own.
- ``markdown``: a Markdown file with fenced blocks of Palette configuration: no rule reads it; each block is a
  document of its own kind.
- ``unknown``: anything else.
"""

from __future__ import annotations

import re
from typing import Any, Optional

USER_DATA = "user-data"
OS_LAYER = "os-layer"
PROFILE = "profile"
PACK_VALUES = "pack-values"
TERRAFORM = "terraform"
MARKDOWN = "markdown"
UNKNOWN = "unknown"

#: The BYOOS pack for Edge (palette-formats.md 2.1).
BYOOS_PACK = "edge-native-byoi"
#: Pack names that are OS layers when a profile gives no ``layer`` (INFER: Edge OS packs are ``edge-native-*``
#: apart from the Kubernetes and CNI ones, plus the generic and legacy OS packs).
_OS_PACK_NAMES = {"edge-native-byoi", "generic-byoi", "edge-native-ubuntu", "edge-native-opensuse",
                  "ubuntu-edge", "byoi-agent-mode", "edge-native-rhel", "edge-native-sles"}


#: The BYOOS pack's own image reference: ``pack.content.images`` names the provider image through it.
_OS_IMAGE_MACRO = re.compile(r"\.spectro\.pack\.[A-Za-z0-9_-]{1,128}\.options\.system\.")


def looks_like_os_layer(data: Any) -> bool:
    """Whether values are an OS layer's, by what only an OS layer has: ``options`` with ``system.*`` keys,
    ``providerCredentials`` at the root, or a ``pack.content.images`` entry that names the image through the
    pack's own ``options.system.*`` macro. ``pack.content.images`` alone is not enough: every pack (a Helm
    chart's values too) lists its images there."""
    if not isinstance(data, dict):
        return False
    options = data.get("options")
    if isinstance(options, dict):
        if any(isinstance(k, str) and k.startswith("system.") for k in options):
            return True
        if isinstance(options.get("system"), dict):
            return True
    pack = data.get("pack")
    images = pack.get("content", {}).get("images") if isinstance(pack, dict) and isinstance(
        pack.get("content"), dict) else None
    if isinstance(images, list) and any(isinstance(entry, dict) and isinstance(entry.get("image"), str)
                                        and _OS_IMAGE_MACRO.search(entry["image"]) for entry in images):
        return True
    return "providerCredentials" in data and "packs" not in data


def is_export(data: dict[str, Any]) -> bool:
    spec = data.get("spec")
    return isinstance(spec, dict) and isinstance(spec.get("template"), dict) \
        and isinstance(spec["template"].get("packs"), list)


def is_packs_list(data: dict[str, Any]) -> bool:
    packs = data.get("packs")
    return isinstance(packs, list) and bool(packs) and all(isinstance(p, dict) for p in packs) \
        and any("values" in p or "layer" in p for p in packs)


def is_cluster_payload(data: dict[str, Any]) -> bool:
    """A cluster create or update request of the Palette API: ``spec.profiles[]`` with ``packValues[]``."""
    spec = data.get("spec")
    profiles = spec.get("profiles") if isinstance(spec, dict) else None
    return isinstance(profiles, list) and any(isinstance(p, dict) and isinstance(p.get("packValues"), list)
                                              for p in profiles)


def pack_entries(data: Any) -> list[tuple[tuple[Any, ...], Any]]:
    """The YAML path and the entry of every pack a profile lists: an export's ``spec.template.packs[]``, a packs
    list's ``packs[]``, or every profile's ``packValues[]`` in a cluster request."""
    if not isinstance(data, dict):
        return []
    if is_export(data):
        return [(("spec", "template", "packs", i), pack) for i, pack in enumerate(data["spec"]["template"]["packs"])]
    if is_cluster_payload(data):
        return [(("spec", "profiles", p, "packValues", i), pack)
                for p, profile in enumerate(data["spec"]["profiles"]) if isinstance(profile, dict)
                and isinstance(profile.get("packValues"), list) for i, pack in enumerate(profile["packValues"])]
    packs = data.get("packs")
    if isinstance(packs, list):
        return [(("packs", i), pack) for i, pack in enumerate(packs)]
    return []


def pack_is_os_layer(pack: dict[str, Any], values: Any) -> bool:
    """Whether a pack of a profile is its OS layer: by ``layer``, else by name, else by its values."""
    layer = pack.get("layer")
    if isinstance(layer, str) and layer:
        return layer.lower() == "os"
    name = pack.get("name")
    if isinstance(name, str) and name in _OS_PACK_NAMES:
        return True
    return looks_like_os_layer(values)


def pack_name_from_macros(text: str) -> Optional[str]:
    """The pack a standalone OS-layer file names in its own ``{{.spectro.pack.NAME.options...}}`` macros."""
    found = re.search(r"\.spectro\.pack\.([A-Za-z0-9_-]{1,128})\.options\.", text)
    return found.group(1) if found else None
