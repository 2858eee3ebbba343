"""The one error shape, checked the same way by every web test."""

from __future__ import annotations

from typing import Any


def assert_error_shape(response: Any, status: int) -> dict[str, Any]:
    body = response.json()
    assert response.status_code == status
    assert response.headers["content-type"] == "application/json"
    assert set(body) == {"ok", "status", "error", "errors"}
    assert body["ok"] is False
    assert body["status"] == status
    assert isinstance(body["error"], str)
    assert body["error"]
    assert "\n" not in body["error"]
    assert "Traceback" not in response.text
    assert body["errors"]
    for item in body["errors"]:
        assert set(item) == {"field", "message"}
        assert item["field"] is None or isinstance(item["field"], str)
        assert isinstance(item["message"], str)
        assert "\n" not in item["message"]
    return body
