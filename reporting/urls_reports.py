"""Report runs, preview, publishing and the commissioners' archive (RPT-1, RPT-5).

A version's address is its quarter, its council (``whole-service`` for the whole service) and
its number: nothing about a person, and nothing guessable reveals an unpublished version to a
commissioner (404, as if it did not exist).
"""

from django.urls import path

from reporting import views_reports as views

_VERSION = "<str:quarter>/<str:scope>/v<int:number>/"

urlpatterns: list = [
    path("", views.archive, name="archive"),
    path("runs/", views.runs, name="runs"),
    path("runs/new/", views.run_new, name="run_new"),
    path("runs/<int:run_id>/", views.run, name="run"),
    path("runs/<int:run_id>/retry/", views.run_retry, name="run_retry"),
    path(_VERSION, views.version, name="version"),
    path(_VERSION + "publish/", views.version_publish, name="version_publish"),
    path(_VERSION + "pdf/", views.version_pdf, name="version_pdf"),
    path(_VERSION + "files/<str:name>", views.version_file, name="version_file"),
]
