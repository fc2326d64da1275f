"""Helpers shared by tests: hostile text (`coproduce.testing.text`)."""
