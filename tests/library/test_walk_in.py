"""Staff enter a softcopy request for a walk-in visitor of today, by the visitor's email."""

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from terpadu.library.models import DigitalFile, SoftcopyRequest

from .conftest import captured_on_commit

PURPOSE = "Bahan penelitian kemiskinan untuk skripsi"


@pytest.fixture(autouse=True)
def _locmem_mail(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def on_request(uploaded):
    DigitalFile.objects.filter(pk=uploaded.pk).update(access="on_request")
    return uploaded


def walk_in(client, pub, the_visit, **overrides):
    data = {"visit": the_visit.pk, "publication": pub.pk, "email": "", "purpose": PURPOSE}
    data.update(overrides)
    with captured_on_commit():
        return client.post(reverse("library:walk-in-request", args=["7601"]), data)


def test_visitor_without_account_gets_one_and_the_mail(
    on_request, publication_a, librarian_a, visit_a, client
):
    client.force_login(librarian_a)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("library:walk-in-request", args=["7601"]) + f"?visit={visit_a.pk}")
    assert "Siti Aminah" in page.content.decode()
    response = walk_in(client, publication_a, visit_a)  # email left empty: the guest book's is used
    assert response.status_code == 302
    req = SoftcopyRequest.objects.get()
    assert (req.channel, req.visit, req.created_by) == ("walk_in", visit_a, librarian_a)
    assert req.user.email == "siti@example.com"
    assert req.user.name == "Siti Aminah"
    assert not req.user.has_usable_password()
    message = mail.outbox[-1]
    assert message.to == ["siti@example.com"]
    assert "/accounts/password/reset/" in message.body  # how to set the password of the new account
    visit_page = client.get(response["Location"]).content.decode()
    assert publication_a.title in visit_page
    # The librarian answers it like any request; the approval mail says again how to log in.
    with captured_on_commit():
        client.post(reverse("library:request-decide", args=["7601", req.pk, "approve"]))
    assert "disetujui" in mail.outbox[-1].subject
    assert "/accounts/password/reset/" in mail.outbox[-1].body


def test_visitor_with_an_account_is_found_by_email(
    on_request, publication_a, librarian_a, visit_a, public_user, client
):
    client.force_login(librarian_a)
    users = get_user_model().objects.count()
    response = walk_in(client, publication_a, visit_a, email=public_user.email.upper())
    assert response.status_code == 302
    assert SoftcopyRequest.objects.get().user == public_user
    assert get_user_model().objects.count() == users
    assert "/accounts/password/reset/" not in mail.outbox[-1].body


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"visit": ""}, "Choose the visitor from today&#x27;s guest book of this unit."),
        ({"email": "bukan-email"}, "Give the visitor&#x27;s email address"),
        ({"purpose": "skripsi"}, "at least 10 characters"),
        ({"publication": "999999"}, "Choose the publication the visitor asks for."),
    ],
)
def test_bad_input_is_refused_and_nothing_stored(
    on_request, publication_a, librarian_a, visit_a, client, change, message
):
    client.force_login(librarian_a)
    client.cookies["django_language"] = "en"
    users = get_user_model().objects.count()
    response = walk_in(client, publication_a, visit_a, **change)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not SoftcopyRequest.objects.exists()
    assert get_user_model().objects.count() == users  # no account opened for a refused request
    assert not mail.outbox


def test_visit_of_another_unit_refused(on_request, publication_a, librarian_a, visit_b, client):
    client.force_login(librarian_a)
    client.cookies["django_language"] = "en"
    response = walk_in(client, publication_a, visit_b)
    assert response.status_code == 400
    assert "today&#x27;s guest book of this unit" in response.content.decode()
    assert not SoftcopyRequest.objects.exists()


def test_staff_of_unit_b_get_404(on_request, publication_a, visit_a, staff_b, client):
    client.force_login(staff_b)
    assert client.get(reverse("library:walk-in-request", args=["7601"])).status_code == 404
    assert walk_in(client, publication_a, visit_a).status_code == 404
    assert client.get(reverse("library:publication-options", args=["7601"]), {"q": "x"}).status_code == 404
    assert not SoftcopyRequest.objects.exists()


def test_publication_picker_finds_softcopies(on_request, publication_a, publication_b, librarian_a, client):
    client.force_login(librarian_a)
    url = reverse("library:publication-options", args=["7601"])
    found = client.get(url, {"publication_q": "kemiskinan majene"}).content.decode()
    assert f'value="{publication_a.pk}"' in found
    # Without a softcopy there is nothing to request.
    assert f'value="{publication_b.pk}"' not in client.get(url, {"publication_q": "maluku"}).content.decode()
