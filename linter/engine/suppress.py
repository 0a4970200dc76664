"""Suppressions: inline ``# palette-lint:`` comments, each with a required reason, and the configuration's
``per-file-ignores``.

    value: x  # palette-lint: disable=PAL106 -- the mirror uses basic auth, see OPS-123
    # palette-lint: disable-next-line=PAL106,token-auth-registry -- reason
    # palette-lint: disable-file=PAL103 -- reason

A comment is a ``#`` at the start of a line or after whitespace, as in YAML, and not inside a string: a
``# palette-lint:`` written inside a quoted or block value is data, not a directive (the parsed documents say
where their strings are). A comment inside a pack's ``values: |`` block is a comment of that embedded YAML, and
works on the outer line of the finding. JSON files (text that starts with ``{`` or ``[``) hold no comments and
are not scanned: ``per-file-ignores`` is the way there.

A suppression without a reason still applies and is reported as PAL901 suppression-without-reason; a
suppression that suppresses nothing (or cannot be read, or names an unknown rule) is reported as PAL900
unused-suppression (like ruff's unused ``noqa`` and eslint's unused disable directives). Neither finding can be
suppressed inline; ``ignore`` or ``per-file-ignores`` them in the configuration. Nor can PAL000: a file (or a
part of one) that cannot be read or parsed is not checked at all, so a comment that hid it would hide every
problem in it; ``exclude`` such a file in the configuration instead.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Callable, Iterable, Mapping, Optional, Sequence

from msgspec import Struct
from msgspec.structs import replace

from linter.config.load import Config
from linter.document import Document
from linter.model import PARSE_ERROR_ID, Finding, Fix, Location, Replacement, Rule, Span, Suppression
from linter.yaml.source import SourceFile

UNUSED_SUPPRESSION_ID = "PAL900"
SUPPRESSION_WITHOUT_REASON_ID = "PAL901"
#: The findings about suppressions themselves: they run with every selection, and comments cannot suppress them.
DIRECTIVE_RULES = frozenset({UNUSED_SUPPRESSION_ID, SUPPRESSION_WITHOUT_REASON_ID})
#: The findings no comment suppresses: those about comments, and a file that cannot be parsed (nothing in it is
#: checked, so hiding that would hide everything).
NOT_BY_COMMENT = DIRECTIVE_RULES | {PARSE_ERROR_ID}

ACTIONS = ("disable", "disable-next-line", "disable-file")
# Patterns as text, which re compiles (and caches) when a file first mentions palette-lint: most files do not.
_COMMENT = r"(?:^|(?<=\s))#\s*palette-lint\s*:"
#: Terraform has ``//`` line comments too.
_HCL_COMMENT = r"(?:^|(?<=\s))(?:#|//)\s*palette-lint\s*:"
_BODY = (r"^\s*(?P<action>[A-Za-z-]+)\s*(?:=\s*(?P<rules>[^\s,-][^\s,]*(?:\s*,\s*[^\s,]+)*))?"
         r"\s*(?P<rest>.*)$")
_TOKEN = r"^[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*$"
EXAMPLE = "# palette-lint: disable=PAL106 -- reason"


class Directive(Struct, frozen=True):
    """One ``# palette-lint:`` comment. ``problem`` says why it cannot be used; ``reason_problem`` why its
    reason is missing."""

    line: int
    span: Span
    action: str
    rules: tuple[str, ...] = ()
    reason: str = ""
    problem: str = ""
    reason_problem: str = ""

    def covers(self, line: int) -> bool:
        if self.action == "disable-file":
            return True
        if self.action == "disable-next-line":
            return line == self.line + 1
        return line == self.line

    @property
    def scope(self) -> str:
        return {"disable-file": "in this file", "disable-next-line": "on the next line"}.get(self.action,
                                                                                          "on this line")


#: Whether a (line, column), 1-based, is inside a string of the file (so a ``#`` there is no comment).
InString = Callable[[int, int], bool]


def read_directives(text: str, in_string: Optional[InString] = None, path: str = "") -> tuple[Directive, ...]:
    """Every ``# palette-lint:`` comment of a file's text (none for JSON text; in a Terraform file, ``path``
    ending in ``.tf``, ``// palette-lint:`` too). ``in_string`` tells a comment mark inside a string, which is
    data (see :func:`strings_of`); without it every match counts."""
    if "palette-lint" not in text or text.lstrip()[:1] in ("{", "["):
        return ()
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        for match in re.finditer(_HCL_COMMENT if path.endswith(".tf") else _COMMENT, line):
            if in_string is None or not in_string(number, match.start() + 1):
                found.append(_directive(number, match.start(), len(line.rstrip()), line[match.end():]))
                break
    return tuple(found)


def strings_of(documents: Iterable[Document]) -> InString:
    """A test of whether a position of the file is inside one of its strings (a key or a scalar value): in the
    outer file's coordinates, for the documents parsed from it. A value that holds an embedded document (a
    pack's ``values: |``) is not a string for this purpose: its lines are that document's, comments included,
    and that document's own strings count instead."""
    documents = list(documents)
    spans: list[Span] = []

    def inside(line: int, column: int) -> bool:
        if not spans:  # found on the first question: most files hold no directive, and are never asked
            hosts = {doc.base for doc in documents if doc.parent is not None}
            for doc in documents:
                for path, info in doc.nodes.items():
                    if info.key is not None:
                        spans.append(doc.outer_span(info.key))
                    if info.tag not in ("map", "seq") and doc.base + path not in hosts:
                        spans.append(doc.outer_span(info.value))
        return any((s.line, s.column) <= (line, column) < (s.end_line, s.end_column) for s in spans)

    return inside


