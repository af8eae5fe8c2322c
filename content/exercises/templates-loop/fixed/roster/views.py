from django.shortcuts import render

NINJAS = [
    {"name": "Leonardo", "color": "blue"},
    {"name": "Michelangelo", "color": "orange"},
    {"name": "Raphael", "color": "red"},
    {"name": "Donatello", "color": "purple"},
]


def roster(request):
    return render(request, "roster/list.html", {"ninjas": NINJAS})


def empty(request):
    return render(request, "roster/list.html", {"ninjas": []})
