"""Deepgram's three error-body forms, auth headers and close reasons, read without any I/O."""

from __future__ import annotations

from bot.deepgram import auth_header, close_reason_code, is_jwt, parse_error, ws_url

JWT = "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.sig_nature-1"


def test_legacy_body() -> None:
    """listen/speak errors: err_code, err_msg, request_id."""
    body = b'{"err_code":"INVALID_AUTH","err_msg":"Invalid credentials.","request_id":"r-1"}'
    err = parse_error(401, body)
    assert (err.status, err.code, err.message, err.request_id) == (401, "INVALID_AUTH", "Invalid credentials.", "r-1")


def test_modern_body() -> None:
    """management errors: category, message, details."""
    body = (
        '{"category":"UNAUTHORIZED","message":"Authentication failed.",'
        '"details":"Check that you are using the correct credentials.","request_id":"r-2"}'
    )
    err = parse_error(403, body)
    assert err.code == "UNAUTHORIZED"
    assert err.message == "Authentication failed. Check that you are using the correct credentials."


def test_plain_text_and_503_typo() -> None:
    """`Invalid credentials.` as text, and the documented 503 body that says error_code."""
    assert parse_error(401, b"Invalid credentials.").message == "Invalid credentials."
    err = parse_error(503, b'{"error_code":"Service Unavailable","err_msg":"Please try again later","request_id":"x"}')
    assert err.code == "Service Unavailable" and err.message == "Please try again later"


def test_headers_fill_the_gaps() -> None:
    """A handshake failure carries dg-error and dg-request-id even when the body is empty."""
    err = parse_error(401, b"", {"dg-error": "Invalid credentials", "dg-request-id": "abc"})
    assert err.message == "Invalid credentials" and err.request_id == "abc"


def test_broken_bodies() -> None:
    """HTML, truncated JSON and very long texts are trimmed messages, not crashes."""
    assert parse_error(502, b"<html>Bad gateway</html>").message == "<html>Bad gateway</html>"
    assert parse_error(500, b'{"err_code": "X"').message == '{"err_code": "X"'
    assert len(parse_error(500, b"x" * 5000).message or "") == 300


def test_auth_scheme_follows_credential_kind() -> None:
    """API keys use Token, temporary JWTs use Bearer."""
    assert auth_header("0123456789abcdef0123456789abcdef01234567") == {
        "Authorization": "Token 0123456789abcdef0123456789abcdef01234567"
    }
    assert auth_header(JWT) == {"Authorization": f"Bearer {JWT}"}
    assert is_jwt(JWT) and not is_jwt("eyJnot-a-jwt")


def test_close_reasons() -> None:
    """The NET/DATA code is read from the close reason, including the real NET-0001 wording."""
    real = (
        "Deepgram did not receive audio data or a text message within the timeout window. See https://dpgr.am/net0001"
    )
    assert close_reason_code(real) == "NET-0001"
    assert close_reason_code("DATA-0000") == "DATA-0000"
    assert close_reason_code("NET-0000: server error") == "NET-0000"
    assert close_reason_code("bye") is None


def test_ws_url_booleans() -> None:
    """Booleans go on the wire lower-case."""
    assert ws_url("ws://h", "/v1/listen", {"smart_format": True, "sample_rate": 16000}) == (
        "ws://h/v1/listen?smart_format=true&sample_rate=16000"
    )
