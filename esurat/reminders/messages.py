"""The words of the digest and the reminders, in the government's language (build them under
translation.override(settings.LANGUAGE_CODE)). An R/SR letter's subject is never written: a
digest goes by e-mail, and a reminder's text may too."""

import datetime

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from esurat.lib.dates import day_date_id, long_date_id
from esurat.reminders.selectors import Digest, Item, Reminder


def section_titles() -> dict[str, str]:
    return {
        "unread": _("Unread letters"),
        "dispositions_due": _("Dispositions due today or overdue"),
        "drafts": _("Drafts waiting for your paraf or signature"),
        "to_dispose": _("Incoming letters not yet disposed"),
    }


def _subject(item: Item | Reminder) -> str:
    return _("(a classified letter)") if item.secret else item.subject


def _when(item: Item, today: datetime.date, zone) -> str:
    at = item.at
    if isinstance(at, datetime.datetime):
        at = at.astimezone(zone).date()
    if item.kind == "dispositions_due":
        return _("due today") if at == today else _("due %(date)s") % {"date": long_date_id(at)}
    return long_date_id(at) if at else ""


def digest_text(digest: Digest, *, today: datetime.date, zone, link) -> tuple[str, str]:
    """(title, body) of one official's digest; `link(path)` gives each item's one-tap link."""
    titles = section_titles()
    parts = [f"{titles[name]}: {s.count}" for name, s in digest.sections.items() if s.count]
    title = _("e-Surat, %(day)s: %(summary)s") % {"day": day_date_id(today),
                                                  "summary": "; ".join(parts)}  # fmt: skip
    lines = [
        _("Good morning. This is what waits for you in e-Surat today, %(day)s.")
        % {"day": day_date_id(today)}
    ]
    for name, section in digest.sections.items():
        if not section.count:
            continue
        lines += ["", f"{titles[name]}: {section.count}"]
        for item in section.items:
            lines.append(f"- {_subject(item)} ({_when(item, today, zone)})")
            lines.append(f"  {link(item.path)}")
        hidden = section.count - len(section.items)
        if hidden > 0:
            lines.append(ngettext("  and %(n)d more", "  and %(n)d more", hidden) % {"n": hidden})
    return title, "\n".join(lines)


def reminder_text(reminder: Reminder, *, about: str = "") -> tuple[str, str]:
    """(title, body) of one reminder or escalation; `about` names the position whose item an
    escalation is about."""
    subject = _subject(reminder)
    due = long_date_id(reminder.due_date) if reminder.due_date else ""
    texts = {
        "due_soon": (_("A disposition is due tomorrow"),
                     _("The disposition on “%(subject)s” is due %(due)s (the next working day). "
                       "Report its follow-up in e-Surat.")),
        "due_today": (_("A disposition is due today"),
                      _("The disposition on “%(subject)s” is due today, %(due)s. Report its "
                        "follow-up in e-Surat.")),
        "overdue": (_("A disposition is overdue"),
                    _("The disposition on “%(subject)s” was due %(due)s and has no follow-up "
                      "yet.")),
        "escalation": (_("A disposition of your subordinate is overdue"),
                       _("The disposition on “%(subject)s” to the %(about)s was due %(due)s and "
                         "has no follow-up yet.")),
        "draft_waiting": (_("A draft has waited too long for you"),
                          _("The draft “%(subject)s” has waited for your paraf or signature "
                            "for more than %(days)s working days.")),
        "draft_escalation": (_("A draft waits too long for your subordinate"),
                             _("The draft “%(subject)s” has waited for the paraf or signature "
                               "of the %(about)s for more than %(days)s working days.")),
    }  # fmt: skip
    title, body = texts[reminder.kind]
    values = {"subject": subject, "due": due, "about": about, "days": reminder.days}
    return title, body % values
