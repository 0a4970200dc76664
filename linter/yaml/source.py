"""One file's text, the ways its path is shown, and a line index built when first needed."""

from __future__ import annotations

from typing import Optional


class SourceFile:
    """One file's text and the three ways its path is shown."""

    def __init__(self, text: str, path: str, display_path: str, bom: bool = False) -> None:
        self.text = text
        self.path = path  # repository-relative, POSIX separators
        self.display_path = display_path  # as the user gave it, for terminals
        self.bom = bom  # the file started with a UTF-8 byte-order mark, which ``text`` leaves out
        self._line_starts: Optional[list[int]] = None

    @property
    def line_starts(self) -> list[int]:
        if self._line_starts is None:
            starts = [0]
            text = self.text
            index = text.find("\n")
            while index != -1:
                starts.append(index + 1)
                index = text.find("\n", index + 1)
            self._line_starts = starts
        return self._line_starts

    def line_text(self, line: int) -> str:
        """The text of a 1-based line, without its line break."""
        starts = self.line_starts
        if line < 1 or line > len(starts):
            return ""
        start = starts[line - 1]
        end = starts[line] - 1 if line < len(starts) else len(self.text)
        return self.text[start:end].rstrip("\r")

    def offset(self, line0: int, column0: int) -> int:
        starts = self.line_starts
        line0 = max(0, min(line0, len(starts) - 1))
        return starts[line0] + column0
