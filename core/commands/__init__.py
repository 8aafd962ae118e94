"""Dispatch: a parsed Command runs against the engine's services and returns a Reply."""

from core.commands.context import Context
from core.commands.dispatch import dispatch

__all__ = ["Context", "dispatch"]
