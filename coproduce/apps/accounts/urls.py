from django.urls import path

from coproduce.apps.accounts import views

app_name = "accounts"

urlpatterns = [
    path("", views.profile_view, name="profile"),
    path("delete/", views.account_delete_view, name="delete"),
]
