from django.urls import path

from esurat.notifications import views

app_name = "notifications"
urlpatterns = [
    path("", views.notification_list, name="list"),
    path("read-all/", views.mark_all_read, name="read_all"),
    path("<uuid:code>/read/", views.mark_read, name="read"),
    path("<uuid:code>/open/", views.open_notification, name="go"),
    path("settings/", views.settings_page, name="settings"),
    path("settings/telegram/", views.telegram_code, name="telegram_code"),
    path("o/<str:token>/", views.open_link, name="open"),
]
