"""Version of the tagger code; a trained model's version adds the hash of its training data."""

BASE_VERSION = "voice-nlp-1.4"
