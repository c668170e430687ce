"""The app as the load command serves it: `wsgi:app` with the rate limits raised, because every client of the
run signs in and calls the API from 127.0.0.1 (the limits would otherwise refuse the load, not measure it)."""
import os

from matchmaker import create_app

app = create_app({"LOGIN_RATE_LIMIT": os.environ.get("LOGIN_RATE_LIMIT", "100000/minute"),
                  "API_RATE_LIMIT": os.environ.get("API_RATE_LIMIT", "1000000/minute")})
