"""The configuration file: found by walking up, validated with positions, and applied."""

from __future__ import annotations

from pathlib import Path

import pytest

from linter.config.load import ConfigError, find_config, load_config
from linter.engine.clusters import group_clusters
from linter.inputs import read_file
from linter.model import Severity
from linter.validation.store import SchemaStore
from linter.yaml.composer import YamlParser
from linter.yaml.source import SourceFile
from tests.helpers import run_paths

OS_LAYER = "options:\n  system.uri: registry.example.com/edge/os:v1\n"
DUPLICATE = "options:\n  system.uri: registry.example.com/edge/os:v1\n  system.uri: registry.example.com/edge/os:v2\n"


def _load(path: Path):
    return load_config(path, YamlParser(), SchemaStore())


def test_found_by_walking_up(tmp_path: Path) -> None:
    (tmp_path / ".palette-lint.yaml").write_text("ignore: [PAL001]\n")
    nested = tmp_path / "a" / "b"
    nested.mkdir(parents=True)
    assert find_config(nested) == tmp_path / ".palette-lint.yaml"
    assert find_config(nested / "missing.yaml") == tmp_path / ".palette-lint.yaml"


def test_unknown_key_is_reported_with_its_position(tmp_path: Path) -> None:
    path = tmp_path / ".palette-lint.yaml"
    path.write_text("select: [PAL1]\nignored: [PAL001]\n")
    with pytest.raises(ConfigError) as caught:
        _load(path)
    assert f"{path}:2:1:" in str(caught.value) and "unknown key 'ignored'" in str(caught.value)


def test_wrong_type_is_reported_with_its_position(tmp_path: Path) -> None:
    path = tmp_path / ".palette-lint.yaml"
    path.write_text("rules:\n  PAL001: loud\n")
    with pytest.raises(ConfigError) as caught:
        _load(path)
    assert f"{path}:2:11:" in str(caught.value)


def test_ignore_severity_and_exclude_apply(tmp_path: Path) -> None:
    (tmp_path / "dup.yaml").write_text(DUPLICATE)
    (tmp_path / "vendor").mkdir()
    (tmp_path / "vendor" / "dup.yaml").write_text(DUPLICATE)
    config = tmp_path / ".palette-lint.yaml"
    config.write_text("exclude: [vendor]\nrules:\n  duplicate-key: warning\n")
    run = run_paths([tmp_path], root=tmp_path)
    assert [(f.location.path, f.severity) for f in run.findings] == [("dup.yaml", Severity.WARNING)]
    config.write_text("ignore: [duplicate-key]\n")
    assert run_paths([tmp_path], root=tmp_path).findings == ()
    config.write_text("rules:\n  PAL001: 'off'\n")
    assert run_paths([tmp_path], root=tmp_path).findings == ()


def test_declared_clusters_group_files_across_directories(tmp_path: Path) -> None:
    (tmp_path / "profiles").mkdir()
    (tmp_path / "sites" / "a").mkdir(parents=True)
    (tmp_path / "profiles" / "infra-a.yaml").write_text(OS_LAYER)
    (tmp_path / "profiles" / "infra-b.yaml").write_text(OS_LAYER)
    (tmp_path / "sites" / "a" / "user-data").write_text("#cloud-config\nstylus: {}\n")
    config_path = tmp_path / ".palette-lint.yaml"
    config_path.write_text("clusters:\n  - name: site-a\n    files: [profiles/infra-a.yaml, 'sites/a/**']\n")
    config = _load(config_path)
    parser = YamlParser()
    files = []
    for path in sorted(tmp_path.rglob("*")):
        if path.is_file() and path.name != ".palette-lint.yaml":
            parsed = read_file(parser, SourceFile(path.read_text(), path.relative_to(tmp_path).as_posix(),
                                                   str(path)), explicit=False)
            parsed.absolute_path = str(path)
            files.append(parsed)
    clusters = group_clusters(files, config)
    by_name = {c.name: sorted(p.source.path for p in c.files) for c in clusters}
    assert by_name["site-a"] == ["profiles/infra-a.yaml", "sites/a/user-data"]
    # The flat profiles/ folder with its other OS layer forms no implicit cluster: that file stands alone.
    assert by_name["profiles/infra-b.yaml"] == ["profiles/infra-b.yaml"]


def test_directory_with_one_os_layer_is_a_cluster_and_with_two_is_not(tmp_path: Path) -> None:
    parser = YamlParser()

    def parsed(name: str, text: str):
        return read_file(parser, SourceFile(text, name, name), explicit=False)

    one = [parsed("site/os.yaml", OS_LAYER), parsed("site/user-data", "#cloud-config\nstylus: {}\n")]
    two = [parsed("flat/a.yaml", OS_LAYER), parsed("flat/b.yaml", OS_LAYER)]
    clusters = group_clusters(one + two, load_config(None, parser, SchemaStore()))
    assert [(c.origin, len(c.files)) for c in clusters] == [("file", 1), ("file", 1), ("directory", 2)]
