"""How much history a stand-in keeps: everything (tests read it all), or the latest of each kind.

The sandbox runs for days inside the web process, and a stand-in that kept every call,
message and response_url post grew by ~18 KiB a command without end. `SANDBOX` keeps a
ring per chat (more than the panes show) and the latest records of everything else, so
memory plateaus whatever the traffic; `EVERYTHING` is for tests that look at the whole past.
"""

from __future__ import annotations

from collections import OrderedDict, deque
from dataclasses import dataclass


@dataclass(frozen=True)
class Keep:
    per_chat: int | None = None  # messages kept per chat or channel (None: all)
    records: int | None = None  # calls, response_url posts, answers, views, open queries (None: all)

    def chat_ring(self) -> deque:
        return deque(maxlen=self.per_chat)

    def ring(self) -> deque:
        return deque(maxlen=self.records)

    def recent(self) -> Recent:
        return Recent(self.records)


EVERYTHING = Keep()
SANDBOX = Keep(per_chat=200, records=1_000)


class Recent(OrderedDict):
    """A dict that forgets the keys written longest ago past `limit` (None: never)."""

    def __init__(self, limit: int | None = None) -> None:
        super().__init__()
        self.limit = limit

    def __setitem__(self, key, value) -> None:
        super().__setitem__(key, value)
        self.move_to_end(key)  # a key written again is recent again (a view updated, a response_url used)
        if self.limit is not None:
            while len(self) > self.limit:
                self.popitem(last=False)

    def add(self, key) -> None:
        """Use as a bounded set."""
        self[key] = None

    def discard(self, key) -> None:
        self.pop(key, None)

    def __reduce__(self):  # copy.deepcopy keeps the limit
        return (type(self), (self.limit,), None, None, iter(self.items()))
