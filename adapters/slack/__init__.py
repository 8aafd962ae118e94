from adapters.slack.platform import PLATFORM

__all__ = ["PLATFORM"]
