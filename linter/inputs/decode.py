"""A file's bytes (from disk or from git) as text, or why palette-lint cannot read them as text."""

from __future__ import annotations

import os
import stat
from typing import Optional

from linter.model import Span
from linter.yaml.composer import ParseFailure
from linter.yaml.source import SourceFile

#: Files larger than this are not parsed (a finding says so). Profiles and user-data are a few KB.
MAX_FILE_BYTES = 4 * 1024 * 1024

#: Text that marks a file as meant for Palette, used to decide whether a walked file that fails to parse is ours.
#: What reading a file gives: its text, or why there is none, and a best-effort text (for sniffing whether a file
#: that cannot be read is meant for Palette, and for the secrets it may hold).
SourceRead = tuple[Optional[SourceFile], Optional[ParseFailure], str]

_PALETTE_MARKERS = ("#cloud-config", "stylus:", "providerCredentials", "system.uri", "edge-native",
                    "registryCredentials", "externalRegistries", '"packs"', "\npacks:", "spectrocloud_")


def looks_like_palette_text(text: str) -> bool:
    return any(marker in text for marker in _PALETTE_MARKERS)


def read_source(abs_path: str, rel_path: str, display_path: str,
                max_bytes: int = MAX_FILE_BYTES) -> SourceRead:
    """The decoded text of a file, or why it cannot be had. The third item is a best-effort text
    (for sniffing whether a failing file is meant for Palette)."""
    start = Span(1, 1, 1, 2)
    try:
        info = os.stat(abs_path)
        if not stat.S_ISREG(info.st_mode):
            # A FIFO, socket or device named explicitly: opening a FIFO would block until a writer comes.
            return None, ParseFailure("cannot read the file: not a regular file", start, kind="unreadable",
                                      help="a pipe, socket or device is not linted"), ""
        size = info.st_size
        if size > max_bytes:
            return None, too_large(size, max_bytes), ""
        with open(abs_path, "rb") as handle:
            raw = handle.read(max_bytes + 1)
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        return None, ParseFailure(f"cannot read the file: {reason.lower()}", start, kind="unreadable"), ""
    return decode_source(raw, rel_path, display_path, max_bytes)


#: Byte-order marks and the encodings they announce, longest first (UTF-32's marks begin like UTF-16's).
BYTE_ORDER_MARKS = ((b"\x00\x00\xfe\xff", "utf-32-be"), (b"\xff\xfe\x00\x00", "utf-32-le"),
                     (b"\xef\xbb\xbf", "utf-8"), (b"\xfe\xff", "utf-16-be"), (b"\xff\xfe", "utf-16-le"))


def decode_source(raw: bytes, rel_path: str, display_path: str, max_bytes: int = MAX_FILE_BYTES) -> SourceRead:
    """The text of a file's bytes (read from disk or from git), or why it is not text palette-lint parses. UTF-8
    is the default; a byte-order mark announces UTF-16 or UTF-32 (as YAML allows), which are decoded too."""
    start = Span(1, 1, 1, 2)
    if len(raw) > max_bytes:
        return None, too_large(len(raw), max_bytes), ""
    encoding, bom = "utf-8", False
    for mark, marked in BYTE_ORDER_MARKS:
        if raw.startswith(mark):
            encoding, bom, raw = marked, True, raw[len(mark):]
            break
    if encoding == "utf-8" and b"\x00" in raw:
        return None, ParseFailure("binary file: not YAML or JSON text", start, kind="binary",
                                  help="the file contains NUL bytes"), ""
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError as exc:
        if encoding != "utf-8":
            return None, ParseFailure(f"not {encoding.upper()} text, though its byte-order mark says so", start,
                                      kind="encoding", help="save the file as UTF-8"), ""
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        column = len(before) - (before.rfind(b"\n") + 1) + 1
        sniff = raw.decode("utf-8", errors="replace")
        return None, ParseFailure(
            f"not UTF-8 text: invalid byte at line {line}, column {column}", Span(line, column, line, column + 1),
            kind="encoding", help="save the file as UTF-8"), sniff
    if "\x00" in text:
        return None, ParseFailure("binary file: not YAML or JSON text", start, kind="binary",
                                  help="the file contains NUL characters"), ""
    return SourceFile(text, rel_path, display_path, bom=bom), None, text


def too_large(size: int, max_bytes: int) -> ParseFailure:
    return ParseFailure(f"file is {size:,} bytes, over the {max_bytes:,}-byte limit", Span(1, 1, 1, 2), kind="limit",
                        help="palette-lint does not parse it: profiles and user-data are a few KB; is this the "
                             "right file?")
