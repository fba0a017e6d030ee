"""Background tasks, run by the worker (`manage.py db_worker`, README "Review alerts").

Django's tasks framework through the django-tasks backport and its database backend
(django-tasks-db). From Django 6.0 on it is part of Django: the import below becomes
`from django.tasks import task`, and "django_tasks" leaves INSTALLED_APPS; nothing else changes.
"""

from __future__ import annotations

from django_tasks import task


@task()
def review_alert_send() -> str:
    """The review inbox's alert, if its window allows (services/alerts.py); what it did, in words."""
    from screening import services  # services import this module

    return services.review_alert_send()
