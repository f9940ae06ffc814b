"""The public Amazon Personalize recipe catalogue (recipes, algorithms, feature transformations)."""
