from django.urls import path

from esurat.letters.views import document, incoming, letter, lists, register

app_name = "letters"
urlpatterns = [
    path("inbox/", lists.inbox, name="inbox"),
    path("outbox/", lists.outbox, name="outbox"),
    path("drafts/", lists.drafts, name="drafts"),
    path("action/", lists.needs_action, name="needs_action"),
    path("new/", letter.new, name="new"),
    path("classifications/", letter.classification_options, name="classification_options"),
    path("positions/", letter.position_options, name="position_options"),
    path("<uuid:code>/", letter.detail, name="detail"),
    path("<uuid:code>/edit/", letter.edit, name="edit"),
    path("<uuid:code>/submit/", letter.submit, name="submit"),
    path("<uuid:code>/review/", letter.review, name="review"),
    path("<uuid:code>/sign/", letter.sign, name="sign"),
    path("<uuid:code>/withdraw/", letter.withdraw, name="withdraw"),
    path("<uuid:code>/versions/", letter.versions, name="versions"),
    path("<uuid:code>/timeline/", letter.timeline, name="timeline"),
    path("<uuid:code>/receipts/", letter.receipts, name="receipts"),
    path("<uuid:code>/pdf/", document.preview, name="preview"),
    path("<uuid:code>/download/", document.download, name="download"),
    path("<uuid:code>/revoke/", document.revoke, name="revoke"),
    path("<uuid:code>/supersede/", document.supersede, name="supersede"),
    path("<uuid:code>/attachments/", letter.attachment_add, name="attachment_add"),
    path("attachments/<uuid:code>/", letter.attachment_download, name="attachment_download"),
    path("attachments/<uuid:code>/remove/", letter.attachment_remove, name="attachment_remove"),
    path("register/numbers/", register.numbers, name="numbers"),
    path("register/numbers/<uuid:code>/cancel/", register.cancel_number, name="cancel_number"),
    path("register/numbers/<uuid:code>/insert/", register.insert_number, name="insert_number"),
    path("register/agenda/", register.agenda, name="agenda"),
    # Incoming letters (surat masuk): registration by the clerk and routing.
    path("incoming/", incoming.index, name="incoming"),
    path("incoming/new/", incoming.register, name="incoming_register"),
    path("incoming/scans/", incoming.upload_scan, name="incoming_scan_upload"),
    path("incoming/scans/<uuid:code>/status/", incoming.scan_status, name="incoming_scan_status"),
    path("incoming/scans/<uuid:code>/file/", incoming.scan_file, name="incoming_scan_file"),
    path(
        "incoming/scans/<uuid:code>/discard/", incoming.discard_scan, name="incoming_scan_discard"
    ),  # fmt: skip
    path("incoming/duplicates/", incoming.duplicates, name="incoming_duplicates"),
    path("incoming/senders/", incoming.senders, name="incoming_senders"),
    path("incoming/<uuid:code>/", incoming.detail, name="incoming_detail"),
    path("incoming/<uuid:code>/scan/", incoming.scan, name="incoming_scan"),
    path("incoming/<uuid:code>/proposal/", incoming.proposal, name="incoming_proposal"),
    path("incoming/<uuid:code>/apply/", incoming.apply_proposal, name="incoming_apply"),
    path("incoming/<uuid:code>/send/", incoming.send, name="incoming_send"),
    path("incoming/<uuid:code>/file/", incoming.file, name="incoming_file"),
]
