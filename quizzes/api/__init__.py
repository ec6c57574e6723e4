"""API v1: content, sync and graded quizzes for the mobile app."""
