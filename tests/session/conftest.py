from tests.support.desktop_bus import secret_service

__all__ = ["secret_service"]
