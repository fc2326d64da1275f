"""URLs. Pages are under i18n_patterns: English at /…, Welsh at /cy/…."""

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

urlpatterns = i18n_patterns(
    path("", include("coproduce.apps.core.urls")),
    path("accounts/", include("allauth.urls")),
    path("account/", include("coproduce.apps.accounts.urls")),
    path("", include("coproduce.apps.organisations.urls")),
    path("", include("coproduce.apps.audit.urls")),
    path("", include("coproduce.apps.engagements.urls")),
    path("", include("coproduce.apps.surveys.urls")),
    path("", include("coproduce.apps.surveys.urls_results")),
    path("", include("coproduce.apps.inclusion.urls")),
    path("", include("coproduce.apps.conversations.urls")),
    path("support-admin/", admin.site.urls),
    prefix_default_language=False,
)

handler403 = "coproduce.apps.core.views.permission_denied_view"
handler404 = "coproduce.apps.core.views.page_not_found_view"
handler500 = "coproduce.apps.core.views.server_error_view"

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
