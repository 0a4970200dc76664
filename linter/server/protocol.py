"""The Language Server Protocol side of ``palette-lint server``, on pygls and lsprotocol: diagnostics on open,
change and save; code actions (each fix, and a suppression comment with a reason); hover with the rule's
documentation; configuration reloaded when a configuration file changes. A failure while linting becomes a
diagnostic and a log message, never a stopped server.

Positions: findings count lines and columns in characters (code points, 1-based); the client counts in its
position encoding (UTF-16 unless it offers another), which pygls' codec converts to.
"""

from __future__ import annotations

import os
import traceback
from pathlib import Path
from typing import Any, Optional, Sequence

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import from_fs_path, to_fs_path

from linter import __version__
from linter.engine.suppress import read_directives, strings_of
from linter.inputs import read_file
from linter.model import Finding, Fix, Rule, Severity, Span
from linter.server.session import CONFIG_NAMES, Lint, Session
from linter.yaml.composer import YamlParser
from linter.yaml.source import SourceFile

SOURCE = "palette-lint"
_SEVERITIES = {Severity.ERROR: types.DiagnosticSeverity.Error, Severity.WARNING: types.DiagnosticSeverity.Warning,
               Severity.NOTE: types.DiagnosticSeverity.Information}
#: Where the rule documentation pages are written for the editor to open (the diagnostic's code links there).
DOCS_DIRECTORY = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "palette-lint" / "rules"


