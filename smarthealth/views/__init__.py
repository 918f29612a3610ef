"""Pages of the smart-health module, one module per area (registry, audit, care, maps, visits)."""
