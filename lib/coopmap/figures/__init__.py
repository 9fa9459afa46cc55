"""The programme's figures: the metric catalog, county/township/village tables and reconciliation."""
