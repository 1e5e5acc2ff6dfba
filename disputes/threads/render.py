"""Comment Markdown → sanitised HTML: markdown-it (raw HTML off), then an nh3 allowlist (T18)."""

from __future__ import annotations

import re

import nh3
from markdown_it import MarkdownIt

from disputes.threads.mentions import MENTION_TOKEN

TAGS = {"p", "br", "strong", "em", "code", "pre", "ul", "ol", "li", "blockquote", "a"}
ATTRIBUTES = {"a": {"href"}}
URL_SCHEMES = {"http", "https", "mailto"}

_md = MarkdownIt("commonmark", {"html": False})


def _mention_text(match: re.Match[str]) -> str:
    return "@" + match.group("name")


def _only_allowed(tag: str, attribute: str, value: str) -> str | None:
    """Drop ammonia's generic attributes (title, lang): only `a href` survives."""
    return value if attribute in ATTRIBUTES.get(tag, ()) or attribute == "rel" else None


def render(body: str) -> str:
    """Safe HTML for a comment body: mention tokens shown as @Name, links http/https/mailto."""
    html = _md.render(MENTION_TOKEN.sub(_mention_text, body))
    return nh3.clean(
        html,
        tags=TAGS,
        attributes=ATTRIBUTES,
        attribute_filter=_only_allowed,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )
