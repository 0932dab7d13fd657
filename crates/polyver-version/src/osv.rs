//! OSV range evaluation (placeholder).
