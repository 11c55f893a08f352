"""A bare Flask "hello" app: the ceiling benchmarks/serving.py compares procure with."""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello():
    return "hello"
