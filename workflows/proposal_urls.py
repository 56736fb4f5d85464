from django.urls import path

from workflows import views

app_name = "proposals"

urlpatterns = [
    path("", views.proposals_index, name="index"),
    path("regles-de-vote/", views.vote_rules, name="vote_rules"),
    path("mes-taches/", views.tasks, name="tasks"),
    path("mes-taches/<int:task_id>/prendre/", views.task_claim, name="task_claim"),
    path("mes-taches/<int:task_id>/liberer/", views.task_release, name="task_release"),
    path("nouvelle/<slug:slug>/", views.proposal_create, name="create"),
    path("<int:proposal_id>/", views.proposal_detail, name="detail"),
    path("<int:proposal_id>/modifier/", views.proposal_edit, name="edit"),
    path("<int:proposal_id>/soumettre/", views.proposal_submit, name="submit"),
    path("<int:proposal_id>/retirer/", views.proposal_withdraw, name="withdraw"),
    path("<int:proposal_id>/examen/", views.proposal_review, name="review"),
    path("<int:proposal_id>/vote/", views.vote_open, name="vote_open"),
    path("<int:proposal_id>/documents/dossier/", views.proposal_folder, name="folder"),
    path("<int:proposal_id>/documents/joindre/", views.document_attach, name="document_attach"),
    path("<int:proposal_id>/documents/<int:document_id>/retirer/", views.document_detach, name="document_detach"),
    path("votes/<int:vote_id>/voter/", views.vote_cast, name="vote_cast"),
    path("votes/<int:vote_id>/clore/", views.vote_close, name="vote_close"),
]
