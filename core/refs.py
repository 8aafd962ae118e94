"""The short typed references users see and type: p12 (pin), c3 (conversation)."""

import re

from core.errors import InvalidInput, NotFound
from core.text import tr

_REF = re.compile(r"^([pc])(\d{1,12})$", re.IGNORECASE)
MAX_ID = 2**31 - 1  # ids are 32-bit integer columns; anything larger cannot exist
_NAMES = {"p": "pin", "c": "conversation"}
_NOT_A_REF = {
    "p": lambda typed: tr("“{typed}” is not a pin reference — they look like p12.", typed=typed),
    "c": lambda typed: tr("“{typed}” is not a conversation reference — they look like c12.", typed=typed),
}
_NO_SUCH = {
    "p": lambda ref: tr("There is no pin {ref}.", ref=ref),
    "c": lambda ref: tr("There is no conversation {ref}.", ref=ref),
}


def pin_ref(pin_id: int) -> str:
    """The reference shown on a pin card."""
    return f"p{pin_id}"


def conversation_ref(conversation_id: int) -> str:
    """The reference shown on a conversation."""
    return f"c{conversation_id}"


def parse(text: str, kind: str) -> int:
    """'p12' -> 12 for kind 'p'; InvalidInput otherwise."""
    match = _REF.match(text.strip())
    if not match or match.group(1).lower() != kind:
        raise InvalidInput(_NOT_A_REF[kind](text[:40]) if kind in _NOT_A_REF else
                           f"“{text[:40]}” is not a {_NAMES[kind]} reference — they look like {kind}12.")
    number = int(match.group(2))
    if number > MAX_ID:
        raise NotFound(_NO_SUCH[kind](f"{kind}{number}") if kind in _NO_SUCH else f"There is no {_NAMES[kind]} {kind}{number}.")
    return number


def looks_like(text: str, kind: str) -> bool:
    """True when text is shaped like a reference of this kind."""
    match = _REF.match(text.strip())
    return bool(match) and match.group(1).lower() == kind
