from django.urls import path

from esurat.signing import views

app_name = "signing"
urlpatterns = [
    path("<uuid:code>/", views.verify, name="verify"),
]
