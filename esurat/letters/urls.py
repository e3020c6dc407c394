from django.urls import path

from esurat.letters.views import letter, lists, register

app_name = "letters"
urlpatterns = [
    path("inbox/", lists.inbox, name="inbox"),
    path("outbox/", lists.outbox, name="outbox"),
    path("drafts/", lists.drafts, name="drafts"),
    path("action/", lists.needs_action, name="needs_action"),
    path("new/", letter.new, name="new"),
    path("<uuid:code>/", letter.detail, name="detail"),
    path("<uuid:code>/edit/", letter.edit, name="edit"),
    path("<uuid:code>/submit/", letter.submit, name="submit"),
    path("<uuid:code>/review/", letter.review, name="review"),
    path("<uuid:code>/sign/", letter.sign, name="sign"),
    path("<uuid:code>/withdraw/", letter.withdraw, name="withdraw"),
    path("<uuid:code>/versions/", letter.versions, name="versions"),
    path("<uuid:code>/timeline/", letter.timeline, name="timeline"),
    path("<uuid:code>/receipts/", letter.receipts, name="receipts"),
    path("<uuid:code>/attachments/", letter.attachment_add, name="attachment_add"),
    path("attachments/<uuid:code>/", letter.attachment_download, name="attachment_download"),
    path("attachments/<uuid:code>/remove/", letter.attachment_remove, name="attachment_remove"),
    path("register/numbers/", register.numbers, name="numbers"),
    path("register/numbers/<uuid:code>/cancel/", register.cancel_number, name="cancel_number"),
    path("register/numbers/<uuid:code>/insert/", register.insert_number, name="insert_number"),
    path("register/agenda/", register.agenda, name="agenda"),
]
