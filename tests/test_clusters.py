"""Cluster grouping (linter/engine/clusters.py): which files are linted together by the cluster rules."""

from __future__ import annotations

from pathlib import Path

from linter.config.load import ClusterSpec, Config
from linter.config.patterns import PathPatterns
from linter.engine.clusters import Cluster, cluster_key, group_clusters
from linter.inputs import read_file
from linter.inputs.reader import ParsedFile
from linter.model import Notice
from linter.yaml.composer import YamlParser
from linter.yaml.source import SourceFile
from tests.helpers import FIXTURES, run_paths

OS_LAYER = "options:\n  system.uri: registry.example.com/edge/os:v1\n"
USER_DATA = "#cloud-config\nstylus:\n  site:\n    paletteEndpoint: api.spectrocloud.com\n"
ADD_ON = ("name: {name}\ntype: add-on\ncloudType: edge-native\npacks:\n  - name: {name}\n    type: spectro\n"
          "    layer: addon\n    version: 1.0.0\n    values: |\n      replicas: 1\n")


def parsed(path: str, text: str) -> ParsedFile:
    return read_file(YamlParser(), SourceFile(text, path, path), explicit=False)


def shape(clusters: list[Cluster]) -> list[tuple[str, str, list[str]]]:
    return [(c.name, c.origin, [p.source.path for p in c.files]) for c in clusters]


def test_a_folder_with_one_os_layer_and_user_data_is_one_cluster() -> None:
    clusters = group_clusters([parsed("site/user-data", USER_DATA), parsed("site/os.yaml", OS_LAYER)], Config())
    assert shape(clusters) == [("site", "directory", ["site/os.yaml", "site/user-data"])]
    assert [d.kind for d in clusters[0].os_layers] == ["os-layer"]
    assert [d.kind for d in clusters[0].user_data] == ["user-data"]


def test_a_folder_without_an_os_layer_forms_no_cluster() -> None:
    files = [parsed("addons/b.yaml", ADD_ON.format(name="b")), parsed("addons/a.yaml", ADD_ON.format(name="a"))]
    assert shape(group_clusters(files, Config())) == [("addons/a.yaml", "file", ["addons/a.yaml"]),
                                                      ("addons/b.yaml", "file", ["addons/b.yaml"])]


def test_a_folder_whose_only_file_is_an_os_layer_is_that_file_alone() -> None:
    assert shape(group_clusters([parsed("os.yaml", OS_LAYER)], Config())) == [("os.yaml", "file", ["os.yaml"])]


def test_files_of_the_top_folder_form_the_cluster_named_dot() -> None:
    clusters = group_clusters([parsed("os.yaml", OS_LAYER), parsed("user-data", USER_DATA)], Config())
    assert shape(clusters) == [(".", "directory", ["os.yaml", "user-data"])]


def test_a_file_that_does_not_parse_is_in_no_cluster() -> None:
    broken = parsed("site/broken.yaml", "options: [")
    assert broken.failures and not broken.documents
    assert shape(group_clusters([broken, parsed("site/os.yaml", OS_LAYER)], Config())) == [
        ("site/os.yaml", "file", ["site/os.yaml"])]


def test_folders_are_grouped_apart_and_in_order() -> None:
    files = [parsed("z/os.yaml", OS_LAYER), parsed("z/user-data", USER_DATA), parsed("a/os.yaml", OS_LAYER),
             parsed("a/user-data", USER_DATA)]
    assert [c.name for c in group_clusters(files, Config())] == ["a", "z"]


def test_the_cluster_key_is_the_folder_without_declared_clusters() -> None:
    assert cluster_key("/repo/sites/a/os.yaml", "sites/a/os.yaml", Config()) == "dir:sites/a"
    assert cluster_key("", "os.yaml", Config()) == "dir:"


def test_a_cluster_lists_the_packs_of_its_profiles_with_name_and_layer() -> None:
    profile = parsed("p/addons.yaml", ADD_ON.format(name="nginx") + "  - name: 7\n    layer: 8\n")
    cluster = Cluster("p", "file", [profile])
    assert [(doc.kind, info.index, info.name, info.layer) for doc, info in cluster.packs()] == [
        ("profile", 0, "nginx", "addon"), ("profile", 1, "", "")]


def test_two_add_on_profiles_in_a_folder_without_an_os_layer_are_not_one_cluster() -> None:
    run = run_paths([FIXTURES / "single-provider-registry" / "addons-without-os-layer"], root=FIXTURES)
    assert sorted(f.rule_id for f in run.active_findings) == ["PAL005", "PAL005"], "no PAL101 across the files"


