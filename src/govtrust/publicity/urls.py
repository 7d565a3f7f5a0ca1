"""The public listing of licence and penalty decisions: /publicity/…"""

from django.urls import path

from . import views

app_name = "publicity"
urlpatterns = [
    path("", views.decision_list, name="list"),
    path("<int:pk>/", views.decision_detail, name="detail"),
]
