"""Who may call each URL: the declarative access policy.

Every named URL of the project has one entry here; esurat/tests/test_policy.py fails when a URL has
none, and generates the refusal checks from it (anonymous users, outsiders, wrong methods). The fine
rules for one letter live in esurat/letters/access.py; an entry names which of its actions a URL needs.
"""

from dataclasses import dataclass

from esurat.letters.access import Action


@dataclass(frozen=True)
class Rule:
    who: str  # "public", "login", "letter", "attachment", "clerk", "staff"
    methods: tuple[str, ...] = ("GET",)
    action: Action | None = None


PUBLIC = Rule("public", ("GET", "POST"))
LOGIN_GET = Rule("login")
LOGIN_FORM = Rule("login", ("GET", "POST"))
CLERK_GET = Rule("clerk")
CLERK_FORM = Rule("clerk", ("GET", "POST"))


def letter(action: Action, *methods: str) -> Rule:
    return Rule("letter", methods or ("GET",), action)


def attachment(action: Action, *methods: str) -> Rule:
    return Rule("attachment", methods or ("GET",), action)


POLICY: dict[str, Rule] = {
    "home": LOGIN_GET,
    "set_language": Rule("public", ("POST",)),
    "accounts:login": PUBLIC,
    "accounts:logout": Rule("login", ("POST",)),
    "accounts:password_change": LOGIN_FORM,
    "letters:inbox": LOGIN_GET,
    "letters:outbox": LOGIN_GET,
    "letters:drafts": LOGIN_GET,
    "letters:needs_action": LOGIN_GET,
    "letters:new": LOGIN_FORM,
    "letters:detail": letter(Action.VIEW),
    "letters:edit": letter(Action.EDIT, "GET", "POST"),
    "letters:submit": letter(Action.SUBMIT, "POST"),
    "letters:review": letter(Action.REVIEW, "GET", "POST"),
    "letters:sign": letter(Action.SIGN, "GET", "POST"),
    "letters:withdraw": letter(Action.WITHDRAW, "POST"),
    "letters:versions": letter(Action.VIEW),
    "letters:timeline": letter(Action.VIEW),
    "letters:receipts": letter(Action.VIEW_RECEIPTS),
    "letters:attachment_add": letter(Action.EDIT, "POST"),
    "letters:attachment_download": attachment(Action.VIEW),
    "letters:attachment_remove": attachment(Action.EDIT, "POST"),
    "letters:numbers": CLERK_GET,
    "letters:cancel_number": CLERK_FORM,
    "letters:insert_number": CLERK_FORM,
    "letters:agenda": CLERK_GET,
}

# Django's admin site guards itself (is_staff + model permissions); its URLs are not listed.
SELF_GUARDED_NAMESPACES = ("admin",)
