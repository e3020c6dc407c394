from django.urls import path

from esurat.dispositions import views

app_name = "dispositions"
urlpatterns = [
    path("", views.mine, name="mine"),
    path("letter/<uuid:code>/dispose/", views.dispose, name="dispose"),
    path("letter/<uuid:code>/tree/", views.tree, name="tree"),
    path("<uuid:code>/", views.detail, name="detail"),
    path("<uuid:code>/withdraw/", views.withdraw, name="withdraw"),
    path("<uuid:code>/approve/", views.approve, name="approve"),
    path("<uuid:code>/discard/", views.discard, name="discard"),
    path("<uuid:code>/reopen/", views.reopen, name="reopen"),
    path("<uuid:code>/report/", views.report, name="report"),
    path("<uuid:code>/sheet.pdf", views.sheet, name="sheet"),
    path("<uuid:code>/files/<uuid:file_code>/", views.follow_up_file, name="follow_up_file"),
]
