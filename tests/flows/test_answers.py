"""Every answer type reads good answers and explains bad ones; a type without cases fails."""

from __future__ import annotations

from typing import Any

import pytest

from flows import answers
from flows.answers import Spec
from flows.errors import Rejected
from flows.model import Option

OGP = (Option("transparencia", "Transparencia"), Option("participacion", "Participación ciudadana"),
       Option("rendicion", "Rendición de cuentas"))

# type -> [(spec data, options, typed text, expected value or the key of the rejection)]
CASES: dict[str, list[tuple[dict[str, Any], tuple[Option, ...], str, Any]]] = {
    "short_text": [
        ({}, (), "  Agua para todas las colonias  ", "Agua para todas las colonias"),
        ({}, (), "   ", Rejected("empty_text")),
        ({"max_length": 10}, (), "Un título demasiado largo", Rejected("too_long")),
        ({"min_length": 5}, (), "Agua", Rejected("too_short")),
    ],
    "long_text": [
        ({}, (), "Las pipas llegan una vez por semana a la colonia Santa Fe.",
         "Las pipas llegan una vez por semana a la colonia Santa Fe."),
        ({"min_length": 30}, (), "Falta agua.", Rejected("too_short")),
        ({}, (), "", Rejected("empty_text")),
    ],
    "number": [
        ({}, (), "1,500.75", 1500.75),
        ({}, (), "1500,5", 1500.5),
        ({}, (), "$ 2 300", 2300),
        ({}, (), "mil", Rejected("not_a_number")),
        ({"min": 0}, (), "-3", Rejected("below_min")),
        ({"max": 10}, (), "11", Rejected("above_max")),
    ],
    "integer": [
        ({}, (), "12", 12),
        ({}, (), "12.5", Rejected("not_an_integer")),
        ({"min": 1, "max": 5}, (), "6", Rejected("above_max")),
        ({}, (), "doce", Rejected("not_a_number")),
    ],
    "percentage": [
        ({}, (), "45%", 45),
        ({}, (), "12.5 %", 12.5),
        ({}, (), "120", Rejected("above_max")),
        ({}, (), "-1", Rejected("below_min")),
    ],
    "date": [
        ({}, (), "15/03/2026", "2026-03-15"),
        ({}, (), "2026-03-15", "2026-03-15"),
        ({}, (), "29/02/2028", "2028-02-29"),
        ({}, (), "31/02/2025", Rejected("no_such_day")),
        ({}, (), "15/13/2026", Rejected("bad_month")),
        ({}, (), "mañana", Rejected("not_a_date")),
        ({"min": "2026-01-01"}, (), "31/12/2025", Rejected("date_before")),
        ({"max": "2027-12-31"}, (), "01/01/2028", Rejected("date_after")),
    ],
    "yes_no": [
        ({}, (), "Sí", True),
        ({}, (), "no", False),
        ({}, (), "quizá", Rejected("not_yes_no")),
    ],
    "choice": [
        ({}, OGP, "2", "participacion"),
        ({}, OGP, "rendicion de cuentas", "rendicion"),
        ({}, OGP, "7", Rejected("not_an_option")),
        ({}, OGP, "otra cosa", Rejected("not_an_option")),
    ],
    "multi_choice": [
        ({}, OGP, "1, 3", ["transparencia", "rendicion"]),
        ({}, OGP, "3 y 1", ["transparencia", "rendicion"]),
        ({}, OGP, "Transparencia", ["transparencia"]),
        ({}, OGP, "1, 9", Rejected("not_options")),
        ({"max_choices": 1}, OGP, "1, 2", Rejected("too_many_choices")),
        ({"min_choices": 2}, OGP, "1", Rejected("too_few_choices")),
    ],
    "email": [
        ({}, (), "lupita@Transparencia.JALISCO.gob.mx", "lupita@transparencia.jalisco.gob.mx"),
        ({}, (), "lupita arroba correo", Rejected("not_an_email")),
    ],
    "url": [
        ({}, (), "https://datos.gob.mx/busca", "https://datos.gob.mx/busca"),
        ({}, (), "www.oaxaca.gob.mx", "https://www.oaxaca.gob.mx"),
        ({}, (), "no tengo liga", Rejected("not_a_url")),
        ({}, (), "ftp://archivo.mx", Rejected("not_a_url")),
    ],
    "file": [
        ({}, (), "https://drive.google.com/evidencia", {"kind": "link", "ref": "https://drive.google.com/evidencia",
                                                         "name": None}),
        ({}, (), "transparencia.zapopan.gob.mx/agua", {"kind": "link", "ref": "https://transparencia.zapopan.gob.mx/agua",
                                                      "name": None}),
        ({}, (), "te la mando luego", Rejected("not_a_file")),
    ],
}


def test_every_registered_answer_type_has_cases() -> None:
    missing = set(answers.REGISTRY) - set(CASES)
    assert not missing, f"answer types without test cases: {sorted(missing)}"


