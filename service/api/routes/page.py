"""The review page for editors: static HTML, CSS and JavaScript that call the public `POST /score`.

Not part of the API contract, so kept out of the OpenAPI document.
"""

from functools import cache
from importlib.resources import files

from fastapi import APIRouter
from fastapi.responses import Response

from service.errors import NotFound

router = APIRouter(include_in_schema=False)

# Everything the page loads comes from this origin; nothing inline, nothing framed.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
    "img-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",
}
ASSETS = {
    "favicon.svg": "image/svg+xml",
    "review.css": "text/css; charset=utf-8",
    "review.js": "text/javascript; charset=utf-8",
}


@router.api_route("/", methods=["GET", "HEAD"])
def review_page() -> Response:
    return _asset("index.html", "text/html; charset=utf-8")


@router.api_route("/static/{name}", methods=["GET", "HEAD"])
def static_asset(name: str) -> Response:
    if name not in ASSETS:
        raise NotFound(f"no static file {name!r}")
    return _asset(name, ASSETS[name])


def _asset(name: str, media_type: str) -> Response:
    return Response(_read(name), media_type=media_type, headers=SECURITY_HEADERS)


@cache
def _read(name: str) -> bytes:
    return files("service.api").joinpath("static", name).read_bytes()
