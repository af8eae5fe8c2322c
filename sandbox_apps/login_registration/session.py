"""What Login and Registration keeps in the session, under one key.

    request.session["login_registration"] == {"user_id": 7, "action": "registered"}

Declared here rather than in views.py because the app's registry entry
(apps.py) names the key too, and apps.py is read before the models that
views.py imports may be.
"""

SESSION_KEY = "login_registration"
