from django.urls import path

from workflows.archives import steps, views

app_name = "archives"

urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("proposer/", steps.offer_new, name="offer"),
    path("numerisation/", views.digitisation_queue, name="digitisation_queue"),
    path("numerisation/objets/<int:item_id>/", steps.digitisation_from_queue, name="digitisation_queue_item"),
    path("fonds/<int:fonds_id>/", views.fonds_detail, name="fonds"),
    path("fonds/<int:fonds_id>/imprimer/", views.fonds_print, name="fonds_print"),
    path("fonds/<int:fonds_id>/inventaire.csv", views.fonds_csv, name="fonds_csv"),
    path("fonds/<int:fonds_id>/tri/", steps.triage, name="triage"),
    path("fonds/<int:fonds_id>/objets/<int:item_id>/expertise/", steps.appraise, name="appraise"),
    path("fonds/<int:fonds_id>/avis/demande/", steps.ask_opinion, name="ask_opinion"),
    path("fonds/<int:fonds_id>/avis/", steps.give_opinion, name="give_opinion"),
    path("fonds/<int:fonds_id>/expertise/terminer/", steps.finish_appraisal, name="finish_appraisal"),
    path("fonds/<int:fonds_id>/convention/", steps.agreement, name="agreement"),
    path("fonds/<int:fonds_id>/convention.odt", views.agreement_document, name="agreement_document"),
    path("fonds/<int:fonds_id>/convention-signee/", steps.signed_agreement, name="signed_agreement"),
    path("fonds/<int:fonds_id>/entree/", steps.intake, name="intake"),
    path("fonds/<int:fonds_id>/retirer/", steps.withdraw, name="withdraw"),
    path("fonds/<int:fonds_id>/objets/<int:item_id>/numerisation/", steps.digitisation, name="digitisation"),
]
