"""Forms of the smart-health pages, one module per area."""
