"""Macros in credential and image fields must be well formed.

## What it does
In a profile's OS layer and packs' values, checks the Palette macros of credential fields (passwords,
tokens, `user`, `username`, `registry`, `domain`, `certificates`) and image fields (`image`, the
`system.*` options, `stylusPackage`, `pack.content.images`) and reports:

- unbalanced braces: `{{.spectro.macro.X}`, `{.spectro.macro.X}}`, a `{{` never closed;
- an unknown scope: `.spectro.macros.`, `.spectro.vars.` (the scopes are `macro`, `var`, `system`, `pack`);
- a path without its leading dot (`{{spectro.macro.X}}`) or with a space in it;
- a hyphen or another character that is not a letter, digit or underscore in a macro or variable name
  (`{{.spectro.var.registry-password}}`), or a name with several parts;
- a `.spectro.pack.` reference without a pack name and a key, or a `.spectro.system.` one without a path.

Templates that do not mention `spectro` (Helm's `{{ .Values.x }}`) are not Palette macros and are left
alone; an unquoted `{{` at the start of a value is PAL000's.

## Why is this bad?
Palette leaves a macro it cannot read as it is, or fails to render the profile: the registry receives
the template text as the password, or the image reference is invalid, and the deployment fails on the
edge host.

## Example
```yaml
pack:
  content:
    images:
      - image: '{{.spectro.pack.edge-native-byoi.options.system.uri}}'
providerCredentials:
  registry: harbor.example.com
  user: '{{.spectro.var.registry-user}}'
  password: '{{.spectro.macros.REGISTRY_PASSWORD}}'
options:
  system.uri: '{{.spectro.macro.OS_REGISTRY}/edge/ubuntu-k3s:v1.30.4-v4.5.3'
```

## Use instead
```yaml
pack:
  content:
    images:
      - image: '{{.spectro.pack.edge-native-byoi.options.system.uri}}'
providerCredentials:
  registry: harbor.example.com
  user: '{{.spectro.var.registry_user}}'
  password: '{{.spectro.macro.REGISTRY_PASSWORD}}'
options:
  system.uri: '{{.spectro.macro.OS_REGISTRY}}/edge/ubuntu-k3s:v1.30.4-v4.5.3'
```

## Source
- Macro syntax and scopes (`.spectro.macro.`, `.spectro.system.`, `.spectro.pack.`, `.spectro.var.`):
  "Macros Support" and "Create Cluster Profile Variables"; profile variable names cannot contain hyphens
  ("Deploy Cluster with an Amazon ECR Provider Registry"); palette-formats.md 4.1.
- That macro names follow the same rule as variable names is an inference: Palette renders them with Go
  templates, whose field names are identifiers (a `-` is read as a minus sign).
"""

from __future__ import annotations

import re
from typing import Iterator, Optional

from linter.api import (
    OS_LAYER,
    PACK_VALUES,
    Document,
    Issue,
    RuleContext,
    TextFix,
    YamlPath,
    credentials,
    fixes,
    leaf_name,
    macros,
    rule,
)

_CREDENTIAL_KEYS = {"registry", "domain", "certificates", "caCerts"}
_IMAGE_KEYS = {"image", "images", "stylusPackage", "uri", "repo"}


@rule(id="PAL303", name="malformed-macro", kinds={OS_LAYER, PACK_VALUES}, severity="error",
      tags=("correctness", "macros"))
def check(doc: Document, ctx: RuleContext) -> Iterator[Issue]:
    if "spectro" not in doc.own_text.lower():
        return  # no Palette macro at all
    for path, value in doc.walk():
        if not isinstance(value, str) or ("{" not in value and "}" not in value):
            continue
        key, _owner = credentials.field_of(path)
        image = key in _IMAGE_KEYS or key.startswith("system.") or "images" in path
        if not (image or credentials.key_kind(key) or key in _CREDENTIAL_KEYS):
            continue
        problems = macros.macro_problems(value, secret=credentials.is_secret_key(key))
        if not problems:
            continue
        what = ("the image reference is invalid and the pull fails" if image else
                "the registry receives the template text itself")
        yield Issue(f"{leaf_name(path)} has a malformed macro",
                    help=f"{problems[0]}: Palette cannot substitute it, so {what}; write it as "
                         "'{{.spectro.macro.NAME}}' (or .var, .system, .pack)",
                    at=path, part="value", value=problems[0],
                    fix=_braces_repaired(doc, path, value))


#: A macro with whatever braces surround it: ``{``s, blanks, an optional ``-``, the path, blanks, ``}``s.
_WRITTEN_MACRO = re.compile(r"(\{*)(\s*-?\s*)(\.?spectro\.[\w.-]*)(\s*-?\s*)(\}*)", re.IGNORECASE)


def _braces_repaired(doc: Document, path: YamlPath, value: str) -> Optional[TextFix]:
    """The fix when braces are all that is wrong: each macro gets exactly ``{{`` and ``}}``. Offered only when
    every brace of the value belongs to a macro and the repaired value has no problem left."""
    repaired = _WRITTEN_MACRO.sub(lambda m: "{{" + m.group(2) + m.group(3) + m.group(4) + "}}", value)
    outside = _WRITTEN_MACRO.sub("", value)  # a brace left here is no macro's: not for this fix to move
    if repaired == value or "{" in outside or "}" in outside:
        return None
    if macros.macro_problems(repaired):  # whether a problem is left; ``secret`` changes only its wording
        return None
    edits = [fixes.replace_in_value(doc, path, found.start(group), found.end(group), braces)
             for found in _WRITTEN_MACRO.finditer(value) for group, braces in ((1, "{{"), (5, "}}"))
             if found.group(group) != braces]
    return fixes.safe("repair the macro's braces", *edits)
