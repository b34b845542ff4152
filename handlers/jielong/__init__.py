"""接龙 chains: parsing posts and lines, merging reposts into one accountable list."""
