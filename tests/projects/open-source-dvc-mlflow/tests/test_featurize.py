from sentiment.featurize import build_vectorizer


def test_vectorizer_uses_bigrams():
    vectorizer = build_vectorizer(max_features=50, ngrams=2)
    vectorizer.fit(["the battery lasts", "the battery died", "screen is bright", "screen is dim"])
    assert "the battery" in vectorizer.vocabulary_
