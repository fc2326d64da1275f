from django.apps import AppConfig


class EngagementsConfig(AppConfig):
    name = "coproduce.apps.engagements"
    label = "engagements"
    default_auto_field = "django.db.models.BigAutoField"
