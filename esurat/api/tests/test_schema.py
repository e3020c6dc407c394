import pytest

PATHS = {
    "/api/v1/auth/token": {"post", "delete"},
    "/api/v1/me": {"get"},
    "/api/v1/positions": {"get"},
    "/api/v1/agencies": {"get"},
    "/api/v1/letter-kinds": {"get"},
    "/api/v1/classifications": {"get"},
    "/api/v1/external-parties": {"get"},
    "/api/v1/number-register": {"get"},
    "/api/v1/agenda-book": {"get"},
    "/api/v1/dispositions/{code}/files/{file_code}": {"get"},
    "/api/v1/letters/inbox": {"get"},
    "/api/v1/letters/outbox": {"get"},
    "/api/v1/letters/drafts": {"get"},
    "/api/v1/letters/needs-action": {"get"},
    "/api/v1/letters": {"post"},
    "/api/v1/letters/{code}": {"get", "patch"},
    "/api/v1/letters/{code}/attachments": {"post"},
    "/api/v1/attachments/{code}": {"get", "delete"},
    "/api/v1/letters/{code}/submit": {"post"},
    "/api/v1/letters/{code}/review": {"post"},
    "/api/v1/letters/{code}/sign": {"post"},
    "/api/v1/letters/{code}/return": {"post"},
    "/api/v1/letters/{code}/withdraw": {"post"},
    "/api/v1/letters/{code}/versions": {"get"},
    "/api/v1/letters/{code}/timeline": {"get"},
    "/api/v1/letters/{code}/receipts": {"get"},
}


@pytest.mark.django_db
def test_it_serves_the_openapi_schema_with_every_path(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["info"]["title"] == "e-Surat API"
    for path, methods in PATHS.items():
        assert set(schema["paths"].get(path, {})) == methods, path
    security = schema["components"]["securitySchemes"]
    assert {s["type"] for s in security.values()} == {"http", "apiKey"}


@pytest.mark.django_db
def test_it_serves_no_docs_page_that_would_load_a_cdn(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 404
    assert b"cdn." not in response.content
