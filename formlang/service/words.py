"""The service's own words around the forms, in German and English (service stage)."""

from __future__ import annotations

from typing import Any

WORDS: dict[str, dict[str, str]] = {
    "de": {
        "service": "Formulare",
        "forms": "Formulare",
        "skip": "Zum Inhalt springen",
        "language": "Sprache",
        "authority": "Behörde",
        "version": "Version",
        "languages": "Sprachen",
        "print": "Zum Ausdrucken",
        "progress": "Fortschritt",
        "step": "Schritt {} von {}",
        "error_prefix": "Fehler: ",
        "back": "Zurück",
        "save": "Speichern und später fortsetzen",
        "continue": "Weiter ausfüllen",
        "check": "Prüfen Sie Ihre Angaben",
        "saved_title": "Ihre Angaben sind gespeichert",
        "saved_text": "Mit diesem Link können Sie bis {} weitermachen:",
        "saved_keep": "Bewahren Sie den Link sicher auf: Wer ihn kennt, kann Ihre Angaben sehen.",
        "received": "Ihr Antrag ist eingegangen",
        "number": "Ihre Vorgangsnummer:",
        "received_at": "Eingegangen am {}.",
        "pdf": "Ihre Angaben als PDF herunterladen",
        "all_forms": "Alle Formulare",
        "not_found": "Seite nicht gefunden",
        "not_found_text": "Diese Adresse gibt es nicht. Prüfen Sie sie, oder wählen Sie ein Formular aus der Übersicht.",
        "expired": "Der Link ist nicht mehr gültig",
        "expired_text": "Gespeicherte Angaben werden nach einer Weile gelöscht. Bitte beginnen Sie neu.",
        "csrf": "Die Sitzung ist abgelaufen",
        "csrf_text": "Laden Sie die Seite neu und senden Sie sie noch einmal.",
        "error": "Es ist ein Fehler aufgetreten",
        "error_text": "Bitte versuchen Sie es später noch einmal.",
    },
    "en": {
        "service": "Forms",
        "forms": "Forms",
        "skip": "Skip to main content",
        "language": "Language",
        "authority": "Authority",
        "version": "Version",
        "languages": "Languages",
        "print": "To print",
        "progress": "Progress",
        "step": "Step {} of {}",
        "error_prefix": "Error: ",
        "back": "Back",
        "save": "Save and continue later",
        "continue": "Continue",
        "check": "Check your answers",
        "saved_title": "Your answers have been saved",
        "saved_text": "With this link you can continue until {}:",
        "saved_keep": "Keep the link safe: anyone who has it can see your answers.",
        "received": "Your application has been received",
        "number": "Your reference number:",
        "received_at": "Received on {}.",
        "pdf": "Download your answers as PDF",
        "all_forms": "All forms",
        "not_found": "Page not found",
        "not_found_text": "This address does not exist. Check it, or choose a form from the list.",
        "expired": "The link is no longer valid",
        "expired_text": "Saved answers are deleted after a while. Please start again.",
        "csrf": "The session has expired",
        "csrf_text": "Reload the page and send it again.",
        "error": "Something went wrong",
        "error_text": "Please try again later.",
    },
}
LANGUAGE_NAMES = {"de": "Deutsch", "en": "English"}


def words(lang: str) -> dict[str, Any]:
    return WORDS.get(lang, WORDS["de"])
