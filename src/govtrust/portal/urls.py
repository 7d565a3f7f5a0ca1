"""The public portal: /"""

from django.urls import path

from . import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
    path("organizations/<int:pk>/", views.organization, name="organization"),
    path("integrity/", views.integrity, name="integrity"),
]
