from django.apps import AppConfig


class InclusionConfig(AppConfig):
    name = "coproduce.apps.inclusion"
    label = "inclusion"
    default_auto_field = "django.db.models.BigAutoField"
