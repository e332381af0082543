"""The scanner: walk a project, parse each file safely once, run detectors, emit Evidence."""
