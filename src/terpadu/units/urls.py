from django.urls import path
from django.views.generic import TemplateView

# Replaced by the units views (home, directory, unit page, standards).
urlpatterns = [
    path("", TemplateView.as_view(template_name="base.html"), name="home"),
    path("unit/", TemplateView.as_view(template_name="base.html"), name="unit-directory"),
]
