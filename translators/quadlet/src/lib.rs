//! Podman quadlet translator
