"""The response bodies of the HTTP API, as pydantic models: the OpenAPI document describes
every body from them, and every response is checked against its model before it leaves
(`base.reply`). One module per concept; the error body is `api.http.errors.ErrorBody`."""
