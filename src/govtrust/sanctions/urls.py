"""The public measures list: /measures/…"""

from django.urls import path

from . import views

app_name = "sanctions"
urlpatterns = [path("", views.measure_list, name="list")]
