"""HTML as a citizen would read it: a toot's content or an HTML-only e-mail turned into plain text.

Paragraphs and line breaks become new lines, links keep their visible text, scripts and styles are dropped.
Quoted mail (``<blockquote>``) is dropped too when asked: it is the earlier messages, not the question.
"""

from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser

BLOCKS = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol", "section",
          "article", "header", "footer", "pre", "hr"}
HIDDEN = {"script", "style", "head", "title", "template"}
SPACES = re.compile(r"[ \t\u00a0]+")
BLANK_LINES = re.compile(r"\n{3,}")


class _Text(HTMLParser):
    def __init__(self, *, drop_quotes: bool):
        super().__init__(convert_charrefs=True)
        self.drop_quotes = drop_quotes
        self.parts: list[str] = []
        self.hidden = 0
        self.quoted = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in HIDDEN:
            self.hidden += 1
        elif tag == "blockquote":
            self.quoted += 1
        elif tag in BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in HIDDEN:
            self.hidden = max(self.hidden - 1, 0)
        elif tag == "blockquote":
            self.quoted = max(self.quoted - 1, 0)
            self.parts.append("\n")
        elif tag in BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if self.hidden or (self.drop_quotes and self.quoted):
            return
        self.parts.append(data)


def html_to_text(html: str, *, drop_quotes: bool = False) -> str:
    """The visible text of ``html``; blank runs collapsed, at most one empty line between paragraphs."""
    parser = _Text(drop_quotes=drop_quotes)
    parser.feed(html)
    parser.close()
    lines = [SPACES.sub(" ", unescape(line)).strip() for line in "".join(parser.parts).split("\n")]
    return BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()