def _directive(line: int, start: int, end: int, body: str) -> Directive:
    span = Span(line, start + 1, line, max(end, start + 1) + 1)
    parsed = re.match(_BODY, body)
    if parsed is None or parsed.group("action") not in ACTIONS:
        written = parsed.group("action") if parsed else body.strip()
        return Directive(line, span, written or "", problem=f"'{written}' is not a directive (use "
                                                             f"{', '.join(ACTIONS)})")
    action = parsed.group("action")
    if not parsed.group("rules"):
        return Directive(line, span, action, problem="it names no rule: list the ids or names to disable, "
                                                     "comma-separated (a blanket suppression is not supported)")
    rules = tuple(part.strip() for part in parsed.group("rules").split(","))
    bad = [token for token in rules if not re.match(_TOKEN, token)]
    if bad:
        return Directive(line, span, action, rules, problem=f"'{bad[0]}' is not a rule id or name")
    rest = parsed.group("rest").strip()
    if rest.startswith("--"):
        reason = rest[2:].strip()
        return Directive(line, span, action, rules, reason,
                         reason_problem="" if reason else "the reason after ' -- ' is empty")
    if rest:
        return Directive(line, span, action, rules,
                         reason_problem="the reason must follow ' -- ' after the rule list")
    return Directive(line, span, action, rules, reason_problem="it gives no reason")


class DirectiveProblem(Struct, frozen=True):
    """A PAL900 or PAL901 finding to report at a suppression comment."""

    rule_id: str
    message: str
    path: str
    display_path: str
    span: Span
    value: str
    help: str = ""
    fix: Optional[Fix] = None


class Outcome(Struct, frozen=True):
    findings: tuple[Finding, ...]
    problems: tuple[DirectiveProblem, ...]


ExternalSuppression = Callable[[Finding], Optional[Suppression]]


