//! Multi-process cluster tests and the pcmk-lab harness.
