from django.urls import path

from esurat.signing import views

app_name = "signing"
urlpatterns = [
    path("root-ca/", views.root_ca, name="root_ca"),
    path("root-ca.pem", views.root_ca_pem, name="root_ca_pem"),
    path("root-ca.cer", views.root_ca_cer, name="root_ca_cer"),
    path("<uuid:code>/", views.verify, name="verify"),
]