def apply_suppressions(findings: Iterable[Finding], sources: Mapping[str, SourceFile],
                       documents: Mapping[str, Sequence[Document]], partial: set[str], catalogue: Sequence[Rule],
                       enabled: set[str], external: Optional[ExternalSuppression] = None) -> Outcome:
    """Mark the findings that an inline comment (first) or the configuration suppresses, and find the
    comments to report. ``sources`` are the linted files by path, ``documents`` those parsed from each (where
    their strings are); in ``partial`` files not every rule ran (they did not parse), so a comment there is
    never called unused."""
    by_token = {r.id: r for r in catalogue} | {r.name: r for r in catalogue}
    directives = {path: read_directives(source.text, strings_of(documents.get(path, ())), path)
                  for path, source in sources.items()}
    used: dict[tuple[str, int], set[str]] = {}
    out: list[Finding] = []
    for finding in findings:
        applied = None
        if finding.rule_id not in NOT_BY_COMMENT:
            applied = _inline(finding, directives.get(finding.location.path, ()), by_token, used)
        if applied is None and external is not None:
            applied = external(finding)
        out.append(replace(finding, suppression=applied) if applied else finding)
    problems: list[DirectiveProblem] = []
    for path, found in directives.items():
        source = sources[path]
        for index, directive in enumerate(found):
            problems.extend(_problems(directive, source, by_token, enabled, used.get((path, index), set()),
                                      path in partial))
    return Outcome(tuple(out), tuple(problems))


def _rule_of(token: str, by_token: Mapping[str, Rule]) -> Optional[Rule]:
    return by_token.get(token.upper()) or by_token.get(token.lower())


def _inline(finding: Finding, directives: Sequence[Directive], by_token: Mapping[str, Rule],
            used: dict[tuple[str, int], set[str]]) -> Optional[Suppression]:
    line = finding.location.span.line
    # A comment for the line wins over one for the whole file: it is the more specific reason.
    ordered = sorted(enumerate(directives), key=lambda item: item[1].action == "disable-file")
    for index, directive in ordered:
        if directive.problem or not directive.covers(line):
            continue
        for token in directive.rules:
            rule = _rule_of(token, by_token)
            if rule is not None and rule.id == finding.rule_id:
                used.setdefault((finding.location.path, index), set()).add(token)
                where = Location(finding.location.path, finding.location.display_path, directive.span)
                return Suppression("inSource", directive.reason, where)
    return None


def _problems(directive: Directive, source: SourceFile, by_token: Mapping[str, Rule], enabled: set[str],
              used: set[str], partial: bool) -> list[DirectiveProblem]:
    def problem(rule_id: str, kind: str, message: str, help: str, fix: Optional[Fix] = None) -> DirectiveProblem:
        written = f"{directive.action}={','.join(directive.rules)}"
        return DirectiveProblem(rule_id, message, source.path, source.display_path, directive.span,
                                f"{written}:{kind}", help, fix)

    if directive.problem:
        return [problem(UNUSED_SUPPRESSION_ID, "unreadable", "suppression comment cannot be used",
                        f"{directive.problem}; it suppresses nothing. Write it as `{EXAMPLE}`")]
    out = []
    resolved = {token: _rule_of(token, by_token) for token in directive.rules}
    known = {token: rule for token, rule in resolved.items() if rule is not None}
    unknown = [token for token in directive.rules if token not in known]
    ran = [token for token, rule in known.items() if rule.id in enabled]
    inline_only = [token for token in ran if known[token].id in NOT_BY_COMMENT]
    unused = [token for token in ran if token not in used and token not in inline_only and not partial]
    if unknown:
        out.append(problem(UNUSED_SUPPRESSION_ID, "unknown", f"suppression names no known rule: "
                           f"{', '.join(repr(t) for t in unknown)}{_did_you_mean(unknown[0], by_token)}",
                           "it suppresses nothing: correct the id or name (`palette-lint rules` lists them) or "
                           "remove it"))
    if inline_only:
        out.append(problem(UNUSED_SUPPRESSION_ID, "inline-only",
                           f"{', '.join(inline_only)} cannot be suppressed by a comment",
                           "use `ignore`, `per-file-ignores` or `exclude` in the configuration"
                           + ("; a file that does not parse is not checked at all, so a comment must not hide "
                              "that" if any(known[t].id == PARSE_ERROR_ID for t in inline_only) else "")))
    if unused:
        out.append(problem(UNUSED_SUPPRESSION_ID, "unused",
                           f"unused suppression: no {', '.join(unused)} finding {directive.scope}",
                           "the comment hides nothing and would hide a future problem; remove it",
                           _removal(directive, source, unused)))
    if directive.reason_problem:
        out.append(problem(SUPPRESSION_WITHOUT_REASON_ID, "no-reason",
                           f"suppression without a reason ({directive.reason_problem})",
                           f"reviewers cannot tell why the finding is accepted; add one, e.g. `{EXAMPLE}`"))
    return out


