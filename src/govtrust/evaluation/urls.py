"""Portal: published evaluation results (/rankings/)."""

from django.urls import path

from . import views

app_name = "evaluation"
urlpatterns = [
    path("", views.rankings, name="rankings"),
    path("<int:pk>/", views.ranking, name="ranking"),
    path("<int:pk>/indicators/<str:code>/", views.indicator, name="indicator"),
    path("bodies/<int:pk>/", views.body, name="body"),
]
