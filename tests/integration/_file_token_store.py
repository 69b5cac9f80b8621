"""A file-backed token store shared by processes, and the worker process the tests start.

``python -m tests.integration._file_token_store JOB_FILE`` (from the repository root) reads
a JSON job, calls the protected resource through an ``OAuth2AccessTokenAuth`` backed by
the shared file until the job's end, and prints a JSON summary on stdout.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import requests

from oauth2core import (
    BearerToken,
    ClientSecretBasic,
    OAuth2AccessTokenAuth,
    OAuth2Client,
    TokenSerializer,
)


class FileTokenStore:
    """Tokens in one JSON file (key -> TokenSerializer string), shared by processes.

    Writes replace the file atomically (a temporary file in the same folder, mode 0600,
    then ``os.replace``) under an exclusive ``flock`` of ``<file>.lock``; reads need no
    lock. ``lock(key)`` is an exclusive ``flock`` of a lock file of its own per key,
    re-entrant within a thread. Tokens compare by their access token value.
    """

    def __init__(self, path: Path, serializer: TokenSerializer | None = None) -> None:
        self.path = path
        self.serializer = serializer or TokenSerializer()
        self._write_lock = threading.Lock()
        self._renewal_locks: dict[str, threading.RLock] = {}
        self._depth: dict[str, int] = {}
        self._guard = threading.Lock()

    def load(self, key: str) -> BearerToken | None:
        """The token saved under ``key``, or None."""
        serialized = self._read().get(key)
        return self.serializer.loads(serialized) if serialized is not None else None

    def save(self, key: str, token: BearerToken) -> None:
        """Save ``token`` under ``key``."""
        with self._writing() as tokens:
            tokens[key] = self.serializer.dumps(token)

    def compare_and_swap(self, key: str, expected: BearerToken | None, new: BearerToken) -> bool:
        """Save ``new`` only if ``key`` still holds ``expected``'s access token."""
        with self._writing() as tokens:
            current = tokens.get(key)
            held = self.serializer.loads(current).access_token if current is not None else None
            if held != (expected.access_token if expected is not None else None):
                return False
            tokens[key] = self.serializer.dumps(new)
            return True

    def delete(self, key: str) -> None:
        """Forget the token under ``key``."""
        with self._writing() as tokens:
            tokens.pop(key, None)

    @contextlib.contextmanager
    def lock(self, key: str) -> Iterator[object]:
        """Hold off the renewals of ``key`` by every other thread and process."""
        with self._guard:
            local = self._renewal_locks.setdefault(key, threading.RLock())
        with local:
            depth = self._depth.get(key, 0)
            self._depth[key] = depth + 1
            try:
                if depth:
                    yield None
                else:
                    digest = hashlib.sha256(key.encode()).hexdigest()[:16]
                    with self._flock(self.path.with_name(f"{self.path.name}.{digest}.renew")):
                        yield None
            finally:
                self._depth[key] = depth

    def _read(self) -> dict[str, str]:
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return {}
        tokens = json.loads(text)
        if not isinstance(tokens, dict):
            raise ValueError(f"{self.path.name} is not a token file")
        return tokens

    @contextlib.contextmanager
    def _writing(self) -> Iterator[dict[str, str]]:
        with self._write_lock, self._flock(self.path.with_name(f"{self.path.name}.lock")):
            tokens = self._read()
            before = dict(tokens)
            yield tokens
            if tokens == before:
                return
            fd, temporary = tempfile.mkstemp(dir=self.path.parent, prefix=f".{self.path.name}.")
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as file:  # mkstemp: mode 0600
                    json.dump(tokens, file)
                    file.flush()
                    os.fsync(file.fileno())
                os.replace(temporary, self.path)
            except BaseException:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(temporary)
                raise

    @staticmethod
    @contextlib.contextmanager
    def _flock(path: Path) -> Iterator[None]:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)  # closing the last descriptor releases the lock

    def __repr__(self) -> str:
        return f"FileTokenStore({self.path.name!r})"


class _CountingAuth(OAuth2AccessTokenAuth):
    """Counts the tokens this process requested itself (the others it adopted)."""

    fetched = 0

    def fetch_token(self, previous: BearerToken | None) -> BearerToken:
        token = super().fetch_token(previous)
        self.fetched += 1
        return token


def run_job(job: dict[str, Any]) -> dict[str, Any]:
    """Call the resource until ``job["until"]`` (wall clock), starting at ``job["start"]``."""
    store = FileTokenStore(Path(job["store"]))
    auth_method = ClientSecretBasic(job["client_id"], job["client_secret"])
    failures: list[str] = []
    calls = 0
    with OAuth2Client(job["token_endpoint"], auth_method) as client, requests.Session() as http:
        auth = _CountingAuth(client, store=store, leeway=job["leeway"])
        time.sleep(max(job["start"] - time.time(), 0))
        used: set[str] = set()
        while time.time() < job["until"]:
            try:
                response = http.get(job["resource_url"], auth=auth, timeout=10)
            except Exception as err:
                failures.append(type(err).__name__)
                break
            calls += 1
            if response.status_code != 200:
                failures.append(f"HTTP {response.status_code}")
                break
            if auth.token is not None:
                used.add(hashlib.sha256(auth.token.access_token.encode()).hexdigest())
            time.sleep(job["pause"])
    return {"calls": calls, "failures": failures, "fetched": auth.fetched, "tokens": len(used)}


if __name__ == "__main__":
    json.dump(run_job(json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))), sys.stdout)
