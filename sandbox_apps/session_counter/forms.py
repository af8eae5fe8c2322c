from django import forms

from .counter import LARGEST_ADD, SMALLEST_ADD


class AddForm(forms.Form):
    # The browser enforces min/max too, but only the server's check counts:
    # anyone can post any value to this URL.
    amount = forms.IntegerField(
        min_value=SMALLEST_ADD,
        max_value=LARGEST_ADD,
        error_messages={
            "required": "Enter a number to add.",
            "invalid": "Enter a whole number.",
            "min_value": f"Enter a number from {SMALLEST_ADD} to {LARGEST_ADD}.",
            "max_value": f"Enter a number from {SMALLEST_ADD} to {LARGEST_ADD}.",
        },
    )
