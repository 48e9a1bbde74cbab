"""A text answer costs few round trips: the update's id, who wrote (with their run and secretariat,
locked) in one statement, and the run saved; then the commit."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event

from bot.conversation import Conversation
from flows.inputs import Command, Text
from flows.loader import load_checked

CONTENT = load_checked()
MOST = 3  # besides BEGIN and COMMIT


async def statements_of_an_answer(sessions: Any) -> list[str]:
    conversation = Conversation(lambda: CONTENT, sessions)
    for n, inp in enumerate([Command("start", ""), Text("sí"), Text("Lupita"), Text("1"), Command("continuar", "1")]):
        await conversation.handle("tg:5", inp, update=("telegram", n))
    seen: list[str] = []

    def note(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if statement.split()[0].upper() not in ("BEGIN", "COMMIT"):
            seen.append(statement)

    engine = sessions.kw["bind"].sync_engine
    event.listen(engine, "before_cursor_execute", note)
    try:
        reply = await conversation.handle("tg:5", Text("Una respuesta cualquiera"), update=("telegram", 100))
    finally:
        event.remove(engine, "before_cursor_execute", note)
    assert reply.messages
    return seen


async def test_a_text_answer_costs_three_statements_on_sqlite(sessions: Any) -> None:
    seen = await statements_of_an_answer(sessions)
    assert len(seen) <= MOST, "\n".join(seen)


async def test_and_on_postgresql(pg_sessions: Any) -> None:
    seen = await statements_of_an_answer(pg_sessions)
    assert len(seen) <= MOST, "\n".join(seen)
