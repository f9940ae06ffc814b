"""Datasets: schemas, imports from S3, and the interaction data models train on."""
