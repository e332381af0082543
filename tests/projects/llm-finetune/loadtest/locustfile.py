"""Load test of the moderation endpoint serving the ONNX model.

    locust -f loadtest/locustfile.py --host https://moderation.staging.internal \
        --users 200 --spawn-rate 20 --run-time 10m --headless

The service must keep p95 latency under 80 ms at 400 requests/s on two c7i.2xlarge nodes.
"""

from __future__ import annotations

import random

from locust import FastHttpUser, between, task

COMMENTS = [
    "Thanks for the detailed write-up, this fixed my build.",
    "This is the dumbest take I have read all week.",
    "Does anyone know if the meetup is still on for Thursday?",
    "People like you should not be allowed to post here.",
    "I disagree with the second point but the rest is spot on.",
]


class ModerationClient(FastHttpUser):
    wait_time = between(0.05, 0.2)

    @task(10)
    def classify_one(self) -> None:
        self.client.post("/v1/classify", json={"text": random.choice(COMMENTS)}, name="classify")

    @task(1)
    def classify_batch(self) -> None:
        self.client.post("/v1/classify:batch", json={"texts": random.sample(COMMENTS, 4)}, name="classify_batch")
