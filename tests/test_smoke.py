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
