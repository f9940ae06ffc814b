"""The serving layer: what a campaign, recommender or filter resolves to, and the data it serves.

A runtime request, a recorded event and a batch job all read the same things: the model that
answers now (`deployment`), its rules (`campaigns`, `recommenders`), the group's datasets and
rows (`datasets`), user histories (`histories`) and cached answers (`answers`). They live here,
below both the control plane and the runtime, and import only the store and a request's
`context`, filters, recipes, data and errors: `control`, `events` and `runtime` import this
package, never the reverse (the import-linter contracts in pyproject.toml check it).
"""
