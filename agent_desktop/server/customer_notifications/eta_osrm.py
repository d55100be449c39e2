"""The ETA from an OSRM-compatible routing service (OSRM, or anything that speaks its route API).

    GET {osrm_url}/route/v1/{profile}/{lon},{lat};{lon},{lat}?overview=false
    -> {"code": "Ok", "routes": [{"duration": <seconds>, "distance": <metres>}, ...]}

The arrival is now + the first route's duration. Anything else (no coordinates, a refused or
timed-out connection, an HTTP error, another `code` such as "NoRoute", a body that is not that
JSON) raises `EtaUnavailable`, and `eta.Estimator` uses the distance estimate instead.

HTTP goes through the standard library in a worker thread, as the SMS channel does (the project
has no async HTTP client): the event loop never waits on the socket. The threads are the
adapter's own (`THREADS`): on the loop's default ones a routing call queued behind slow SMS
sends and password checks, and timed out into the fallback while the service was answering.
The Estimator bounds the await; the thread bounds itself too (socket timeout per read, and a
deadline over the whole body), so a server that drips its answer cannot hold a thread for long.
"""

from __future__ import annotations

import asyncio
import http.client
import json
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from typing import Annotated, Final

import msgspec

from agent_desktop.protocol.bookings import Booking, Location
from agent_desktop.server.customer_notifications.config import EtaConfig
from agent_desktop.server.customer_notifications.eta import (
    EtaProvider,
    EtaUnavailable,
    NoCoordinates,
    Origin,
)

THREADS: Final = 4
"""Routing calls at once; more wait for one of these, never for the server's other work."""
MAX_BODY: Final = 1 << 20
"""A route answer without geometry is a few hundred bytes; more than this is not one."""


class _Route(msgspec.Struct, frozen=True):
    duration: Annotated[float, msgspec.Meta(ge=0)]
    distance: Annotated[float, msgspec.Meta(ge=0)] | None = None


class _Answer(msgspec.Struct, frozen=True):
    code: str
    routes: list[_Route] = []
    message: str | None = None


_decode = msgspec.json.Decoder(_Answer).decode


class OsrmRoute:
    def __init__(self, config: EtaConfig) -> None:
        if config.osrm_url is None:
            raise ValueError("OsrmRoute needs eta.osrm_url")
        self._base = config.osrm_url.rstrip("/")
        self._profile = config.osrm_profile
        self._timeout_s = config.timeout_s
        self._threads = ThreadPoolExecutor(THREADS, thread_name_prefix="eta-routing")

    def url(self, origin: Location, site: Location) -> str:
        # OSRM takes longitude first.
        return (
            f"{self._base}/route/v1/{self._profile}/"
            f"{origin.longitude:.6f},{origin.latitude:.6f};"
            f"{site.longitude:.6f},{site.latitude:.6f}?overview=false"
        )

    async def estimate(self, booking: Booking, origin: Origin, now: float) -> float:
        if origin.position is None or booking.location is None:
            if booking.location is None:
                raise NoCoordinates("the service site is not known")
            if origin.stale_position_min is not None:
                raise NoCoordinates(
                    f"the technician's position is {origin.stale_position_min:g} min old"
                )
            raise NoCoordinates("the technician's position is not known")
        seconds = await asyncio.get_running_loop().run_in_executor(
            self._threads, self._route_s, self.url(origin.position, booking.location)
        )
        return now + seconds

    def _route_s(self, url: str) -> float:
        """The first route's duration in seconds, or EtaUnavailable saying why not."""
        try:
            # The URL is the admin's configured base and two checked coordinates.
            with urllib.request.urlopen(url, timeout=self._timeout_s) as response:
                body = self._read(response)
        except urllib.error.HTTPError as exc:
            raise EtaUnavailable(f"routing service HTTP {exc.code}{_code_of(exc)}") from None
        except (urllib.error.URLError, OSError, TimeoutError) as exc:
            reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
            raise EtaUnavailable(f"routing service unreachable: {reason}") from None
        try:
            answer = _decode(body)
        except (msgspec.DecodeError, msgspec.ValidationError) as exc:
            raise EtaUnavailable(f"routing service answer is not a route: {exc}") from None
        if answer.code != "Ok":
            detail = f": {answer.message}" if answer.message else ""
            raise EtaUnavailable(f"routing service code {answer.code!r}{detail}")
        if not answer.routes:
            raise EtaUnavailable("routing service answered no route")
        return answer.routes[0].duration

    def _read(self, response: http.client.HTTPResponse) -> bytes:
        # A wall-clock deadline in this worker thread only (never the domain's clock): each
        # read is bounded by the socket timeout, the whole body by this.
        deadline = time.monotonic() + self._timeout_s
        body = bytearray()
        while chunk := response.read1(65_536):
            body += chunk
            if len(body) > MAX_BODY:
                raise EtaUnavailable("routing service answer too large")
            if time.monotonic() > deadline:
                raise EtaUnavailable(f"routing service answer took over {self._timeout_s:g} s")
        return bytes(body)


def _code_of(error: urllib.error.HTTPError) -> str:
    """OSRM answers a failed query with an HTTP error AND a JSON code ("NoRoute", ...)."""
    try:
        code = json.loads(error.read(4096)).get("code")
    except (OSError, ValueError, AttributeError):
        return ""
    return f" ({code})" if isinstance(code, str) else ""


def default_eta_provider(config: EtaConfig) -> EtaProvider | None:
    """The configured provider; None: the distance estimate is the provider."""
    return OsrmRoute(config) if config.provider == "osrm" else None
