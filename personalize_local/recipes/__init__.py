"""Amazon Personalize's recipes, declared once each.

`catalogue` holds one record per recipe: the public catalogue (recipes, algorithms, feature
transformations), the recipe's capabilities and how it trains; `parameters` parses and validates
each recipe's hyperparameters. Adding a recipe touches only the catalogue (CONTRIBUTING.md).
"""
