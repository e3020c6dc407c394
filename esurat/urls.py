from django.contrib import admin
from django.urls import include, path, re_path
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from esurat.api.api import api, not_found
from esurat.health import healthz
from esurat.letters.views import lists

urlpatterns = [
    path("", lists.home, name="home"),
    path("accounts/", include("esurat.accounts.urls")),
    path("letters/", include("esurat.letters.urls")),
    path("dispositions/", include("esurat.dispositions.urls")),
    path("verify/", include("esurat.signing.urls")),
    path("delivery/", include("esurat.delivery.urls")),
    path("search/", include("esurat.search.urls")),
    path("api/v1/", api.urls),
    # After the operations: any other /api/v1/ path (a code that is not a UUID) gets JSON 404.
    re_path(r"^api/v1/", not_found),
    # Django's language switch, POST only (a GET would let any link change the language).
    path("i18n/setlang/", require_POST(set_language), name="set_language"),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
]
