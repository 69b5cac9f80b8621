"""OpenID Connect Client-Initiated Backchannel Authentication (CIBA, poll mode) for oauth2core.

Installed with ``pip install oauth2core[ciba]``, it adds
``client.backchannel_authentication_request()`` and ``client.ciba()``, and exports its
names through ``oauth2core`` too. Typed code can call the functions here::

    from oauth2core_grants_ciba import (
        BackChannelAuthenticationPollingJob,
        backchannel_authentication_request,
    )

    response = backchannel_authentication_request(client, login_hint="alice")
    token = BackChannelAuthenticationPollingJob(
        client, response, id_token_validation=SKIP_ID_TOKEN_VALIDATION
    ).run()

Signed requests (``private_jwk=``) need ``pip install oauth2core-grants-ciba[signed]``.
This module stays light: names load on first use (PEP 562), so the entry point imports it
cheaply.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from oauth2core import lazy_attributes

if TYPE_CHECKING:
    from ._constants import CIBA_GRANT
    from ._errors import (
        BackChannelAuthenticationError,
        ExpiredLoginHintToken,
        InvalidBackChannelAuthenticationResponse,
        InvalidBindingMessage,
        InvalidUserCode,
        MissingUserCode,
        UnknownUserId,
    )
    from ._grant import (
        BackChannelAuthenticationPollingJob,
        BackChannelAuthenticationPoolingJob,
        backchannel_authentication_request,
        ciba,
    )
    from ._response import BackChannelAuthenticationResponse

__all__ = [
    "CIBA_GRANT",
    "BackChannelAuthenticationError",
    "BackChannelAuthenticationPollingJob",
    "BackChannelAuthenticationPoolingJob",
    "BackChannelAuthenticationResponse",
    "ExpiredLoginHintToken",
    "InvalidBackChannelAuthenticationResponse",
    "InvalidBindingMessage",
    "InvalidUserCode",
    "MissingUserCode",
    "UnknownUserId",
    "backchannel_authentication_request",
    "ciba",
]

_MODULES = {
    "CIBA_GRANT": "._constants",
    "BackChannelAuthenticationError": "._errors",
    "BackChannelAuthenticationPollingJob": "._grant",
    "BackChannelAuthenticationPoolingJob": "._grant",
    "BackChannelAuthenticationResponse": "._response",
    "ExpiredLoginHintToken": "._errors",
    "InvalidBackChannelAuthenticationResponse": "._errors",
    "InvalidBindingMessage": "._errors",
    "InvalidUserCode": "._errors",
    "MissingUserCode": "._errors",
    "UnknownUserId": "._errors",
    "backchannel_authentication_request": "._grant",
    "ciba": "._grant",
}


__getattr__, __dir__ = lazy_attributes(__name__, _MODULES, __all__)
