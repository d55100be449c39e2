"""Agent Desktop: a desktop client for contact-center agents, and a reference routing server."""

__version__ = "0.1.0"
