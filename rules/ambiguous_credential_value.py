"""Registry credentials must reach Palette as the strings you wrote.

## What it does
Checks the credential fields of a private registry: `registry`, `user` and `password` in the OS layer's
`providerCredentials`, and `domain`, `username` and `password` in user-data's `stylus.registryCredentials`
and `stylus.externalRegistries.registries[]`. It reports a value written as a plain (unquoted) scalar
that YAML does not read as that text:

- a value YAML reads as null: nothing after the colon, `~`, `null`, or a value that starts with `#`
  (`password: ####` is an empty value followed by a comment);
- a value YAML reads as a number (`password: 123456`, `password: 0x1F`, `user: 1e5`) or as a boolean
  (`password: true`; `yes`, `no`, `on` and `off` for YAML 1.1 parsers);
- a value cut short by a comment: in `password: abc #def` everything from ` #` on is a comment, so the
  password is `abc`. For `password` any comment right after a plain value is reported; for the other
  fields, a `#` that follows the value after a single space and is itself followed by text.

The message says how YAML read the value; it never repeats the value.

## Why is this bad?
The registry receives a different password, or none: a number loses its leading zeros or is turned into
another number (`0x1F` is 31), a null fails validation (`palette-edge-cli validate` reports
`password: Invalid type. Expected: string, given: null`) and a password cut at ` #` simply fails to log in.
The image pull fails on the edge host, far from the file that caused it.

## Example
```yaml
pack:
  content:
    images:
      - image: '{{.spectro.pack.edge-native-byoi.options.system.uri}}'
providerCredentials:
  registry: harbor.example.com
  user: 1000
  password: ####
options:
  system.uri: harbor.example.com/edge/ubuntu-k3s:v1.30.4-v4.5.3
```

```yaml
#cloud-config
stylus:
  registryCredentials:
    domain: harbor.example.com
    username: robot-edge
    password: Tr0ub4dor #3
```

## Use instead
```yaml
pack:
  content:
    images:
      - image: '{{.spectro.pack.edge-native-byoi.options.system.uri}}'
providerCredentials:
  registry: harbor.example.com
  user: "1000"
  password: '{{.spectro.macro.REGISTRY_PASSWORD}}'
options:
  system.uri: harbor.example.com/edge/ubuntu-k3s:v1.30.4-v4.5.3
```

```yaml
#cloud-config
stylus:
  registryCredentials:
    domain: harbor.example.com
    username: robot-edge
    password: "Tr0ub4dor #3"
```

## Source
- `providerCredentials` takes `registry`, `user`, `password` (a macro may be used) and `certificates`:
  "Deploy Cluster with a Private Provider Registry"
  (https://docs.spectrocloud.com/clusters/edge/site-deployment/deploy-custom-registries/deploy-private-registry/);
  palette-formats.md 2.3.
- `registryCredentials` and `externalRegistries.registries[]` fields are strings: "Installer Configuration"
  (https://docs.spectrocloud.com/clusters/edge/edge-configuration/installer-reference/); the null error
  text is from "Validate User Data"; palette-formats.md 1.2, 1.3 and 8.
- `password: ####` in CanvOS's `user-data.template` parses as null; ` #` starts a comment (YAML 1.2
  section 6.6); palette-formats.md 4.3.
- That YAML 1.1 parsers (Go's `gopkg.in/yaml.v2`) read `yes`/`no`/`on`/`off` as booleans is YAML 1.1's
  bool type; whether Palette's tooling uses such a parser for these fields is an inference.
"""

from __future__ import annotations

import re
from typing import Iterator, Optional

from linter.api import (
    OS_LAYER,
    USER_DATA,
    Document,
    Issue,
    RuleContext,
    TextFix,
    YamlPath,
    fixes,
    leaf_name,
    rule,
)

#: The scalar credential fields of each credential mapping (keys that are not documented there are
#: included too: a value that YAML misreads is wrong whatever the key is called).
_FIELDS = ("registry", "domain", "user", "username", "password")
_YAML11_BOOLS = {"yes", "no", "on", "off", "y", "n"}
_COMMENT_AFTER_VALUE = re.compile(r"^([ \t]+)#(.?)")
_COMMENT_AFTER_KEY = re.compile(r"^\s*:[ \t]+#")
_DIRECTIVE = re.compile(r"^[ \t]+#\s*palette-lint\s*:")


def _credential_mappings(doc: Document) -> Iterator[YamlPath]:
    """The credential mappings of the document's kind."""
    if doc.kind == OS_LAYER:
        yield ("providerCredentials",)
        return
    yield ("stylus", "registryCredentials")
    registries = doc.get(("stylus", "externalRegistries", "registries"))
    if isinstance(registries, list):
        for index in range(len(registries)):
            yield ("stylus", "externalRegistries", "registries", index)


