"""Markdown for everything members write: python-markdown, then nh3 keeps only safe HTML.

Mentions (@handle) become links only for people the caller's resolver accepts (those who can
read the text); everyone else stays plain text.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser

import markdown
import nh3
from markdown.inlinepatterns import InlineProcessor
from markdown.treeprocessors import Treeprocessor

from intranet.models import HANDLE_PATTERN

ALLOWED_TAGS = {
    "p", "br", "hr", "strong", "em", "del", "code", "pre", "blockquote", "ul", "ol", "li",
    "a", "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td", "span",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title", "class"}, "span": {"class"}, "th": {"align"}, "td": {"align"}}
MAX_LENGTH = 20_000


@dataclass
class Rendered:
    html: str
    mentioned_user_ids: set[int] = field(default_factory=set)


MentionResolver = Callable[[str], "tuple[int, str] | None"]


class _MentionPattern(InlineProcessor):
    def __init__(self, pattern, md, resolve: MentionResolver, found: set[int]):
        super().__init__(pattern, md)
        self.resolve = resolve
        self.found = found

    def handleMatch(self, match, data):
        resolved = self.resolve(match.group(1).lower())
        if resolved is None:
            return None, None, None  # not a readable person: the text stays as typed
        user_id, url = resolved
        self.found.add(user_id)
        element = ElementTree.Element("a", {"class": "mention", "href": url})
        element.text = "@" + match.group(1)
        return element, match.start(0), match.end(0)


class _DocumentReferencePattern(InlineProcessor):
    """``[[doc:12]]`` becomes a placeholder that each reader's page fills in, or not (see
    documents/references.py): the stored HTML never holds a document's name."""

    def handleMatch(self, match, data):
        element = ElementTree.Element("span", {"class": "document-ref"})
        element.text = f"doc:{int(match.group(1))}"
        return element, match.start(0), match.end(0)


DOCUMENT_REFERENCE_PATTERN = r"\[\[doc:(\d{1,12})\]\]"

# The page has its title (h1) and sections (h2): a member's headings sit below them, "#" as h3.
HEADING_OFFSET = 2


class _HeadingLevels(Treeprocessor):
    def run(self, root):
        for element in root.iter():
            if re.fullmatch(r"h[1-6]", element.tag):
                element.tag = f"h{min(int(element.tag[1]) + HEADING_OFFSET, 6)}"


def render_markdown(source: str, *, resolve_mention: MentionResolver | None = None) -> Rendered:
    found: set[int] = set()
    md = markdown.Markdown(extensions=["fenced_code", "tables", "sane_lists", "nl2br"], output_format="html")
    # Raw HTML typed by a member is escaped rather than passed through, before nh3 even looks.
    md.preprocessors.deregister("html_block")
    md.inlinePatterns.deregister("html")
    md.inlinePatterns.register(_DocumentReferencePattern(DOCUMENT_REFERENCE_PATTERN, md), "document_reference", 185)
    md.treeprocessors.register(_HeadingLevels(md), "heading_levels", 5)
    if resolve_mention is not None:
        pattern = r"(?<![\w@.])@(" + HANDLE_PATTERN + r")"
        md.inlinePatterns.register(_MentionPattern(pattern, md, resolve_mention, found), "mention", 175)
    html = md.convert(source)
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener noreferrer",
    )
    return Rendered(html=clean, mentioned_user_ids=found)


def quote_as_markdown(author_handle: str, body: str) -> str:
    """The text a reply starts with when it quotes a post."""
    quoted = "\n".join(f"> {line}" if line.strip() else ">" for line in body.strip().splitlines())
    return f"> @{author_handle} :\n{quoted}\n\n"


_BLOCKS = {"p", "br", "hr", "pre", "blockquote", "ul", "ol", "li", "h3", "h4", "h5", "h6", "table", "tr", "th", "td"}


