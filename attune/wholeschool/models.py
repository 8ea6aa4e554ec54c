"""Models of the wholeschool app."""
