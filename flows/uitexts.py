"""The keys ui.yaml must define: the assistant's own words, which admins may reword."""

from __future__ import annotations

REQUIRED: dict[str, tuple[str, ...]] = {
    "navigation": ("back", "skip", "help", "pause", "keep", "confirm", "fix", "more", "full_text"),
    "buttons": ("keep", "confirm", "fix", "go_on", "more", "first_screen", "full_text", "past_ok", "past_change",
                "reuse"),
    "texts": (
        "progress", "optional_hint", "previous_answer", "earlier_offer", "earlier_kit", "multi_choice_hint",
        "help",
        "example_line", "try_again", "cannot_skip", "first_step", "going_back", "paused",
        "resumed", "run_done", "unknown_command", "choose_fix", "summary_help", "content_error",
        "step_moved", "placeholder_text", "placeholder_long_text", "placeholder_number",
        "placeholder_integer", "placeholder_percentage", "placeholder_date", "placeholder_choice",
        "placeholder_multi_choice", "placeholder_email", "placeholder_url", "options_screen", "date_in_past",
        # Host lists, evidence files, refused records
        "placeholder_file", "list_empty_commitments", "list_empty_commitments_in_review",
        "list_empty_indicators_due", "list_empty_milestones_open", "file_kind_photo", "file_kind_document",
        "record_refused",
    ),
    "rejected": (
        "empty_text", "invisible_text", "one_line", "too_short", "too_long", "not_a_number", "not_an_integer",
        "below_min",
        "above_max", "not_a_date", "bad_month", "no_such_day", "date_before", "date_after",
        "not_yes_no", "not_an_option", "not_options", "too_few_choices", "too_many_choices",
        "not_an_email", "not_a_url", "stale_button", "unsupported_input", "not_a_file",
    ),
    # Words of the channels (terminal, Telegram, Rasa) around the flows.
    "bot": (
        "command_reportar", "command_firmar",
        "command_exportar", "command_grafica", "export_help", "export_unknown", "export_ready",
        "export_ready_many", "export_no_commitments", "export_failed", "chart_no_indicators", "chart_list_header",
        "chart_list_line", "chart_list_footer", "chart_not_a_number", "chart_not_found", "chart_no_reports",
        "chart_subtitle", "chart_caption",
        "command_resumen", "digest_unavailable", "digest_chart_caption",
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
        # The group's self-diagnosis (bot/commands/diagnostico_grupo.py)
        "command_diagnostico_grupo", "group_diagnosis_empty", "group_diagnosis_header", "group_diagnosis_line",
        "group_diagnosis_recommend", "group_diagnosis_kit", "group_diagnosis_strong", "group_diagnosis_private",
        "group_diagnosis_one", "group_diagnosis_pending",
        "invite_unknown", "invite_slow_down", "invite_expired", "invite_used_up", "invite_joined", "invite_promoted",
        "invite_already_member", "invite_next", "invite_bad_word", "invite_bad_numbers", "invite_created",
        "invite_created_code", "group_needs_private", "group_private_howto", "group_linked", "group_moved",
        "group_already", "my_data", "delete_confirm", "delete_done",
        # The plan (bot/commands/compromisos.py, indicadores.py, revision.py, aprobar.py, estado.py, avance_irm.py)
        "command_compromisos", "command_compromiso", "command_indicadores", "command_revision",
        "command_aprobar", "command_estado", "command_avance_irm", "plan_none", "plan_which",
        "plan_not_found", "plan_untitled", "plan_no_sector", "plan_no_reports", "plan_last_value",
        "plan_move_refused", "plan_list_header", "plan_list_line", "plan_list_footer", "card_title",
        "card_status", "card_progress", "card_problem", "card_objective", "card_ogp", "card_ods",
        "card_dates", "card_self_assessment", "card_lessons", "card_milestones", "card_milestone",
        "card_no_milestones", "card_indicators",
        "card_indicator", "card_no_indicators", "card_signoffs", "card_signoff", "card_dissent",
        "card_missing_header", "card_missing_line", "card_ready", "card_completeness",
        "card_quorum_missing", "card_quorum_met", "indicators_none",
        "indicators_header", "indicators_line", "indicators_next", "indicators_late", "indicators_all_done",
        "indicators_no_dates", "indicators_footer", "review_missing", "review_missing_end", "review_sent",
        "approve_missing", "approve_anyone", "approve_done", "status_usage", "status_unknown",
        "status_elsewhere", "status_changed", "completion_usage", "completion_unknown", "completion_not_yet",
        "completion_changed",
        # Glossary
        "glossary_entry", "glossary_see_also", "glossary_suggestions", "glossary_not_found", "glossary_intro",
        # Rasa
        "rasa_report_no_indicators", "rasa_report_unknown_indicator", "rasa_report_ambiguous",
        "rasa_report_not_yours", "rasa_report_done",
        # Administration: /recargar, /estadisticas, /difundir
        "admins_only", "reload_ok", "reload_unchanged", "reload_changed_flow", "reload_new_flow",
        "reload_gone_flow", "reload_failed", "reload_unavailable", "stats_header", "stats_line", "stats_total",
        "stats_none", "stats_empty", "broadcast_usage", "broadcast_usage_admin", "broadcast_no_secretariat",
        "broadcast_nobody", "broadcast_preview", "broadcast_confirm", "broadcast_nothing_pending",
        "broadcast_message", "broadcast_queued",
    ),
}
