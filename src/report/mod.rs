//! Reports: data first (Serialize), rendered by one renderer per format.
