"""The value types that flow through a run: severities, spans, issues, findings, rules and the run."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Iterator, NamedTuple, Optional, Union

from msgspec import Struct, field

if TYPE_CHECKING:  # pragma: no cover
    from linter.document import Document
    from linter.redact import Secrets

#: A YAML path: mapping keys (which may contain dots, such as ``"system.uri"``) and sequence indexes.
YamlPath = tuple[Union[str, int], ...]


class Severity(enum.IntEnum):
    """Finding severities; their names are SARIF levels, their order is the fail threshold's order."""

    NOTE = 1
    WARNING = 2
    ERROR = 3

    @classmethod
    def parse(cls, text: str) -> Severity:
        try:
            return cls[text.strip().upper()]
        except KeyError:
            raise ValueError(f"unknown severity {text!r}: use error, warning or note") from None

    @property
    def label(self) -> str:
        return self.name.lower()


class Span(NamedTuple):
    """A region of a file: 1-based lines and columns; ``end_column`` is the column after the last character.

    A named tuple rather than a frozen dataclass: the parser records one or two per node, and a tuple is
    several times cheaper to make. It is immutable and orders by position all the same."""

    line: int
    column: int
    end_line: int
    end_column: int

    @classmethod
    def point(cls, line: int, column: int) -> Span:
        return cls(line, column, line, column + 1)


@dataclass(frozen=True)
class Related:
    """Another place that explains an issue: possibly in another document of the same cluster."""

    message: str
    at: YamlPath = ()
    doc: Document | None = None


@dataclass(frozen=True)
class Issue:
    """What a rule reports: what is wrong and where, as a YAML path in a document.

    ``part`` chooses what the path points at: ``"key"`` (the mapping key), ``"value"`` (the value) or
    ``"auto"`` (the value for scalars, the key for mappings and sequences). ``span``, in the document's own
    coordinates, gives a place a path cannot: the engine's parse findings, or a line inside a string (a PEM
    block's, from ``Document.line_span``), with ``at`` still naming the string. ``severity`` is a suggestion (a rule with two
    degrees of the same problem); the configured severity always wins. ``doc`` is required in cluster and
    change rules, which see several documents. ``value`` is a stable digest of the offending value that
    makes the fingerprint tell apart two issues at the same path; never put a secret in clear here, the
    engine hashes it.
    """

    message: str
    at: YamlPath = ()
    part: str = "auto"
    doc: Document | None = None
    related: tuple[Related, ...] = ()
    severity: Severity | None = None
    span: Span | None = None
    value: str = ""
    help: str = ""  # why it matters and what to do: printed on its own line after the message
    #: How to repair it: text edits of the document's own text (``linter/fix/edits.py`` builds them); the engine
    #: maps them into the file through the document's container. None: no automatic fix.
    fix: Optional[TextFix] = None


@dataclass(frozen=True)
class TextEdit:
    """Replace the characters ``[start, end)`` of a document's own text (a whole file, or the text embedded in
    one: a pack's values) with ``text``, written as that text's own characters (no container escaping)."""

    start: int
    end: int
    text: str


@dataclass(frozen=True)
class TextFix:
    """A rule's fix: what it does (``title``, imperative, no secret), its edits of the document's own text, and
    whether it is safe: a safe fix keeps what the file means apart from the problem it repairs; an unsafe one
    may change behaviour and is applied only with ``--unsafe-fixes`` (ruff's applicability). ``note`` is what
    the user must still do once it is applied (the macro to create), printed then."""

    title: str
    edits: tuple[TextEdit, ...]
    safe: bool = True
    note: str = ""
    #: The YAML paths of the document whose data the fix changes; empty: the issue's ``at``.
    paths: tuple[YamlPath, ...] = ()


class Location(Struct, frozen=True):
    """Where a finding is: a repository-relative path, the path as the user gave it, a span, a YAML path."""

    path: str
    display_path: str
    span: Span
    yaml_path: str = ""


class Replacement(Struct, frozen=True):
    """One edit of a file: the characters of ``span`` (1-based; an empty span is an insertion point) replaced by
    ``text``, as the file writes it (container escaping applied)."""

    span: Span
    text: str


class Fix(Struct, frozen=True):
    """A finding's fix in the file: its title, replacements (sorted, not overlapping), applicability (``safe``)
    and what is left to do once applied (``note``)."""

    title: str
    replacements: tuple[Replacement, ...]
    safe: bool = True
    note: str = ""
    #: The YAML paths (from the file's root, as findings write them) whose data the fix changes.
    paths: tuple[str, ...] = ()


class RelatedLocation(Struct, frozen=True):
    location: Location
    message: str


class Suppression(Struct, frozen=True):
    """A suppression that applied to a finding and its reason: ``kind`` is SARIF's ``inSource`` (a comment) or
    ``external`` (the configuration's ``per-file-ignores``); ``location`` is where the suppression is written."""

    kind: str
    justification: str
    location: Location | None = None


