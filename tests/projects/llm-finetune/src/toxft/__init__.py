"""Fine-tune a small causal LM as a comment-moderation classifier."""

IDENTITY_COLUMNS = ("female", "male", "muslim", "christian", "black", "white", "lgbtq", "disability")

__version__ = "0.4.0"
