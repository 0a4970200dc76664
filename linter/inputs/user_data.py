"""EdgeForge user-data (palette-formats.md section 1): the installer's ``user-data`` (cloud-config), site user-data,
and Agent Mode's ``userdata``. Recognised by a ``#cloud-config`` first line, a top-level ``stylus`` mapping, or,
in a file named as user-data (``user-data``, ``userdata``, ``user-data.yaml``, ``userdata.example``, ...), by
the cloud-init and Kairos keys it holds (``stages:`` alone, say): such a file is delivered as user-data, so a
missing header is worth a finding, not a skip."""

from __future__ import annotations

import posixpath
from typing import TYPE_CHECKING

from linter.inputs.kinds import USER_DATA
from linter.inputs.reader import YAML_SUFFIXES, ParsedFile
from linter.yaml.composer import YamlParser

if TYPE_CHECKING:  # pragma: no cover
    from linter.document import Document

CLOUD_CONFIG_HEADER = "#cloud-config"


#: Top-level keys of cloud-init and Kairos configuration: a file named as user-data that holds one of them is
#: user-data even without its header (which PAL004 then reports).
CLOUD_CONFIG_KEYS = frozenset({"stylus", "stages", "install", "users", "write_files", "runcmd", "bootcmd", "k3s",
                               "hostname", "name", "reset", "upgrade"})


def named_as_user_data(file_name: str) -> bool:
    """Whether a file's name (its last part, lower case) says it is user-data: ``user-data`` and ``userdata``
    (Agent Mode keeps it at ``/var/lib/spectro/userdata``), with any extension, and their ``.example`` copies."""
    name = file_name.removesuffix(".example")
    return any(name == stem or name.startswith(stem + ".") for stem in ("user-data", "userdata"))


class UserDataReader:
    name = "user-data"
    kind = USER_DATA

    def accepts_name(self, file_name: str) -> bool:
        return file_name.endswith(YAML_SUFFIXES) or named_as_user_data(file_name) or \
            file_name.endswith(tuple(suffix + ".example" for suffix in YAML_SUFFIXES))

    def recognises(self, root: Document) -> bool:
        if root.header.lstrip("\ufeff").startswith(CLOUD_CONFIG_HEADER):
            return True
        if not isinstance(root.data, dict):
            return False
        if isinstance(root.data.get("stylus"), dict):
            return True
        name = posixpath.basename(root.source.path.replace("\\", "/")).lower()
        return named_as_user_data(name) and any(key in CLOUD_CONFIG_KEYS for key in root.data)

    def read(self, root: Document, parser: YamlParser, parsed: ParsedFile) -> None:
        """User-data embeds no other document."""
