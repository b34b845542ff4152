"""The front page and the health check."""

from __future__ import annotations

from flask.testing import FlaskClient


def test_home_says_what_linli_is_and_links_the_simulator(client: FlaskClient) -> None:
    response = client.get("/")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "邻里接龙" in html and 'href="/sim"' in html
    assert "https://" not in html  # no CDN: the page works offline


def test_healthz_is_json_ok(client: FlaskClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200 and response.get_json() == {"status": "ok"}


def test_unknown_page_renders_the_error_template(client: FlaskClient) -> None:
    response = client.get("/no-such-page")
    assert response.status_code == 404 and "404" in response.get_data(as_text=True)
