"""Console views, one module per area; `base` holds the guard every view goes through."""
