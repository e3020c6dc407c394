from django.urls import path

from esurat.reports import views

app_name = "reports"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("evaluation.xlsx", views.dashboard_xlsx, name="dashboard_xlsx"),
    path("evaluation.pdf", views.dashboard_pdf, name="dashboard_pdf"),
    path("prices/", views.prices, name="prices"),
    path("books/", views.books, name="books"),
    path("books/export.<str:fmt>", views.book_export, name="book_export"),
]
