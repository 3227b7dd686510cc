"""What HTML may be stored: article answers get rich text, chat messages a little formatting."""

import re

import nh3

ARTICLE_TAGS = {
    "p",
    "br",
    "strong",
    "b",
    "em",
    "i",
    "u",
    "ul",
    "ol",
    "li",
    "a",
    "h3",
    "h4",
    "blockquote",
    "code",
    "pre",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
}
MESSAGE_TAGS = {"p", "br", "strong", "b", "em", "i", "ul", "ol", "li", "a", "code"}
ATTRIBUTES = {"a": {"href", "title"}, "th": {"scope"}}
URL_SCHEMES = {"http", "https", "mailto"}

# A script, an event handler or a javascript: link: refused in a message rather than silently cut,
# so the sender knows what happened to their text.
_ACTIVE_CONTENT_RE = re.compile(
    r"<\s*(script|iframe|object|embed)\b|\bon\w+\s*=|javascript\s*:", re.IGNORECASE
)


def clean_article_html(html: str) -> str:
    return nh3.clean(html or "", tags=ARTICLE_TAGS, attributes=ATTRIBUTES, url_schemes=URL_SCHEMES).strip()


def has_active_content(text: str) -> bool:
    return bool(_ACTIVE_CONTENT_RE.search(text or ""))


def clean_message_html(text: str) -> str:
    """Plain text or a little HTML as safe HTML: line breaks kept, anything else escaped or dropped."""
    html = nh3.clean(text or "", tags=MESSAGE_TAGS, attributes=ATTRIBUTES, url_schemes=URL_SCHEMES).strip()
    return html.replace("\r\n", "\n")


def visible_text(html: str) -> str:
    return nh3.clean(html or "", tags=set()).replace("&nbsp;", " ").strip()
