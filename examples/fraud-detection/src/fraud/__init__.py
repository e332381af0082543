"""Card-fraud scoring model."""
