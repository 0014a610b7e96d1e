"""The assessment pages, under the person: /people/<reference>/assessment/..."""

from assessments.views import readings, sections

app_name = "assessments"

urlpatterns = [*sections.urlpatterns, *readings.urlpatterns]