def _misread(doc: Document, path: YamlPath, lines: list[str]) -> Optional[str]:
    """Why YAML does not read the value as the text written (a reason code), or None."""
    info = doc.info(path)
    if info is None or info.style != "":
        return None  # quoted and block scalars are strings; collections are the schema rules' business
    if info.tag == "null":  # a credential field is a mapping entry: it has a key, on a line of the text
        after_key = lines[info.key.end_line - 1][info.key.end_column - 1:]
        return "null-comment" if _COMMENT_AFTER_KEY.match(after_key) else "null"
    if info.tag in ("int", "float"):
        return "number"
    if info.tag == "bool":
        return "bool"
    value = doc.get(path)
    if not isinstance(value, str):
        return None
    if value.lower() in _YAML11_BOOLS:
        return "yaml11-bool"
    rest = lines[info.value.end_line - 1][info.value.end_column - 1:]
    found = _COMMENT_AFTER_VALUE.match(rest)
    if found is not None:
        gap, after = found.group(1), found.group(2)
        if _DIRECTIVE.match(rest):
            return None  # a palette-lint comment after the value (a suppression) is meant as a comment
        if path[-1] == "password" or (len(gap) == 1 and after.strip()):
            return "comment"
    return None


_NOUN = {"registry": "registry address", "domain": "registry address", "user": "user name",
         "username": "user name", "password": "password"}
#: What YAML makes of the value, in a few words (the finding's message).
_WHAT = {
    "null-comment": "is null: a value starting with '#' is a comment",
    "null": "is empty (null)",
    "number": "is read as a number, not as the text written",
    "bool": "is read as a boolean, not as text",
    "yaml11-bool": "is read as a boolean by YAML 1.1 parsers",
    "comment": "is cut short at ' #' (the rest is a comment)",
}
#: What that does to Palette (the start of the finding's help).
_EFFECT = {
    "null-comment": "Palette gets no {noun} at all",
    "null": "Palette gets no {noun} at all",
    "number": "YAML drops leading zeros and reads 0x... as hex, so Palette gets a different {noun}",
    "bool": "Palette gets no usable {noun}",
    "yaml11-bool": "Go's yaml.v2 and other YAML 1.1 parsers read it as true or false, so Palette may get no "
                   "usable {noun}",
    "comment": "Palette gets only the text before ' #' as the {noun}",
}


def _fix(doc: Document, field: str, reason: str) -> str:
    fix = "quote the value"
    if reason == "comment":
        fix = "quote the whole value and put any comment on its own line"
    elif reason == "null":
        fix = "give it a quoted value"
    if field == "password" and doc.kind == OS_LAYER:
        fix += ", or use a macro such as '{{.spectro.macro.REGISTRY_PASSWORD}}'"
    return fix


@rule(id="PAL002", name="ambiguous-credential-value", kinds={OS_LAYER, USER_DATA}, severity="error",
      tags=("correctness", "credentials"))
def check(doc: Document, ctx: RuleContext) -> Iterator[Issue]:
    # The text's lines as YAML counts them (a lone carriage return breaks a line too); a pack's values string
    # for an embedded document.
    lines = re.split(r"\r\n|\r|\n", doc.own_text)
    reported = {tuple(problem.path) for problem in doc.problems}  # an unquoted macro: PAL000 reports it
    for mapping_path in _credential_mappings(doc):
        mapping = doc.get(mapping_path)
        if not isinstance(mapping, dict):
            continue
        for field in _FIELDS:
            if field not in mapping:
                continue
            path = mapping_path + (field,)
            if path in reported:
                continue
            reason = _misread(doc, path, lines)
            if reason is None:
                continue
            effect = _EFFECT[reason].format(noun=_NOUN[field])
            yield Issue(f"{leaf_name(path)} {_WHAT[reason]}", at=path, part="value", value=reason,
                        help=f"{effect}; {_fix(doc, field, reason)}", fix=_quoting(doc, path, reason))


def _quoting(doc: Document, path: YamlPath, reason: str) -> Optional[TextFix]:
    """The fix: quote what was written, so that YAML reads it as that text. Safe for a number, a boolean or a
    one-word '#' value (a masked password such as ####); unsafe for a value cut short by a comment (the comment
    may have been meant as one)."""
    if reason in ("number", "bool", "yaml11-bool"):
        return fixes.safe("quote the value", *(fixes.quote_value(doc, path) or (None,)))
    if reason == "null-comment":
        found = fixes.after_key(doc, path)
        if found is None or any(c.isspace() for c in found[2]):
            return None  # '# a comment' with words in it: a comment after all, not a masked value
        return fixes.safe("quote the value", *(fixes.quote_text(*found) or (None,)))
    if reason == "comment":
        found = fixes.value_to_line_end(doc, path)
        if found is None:
            return None
        return fixes.unsafe("quote the whole value, ' #' and what follows included",
                            *(fixes.quote_text(*found) or (None,)))
    return None
