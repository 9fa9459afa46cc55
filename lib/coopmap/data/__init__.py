"""What coopmap reads, checks and stores: the registry schema and loader, divisions, published figures, the illustrative sample, stored versions and which data is shown."""
