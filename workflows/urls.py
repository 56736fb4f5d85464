from django.urls import path

from workflows import views

app_name = "workflows"

urlpatterns = [
    path("", views.register, name="register"),
    path("imprimer/", views.register_print, name="register_print"),
    path("registre.csv", views.register_csv, name="register_csv"),
    path("<str:number>/", views.decision_detail, name="decision"),
]
