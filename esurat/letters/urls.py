from django.urls import path

from esurat.letters import views

app_name = "letters"
urlpatterns = [
    path("inbox/", views.inbox, name="inbox"),
]
