from django.urls import path

from workflows.meetings import calendar_views, views

app_name = "meetings"

urlpatterns = [
    path("", views.meeting_list, name="list"),
    path("nouvelle/", views.meeting_new, name="new"),
    path("regles/", views.meeting_rules, name="rules"),
    path("proces-verbaux/", views.minutes_list, name="minutes_list"),
    path("agenda/nouvelle-adresse/", calendar_views.feed_renew, name="feed_renew"),
    path("agenda/<str:token>.ics", calendar_views.feed, name="feed"),
    path("<int:meeting_id>/", views.meeting_detail, name="detail"),
    path("<int:meeting_id>/seance.ics", calendar_views.meeting_ics, name="ics"),
    path("<int:meeting_id>/ordre-du-jour/proposition/", views.add_proposal, name="add_proposal"),
    path("<int:meeting_id>/ordre-du-jour/point/", views.add_item, name="add_item"),
    path("<int:meeting_id>/ordre-du-jour/<int:item_id>/", views.move_item, name="move_item"),
    path("<int:meeting_id>/convoquer/", views.convene, name="convene"),
    path("<int:meeting_id>/reponse/", views.answer, name="answer"),
    path("<int:meeting_id>/presences/", views.presence, name="presence"),
    path("<int:meeting_id>/ordre-du-jour/<int:item_id>/vote/", views.record_vote, name="record_vote"),
    path("<int:meeting_id>/ordre-du-jour/<int:item_id>/vote-en-ligne/", views.open_online_vote, name="online_vote"),
    path("<int:meeting_id>/clore/", views.close, name="close"),
    path("<int:meeting_id>/ordre-du-jour/proces-verbal/", views.add_minutes, name="add_minutes"),
    path("<int:meeting_id>/proces-verbal/", views.minutes_page, name="minutes"),
    path("<int:meeting_id>/proces-verbal/brouillon/", views.minutes_save, name="minutes_save"),
    path("<int:meeting_id>/proces-verbal.odt", views.minutes_file, name="minutes_file"),
]
