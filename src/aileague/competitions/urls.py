from django.urls import path

app_name = "competitions"
urlpatterns: list = []
