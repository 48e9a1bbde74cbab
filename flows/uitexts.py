"""The keys ui.yaml must define: the assistant's own words, which admins may reword."""

from __future__ import annotations

REQUIRED: dict[str, tuple[str, ...]] = {
    "navigation": ("back", "skip", "help", "pause", "keep", "confirm", "fix"),
    "buttons": ("keep", "confirm", "fix", "go_on"),
    "texts": (
        "progress", "optional_hint", "previous_answer", "multi_choice_hint", "help",
        "example_line", "try_again", "cannot_skip", "first_step", "going_back", "paused",
        "resumed", "run_done", "unknown_command", "choose_fix", "summary_help", "content_error",
        "step_moved", "placeholder_text", "placeholder_long_text", "placeholder_number",
        "placeholder_integer", "placeholder_percentage", "placeholder_date", "placeholder_choice",
        "placeholder_multi_choice", "placeholder_email", "placeholder_url",
        # Host lists, evidence files, refused records
        "placeholder_file", "list_empty_commitments", "list_empty_commitments_in_review",
        "list_empty_indicators_due", "list_empty_milestones_open", "file_kind_photo", "file_kind_document",
        "record_refused",
    ),
    "rejected": (
        "empty_text", "too_short", "too_long", "not_a_number", "not_an_integer", "below_min",
        "above_max", "not_a_date", "bad_month", "no_such_day", "date_before", "date_after",
        "not_yes_no", "not_an_option", "not_options", "too_few_choices", "too_many_choices",
        "not_an_email", "not_a_url", "stale_button", "unsupported_input", "not_a_file",
    ),
    # Words of the channels (terminal, Telegram, Rasa) around the flows.
    "bot": (
        "welcome_back", "no_run", "kit_menu", "resuming_kit", "help", "unknown_command",
        "progress_header", "progress_line", "progress_none", "status_active", "status_paused",
        "status_done", "sorry", "db_unavailable", "consent_needed", "next_kit", "needs_secretariat",
        "coordinators_only",
        # Telegram
        "button_unknown", "admin_error", "kind_photo", "kind_document", "kind_sticker", "kind_voice",
        "kind_video", "kind_other", "command_kits", "command_continuar", "command_progreso", "command_ayuda",
        "command_glosario", "command_autodiagnostico",
        # Invites, groups, personal data (bot/invites.py, bot/commands/)
        "command_mis_datos", "command_borrar_mis_datos", "command_invitar", "command_grupo",
        "invite_unknown", "invite_expired", "invite_used_up", "invite_joined", "invite_promoted",
        "invite_already_member", "invite_next", "invite_bad_word", "invite_bad_numbers", "invite_created",
        "invite_created_code", "group_needs_private", "group_private_howto", "group_linked", "group_moved",
        "group_already", "my_data", "delete_confirm", "delete_done",
        # Glossary
        "glossary_entry", "glossary_see_also", "glossary_suggestions", "glossary_not_found", "glossary_intro",
    ),
}
