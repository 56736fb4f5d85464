"""Reading the text of one file, in a process of its own: ``python -m documents.textread``.

``documents.extraction`` runs it for each version, so that a hostile file (a zip bomb, a PDF
that takes minutes) costs a bounded child process and never the worker or a web request. The
child limits itself (address space, CPU time, priority) before opening the file, reads at most
``--max-unzipped-bytes`` of an office file's XML as a stream (never a whole tree in memory),
stops at ``--max-chars`` characters, and writes the text to stdout in UTF-8. Nothing of Django
is imported here. The exit status says what went wrong.
"""

from __future__ import annotations

import argparse
import os
import sys
import traceback
import zipfile
from pyexpat import ParserCreate

EXIT_TOO_LARGE = 3  # the archive's text inflates past the limit
EXIT_MEMORY = 4
EXIT_UNREADABLE = 5

TEXT_EXTENSIONS = {"txt", "md", "csv"}
EXTRACTED_EXTENSIONS = TEXT_EXTENSIONS | {"pdf", "docx", "odt"}
CHUNK = 64 * 1024
DOCX_MAIN_PART = "word/document.xml"


class TooLarge(Exception):
    """More decompressed bytes than allowed."""


class _Enough(Exception):
    """The text reached its length limit: stop parsing."""


def read_text(path: str, extension: str, *, max_chars: int, max_unzipped_bytes: int) -> str:
    if extension in TEXT_EXTENSIONS:
        with open(path, "rb") as handle:
            raw = handle.read(max_chars * 4)
        try:
            return raw.decode("utf-8")[:max_chars]
        except UnicodeDecodeError:
            return raw.decode("cp1252", errors="replace")[:max_chars]
    if extension == "pdf":
        return _pdf_text(path, max_chars)
    if extension in {"docx", "odt"}:
        with zipfile.ZipFile(path) as archive:
            budget = _Budget(max_unzipped_bytes)
            if extension == "docx":
                return _XmlText(_DOCX, max_chars).read(archive, _docx_main_part(archive, budget), budget)
            return _XmlText(_ODT, max_chars).read(archive, "content.xml", budget)
    raise ValueError(f"no extractor for .{extension}")


def _pdf_text(path: str, max_chars: int) -> str:
    from pypdf import PdfReader

    reader = PdfReader(path)
    parts, length = [], 0
    for page in reader.pages:
        part = page.extract_text() or ""
        parts.append(part)
        length += len(part)
        if length >= max_chars:
            break
    return "\n".join(parts)[:max_chars]


class _Budget:
    """The decompressed bytes still allowed, across every part read from one archive."""

    def __init__(self, limit: int):
        self.left = limit

    def chunks(self, archive: zipfile.ZipFile, name: str):
        with archive.open(name) as entry:
            while chunk := entry.read(CHUNK):
                self.left -= len(chunk)
                if self.left < 0:
                    raise TooLarge(name)
                yield chunk


def _parser(start, end, characters):
    parser = ParserCreate(namespace_separator=" ")
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = characters

    def refuse(*_args):
        # Office documents declare no DTD or entities: one that does is not read (entity bombs).
        raise ValueError("a document type declaration in an office file")

    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    return parser


def _local(name: str) -> str:
    return name.rpartition(" ")[2]


def _docx_main_part(archive: zipfile.ZipFile, budget: _Budget) -> str:
    """The main part named by the package's relationships (``word/document.xml`` nearly always)."""
    if "_rels/.rels" not in archive.namelist():
        return DOCX_MAIN_PART
    found = []

    def start(name, attributes):
        if _local(name) == "Relationship" and attributes.get("Type", "").endswith("/officeDocument"):
            found.append(attributes.get("Target", "").lstrip("/"))

    parser = _parser(start, None, None)
    for chunk in budget.chunks(archive, "_rels/.rels"):
        parser.Parse(chunk, False)
    parser.Parse(b"", True)
    return found[0] if found and found[0] in archive.namelist() else DOCX_MAIN_PART


class _Format:
    def __init__(self, *, text_inside: set[str], text_elements_only: bool, inline: dict[str, str], ends: set[str]):
        self.text_inside = text_inside  # character data counts inside these elements
        self.text_elements_only = text_elements_only  # DOCX: only inside w:t, not between runs
        self.inline = inline  # empty elements that stand for a character (tabs, breaks)
        self.ends = ends  # elements ending a line (paragraphs, headings)


_DOCX = _Format(text_inside={"t"}, text_elements_only=True, inline={"tab": "\t", "br": "\n", "cr": "\n"}, ends={"p"})
_ODT = _Format(
    text_inside={"p", "h"}, text_elements_only=False, inline={"tab": "\t", "line-break": "\n"}, ends={"p", "h"}
)


class _XmlText:
    """The text of an office document's XML, read as a stream with constant memory."""

    def __init__(self, kind: _Format, max_chars: int):
        self.format = kind
        self.max_chars = max_chars
        self.parts: list[str] = []
        self.length = 0
        self.inside = 0  # depth of elements whose character data is text
        self.in_run = 0  # DOCX: a tab or break counts only inside a run (w:tabs holds tab stops)

    def add(self, text: str) -> None:
        self.parts.append(text)
        self.length += len(text)
        if self.length >= self.max_chars:
            raise _Enough

    def start(self, name, attributes) -> None:
        local = _local(name)
        if local in self.format.text_inside:
            self.inside += 1
        if local == "r":
            self.in_run += 1
        if local in self.format.inline and (self.in_run or not self.format.text_elements_only):
            self.add(self.format.inline[local])
        elif local == "s" and not self.format.text_elements_only and self.inside:  # ODT: runs of spaces
            count = attributes.get("urn:oasis:names:tc:opendocument:xmlns:text:1.0 c", "1")
            self.add(" " * min(int(count) if count.isdigit() else 1, 1000))

    def end(self, name) -> None:
        local = _local(name)
        if local in self.format.text_inside:
            self.inside -= 1
        if local == "r":
            self.in_run -= 1
        if local in self.format.ends:
            self.add("\n")

    def characters(self, data: str) -> None:
        if self.inside:
            self.add(data)

    def read(self, archive: zipfile.ZipFile, name: str, budget: _Budget) -> str:
        parser = _parser(self.start, self.end, self.characters)
        try:
            for chunk in budget.chunks(archive, name):
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
        except _Enough:
            pass
        return "".join(self.parts)[: self.max_chars]


def _limit_this_process(memory_bytes: int, cpu_seconds: int) -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))
    os.nice(10)  # pages come first


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--max-chars", type=int, required=True)
    parser.add_argument("--max-unzipped-bytes", type=int, required=True)
    parser.add_argument("--memory-mb", type=int, required=True)
    parser.add_argument("--cpu-seconds", type=int, required=True)
    parser.add_argument("extension")
    parser.add_argument("path")
    args = parser.parse_args(argv)
    _limit_this_process(args.memory_mb * 1024 * 1024, args.cpu_seconds)
    try:
        text = read_text(
            args.path, args.extension, max_chars=args.max_chars, max_unzipped_bytes=args.max_unzipped_bytes
        )
    except TooLarge:
        return EXIT_TOO_LARGE
    except MemoryError:
        os._exit(EXIT_MEMORY)  # nothing more can be allocated safely, not even a traceback
    except Exception:
        traceback.print_exc(limit=5)
        return EXIT_UNREADABLE
    sys.stdout.buffer.write(text.replace("\x00", "").encode("utf-8", errors="replace"))
    sys.stdout.buffer.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
