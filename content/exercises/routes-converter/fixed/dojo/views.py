from django.http import HttpResponse


def index(request):
    return HttpResponse("Welcome to the dojos. Try /dojos/1/.")


def dojo(request, number):
    # The converter made `number` an int, so arithmetic just works.
    return HttpResponse(f"Dojo number {number}. The next one is {number + 1}.")
