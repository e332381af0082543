"""The AWS Well-Architected Tool, both ways: plan, push and pull a review (extra `aws`)."""
