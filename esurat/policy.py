"""Who may call each URL: the declarative access policy.

Every named URL of the project has one entry here; esurat/tests/test_policy.py fails when a URL has
none, and generates the refusal checks from it (anonymous users, outsiders, wrong methods). The fine
rules for one letter live in esurat/letters/access.py; an entry names which of its actions a URL needs.
"""

from dataclasses import dataclass

from esurat.letters.access import Action


@dataclass(frozen=True)
class Rule:
    who: str  # "public", "login", "letter", "attachment", "disposition", "clerk", "staff"
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


def disposition(*methods: str) -> Rule:
    """A URL about one disposition (its <uuid:code>): esurat/dispositions/access.py decides."""
    return Rule("disposition", methods or ("GET",))


POLICY: dict[str, Rule] = {
    "home": LOGIN_GET,
    "set_language": Rule("public", ("POST",)),
    "healthz": Rule("public", ("GET",)),  # monitoring: reveals no letter or person
    "accounts:login": PUBLIC,
    "accounts:logout": Rule("login", ("POST",)),
    "accounts:password_change": LOGIN_FORM,
    "letters:inbox": LOGIN_GET,
    "search:results": LOGIN_GET,  # lists only what the user may read (search.backends)
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
    "letters:classification_options": LOGIN_GET,
    "letters:position_options": LOGIN_GET,
    "signing:verify": PUBLIC,
    # The government's root certificate, to trust its signatures in a PDF reader: public.
    "signing:root_ca": Rule("public", ("GET",)),
    "signing:root_ca_pem": Rule("public", ("GET",)),
    "signing:root_ca_cer": Rule("public", ("GET",)),
    # Dispositions: letter-level URLs need the letter to be visible; the dispose and giver/recipient
    # rules live in esurat/dispositions/access.py.
    "dispositions:mine": LOGIN_GET,
    "dispositions:dispose": letter(Action.VIEW, "GET", "POST"),
    "dispositions:tree": letter(Action.VIEW),
    "dispositions:detail": disposition(),
    "dispositions:withdraw": disposition("POST"),
    "dispositions:approve": disposition("POST"),
    "dispositions:discard": disposition("POST"),
    "dispositions:reopen": disposition("POST"),
    "dispositions:report": disposition("GET", "POST"),
    "dispositions:sheet": disposition(),
    "dispositions:follow_up_file": disposition(),
    "api:disposition_list": LOGIN_GET,
    "api:disposition_counters": LOGIN_GET,
    "api:disposition_options": letter(Action.VIEW),
    "api:disposition_dispose": letter(Action.VIEW, "POST"),
    "api:disposition_tree": letter(Action.VIEW),
    "api:disposition_detail": disposition(),
    "api:disposition_read": disposition("POST"),
    "api:disposition_withdraw": disposition("POST"),
    "api:disposition_approve": disposition("POST"),
    "api:disposition_discard": disposition("POST"),
    "api:disposition_reopen": disposition("POST"),
    "api:disposition_follow_up": disposition("POST"),
    "api:disposition_follow_up_file": disposition(),
    # The REST API (esurat/api/): a session or a personal token; anonymous callers get 401.
    "api:api-root": Rule("public"),
    "api:openapi-json": Rule("public"),
    "api:token_issue": Rule("public", ("POST",)),
    "api:token_revoke": Rule("login", ("DELETE",)),
    "api:me": LOGIN_GET,
    "api:position_search": LOGIN_GET,
    "api:agency_list": LOGIN_GET,
    "api:letter_kind_list": LOGIN_GET,
    "api:classification_search": LOGIN_GET,
    "api:external_party_search": LOGIN_GET,
    "api:letter_inbox": LOGIN_GET,
    "api:search": LOGIN_GET,
    "api:letter_outbox": LOGIN_GET,
    "api:letter_drafts": LOGIN_GET,
    "api:letter_needs_action": LOGIN_GET,
    "api:letter_create": Rule("login", ("POST",)),
    "api:letter_detail": letter(Action.VIEW),
    "api:letter_update": letter(Action.EDIT, "PATCH"),
    "api:letter_attachment_add": letter(Action.EDIT, "POST"),
    "api:attachment_download": attachment(Action.VIEW),
    "api:attachment_remove": attachment(Action.EDIT, "DELETE"),
    "api:letter_submit": letter(Action.SUBMIT, "POST"),
    "api:letter_review": letter(Action.REVIEW, "POST"),
    "api:letter_sign": letter(Action.SIGN, "POST"),
    "api:letter_return": letter(Action.SIGN, "POST"),
    "api:letter_withdraw": letter(Action.WITHDRAW, "POST"),
    "api:letter_versions": letter(Action.VIEW),
    "api:letter_timeline": letter(Action.VIEW),
    "api:letter_receipts": letter(Action.VIEW_RECEIPTS),
    # Incoming letters over the API (esurat/api/incoming.py): the clerk's registry, then the letter.
    "api:incoming_register": Rule("clerk", ("POST",)),
    "api:incoming_list": CLERK_GET,
    "api:incoming_detail": letter(Action.VIEW),
    "api:incoming_proposal": letter(Action.CORRECT),
    "api:incoming_send": letter(Action.ROUTE, "POST"),
    "api:incoming_correct": letter(Action.CORRECT, "PATCH"),
    "api:incoming_scan_upload": Rule("clerk", ("POST",)),
    "api:incoming_scan_detail": CLERK_GET,
    "api:incoming_scan_discard": Rule("clerk", ("DELETE",)),
    "api:incoming_file": letter(Action.ROUTE, "POST"),
    # The letter as a document over the API (esurat/api/documents.py), over the same functions as
    # the screens: revoke / correction check the seat in esurat/signing/actions.py, deliveries are
    # shown as on the letter page (esurat/delivery/access.py), the dispatch book to its clerks.
    "api:letter_pdf": letter(Action.VIEW),
    "api:letter_revoke": letter(Action.VIEW, "POST"),
    "api:letter_correction": letter(Action.VIEW, "POST"),
    "api:letter_deliveries": letter(Action.VIEW),
    "api:letter_verification": Rule("public"),
    "api:dispatch_book": CLERK_GET,
    "api:dispatch_detail": CLERK_GET,
    # The registry clerk's books, read-only (esurat/api/registers.py), as the screens allow.
    "api:number_register": CLERK_GET,
    "api:agenda_book": CLERK_GET,
    "api:dispatch_printed": Rule("clerk", ("POST",)),
    "api:dispatch_record": Rule("clerk", ("POST",)),
    "api:dispatch_retry": Rule("clerk", ("POST",)),
    "api:dispatch_on_paper": Rule("clerk", ("POST",)),
    "api:dispatch_notice": CLERK_GET,
    # Incoming letters (esurat/letters/views/incoming.py).
    "letters:incoming": CLERK_GET,
    "letters:incoming_register": CLERK_FORM,
    "letters:incoming_scan_upload": Rule("clerk", ("POST",)),
    "letters:incoming_scan_status": CLERK_GET,
    "letters:incoming_scan_file": CLERK_GET,
    "letters:incoming_scan_discard": Rule("clerk", ("POST",)),
    "letters:incoming_duplicates": CLERK_GET,
    "letters:incoming_senders": CLERK_GET,
    "letters:incoming_detail": letter(Action.VIEW),
    "letters:incoming_scan": letter(Action.VIEW),
    "letters:incoming_proposal": letter(Action.CORRECT),
    "letters:incoming_apply": letter(Action.CORRECT, "POST"),
    "letters:incoming_send": letter(Action.ROUTE, "POST"),
    "letters:incoming_file": letter(Action.ROUTE, "POST"),
    # The letter as a document (esurat/letters/views/document.py): its PDF, and its correction;
    # revoke and supersede check the signatory's / drafter's seat in esurat/signing/actions.py.
    "letters:preview": letter(Action.VIEW),
    "letters:download": letter(Action.VIEW),
    "letters:revoke": letter(Action.VIEW, "GET", "POST"),
    "letters:supersede": letter(Action.VIEW, "POST"),
    # The dispatch book (esurat/delivery/): the sending agency's clerks only.
    "delivery:book": CLERK_GET,
    "delivery:dispatch": Rule("clerk", ("GET", "POST")),
    "delivery:printed": Rule("clerk", ("POST",)),
    "delivery:retry": Rule("clerk", ("POST",)),
    "delivery:on_paper": Rule("clerk", ("POST",)),
    "delivery:notice": CLERK_GET,  # the printed notice of revocation (esurat/delivery/notice.py)
}

# Django's admin site guards itself (is_staff + model permissions); its URLs are not listed.
SELF_GUARDED_NAMESPACES = ("admin",)
