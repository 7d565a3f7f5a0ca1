"""The portal's complaint pages: /complaints/…"""

from django.urls import path

from . import views

app_name = "complaints"
urlpatterns = [
    path("", views.home, name="home"),
    path("new/", views.new, name="new"),
    path("filed/", views.filed, name="filed"),
    path("track/", views.track, name="track"),
]
