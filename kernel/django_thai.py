"""Thai for Django's own messages that Django's Thai catalogue leaves untranslated.

Users meet them on the user and password forms and in generic form errors ("This password is too
common.", "Enter a valid username…", "Ensure this value has at most 150 characters…"). The
project's catalogue (LOCALE_PATHS) is searched before Django's, so the Thai written for these
msgids in locale/th wins. Marking them here keeps them in the catalogue when `makemessages` runs,
and gives the test in tests/kernel/test_django_thai.py the list to check.

The msgids must stay byte for byte Django's (curly quotes included); a Django upgrade that
rewords one shows up as a failing test, not as English on a Thai page.
"""

from django.utils.translation import gettext_noop

SINGLE = (
    gettext_noop("Enter the same password as before, for verification."),
    gettext_noop("Required. 150 characters or fewer. Letters, digits and @/./+/-/_ only."),
    gettext_noop("The password is too similar to the %(verbose_name)s."),
    gettext_noop("Your password can’t be too similar to your other personal information."),
    gettext_noop("This password is too common."),
    gettext_noop("Your password can’t be a commonly used password."),
    gettext_noop("This password is entirely numeric."),
    gettext_noop("Your password can’t be entirely numeric."),
    gettext_noop("Enter a valid username. This value may contain only unaccented lowercase a-z and "
                 "uppercase A-Z letters, numbers, and @/./+/-/_ characters."),
    gettext_noop("Enter a valid username. This value may contain only letters, numbers, and @/./+/-/_ "
                 "characters."),
    gettext_noop("Enter a valid integer."),
    gettext_noop("Null characters are not allowed."),
    gettext_noop("%(model_name)s with this %(field_labels)s already exists."),
    gettext_noop("Value %(value)r is not a valid choice."),
    gettext_noop("“%(value)s” is not a valid UUID."),
    gettext_noop("Enter a complete value."),
    gettext_noop("“%(pk)s” is not a valid value."),
)

# (singular, plural): Django's ngettext messages.
PLURAL = (
    ("This password is too short. It must contain at least %d character.",
     "This password is too short. It must contain at least %d characters."),
    ("Your password must contain at least %(min_length)d character.",
     "Your password must contain at least %(min_length)d characters."),
    ("Ensure this value has at least %(limit_value)d character (it has %(show_value)d).",
     "Ensure this value has at least %(limit_value)d characters (it has %(show_value)d)."),
    ("Ensure this value has at most %(limit_value)d character (it has %(show_value)d).",
     "Ensure this value has at most %(limit_value)d characters (it has %(show_value)d)."),
    ("Ensure that there are no more than %(max)s digit in total.",
     "Ensure that there are no more than %(max)s digits in total."),
    ("Ensure that there are no more than %(max)s decimal place.",
     "Ensure that there are no more than %(max)s decimal places."),
    ("Ensure that there are no more than %(max)s digit before the decimal point.",
     "Ensure that there are no more than %(max)s digits before the decimal point."),
    ("Ensure this filename has at most %(max)d character (it has %(length)d).",
     "Ensure this filename has at most %(max)d characters (it has %(length)d)."),
)
