"""Named places in a lower app's page where an app above it may add its own piece.

A service app never imports `feedback` or `reports` (DESIGN.md), yet its pages must offer, say,
the survey after a finished ticket. The lower template marks the place with
`{% slot "frontdesk.ticket_finished" ticket %}`; the upper app registers a renderer for that name
in its `AppConfig.ready()`. A slot with no renderer renders nothing.
"""

from collections.abc import Callable
from typing import Any

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

Renderer = Callable[[Any, Any], str]

_renderers: dict[str, list[Renderer]] = {}


def register(name: str, renderer: Renderer) -> None:
    """`renderer(request, obj)` returns HTML (escape what it interpolates, or return a SafeString)."""
    if renderer not in _renderers.setdefault(name, []):
        _renderers[name].append(renderer)


def render(name: str, request, obj) -> SafeString:
    parts = [conditional_escape(renderer(request, obj) or "") for renderer in _renderers.get(name, [])]
    return mark_safe("".join(parts))  # noqa: S308 - every part was escaped or already safe


def service_tile(url_name: str, title, text) -> Renderer:
    """A renderer for the home page's `home.services` slot: one card naming a service and its page."""

    def render_tile(request, obj) -> str:
        return render_to_string(
            "includes/service_tile.html", {"url": reverse(url_name), "title": title, "text": text}, request
        )

    return render_tile
