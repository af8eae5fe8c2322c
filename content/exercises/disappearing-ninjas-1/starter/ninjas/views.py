# Write index(request) and all_ninjas(request) here.