def test_a_folder_with_one_os_layer_and_several_other_files_is_one_cluster() -> None:
    files = [parsed("site/user-data", USER_DATA), parsed("site/os.yaml", OS_LAYER),
             parsed("site/addons.yaml", ADD_ON.format(name="nginx"))]
    assert shape(group_clusters(files, Config())) == [
        ("site", "directory", ["site/addons.yaml", "site/os.yaml", "site/user-data"])]


def test_each_pack_knows_the_yaml_path_of_its_entry() -> None:
    profile = parsed("p/addons.yaml", ADD_ON.format(name="nginx"))
    [(_doc, info)] = list(Cluster("p", "file", [profile]).packs())
    assert info.path == ("packs", 0)


def _declared(root: Path, patterns: list[str]) -> Config:
    return Config(path=root / ".palette-lint.yaml", root=root,
                  clusters=(ClusterSpec("store-1", PathPatterns.compile(patterns)),))


def test_a_declared_cluster_matches_paths_relative_to_its_configuration(tmp_path: Path) -> None:
    """Patterns are relative to the configuration's folder, which may be below the repository root: a file is
    matched by its absolute path when the run knows it, else by the path it was given."""
    config = _declared(tmp_path / "sites", ["store-1/**"])
    assert cluster_key(str(tmp_path / "sites/store-1/os.yaml"), "sites/store-1/os.yaml", config) == "config:store-1"
    assert cluster_key("", "store-1/os.yaml", config) == "config:store-1"
    assert cluster_key(str(tmp_path / "sites/store-2/os.yaml"), "sites/store-2/os.yaml", config) == "dir:sites/store-2"
    files = [read_file(YamlParser(), SourceFile(text, f"sites/store-1/{name}", f"sites/store-1/{name}"), False,
                       str(tmp_path / "sites/store-1" / name)) for name, text in (("os.yaml", OS_LAYER),
                                                                                   ("user-data", USER_DATA))]
    assert shape(group_clusters(files, config)) == [
        ("store-1", "config", ["sites/store-1/os.yaml", "sites/store-1/user-data"])]


def test_each_fenced_block_of_a_markdown_file_is_a_cluster_named_by_its_line() -> None:
    text = ("# Runbook\n\n```yaml\n" + OS_LAYER + "```\n\nthen\n\n```yaml\n" + USER_DATA + "```\n")
    markdown = read_file(YamlParser(), SourceFile(text, "docs/runbook.md", "docs/runbook.md"), True)
    assert len(markdown.blocks) == 2
    clusters = group_clusters([markdown, parsed("docs/os.yaml", OS_LAYER)], Config())
    assert shape(clusters) == [("docs/runbook.md:4", "block", ["docs/runbook.md"]),
                               ("docs/runbook.md:12", "block", ["docs/runbook.md"]),
                               ("docs/os.yaml", "file", ["docs/os.yaml"])]
    assert [[d.kind for d in c.documents] for c in clusters[:2]] == [["os-layer"], ["user-data"]]


def _site_notice(layers: int, directory: str) -> Notice:
    return Notice(f"{layers} OS layers beside user-data in one folder, so it is not one edge site and the rules "
                  "across files did not run there; list each site's files under clusters: in the configuration",
                  path=directory)


def test_two_os_layers_beside_user_data_are_files_alone_and_the_run_says_why() -> None:
    notices: list[Notice] = []
    files = [parsed("fleet/a.yaml", OS_LAYER), parsed("fleet/b.yaml", OS_LAYER), parsed("fleet/user-data", USER_DATA)]
    clusters = group_clusters(files, Config(), notices)
    assert shape(clusters) == [(p, "file", [p]) for p in ("fleet/a.yaml", "fleet/b.yaml", "fleet/user-data")]
    assert notices == [_site_notice(2, "fleet")]


def test_the_notice_for_the_top_folder_names_it_dot() -> None:
    notices: list[Notice] = []
    files = [parsed("a.yaml", OS_LAYER), parsed("b.yaml", OS_LAYER), parsed("c.yaml", OS_LAYER),
             parsed("user-data", USER_DATA)]
    group_clusters(files, Config(), notices)
    assert notices == [_site_notice(3, ".")]


def test_several_os_layers_without_user_data_are_a_folder_of_profiles_and_no_notice() -> None:
    notices: list[Notice] = []
    group_clusters([parsed("profiles/a.yaml", OS_LAYER), parsed("profiles/b.yaml", OS_LAYER)], Config(), notices)
    assert notices == []