class PaletteLanguageServer(LanguageServer):
    """The server and what it knows of the open documents: their last findings, by URI."""

    def __init__(self, session: Session) -> None:
        super().__init__("palette-lint", __version__, text_document_sync_kind=types.TextDocumentSyncKind.Full)
        self.session = session
        self.findings: dict[str, list[Finding]] = {}  # by URI: the diagnostics last published
        self.rules: dict[str, Rule] = {}
        self.docs_directory: Optional[Path] = None
        self.paths: dict[str, str] = {}  # a finding's path -> the file's absolute path

    # ---- linting and publishing ------------------------------------------------------------------------
    def reload(self) -> None:
        """Read the configuration again and re-lint every open document."""
        try:
            self.session.reload()
        except Exception as exc:  # reported; the server goes on with what it had
            self.window_log_message(types.LogMessageParams(
                type=types.MessageType.Error, message=f"palette-lint: reloading failed: {type(exc).__name__}"))
        for uri in list(self.workspace.text_documents):
            self.lint_and_publish(uri)

    def overlay(self) -> dict[str, bytes]:
        """The open documents' text, by absolute path."""
        out = {}
        for uri, document in self.workspace.text_documents.items():
            path = to_fs_path(uri)
            if path:
                out[os.path.abspath(path)] = document.source.encode("utf-8", "surrogatepass")
        return out

    def lint_and_publish(self, uri: str) -> None:
        path = to_fs_path(uri)
        if not path:
            return
        try:
            result = self.session.lint(path, self.overlay(), self.session_now())
        except Exception as exc:  # a bug of palette-lint must not stop the server: the user sees it
            self.publish_failure(uri, exc)
            return
        self.rules.update({rule.id: rule for rule in result.rules})
        if result.run is not None:
            self.paths.update(result.run.absolute_paths)
        self.publish(result)

    def session_now(self) -> Any:
        return getattr(self.session, "now", None)

    def publish(self, result: Lint) -> None:
        for absolute, findings in result.findings.items():
            uri = from_fs_path(absolute) or Path(absolute).as_uri()
            active = [finding for finding in findings if finding.suppression is None]
            if not active and uri not in self.findings and uri not in self.workspace.text_documents:
                continue  # a file of the unit that has nothing to say and never had
            self.findings[uri] = active
            lines = self.lines(uri)
            version = None
            if uri in self.workspace.text_documents:
                version = self.workspace.get_text_document(uri).version
            self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(
                uri=uri, version=version, diagnostics=[self.diagnostic(f, lines) for f in active]))

    def publish_failure(self, uri: str, exc: BaseException) -> None:
        frames = traceback.extract_tb(exc.__traceback__)
        where = f" at {Path(frames[-1].filename).name}:{frames[-1].lineno}" if frames else ""
        message = f"palette-lint could not lint this file: internal error {type(exc).__name__}{where}"
        self.window_log_message(types.LogMessageParams(type=types.MessageType.Error, message=message))
        self.findings[uri] = []
        self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[
            types.Diagnostic(range=types.Range(start=types.Position(line=0, character=0),
                                               end=types.Position(line=0, character=1)),
                             message=message + "; please report it", severity=types.DiagnosticSeverity.Error,
                             source=SOURCE, code="PAL999")]))

    def lines(self, uri: str) -> Sequence[str]:
        try:
            return self.workspace.get_text_document(uri).lines
        except (OSError, UnicodeDecodeError):
            return []

    def range(self, span: Span, lines: Sequence[str]) -> types.Range:
        start = types.Position(line=max(span.line - 1, 0), character=max(span.column - 1, 0))
        end = types.Position(line=max(span.end_line - 1, 0), character=max(span.end_column - 1, 0))
        return self.workspace.position_codec.range_to_client_units(lines, types.Range(start=start, end=end))

    def diagnostic(self, finding: Finding, lines: Sequence[str]) -> types.Diagnostic:
        related = []
        for item in finding.related:
            path = self.absolute(item.location.path)
            uri = from_fs_path(path) or Path(path).as_uri()
            related.append(types.DiagnosticRelatedInformation(
                location=types.Location(uri=uri, range=self.range(item.location.span, self.lines(uri))),
                message=item.message))
        message = finding.message + (f"\n{finding.help}" if finding.help else "")
        href = self.rule_page(finding.rule_id)
        return types.Diagnostic(
            range=self.range(finding.location.span, lines), message=message, source=SOURCE,
            severity=_SEVERITIES[finding.severity], code=finding.rule_id,
            code_description=types.CodeDescription(href=href) if href else None,
            related_information=related or None, data={"fingerprint": finding.fingerprint})

    def absolute(self, path: str) -> str:
        """The absolute path of a finding's (repository-relative) path, as the last lint knew it."""
        if os.path.isabs(path):
            return path
        return self.paths.get(path) or str((self.session.roots[0] if self.session.roots else Path.cwd()) / path)

    # ---- rule documentation -------------------------------------------------------------------------------
    def rule_page(self, rule_id: str) -> str:
        """A ``file:`` URI of the rule's documentation page (written once per version), or ''."""
        rule = self.rules.get(rule_id)
        if rule is None or not rule.doc.markdown:
            return ""
        if self.docs_directory is None:
            self.docs_directory = DOCS_DIRECTORY / __version__
        page = self.docs_directory / f"{rule.id}.md"
        text = rule_markdown(rule)
        try:
            if not page.is_file() or page.read_text(encoding="utf-8") != text:
                page.parent.mkdir(parents=True, exist_ok=True)
                page.write_text(text, encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return ""
        return page.as_uri()

    # ---- code actions ------------------------------------------------------------------------------------
    def code_actions(self, params: types.CodeActionParams) -> list[types.CodeAction]:
        uri = params.text_document.uri
        lines = self.lines(uri)
        wanted = params.context.only
        actions: list[types.CodeAction] = []
        for finding in self.findings.get(uri, []):
            diagnostic = self.diagnostic(finding, lines)
            if not _touches(diagnostic.range, params.range):
                continue
            if finding.fix is not None and _kind_wanted(types.CodeActionKind.QuickFix, wanted):
                actions.append(self.fix_action(uri, finding, finding.fix, diagnostic, lines))
            suppression = self.suppress_action(uri, finding, diagnostic, lines)
            if suppression is not None and _kind_wanted(types.CodeActionKind.QuickFix, wanted):
                actions.append(suppression)
        fix_all = self.fix_all_action(uri, lines)
        if fix_all is not None and _kind_wanted(types.CodeActionKind.SourceFixAll, wanted):
            actions.append(fix_all)
        return actions

    def fix_action(self, uri: str, finding: Finding, fix: Fix, diagnostic: types.Diagnostic,
                   lines: Sequence[str]) -> types.CodeAction:
        edits = [types.TextEdit(range=self.range(r.span, lines), new_text=r.text) for r in fix.replacements]
        title = f"{finding.rule_id}: {fix.title}" if fix.safe else f"{finding.rule_id}: {fix.title} (unsafe fix)"
        if fix.note:
            title += f"; then {fix.note.split(';')[0]}"
        return types.CodeAction(title=title, kind=types.CodeActionKind.QuickFix, diagnostics=[diagnostic],
                                is_preferred=fix.safe, edit=types.WorkspaceEdit(changes={uri: edits}))

    def fix_all_action(self, uri: str, lines: Sequence[str]) -> Optional[types.CodeAction]:
        """Every safe fix of the document that applies at once (``check --fix``'s first pass)."""
        from linter.fix.apply import apply_fixes

        fixes = [f.fix for f in self.findings.get(uri, []) if f.fix is not None and f.fix.safe]
        if not fixes:
            return None
        _text, applied = apply_fixes("".join(lines), fixes)
        edits = [types.TextEdit(range=self.range(r.span, lines), new_text=r.text)
                 for fix in applied for r in fix.replacements]
        return types.CodeAction(title="palette-lint: apply every safe fix", kind=types.CodeActionKind.SourceFixAll,
                                edit=types.WorkspaceEdit(changes={uri: edits}))

    def suppress_action(self, uri: str, finding: Finding, diagnostic: types.Diagnostic,
                        lines: Sequence[str]) -> Optional[types.CodeAction]:
        """A comment that suppresses the finding, with a reason for the user to write: at the end of its line, or
        alone on the line before. Each is tried on the text first: it is offered only where it reads as a
        directive and changes no data (not inside a string or a block scalar, not in JSON, which has no
        comments), and never for a finding no comment can suppress."""
        from linter.engine.suppress import NOT_BY_COMMENT

        if finding.rule_id in NOT_BY_COMMENT or not lines:
            return None
        text = "".join(lines)
        path = to_fs_path(uri) or ""
        number = finding.location.span.line
        if text.lstrip()[:1] in ("{", "[") or number > len(lines):
            return None
        line = lines[number - 1].rstrip("\r\n")
        indent = line[:len(line) - len(line.lstrip())]
        starts = SourceFile(text, path, path).line_starts
        at_end = starts[number - 1] + len(line)
        candidates = [
            (f"{'  ' if line.strip() else ''}# palette-lint: disable={finding.rule_id} -- REASON", at_end, number,
             Span(number, len(line) + 1, number, len(line) + 1)),
            (f"{indent}# palette-lint: disable-next-line={finding.rule_id} -- REASON\n", starts[number - 1], number,
             Span(number, 1, number, 1)),
        ]
        original = _data(text, path)
        for comment, offset, directive_line, span in candidates:
            trial = text[:offset] + comment + text[offset:]
            parsed = read_file(YamlParser(), SourceFile(trial, path, path), True, path)
            directives = read_directives(trial, strings_of(parsed.documents), path)
            if parsed.failures or _data(trial, path) != original:
                continue
            if not any(d.line == directive_line and not d.problem for d in directives):
                continue
            edit = types.TextEdit(range=self.range(span, lines), new_text=comment)
            return types.CodeAction(
                title=f"{finding.rule_id}: suppress with a reason (replace REASON)",
                kind=types.CodeActionKind.QuickFix, diagnostics=[diagnostic],
                edit=types.WorkspaceEdit(changes={uri: [edit]}))
        return None

    # ---- hover -----------------------------------------------------------------------------------------
    def hover(self, params: types.HoverParams) -> Optional[types.Hover]:
        uri = params.text_document.uri
        lines = self.lines(uri)
        found = []
        for finding in self.findings.get(uri, []):
            where = self.range(finding.location.span, lines)
            if _contains(where, params.position):
                found.append((finding, where))
        if not found:
            return None
        parts = []
        for finding, _where in found:
            rule = self.rules.get(finding.rule_id)
            href = self.rule_page(finding.rule_id)
            title = f"[{finding.rule_id}]({href})" if href else finding.rule_id
            text = f"**{title}** {finding.rule_name}: {finding.message}"
            if finding.help:
                text += f"\n\n{finding.help}"
            if rule is not None and rule.doc.markdown:
                text += "\n\n---\n\n" + rule.doc.markdown
            parts.append(text)
        return types.Hover(contents=types.MarkupContent(kind=types.MarkupKind.Markdown,
                                                        value="\n\n---\n\n".join(parts)),
                           range=found[0][1])


def _data(text: str, path: str) -> list[Any]:
    """The data of every document of a text, to tell whether a comment changed it."""
    parsed = read_file(YamlParser(), SourceFile(text, path, path), True, path)
    return [doc.data for doc in parsed.documents]


def rule_markdown(rule: Rule) -> str:
    return (f"# {rule.id} {rule.name}\n\nDefault severity: {rule.severity.label}. Scope: {rule.scope}.\n\n"
            f"{rule.doc.markdown}\n")


def _touches(a: types.Range, b: types.Range) -> bool:
    return (a.start.line, a.start.character) <= (b.end.line, b.end.character) and \
        (b.start.line, b.start.character) <= (a.end.line, a.end.character)


def _contains(where: types.Range, position: types.Position) -> bool:
    point = (position.line, position.character)
    return (where.start.line, where.start.character) <= point <= (where.end.line, where.end.character)


def _kind_wanted(kind: str, only: Optional[Sequence[str]]) -> bool:
    return not only or any(kind == wanted or kind.startswith(wanted + ".") for wanted in only)


def build_server(session: Session) -> PaletteLanguageServer:
    """The server with its features registered."""
    server = PaletteLanguageServer(session)

    @server.feature(types.INITIALIZED)
    def initialized(ls: PaletteLanguageServer, params: types.InitializedParams) -> None:
        roots = [Path(to_fs_path(folder.uri) or ".") for folder in (ls.workspace.folders or {}).values()]
        if not roots and ls.workspace.root_path:
            roots = [Path(ls.workspace.root_path)]
        session.open(roots or [Path.cwd()])
        watched = ls.client_capabilities.workspace
        if watched is not None and watched.did_change_watched_files is not None and \
                watched.did_change_watched_files.dynamic_registration:
            ls.client_register_capability(types.RegistrationParams(registrations=[types.Registration(
                id="palette-lint-configuration", method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                register_options=types.DidChangeWatchedFilesRegistrationOptions(watchers=[
                    types.FileSystemWatcher(glob_pattern=f"**/{name}") for name in CONFIG_NAMES]))]))

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: PaletteLanguageServer, params: types.DidOpenTextDocumentParams) -> None:
        ls.lint_and_publish(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: PaletteLanguageServer, params: types.DidChangeTextDocumentParams) -> None:
        ls.lint_and_publish(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: PaletteLanguageServer, params: types.DidSaveTextDocumentParams) -> None:
        if os.path.basename(to_fs_path(params.text_document.uri) or "") in CONFIG_NAMES:
            ls.reload()
        else:
            ls.lint_and_publish(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: PaletteLanguageServer, params: types.DidCloseTextDocumentParams) -> None:
        ls.lint_and_publish(params.text_document.uri)  # its text on disk again

    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def watched(ls: PaletteLanguageServer, params: types.DidChangeWatchedFilesParams) -> None:
        if any(os.path.basename(to_fs_path(change.uri) or "") in CONFIG_NAMES for change in params.changes):
            ls.reload()

    @server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
    def configuration(ls: PaletteLanguageServer, params: types.DidChangeConfigurationParams) -> None:
        if session.roots:
            ls.reload()

    @server.feature(types.TEXT_DOCUMENT_CODE_ACTION, types.CodeActionOptions(
        code_action_kinds=[types.CodeActionKind.QuickFix, types.CodeActionKind.SourceFixAll]))
    def code_action(ls: PaletteLanguageServer, params: types.CodeActionParams) -> list[types.CodeAction]:
        return ls.code_actions(params)

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    def hover(ls: PaletteLanguageServer, params: types.HoverParams) -> Optional[types.Hover]:
        return ls.hover(params)

    return server
