"""API keys: who may read and who may write, when the operator configured keys at all."""

import hashlib
import hmac
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request, Security
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from service.errors import Forbidden, Unauthorized
from service.settings import ApiKey, Scope

KEY_HELP = "An API key, required when the service is configured with keys."
bearer = HTTPBearer(auto_error=False, description=f"{KEY_HELP} `Authorization: Bearer <key>`.")
api_key_header = APIKeyHeader(
    name="X-API-Key", auto_error=False, description=f"{KEY_HELP} `X-API-Key: <key>`."
)
ALL_SCOPES: frozenset[Scope] = frozenset(("read", "write", "metrics"))


@dataclass(frozen=True, slots=True)
class Caller:
    """Whoever sent the request: a configured key's holder, or anyone when no keys are set."""

    name: str | None
    scopes: frozenset[Scope]

    def require(self, scope: Scope) -> None:
        if scope not in self.scopes:
            raise Forbidden(
                f"this API key may not {scope}",
                details={"required_scope": scope, "key": self.name},
            )


def scopes_of(key: ApiKey) -> frozenset[Scope]:
    """A key's scopes; `write` implies `read` (a client that stores articles reads them too)."""
    scopes = set(key.scopes)
    if "write" in scopes:
        scopes.add("read")
    return frozenset(scopes)


def find_key(presented: str, keys: tuple[ApiKey, ...]) -> ApiKey | None:
    """The configured key whose hash matches, comparing with every key in constant time."""
    digest = hashlib.sha256(presented.encode("utf-8", "surrogatepass")).hexdigest()
    found = None
    for key in keys:
        if hmac.compare_digest(digest, key.sha256):
            found = key
    return found


async def identify(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Security(bearer)],
    header_key: Annotated[str | None, Security(api_key_header)],
) -> Caller:
    keys: tuple[ApiKey, ...] = request.app.state.settings.api_keys
    if not keys:
        return Caller(None, ALL_SCOPES)
    presented = header_key or (credentials.credentials if credentials else None)
    if not presented:
        raise Unauthorized("an API key is required (Authorization: Bearer <key> or X-API-Key)")
    key = find_key(presented, keys)
    if key is None:
        raise Unauthorized("the API key is not valid")
    return Caller(key.name, scopes_of(key))


CallerDep = Annotated[Caller, Depends(identify)]


async def can_read(caller: CallerDep) -> None:
    caller.require("read")


async def can_write(caller: CallerDep) -> None:
    caller.require("write")


async def can_see_metrics(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Security(bearer)],
    header_key: Annotated[str | None, Security(api_key_header)],
) -> None:
    # Open unless the operator asked otherwise: Prometheus often scrapes without credentials.
    if request.app.state.settings.metrics_need_key:
        (await identify(request, credentials, header_key)).require("metrics")


READ = [Depends(can_read)]
WRITE = [Depends(can_write)]
