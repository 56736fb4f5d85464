from django.urls import path

from workflows import register_views

app_name = "workflows"

urlpatterns = [
    path("", register_views.register, name="register"),
    path("imprimer/", register_views.register_print, name="register_print"),
    path("registre.csv", register_views.register_csv, name="register_csv"),
    path("<str:number>/", register_views.decision_detail, name="decision"),
]
