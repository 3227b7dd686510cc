"""The clean hooks the apps above the library hang off: the rating slot and the fulfilment signal."""

import pytest
from django.urls import reverse
from django.utils.html import format_html

from terpadu.core import slots
from terpadu.library import signals
from terpadu.library.models import DigitalFile, SoftcopyRequest

from .conftest import captured_on_commit


@pytest.fixture
def rating_slot():
    """What the feedback app does in its ready(): a renderer for the library's slot."""

    def renderer(request, publication):
        return format_html("<p class='rate-me'>Beri nilai: {}</p>", publication.title)

    slots.register("library.publication", renderer)
    yield
    slots._renderers["library.publication"].remove(renderer)


@pytest.fixture(autouse=True)
def _locmem_mail(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def test_rating_slot_on_publication_page_and_after_fulfilment(
    rating_slot, uploaded, publication_a, public_user, librarian_a, client
):
    page = client.get(reverse("library:publication", args=[publication_a.pk])).content.decode()
    assert "<p class='rate-me'>Beri nilai: Profil Kemiskinan Kabupaten Majene 2024</p>" in page
    DigitalFile.objects.filter(pk=uploaded.pk).update(access="on_request")
    client.force_login(public_user)
    mine = reverse("library:mine")
    with captured_on_commit():
        client.post(
            reverse("library:request-create", args=[publication_a.pk]),
            {"purpose": "Untuk bahan skripsi saya"},
        )
    assert "rate-me" not in client.get(mine).content.decode()  # nothing to rate while it waits
    fulfilled = []

    def receiver(sender, request, **kwargs):
        fulfilled.append(request.pk)

    signals.softcopy_request_fulfilled.connect(receiver)
    try:
        req = SoftcopyRequest.objects.get()
        client.force_login(librarian_a)
        with captured_on_commit():
            client.post(reverse("library:request-decide", args=["7601", req.pk, "approve"]))
    finally:
        signals.softcopy_request_fulfilled.disconnect(receiver)
    assert fulfilled == [req.pk]
    client.force_login(public_user)
    assert client.get(mine).content.decode().count("rate-me") == 1  # once, though mailed and listed


def test_no_renderer_renders_nothing(publication_a, client):
    page = client.get(reverse("library:publication", args=[publication_a.pk])).content.decode()
    assert "rate-me" not in page
