"""A rule failed while checking this file; palette-lint itself has a bug.

## What it does
When a rule raises an exception, the engine reports it as this finding on the file being checked, runs the
other rules, and exits with code 2. The message names the rule and the place in its code, never the data.

## Why is this bad?
The failing rule did not check this file, so a problem it looks for may be missing from the report.

## Example
(none: this finding comes from palette-lint, not from a file)

## Use instead
Report the finding with the file that triggers it. Until it is fixed, `--ignore` the failing rule to get a
clean exit code for the others.

## Source
palette-lint's own contract (like ruff's panics reported per file): a rule that raises must not hide the
findings of the other rules.
"""

from __future__ import annotations

from typing import Iterator

from linter.api import ALL_DOCUMENT_KINDS, Document, Issue, RuleContext, rule


@rule(id="PAL999", name="internal-error", kinds=ALL_DOCUMENT_KINDS, severity="error", tags=("internal",))
def check(doc: Document, ctx: RuleContext) -> Iterator[Issue]:
    # Findings of this rule are made by the engine when another rule raises; it reports nothing itself.
    return iter(())