def _removal(directive: Directive, source: SourceFile, unused: Sequence[str]) -> Optional[Fix]:
    """The fix of an unused suppression: the comment removed (its whole line when it is alone there), or only the
    unused rules taken out of its list when it names others too."""
    line = source.line_text(directive.line)
    start = directive.span.column - 1
    if set(unused) >= set(directive.rules):
        before = line[:start].rstrip()
        if before:
            span = Span(directive.line, len(before) + 1, directive.line, len(line) + 1)
        elif directive.line < len(source.line_starts):
            span = Span(directive.line, 1, directive.line + 1, 1)
        else:
            span = Span(directive.line, 1, directive.line, len(line) + 1)
        return Fix("remove the unused suppression", (Replacement(span, ""),))
    comment = re.search(_HCL_COMMENT if source.path.endswith(".tf") else _COMMENT, line[start:])
    body = re.match(_BODY, line[start + comment.end():]) if comment is not None else None
    if comment is None or body is None or body.group("rules") is None:
        return None
    kept = [token for token in directive.rules if token not in unused]
    first = start + comment.end() + body.start("rules")
    last = start + comment.end() + body.end("rules")
    span = Span(directive.line, first + 1, directive.line, last + 1)
    return Fix(f"remove {', '.join(unused)} from the suppression", (Replacement(span, ",".join(kept)),))


def _did_you_mean(token: str, by_token: Mapping[str, Rule]) -> str:
    import difflib  # imported here: only a suppression with a typo needs it

    close = difflib.get_close_matches(token, list(by_token), n=1, cutoff=0.6) or \
        difflib.get_close_matches(token.upper(), list(by_token), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def per_file_ignores(config: Config, catalogue: Sequence[Rule], root: Path) -> Optional[ExternalSuppression]:
    """The configuration's ``per-file-ignores`` as suppressions of SARIF kind ``external``, located at the
    pattern's entry in the configuration file. Patterns are relative to the configuration's directory."""
    from linter.engine.discover import relative_path
    from linter.engine.rule_loader import resolve

    if not config.per_file_ignores:
        return None
    compiled = [(pattern, {r.id for token in tokens for r in resolve(token, catalogue)})
                for pattern, tokens in config.per_file_ignores]

    def location_of(pattern: str) -> Optional[Location]:
        key_path = ("per-file-ignores", pattern)
        source = config.origin(key_path)
        span = source.span(key_path, "key") if source is not None else None
        if source is None or span is None:
            return None
        return Location(relative_path(str(source.path), root), source.shown, span)

    def suppress(finding: Finding) -> Optional[Suppression]:
        path = finding.location.path
        relative = config.relative(path if os.path.isabs(path) else str(root / path))
        for pattern, ids in compiled:
            if finding.rule_id in ids and pattern.matches(relative):
                key = pattern.texts[0]
                source = config.origin(("per-file-ignores", key))
                written_in = source.shown if source is not None else "the configuration"
                return Suppression("external", f"per-file-ignores '{key}' in {written_in}", location_of(key))
        return None

    return suppress
