"""One update in: take the chat's lock, run the shared loop, settle a tap, send the reply.

The reply's messages were produced inside a committed transaction (see bot/conversation.py);
they are sent only after `Conversation.handle` returns, and still under the chat's lock, so a
chat never sees the answer to its second message before the answer to its first.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from telegram import CallbackQuery, Message, Update
from telegram.constants import ChatAction, ParseMode
from telegram.ext import ContextTypes

from bot.channel import fault_reply, read_command
from bot.conversation import Conversation, Reply
from bot.telegram.buttons import ButtonCodes
from bot.telegram.locks import ChatLocks
from bot.telegram.reading import kind_of, read_text
from bot.telegram.render import render, with_choice
from bot.telegram.sending import Sender
from bot.telegram.texts import Texts
from flows.inputs import Input
from storage import StorageError

log = logging.getLogger(__name__)

CHANNEL = "telegram"  # the channel name under which update ids are remembered
# "escribiendo…" only for a reply that takes a while (a chart, an export, Rasa): an instant reply
# needs none, and skipping it spares a Bot API round trip per update.
TYPING_AFTER = 0.4


class TelegramChannel:
    def __init__(self, conversation: Conversation, texts: Texts, codes: ButtonCodes, sender: Sender,
                 locks: ChatLocks) -> None:
        self.conversation, self.texts, self.codes = conversation, texts, codes
        self.sender, self.locks = sender, locks
        # Set by app.py: shows a new coordinator their menu (setMyCommands for their chat).
        self.on_promoted: Callable[[int], Awaitable[None]] | None = None

    # -- the handlers (registered in app.py) --------------------------------------------------
    async def on_command(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        if message is not None and message.text:
            await self.serve(update, read_command(message.text))

    async def on_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        if message is not None and message.text is not None:
            await self.serve(update, read_text(message.text))

    async def on_other(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A photo, document, sticker, voice note…: the engine explains it needs text."""
        message = update.effective_message
        if message is not None:
            await self.serve(update, kind_of(message, self.texts))

    async def on_tap(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        if query is None:
            return
        tap = self.codes.decode(query.data)
        if tap is None or not self.offered(query):  # forged, or not ours any more: change nothing
            await self.answer(query, self.texts("button_unknown"))
            return
        await self.serve(update, tap, query)

    # -- the loop ---------------------------------------------------------------------------------
    async def serve(self, update: Update, inp: Input, query: CallbackQuery | None = None) -> None:
        user, chat = update.effective_user, update.effective_chat
        if user is None or chat is None:
            return
        async with self.locks.hold(chat.id):  # first await of the handler: keeps arrival order
            group = chat.id if chat.type in (chat.GROUP, chat.SUPERGROUP) else None
            typing = asyncio.create_task(self.typing_later(chat.id))
            try:
                reply, handled = await self.converse(f"tg:{user.id}", inp, update.update_id, group)
            finally:
                typing.cancel()  # the reply is ready: "escribiendo…" would now only linger
            if query is not None:
                if not handled:  # nothing was saved: keep the buttons, so the tap can be tried again
                    await self.answer(query)
                elif not await self.settle_tap(query, reply):
                    return
            if reply.duplicate:
                return
            outgoing = [part for message in reply.messages for part in render(message, self.codes)]
            await self.sender.send(chat.id, outgoing)
            if f"tg:{user.id}" in reply.menus_to_refresh() and self.on_promoted is not None:
                await self.on_promoted(user.id)  # their private chat's menu

    async def typing_later(self, chat_id: int) -> None:
        await asyncio.sleep(TYPING_AFTER)
        await self.sender.quietly(
            chat_id, lambda: self.sender.bot.send_chat_action(chat_id, ChatAction.TYPING), "typing",
            retry=False,  # worth nothing once the reply is there: never wait for it
        )

    async def converse(self, key: str, inp: Input, update_id: int, group: int | None = None) -> tuple[Reply, bool]:
        """The loop's reply, and whether the loop handled the input (False: a notice instead)."""
        try:
            if group is not None:  # said in a group chat: the loop acts on group commands only
                return await self.conversation.handle(key, inp, update=(CHANNEL, update_id), group=group), True
            return await self.conversation.handle(key, inp, update=(CHANNEL, update_id)), True
        except StorageError as exc:  # the database down, or a person's situation: words for them
            said = fault_reply(exc, self.texts.content())
            if said is None:
                raise  # a bug: the error handler tells the admins and apologises
            return Reply([said]), False

    # -- taps -------------------------------------------------------------------------------------
    async def settle_tap(self, query: CallbackQuery, reply: Reply) -> bool:
        """Answer the query and retire the tapped keyboard; False when the reply must not be sent.

        A tap on a button of an earlier step (a double tap, an old message) changes nothing: the
        engine says so as its first message, and here that becomes a short notice on the button
        instead of a repeated question.
        """
        if reply.duplicate:
            await self.answer(query)
            return False
        stale = self.texts.rejected("stale_button")
        if reply.messages and reply.messages[0].text.startswith(stale):
            await self.answer(query, stale)
            await self.retire(query, chosen=None)
            return False
        await self.answer(query)
        await self.retire(query, chosen=self.label_of(query))
        return True

    async def answer(self, query: CallbackQuery, text: str | None = None) -> None:
        """Every callback query is answered, or the person's button keeps spinning."""
        chat_id = query.message.chat.id if query.message else query.from_user.id
        await self.sender.quietly(chat_id, lambda: query.answer(text), "answerCallbackQuery")

    async def retire(self, query: CallbackQuery, chosen: str | None) -> None:
        """Show the chosen answer under the question and drop its buttons, so they act once."""
        message = query.message
        if not isinstance(message, Message) or message.reply_markup is None:
            return  # inaccessible (too old) or already retired
        edited = with_choice(message.text_html, chosen) if chosen is not None and message.text else None

        async def call() -> object:
            if edited is None:
                return await query.edit_message_reply_markup(reply_markup=None)
            # editMessageText without reply_markup also removes the inline keyboard
            return await query.edit_message_text(edited, parse_mode=ParseMode.HTML)

        await self.sender.quietly(message.chat.id, call, "retiring a keyboard")

    @staticmethod
    def offered(query: CallbackQuery) -> bool:
        """Whether the tapped message carries this button. Telegram apps only send data of the
        message's own buttons; a message we cannot see (too old) or that lost its keyboard in
        the meantime (a double tap) gets the benefit of the doubt: the engine still decides."""
        message = query.message
        if not isinstance(message, Message) or message.reply_markup is None:
            return True
        return TelegramChannel.label_of(query) is not None

    @staticmethod
    def label_of(query: CallbackQuery) -> str | None:
        message = query.message
        if not isinstance(message, Message) or message.reply_markup is None:
            return None
        for row in message.reply_markup.inline_keyboard:
            for button in row:
                if button.callback_data == query.data:
                    return button.text
        return None

