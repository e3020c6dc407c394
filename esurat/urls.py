from django.contrib import admin
from django.urls import include, path
from django.views.generic.base import RedirectView

from esurat.api.api import api

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="letters:inbox", permanent=False), name="home"),
    path("accounts/", include("esurat.accounts.urls")),
    path("letters/", include("esurat.letters.urls")),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
