"""The Rasa channel: Cocrea's custom actions, served by rasa-sdk's own action server.

A Rasa assistant (see docker/rasa/) understands what the person wrote and calls these actions
over HTTP; each one is a thin adapter over the same `Conversation` and storage that Telegram and
the terminal use, so Rasa shows exactly what Telegram shows and saves in the same database.

    actions.py   action_cocrea_inicio, _paso, _kits, _continuar, _compromisos, _indicadores, _glosario
    report.py    the form to report an indicator value: validate_reporte_indicador_form and
                 action_cocrea_reportar
    payloads.py  sender ids as person keys; button payloads and the input they stand for
    server.py    `cocrea actions`: start-up, then rasa-sdk's Sanic app on a port

No exceptions of its own: errors a person can cause are explained in Spanish; anything else is
logged and answered with the usual apology, and the person keeps their progress.
"""
