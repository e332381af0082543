"""Product-review sentiment: prepare, featurize, train, evaluate."""
