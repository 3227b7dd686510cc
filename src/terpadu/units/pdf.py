"""A service standard as PDF, rendered by WeasyPrint from the same template body as the page."""

from __future__ import annotations

from django.contrib.staticfiles import finders
from django.http import HttpRequest
from django.template.loader import render_to_string

PDF_STYLESHEET = "terpadu/pdf.css"


def _no_remote_fetch(url: str, *args, **kwargs):
    # The document is self-contained; never let WeasyPrint reach out to the network or disk.
    raise ValueError(f"PDF rendering does not fetch {url}")


def render_standard_pdf(request: HttpRequest, context: dict) -> bytes:
    from weasyprint import CSS, HTML

    context = {
        **context,
        "page_url": request.build_absolute_uri(context["urls"]["page"].removesuffix("pdf/")),
    }
    html = render_to_string("units/standard_pdf.html", context, request=request)
    stylesheet = finders.find(PDF_STYLESHEET)
    stylesheets = [CSS(filename=stylesheet)] if stylesheet else []
    return HTML(string=html, url_fetcher=_no_remote_fetch).write_pdf(stylesheets=stylesheets)
