"""The tests, mirroring src/analysis/: tests/<room>/test_<module>.py."""
