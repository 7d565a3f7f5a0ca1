"""The public portal's objection and credit-repair pages: /remedies/…"""

from django.urls import path

from . import views

app_name = "remedies"
urlpatterns = [
    path("", views.home, name="home"),
    path("objections/new/", views.objection_new, name="objection_new"),
    path("repairs/new/", views.repair_new, name="repair_new"),
    path("filed/", views.filed, name="filed"),
    path("track/", views.track, name="track"),
]
