# Copy to instance/config.py. Every key can also be set as an environment variable with
# the PROCURE_ prefix, e.g. PROCURE_DATABASE_URL, PROCURE_SECRET_KEY, PROCURE_MAIL_HOST.
PROCURE_ENV = "production"
SECRET_KEY = "change-me-to-a-long-random-value"
DATABASE_URL = "postgresql+psycopg://procure@localhost:5432/procure"
BASE_URL = "https://procure.example.org"
MAIL_HOST = "smtp.example.org"
MAIL_PORT = 587
MAIL_USE_TLS = True
MAIL_USERNAME = "procure"
MAIL_PASSWORD = "secret"
MAIL_FROM = "procure@example.org"
