"""Palette files quoted in Markdown, opt-in: the fenced yaml and json blocks of a .md file are read as files of
their own, with findings at their line and column in the .md file (in list items too), each block a cluster of
its own; other blocks are left alone."""

from __future__ import annotations

import json
from pathlib import Path

from linter.model import Run
from tests.helpers import palette_lint, run_paths

RUNBOOK = """\
# Store site runbook

Paste this into the OS layer of the store profile:

```yaml
pack:
  content:
    images:
      - image: '{{.spectro.pack.edge-native-byoi.options.system.uri}}'
providerCredentials:
  registry: 123456789012.dkr.ecr.us-east-1.amazonaws.com
  user: AWS
  password: '{{.spectro.macro.ECR}}'
options:
  system.uri: 123456789012.dkr.ecr.us-east-1.amazonaws.com/edge/ubuntu-k3s:v1.30.4-v4.5.3
```

1. Then write the site user-data:

   ```yaml
   #cloud-config
   stylus:
     site:
       paletteEndpoint: api.spectrocloud.com
     registryCredentials:
       domain: mirror.example.com
       username: robot
       password: Plain-Secret-1
   ```

> A profile exported as JSON:
>
> ```json
> {"spec": {"template": {"packs": [{"name": "edge-native-byoi", "layer": "os",
>   "values": "providerCredentials:\\n  registry: https://harbor.example.com\\n"}]}}}
> ```

Helm values, not Palette's, and a shell block:

```yaml
replicaCount: 2
```

```sh
echo 'password: not-yaml'
```
"""


def _findings(run: Run) -> list[tuple[str, int, int, str]]:
    return sorted((f.location.path, f.location.span.line, f.location.span.column, f.rule_id)
                  for f in run.active_findings)


def test_blocks_are_linted_at_their_place_in_the_markdown_file(tmp_path: Path) -> None:
    (tmp_path / "runbook.md").write_text(RUNBOOK, encoding="utf-8")
    run = run_paths([tmp_path / "runbook.md"], root=tmp_path)
    # Inside the JSON block's values string, each finding is at its own character (escapes counted as written).
    assert _findings(run) == [("runbook.md", 11, 13, "PAL106"), ("runbook.md", 28, 18, "PAL301"),
                              ("runbook.md", 35, 16, "PAL108"), ("runbook.md", 35, 50, "PAL108")]
    assert run.files_checked == 1


def test_each_block_is_a_cluster_of_its_own(tmp_path: Path) -> None:
    """The user-data block's registryCredentials would override the OS layer's providerCredentials if they were
    one site (PAL103); on one page they are two examples."""
    (tmp_path / "runbook.md").write_text(RUNBOOK, encoding="utf-8")
    run = run_paths([tmp_path / "runbook.md"], root=tmp_path)
    assert "PAL103" not in {f.rule_id for f in run.findings}


def test_a_walk_reads_markdown_only_when_asked(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "runbook.md").write_text(RUNBOOK, encoding="utf-8")
    plain = palette_lint("check", "--no-cache", ".", cwd=tmp_path)
    assert plain.returncode == 0 and "No problems found in 0 files." in plain.stdout
    asked = palette_lint("check", "--no-cache", "--markdown", "-f", "json", ".", cwd=tmp_path)
    assert asked.returncode == 1
    assert len(json.loads(asked.stdout)["findings"]) == 4
    (tmp_path / ".palette-lint.yaml").write_text("markdown: true\n", encoding="utf-8")
    assert palette_lint("check", "--no-cache", ".", cwd=tmp_path).returncode == 1


def test_a_broken_palette_block_is_reported_and_other_broken_blocks_are_not(tmp_path: Path) -> None:
    (tmp_path / "notes.md").write_text(
        "```yaml\nproviderCredentials:\n  registry: harbor.example.com\n  password: [oops\n```\n\n"
        "```yaml\nnot: [palette\n```\n", encoding="utf-8")
    run = run_paths([tmp_path / "notes.md"], root=tmp_path)
    assert [(f.rule_id, f.location.span.line) for f in run.findings] == [("PAL000", 5)]
    assert run.findings[0].message.startswith("fenced block: invalid YAML")


def test_a_file_of_too_many_blocks_says_where_reading_stopped(tmp_path: Path) -> None:
    from linter.inputs.markdown import MAX_BLOCKS

    block = "```yaml\nproviderCredentials:\n  registry: harbor.example.com\n```\n"
    (tmp_path / "huge.md").write_text(block * (MAX_BLOCKS + 3), encoding="utf-8")
    run = run_paths([tmp_path / "huge.md"], root=tmp_path)
    limits = [f for f in run.findings if f.rule_id == "PAL000"]
    assert [(f.location.span.line, f.message) for f in limits] == [
        (MAX_BLOCKS * 4 + 1, f"more than {MAX_BLOCKS} fenced yaml or json blocks, the limit")]
