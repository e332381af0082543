"""One Well-Architected Tool call: throttling retried with backoff, refusals in our words.

The client is handed in (a boto3 `wellarchitected` client, or one under botocore's
Stubber in tests); nothing here creates one but `make_client`.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

from mllens.errors import MllensError

THROTTLED = ("ThrottlingException", "TooManyRequestsException", "RequestLimitExceeded")
ATTEMPTS = 6
Sleep = Callable[[float], None]


class Conflict(Exception):
    """The tool said ConflictException (the thing exists, or is being changed)."""


def make_client(*, region: str | None = None) -> Any:
    """A boto3 client for the tool, with botocore's own retries off (ours count them)."""
    try:
        import boto3
        from botocore.config import Config
    except ImportError:
        raise MllensError("`mllens aws` needs boto3: pip install 'mllens[aws]'") from None
    config = Config(retries={"total_max_attempts": 1})
    return boto3.client("wellarchitected", region_name=region, config=config)


def client_if_credentials() -> Any | None:
    """A client when boto3 is installed and finds credentials and a Region, else None:
    a dry run then plans as for a new workload instead of reading the tool."""
    try:
        import boto3
    except ImportError:
        return None
    session = boto3.Session()
    if session.region_name is None or session.get_credentials() is None:
        return None
    return make_client()


def _code(exc: Exception) -> str:
    response = getattr(exc, "response", None)
    if isinstance(response, dict):
        return str(response.get("Error", {}).get("Code", ""))
    return ""


def call(client: Any, operation: str, params: dict[str, Any], *, sleep: Sleep = time.sleep) -> dict[str, Any]:
    """Call `operation` (its API name) with `params`; retry throttling, raise Conflict on
    ConflictException, and MllensError naming the permission on AccessDeniedException."""
    from botocore.exceptions import BotoCoreError, ClientError

    method = getattr(client, _snake(operation))
    for attempt in range(ATTEMPTS):
        try:
            response: dict[str, Any] = method(**params)
            return response
        except ClientError as exc:
            code = _code(exc)
            if code in THROTTLED:
                if attempt + 1 == ATTEMPTS:
                    break
                sleep(min(20.0, 0.5 * 2**attempt))
                continue
            if code == "ConflictException":
                raise Conflict(str(exc)) from None
            if code in ("AccessDeniedException", "UnauthorizedOperation"):
                raise MllensError(
                    f"AWS refused wellarchitected:{operation}: allow it in the policy of the role you run as "
                    "(docs/aws.md lists the least-privilege policy for push and pull)"
                ) from None
            message = exc.response.get("Error", {}).get("Message", "")
            raise MllensError(f"the Well-Architected Tool refused {operation}: {code}: {message}") from None
        except BotoCoreError as exc:
            raise MllensError(f"cannot call the Well-Architected Tool ({operation}): {exc}") from None
    raise MllensError(
        f"the Well-Architected Tool kept throttling {operation} after {ATTEMPTS} attempts; try again later"
    )


def pages(
    client: Any, operation: str, params: dict[str, Any], key: str, *, sleep: Sleep = time.sleep
) -> Iterator[dict[str, Any]]:
    """Every item under `key` across the pages of a List call (NextToken)."""
    params = dict(params)
    while True:
        response = call(client, operation, params, sleep=sleep)
        yield from response.get(key, [])
        next_token = response.get("NextToken")
        if not next_token:
            return
        params["NextToken"] = next_token


def _snake(operation: str) -> str:
    return "".join("_" + c.lower() if c.isupper() else c for c in operation).lstrip("_")
