"""Terraform (``*.tf``): the text palette-lint reads out of HCL strings and heredocs and where each character is
in the file; what only Terraform can know becomes a note and never a finding; the files a profile reads with
``file()`` are linted once, with the profile, and the cache and workers see them; the clusters a module declares;
broken, binary and huge ``.tf`` files; and start-up without tree-sitter when no ``.tf`` file is read."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from linter.config.load import Config
from linter.engine.clusters import group_clusters
from linter.inputs import hcl, read_file
from linter.model import Run
from linter.yaml.composer import YamlParser
from linter.yaml.source import SourceFile
from tests.helpers import REPO, palette_lint, run_paths

OS_VALUES = """\
pack:
  content:
    images:
      - image: '{{.spectro.pack.edge-native-byoi.options.system.uri}}'
providerCredentials:
  registry: 123456789012.dkr.ecr.us-east-1.amazonaws.com
  user: AWS
  password: '{{.spectro.macro.ECR_PASSWORD}}'
options:
  system.uri: 123456789012.dkr.ecr.us-east-1.amazonaws.com/edge/ubuntu-k3s:v1.30.4-v4.5.3
"""


def _indent(text: str, spaces: int) -> str:
    return "".join(" " * spaces + line if line.strip() else line for line in text.splitlines(keepends=True))


def _profile(name: str, values: str, pack: str = "edge-native-byoi") -> str:
    return (f'resource "spectrocloud_cluster_profile" "{name}" {{\n  name = "{name}"\n  pack {{\n'
            f'    name   = "{pack}"\n    values = {values}\n  }}\n}}\n')


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")


def _findings(run: Run) -> list[tuple[str, int, int, str]]:
    return sorted((f.location.path, f.location.span.line, f.location.span.column, f.rule_id)
                  for f in run.active_findings)


def _text_of(source_text: str) -> hcl.Text:
    hcl_file = hcl.HclFile(SourceFile(source_text, "main.tf", "main.tf"))
    assert hcl_file.first_error() is None
    expression = hcl.attributes(hcl.body_of(hcl_file.root))["v"][1]
    value = hcl.string_value(hcl_file, expression)
    assert value is not None
    return value


# ---- the text of strings and heredocs, and where each character is -------------------------------------------
def test_a_quoted_string_decodes_its_escapes_and_maps_each_character_to_its_place() -> None:
    value = _text_of('v = "é: \\u00e9\\"x\\"\\n  key: ${var.k} $${lit}\\n"\n')
    assert value.text == 'é: é"x"\n  key: ${var.k} ${lit}\n'
    assert value.interpolated
    # 'é' is one character, two bytes: columns count characters. Line 1 of the text, "  key: ...", starts after
    # the \n escape (columns 20-21 of the file).
    assert value.position_map.outer(0, 0) == (1, 6)
    assert value.position_map.outer(0, 3) == (1, 9)  # the \u00e9 escape sits at its backslash
    assert value.position_map.outer(1, 2) == (1, 24)  # "key"
    assert value.position_map.outer(1, 7) == (1, 29)  # "${var.k}", kept as written
    assert value.position_map.outer(1, 16) == (1, 39)  # "${lit}" from "$${lit}": after the first '$'


def test_a_flush_heredoc_loses_the_indentation_of_its_least_indented_line() -> None:
    source = "v = <<-EOT\n        a:\n\n          b: 1\n      c: ${var.c}\n   \n    EOT\n"
    value = _text_of(source)
    assert value.text == "  a:\n\n    b: 1\nc: ${var.c}\n   \n"
    assert value.position_map.outer(0, 2) == (2, 9)
    assert value.position_map.outer(2, 4) == (4, 11)
    assert value.position_map.outer(3, 3) == (5, 10)


def test_a_plain_heredoc_keeps_its_text_as_it_is() -> None:
    value = _text_of("v = <<EOT\n  a: 1\nb: 2\nEOT\n")
    assert value.text == "  a: 1\nb: 2\n"
    assert not value.interpolated
    assert value.position_map.outer(1, 0) == (3, 1)


def test_a_template_directive_makes_the_text_unknown() -> None:
    hcl_file = hcl.HclFile(SourceFile('v = "%{ if var.x }a%{ endif }"\n', "m.tf", "m.tf"))
    expression = hcl.attributes(hcl.body_of(hcl_file.root))["v"][1]
    assert hcl.string_value(hcl_file, expression) is None
    assert "directive" in hcl.template_problem(hcl_file, expression)


def test_findings_in_heredocs_and_strings_are_at_their_place_in_the_tf_file(tmp_path: Path) -> None:
    main = "# é ü\n" + _profile("flush", "<<-EOT\n" + _indent(OS_VALUES, 6) + "    EOT") + "\n" \
        + _profile("plain", "<<EOT\n" + OS_VALUES + "EOT") + "\n" \
        + _profile("quoted", json.dumps("providerCredentials:\n  registry: 123456789012.dkr.ecr.us-east-1"
                                        ".amazonaws.com\n  user: AWS\noptions:\n  system.uri: NA\n"))
    _write(tmp_path, {"main.tf": main})
    run = run_paths([tmp_path], root=tmp_path)
    pal106 = [(line, column) for _path, line, column, rule in _findings(run) if rule == "PAL106"]
    lines = main.split("\n")
    assert lines[pal106[0][0] - 1][pal106[0][1] - 1:].startswith("123456789012.dkr.ecr")  # <<-EOT
    assert lines[pal106[1][0] - 1][pal106[1][1] - 1:].startswith("123456789012.dkr.ecr")  # <<EOT
    assert lines[pal106[2][0] - 1][pal106[2][1] - 1:].startswith("123456789012.dkr.ecr")  # "...\n  registry: ..."
    assert len(pal106) == 3


# ---- what only Terraform knows ------------------------------------------------------------------------------
def test_what_only_terraform_knows_is_a_note_and_never_a_finding(tmp_path: Path) -> None:
    _write(tmp_path, {"main.tf": """\
