"""Terraform (palette-formats.md section 5.2): ``*.tf`` files with ``spectrocloud_cluster_profile`` resources and
the cluster resources that attach them. The file is parsed as HCL by tree-sitter (``linter/inputs/hcl.py``),
imported only when a ``.tf`` file is read.

What a file becomes:

- its own document (kind ``terraform``; ``unknown`` when it declares no profile and no cluster);
- per ``spectrocloud_cluster_profile`` resource, a ``profile`` document shaped like a packs-list profile (its
  literal attributes, and a ``packs`` list of the ``pack { }`` blocks, in order), with positions in the file and
  the resource's address as its base (``spectrocloud_cluster_profile.edge.packs[0].name``);
- per pack, the values as a document of the profile (``os-layer`` for the OS layer, else ``pack-values``):
  a heredoc (``<<EOT``, ``<<-EOT``) or a quoted string is composed as YAML with a position map into the
  ``.tf`` file; a ``file("...")`` or ``templatefile("...", {...})`` is read from the file it names (relative to
  the module: ``path.module``, ``path.root`` and ``path.cwd`` are the ``.tf`` file's directory) and becomes a
  file of its own, *joined* to this one: it is linted once, as this pack's values, with findings in its own
  lines (the engine puts it in this file's unit and does not lint it again on its own);
- per resource with ``cluster_profile { id = spectrocloud_cluster_profile.NAME.id }`` blocks (a cluster, or a
  ``spectrocloud_addon_deployment`` adding profiles to one), a cluster declaration: the profiles it attaches,
  and the packs whose values its ``cluster_profile { pack { name, values } }`` blocks override, as documents
  located in this file. ``linter/engine/declared.py`` forms the clusters.

Interpolations inside values (``${var.registry}``) are kept as written and read as macros. A value that only
Terraform can compute (a variable, a data source such as ``data.spectrocloud_pack.x.values``, a function other
than ``file``/``templatefile``, a template directive, a ``dynamic "pack"`` block, a ``cluster_profile`` id that
is not a profile of this module) is not linted: a note says what and where, and no finding is made from it.
A ``local.NAME`` is followed to its definition in the same file. A file with an HCL syntax error gets a PAL000
finding at the error's line and column and is not linted further.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any, Optional, Union

from msgspec import Struct

from linter.document import Document, PackInfo
from linter.inputs.kinds import OS_LAYER, PACK_VALUES, PROFILE, TERRAFORM, UNKNOWN, pack_is_os_layer
from linter.inputs.parse_hints import compose
from linter.inputs.reader import DeclaredCluster, DeclaredProfile, FileOpener, ParsedFile
from linter.model import Notice, Span, YamlPath
from linter.yaml.composer import NodeInfo, ParseFailure, YamlParser
from linter.yaml.source import SourceFile

if TYPE_CHECKING:  # pragma: no cover
    from linter.inputs.hcl import HclFile, Text

PROFILE_RESOURCE = "spectrocloud_cluster_profile"
#: The literal attributes of a profile resource and of its ``pack`` blocks kept in the profile's data.
_PROFILE_ATTRIBUTES = ("name", "description", "cloud", "type", "version", "context")
_PACK_ATTRIBUTES = ("name", "tag", "type", "uid", "registry_uid", "registry_name")
#: Functions whose first argument names the file the value is read from.
_FILE_FUNCTIONS = ("file", "templatefile")
#: How deep ``local.a = local.b`` chains are followed.
_LOCAL_DEPTH = 4


class FileValues(Struct, frozen=True):
    """A value read from a file: its absolute path, and whether it is a template (``templatefile``)."""

    path: str
    template: bool


class TerraformReader:
    name = "terraform"
    kind = TERRAFORM

    def accepts_name(self, file_name: str) -> bool:
        return file_name.endswith(".tf")

    def read_text(self, parsed: ParsedFile, parser: YamlParser, absolute_path: str,
                  open_file: Optional[FileOpener]) -> None:
        _TerraformFile(parsed.source, absolute_path).read(parsed, parser, open_file)

    def references(self, text: str, absolute_path: str) -> list[str]:
        return _TerraformFile(SourceFile(text, "", ""), absolute_path).references()


class _TerraformFile:
    """One ``.tf`` file being read."""

    def __init__(self, source: SourceFile, absolute_path: str) -> None:
        from linter.inputs import hcl

        self.hcl_module = hcl
        self.source = source
        self.absolute_path = absolute_path or os.path.abspath(source.path or ".")
        self.directory = os.path.dirname(self.absolute_path)
        self.hcl: HclFile = hcl.HclFile(source)
        body = hcl.body_of(self.hcl.root)
        self.resources = [(labels, block) for block in hcl.blocks(body, "resource")
                          for labels in [hcl.block_labels(self.hcl, block)] if len(labels) == 2 and all(labels)]
        self.locals: dict[str, Any] = {}
        for block in hcl.blocks(body, "locals"):
            for name, (_name_node, expression) in hcl.attributes(hcl.body_of(block)).items():
                self.locals.setdefault(name, expression)
        self.notices: list[Notice] = []
        self.joined: dict[str, Optional[ParsedFile]] = {}  # by absolute path; None: not read
        # Set by read(): what the documents are added to, the YAML parser, how to open the files named.
        self.parsed: ParsedFile
        self.parser: YamlParser
        self.open_file: Optional[FileOpener]

    # ---- the files this one reads --------------------------------------------------------------------
    def references(self) -> list[str]:
        if self.hcl.first_error() is not None:
            return []
        found = []
        for expression in self._values_expressions():
            resolved = self._resolve(expression)
            if isinstance(resolved, FileValues) and os.path.isfile(resolved.path):
                found.append(resolved.path)
        return list(dict.fromkeys(found))

    def _values_expressions(self) -> list[Any]:
        hcl = self.hcl_module
        found = []
        for (resource_type, _name), block in self.resources:
            body = hcl.body_of(block)
            holders = [body] if resource_type == PROFILE_RESOURCE \
                else [hcl.body_of(profile) for profile in hcl.blocks(body, "cluster_profile")]
            for holder in holders:
                for pack in hcl.blocks(holder, "pack"):
                    values = hcl.attributes(hcl.body_of(pack)).get("values")
                    if values is not None:
                        found.append(values[1])
        return found

    # ---- reading ---------------------------------------------------------------------------------------
    def read(self, parsed: ParsedFile, parser: YamlParser, open_file: Optional[FileOpener]) -> None:
        error = self.hcl.first_error()
        if error is not None:
            span, message, help_text = error
            parsed.failures.append(ParseFailure(message, span, kind="hcl-syntax", help=help_text))
            return
        self.parser, self.parsed, self.open_file = parser, parsed, open_file
        root = Document(self.source, {}, {(): NodeInfo(Span(1, 1, 1, 2), None, "block", "map")}, kind=UNKNOWN)
        parsed.documents.append(root)
        for (resource_type, name), block in self.resources:
            if resource_type == PROFILE_RESOURCE:
                parsed.profiles.append(self._profile(f"{resource_type}.{name}", (resource_type, name), block))
            elif any(True for _ in self.hcl_module.blocks(self.hcl_module.body_of(block), "cluster_profile")):
                parsed.clusters.append(self._cluster(f"{resource_type}.{name}", (resource_type, name), block))
        if parsed.profiles or parsed.clusters:
            root.kind = TERRAFORM
        parsed.joined.extend(joined for joined in self.joined.values() if joined is not None)
        parsed.notices.extend(self.notices)

    def _note(self, node: Any, message: str, level: str = "note") -> None:
        line = self.hcl.span(node).line
        self.notices.append(Notice(f"line {line}: {message}", path=self.source.display_path, level=level))

    def _literals(self, body: Any, names: tuple[str, ...], data: dict[str, Any],
                  nodes: dict[YamlPath, NodeInfo], prefix: YamlPath) -> None:
        """The attributes of ``names`` whose values are literals, into ``data`` with their positions."""
        hcl = self.hcl_module
        for name, (name_node, expression) in hcl.attributes(body).items():
            if name not in names:
                continue
            known, value = hcl.literal(self.hcl, expression)
            if known:
                data[name] = value
                tag = "str" if isinstance(value, str) else "null" if value is None else type(value).__name__
                nodes[prefix + (name,)] = NodeInfo(self.hcl.span(expression), self.hcl.span(name_node),
                                                   '"' if isinstance(value, str) else "", tag)

    def _profile(self, address: str, base: YamlPath, block: Any) -> DeclaredProfile:
        hcl = self.hcl_module
        body = hcl.body_of(block)
        data: dict[str, Any] = {}
        nodes: dict[YamlPath, NodeInfo] = {(): NodeInfo(self.hcl.span(block), None, "block", "map")}
        self._literals(body, _PROFILE_ATTRIBUTES, data, nodes, ())
        document = Document(self.source, data, nodes, kind=PROFILE, base=base)
        declared = DeclaredProfile(address, document)
        self._note_dynamic(body, address)
        packs = list(hcl.blocks(body, "pack"))
        if packs:
            data["packs"] = []
            keyword = hcl.block_keyword(packs[0])
            nodes[("packs",)] = NodeInfo(self.hcl.span(packs[0]), self.hcl.span(keyword), "block", "seq")
        self.parsed.documents.append(document)
        for index, pack in enumerate(packs):
            entry: dict[str, Any] = {}
            data["packs"].append(entry)
            nodes[("packs", index)] = NodeInfo(self.hcl.span(pack), self.hcl.span(hcl.block_keyword(pack)),
                                               "block", "map")
            values = self._pack(document, ("packs", index), entry, nodes, pack, index, address)
            if values is not None:
                declared.packs.append((_text(entry.get("name")), values))
        return declared

    def _cluster(self, address: str, base: YamlPath, block: Any) -> DeclaredCluster:
        hcl = self.hcl_module
        body = hcl.body_of(block)
        attributes = hcl.attributes(body)
        data: dict[str, Any] = {}
        nodes: dict[YamlPath, NodeInfo] = {(): NodeInfo(self.hcl.span(block), None, "block", "map")}
        self._literals(body, ("name",), data, nodes, ())
        document = Document(self.source, data, nodes, kind=TERRAFORM, base=base)
        self.parsed.documents.append(document)
        declared = DeclaredCluster(address, document)
        target = attributes.get("cluster_uid")
        if target is not None:
            names = hcl.traversal(self.hcl, target[1])
            if names is not None and len(names) >= 3 and names[0].startswith("spectrocloud_"):
                declared.adds_to = f"{names[0]}.{names[1]}"
        profiles = list(hcl.blocks(body, "cluster_profile"))
        data["cluster_profile"] = []
        nodes[("cluster_profile",)] = NodeInfo(self.hcl.span(profiles[0]),
                                               self.hcl.span(hcl.block_keyword(profiles[0])), "block", "seq")
        for number, profile in enumerate(profiles):
            profile_body = hcl.body_of(profile)
            entry: dict[str, Any] = {"packs": []}
            data["cluster_profile"].append(entry)
            path: YamlPath = ("cluster_profile", number)
            nodes[path] = NodeInfo(self.hcl.span(profile), self.hcl.span(hcl.block_keyword(profile)), "block", "map")
            reference = self._profile_reference(hcl.attributes(profile_body).get("id"), profile, address)
            self._note_dynamic(profile_body, address)
            overrides: dict[str, Document] = {}
            for index, pack in enumerate(hcl.blocks(profile_body, "pack")):
                pack_entry: dict[str, Any] = {}
                entry["packs"].append(pack_entry)
                nodes[path + ("packs", index)] = NodeInfo(self.hcl.span(pack),
                                                          self.hcl.span(hcl.block_keyword(pack)), "block", "map")
                values = self._pack(document, path + ("packs", index), pack_entry, nodes, pack, index, address)
                name = _text(pack_entry.get("name"))
                if values is not None and name:
                    overrides.setdefault(name, values)
            if reference:
                declared.attaches.append((reference, overrides))
        return declared

    def _profile_reference(self, attribute: Optional[tuple[Any, Any]], block: Any, address: str) -> str:
        """The address of the profile a ``cluster_profile`` block attaches, or '' (with a note) when it is not a
        profile resource of this module."""
        if attribute is None:
            return ""
        names = self.hcl_module.traversal(self.hcl, attribute[1])
        if names is not None and len(names) >= 2 and names[0] == PROFILE_RESOURCE:
            return f"{names[0]}.{names[1]}"
        what = self.hcl_module.describe(self.hcl, attribute[1])
        self._note(attribute[1], f"a cluster_profile of {address} is {what}, not a profile of this module; not "
                                 "linted with the cluster")
        return ""

    def _note_dynamic(self, body: Any, address: str) -> None:
        hcl = self.hcl_module
        for block in hcl.blocks(body, "dynamic"):
            labels = hcl.block_labels(self.hcl, block)
            if labels[:1] == ["pack"]:
                self._note(block, f'the dynamic "pack" blocks of {address} are made by Terraform; their values '
                                  "are not linted")

    def _pack(self, owner: Document, path: YamlPath, entry: dict[str, Any], nodes: dict[YamlPath, NodeInfo],
              pack: Any, index: int, address: str) -> Optional[Document]:
        """Read one ``pack { }`` block into ``entry`` (its literal attributes, and its values when they are
        text of the file); the document of its values, or None when they are absent or cannot be known."""
        hcl = self.hcl_module
        body = hcl.body_of(pack)
        self._literals(body, _PACK_ATTRIBUTES, entry, nodes, path)
        attribute = hcl.attributes(body).get("values")
        if attribute is None:
            return None
        name_node, expression = attribute
        name = _text(entry.get("name"))
        info = PackInfo(index=index, name=name, layer="", type=_text(entry.get("type")),
                        version=_text(entry.get("tag")))
        shown = f"pack {name}" if name else f"pack #{index}"
        resolved = self._resolve(expression)
        if isinstance(resolved, str):
            self._note(expression, f"{shown} of {address}: its values are {resolved}; not linted")
            return None
        values_path = path + ("values",)
        if isinstance(resolved, FileValues):
            nodes[values_path] = NodeInfo(self.hcl.span(expression), self.hcl.span(name_node), "", "str")
            return self._joined(resolved, entry, info, expression, shown, address)
        if not resolved.text.strip():
            return None
        entry["values"] = resolved.text
        nodes[values_path] = NodeInfo(self.hcl.span(expression), self.hcl.span(name_node), "", "str")
        try:
            composed = compose(self.parser, resolved.text, resolved.position_map)
        except ParseFailure as failure:
            failure.message = f"pack {name or '#' + str(index)}: {failure.message}"
            if failure.text_fix is not None:
                from linter.fix.embedding import place_failure

                place_failure(failure, Document(self.source, None, {}, base=values_path,
                                                position_map=resolved.position_map, parent=owner))
            self.parsed.failures.append(failure)
            return None
        kind = OS_LAYER if pack_is_os_layer(entry, composed.data) else PACK_VALUES
        child = Document.from_yaml(self.source, composed, kind=kind, base=values_path,
                                   position_map=resolved.position_map, parent=owner, pack=info)
        owner.children.append(child)
        self.parsed.documents.append(child)
        return child

    def _joined(self, values: FileValues, entry: dict[str, Any], info: PackInfo, expression: Any, shown: str,
                address: str) -> Optional[Document]:
        """The document of values read from another file: that file, read once as a file of its own."""
        relative = os.path.relpath(values.path, self.directory)
        if values.path in self.joined:
            joined = self.joined[values.path]
            return joined.documents[0] if joined is not None and joined.documents else None
        self.joined[values.path] = None
        source = self.open_file(values.path) if self.open_file is not None else None
        if source is None:
            self._note(expression, f"{shown} of {address}: its values are read from {relative}, which is not there "
                                   "or cannot be read; not linted", level="warning")
            return None
        if values.template:
            problem = _template_problem(source.text)
            if problem:
                self._note(expression, f"{shown} of {address}: its values are the template {relative}, which has "
                                       f"{problem}; not linted")
                return None
        joined = ParsedFile(source, explicit=False, absolute_path=values.path, part_of=self.source.path)
        self.joined[values.path] = joined
        try:
            composed = compose(self.parser, source.text)
        except ParseFailure as failure:
            failure.message = f"pack {info.name or '#' + str(info.index)} of {address}: {failure.message}"
            if failure.text_fix is not None:
                from linter.fix.embedding import place_failure

                place_failure(failure, Document(source, None, {}))
            joined.failures.append(failure)
            return None
        kind = OS_LAYER if pack_is_os_layer(entry, composed.data) else PACK_VALUES
        document = Document.from_yaml(source, composed, kind=kind, pack=info)
        joined.documents.append(document)
        return document

    def _resolve(self, expression: Any, depth: int = 0) -> Union[Text, FileValues, str]:
        """The values an expression gives: text of this file, a file to read, or why they cannot be known."""
        hcl = self.hcl_module
        text = hcl.string_value(self.hcl, expression)
        if text is not None:
            return text
        node = hcl.unwrap(expression)
        if node.type in ("string_lit", "quoted_template", "heredoc_template"):
            return f"a template with {hcl.template_problem(self.hcl, expression) or 'an escape HCL does not have'}"
        call = hcl.function_call(self.hcl, expression)
        if call is not None and call[0] in _FILE_FUNCTIONS and call[1]:
            path = self._path(call[1][0])
            if path is None:
                return f"read by {call[0]}() from a path known only to Terraform"
            return FileValues(path, template=call[0] == "templatefile")
        names = hcl.traversal(self.hcl, expression)
        if names is not None and len(names) == 2 and names[0] == "local" and names[1] in self.locals \
                and depth < _LOCAL_DEPTH:
            return self._resolve(self.locals[names[1]], depth + 1)
        return f"{hcl.describe(self.hcl, expression)}, known only to Terraform"

    def _path(self, expression: Any) -> Optional[str]:
        """The absolute path a ``file()`` argument names: literal text, and ``path.module``, ``path.root`` or
        ``path.cwd`` (the ``.tf`` file's directory); None for anything else."""
        parts = self.hcl_module.quoted_parts(self.hcl, expression)
        if parts is None:
            return None
        text = ""
        for part in parts:
            if isinstance(part, str):
                text += part
                continue
            names = self.hcl_module.traversal(self.hcl, part)
            if names not in (["path", "module"], ["path", "root"], ["path", "cwd"]):
                return None
            text += self.directory
        if not text:
            return None
        return os.path.normpath(os.path.join(self.directory, text))


def _template_problem(text: str) -> str:
    """Why a ``templatefile`` template's text cannot be known: it has directives (``%{ if }``) or strip
    markers; '' when its only templating is ``${...}`` interpolations (read as macros)."""
    if "%{" not in text and "~}" not in text and "${~" not in text:
        return ""
    from linter.inputs import hcl

    marker = "PALETTE_LINT_TEMPLATE"
    while marker in text:
        marker += "_"
    wrapped = SourceFile(f"t = <<{marker}\n{text}\n{marker}\n", "", "")
    parsed = hcl.HclFile(wrapped)
    body = hcl.body_of(parsed.root)
    attribute = hcl.attributes(body).get("t") if parsed.first_error() is None else None
    if attribute is None:
        return "text that is not a valid template"
    return hcl.template_problem(parsed, attribute[1])


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ("" if value is None else str(value))
