from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from terpadu.core.views import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/v1/", include("terpadu.config.api_urls")),
    path("", include("terpadu.notify.urls")),
    path("", include("terpadu.accounts.urls")),
    path("", include("terpadu.frontdesk.urls")),
    path("", include("terpadu.consultation.meetings.urls")),
    path("", include("terpadu.consultation.urls")),
    path("", include("terpadu.consultation.channels.urls")),
    path("", include("terpadu.library.urls")),
    path("", include("terpadu.feedback.urls")),
    path("", include("terpadu.reports.urls")),
    path("", include("terpadu.units.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
