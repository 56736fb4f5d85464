from django.contrib import admin
from django.urls import include, path

from documents import api_urls as documents_api
from forums import api_urls as forums_api
from intranet.api.urls import api_urlpatterns
from intranet.views import accounts, health, home, members, search, staff, tokens
from workflows import api_urls as workflows_api
from workflows.archives import api_urls as archives_api
from workflows.meetings import api_urls as meetings_api

# The 500 and 400 pages render without the database (404 and 403 are Django's, with our
# templates); settings.CSRF_FAILURE_VIEW is the page of a form refused by the CSRF check.
handler400 = "intranet.views.errors.bad_request"
handler500 = "intranet.views.errors.server_error"

urlpatterns = [
    path("", home.home, name="home"),
    path("accueil/en-attente/", home.home_waiting, name="home_waiting"),
    path("accueil/nouvelles/", home.home_news, name="home_news"),
    path("sante/", health.health_page, name="health"),
    path("colleges/<slug:slug>/", members.college_detail, name="college_detail"),
    path("annuaire/", members.directory, name="directory"),
    path("recherche/", search.search_page, name="search"),
    path("annuaire/<int:member_id>/", members.member_detail, name="member_detail"),
    path("profil/", members.edit_profile, name="edit_profile"),
    path("profil/jetons-api/", tokens.api_tokens, name="api_tokens"),
    path("profil/jetons-api/<int:token_id>/revoquer/", tokens.api_token_revoke, name="api_token_revoke"),
    # Accounts
    path("compte/connexion/", accounts.LoginView.as_view(), name="login"),
    path("compte/deconnexion/", accounts.auth_views.LogoutView.as_view(), name="logout"),
    path("compte/mot-de-passe/", accounts.password_change, name="password_change"),
    path("compte/mot-de-passe/modifie/", accounts.password_change_done, name="password_change_done"),
    path("compte/mot-de-passe-oublie/", accounts.password_reset, name="password_reset"),
    path("compte/mot-de-passe-oublie/envoye/", accounts.password_reset_done, name="password_reset_done"),
    path("compte/reinitialiser/<uidb64>/<token>/", accounts.password_reset_confirm, name="password_reset_confirm"),
    path("compte/reinitialiser/termine/", accounts.password_reset_complete, name="password_reset_complete"),
    path("invitation/<str:token>/", accounts.accept_invitation, name="accept_invitation"),
    path("langue/", accounts.switch_language, name="switch_language"),
    # Staff
    path("equipe/", staff.dashboard, name="staff_dashboard"),
    path("equipe/colleges/nouveau/", staff.college_create, name="staff_college_create"),
    path("equipe/colleges/<slug:slug>/", staff.college_manage, name="staff_college"),
    path("equipe/colleges/<slug:slug>/membres/", staff.college_add_member, name="staff_college_add_member"),
    path(
        "equipe/colleges/<slug:slug>/membres/<int:membership_id>/role/",
        staff.college_change_role,
        name="staff_college_change_role",
    ),
    path(
        "equipe/colleges/<slug:slug>/membres/<int:membership_id>/retirer/",
        staff.college_remove_member,
        name="staff_college_remove_member",
    ),
    path("equipe/ca/", staff.board, name="staff_board"),
    path("equipe/ca/<int:user_id>/retirer/", staff.board_remove, name="staff_board_remove"),
    path("equipe/membres/", staff.members, name="staff_members"),
    path("equipe/membres/<int:user_id>/compte/", staff.member_account, name="staff_member_account"),
    path("equipe/invitations/", staff.invitations, name="staff_invitations"),
    path("equipe/invitations/<int:invitation_id>/", staff.invitation_update, name="staff_invitation_update"),
    path("equipe/journal/", staff.audit_log, name="staff_audit_log"),
    path("notifications/", include("intranet.notifications.urls")),
    path("forums/", include("forums.urls")),
    path("documents/", include("documents.urls")),
    path("deliberations/seances/", include("workflows.meetings.urls")),
    path("deliberations/", include("workflows.urls")),
    path("propositions/", include("workflows.proposal_urls")),
    path("archives/", include("workflows.archives.urls")),
    path(
        "api/",
        include((api_urlpatterns(forums_api, documents_api, workflows_api, archives_api, meetings_api), "api")),
    ),
    path("admin/", admin.site.urls),
]
