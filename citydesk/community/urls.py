from django.urls import path

from . import views

urlpatterns = [
    path("cong-dong/", views.gallery, name="community_gallery"),
    path("cong-dong/dang-nhap/", views.sign_in_request, name="community_sign_in"),
    path("cong-dong/vao/<str:token>/", views.sign_in_link, name="community_sign_in_link"),
    path("cong-dong/tai-khoan/", views.account, name="community_account"),
    path("cong-dong/dang-xuat/", views.sign_out, name="community_sign_out"),
    path("cong-dong/anh-dai-dien/", views.avatar, name="community_avatar"),
    path("cong-dong/xoa-tai-khoan/", views.delete_account, name="community_delete"),
    path("cong-dong/gui-bai/", views.submit_story, name="community_submit"),
    path("cong-dong/binh-luan/<int:page_id>/", views.comment, name="community_comment"),
    path("cong-dong/bao-cao/<int:comment_id>/", views.flag, name="community_flag"),
    path("cong-dong/ban-tin/<int:pk>/", views.digest_public, name="community_digest"),
    path("cong-dong/nhan-ban-tin/", views.digest_subscription, name="community_digest_subscription"),
    path("cong-dong/khang-nghi/<slug:kind>/<int:pk>/", views.appeal, name="community_appeal"),
]
