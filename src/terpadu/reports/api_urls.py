from django.urls import path

from terpadu.reports.api import UnitReportView

urlpatterns = [path("units/<str:code>/reports/", UnitReportView.as_view(), name="api-unit-report")]
