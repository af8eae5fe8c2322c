app_name = "ninjas"

urlpatterns = [
    # Add the two routes here.
]
