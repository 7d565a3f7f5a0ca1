"""The public monitoring reports: /reports/…"""

from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("", views.report_list, name="list"),
    path("<int:pk>.<str:fmt>", views.report_file, name="file"),
]
