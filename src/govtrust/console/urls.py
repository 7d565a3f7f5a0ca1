"""The staff console: /console/…"""

from django.urls import path

from govtrust.publicity import console as publicity_console

from .views import (
    apikeys,
    audit,
    batches,
    calendar,
    catalog,
    civil_servants,
    home,
    imports,
    jobs,
    organizations,
    records,
    regions,
)
from .views.auth import LoginView, LogoutView

app_name = "console"
urlpatterns = [
    path("", home.home, name="home"),
    path("login/", LoginView.as_view(), name="login"),
    path("logout/", LogoutView.as_view(), name="logout"),
    path("regions/", regions.region_list, name="regions"),
    path("organizations/", organizations.organization_list, name="organizations"),
    path("organizations/new/", organizations.organization_create, name="organization_create"),
    path("organizations/<int:pk>/", organizations.organization_detail, name="organization"),
    path("organizations/<int:pk>/edit/", organizations.organization_edit, name="organization_edit"),
    path("civil-servants/", civil_servants.civil_servant_list, name="civil_servants"),
    path("civil-servants/lookup/", civil_servants.civil_servant_lookup, name="civil_servant_lookup"),
    path("civil-servants/new/", civil_servants.civil_servant_create, name="civil_servant_create"),
    path("civil-servants/<int:pk>/", civil_servants.civil_servant_detail, name="civil_servant"),
    path("civil-servants/<int:pk>/edit/", civil_servants.civil_servant_edit, name="civil_servant_edit"),
    path("civil-servants/<int:pk>/reveal/", civil_servants.civil_servant_reveal, name="civil_servant_reveal"),
    path("records/", records.record_list, name="records"),
    path("records/<int:pk>/", records.record_detail, name="record"),
    path("records/<int:pk>/correct/", records.record_correct, name="record_correct"),
    path("records/<int:pk>/status/", records.record_change, name="record_change"),
    path("subjects/<str:subject_key>/as-of/", records.subject_as_of, name="subject_as_of"),
    path("catalog/", catalog.category_list, name="catalog"),
    path("catalog/new/", catalog.category_create, name="category_create"),
    path("catalog/regimes/", catalog.regime_list, name="regimes"),
    path("catalog/<int:pk>/", catalog.category_detail, name="category"),
    path("catalog/<int:pk>/edit/", catalog.category_edit, name="category_edit"),
    path("audit/", audit.audit_list, name="audit"),
    path("audit/verify/", audit.audit_verify, name="audit_verify"),
    path("calendar/", calendar.calendar_list, name="calendar"),
    path("calendar/edit/", calendar.calendar_edit, name="calendar_edit"),
    path("calendar/calculate/", calendar.calendar_calculate, name="calendar_calculate"),
    path("calendar/<int:year>/", calendar.calendar_year, name="calendar_year"),
    path("publicity/", publicity_console.dashboard, name="publicity"),
    path("imports/", imports.import_upload, name="imports"),
    path("imports/templates/<slug:dataset>.<str:fmt>", imports.import_template, name="import_template"),
    path("imports/rejects/<slug:token>.<str:fmt>", imports.import_rejects, name="import_rejects"),
    path("imports/batches/", batches.batch_list, name="batches"),
    path("imports/batches/<int:pk>/", batches.batch_detail, name="batch"),
    path("jobs/", jobs.job_list, name="jobs"),
    path("jobs/<int:pk>/", jobs.job_detail, name="job"),
    path("jobs/<int:pk>/rejects.<str:fmt>", jobs.job_rejects, name="job_rejects"),
    path("api-keys/", apikeys.api_key_list, name="api_keys"),
    path("api-keys/<int:pk>/revoke/", apikeys.api_key_revoke, name="api_key_revoke"),
]
