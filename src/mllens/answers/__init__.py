"""The team's own answers, kept in `mllens.yaml` beside the code."""
