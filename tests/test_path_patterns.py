"""Path patterns have .gitignore semantics (pathspec): anchored, directory-only, negated and escaped patterns
mean what they mean in a .gitignore, relative to the configuration's directory."""

from __future__ import annotations

from pathlib import Path

import pytest

from linter.config.load import ConfigError, load_config
from linter.config.patterns import PathPatterns
from linter.validation.store import SchemaStore
from linter.yaml.composer import YamlParser
from tests.helpers import palette_lint

# An OS layer with a duplicate key: PAL001 fires in every copy, so each linted copy shows in the report.
DUPLICATE = "options:\n  system.uri: registry.example.com/edge/os:v1\n  system.uri: registry.example.com/edge/os:v2\n"


@pytest.mark.parametrize("patterns, path, matched", [
    (["/gen"], "gen/os.yaml", True),
    (["/gen"], "gen", True),
    (["/gen"], "sub/gen/os.yaml", False),
    (["/gen"], "general/os.yaml", False),
    (["gen"], "sub/gen/os.yaml", True),
    (["./gen"], "gen/os.yaml", True),
    (["./gen"], "sub/gen/os.yaml", False),
    (["gen/"], "gen/os.yaml", True),
    (["*.json"], "sites/a/profile.json", True),
    (["sites/*.yaml"], "sites/a/os.yaml", False),
    (["sites/**/os.yaml"], "sites/a/b/os.yaml", True),
    (["sites/**/os.yaml"], "sites/os.yaml", True),
    (["legacy/**", "!legacy/keep.yaml"], "legacy/keep.yaml", False),
    (["legacy/**", "!legacy/keep.yaml"], "legacy/old.yaml", True),
    ([r"odd\*name.yaml"], "odd*name.yaml", True),
    ([r"odd\*name.yaml"], "oddXname.yaml", False),
    (["gen"], "../gen/os.yaml", False),
    ([], "gen/os.yaml", False),
])
def test_patterns_match_as_in_a_gitignore(patterns: list[str], path: str, matched: bool) -> None:
    assert PathPatterns.compile(patterns).matches(path) is matched


def test_exclude_of_an_anchored_directory_excludes_it_and_nothing_else(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / ".palette-lint.yaml").write_text('exclude: ["/gen"]\n', encoding="utf-8")
    for place in ("gen", "sub/gen", "general", "."):
        (tmp_path / place).mkdir(parents=True, exist_ok=True)
        (tmp_path / place / "os.yaml").write_text(DUPLICATE, encoding="utf-8")
    result = palette_lint("check", "--no-cache", ".", cwd=tmp_path)
    reported = sorted({line.split(":", 1)[0] for line in result.stdout.splitlines() if "PAL001" in line})
    assert reported == ["general/os.yaml", "os.yaml", "sub/gen/os.yaml"], result.stdout


@pytest.mark.parametrize("text, message", [
    ('exclude: ["../shared"]\n', "exclude[0]: a path pattern is relative to the configuration's directory"),
    ('clusters:\n  - files: ["sites/../../x"]\n', "cannot leave it"),
    ('per-file-ignores:\n  "!legacy/**": [PAL106]\n', "a negated pattern ('!...') has nothing to take back"),
])
def test_the_schema_refuses_patterns_that_cannot_work(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / ".palette-lint.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(path, YamlParser(), SchemaStore())
    assert message in str(caught.value)