class Finding(Struct, frozen=True):
    rule_id: str
    rule_name: str
    severity: Severity
    message: str
    location: Location
    related: tuple[RelatedLocation, ...] = ()
    fingerprint: str = ""
    suppression: Suppression | None = None
    line_hash: str = ""  # GitHub's primaryLocationLineHash of the start line (linter/engine/line_hash.py)
    #: Compared with a base revision or a baseline file: ``new``, ``unchanged`` or ``absent`` (fixed); else "".
    baseline_state: str = ""
    #: Why it matters and what to do (the message says what is wrong, in a line of its own).
    help: str = ""
    #: How to repair it in the file (``check --fix``, SARIF ``fixes``, the language server's code actions).
    fix: Optional[Fix] = None

    def sort_key(self) -> tuple[Any, ...]:
        loc = self.location
        return (loc.path, loc.span.line, loc.span.column, self.rule_id, self.message)


class RuleDoc(Struct, frozen=True):
    """A rule's documentation, taken from its module docstring."""

    summary: str
    markdown: str

    def section(self, heading: str) -> str:
        """The text under ``## heading`` (empty when the heading is missing)."""
        lines = self.markdown.splitlines()
        out: list[str] = []
        inside = False
        for line in lines:
            if line.startswith("## "):
                if inside:
                    break
                inside = line[3:].strip().lower() == heading.lower()
                continue
            if inside:
                out.append(line)
        return "\n".join(out).strip()


RuleCheck = Callable[..., Iterator[Issue]]


_NO_DOC = RuleDoc("", "")


class Rule(Struct, frozen=True):
    """A loaded rule: its identity, where it applies, its default severity, documentation and check."""

    id: str
    name: str
    scope: str  # "document", "cluster" or "change"
    kinds: frozenset[str]
    severity: Severity
    check: RuleCheck
    doc: RuleDoc = _NO_DOC
    options: tuple[tuple[str, Any], ...] = ()
    tags: tuple[str, ...] = ()
    source: str = ""  # the module file the rule was loaded from

    @property
    def default_options(self) -> dict[str, Any]:
        return dict(self.options)


class Notice(Struct, frozen=True):
    """Something the run wants the user to know that is not a finding (a skipped file, a skipped step)."""

    message: str
    path: str = ""
    level: str = "note"  # SARIF notification level: note, warning or error


class Comparison(Struct, frozen=True):
    """How a run compares with a base revision and/or a baseline file. ``accepted`` holds the fingerprints of
    findings that are not reported because they are unchanged (in the baseline file, or in the base revision
    under ``--new-only``); they are in ``Run.findings`` with a suppression, so they do not fail the run."""

    base: str = ""  # the base revision, described ("origin/main (merge base 1a2b3c4d5e)"); "" when none
    baseline: str = ""  # the baseline file as given; "" when none
    new_only: bool = False
    new: int = 0
    unchanged: int = 0
    fixed: int = 0
    accepted: frozenset[str] = frozenset()


class FixSummary(Struct, frozen=True):
    """Fixes applied (written with ``--fix``, or shown with ``--diff``): how many, in how many files, and how many
    of the remaining findings only ``--unsafe-fixes`` would fix."""

    fixed: int
    files: int
    written: bool
    unsafe_left: int = 0


class Run(Struct, frozen=True):
    """The immutable result of one run, which every formatter takes."""

    findings: tuple[Finding, ...]
    rules: tuple[Rule, ...]
    files_checked: int
    notices: tuple[Notice, ...] = ()
    tool_version: str = ""
    fail_on: Severity | None = Severity.ERROR
    #: The lowest severity that fails the run in the files (repository-relative) whose configuration sets
    #: another fail-on than ``fail_on``.
    fail_on_by_path: dict[str, Severity | None] = field(default_factory=dict)
    #: The secret values read from the files (linter.redact.Secrets): output.render scrubs them from every report.
    secrets: Secrets | None = None
    #: Findings of the base revision or the baseline file that are gone (``baseline_state == "absent"``).
    absent: tuple[Finding, ...] = ()
    comparison: Comparison | None = None
    #: Where each linted file is (repository-relative path -> absolute path), for writing fixes.
    absolute_paths: dict[str, str] = field(default_factory=dict)
    #: What ``--fix`` or ``--diff`` did, for the summary; None when not fixing.
    fixed: FixSummary | None = None

    @property
    def active_findings(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.suppression is None)

    @property
    def internal_errors(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.rule_id == INTERNAL_ERROR_ID)

    def threshold(self, path: str) -> Severity | None:
        """The lowest severity that fails the run in the file ``path``; None: nothing does."""
        return self.fail_on_by_path[path] if path in self.fail_on_by_path else self.fail_on

    def failed(self) -> bool:
        """Whether an active finding is at or above the threshold of its file."""
        for finding in self.active_findings:
            threshold = self.threshold(finding.location.path)
            if threshold is not None and finding.severity >= threshold:
                return True
        return False


PARSE_ERROR_ID = "PAL000"
INTERNAL_ERROR_ID = "PAL999"
