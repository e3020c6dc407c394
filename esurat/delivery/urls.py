from django.urls import path

from esurat.delivery import views

app_name = "delivery"
urlpatterns = [
    path("book/", views.book, name="book"),
    path("<uuid:code>/", views.dispatch, name="dispatch"),
    path("<uuid:code>/printed/", views.printed, name="printed"),
    path("<uuid:code>/retry/", views.retry, name="retry"),
    path("<uuid:code>/on-paper/", views.on_paper, name="on_paper"),
    path("<uuid:code>/notice/", views.notice, name="notice"),
]
