"""The archive API's routes (under /api/v1/)."""

from django.urls import path

from workflows.archives import api, api_steps

urlpatterns = [
    path("archives/fonds/", api.FondsList.as_view(), name="archive_fonds_list"),
    path("archives/fonds/<int:fonds_id>/", api.FondsDetail.as_view(), name="archive_fonds"),
    path("archives/fonds/<int:fonds_id>/assign/", api_steps.Assign.as_view(), name="archive_assign"),
    path("archives/fonds/<int:fonds_id>/decline/", api_steps.Decline.as_view(), name="archive_decline"),
    path("archives/fonds/<int:fonds_id>/withdraw/", api_steps.Withdraw.as_view(), name="archive_withdraw"),
    path(
        "archives/fonds/<int:fonds_id>/items/<int:item_id>/appraise/",
        api_steps.Appraise.as_view(),
        name="archive_appraise",
    ),
    path("archives/fonds/<int:fonds_id>/opinion-request/", api_steps.AskOpinion.as_view(), name="archive_ask_opinion"),
    path("archives/fonds/<int:fonds_id>/opinion/", api_steps.GiveOpinion.as_view(), name="archive_give_opinion"),
    path(
        "archives/fonds/<int:fonds_id>/appraisal-done/",
        api_steps.FinishAppraisal.as_view(),
        name="archive_finish_appraisal",
    ),
    path("archives/fonds/<int:fonds_id>/agreement/", api_steps.Agreement.as_view(), name="archive_agreement"),
    path(
        "archives/fonds/<int:fonds_id>/agreement.odt",
        api_steps.AgreementDocument.as_view(),
        name="archive_agreement_document",
    ),
    path(
        "archives/fonds/<int:fonds_id>/signed-agreement/",
        api_steps.SignedAgreement.as_view(),
        name="archive_signed_agreement",
    ),
    path("archives/fonds/<int:fonds_id>/intake/", api_steps.Intake.as_view(), name="archive_intake"),
    path(
        "archives/fonds/<int:fonds_id>/items/<int:item_id>/digitisation/",
        api_steps.Digitise.as_view(),
        name="archive_digitisation",
    ),
    path("archives/digitisation-queue/", api.DigitisationQueue.as_view(), name="archive_digitisation_queue"),
]
