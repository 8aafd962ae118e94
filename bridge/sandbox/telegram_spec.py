"""Bot API method parameters, generated from https://github.com/PaulSonOfLars/telegram-bot-api-spec (api.json); do not edit.

Regenerate: python bridge/sandbox/spec/generate_telegram_spec.py path/to/api.json
"""

BOT_API_VERSION = '7.2'
RELEASE_DATE = 'March 31, 2024'
CHANGELOG = 'https://core.telegram.org/bots/api#march-31-2024'

# {method: {parameter: (types, required)}}
METHODS: dict[str, dict[str, tuple[tuple[str, ...], bool]]] = {
    'getMe': {},
    'getUpdates': {
        'offset': (('Integer',), False),
        'limit': (('Integer',), False),
        'timeout': (('Integer',), False),
        'allowed_updates': (('Array of String',), False),
    },
    'setWebhook': {
        'url': (('String',), True),
        'certificate': (('InputFile',), False),
        'ip_address': (('String',), False),
        'max_connections': (('Integer',), False),
        'allowed_updates': (('Array of String',), False),
        'drop_pending_updates': (('Boolean',), False),
        'secret_token': (('String',), False),
    },
    'deleteWebhook': {
        'drop_pending_updates': (('Boolean',), False),
    },
    'getWebhookInfo': {},
    'sendMessage': {
        'business_connection_id': (('String',), False),
        'chat_id': (('Integer', 'String'), True),
        'message_thread_id': (('Integer',), False),
        'text': (('String',), True),
        'parse_mode': (('String',), False),
        'entities': (('Array of MessageEntity',), False),
        'link_preview_options': (('LinkPreviewOptions',), False),
        'disable_notification': (('Boolean',), False),
        'protect_content': (('Boolean',), False),
        'reply_parameters': (('ReplyParameters',), False),
        'reply_markup': (('InlineKeyboardMarkup', 'ReplyKeyboardMarkup', 'ReplyKeyboardRemove', 'ForceReply'), False),
    },
    'sendPhoto': {
        'business_connection_id': (('String',), False),
        'chat_id': (('Integer', 'String'), True),
        'message_thread_id': (('Integer',), False),
        'photo': (('InputFile', 'String'), True),
        'caption': (('String',), False),
        'parse_mode': (('String',), False),
        'caption_entities': (('Array of MessageEntity',), False),
        'has_spoiler': (('Boolean',), False),
        'disable_notification': (('Boolean',), False),
        'protect_content': (('Boolean',), False),
        'reply_parameters': (('ReplyParameters',), False),
        'reply_markup': (('InlineKeyboardMarkup', 'ReplyKeyboardMarkup', 'ReplyKeyboardRemove', 'ForceReply'), False),
    },
    'sendDocument': {
        'business_connection_id': (('String',), False),
        'chat_id': (('Integer', 'String'), True),
        'message_thread_id': (('Integer',), False),
        'document': (('InputFile', 'String'), True),
        'thumbnail': (('InputFile', 'String'), False),
        'caption': (('String',), False),
        'parse_mode': (('String',), False),
        'caption_entities': (('Array of MessageEntity',), False),
        'disable_content_type_detection': (('Boolean',), False),
        'disable_notification': (('Boolean',), False),
        'protect_content': (('Boolean',), False),
        'reply_parameters': (('ReplyParameters',), False),
        'reply_markup': (('InlineKeyboardMarkup', 'ReplyKeyboardMarkup', 'ReplyKeyboardRemove', 'ForceReply'), False),
    },
    'getChat': {
        'chat_id': (('Integer', 'String'), True),
    },
    'getFile': {
        'file_id': (('String',), True),
    },
    'editMessageText': {
        'chat_id': (('Integer', 'String'), False),
        'message_id': (('Integer',), False),
        'inline_message_id': (('String',), False),
        'text': (('String',), True),
        'parse_mode': (('String',), False),
        'entities': (('Array of MessageEntity',), False),
        'link_preview_options': (('LinkPreviewOptions',), False),
        'reply_markup': (('InlineKeyboardMarkup',), False),
    },
    'editMessageCaption': {
        'chat_id': (('Integer', 'String'), False),
        'message_id': (('Integer',), False),
        'inline_message_id': (('String',), False),
        'caption': (('String',), False),
        'parse_mode': (('String',), False),
        'caption_entities': (('Array of MessageEntity',), False),
        'reply_markup': (('InlineKeyboardMarkup',), False),
    },
    'editMessageMedia': {
        'chat_id': (('Integer', 'String'), False),
        'message_id': (('Integer',), False),
        'inline_message_id': (('String',), False),
        'media': (('InputMedia',), True),
        'reply_markup': (('InlineKeyboardMarkup',), False),
    },
    'editMessageReplyMarkup': {
        'chat_id': (('Integer', 'String'), False),
        'message_id': (('Integer',), False),
        'inline_message_id': (('String',), False),
        'reply_markup': (('InlineKeyboardMarkup',), False),
    },
    'deleteMessage': {
        'chat_id': (('Integer', 'String'), True),
        'message_id': (('Integer',), True),
    },
    'answerCallbackQuery': {
        'callback_query_id': (('String',), True),
        'text': (('String',), False),
        'show_alert': (('Boolean',), False),
        'url': (('String',), False),
        'cache_time': (('Integer',), False),
    },
    'answerInlineQuery': {
        'inline_query_id': (('String',), True),
        'results': (('Array of InlineQueryResult',), True),
        'cache_time': (('Integer',), False),
        'is_personal': (('Boolean',), False),
        'next_offset': (('String',), False),
        'button': (('InlineQueryResultsButton',), False),
    },
    'setMyCommands': {
        'commands': (('Array of BotCommand',), True),
        'scope': (('BotCommandScope',), False),
        'language_code': (('String',), False),
    },
    'getMyCommands': {
        'scope': (('BotCommandScope',), False),
        'language_code': (('String',), False),
    },
    'deleteMyCommands': {
        'scope': (('BotCommandScope',), False),
        'language_code': (('String',), False),
    },
    'setMyDescription': {
        'description': (('String',), False),
        'language_code': (('String',), False),
    },
    'setChatMenuButton': {
        'chat_id': (('Integer',), False),
        'menu_button': (('MenuButton',), False),
    },
}