locals {
  os_values = <<-EOT
    providerCredentials:
      registry: harbor.example.com
      user: robot
      password: ${var.registry_password}
    options:
      system.uri: ${var.registry}/edge/ubuntu:k3s
  EOT
}
resource "spectrocloud_cluster_profile" "site" {
  name = "site"
  pack {
    name   = "edge-native-byoi"
    values = local.os_values
  }
  pack {
    name   = "edge-k3s"
    values = data.spectrocloud_pack.k3s.values
  }
  pack {
    name   = "nginx"
    values = templatefile("${path.module}/nginx.yaml.tftpl", { replicas = var.replicas })
  }
  pack {
    name   = "csi"
    values = yamlencode({ storageClass = { isDefault = true } })
  }
  pack {
    name   = "cni"
    values = file(var.cni_values_path)
  }
  pack {
    name   = "missing"
    values = file("values/missing.yaml")
  }
  dynamic "pack" {
    for_each = var.extra_packs
    content {
      name   = pack.value.name
      values = pack.value.values
    }
  }
}
resource "spectrocloud_cluster_edge_native" "site" {
  name = "site"
  cluster_profile {
    id = data.spectrocloud_cluster_profile.shared.id
  }
  cluster_profile {
    id = spectrocloud_cluster_profile.site.id
  }
  cluster_profile {
    id = "6543a1b2c3d4e5f6a7b8c9d0"
  }
}
""", "nginx.yaml.tftpl": "providerCredentials:\n%{ if replicas > 1 }\n  user: ${replicas}\n%{ endif }\n"})
    run = run_paths([tmp_path], root=tmp_path)
    # No password, image or host finding from ${...}; the template is not YAML until Terraform renders it, and
    # it is in the run only as the pack's values: no PAL000 for it either.
    assert _findings(run) == []
    notes = [n.message for n in run.notices if n.path.endswith("main.tf")]
    assert any(m.startswith("line 19: ") and "data.spectrocloud_pack.k3s.values" in m for m in notes), notes
    assert any("nginx.yaml.tftpl" in m and "directive" in m for m in notes), notes
    assert any("yamlencode" in m for m in notes), notes
    assert any("path known only to Terraform" in m for m in notes), notes
    assert any("values/missing.yaml" in m for m in notes), notes
    assert any('dynamic "pack"' in m for m in notes), notes
    assert any("data.spectrocloud_cluster_profile.shared.id" in m for m in notes), notes
    assert any("is a literal string (an id known only to Palette?)" in m for m in notes), notes
    assert not any("_lit" in m or "expression (" in m for m in notes), "a parser's node name in a note"
    assert not any("os_values" in m for m in notes), "a local value is followed to its definition"
    result = palette_lint("check", "--no-cache", str(tmp_path), cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_local_value_is_followed_and_linted_where_it_is_defined(tmp_path: Path) -> None:
    _write(tmp_path, {"main.tf": "locals {\n  os = <<-EOT\n" + _indent(OS_VALUES, 4) + "  EOT\n}\n"
                      + _profile("site", "local.os")})
    run = run_paths([tmp_path], root=tmp_path)
    assert ("main.tf", 8, 17, "PAL106") in _findings(run)


# ---- files read with file(): linted once, with the profile -------------------------------------------------
def test_a_file_read_by_a_profile_is_linted_once_and_joined_to_its_profile(tmp_path: Path) -> None:
    _write(tmp_path, {"module/main.tf": _profile("site", 'file("${path.module}/../values/os.yaml")'),
                      "module/addons.tf": _profile("addons", '"harbor-config: {}\\n"',
                                                   pack="harbor-edge-native-config")
                      + 'resource "spectrocloud_cluster_edge_native" "site" {\n'
                        '  cluster_profile { id = spectrocloud_cluster_profile.site.id }\n'
                        '  cluster_profile { id = spectrocloud_cluster_profile.addons.id }\n}\n',
                      "values/os.yaml": OS_VALUES})
    expected = [("values/os.yaml", 5, 1, "PAL104"), ("values/os.yaml", 6, 13, "PAL106")]
    walked = run_paths([tmp_path], root=tmp_path)
    assert _findings(walked) == expected  # the walk found values/os.yaml too: linted once, as the OS layer
    named = run_paths([tmp_path / "module"], root=tmp_path)
    assert _findings(named) == expected  # not walked: read because the profile names it
    assert walked.files_checked == named.files_checked == 3


def test_the_result_cache_and_workers_see_the_files_a_profile_reads(tmp_path: Path) -> None:
    # Harbor's values alone are not recognisably Palette's: only as the pack's values are they linted.
    _write(tmp_path, {"main.tf": _profile("site", 'file("values/harbor.yaml")', pack="harbor-edge-native-config"),
                      "values/harbor.yaml": 'harbor-config:\n  auth:\n    password: "Wint3r-Harb0r"\n',
                      **{f"other{n}/user-data": "#cloud-config\nstylus: {}\n" for n in range(4)}})

    def reported() -> list[tuple[str, str]]:
        result = palette_lint("check", "--format", "json", "--jobs", "2", ".", cwd=tmp_path)
        return [(f["rule_id"], f["location"]["path"]) for f in json.loads(result.stdout)["findings"]]

    assert reported() == [("PAL301", "values/harbor.yaml")]
    assert reported() == [("PAL301", "values/harbor.yaml")]  # from the result cache
    (tmp_path / "values/harbor.yaml").write_text(
        "harbor-config:\n  auth:\n    password: '{{.spectro.macro.HARBOR_PASSWORD}}'\n", encoding="utf-8")
    assert reported() == []  # main.tf did not change, the file it reads did: not taken from the cache


# ---- clusters -------------------------------------------------------------------------------------------
def _parsed(root: Path, files: dict[str, str]) -> list:
    _write(root, files)
    parser = YamlParser()
    return [read_file(parser, SourceFile((root / name).read_text(), name, name), True, str(root / name))
            for name in files]


def test_a_module_forms_the_clusters_it_declares_and_no_other(tmp_path: Path) -> None:
    files = _parsed(tmp_path, {
        "profiles.tf": _profile("infra", '"options: {}\\n"') + _profile("addons", '"a: 1\\n"', pack="nginx")
        + _profile("lonely", '"b: 2\\n"', pack="nginx"),
        "clusters.tf": 'resource "spectrocloud_cluster_edge_native" "one" {\n'
                       '  cluster_profile { id = spectrocloud_cluster_profile.infra.id }\n}\n'
                       'resource "spectrocloud_addon_deployment" "more" {\n'
                       '  cluster_uid = spectrocloud_cluster_edge_native.one.id\n'
                       '  cluster_profile {\n    id = spectrocloud_cluster_profile.addons.id\n'
                       '    pack {\n      name   = "nginx"\n      values = "a: 2\\n"\n    }\n  }\n}\n'
                       'resource "spectrocloud_cluster_edge_native" "two" {\n'
                       '  cluster_profile { id = spectrocloud_cluster_profile.elsewhere.id }\n}\n'})
    notices: list = []
    clusters = {c.name: c for c in group_clusters(files, Config(root=tmp_path), notices)}
    assert sorted((name, c.origin) for name, c in clusters.items()) == [
        ("spectrocloud_cluster_edge_native.one", "terraform"), ("spectrocloud_cluster_edge_native.two", "terraform"),
        ("spectrocloud_cluster_profile.lonely", "profile")]
    one = clusters["spectrocloud_cluster_edge_native.one"]
    assert [d.describe() for d in one.profiles] == ["profiles.tf", "profiles.tf"]
    values = [d.data for d in one.documents if d.kind == "pack-values"]
    assert values == [{"a": 2}], "the add-on deployment's override replaces the profile's pack values"
    assert [n.message for n in notices] == [
        "spectrocloud_cluster_edge_native.two attaches spectrocloud_cluster_profile.elsewhere, which no linted file "
        "of its directory declares; not linted with the cluster"]


# ---- bad input ------------------------------------------------------------------------------------------
def test_broken_binary_and_huge_tf_files(tmp_path: Path) -> None:
    _write(tmp_path, {"broken.tf": 'resource "spectrocloud_cluster_profile" "x" {\n  name = "x"\n'})
    (tmp_path / "binary.tf").write_bytes(b'resource "spectrocloud_cluster_profile" \x00\x01')
    (tmp_path / "huge.tf").write_text("# spectrocloud_\n" + "#" * (5 * 1024 * 1024), encoding="utf-8")
    (tmp_path / "deep.tf").write_text('locals {\n  v = ' + "[" * 5000 + "]" * 5000 + "\n}\n", encoding="utf-8")
    result = palette_lint("check", "--no-cache", "broken.tf", "binary.tf", "huge.tf", "deep.tf", cwd=tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "broken.tf:3:1: error PAL000 HCL syntax error: a '}' that closes a block or object is missing here" \
        in result.stdout
    assert "binary.tf:1:1: error PAL000 binary file" in result.stdout
    assert "huge.tf:1:1: error PAL000 file is" in result.stdout
    assert "palette-lint: warning: deep.tf: not a Palette" in result.stderr
    walked = palette_lint("check", "--no-cache", ".", cwd=tmp_path)
    assert "broken.tf:3:1" in walked.stdout and "deep.tf" not in walked.stdout


def test_a_yaml_only_run_does_not_import_tree_sitter() -> None:
    code = ("import sys\nfrom linter.cli import main\n"
            "sys.argv = ['palette-lint', 'check', '--no-cache', 'examples/trouble-site', 'examples/clean-site',"
            " 'examples/override-site']\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
            "print('tree_sitter' in sys.modules, 'linter.inputs.hcl' in sys.modules)\n")
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert result.stdout.strip().endswith("False False"), result.stdout[-300:] + result.stderr


def test_a_reader_that_crashes_gives_an_internal_error_finding_not_a_traceback(tmp_path: Path, monkeypatch) -> None:
    from linter.inputs.terraform import TerraformReader

    def crash(*_args: object) -> None:
        raise ValueError("password: CANARY-QzTfCrash")

    monkeypatch.setattr(TerraformReader, "read_text", crash)
    monkeypatch.setattr(TerraformReader, "references", crash)
    _write(tmp_path, {"main.tf": _profile("site", "<<EOT\n" + OS_VALUES + "EOT")})
    run = run_paths([tmp_path], root=tmp_path)
    assert [(f.location.path, f.rule_id) for f in run.findings] == [("main.tf", "PAL999")]
    message = run.findings[0].message
    assert message.startswith("the terraform reader failed with ValueError at test_terraform.py:") \
        and "CANARY" not in message, message


def test_a_cluster_resource_sees_its_profiles_once_its_additions_and_its_overrides_only(tmp_path: Path) -> None:
    """A profile attached twice is seen once; an unknown profile is a note and the ones after it still count;
    an add-on deployment joins the cluster it names and no other, and a pack it adds that the profile does not
    list is linted with the cluster. With two cluster resources in a module the folder's user-data belongs to
    neither; with one, it joins it. A profile no cluster attaches is a cluster of its own."""
    user_data = "#cloud-config\nstylus:\n  site:\n    paletteEndpoint: api.spectrocloud.com\n"
    files = _parsed(tmp_path, {
        "two/profiles.tf": _profile("infra", '"options: {}\\n"') + _profile("addons", '"a: 1\\n"', pack="nginx"),
        "two/clusters.tf": 'resource "spectrocloud_cluster_edge_native" "one" {\n'
                           '  cluster_profile { id = spectrocloud_cluster_profile.missing.id }\n'
                           '  cluster_profile { id = spectrocloud_cluster_profile.infra.id }\n'
                           '  cluster_profile { id = spectrocloud_cluster_profile.infra.id }\n}\n'
                           'resource "spectrocloud_addon_deployment" "more" {\n'
                           '  cluster_uid = spectrocloud_cluster_edge_native.one.id\n'
                           '  cluster_profile {\n    id = spectrocloud_cluster_profile.addons.id\n'
                           '    pack {\n      name   = "extra"\n      values = "e: 1\\n"\n    }\n  }\n}\n'
                           'resource "spectrocloud_cluster_edge_native" "other" {\n'
                           '  cluster_profile { id = spectrocloud_cluster_profile.addons.id }\n}\n',
        "two/user-data": user_data,
        "one/main.tf": _profile("infra", '"options: {}\\n"') + _profile("spare", '"b: 2\\n"', pack="nginx")
        + 'resource "spectrocloud_cluster_edge_native" "only" {\n'
          '  cluster_profile { id = spectrocloud_cluster_profile.infra.id }\n}\n',
        "one/user-data": user_data})
    notices: list = []
    clusters = group_clusters(files, Config(root=tmp_path), notices)

    def described(cluster) -> list[tuple[str, str]]:
        return [(d.kind, d.describe()) for d in cluster.documents]

    assert [(c.name, c.origin, [p.source.path for p in c.files]) for c in clusters] == [
        ("spectrocloud_cluster_edge_native.only", "terraform", ["one/main.tf", "one/user-data"]),
        ("spectrocloud_cluster_profile.spare", "profile", ["one/main.tf"]),
        ("spectrocloud_cluster_edge_native.one", "terraform", ["two/clusters.tf", "two/profiles.tf"]),
        ("spectrocloud_cluster_edge_native.other", "terraform", ["two/clusters.tf", "two/profiles.tf"]),
        ("two/user-data", "file", ["two/user-data"])]
    only, spare, one, other, _user_data = clusters
    assert described(only) == [("terraform", "one/main.tf"), ("profile", "one/main.tf"),
                               ("os-layer", "one/main.tf (pack edge-native-byoi)"), ("user-data", "one/user-data")]
    assert described(spare) == [("profile", "one/main.tf"), ("pack-values", "one/main.tf (pack nginx)")]
    assert described(one) == [
        ("terraform", "two/clusters.tf"), ("profile", "two/profiles.tf"),
        ("os-layer", "two/profiles.tf (pack edge-native-byoi)"), ("terraform", "two/clusters.tf"),
        ("profile", "two/profiles.tf"), ("pack-values", "two/profiles.tf (pack nginx)"),
        ("pack-values", "two/clusters.tf (pack extra)")]
    assert described(other) == [("terraform", "two/clusters.tf"), ("profile", "two/profiles.tf"),
                                ("pack-values", "two/profiles.tf (pack nginx)")]
    assert [(n.message.split(",")[0], n.path) for n in notices] == [
        ("spectrocloud_cluster_edge_native.one attaches spectrocloud_cluster_profile.missing", "two/clusters.tf")]
