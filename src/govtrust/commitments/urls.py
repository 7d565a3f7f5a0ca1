"""The public listing of commitments: /commitments/…"""

from django.urls import path

from . import views

app_name = "commitments"
urlpatterns = [path("", views.public_list, name="list")]
