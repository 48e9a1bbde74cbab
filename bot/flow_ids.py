"""The flows the conversation starts by itself, by their id in the content.

A module of their own, so what the conversation hands work to (bot/invites.py) can name them
without importing the conversation back.
"""

START_FLOW = "inicio"  # onboarding: the privacy notice, then name and sector; an invite waits in it
MENU_FLOW = "menu"
SELF_DIAGNOSIS_FLOW = "autodiagnostico"
