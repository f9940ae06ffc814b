"""personalize-local: a local, offline Amazon Personalize served beside moto."""

__version__ = "0.1.0"
