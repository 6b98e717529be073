//! Lint rules over the IR, one file per rule; none exists yet.
