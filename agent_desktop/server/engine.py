"""The routing engine's public face, kept where the IO layer, benchmarks and tests import it.

The engine itself is the `routing` package (see `agent_desktop.server.routing.engine`).
"""

from agent_desktop.server.routing.connections import ConnId, Delivery, Principal
from agent_desktop.server.routing.engine import Engine

__all__ = ["ConnId", "Delivery", "Engine", "Principal"]
