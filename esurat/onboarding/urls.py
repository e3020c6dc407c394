from django.urls import path

from esurat.onboarding import views

app_name = "onboarding"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("agency/<uuid:code>/", views.agency, name="agency"),
    path("import/", views.imports, name="imports"),
    path("import/<uuid:code>/", views.import_detail, name="import_detail"),
    path("import/<uuid:code>/progress/", views.import_progress, name="import_progress"),
    path("import/<uuid:code>/run/", views.import_run, name="import_run"),
    path("template.xlsx", views.template_download, name="template"),
    path("export.xlsx", views.export, name="export"),
    path("invitation/<uidb64>/<token>/", views.invitation, name="invitation"),
]