class _PlainText(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.in_reference = False

    def handle_starttag(self, tag, attrs):
        if tag in _BLOCKS:
            self.parts.append("\n")
        self.in_reference = tag == "span" and ("class", "document-ref") in attrs

    def handle_endtag(self, tag):
        if tag in _BLOCKS:
            self.parts.append("\n")
        self.in_reference = False

    def handle_data(self, data):
        # A document reference stays as it was typed: its name is each reader's page's business.
        self.parts.append(f"[[{data}]]" if self.in_reference else data)


def plain_text(html: str) -> str:
    """The text of rendered, sanitised HTML (``render_markdown``), for excerpts and snippets: no
    Markdown marks, one line per block, and what a member typed as HTML is text again
    (``&lt;b&gt;`` is ``<b>``, to be escaped by whoever shows it)."""
    parser = _PlainText()
    parser.feed(html or "")
    parser.close()
    lines = (" ".join(line.split()) for line in "".join(parser.parts).splitlines())
    return "\n".join(line for line in lines if line)


class _ReadableText(HTMLParser):
    """Rendered HTML back to text a person reads as such (a calendar, an e-mail's text part)."""

    def __init__(self, address: Callable[[str], str], document: Callable[[int], str] | None):
        super().__init__(convert_charrefs=True)
        self.address, self.document = address, document
        self.lines: list[str] = []
        self.line = ""
        self.lists: list[list] = []  # each open list: [its tag, the items so far]
        self.marker = ""  # the dash or number of a list item, for its first line
        self.links: list[tuple[str, int]] = []  # each open link: its address, where its label starts
        self.in_reference = self.in_pre = False

    def flush(self):
        text = self.line.rstrip() if self.in_pre else " ".join(self.line.split())
        self.line = ""
        if not text.strip():
            return
        indent = "   " * max(len(self.lists) - 1, 0)
        if self.marker:
            text, self.marker = indent + self.marker + text, ""
        elif self.lists:
            text = indent + "   " + text
        self.lines.append(text)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag in _BLOCKS - {"th", "td"}:
            self.flush()
        if tag in ("ul", "ol"):
            self.lists.append([tag, 0])
        elif tag == "li" and self.lists:
            self.lists[-1][1] += 1
            kind, number = self.lists[-1]
            self.marker = f"{number}. " if kind == "ol" else "- "
        elif tag in ("th", "td") and self.line.strip():
            self.line += " | "
        elif tag == "pre":
            self.in_pre = True
        elif tag == "a":
            self.links.append((attributes.get("href") or "", len(self.line)))
        self.in_reference = tag == "span" and attributes.get("class") == "document-ref"

    def handle_endtag(self, tag):
        if tag == "a" and self.links:
            href, start = self.links.pop()
            label, address = " ".join(self.line[start:].split()), self.address(href) if href else ""
            if address and address != label:
                self.line += f" ({address})" if label else address
        if tag in _BLOCKS - {"th", "td"}:
            self.flush()
        if tag in ("ul", "ol") and self.lists:
            self.lists.pop()
        elif tag == "pre":
            self.in_pre = False
        self.in_reference = False

    def handle_data(self, data):
        if self.in_reference:
            number = data.removeprefix("doc:")
            named = self.document and number.isdigit()  # a span typed by hand is only text
            self.line += self.document(int(number)) if named else f"[[{data}]]"
            return
        if not self.in_pre:
            self.line += data
            return
        for index, piece in enumerate(data.split("\n")):
            if index:
                self.flush()
            self.line += piece


def readable_text(
    html: str, *, address: Callable[[str], str] = str, document: Callable[[int], str] | None = None
) -> str:
    """The text of rendered, sanitised HTML (``render_markdown``) for where Markdown is shown raw
    (calendars, e-mails' text part): no emphasis marks, one line per block, list items with their
    dash or number, each link as "label (address)" (``address`` makes it absolute). A document
    reference is written by ``document``, or stays ``[[doc:12]]``: naming it is each reader's
    page's business."""
    parser = _ReadableText(address, document)
    parser.feed(html or "")
    parser.close()
    parser.flush()
    return "\n".join(parser.lines)