@pytest.mark.parametrize(
    ("kind", "data", "options", "text", "expected"),
    [(k, *case) for k, cases in CASES.items() for case in cases],
)
def test_answer_type(kind: str, data: dict[str, Any], options: tuple[Option, ...], text: str,
                     expected: Any) -> None:
    answer = answers.get(kind)
    assert answer is not None
    spec = Spec(data, options)
    if isinstance(expected, Rejected):
        with pytest.raises(Rejected) as caught:
            answer.parse(text, spec)
        assert caught.value.key == expected.key
    else:
        assert answer.parse(text, spec) == expected


def test_a_tap_on_an_option_that_no_longer_exists_is_refused() -> None:
    choice = answers.get("choice")
    assert choice is not None
    with pytest.raises(Rejected) as caught:
        choice.tap("opcion_borrada", Spec({}, OGP))
    assert caught.value.key == "stale_button"


def test_impossible_date_explains_how_many_days_the_month_has() -> None:
    date = answers.get("date")
    assert date is not None
    with pytest.raises(Rejected) as caught:
        date.parse("31/02/2025", Spec({}))
    assert caught.value.params == {"day": 31, "month": "febrero", "year": 2025, "days": 28}


# Typed texts that are not text (issue 22, items 3 and 12). The forged signer line of the acta:
FORGED_NAME = "Memo (Sociedad civil), 01/03/2026 10:00\n• Presidenta Municipal"


@pytest.mark.parametrize("typed", [
    FORGED_NAME, "Memo\r• Presidenta", "Memo\r\n• Presidenta", "Memo\u2028• Presidenta", "Memo\u2029Presidenta",
    "Memo\x85Presidenta", "Memo\x0bPresidenta",
])
def test_a_short_text_refuses_line_breaks(typed: str) -> None:
    short = answers.get("short_text")
    assert short is not None
    with pytest.raises(Rejected) as caught:
        short.parse(typed, Spec({"max_length": 80}))
    assert caught.value.key == "one_line"


def test_a_long_text_keeps_its_line_breaks_as_plain_newlines() -> None:
    long = answers.get("long_text")
    assert long is not None
    assert long.parse("Primero.\r\nSegundo.\u2028Tercero.", Spec({})) == "Primero.\nSegundo.\nTercero."


@pytest.mark.parametrize("typed", [
    "\u200d\u200d\u200d", "\ufeff", "\u200b\u200c", "\u2060 \u2063", "\u3164", "\u2800\u2800", "\u034f\u0301",
    "\u202e\u202d", "\x00", "\x00\x00 \x00",
])
@pytest.mark.parametrize("kind", ["short_text", "long_text"])
def test_a_text_with_nothing_visible_is_refused_kindly(kind: str, typed: str) -> None:
    answer = answers.get(kind)
    assert answer is not None
    with pytest.raises(Rejected) as caught:
        answer.parse(typed, Spec({}))
    assert caught.value.key == "invisible_text"


@pytest.mark.parametrize(("typed", "kept"), [
    ("\u202eanA oseT", "anA oseT"),  # right-to-left override: the name would read backwards
    ("Ana\u202d \u2066López\u2069", "Ana López"),
    ("\ufeffAna\u200b López", "Ana López"),
    ("Ana\x00 López", "Ana López"),
    ("Ana\x07\x1b[31m López", "Ana[31m López"),
    ("Familia 👩\u200d👩\u200d👧", "Familia 👩\u200d👩\u200d👧"),  # the joiner inside emoji stays
    ("Ana\tLópez", "Ana López"),
])
def test_a_short_text_keeps_only_what_shows(typed: str, kept: str) -> None:
    short = answers.get("short_text")
    assert short is not None
    assert short.parse(typed, Spec({})) == kept


@pytest.mark.parametrize(("kind", "typed", "expected"), [
    ("long_text", "Falta agua\x00 en la colonia.", "Falta agua en la colonia."),
    ("number", "1\x00500", 1500),
    ("date", "15/03/2026\x00", "2026-03-15"),
    ("email", "lupita\x00@correo.mx", "lupita@correo.mx"),
    ("url", "https://datos.gob.mx/\x00busca", "https://datos.gob.mx/busca"),
    ("file", "https://datos.gob.mx/\x00busca", {"kind": "link", "ref": "https://datos.gob.mx/busca", "name": None}),
    ("yes_no", "sí\x00", True),
    ("choice", "2\u200b", "participacion"),
])
def test_no_typed_answer_keeps_a_nul_byte(kind: str, typed: str, expected: Any) -> None:
    """PostgreSQL refuses NUL in text: it never reaches a saved answer."""
    answer = answers.get(kind)
    assert answer is not None
    assert answer.parse(typed, Spec({}, OGP)) == expected


def test_a_link_with_a_line_break_is_refused() -> None:
    url = answers.get("url")
    assert url is not None
    with pytest.raises(Rejected):
        url.parse("https://datos.gob.mx/\nbusca", Spec({}))
