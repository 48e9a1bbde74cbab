"""The `cocrea` command line (see the interface contract in DESIGN.md)."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence
from pathlib import Path

from bot.settings import Settings, SettingsError
from flows.checker import check
from flows.errors import ContentInvalid
from flows.loader import load, load_checked
from flows.model import Content, Flow


def _settings() -> Settings:
    try:
        return Settings.from_env()
    except SettingsError as exc:
        print(f"Error de configuración: {exc}", file=sys.stderr)
        raise SystemExit(2) from None


def cmd_content_check(args: argparse.Namespace) -> int:
    directory = Path(args.dir) if args.dir else _settings().content_dir
    content, problems = load(directory)
    problems = sorted(set(problems + check(content)))
    for problem in problems:
        print(problem)
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        sys.stdout.flush()
        print(f"{len(errors)} {'error' if len(errors) == 1 else 'errores'} en {directory}", file=sys.stderr)
        return 1
    kits = len(content.kits())
    print(f"contenido correcto: {len(content.flows)} flujos ({kits} kits), {len(content.catalogs)} catálogos")
    return 0


def cmd_content_graph(args: argparse.Namespace) -> int:
    from bot.graph import mermaid

    content = _content(args.dir)
    print(mermaid(_flow(content, args.kit)))
    return 0


def _flow(content: Content, name: str) -> Flow:
    """A flow by id (kit5, inicio) or a kit by its number (5); exits 1 naming the ones there are."""
    flow = content.flows.get(name) or next(
        (f for f in content.kits() if str(f.number) == name.removeprefix("kit")), None)
    if flow is None:
        print(f"No existe el kit o flujo '{name}'. Hay: {', '.join(content.flows)}", file=sys.stderr)
        raise SystemExit(1)
    return flow


def cmd_content_preview(args: argparse.Namespace) -> int:
    from bot.preview import preview

    content = _content(args.dir)
    return asyncio.run(preview(content, _flow(content, args.kit).id, "mesa" if args.mesa else "stl"))


def cmd_content_schema(args: argparse.Namespace) -> int:
    import json

    from flows.schema import SCHEMA_FILE, flow_schema

    target = Path(args.dir or _settings().content_dir) / SCHEMA_FILE
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(flow_schema(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"esquema escrito en {target}")
    return 0


def cmd_content_stats(args: argparse.Namespace) -> int:
    from flows.stats import LONGEST_RUN, flow_stats

    content = _content(args.dir)
    rows = [flow_stats(f) for f in content.kits()] + [
        flow_stats(f) for f in content.flows.values() if f.kind != "kit"]
    print(f"{'flujo':<16}{'pasos':>6}{'preguntas':>11}{'ramas':>7}{'minutos':>9}{'lectura':>9}  título")
    for row in rows:
        print(f"{row.flow_id:<16}{row.steps:>6}{row.questions:>11}{row.branches:>7}{row.minutes:>9.1f}"
              f"{row.longest_run:>9}  {row.title}")
    kits = [r for r in rows if content.flows[r.flow_id].kind == "kit"]
    print(f"{'kits':<16}{sum(r.steps for r in kits):>6}{sum(r.questions for r in kits):>11}"
          f"{sum(r.branches for r in kits):>7}{sum(r.minutes for r in kits):>9.1f}"
          f"{max((r.longest_run for r in kits), default=0):>9}")
    print(f"lectura: los caracteres más largos que se leen seguidos sin responder nada (máximo {LONGEST_RUN})")
    return 0


def _content(directory: str | None) -> Content:
    try:
        return load_checked(Path(directory) if directory else _settings().content_dir)
    except ContentInvalid as exc:
        print(exc, file=sys.stderr)
        raise SystemExit(1) from None


def cmd_content_versions(args: argparse.Namespace) -> int:
    from bot.reload import loaded_versions
    from storage.migrate import upgrade

    settings = _settings()
    upgrade(settings.database_url)
    rows = asyncio.run(loaded_versions(settings.database_url, load(settings.content_dir)[0]))
    if not rows:
        print("Todavía no se ha cargado ninguna versión (se registran al iniciar `cocrea run` y al recargar).")
        return 0
    print(f"{'flujo':<16}{'versión':<14}{'cargada (UTC)':<18}  resumen")
    for flow_id, version, loaded_at, summary, current in rows:
        mark = "  ← en uso" if current else ""
        print(f"{flow_id:<16}{version:<14}{loaded_at:<18}  {summary}{mark}")
    return 0


def cmd_db_upgrade(args: argparse.Namespace) -> int:
    from storage.migrate import upgrade

    settings = _settings()
    upgrade(settings.database_url)
    print("base de datos al día")
    return 0


def cmd_health(args: argparse.Namespace) -> int:
    from bot.health import check

    problem = check(_settings())
    if problem:
        print(f"mal: {problem}", file=sys.stderr)
        return 1
    print("bien")
    return 0


def cmd_db_copy(args: argparse.Namespace) -> int:
    from storage.copy import CopyRefused, copy_database

    settings = _settings()
    try:
        copied = copy_database(settings.database_url, args.to)
    except (CopyRefused, ValueError) as exc:
        print(f"No copié nada: {exc}", file=sys.stderr)
        return 1
    for table, rows in copied.items():
        print(f"{table}: {rows}")
    print(f"copia terminada: {sum(copied.values())} filas")
    return 0


def cmd_secretariat_add(args: argparse.Namespace) -> int:
    from bot.invites import add_secretariat

    settings = _settings()
    try:
        secretariat_id = asyncio.run(
            add_secretariat(settings, args.name, args.kind, args.timezone, args.data_controller))
    except ValueError as exc:
        print(exc, file=sys.stderr)
        return 1
    print(secretariat_id)
    return 0


def cmd_secretariat_set(args: argparse.Namespace) -> int:
    from bot.invites import set_data_controller

    try:
        who = asyncio.run(set_data_controller(_settings(), args.secretariat, args.data_controller))
    except ValueError as exc:
        print(exc, file=sys.stderr)
        return 1
    print(f"responsable de los datos: {who}")
    return 0


def cmd_invite(args: argparse.Namespace) -> int:
    from bot.invites import Request, invite_from_cli

    settings = _settings()
    try:
        lines = asyncio.run(invite_from_cli(settings, args.secretariat, Request(args.role, args.uses, args.days)))
    except ValueError as exc:
        print(exc, file=sys.stderr)
        return 1
    for line in lines:
        print(line)
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from bot.export.cli import run_export

    settings = _settings()
    return run_export(settings, _content(None), args.secretariat, args.format, args.output)


def cmd_chat(args: argparse.Namespace) -> int:
    from bot.chat import run_chat

    return run_chat(_settings(), key=args.as_id, name=args.name, now=args.now)


def cmd_actions(args: argparse.Namespace) -> int:
    from bot.rasa.server import run_actions

    return run_actions(_settings(), port=args.port, host=args.host)


def cmd_run(args: argparse.Namespace) -> int:
    from bot.telegram.runner import run_bot

    return run_bot(_settings())


def cmd_reminders_tick(args: argparse.Namespace) -> int:
    from bot.scheduler.cli import run_tick

    return run_tick(_settings(), args.now)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="cocrea", description="Cocrea: gobierno abierto paso a paso.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMANDO")

    chat = commands.add_parser("chat", help="conversar en la terminal")
    chat.add_argument("--as", dest="as_id", default="cli:local",
                      help="identidad de quien escribe (p. ej. cli:ana; tg:123 es alguien de Telegram)")
    chat.add_argument("--name", default=None, help="nombre de la persona")
    chat.add_argument("--now", default=None, metavar="FECHA_HORA",
                      help="reloj fijo para transcripciones de prueba, p. ej. 2026-12-01T10:00")
    chat.set_defaults(func=cmd_chat)

    commands.add_parser("run", help="el bot de Telegram (webhook si COCREA_WEBHOOK_URL está definida)"
                        ).set_defaults(func=cmd_run)

    actions = commands.add_parser("actions", help="el servidor de acciones para un asistente Rasa")
    actions.add_argument("--port", type=int, default=5055, help="puerto (5055 por omisión)")
    actions.add_argument("--host", default="127.0.0.1",
                         help="dirección donde escucha (127.0.0.1 por omisión; 0.0.0.0 solo dentro de la red "
                              "interna de docker compose, sin publicar el puerto)")
    actions.set_defaults(func=cmd_actions)

    content = commands.add_parser("content", help="revisar el contenido").add_subparsers(
        dest="content_command", required=True, metavar="SUBCOMANDO")
    check_cmd = content.add_parser("check", help="revisa los archivos de contenido")
    check_cmd.add_argument("dir", nargs="?", default=None)
    check_cmd.set_defaults(func=cmd_content_check)
    graph = content.add_parser("graph", help="diagrama Mermaid de un kit")
    graph.add_argument("kit")
    graph.add_argument("--dir", default=None)
    graph.set_defaults(func=cmd_content_graph)
    preview = content.add_parser("preview", help="prueba un kit en la terminal, sin base de datos")
    preview.add_argument("kit")
    preview.add_argument("--dir", default=None)
    preview.add_argument("--mesa", action="store_true", help="con el lenguaje de una mesa técnica")
    preview.set_defaults(func=cmd_content_preview)
    versions = content.add_parser("versions", help="las versiones de cada kit que el bot ha cargado")
    versions.set_defaults(func=cmd_content_versions)
    stats = content.add_parser("stats", help="pasos, preguntas, ramas y minutos por kit")
    stats.add_argument("--dir", default=None)
    stats.set_defaults(func=cmd_content_stats)
    schema = content.add_parser("schema", help="escribe el JSON Schema del formato (para los editores)")
    schema.add_argument("--dir", default=None)
    schema.set_defaults(func=cmd_content_schema)

    secretariat = commands.add_parser("secretariat", help="secretariados").add_subparsers(
        dest="secretariat_command", required=True, metavar="SUBCOMANDO")
    add = secretariat.add_parser("add", help="crea un secretariado e imprime su id")
    add.add_argument("name", metavar="NOMBRE")
    add.add_argument("--kind", choices=("stl", "mesa"), default="stl", help="stl (predeterminado) o mesa")
    add.add_argument("--timezone", default=None, metavar="ZONA", help="p. ej. America/Mexico_City")
    controller_help = "quién responde por los datos personales, como lo dirá el aviso de privacidad"
    add.add_argument("--data-controller", default=None, metavar="RESPONSABLE",
                     help=f"{controller_help} (predeterminado: la coordinación del secretariado)")
    add.set_defaults(func=cmd_secretariat_add)
    change = secretariat.add_parser("set", help="cambia un ajuste de un secretariado")
    change.add_argument("secretariat", metavar="SECRETARIADO", help="id o nombre exacto del secretariado")
    change.add_argument("--data-controller", required=True, metavar="RESPONSABLE",
                        help=f"{controller_help}; vacío («») vuelve a la coordinación")
    change.set_defaults(func=cmd_secretariat_set)
    invite = commands.add_parser("invite", help="crea una invitación e imprime el código y el enlace")
    invite.add_argument("secretariat", metavar="SECRETARIADO", help="id o nombre exacto del secretariado")
    invite.add_argument("--role", choices=("member", "coordinator"), required=True)
    invite.add_argument("--uses", type=int, default=1, metavar="N", help="cuántas personas pueden usarla (1)")
    invite.add_argument("--days", type=int, default=7, metavar="N", help="días de vigencia (7)")
    invite.set_defaults(func=cmd_invite)

    export = commands.add_parser("export", help="exporta el plan de un secretariado (md, csv, xlsx, json, ogp)")
    export.add_argument("secretariat", metavar="SECRETARIADO", help="id o nombre exacto del secretariado")
    export.add_argument("--format", "-f", choices=("md", "csv", "xlsx", "json", "ogp"), required=True)
    export.add_argument("-o", "--output", default=None, metavar="ARCHIVO",
                        help="dónde escribirlo (sin -o: a la pantalla; xlsx: plan-<id>.xlsx; ogp: una carpeta "
                             "da un archivo por compromiso)")
    export.set_defaults(func=cmd_export)

    reminders = commands.add_parser("reminders", help="recordatorios y resúmenes").add_subparsers(
        dest="reminders_command", required=True, metavar="SUBCOMANDO")
    reminders_tick = reminders.add_parser("tick", help="una pasada: planea y envía lo que toca (para cron)")
    reminders_tick.add_argument("--now", default=None, metavar="FECHA_HORA",
                                help="mueve el reloj, p. ej. 2026-03-09T09:00 (hora de COCREA_TIMEZONE)")
    reminders_tick.set_defaults(func=cmd_reminders_tick)

    commands.add_parser("health", help="¿está bien el bot? (para el health check del contenedor)"
                        ).set_defaults(func=cmd_health)
    db = commands.add_parser("db", help="base de datos").add_subparsers(
        dest="db_command", required=True, metavar="SUBCOMANDO")
    db.add_parser("upgrade", help="aplica las migraciones").set_defaults(func=cmd_db_upgrade)
    copy = db.add_parser("copy", help="copia todo a otra base vacía (p. ej. de SQLite a PostgreSQL)")
    copy.add_argument("--to", required=True, metavar="URL", help="postgresql://USUARIO@SERVIDOR:PUERTO/BASE")
    copy.set_defaults(func=cmd_db_copy)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    from bot.logs import configure

    configure()  # plain lines, or JSON with COCREA_LOG_FORMAT=json
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `cocrea … | head`: the reader left; nothing to report
        sys.stderr.close()
        return 0


if __name__ == "__main__":
    raise SystemExit(main())
