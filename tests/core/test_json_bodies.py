"""Reading JSON bodies: json_object (strict, typed error) and json_object_or_none (lenient)."""

from __future__ import annotations

import pytest
import requests

from oauth2core import InvalidResponse, json_object, json_object_or_none

DEEP = b"[" * 100_000 + b"]" * 100_000


def response_with(body: bytes) -> requests.Response:
    response = requests.Response()
    response.status_code = 200
    response._content = body
    return response


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (b'{"error": "x"}', {"error": "x"}),
        (b"{}", {}),
        (b"[1, 2]", None),
        (b'"text"', None),
        (b"null", None),
        (b"<html>oops</html>", None),
        (b'{"truncated": ', None),
        (b"", None),
        (DEEP, None),
    ],
    ids=["object", "empty-object", "array", "string", "null", "html", "truncated", "empty", "deep"],
)
def test_json_object_or_none(body: bytes, expected: object) -> None:
    assert json_object_or_none(response_with(body)) == expected


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"<html>oops</html>", "the answer is not JSON"),
        (DEEP, "the answer is not JSON"),
        (b"[1, 2]", "the answer is a JSON list, not an object"),
    ],
    ids=["html", "deep", "array"],
)
def test_json_object_names_what_is_wrong(body: bytes, message: str) -> None:
    response = response_with(body)
    with pytest.raises(InvalidResponse, match=message) as caught:
        json_object(response, InvalidResponse, "the answer")
    assert caught.value.response is response
