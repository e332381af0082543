"""Read-only AWS calls for the live reader: paginated, throttling retried with backoff (our
count, botocore's own retries off), and a call the account refuses (a missing permission,
throttling past the retries) becomes a diagnostic naming the IAM action
(`sagemaker:ListEndpoints`); the read goes on without it."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from typing import Any, TypeVar

from mllens.errors import InputError
from mllens.scan.result import Diagnostic

_DENIED = {"AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "UnrecognizedClientException",
           "ExpiredTokenException", "InvalidClientTokenId"}
_THROTTLED = {"Throttling", "ThrottlingException", "RequestLimitExceeded", "TooManyRequestsException"}
ATTEMPTS = 5
T = TypeVar("T")


def session() -> Any:
    """A boto3 session on the standard credential chain (AWS_PROFILE honoured; AWS_REGION
    too, besides AWS_DEFAULT_REGION; botocore itself honours AWS_ENDPOINT_URL)."""
    try:
        import boto3
    except ImportError:
        raise InputError("--live aws needs boto3: install mllens with the aws extra (pip install 'mllens[aws]')",
                         field="--live") from None
    region = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or None
    return boto3.Session(region_name=region)


class Calls:
    """The clients of one session, and the diagnostics of calls that failed."""

    def __init__(self, boto_session: Any, diagnostics: list[Diagnostic], *,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        from botocore.config import Config

        self._session = boto_session
        self._config = Config(retries={"total_max_attempts": 1})  # throttling: ours count (`_retrying`)
        self._sleep = sleep
        self._clients: dict[str, Any] = {}
        self.diagnostics = diagnostics
        self._failed: set[str] = set()

    @property
    def region(self) -> str:
        return str(self._session.region_name or "")

    def client(self, service: str) -> Any:
        if service not in self._clients:
            self._clients[service] = self._session.client(service, config=self._config)
        return self._clients[service]

    def pages(self, service: str, operation: str, key: str, **params: Any) -> list[dict[str, Any]]:
        """Every item under `key` across the pages of a List/Describe call ([] when refused)."""
        client = self.client(service)

        def listing() -> list[dict[str, Any]]:
            items: list[dict[str, Any]] = []
            if client.can_paginate(operation):
                for page in client.get_paginator(operation).paginate(**params):
                    items.extend(page.get(key, []))
            else:
                items.extend(getattr(client, operation)(**params).get(key, []))
            return items

        try:
            return self._retrying(listing)
        except Exception as exc:
            self._fail(service, operation, exc)
        return []

    def one(self, service: str, operation: str, **params: Any) -> dict[str, Any] | None:
        """One Describe call's answer (None when refused or failed)."""
        try:
            answer: dict[str, Any] = self._retrying(lambda: getattr(self.client(service), operation)(**params))
        except Exception as exc:
            self._fail(service, operation, exc)
            return None
        return answer

    def _retrying(self, run: Callable[[], T]) -> T:
        """`run()`, again after a backoff while the account throttles it (a listing starts over:
        its pages are read in one go)."""
        from botocore.exceptions import ClientError

        for attempt in range(ATTEMPTS):
            try:
                return run()
            except ClientError as exc:
                code = str(exc.response.get("Error", {}).get("Code", ""))
                if code not in _THROTTLED or attempt + 1 == ATTEMPTS:
                    raise
                self._sleep(min(10.0, 0.5 * 2**attempt))
        raise AssertionError("unreachable: the last attempt returns or raises")

    def _fail(self, service: str, operation: str, exc: Exception) -> None:
        from botocore.exceptions import ClientError, NoCredentialsError

        client = self.client(service)
        # the IAM prefix is the client's service name for every service read here
        action = f"{service}:{client.meta.method_to_api_mapping.get(operation, operation)}"
        if isinstance(exc, NoCredentialsError):
            kind, message = "live_no_credentials", "no AWS credentials found (set AWS_PROFILE or the standard " \
                                                   "credential chain): nothing read from the account"
            action = "aws"
        elif isinstance(exc, ClientError):
            code = str(exc.response.get("Error", {}).get("Code", ""))
            if code in _DENIED:
                kind, message = "live_access_denied", f"{action} was refused ({code}): grant it (see the read-only " \
                                                      f"policy in docs/live.md); the scan went on without it"
            elif code in _THROTTLED:
                kind, message = "live_throttled", f"{action} was throttled ({code}) {ATTEMPTS} times, " \
                                                  f"retried with backoff; the scan went on without it"
            else:
                kind, message = "live_error", f"{action} failed ({code}): the scan went on without it"
        else:
            kind, message = "live_error", f"{action} failed ({type(exc).__name__}): the scan went on without it"
        if f"{action} {kind}" in self._failed:
            return  # said once per action, not once per resource
        self._failed.add(f"{action} {kind}")
        self.diagnostics.append(Diagnostic(file=f"aws:{action}", kind=kind, message=message))
