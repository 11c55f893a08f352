"""Regions, municipalities and providers (with consortia)."""
