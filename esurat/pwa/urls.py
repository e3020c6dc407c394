from django.urls import path

from esurat.pwa import views

# Included at the root: the service worker's scope is the folder it is served from.
app_name = "pwa"
urlpatterns = [
    path("sw.js", views.service_worker, name="service_worker"),
    path("manifest.webmanifest", views.manifest, name="manifest"),
    path("pwa/offline/", views.offline, name="offline"),
    path("pwa/push/", views.push, name="push"),
    path("pwa/push/subscribe/", views.subscribe, name="subscribe"),
    path("pwa/push/unsubscribe/", views.unsubscribe, name="unsubscribe"),
    path("pwa/queued/dispose/<uuid:code>/", views.queued_dispose, name="queued_dispose"),
    path("pwa/queued/review/<uuid:code>/", views.queued_review, name="queued_review"),
]
