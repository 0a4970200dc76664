"""Reading and writing the files fixes change, byte for byte as they were apart from the edits: the same
encoding, the same byte-order mark, the same line breaks (the text keeps them)."""

from __future__ import annotations

from typing import Optional

from msgspec import Struct

from linter.inputs.decode import BYTE_ORDER_MARKS


class FileText(Struct, frozen=True):
    """A file's text and how it is stored: its encoding and byte-order mark (b"" for none)."""

    text: str
    encoding: str = "utf-8"
    mark: bytes = b""

    def encoded(self, text: Optional[str] = None) -> bytes:
        """``text`` (default: the file's) stored as the file stores its text."""
        return self.mark + (self.text if text is None else text).encode(self.encoding)


def decode_file(raw: bytes) -> Optional[FileText]:
    """The text of a file's bytes as palette-lint reads it (linter/inputs/decode.py); None when it is not text."""
    encoding, mark = "utf-8", b""
    for candidate, marked in BYTE_ORDER_MARKS:
        if raw.startswith(candidate):
            encoding, mark = marked, candidate
            break
    try:
        return FileText(raw[len(mark):].decode(encoding), encoding, mark)
    except UnicodeDecodeError:
        return None


def read_file_text(path: str) -> Optional[FileText]:
    try:
        with open(path, "rb") as handle:
            return decode_file(handle.read())
    except OSError:
        return None


def write_file_text(path: str, stored: FileText, text: str) -> None:
    """Write ``text`` to ``path`` as ``stored`` was stored; in place, so the file keeps its mode and links."""
    with open(path, "wb") as handle:
        handle.write(stored.encoded(text))
