"""Write bridge/sandbox/telegram_spec.py from a downloaded api.json of PaulSonOfLars/telegram-bot-api-spec.

Runs offline on a local file:

    python bridge/sandbox/spec/generate_telegram_spec.py path/to/api.json [out.py]

Only the methods the stand-in serves (or may soon) are kept, so the module stays small.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

WANTED = (
    "getMe", "getUpdates", "setWebhook", "deleteWebhook", "getWebhookInfo",
    "sendMessage", "sendPhoto", "sendDocument", "getChat", "getFile",
    "editMessageText", "editMessageCaption", "editMessageMedia", "editMessageReplyMarkup", "deleteMessage",
    "answerCallbackQuery", "answerInlineQuery",
    "setMyCommands", "getMyCommands", "deleteMyCommands", "setMyDescription", "setChatMenuButton",
)
OUT = Path(__file__).resolve().parents[1] / "telegram_spec.py"
SOURCE = "https://github.com/PaulSonOfLars/telegram-bot-api-spec (api.json)"


def method_table(spec: dict[str, Any], wanted: tuple[str, ...] = WANTED) -> dict[str, dict[str, tuple[tuple[str, ...], bool]]]:
    """{method: {parameter: (types, required)}} for the wanted methods found in the spec."""
    methods = spec.get("methods", {})
    missing = [name for name in wanted if name not in methods]
    if missing:
        raise SystemExit(f"not in this api.json: {', '.join(missing)}")
    return {
        name: {field["name"]: (tuple(field["types"]), bool(field["required"])) for field in methods[name].get("fields", [])}
        for name in wanted
    }


def render(spec: dict[str, Any], table: dict[str, dict[str, tuple[tuple[str, ...], bool]]]) -> str:
    """The Python source of telegram_spec.py."""
    lines = [
        f'"""Bot API method parameters, generated from {SOURCE}; do not edit.',
        "",
        "Regenerate: python bridge/sandbox/spec/generate_telegram_spec.py path/to/api.json",
        '"""',
        "",
        f"BOT_API_VERSION = {spec['version'].removeprefix('Bot API ')!r}",
        f"RELEASE_DATE = {spec.get('release_date', '')!r}",
        f"CHANGELOG = {spec.get('changelog', '')!r}",
        "",
        "# {method: {parameter: (types, required)}}",
        "METHODS: dict[str, dict[str, tuple[tuple[str, ...], bool]]] = {",
    ]
    for name, fields in table.items():
        if not fields:
            lines.append(f"    {name!r}: {{}},")
            continue
        lines.append(f"    {name!r}: {{")
        lines.extend(f"        {field!r}: ({types!r}, {required})," for field, (types, required) in fields.items())
        lines.append("    },")
    lines.append("}")
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    """Read api.json (argv[1]) and write the module (argv[2], default telegram_spec.py beside the stand-in)."""
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    spec = json.loads(Path(argv[1]).read_text(encoding="utf-8"))
    out = Path(argv[2]) if len(argv) > 2 else OUT
    out.write_text(render(spec, method_table(spec)), encoding="utf-8")
    print(f"wrote {out} ({spec['version']}, {len(WANTED)} methods)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
