"""The polling-job base shared by the grants that poll the token endpoint (device, CIBA).

A job knows neither grant: a subclass says how to make one token request. Each call waits
the current interval, then polls once. Time comes from the client's clock and waits go
through an injectable sleeper (or a cancel event), so tests never sleep for real.
"""

from __future__ import annotations

import math
import threading
import time
import warnings
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar, cast

from ._errors import AuthorizationPending, ExpiredToken, OAuth2Error, SlowDown

if TYPE_CHECKING:
    from ._client import OAuth2Client

__all__ = [
    "DEFAULT_POLLING_INTERVAL",
    "SLOW_DOWN_INTERVAL",
    "BaseTokenEndpointPollingJob",
    "BaseTokenEndpointPoolingJob",
    "PollingCancelled",
    "PollingTimeout",
]

DEFAULT_POLLING_INTERVAL = 5
"""Seconds between polls when the server names no interval (RFC 8628 §3.2, CIBA §7.3)."""

SLOW_DOWN_INTERVAL = 5
"""Seconds added to the interval on each ``slow_down`` (RFC 8628 §3.5)."""

J = TypeVar("J", bound="BaseTokenEndpointPollingJob")


class PollingCancelled(OAuth2Error):
    """The polling job was cancelled through its ``cancel`` event; nothing was redeemed."""


class PollingTimeout(OAuth2Error, TimeoutError):
    """The polling job's overall ``timeout`` passed before the user completed the authorization.

    It is also a :class:`TimeoutError`. The device code or ``auth_req_id`` may still be
    valid: another job can resume polling.
    """


def _seconds(name: str, value: object, *, positive: bool) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"{name} must be a number of seconds")
    if not math.isfinite(value) or value < 0 or (positive and value == 0):
        kind = "positive" if positive else "non-negative"
        raise ValueError(f"{name} must be a finite, {kind} number of seconds")
    return float(value)


