"""The terminal channel: one message per line in, the bot's messages out.

Buttons show as `[1] Label` and accept the number or the label. Streams are arguments, so
tests and `cocrea content preview` drive it with plain strings. Every line is cleaned of control
characters first (see bot/typed.py); Rasa's actions read their text through `read_input` too.

`Printer` is the channel's side of the contract (bot/channel.py): a message to an address, printed
as `→ terminal:ana: …`. `cocrea chat` prints the chatter's reminders with it between lines, and
`cocrea reminders tick` without a Telegram token prints every row with it, Telegram's too.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import TextIO

from bot.channel import CAN_SEND, is_command, read_command
from bot.conversation import Reply
from bot.typed import clean
from flows.events import Attachment, Button, MessageOut
from flows.inputs import Input, Tap, Text
from flows.text import normalize

Handler = Callable[[Input], Awaitable[Reply]]


def read_input(line: str, buttons: tuple[Button, ...], step_id: str | None) -> Input:
    """A typed line as the engine sees it: a command, a tap on a shown button, or text."""
    text = clean(line).strip()
    if is_command(text):
        return read_command(text)
    raw = normalize(text)
    for index, button in enumerate(buttons, start=1):
        if raw in (str(index), normalize(button.label)):
            return Tap(button.value, step_id)
    return Text(text)


def render(message: MessageOut) -> str:
    lines = [message.text] if message.text else []
    lines += [f"[{i}] {b.label}" for i, b in enumerate(message.buttons, start=1)]
    if message.attachment is not None:  # a terminal cannot show a file: one line says what it was
        lines.append(attachment_line(message.attachment))
    return "\n".join(lines)


def attachment_line(attachment: Attachment) -> str:
    """`[archivo: plan-1.xlsx, 12 KB]`, or `[imagen: …]` for a photo."""
    kind = "imagen" if attachment.kind == "photo" else "archivo"
    size = max(1, round(len(attachment.data) / 1024))
    caption = f" — {attachment.caption}" if attachment.caption else ""
    return f"[{kind}: {attachment.filename}, {size} KB]{caption}"


class Printer:
    """Prints messages to an address: the terminal channel (`name` 'terminal'), or, for trying
    reminders without a token, a stand-in for another channel that prints instead of sending."""

    def __init__(self, out: Callable[[], TextIO], name: str = "terminal") -> None:
        self.out, self.name = out, name  # the stream is looked up at each send: tests swap sys.stdout
        self.unprompted = CAN_SEND.get(name, True)

    async def send(self, address: str, messages: Sequence[MessageOut]) -> None:
        out = self.out()
        for message in messages:
            print(f"→ {self.name}:{address}: {render(message)}", file=out)
            print(file=out)
        out.flush()


class TerminalChat:
    def __init__(self, handle: Handler, stdin: TextIO, stdout: TextIO, *, echo: bool,
                 between: Callable[[], Awaitable[None]] | None = None) -> None:
        self.handle = handle
        self.between = between  # after each reply, before the next line: the chatter's due reminders
        self.stdin, self.stdout = stdin, stdout
        self.echo = echo  # piped input is echoed so the transcript reads like a conversation
        self.buttons: tuple[Button, ...] = ()
        self.step_id: str | None = None

    def show(self, reply: Reply) -> None:
        for message in reply.messages:
            self.stdout.write(render(message) + "\n\n")
            if message.buttons or message.step_id:
                self.buttons, self.step_id = message.buttons, message.step_id
        self.stdout.flush()

    async def send(self, inp: Input) -> None:
        self.show(await self.handle(inp))
        if self.between is not None:
            await self.between()

    async def run(self, first: Input | None = None) -> None:
        if first is not None:
            await self.send(first)
        loop = asyncio.get_running_loop()
        while True:
            if not self.echo:
                self.stdout.write("> ")
                self.stdout.flush()
            line = await loop.run_in_executor(None, self.stdin.readline)
            if not line:  # end of input
                return
            line = clean(line)  # before the echo too: a stray byte must not break the transcript
            # Piped input is echoed; typed input already shows, so just leave a blank line.
            self.stdout.write(f"> {line.rstrip()}\n\n" if self.echo else "\n")
            await self.send(read_input(line, self.buttons, self.step_id))
