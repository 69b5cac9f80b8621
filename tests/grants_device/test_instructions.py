"""render_user_instructions: what the user reads in a terminal."""

from __future__ import annotations

import pytest

from oauth2core_grants_device import DeviceAuthorizationResponse, render_user_instructions

URI = "https://as.example.com/device"


def make(clock, **fields) -> DeviceAuthorizationResponse:
    return DeviceAuthorizationResponse("dc-secret", "WDJB-MJHT", URI, clock=clock, **fields)


def test_uri_code_and_complete_uri(clock):
    text = render_user_instructions(
        make(clock, verification_uri_complete=f"{URI}?user_code=WDJB-MJHT", expires_in=600)
    )
    assert text == (
        "To sign in, open this address in a browser:\n"
        f"    {URI}\n"
        "and enter the code:\n"
        "    WDJB-MJHT\n"
        "Or open this address, which fills in the code for you:\n"
        f"    {URI}?user_code=WDJB-MJHT\n"
        "The code expires in 10 minutes.\n"
    )
    assert "dc-secret" not in text


def test_without_complete_uri_nor_lifetime(clock):
    text = render_user_instructions(make(clock))
    assert "fills in the code" not in text
    assert "expires" not in text
    assert text.endswith("    WDJB-MJHT\n")


@pytest.mark.parametrize(
    ("expires_in", "phrase"),
    [
        (1, "expires in 1 second."),
        (90, "expires in 90 seconds."),
        (121, "expires in 3 minutes."),
        (0, "The code has expired."),
    ],
)
def test_lifetime(clock, expires_in, phrase):
    assert phrase in render_user_instructions(make(clock, expires_in=expires_in))


def test_lifetime_counts_down(clock):
    response = make(clock, expires_in=300)
    clock.advance(250)
    assert "expires in 50 seconds." in render_user_instructions(response)


def test_control_characters_from_the_server_are_escaped(clock):
    response = DeviceAuthorizationResponse(
        "dc",
        "AB\x1b[2JCD",
        "https://as.example.com/\x1b]8;;evil\x07x",
        verification_uri_complete="https://as.example.com/\u202ex",
        clock=clock,
    )
    text = render_user_instructions(response)
    assert "\x1b" not in text
    assert "\x07" not in text
    assert "\u202e" not in text
    assert "AB\\x1b[2JCD" in text
    assert "\\u202e" in text


def test_only_responses(clock):
    with pytest.raises(TypeError):
        render_user_instructions({"user_code": "x"})  # type: ignore[arg-type]