class BaseTokenEndpointPollingJob:
    """Polls the token endpoint until the user completes an authorization elsewhere.

    Each call waits :attr:`interval` seconds, then makes one token request (subclasses
    define it in :meth:`token_request`) and returns the token, or None while the
    authorization is pending. ``slow_down`` adds :attr:`slow_down_interval` to the interval
    for all later calls (RFC 8628 §3.5); every other error propagates (``AccessDenied``,
    ``ExpiredToken``...). :meth:`run` loops until a token arrives. Typical use::

        token = job.run()

    :param client: the OAuth2Client; its ``clock`` measures expiry and deadlines.
    :param interval: seconds to wait before each poll (default 5).
    :param slow_down_interval: seconds added to the interval on each ``slow_down``.
    :param expires_in: seconds until the device code or ``auth_req_id`` expires, if known.
        Once ``now + leeway >= expiry`` (the sign tokens use), the job raises
        :class:`~oauth2core.ExpiredToken` itself, without asking the server, and never
        waits past the expiry.
    :param leeway: consider the code expired this many seconds early.
    :param timeout: an overall deadline, in seconds from now: past it the job raises
        :class:`PollingTimeout` (and never waits past it).
    :param cancel: a :class:`threading.Event`; once set, the job raises
        :class:`PollingCancelled`. Without a ``sleeper``, the job waits on the event
        instead of sleeping, so setting it ends a wait at once.
    :param sleeper: ``sleeper(seconds)`` waits (default :func:`time.sleep`, or the cancel
        event's ``wait``); tests inject one that advances a fake clock.
    :param token_kwargs: passed to each token request (``id_token_validation=``,
        ``resource=``...).
    """

    def __init__(
        self,
        client: OAuth2Client,
        *,
        interval: float | None = None,
        slow_down_interval: float = SLOW_DOWN_INTERVAL,
        expires_in: float | None = None,
        leeway: float = 0,
        timeout: float | None = None,
        cancel: threading.Event | None = None,
        sleeper: Callable[[float], object] | None = None,
        **token_kwargs: Any,
    ) -> None:
        self.client = client
        self.interval: float = _seconds(
            "interval", DEFAULT_POLLING_INTERVAL if interval is None else interval, positive=True
        )
        self.slow_down_interval: float = _seconds(
            "slow_down_interval", slow_down_interval, positive=False
        )
        self.leeway: float = _seconds("leeway", leeway, positive=False)
        if cancel is not None and not isinstance(cancel, threading.Event):
            raise TypeError("cancel must be a threading.Event")
        self.cancel = cancel
        self.sleeper = sleeper
        self.token_kwargs = token_kwargs
        now = client.clock.monotonic()
        self.expires_deadline: float | None = (
            None if expires_in is None else now + _seconds("expires_in", expires_in, positive=False)
        )
        """When the code expires, on the client clock's monotonic scale; None if unknown."""
        self.timeout_deadline: float | None = (
            None if timeout is None else now + _seconds("timeout", timeout, positive=True)
        )
        """When the job gives up, on the client clock's monotonic scale; None for never."""

    # ---------------------------------------------------------------- one poll

    def __call__(self) -> Any:
        """Wait the interval, then poll once: the token, or None while still pending.

        :raises ExpiredToken: the code expired (by the server's word or this clock's).
        :raises PollingCancelled: the cancel event is set.
        :raises PollingTimeout: the overall timeout passed.
        :raises EndpointError: any other refusal (``AccessDenied``...), as is.
        """
        self._check()
        self.wait(self._next_wait())
        self._check()
        try:
            return self.token_request()
        except SlowDown as error:
            self.slow_down(error)
        except AuthorizationPending as error:
            self.authorization_pending(error)
        return None

    def run(self) -> Any:
        """Poll until a token arrives, and return it.

        :raises ExpiredToken: the code expired before the user completed the authorization.
        :raises AccessDenied: the user (or the server) denied it.
        :raises PollingCancelled: the cancel event was set.
        :raises PollingTimeout: the overall timeout passed.
        """
        while True:
            token = self()
            if token is not None:
                return token

    def token_request(self) -> Any:
        """Make one token request; subclasses define the grant."""
        raise NotImplementedError

    def slow_down(self, error: SlowDown) -> None:
        """The server asked to poll less often: add :attr:`slow_down_interval` for good."""
        self.interval += self.slow_down_interval

    def authorization_pending(self, error: AuthorizationPending) -> None:
        """The user has not completed the authorization yet: nothing to do."""

    # ---------------------------------------------------------------- time

    def is_expired(self) -> bool | None:
        """True once the code has expired by this job's clock (with its leeway); None if unknown."""
        if self.expires_deadline is None:
            return None
        return self.client.clock.monotonic() + self.leeway >= self.expires_deadline

    def wait(self, seconds: float) -> None:
        """Wait ``seconds`` through the sleeper, or on the cancel event."""
        if seconds <= 0:
            return
        if self.sleeper is not None:
            self.sleeper(seconds)
        elif self.cancel is not None:
            self.cancel.wait(seconds)
        else:
            time.sleep(seconds)

    def _next_wait(self) -> float:
        """The interval, cut short where the code expires or the job gives up."""
        now = self.client.clock.monotonic()
        wait = self.interval
        if self.expires_deadline is not None:
            wait = min(wait, self.expires_deadline - self.leeway - now)
        if self.timeout_deadline is not None:
            wait = min(wait, self.timeout_deadline - now)
        return wait

    def _check(self) -> None:
        if self.cancel is not None and self.cancel.is_set():
            raise PollingCancelled("the polling job was cancelled")
        if self.is_expired():
            raise ExpiredToken(
                None, "expired_token", "the code expired before the authorization completed"
            )
        if (
            self.timeout_deadline is not None
            and self.client.clock.monotonic() >= self.timeout_deadline
        ):
            raise PollingTimeout("the polling job's timeout passed")

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(interval={self.interval:g}, "
            f"slow_down_interval={self.slow_down_interval:g})"
        )

    # ---------------------------------------------------------------- deprecated names

    @classmethod
    def deprecated_alias(cls: type[J], name: str) -> type[J]:
        """A deprecated alias of this class, named ``name``.

        Instantiating the alias warns (:class:`DeprecationWarning`) and returns an instance
        of this class; ``isinstance`` and ``issubclass`` hold both ways. Subclasses of the
        alias still work, with the same warning. Used for requests_oauth2client's
        misspelled ``*PoolingJob`` names.
        """
        namespace = {
            "__module__": cls.__module__,
            "__doc__": f"Deprecated alias of :class:`{cls.__name__}`.",
            "_alias_of": cls,
        }
        return cast("type[J]", _DeprecatedAlias(name, (cls,), namespace))


class _DeprecatedAlias(type):
    """Metaclass of deprecated aliases: warns on instantiation, checks like its target."""

    def _target(cls) -> type | None:
        target = cls.__dict__.get("_alias_of")
        return target if isinstance(target, type) else None

    def __call__(cls, *args: Any, **kwargs: Any) -> Any:
        origin = next(c for c in cls.__mro__ if "_alias_of" in c.__dict__)
        target = cast("type", origin.__dict__["_alias_of"])
        warnings.warn(
            f"{origin.__name__} is deprecated, use {target.__name__}",
            DeprecationWarning,
            stacklevel=2,
        )
        if cls is origin:
            return target(*args, **kwargs)
        return super().__call__(*args, **kwargs)

    def __instancecheck__(cls, instance: object) -> bool:
        target = cls._target()
        if target is not None:
            return isinstance(instance, target)
        return super().__instancecheck__(instance)

    def __subclasscheck__(cls, subclass: type) -> bool:
        target = cls._target()
        if target is not None:
            return issubclass(subclass, target)
        return super().__subclasscheck__(subclass)


BaseTokenEndpointPoolingJob = BaseTokenEndpointPollingJob.deprecated_alias(
    "BaseTokenEndpointPoolingJob"
)
"""Deprecated: requests_oauth2client's misspelled name of :class:`BaseTokenEndpointPollingJob`."""
