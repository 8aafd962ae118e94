from adapters.telegram.platform import PLATFORM

__all__ = ["PLATFORM"]
