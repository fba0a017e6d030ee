"""Django's makemessages, also picking up the N_("...") marks of screening/questions.py and rules.py.

Django has no --keyword option; its documented way is this subclass ("Customizing the
makemessages command" in the translation docs).
"""

from __future__ import annotations

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    xgettext_options = [*makemessages.Command.xgettext_options, "--keyword=N_"]
