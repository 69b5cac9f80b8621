"""RP-initiated logout (OpenID Connect RP-Initiated Logout 1.0)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode, urlsplit, urlunsplit

if TYPE_CHECKING:
    from oauth2core import OAuth2Client

__all__ = ["end_session_url"]


def _id_token_of(value: object) -> str | None:
    if value is None or isinstance(value, str):
        return value
    id_token = getattr(value, "id_token", None)  # a token object
    if isinstance(id_token, str):
        return id_token
    raise TypeError("id_token_hint must be an ID token (a string) or a token with an id_token")


def end_session_url(
    client: OAuth2Client,
    id_token_hint: object = None,
    post_logout_redirect_uri: str | None = None,
    state: str | None = None,
    **params: Any,
) -> str:
    """The URL to send the user agent to, to log the end user out at the server (§2).

    :param id_token_hint: the ID token the server issued (an :class:`IdToken`, a string,
        or a token object carrying one): which session to end.
    :param post_logout_redirect_uri: where the server sends the user agent back; it must be
        registered for the client.
    :param state: returned unchanged with the redirect.
    :param params: other parameters (``logout_hint``, ``ui_locales``...); None values are
        left out. ``client_id`` is always sent (§2: it lets the server check the
        redirect URI when there is no ``id_token_hint``).
    :raises MissingEndpointUri: the client has no ``end_session_endpoint``.
    """
    url = client.endpoint("end_session_endpoint")
    query: dict[str, Any] = {
        "id_token_hint": _id_token_of(id_token_hint),
        "client_id": getattr(client.auth, "client_id", None),
        "post_logout_redirect_uri": post_logout_redirect_uri,
        "state": state,
        **params,
    }
    sent = {name: value for name, value in query.items() if value is not None}
    for name, value in sent.items():
        if not isinstance(value, str):
            raise TypeError(f"the logout parameter {name!r} must be a string")
    parts = urlsplit(url)
    joined = "&".join(q for q in (parts.query, urlencode(sent)) if q)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, joined, ""))
