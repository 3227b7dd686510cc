import pytest


@pytest.mark.django_db
def test_home_page_renders_in_indonesian_by_default(client):
    response = client.get("/")
    assert response.status_code == 200
    assert 'lang="id"' in response.content.decode()


@pytest.mark.django_db
def test_healthz_reports_each_check(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "cache", "channel_layer"}


@pytest.mark.django_db
def test_language_switch_is_remembered_over_the_browser_language(client):
    assert 'lang="id"' in client.get("/").content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert 'lang="en"' in client.get("/").content.decode()
    client.post("/i18n/setlang/", {"language": "id", "next": "/"})
    assert 'lang="id"' in client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()


@pytest.mark.django_db
def test_api_errors_follow_accept_language(client):
    english = client.get("/api/v1/units/9999/", HTTP_ACCEPT_LANGUAGE="en")
    indonesian = client.get("/api/v1/units/9999/", HTTP_ACCEPT_LANGUAGE="id")
    assert english.status_code == indonesian.status_code == 404
    assert english.json()["detail"] != indonesian.json()["detail"]


def test_home_offers_each_online_service_with_its_page(client, db):
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="id").content.decode()
    for path, title in [
        ("/pustaka/", "Katalog perpustakaan"),
        ("/unit/", "Front office"),
        ("/konsultasi/baru/", "Konsultasi online"),
        ("/pengaduan/", "Survei kepuasan dan pengaduan"),
    ]:
        assert f'<a href="{path}">{title}</a>' in html
