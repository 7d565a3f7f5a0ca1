"""URL map: the public portal at /, the staff console at /console/, the API at /api/v1/."""

from django.conf import settings
from django.conf.urls.static import static
from django.urls import include, path

from govtrust.api import api

urlpatterns = [
    path("api/v1/", api.urls),
    path("console/", include("govtrust.console.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("publicity/", include("govtrust.publicity.urls")),
    path("commitments/", include("govtrust.commitments.urls")),
    path("measures/", include("govtrust.sanctions.urls")),
    path("complaints/", include("govtrust.complaints.urls")),
    path("remedies/", include("govtrust.remedies.urls")),
    path("reports/", include("govtrust.reports.urls")),
    path("rankings/", include("govtrust.evaluation.urls")),
    path("", include("govtrust.portal.urls")),
]
if settings.DEBUG:
    urlpatterns += static(settings.STATIC_URL, document_root=settings.STATIC_ROOT)
