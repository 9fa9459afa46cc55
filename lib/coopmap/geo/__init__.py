"""Township shapes: official or schematic boundaries and Chinese coordinate systems."""
