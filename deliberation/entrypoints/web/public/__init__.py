"""The public side: pages without an account, in the participant's language.

``language`` chooses the language (``?lang=``, then the remembered choice, then the
person's own, then ``Accept-Language``), ``rendering`` renders a page on the public
base template, ``protection`` guards every public form (size, rate limit per address,
honeypot, no HTML). How to add a page: the module docstring of ``rendering``.
"""
