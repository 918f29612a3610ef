"""Pages of the infrastructure module, one module per area (assets, maps, requests, public)."""
