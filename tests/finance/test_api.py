"""The finance endpoints are described in the OpenAPI document with their responses."""


def test_finance_endpoints_are_in_the_openapi_document(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    paths = spec["paths"]
    expected = {
        ("/finance/frameworks/{year}", "get"),
        ("/finance/frameworks/{year}/adjustments", "get"),
        ("/finance/municipalities/{year}", "get"),
        ("/finance/indicators", "get"),
        ("/finance/indicators/{code}/values", "post"),
        ("/finance/waiting-times", "get"),
    }
    for path, method in expected:
        assert method in paths.get(path, {}), (path, method)
        operation = paths[path][method]
        ok = "201" if method == "post" else "200"
        assert operation["responses"][ok]["content"]["application/json"]["schema"]
    values = paths["/finance/indicators/{code}/values"]["post"]
    assert values["requestBody"]["content"]["application/json"]["schema"]
